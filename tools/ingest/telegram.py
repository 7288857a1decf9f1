"""Telegram Desktop JSON exports (one chat, or the whole account), streamed message by message."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ijson

from tools.errors import IngestError
from tools.ingest.times import from_epoch
from tools.items import Item
from tools.shop_links import chat_shop_id

# Chats whose other side sells: a bot the buyer talks to, or a channel posting offers.
SHOP_CHAT_TYPES = {"bot_chat", "public_channel", "private_channel"}
CHANNEL_TYPES = {"public_channel", "private_channel"}
_CHAT_LISTS = ("chats.list.item", "left_chats.list.item")


def flatten_text(text: Any) -> str:
    """Export text is a string, or a list of strings and {type, text} entities."""
    if isinstance(text, str):
        return text
    if isinstance(text, list):
        return "".join(p if isinstance(p, str) else str(p.get("text", "")) for p in text)
    return ""


def _ptr(prefix: str) -> str:
    return "/" + prefix.replace(".item", "").replace(".", "/") if prefix else ""


class _Chat:
    __slots__ = ("pointer", "meta", "pending", "n_messages")

    def __init__(self, pointer: str) -> None:
        self.pointer = pointer
        self.meta: dict[str, Any] = {}
        self.pending: list[tuple[str, dict[str, Any]]] = []
        self.n_messages = 0


def parse_telegram_chat(path: Path, name: str) -> Iterator[Item]:
    """A single-chat export: one chat object `{name, type, id, messages}` at the top level."""
    return _parse(path, name, {""})


def parse_telegram_export(path: Path, name: str) -> Iterator[Item]:
    """The full account export: chats under `chats.list` (and `left_chats.list`)."""
    return _parse(path, name, set(_CHAT_LISTS))


def _parse(path: Path, name: str, chat_prefixes: set[str]) -> Iterator[Item]:
    """`message` records `tg:<chat_id>/<message_id>`; channel posts also `listing` records."""
    with path.open("rb") as f:
        counters = dict.fromkeys(chat_prefixes, -1)
        chat: _Chat | None = None
        builder: ijson.ObjectBuilder | None = None
        msg_prefix = ""
        try:
            for prefix, event, value in ijson.parse(f, use_float=False):
                if builder is not None:
                    if prefix == msg_prefix and event == "end_map":
                        assert chat is not None
                        chat.n_messages += 1
                        loc = f"{chat.pointer}/messages/{chat.n_messages - 1}"
                        chat.pending.append((loc, builder.value))
                        builder = None
                        if "id" in chat.meta:
                            yield from _flush(chat, name)
                    else:
                        builder.event(event, value)
                    continue
                if prefix in chat_prefixes and event == "start_map":
                    counters[prefix] += 1
                    base = _ptr(prefix.rsplit(".item", 1)[0]) if prefix else ""
                    chat = _Chat(f"{base}/{counters[prefix]}" if prefix else "")
                    msg_prefix = f"{prefix}.messages.item" if prefix else "messages.item"
                elif chat is not None and prefix == msg_prefix and event == "start_map":
                    builder = ijson.ObjectBuilder()
                    builder.event("start_map", None)
                elif chat is not None and event in ("string", "number") and prefix in (
                    f"{p}.{k}" if p else k for p in chat_prefixes for k in ("name", "type", "id")
                ):
                    chat.meta[prefix.rsplit(".", 1)[-1]] = value
                elif chat is not None and prefix in chat_prefixes and event == "end_map":
                    yield from _flush(chat, name)
                    chat = None
        except ijson.JSONError as exc:
            where = f"{chat.pointer}/messages/{chat.n_messages}" if chat else None
            raise IngestError(name, where, f"malformed JSON: {exc}") from exc


def _flush(chat: _Chat, name: str) -> Iterator[Item]:
    if "id" not in chat.meta:
        raise IngestError(name, chat.pointer or "/", "chat without an id")
    for loc, msg in chat.pending:
        yield from _message_items(loc, msg, chat.meta, name)
    chat.pending.clear()


def _message_items(loc: str, m: dict[str, Any], chat: dict[str, Any], name: str
                   ) -> Iterator[Item]:
    if "id" not in m:
        raise IngestError(name, loc, "message without an id")
    chat_id, chat_type = chat["id"], chat.get("type", "")
    text = flatten_text(m.get("text"))
    ts = _timestamp(m)
    data = {
        "chat_id": chat_id, "chat_name": chat.get("name"), "chat_type": chat_type,
        "message_id": m["id"], "type": m.get("type", "message"),
        "date": ts.isoformat() if ts else m.get("date"),
        "from": m.get("from") or m.get("actor"), "from_id": m.get("from_id") or m.get("actor_id"),
        "text": text,
    }
    for key in ("forwarded_from", "reply_to_message_id", "action", "media_type", "via_bot",
                "edited", "sticker_emoji"):
        if key in m:
            data[key] = m[key]
    if "photo" in m:
        data["photo"] = True
    if "file" in m:
        data["file"] = m["file"]
    shop = chat_shop_id(chat_id) if chat_type in SHOP_CHAT_TYPES else None
    rid = f"tg:{chat_id}/{m['id']}"
    yield Item(rid, "message", loc, ts, data, text=text or None, shop=shop)
    if chat_type in CHANNEL_TYPES and m.get("type", "message") == "message" and text.strip():
        listing = {"title": text.strip().split("\n", 1)[0][:200], "text": text,
                   "vendor": chat.get("name"), "channel_id": chat_id, "message": rid,
                   "market": "Telegram"}
        # The listing cites the same place in the export as the post it was read from.
        yield Item(f"listing:{rid}", "listing", loc, ts, listing, text=text, shop=shop)


def _timestamp(m: dict[str, Any]) -> datetime | None:
    if m.get("date_unixtime"):
        return from_epoch(m["date_unixtime"])
    if m.get("date"):
        # Older exports give only local time; keep it as written, marked UTC-naive.
        return datetime.fromisoformat(m["date"]).replace(tzinfo=UTC)
    return None
