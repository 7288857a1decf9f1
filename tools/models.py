"""Pydantic models at the engine's boundary: records, sources, accounts, import reports."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

RecordKind = Literal["transfer", "message", "listing", "bank_row", "tag"]
AccountKind = Literal["card", "iban", "phone", "tron", "btc", "eth", "bot", "iin"]


class Source(BaseModel):
    """Where a record came from: the file as ingested, its SHA-256 and the place inside it."""

    file: str
    sha256: str
    locator: str = Field(description="RFC 6901 pointer, 'line:N' or 'sheet:NAME!row:N'")
    format: str | None = Field(default=None, description="The file's detected format")


class Record(BaseModel):
    id: str
    kind: RecordKind
    case: str
    fields: dict[str, Any]
    source: Source


class Sighting(BaseModel):
    record_id: str
    seen_at: datetime | None
    shop: str | None


class Account(BaseModel):
    """A payment detail handed out in evidence: a card, IBAN, phone, wallet or shop bot."""

    id: str
    kind: AccountKind
    value: str
    display: str
    info: dict[str, Any] = Field(default_factory=dict)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    shops: list[str] = Field(default_factory=list)
    sightings: list[Sighting] = Field(default_factory=list)


class FileReport(BaseModel):
    file: str
    sha256: str | None = None
    format: str | None = None
    status: Literal["imported", "duplicate", "rejected", "skipped"]
    records: dict[str, int] = Field(default_factory=dict)
    duplicate_records: int = 0
    skipped: int = 0
    accounts: int = 0
    error: str | None = None
    note: str | None = Field(default=None, description="Why a file was skipped")


class IngestReport(BaseModel):
    case: str
    files: list[FileReport] = Field(default_factory=list)
    seconds: float = 0.0

    @property
    def rejected(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "rejected"]

    def imported_by_kind(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for f in self.files:
            for kind, n in f.records.items():
                totals[kind] = totals.get(kind, 0) + n
        return totals


class FileInfo(BaseModel):
    name: str
    sha256: str
    format: str
    size: int
    records: int
    ingested_at: datetime


class CaseStats(BaseModel):
    case: str
    records: dict[str, int]
    accounts: dict[str, int]
    files: list[FileInfo]
