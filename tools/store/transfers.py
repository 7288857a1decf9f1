"""Transfers in import order, and attribution tags: what the money graph is built from."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Select, String, literal_column, select, type_coerce

from tools.store.schema import records, transfers


def transfers_after(conn: Connection, case: str, after_seq: int, chains: Iterable[str]
                    ) -> Iterator[Any]:
    """Transfers of `chains` imported after `after_seq`, in import order (streamed): `seq,
    record_id, token, from_address, to_address, amount, ts, tx`."""
    yield from conn.execute(_after(conn, case, after_seq, chains, transfers.c.ts))


# Rows per batch of `transfer_batches_after`.
BATCH_ROWS = 100_000


def transfer_batches_after(conn: Connection, case: str, after_seq: int, chains: Iterable[str]
                           ) -> Iterator[list[tuple[Any, ...]]]:
    """`transfers_after` in lists of plain tuples, with the time as the driver gives it (text
    on SQLite, an aware datetime on PostgreSQL): a million rows for a graph at the driver's
    speed, read through its own cursor (server-side on PostgreSQL) without a Row and a
    datetime made per row."""
    stmt = _after(conn, case, after_seq, chains, type_coerce(transfers.c.ts, String))
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params: Any = (tuple(compiled.params[k] for k in compiled.positiontup or ())
                   if compiled.positional else compiled.params)
    driver: Any = conn.connection.driver_connection
    cursor = (driver.cursor(name="tergeu_transfers") if conn.dialect.name == "postgresql"
              else driver.cursor())
    try:
        cursor.execute(compiled.string, params)
        while part := cursor.fetchmany(BATCH_ROWS):
            yield part
    finally:
        cursor.close()


def first_transfer_after(conn: Connection, case: str, after_seq: int, chains: Iterable[str]
                         ) -> int | None:
    """The sequence number of the case's first transfer of `chains` after `after_seq`."""
    stmt = _after(conn, case, after_seq, chains, transfers.c.ts).limit(1)
    row = conn.execute(stmt).first()
    return None if row is None else int(row.seq)


def _after(conn: Connection, case: str, after_seq: int, chains: Iterable[str],
           ts: Any) -> Select[Any]:
    # SQLite's planner walks the whole case through the (case, address) index and sorts it,
    # even to find that nothing is new: 60 MB of page cache and a second at a million
    # transfers. The sampled ANALYZE after each import does not change that plan (checked on
    # the seed store: every row has the same case). A unary plus keeps that index out, so the
    # key range is used.
    of_case = (literal_column('+transfers."case"') if conn.dialect.name == "sqlite"
               else transfers.c.case) == case
    return (select(transfers.c.seq, transfers.c.record_id, transfers.c.token,
                   transfers.c.from_address, transfers.c.to_address, transfers.c.amount,
                   ts, transfers.c.tx)
            .where(of_case, transfers.c.seq > after_seq, transfers.c.chain.in_(list(chains)))
            .order_by(transfers.c.seq))


def tags(conn: Connection, case: str) -> list[tuple[str, dict[str, Any]]]:
    """(record id, fields) of every attribution tag of the case (tags are few)."""
    return [(r.id, r.data) for r in conn.execute(
        select(records.c.id, records.c.data)
        .where(records.c.case == case, records.c.kind == "tag"))]


def transfers_of_hashes(conn: Connection, case: str, hashes: Sequence[str], limit: int
                        ) -> list[Any]:
    """`record_id, tx, from_address, to_address, amount, token` of the chain transfers the
    transactions `hashes` made (hex, with or without "0x"), in import order."""
    txs = [h.lower().removeprefix("0x") for h in hashes]
    return list(conn.execute(select(
        transfers.c.record_id, transfers.c.tx, transfers.c.from_address,
        transfers.c.to_address, transfers.c.amount, transfers.c.token).where(
        transfers.c.case == case, transfers.c.chain != "bank",
        transfers.c.tx.in_(txs + [f"0x{t}" for t in txs]))
        .order_by(transfers.c.seq).limit(limit)).all())
