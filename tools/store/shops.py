"""The shops table: filled from the case's chats and bot mentions after every import, read by
every consumer (shop names, finding a shop by name or @bot, what a shop handed out)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, select

from tools.shop_links import BotMention, Chat, link_shops, name_key
from tools.store.repository import as_utc
from tools.store.schema import accounts, records, shop_links, shops, sightings


def rebuild_shops(conn: Connection, case: str) -> int:
    """Resolve the case's shops from what the store holds now; returns how many."""
    first = (select(sightings.c.shop, func.min(sightings.c.record_id).label("record_id"))
             .where(sightings.c.case == case, sightings.c.shop.is_not(None))
             .group_by(sightings.c.shop).subquery())
    chats = []
    for chat_id, data in conn.execute(
            select(first.c.shop, records.c.data).join(
                records, (records.c.case == case) & (records.c.id == first.c.record_id))):
        name = data.get("chat_name") or data.get("vendor") or chat_id
        # A channel's first sighting may be its post read as a listing (no chat type there).
        kind = data.get("chat_type") or ("channel" if data.get("channel_id") else "market")
        chats.append(Chat(chat_id, name, kind))
    # Bot sightings are few: a range scan of the account ids, with the posts' text.
    mentions = [
        BotMention(chat, account_id.split(":", 1)[1], text or "")
        for chat, account_id, text in conn.execute(
            select(sightings.c.shop, sightings.c.account_id, records.c.text)
            .join(records, (records.c.case == sightings.c.case)
                  & (records.c.id == sightings.c.record_id))
            .where(sightings.c.case == case, sightings.c.account_id >= "bot:",
                   sightings.c.account_id < "bot;", sightings.c.shop.is_not(None)))]
    resolved = link_shops(chats, mentions)
    conn.execute(delete(shop_links).where(shop_links.c.case == case))
    conn.execute(delete(shops).where(shops.c.case == case))
    if not resolved:
        return 0
    conn.execute(insert(shops), [{"case": case, "id": s.id, "name": s.name} for s in resolved])
    links: dict[tuple[str, str, str], dict] = {}
    for s in resolved:
        for c in s.chats:
            links[(s.id, "chat", c.id)] = {"label": c.name, "chat_type": c.type}
        for name in {s.name, *(c.name for c in s.chats)}:
            if key := name_key(name):
                links.setdefault((s.id, "alias", key), {"label": name, "chat_type": None})
        for handle in s.bots:
            links[(s.id, "bot", handle)] = {"label": "@" + handle, "chat_type": None}
    conn.execute(insert(shop_links), [
        {"case": case, "shop": shop, "kind": kind, "value": value, **rest}
        for (shop, kind, value), rest in links.items()])
    return len(resolved)


def ensure_shops(conn: Connection, case: str) -> None:
    """Resolve the shops of a store imported before the shops table existed (once)."""
    has_shops = conn.execute(select(shops.c.id).where(shops.c.case == case).limit(1)).first()
    if has_shops is None and conn.execute(
            select(sightings.c.shop).where(sightings.c.case == case,
                                           sightings.c.shop.is_not(None)).limit(1)).first():
        rebuild_shops(conn, case)
        conn.commit()


def chat_names(conn: Connection, case: str) -> dict[str, str]:
    """Every chat (or market vendor) of a shop, and its name as the chat shows it."""
    return dict(conn.execute(
        select(shop_links.c.value, shop_links.c.label)
        .where(shop_links.c.case == case, shop_links.c.kind == "chat")
        .order_by(shop_links.c.value)).all())


def shop_of_chat(conn: Connection, case: str) -> dict[str, str]:
    """Each chat's shop id."""
    return dict(conn.execute(
        select(shop_links.c.value, shop_links.c.shop)
        .where(shop_links.c.case == case, shop_links.c.kind == "chat")).all())


def shops_matching(conn: Connection, case: str, kind: str, values: list[str]) -> list[str]:
    """Ids of the shops with a link of `kind` (chat, bot, alias) to any of `values`."""
    return sorted(set(conn.execute(
        select(shop_links.c.shop).where(shop_links.c.case == case, shop_links.c.kind == kind,
                                        shop_links.c.value.in_(values))).scalars()))


def chats_of_shops(conn: Connection, case: str, shop_ids: list[str]) -> dict[str, str]:
    """The chats of these shops, with their names."""
    return dict(conn.execute(
        select(shop_links.c.value, shop_links.c.label)
        .where(shop_links.c.case == case, shop_links.c.kind == "chat",
               shop_links.c.shop.in_(shop_ids))
        .order_by(shop_links.c.value)).all())


def handed_out(conn: Connection, case: str, chat: str
               ) -> list[tuple[str, str, str, str, datetime | None]]:
    """(account id, kind, display, record id, seen at) of what `chat` handed out, oldest first;
    bot handles (advertising, not payment) left out."""
    rows = conn.execute(
        select(accounts.c.id, accounts.c.kind, accounts.c.display, sightings.c.record_id,
               sightings.c.seen_at)
        .join(accounts, (accounts.c.case == sightings.c.case)
              & (accounts.c.id == sightings.c.account_id))
        .where(sightings.c.case == case, sightings.c.shop == chat, accounts.c.kind != "bot")
        .order_by(sightings.c.seen_at, sightings.c.record_id)).all()
    return [(r.id, r.kind, r.display, r.record_id, as_utc(r.seen_at)) for r in rows]


def shop_spellings(conn: Connection, case: str) -> dict[str, tuple[str, list[str]]]:
    """Each shop: (its name, every name it goes by — its own, its chats', its aliases, its
    @bots), for finding the shop a question names."""
    ensure_shops(conn, case)
    out: dict[str, tuple[str, list[str]]] = {
        sid: (name, [name]) for sid, name in conn.execute(
            select(shops.c.id, shops.c.name).where(shops.c.case == case))}
    for sid, label in conn.execute(
            select(shop_links.c.shop, shop_links.c.label)
            .where(shop_links.c.case == case, shop_links.c.kind.in_(["chat", "alias"]))
            .order_by(shop_links.c.shop, shop_links.c.kind, shop_links.c.value)):
        if sid in out and label not in out[sid][1]:
            out[sid][1].append(label)
    return out


def bots_of_chats(conn: Connection, case: str) -> dict[str, list[str]]:
    """Each chat of a shop, and the @bots its shop goes by."""
    chat = shop_links.alias("chat")
    bot = shop_links.alias("bot")
    out: dict[str, list[str]] = {}
    for chat_id, handle in conn.execute(
            select(chat.c.value, bot.c.value)
            .join(bot, (bot.c.case == chat.c.case) & (bot.c.shop == chat.c.shop))
            .where(chat.c.case == case, chat.c.kind == "chat", bot.c.kind == "bot")
            .order_by(chat.c.value, bot.c.value)):
        out.setdefault(chat_id, []).append(handle)
    return out


def shop_name_of_chats(conn: Connection, case: str) -> dict[str, str]:
    """Each chat (or market vendor) of a shop, and the name of the shop it belongs to."""
    return dict(conn.execute(
        select(shop_links.c.value, shops.c.name)
        .join(shops, (shops.c.case == shop_links.c.case) & (shops.c.id == shop_links.c.shop))
        .where(shop_links.c.case == case, shop_links.c.kind == "chat")).all())
