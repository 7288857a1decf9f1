"""Accounts (payment details and statement parties): one account, where it was seen, its bank
movements, and the cards a masked number can be."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Row, func, literal_column, or_, select

from tools.store.schema import accounts, records, sightings, transfers


def cards_matching_mask(conn: Connection, case: str, mask: str, limit: int) -> list[str]:
    """Ids of the cards a mask (SQL LIKE, `_` per hidden digit) can be, the most often handed
    out first."""
    # The digits before the first hidden one bound an index range on the account id.
    known = "card:" + mask.split("_", 1)[0]
    upper = known[:-1] + chr(ord(known[-1]) + 1)
    return list(conn.execute(
        select(accounts.c.id)
        .join(sightings, (sightings.c.case == accounts.c.case)
              & (sightings.c.account_id == accounts.c.id))
        .where(accounts.c.case == case, accounts.c.id >= known, accounts.c.id < upper,
               accounts.c.id.like("card:" + mask))
        .group_by(accounts.c.id)
        .order_by(func.count().desc(), accounts.c.id)
        .limit(limit)).scalars())


def account_row(conn: Connection, case: str, account_id: str) -> Row[Any] | None:
    return conn.execute(select(accounts).where(accounts.c.case == case,
                                               accounts.c.id == account_id)).first()


def sightings_of(conn: Connection, case: str, account_id: str, limit: int
                 ) -> Sequence[Any]:
    """Where the account was seen, oldest first: `record_id, shop, seen_at, kind`."""
    return conn.execute(
        select(sightings.c.record_id, sightings.c.shop, sightings.c.seen_at, records.c.kind)
        .join(records, (records.c.case == sightings.c.case)
              & (records.c.id == sightings.c.record_id))
        .where(sightings.c.case == case, sightings.c.account_id == account_id)
        .order_by(sightings.c.seen_at, sightings.c.record_id)
        .limit(limit)).all()


def accounts_seen_with(conn: Connection, case: str, account_id: str, record_ids: list[str]
                       ) -> list[str]:
    """Other accounts in the same records, sorted."""
    if not record_ids:
        return []
    return sorted(set(conn.execute(
        select(sightings.c.account_id).where(sightings.c.case == case,
                                             sightings.c.record_id.in_(record_ids),
                                             sightings.c.account_id != account_id)).scalars()))


def bank_moves(conn: Connection, case: str, account: str) -> Sequence[Any]:
    """Bank transfers from or to `account`: `record_id, from_address, to_address, amount, ts`."""
    return conn.execute(
        select(transfers.c.record_id, transfers.c.from_address, transfers.c.to_address,
               transfers.c.amount, transfers.c.ts)
        .where(transfers.c.case == case, transfers.c.chain == "bank",
               (transfers.c.from_address == account) | (transfers.c.to_address == account))
    ).all()


def records_with_account(conn: Connection, case: str, account_id: str, limit: int
                         ) -> list[str]:
    """Ids of the records an account was seen in (a statement's `card_mask`: its rows)."""
    return list(conn.execute(
        select(sightings.c.record_id).where(sightings.c.case == case,
                                            sightings.c.account_id == account_id).limit(limit)
    ).scalars())


def record_fields(conn: Connection, case: str, record_ids: list[str]
                  ) -> Iterator[tuple[str, dict[str, Any]]]:
    """(id, fields) of the given records."""
    rows = conn.execute(select(records.c.id, records.c.data).where(
        records.c.case == case, records.c.id.in_(record_ids)))
    yield from ((rid, data) for rid, data in rows)


def records_of_kind(conn: Connection, case: str, kind: str
                    ) -> Iterator[tuple[str, dict[str, Any]]]:
    """(id, fields) of every record of one kind, streamed (bank rows, to name the people)."""
    rows = conn.execute(select(records.c.id, records.c.data).where(
        records.c.case == case, records.c.kind == kind))
    yield from ((rid, data) for rid, data in rows)


def field_values(conn: Connection, case: str, kind: str, fields: list[str]) -> set[str]:
    """The distinct values the records of one kind hold in `fields`, read by the database
    (the names of a case's statements: tens of thousands of rows, a few hundred names)."""
    out: set[str] = set()
    for name in fields:
        value = records.c.data[name].as_string()
        out.update(str(v) for (v,) in conn.execute(
            select(value).distinct().where(records.c.case == case, records.c.kind == kind,
                                           value.is_not(None))))
    return out


def has_account(conn: Connection, case: str, account_id: str) -> bool:
    return conn.execute(select(accounts.c.id).where(
        accounts.c.case == case, accounts.c.id == account_id)).first() is not None


def account_values(conn: Connection, case: str, kind: str) -> list[str]:
    """Every value of one kind of account in the case (to find a near miss among them)."""
    return list(conn.execute(select(accounts.c.value).where(
        accounts.c.case == case, accounts.c.kind == kind)).scalars())


def bank_rows_between(conn: Connection, case: str, start: Any, end: Any) -> Sequence[Any]:
    """Bank transfers stamped between `start` and `end` (as stored): `record_id,
    from_address, to_address, amount, ts`."""
    return conn.execute(
        select(transfers.c.record_id, transfers.c.from_address, transfers.c.to_address,
               transfers.c.amount, transfers.c.ts)
        # A literal, not a parameter: SQLite uses the partial index `ix_transfers_bank_ts`
        # only for a condition it can see implies the index's own.
        .where(transfers.c.case == case, transfers.c.chain == literal_column("'bank'"),
               transfers.c.ts >= start, transfers.c.ts <= end)
    ).all()


def accounts_of_records(conn: Connection, case: str, record_ids: list[str]) -> list[str]:
    """The accounts seen in the given records, sorted."""
    if not record_ids:
        return []
    return sorted(set(conn.execute(
        select(sightings.c.account_id).where(sightings.c.case == case,
                                             sightings.c.record_id.in_(record_ids))).scalars()))


def shop_sightings_between(conn: Connection, case: str, start: Any, end: Any,
                           prefixes: Sequence[str]) -> Sequence[Any]:
    """Accounts shops handed out between `start` and `end` whose ids start with one of
    `prefixes`: `account_id, record_id, seen_at`."""
    kind = or_(*(sightings.c.account_id.like(f"{p}%") for p in prefixes))
    return conn.execute(
        select(sightings.c.account_id, sightings.c.record_id, sightings.c.seen_at)
        .where(sightings.c.case == case, sightings.c.shop.is_not(None),
               sightings.c.seen_at >= start, sightings.c.seen_at <= end, kind)
    ).all()
