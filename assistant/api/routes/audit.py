"""The audit trail over HTTP: admins read and verify a case's log; the UI reports exports."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from assistant.api.deps import AssignedCaseDep, AuditDep, UserDep
from assistant.audit import AuditEntry, ChainBreak

router = APIRouter(prefix="/api/cases/{case}/audit", tags=["audit"])


class ExportNote(BaseModel):
    format: Literal["html", "pdf"]
    questions: list[str] = Field(max_length=500)


class Verification(BaseModel):
    entries: int
    head: str | None = Field(description="Hash of the last entry: keep it elsewhere to anchor")
    breaks: list[ChainBreak]


@router.get("", response_model=list[AuditEntry])
def read_log(case: AssignedCaseDep, user: UserDep, audit: AuditDep) -> list[AuditEntry]:
    """The case's audit log, oldest first (admins only)."""
    if user.role != "admin":
        raise HTTPException(status_code=403, detail="the audit log is for admins")
    return audit.entries(case)


@router.get("/verify", response_model=Verification)
def verify_log(case: AssignedCaseDep, user: UserDep, audit: AuditDep) -> Verification:
    """Check the case's hash chain: edited, deleted or reordered entries, by number."""
    if user.role != "admin":
        raise HTTPException(status_code=403, detail="the audit log is for admins")
    entries = audit.entries(case)
    return Verification(entries=len(entries), head=entries[-1].hash if entries else None,
                        breaks=audit.verify(case))


@router.post("/exports", status_code=204)
def note_export(case: AssignedCaseDep, user: UserDep, audit: AuditDep, body: ExportNote) -> None:
    """Record that the user exported a report of these questions."""
    audit.append(case, user.name, "export", body.model_dump())
