"""Case metadata: who owns a case and how to reach them (the contact a deconfliction hit names)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from pydantic import BaseModel, Field
from sqlalchemy import Column, DateTime, Engine, MetaData, String, Table, delete, insert, select

from assistant.users import CASE_NAME_PATTERN, UserError, assignments, users
from assistant.users import metadata as user_tables

metadata = MetaData()

case_info = Table(
    "case_info",
    metadata,
    Column("case", String(100), primary_key=True),
    Column("owner", String(200), nullable=False),
    Column("contact", String(300), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

MAX_OWNER = 200
MAX_CONTACT = 300
CASE_NAME = re.compile(CASE_NAME_PATTERN)


class CaseInfoError(UserError):
    """Case metadata that cannot be recorded as given."""


class CaseInfo(BaseModel):
    case: str
    owner: str | None = Field(default=None, description="The prosecutor in charge, as recorded")
    contact: str | None = Field(default=None, description="How to reach them (phone, e-mail)")
    prosecutors: list[str] = Field(default_factory=list,
                                   description="Users with the prosecutor role assigned to it")

    @property
    def who_to_contact(self) -> str:
        """The owner and their contact as recorded; else the case's prosecutors; else a dash."""
        if self.owner:
            return f"{self.owner}, {self.contact}" if self.contact else self.owner
        if self.prosecutors:
            return ", ".join(self.prosecutors)
        return "—"


class CaseRegistry:
    """Owners and contacts of cases, beside the users and their assignments."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        user_tables.create_all(engine)  # the prosecutors assigned are the contact otherwise
        metadata.create_all(engine)

    def set_owner(self, case: str, owner: str, contact: str = "") -> CaseInfo:
        if not CASE_NAME.fullmatch(case):
            raise CaseInfoError(f"case {case!r}: letters, digits, '.', '-' and '_' only")
        if not owner.strip() or len(owner) > MAX_OWNER or len(contact) > MAX_CONTACT:
            raise CaseInfoError(f"owner: 1–{MAX_OWNER} characters, contact up to "
                                f"{MAX_CONTACT}")
        with self.engine.begin() as conn:
            conn.execute(delete(case_info).where(case_info.c.case == case))
            conn.execute(insert(case_info).values(case=case, owner=owner.strip(),
                                                  contact=contact.strip(),
                                                  updated_at=datetime.now(UTC)))
        return self.get(case)

    def get(self, case: str) -> CaseInfo:
        return self.many([case])[case]

    def many(self, cases: list[str]) -> dict[str, CaseInfo]:
        """Each case's info (one query for all: a hit list names many cases)."""
        found = {c: CaseInfo(case=c) for c in cases}
        if not found:
            return found
        with self.engine.connect() as conn:
            for row in conn.execute(select(case_info).where(case_info.c.case.in_(found))):
                found[row.case].owner, found[row.case].contact = row.owner, row.contact or None
            for case, name in conn.execute(
                    select(assignments.c.case, users.c.name)
                    .join(users, users.c.name == assignments.c.user)
                    .where(assignments.c.case.in_(found), users.c.role == "prosecutor")
                    .order_by(users.c.name)):
                found[case].prosecutors.append(name)
        return found
