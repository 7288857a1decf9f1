"""FastAPI dependencies: settings, the case store, the signed-in user and the case asked about."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from langchain_core.language_models import BaseChatModel

from assistant.agent.core import ModelUnavailableError
from assistant.audit import AuditLog
from assistant.config import Settings, get_settings
from assistant.users import CASE_NAME_PATTERN, User
from assistant.wiring import audit_trail, language_model, shared_store, user_registry
from tools.store import CaseStore


def get_store(settings: Annotated[Settings, Depends(get_settings)]) -> CaseStore:
    return shared_store(settings)


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[CaseStore, Depends(get_store)]


_bearer = HTTPBearer(auto_error=False, description="The token `tergeu user add` printed")


def current_user(request: Request, store: StoreDep,
                 creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> User:
    if creds is None:
        raise HTTPException(status_code=401, detail="sign in: Authorization: Bearer <token>",
                            headers={"WWW-Authenticate": "Bearer"})
    user = user_registry(store.engine).authenticate(creds.credentials)
    if user is None:
        raise HTTPException(status_code=401, detail="unknown or revoked token",
                            headers={"WWW-Authenticate": "Bearer"})
    request.state.user = user.name  # the audit of a denied request names them (app.py)
    return user


UserDep = Annotated[User, Depends(current_user)]


def assigned_case(user: UserDep,
                  case: Annotated[str, Path(pattern=CASE_NAME_PATTERN)]) -> str:
    """The case if the user is assigned to it; otherwise 404, as if it did not exist."""
    if not user.may_see(case):
        raise HTTPException(status_code=404, detail=f"no case {case!r}")
    return case


AssignedCaseDep = Annotated[str, Depends(assigned_case)]


def existing_case(store: StoreDep, case: AssignedCaseDep) -> str:
    if not store.has_case(case):
        raise HTTPException(status_code=404, detail=f"no case {case!r}")
    return case


CaseDep = Annotated[str, Depends(existing_case)]


def configured_model(settings: SettingsDep) -> BaseChatModel:
    """The chat model of TERGEU_LLM; 503 when it cannot be used (before any answer streams)."""
    try:
        return language_model(settings)
    except ModelUnavailableError as exc:
        raise HTTPException(status_code=503, detail=str(exc)) from exc


ModelDep = Annotated[BaseChatModel, Depends(configured_model)]


def audit_of(store: StoreDep) -> AuditLog:
    return audit_trail(store.engine)


AuditDep = Annotated[AuditLog, Depends(audit_of)]
