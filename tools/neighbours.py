"""A record's neighbours: the chat around a message, the statement rows around a payment, the
transfers that brought money to a transfer's sender and took it on from its receiver."""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import select

from tools.models import Record
from tools.store import CaseStore
from tools.store.schema import records, transfers


class Neighbours(BaseModel):
    record: Record
    before: list[Record] = Field(description="Oldest first")
    after: list[Record] = Field(description="Oldest first")


def record_neighbours(store: CaseStore, case: str, record_id: str, n: int = 3) -> Neighbours:
    record = store.get_record(case, record_id)
    with store.engine.connect() as conn:
        if record.kind == "transfer":
            moves = conn.execute(select(transfers.c.from_address, transfers.c.to_address,
                                        transfers.c.ts)
                                 .where(transfers.c.case == case,
                                        transfers.c.record_id == record_id)).first()
            if moves is None:
                return Neighbours(record=record, before=[], after=[])
            before_ids = conn.execute(
                select(transfers.c.record_id)
                .where(transfers.c.case == case, transfers.c.to_address == moves.from_address,
                       transfers.c.ts <= moves.ts, transfers.c.record_id != record_id)
                .order_by(transfers.c.ts.desc()).limit(n)).scalars().all()
            after_ids = conn.execute(
                select(transfers.c.record_id)
                .where(transfers.c.case == case, transfers.c.from_address == moves.to_address,
                       transfers.c.ts >= moves.ts, transfers.c.record_id != record_id)
                .order_by(transfers.c.ts).limit(n)).scalars().all()
        else:
            # Messages of one chat share `tg:<chat>/`, rows of one statement `bank:<IBAN>/`.
            prefix = record_id.rsplit("/", 1)[0] + "/"
            ts = conn.execute(select(records.c.ts).where(records.c.case == case,
                                                         records.c.id == record_id)).scalar()
            same = (records.c.case == case) & records.c.id.startswith(prefix, autoescape=True) \
                & (records.c.kind == record.kind) & (records.c.id != record_id)
            if ts is None:
                return Neighbours(record=record, before=[], after=[])
            before_ids = conn.execute(select(records.c.id).where(same, records.c.ts <= ts)
                                      .order_by(records.c.ts.desc()).limit(n)).scalars().all()
            after_ids = conn.execute(select(records.c.id).where(same, records.c.ts > ts)
                                     .order_by(records.c.ts).limit(n)).scalars().all()
    return Neighbours(record=record,
                      before=[store.get_record(case, r) for r in reversed(before_ids)],
                      after=[store.get_record(case, r) for r in after_ids])
