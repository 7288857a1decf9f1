"""The audit trail over HTTP: admins read and verify a case's log (and the server's own, of
refused requests); the UI reports the exports it builds, which the server checks and records."""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from assistant.api.deps import AssignedCaseDep, AuditDep, StoreDep, UserDep
from assistant.audit import SERVER, AuditEntry, AuditLog, ChainBreak
from assistant.users import User
from assistant.wiring import conversations

router = APIRouter(prefix="/api/cases/{case}/audit", tags=["audit"])
server_router = APIRouter(prefix="/api/audit", tags=["audit"])

# Exports a user may record per case in `EXPORT_WINDOW` seconds (past it: 429).
EXPORTS_PER_WINDOW, EXPORT_WINDOW = 20, 600.0


class ExportNote(BaseModel):
    """A report the UI built from the user's conversation: the server records which questions
    it holds from the conversation it kept, never text the client sends."""

    format: Literal["html", "pdf"]
    session: Annotated[str, Field(min_length=1, max_length=100,
                                  description="The conversation the report is of")]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$",
                                 description="SHA-256 of the file handed to the user")]
    bytes: Annotated[int, Field(ge=0, le=1 << 30, description="Its size")]


class Verification(BaseModel):
    entries: int
    head: str | None = Field(description="Hash of the last entry: keep it elsewhere to anchor")
    breaks: list[ChainBreak]


def _admin(user: User) -> None:
    if user.role != "admin":
        raise HTTPException(status_code=403, detail="the audit log is for admins")


def _read(audit: AuditLog, chain: str, user: User) -> list[AuditEntry]:
    _admin(user)
    audit.append(chain, user.name, "audit_read", {"chain": chain})
    return audit.entries(chain)


def _verify(audit: AuditLog, chain: str, user: User) -> Verification:
    _admin(user)
    audit.append(chain, user.name, "audit_verify", {"chain": chain})
    entries = audit.entries(chain)
    return Verification(entries=len(entries), head=entries[-1].hash if entries else None,
                        breaks=audit.verify(chain))


@router.get("", response_model=list[AuditEntry])
def read_log(case: AssignedCaseDep, user: UserDep, audit: AuditDep) -> list[AuditEntry]:
    """The case's audit log, oldest first (admins only; the reading is itself logged)."""
    return _read(audit, case, user)


@router.get("/verify", response_model=Verification)
def verify_log(case: AssignedCaseDep, user: UserDep, audit: AuditDep) -> Verification:
    """Check the case's hash chain: edited, deleted or reordered entries, by number."""
    return _verify(audit, case, user)


@server_router.get("", response_model=list[AuditEntry])
def read_server_log(user: UserDep, audit: AuditDep) -> list[AuditEntry]:
    """The server's own chain, oldest first: refused requests (401/403/404) with the user or
    a fingerprint of the token presented (admins only)."""
    return _read(audit, SERVER, user)


@server_router.get("/verify", response_model=Verification)
def verify_server_log(user: UserDep, audit: AuditDep) -> Verification:
    """Check the server chain's hashes."""
    return _verify(audit, SERVER, user)


class _RateLimit:
    """At most `n` events per key in a sliding window of `seconds` (per process)."""

    def __init__(self, n: int, seconds: float) -> None:
        self.n, self.seconds = n, seconds
        self.seen: dict[tuple[str, str], deque[float]] = {}
        self.lock = threading.Lock()

    def allow(self, key: tuple[str, str]) -> bool:
        now = time.monotonic()
        with self.lock:
            q = self.seen.setdefault(key, deque())
            while q and q[0] < now - self.seconds:
                q.popleft()
            if len(q) >= self.n:
                return False
            q.append(now)
            return True


_exports = _RateLimit(EXPORTS_PER_WINDOW, EXPORT_WINDOW)


@router.post("/exports", status_code=204)
def note_export(case: AssignedCaseDep, user: UserDep, audit: AuditDep, store: StoreDep,
                body: ExportNote) -> None:
    """Record that the user exported a report of a conversation: the questions are the ones
    the server kept for that conversation, with the file's hash and size as the UI gave them.
    A conversation the server does not hold is refused (404); more than 20 exports in ten
    minutes, 429."""
    turns = conversations(store.engine).history(case, user.name, body.session, last=200)
    if not turns:
        raise HTTPException(status_code=404, detail=f"no conversation {body.session!r}")
    if not _exports.allow((user.name, case)):
        raise HTTPException(status_code=429, detail=(
            f"more than {EXPORTS_PER_WINDOW} exports in {EXPORT_WINDOW / 60:.0f} minutes"))
    audit.append(case, user.name, "export", {
        "format": body.format, "session": body.session, "sha256": body.sha256,
        "bytes": body.bytes, "questions": [t.question[:300] for t in turns]})
