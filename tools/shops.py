"""Shops by name or bot, and every payment detail a shop handed out, with the message it was in.

Shops are resolved once, at import, into the store (`tools/shop_links.py` has the rules); this
module only reads them. A "shop" in results is one of its chats (`tg:<chat id>`, the bot chat
or a channel) or market vendors, as the sightings of payment details name them.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import Connection

from tools.shop_links import name_key
from tools.store import CaseStore
from tools.store.shops import (
    bots_of_chats,
    chat_names,
    chats_of_shops,
    ensure_shops,
    handed_out,
    shop_name_of_chats,
    shops_matching,
)


class HandedOut(BaseModel):
    account_id: str
    kind: str
    display: str
    record_id: str
    seen_at: datetime | None


class ShopDetails(BaseModel):
    shop: str
    name: str
    chat: str | None = Field(default=None, description="The chat's own title, when it has one")
    handed_out: list[HandedOut]
    bots: list[str] = Field(default_factory=list, description="The @bots its shop goes by "
                            "(none: a chat such as a board of ads, not a shop with a bot)")


def shop_names(conn: Connection, case: str) -> dict[str, str]:
    """Every shop chat of the case (bot chat, channel or market vendor) and the name of its
    shop: a bot chat titled "Королева ❄️ Оператор 24/7" is the shop "Снежная Королева KZ"."""
    ensure_shops(conn, case)
    return shop_name_of_chats(conn, case)


def find_shops(store: CaseStore, case: str, query: str) -> dict[str, str]:
    """The chats, with their names, of the shops that `query` names: a bot (`@name`, or a
    handle ending in `bot`), a chat id, or a display name of any of the shop's chats."""
    q = query.strip().strip("«»\"'")
    with store.engine.connect() as conn:
        ensure_shops(conn, case)
        folded = q.casefold()
        if folded.startswith("@") or folded.endswith("bot"):
            ids = shops_matching(conn, case, "bot", [folded.lstrip("@")])
        else:
            ids = (shops_matching(conn, case, "chat", [q])
                   or shops_matching(conn, case, "alias", [name_key(q)]))
        return chats_of_shops(conn, case, ids) if ids else {}


def shop_details(store: CaseStore, case: str, shop: str) -> ShopDetails:
    """What the shop chat `shop` handed out to buyers: cards, phones, IBANs and wallets,
    oldest first."""
    with store.engine.connect() as conn:
        name = shop_names(conn, case).get(shop, shop)
        chat = chat_names(conn, case).get(shop)
        rows = handed_out(conn, case, shop)
        bots = bots_of_chats(conn, case).get(shop, [])
    return ShopDetails(shop=shop, name=name, chat=chat, bots=bots, handed_out=[
        HandedOut(account_id=aid, kind=kind, display=display, record_id=rid, seen_at=seen)
        for aid, kind, display, rid, seen in rows])
