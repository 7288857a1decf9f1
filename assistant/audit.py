"""The audit trail: who asked, ran, opened and exported what, hash-chained per case.

Each entry carries the SHA-256 of the previous entry of its case, so an entry edited, deleted
or moved breaks the chain where it happened; `verify` names the entry. Entries are numbered
per case under a primary key, so two workers can never both append entry n.

What happens outside any case (signing in with a bad token, asking for a case one is not
assigned to) goes to the server's own chain, `SERVER` ("*", a name no case can have).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    func,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError, OperationalError

from tools.store.repository import as_utc

log = logging.getLogger(__name__)

GENESIS = "0" * 64
SERVER = "*"
# An entry's details are cut to this many bytes of JSON (an upload of 100 files with long names
# fits): a client cannot grow the trail fast.
MAX_DETAILS = 64 << 10

metadata = MetaData()

audit_log = Table(
    "audit_log",
    metadata,
    Column("case", String(100), primary_key=True),
    Column("n", Integer, primary_key=True, autoincrement=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("user", String(100), nullable=False),
    Column("action", String(40), nullable=False),
    Column("details", JSON, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)


class AuditEntry(BaseModel):
    case: str
    n: int
    at: datetime
    user: str
    action: str
    details: dict[str, Any]
    prev_hash: str
    hash: str


class ChainBreak(BaseModel):
    case: str
    n: int
    problem: str


def entry_hash(case: str, n: int, at: datetime, user: str, action: str,
               details: dict[str, Any], prev_hash: str) -> str:
    body = json.dumps([case, n, at.astimezone(UTC).isoformat(), user, action, details,
                       prev_hash], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def is_lock_error(exc: OperationalError) -> bool:
    """SQLite's "database is locked" / "database is busy": another writer holds the file."""
    text = str(exc.orig or exc).lower()
    return "database is locked" in text or "database is busy" in text


class AuditLog:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        metadata.create_all(engine)

    def append(self, case: str, user: str, action: str, details: dict[str, Any]) -> AuditEntry:
        """Chain an entry onto the case's trail; details over `MAX_DETAILS` are cut (marked).

        A SQLite lock held elsewhere is waited out with backoff (about 10 s in all); if it
        persists the OperationalError goes up (the API answers 503)."""
        text = json.dumps(details, ensure_ascii=False, default=str)
        if len(text.encode()) > MAX_DETAILS:
            details = {"truncated": text.encode()[:MAX_DETAILS].decode(errors="ignore"),
                       "bytes": len(text.encode())}
        else:
            details = json.loads(text)
        delay = 0.02
        for _ in range(40):
            try:
                with self.engine.connect().execution_options(immediate=True) as conn, \
                        conn.begin():
                    if conn.dialect.name == "postgresql":
                        # One appender per case at a time (SQLite's BEGIN IMMEDIATE does the
                        # same): under many concurrent writers, retrying on the unique key
                        # alone could run out of tries (a test saw it on a loaded machine).
                        conn.execute(select(func.pg_advisory_xact_lock(
                            func.hashtext(f"tergeu-audit:{case}"))))
                    last = conn.execute(
                        select(audit_log.c.n, audit_log.c.hash).where(audit_log.c.case == case)
                        .order_by(audit_log.c.n.desc()).limit(1)).first()
                    n, prev = (last.n + 1, last.hash) if last else (1, GENESIS)
                    at = datetime.now(UTC)
                    digest = entry_hash(case, n, at, user, action, details, prev)
                    conn.execute(insert(audit_log).values(
                        case=case, n=n, at=at, user=user, action=action, details=details,
                        prev_hash=prev, hash=digest))
            except IntegrityError:
                continue  # another worker appended entry n first: chain onto it
            except OperationalError as exc:
                if not is_lock_error(exc) or delay > 2:
                    raise
                log.warning("audit trail busy, retrying in %.2f s", delay)
                time.sleep(delay)
                delay *= 2
                continue
            return AuditEntry(case=case, n=n, at=at, user=user, action=action,
                              details=details, prev_hash=prev, hash=digest)
        raise RuntimeError(f"audit log of case {case!r}: could not append")  # pragma: no cover

    def entries(self, case: str) -> list[AuditEntry]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(audit_log).where(audit_log.c.case == case)
                                .order_by(audit_log.c.n)).all()
        return [AuditEntry(case=r.case, n=r.n, at=as_utc(r.at), user=r.user, action=r.action,
                           details=r.details, prev_hash=r.prev_hash, hash=r.hash) for r in rows]

    def cases(self) -> list[str]:
        with self.engine.connect() as conn:
            return sorted(conn.execute(select(audit_log.c.case).group_by(audit_log.c.case)
                                       .having(func.count() > 0)).scalars())

    def verify(self, case: str) -> list[ChainBreak]:
        """Where the case's chain is broken: edited, deleted or reordered entries, by number."""
        breaks: list[ChainBreak] = []
        prev, expected = GENESIS, 1
        entries = self.entries(case)
        for e in entries:
            if e.n != expected:
                missing = f"{expected}" if e.n == expected + 1 else f"{expected}–{e.n - 1}"
                breaks.append(ChainBreak(case=case, n=expected,
                                         problem=f"entry {missing} deleted"))
            digest = entry_hash(case, e.n, e.at, e.user, e.action, e.details, e.prev_hash)
            if digest != e.hash:
                moved = next((m for m in range(1, len(entries) + 2) if m != e.n and entry_hash(
                    case, m, e.at, e.user, e.action, e.details, e.prev_hash) == e.hash), None)
                problem = (f"entry {moved} moved to position {e.n} (reordered)" if moved
                           else f"entry {e.n} edited")
                breaks.append(ChainBreak(case=case, n=e.n, problem=problem))
            elif e.prev_hash != prev and e.n == expected:
                breaks.append(ChainBreak(case=case, n=e.n, problem=(
                    f"entry {e.n} does not follow entry {e.n - 1} (reordered or replaced)")))
            prev, expected = e.hash, e.n + 1
        return breaks
