"""A record with its source (file, SHA-256, locator), the excerpt there and its accounts."""

from __future__ import annotations

from pydantic import BaseModel, Field

from tools.evidence import source_excerpt
from tools.models import Record
from tools.store import CaseStore


class RecordWithSource(BaseModel):
    record: Record
    accounts: list[str] = Field(description="Payment details seen in the record")
    excerpt: str = Field(description="The original file's text at the record's locator")


def record_with_source(store: CaseStore, case: str, record_id: str) -> RecordWithSource:
    """The record, its payment details and the evidence text at its locator.

    Raises:
        RecordNotFoundError: no such record in the case.
        TergeuError: the original file is missing from the vault or unreadable.
    """
    rec = store.get_record(case, record_id)
    excerpt = source_excerpt(store.evidence_dir, rec.source.sha256, rec.source.locator,
                             rec.source.format or "")
    return RecordWithSource(record=rec, accounts=store.accounts_of_record(case, record_id),
                            excerpt=excerpt)
