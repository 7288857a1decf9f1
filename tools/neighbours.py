"""A record's neighbours: the chat around a message, the statement rows around a payment, the
transfers that brought money to a transfer's sender and took it on from its receiver."""

from __future__ import annotations

from pydantic import BaseModel, Field

from tools.models import Record
from tools.store import CaseStore
from tools.store.neighbours import neighbour_ids


class Neighbours(BaseModel):
    record: Record
    before: list[Record] = Field(description="Oldest first")
    after: list[Record] = Field(description="Oldest first")


def record_neighbours(store: CaseStore, case: str, record_id: str, n: int = 3) -> Neighbours:
    record = store.get_record(case, record_id)
    with store.engine.connect() as conn:
        before_ids, after_ids = neighbour_ids(conn, case, record_id, record.kind, n)
    return Neighbours(record=record,
                      before=[store.get_record(case, r) for r in reversed(before_ids)],
                      after=[store.get_record(case, r) for r in after_ids])
