"""Sightings of payment details: which shop handed out which account, in which record."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, select

from tools.store.schema import sightings


def wallets_of_the_same_shops(conn: Connection, case: str, account_id: str,
                              wallet_kinds: Iterable[str]) -> tuple[list[str], list[str]]:
    """(wallets, shops): the wallets handed out by the shops that handed out `account_id`."""
    shops = sorted({s for s in conn.execute(
        select(sightings.c.shop).where(sightings.c.case == case,
                                       sightings.c.account_id == account_id)
    ).scalars() if s})
    if not shops:
        return [], []
    # Wallet sightings are few: range-scan them by account id, then keep these shops'.
    wallets: set[str] = set()
    for kind in wallet_kinds:
        wallets.update(conn.execute(
            select(sightings.c.account_id).where(
                sightings.c.case == case, sightings.c.account_id >= f"{kind}:",
                sightings.c.account_id < f"{kind};", sightings.c.shop.in_(shops))
        ).scalars())
    return sorted(w.split(":", 1)[1] for w in wallets), shops
