"""The ids of a record's neighbours: the transfers into its sender and out of its receiver, or
the records of the same chat or statement just before and after it."""

from __future__ import annotations

from sqlalchemy import Connection, select

from tools.store.schema import records, transfers


def neighbour_ids(conn: Connection, case: str, record_id: str, kind: str, n: int
                  ) -> tuple[list[str], list[str]]:
    """(before, after): up to `n` record ids each, nearest first."""
    if kind == "transfer":
        moves = conn.execute(select(transfers.c.from_address, transfers.c.to_address,
                                    transfers.c.ts)
                             .where(transfers.c.case == case,
                                    transfers.c.record_id == record_id)).first()
        if moves is None:
            return [], []
        before = conn.execute(
            select(transfers.c.record_id)
            .where(transfers.c.case == case, transfers.c.to_address == moves.from_address,
                   transfers.c.ts <= moves.ts, transfers.c.record_id != record_id)
            .order_by(transfers.c.ts.desc()).limit(n)).scalars().all()
        after = conn.execute(
            select(transfers.c.record_id)
            .where(transfers.c.case == case, transfers.c.from_address == moves.to_address,
                   transfers.c.ts >= moves.ts, transfers.c.record_id != record_id)
            .order_by(transfers.c.ts).limit(n)).scalars().all()
        return list(before), list(after)
    # Messages of one chat share `tg:<chat>/`, rows of one statement `bank:<IBAN>/`.
    prefix = record_id.rsplit("/", 1)[0] + "/"
    ts = conn.execute(select(records.c.ts).where(records.c.case == case,
                                                 records.c.id == record_id)).scalar()
    if ts is None:
        return [], []
    same = (records.c.case == case) & records.c.id.startswith(prefix, autoescape=True) \
        & (records.c.kind == kind) & (records.c.id != record_id)
    before = conn.execute(select(records.c.id).where(same, records.c.ts <= ts)
                          .order_by(records.c.ts.desc()).limit(n)).scalars().all()
    after = conn.execute(select(records.c.id).where(same, records.c.ts > ts)
                         .order_by(records.c.ts).limit(n)).scalars().all()
    return list(before), list(after)
