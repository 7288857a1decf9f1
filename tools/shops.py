"""Shops by name or bot, and every payment detail a shop handed out, with the message it was in."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Connection, func, select

from tools.store import CaseStore
from tools.store.repository import as_utc
from tools.store.schema import accounts, records, sightings


class HandedOut(BaseModel):
    account_id: str
    kind: str
    display: str
    record_id: str
    seen_at: datetime | None


class ShopDetails(BaseModel):
    shop: str
    name: str
    handed_out: list[HandedOut]


def shop_names(conn: Connection, case: str) -> dict[str, str]:
    """Every shop of the case (bot chat or channel) and its name as the chat shows it."""
    first = (select(sightings.c.shop, func.min(sightings.c.record_id).label("record_id"))
             .where(sightings.c.case == case, sightings.c.shop.is_not(None))
             .group_by(sightings.c.shop).subquery())
    names = {}
    for shop, data in conn.execute(
            select(first.c.shop, records.c.data).join(
                records, (records.c.case == case) & (records.c.id == first.c.record_id))):
        names[shop] = data.get("chat_name") or data.get("vendor") or shop
    return names


def find_shops(store: CaseStore, case: str, query: str) -> dict[str, str]:
    """Shops whose name, bot (@name) or id matches `query`, with their names."""
    q = query.strip().strip("«»\"'").casefold()
    with store.engine.connect() as conn:
        names = shop_names(conn, case)
        if q.startswith("@") or q.endswith("bot"):
            # A bot is advertised in its shop's channel; the bot chat carries the same name.
            channels = set(conn.execute(select(sightings.c.shop).where(
                sightings.c.case == case, sightings.c.account_id == f"bot:{q.lstrip('@')}"))
                .scalars())
            bases = {names[c].split(" | ")[0].casefold() for c in channels if c in names}
            return {s: n for s, n in names.items() if n.split(" | ")[0].casefold() in bases}
    return {s: n for s, n in names.items()
            if q in (s.casefold(), n.casefold(), n.split(" | ")[0].casefold())}


def shop_details(store: CaseStore, case: str, shop: str) -> ShopDetails:
    """What `shop` handed out to buyers: cards, phones, IBANs and wallets, oldest first."""
    with store.engine.connect() as conn:
        name = shop_names(conn, case).get(shop, shop)
        rows = conn.execute(
            select(accounts.c.id, accounts.c.kind, accounts.c.display, sightings.c.record_id,
                   sightings.c.seen_at)
            .join(accounts, (accounts.c.case == sightings.c.case)
                  & (accounts.c.id == sightings.c.account_id))
            .where(sightings.c.case == case, sightings.c.shop == shop, accounts.c.kind != "bot")
            .order_by(sightings.c.seen_at, sightings.c.record_id)).all()
    return ShopDetails(shop=shop, name=name, handed_out=[
        HandedOut(account_id=r.id, kind=r.kind, display=r.display, record_id=r.record_id,
                  seen_at=as_utc(r.seen_at)) for r in rows])
