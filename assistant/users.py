"""Users, their roles and case assignments, and the bearer tokens they sign in with."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)

from tools.errors import TergeuError

# What a case may be called, wherever a name comes in (API paths, MCP, OpenAI models).
CASE_NAME_PATTERN = r"^[\w.-]{1,100}$"

Role = Literal["prosecutor", "analyst", "admin"]
ROLES: tuple[Role, ...] = ("prosecutor", "analyst", "admin")

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("role", String(20), nullable=False),
    # SHA-256 of the token: tokens are 256 random bits, so a slow hash would add nothing.
    Column("token_hash", String(64), unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

assignments = Table(
    "case_assignments",
    metadata,
    Column("user", String(100), primary_key=True),
    Column("case", String(100), primary_key=True),
)


class UserError(TergeuError):
    """A user that cannot be added, found or changed as asked."""


class User(BaseModel):
    name: str
    role: Role
    cases: list[str]

    def may_see(self, case: str) -> bool:
        return self.role == "admin" or case in self.cases


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Users:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        metadata.create_all(engine)

    def add(self, name: str, role: str, cases: list[str]) -> str:
        """Create the user and return its token: shown once, only its hash is kept."""
        if role not in ROLES:
            raise UserError(f"role {role!r}: one of {', '.join(ROLES)}")
        token = secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            if conn.execute(select(users.c.name).where(users.c.name == name)).first():
                raise UserError(f"user {name!r} exists")
            conn.execute(insert(users).values(name=name, role=role, token_hash=_hash(token),
                                              created_at=datetime.now(UTC)))
            for case in sorted(set(cases)):
                conn.execute(insert(assignments).values(user=name, case=case))
        return token

    def rotate(self, name: str) -> str:
        """A new token for the user; the old one stops working at once."""
        token = secrets.token_urlsafe(32)
        self._set_hash(name, _hash(token))
        return token

    def revoke(self, name: str) -> None:
        self._set_hash(name, None)

    def _set_hash(self, name: str, token_hash: str | None) -> None:
        with self.engine.begin() as conn:
            done = conn.execute(update(users).where(users.c.name == name)
                                .values(token_hash=token_hash)).rowcount
        if not done:
            raise UserError(f"no user {name!r}")

    def assign(self, name: str, case: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(assignments).where(assignments.c.user == name,
                                                   assignments.c.case == case))
            conn.execute(insert(assignments).values(user=name, case=case))

    def get(self, name: str) -> User | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(users.c.name, users.c.role).where(users.c.name == name)
                               ).first()
            if row is None:
                return None
            cases = sorted(conn.execute(select(assignments.c.case)
                                        .where(assignments.c.user == name)).scalars())
        return User(name=row.name, role=row.role, cases=cases)

    def authenticate(self, token: str) -> User | None:
        """The user holding `token`, or None (unknown or revoked)."""
        with self.engine.connect() as conn:
            name = conn.execute(select(users.c.name).where(
                users.c.token_hash == _hash(token))).scalar()
        return self.get(name) if name else None

    def all(self) -> list[User]:
        with self.engine.connect() as conn:
            names = sorted(conn.execute(select(users.c.name)).scalars())
        return [u for n in names if (u := self.get(n))]
