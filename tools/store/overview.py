"""The counts and sums a case overview is made of: per shop, per dropper account, per wallet."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Row, func, select

from tools.store.schema import accounts, records, sightings, transfers

_handed = (accounts.c.case == sightings.c.case) & (accounts.c.id == sightings.c.account_id)


def shop_account_kinds(conn: Connection, case: str) -> Sequence[Row[Any]]:
    """Per shop chat and account kind: `shop, kind, n` distinct accounts, `first`, `last` seen."""
    return conn.execute(
        select(sightings.c.shop, accounts.c.kind,
               func.count(sightings.c.account_id.distinct()).label("n"),
               func.min(sightings.c.seen_at).label("first"),
               func.max(sightings.c.seen_at).label("last"))
        .join(accounts, _handed)
        .where(sightings.c.case == case, sightings.c.shop.is_not(None))
        .group_by(sightings.c.shop, accounts.c.kind)).all()


def first_shop_record(conn: Connection, case: str, shop: str) -> tuple[str, int] | None:
    """(the oldest record of `shop` that handed something out, how many such records)."""
    row = conn.execute(
        select(records.c.id, func.count().over().label("n"))
        .where(records.c.case == case, records.c.id.in_(
            select(sightings.c.record_id).where(sightings.c.case == case,
                                                sightings.c.shop == shop)))
        .order_by(records.c.ts).limit(1)).first()
    return (row.id, row.n) if row else None


def handed_out_accounts(conn: Connection, case: str, kinds: Sequence[str]) -> Sequence[Row[Any]]:
    """Accounts of `kinds` any shop handed out: `id, kind, display`, `n` records, and the
    `first_record` (lowest id) they were in."""
    return conn.execute(
        select(accounts.c.id, accounts.c.kind, accounts.c.display,
               func.count(sightings.c.record_id.distinct()).label("n"),
               func.min(sightings.c.record_id).label("first_record"))
        .join(accounts, _handed)
        .where(sightings.c.case == case, sightings.c.shop.is_not(None),
               accounts.c.kind.in_(kinds))
        .group_by(accounts.c.id, accounts.c.kind, accounts.c.display)).all()


def shops_of_accounts(conn: Connection, case: str, account_ids: list[str]
                      ) -> list[tuple[str, str]]:
    """(account id, shop chat) for every shop that handed out one of `account_ids`."""
    return [(a, s) for a, s in conn.execute(
        select(sightings.c.account_id, sightings.c.shop)
        .where(sightings.c.case == case, sightings.c.shop.is_not(None),
               sightings.c.account_id.in_(account_ids)))]


def first_records_by_shop(conn: Connection, case: str, account_ids: list[str]
                          ) -> list[tuple[str, str, str]]:
    """(account id, shop chat, the lowest id of that shop's records handing it out) for each
    of `account_ids` and each shop that handed it out."""
    return [(a, s, r) for a, s, r in conn.execute(
        select(sightings.c.account_id, sightings.c.shop, func.min(sightings.c.record_id))
        .where(sightings.c.case == case, sightings.c.shop.is_not(None),
               sightings.c.account_id.in_(account_ids))
        .group_by(sightings.c.account_id, sightings.c.shop))]


def bank_payments(conn: Connection, case: str, ibans: list[str], *, to: bool
                  ) -> list[tuple[str, str | None, str, str]]:
    """(one of `ibans`, the other side's account, record id, amount) of every bank transfer
    to (`to`) or from one of `ibans`."""
    mine, other = ((transfers.c.to_address, transfers.c.from_address) if to
                   else (transfers.c.from_address, transfers.c.to_address))
    return [(a, o, rid, amount) for a, o, rid, amount in conn.execute(
        select(mine, other, transfers.c.record_id, transfers.c.amount)
        .where(transfers.c.case == case, transfers.c.chain == "bank", mine.in_(ibans)))]


def handed_out_account_ids(conn: Connection, case: str, kinds: Sequence[str]) -> list[str]:
    """Ids of the accounts of `kinds` (e.g. wallets) any shop handed out, sorted."""
    return sorted(set(conn.execute(
        select(sightings.c.account_id).join(accounts, _handed)
        .where(sightings.c.case == case, sightings.c.shop.is_not(None),
               accounts.c.kind.in_(kinds))).scalars()))


def bot_sightings(conn: Connection, case: str) -> list[tuple[str, str, str, str | None]]:
    """(chat, bot handle, record id, text) of every message or post naming a @bot, in the
    order they were written (bot sightings are few)."""
    return [(chat, account_id.split(":", 1)[1], rid, text) for chat, account_id, rid, text in
            conn.execute(
                select(sightings.c.shop, sightings.c.account_id, sightings.c.record_id,
                       records.c.text)
                .join(records, (records.c.case == sightings.c.case)
                      & (records.c.id == sightings.c.record_id))
                .where(sightings.c.case == case, sightings.c.account_id >= "bot:",
                       sightings.c.account_id < "bot;", sightings.c.shop.is_not(None))
                .order_by(records.c.ts, sightings.c.record_id))]
