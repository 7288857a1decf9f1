"""Telegram Desktop JSON exports (one chat, or the whole account), streamed message by message."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ijson
import orjson

from tools.errors import IngestError
from tools.ingest.jsonio import bounded_parse
from tools.ingest.times import from_epoch
from tools.items import Item
from tools.limits import MAX_FIELD_CHARS, MAX_ITEMS_PER_FILE, MAX_TEXT_CHARS
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
        return "".join(p if isinstance(p, str) else
                       _str(p.get("text", "")) if isinstance(p, dict) else "" for p in text)
    return ""


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def bounded_field(value: Any) -> Any:
    """A short field as evidence wrote it, or cut to `MAX_FIELD_CHARS` when it is not short.

    Scalars stay; strings and nested values past the bound become a prefix of their text with
    a mark, so a shop cannot make one field cost memory or time downstream.
    """
    if value is None or isinstance(value, (bool, int, float)):
        return value
    text = value if isinstance(value, str) else orjson.dumps(value).decode()
    if len(text) <= MAX_FIELD_CHARS:
        return value
    return f"{text[:MAX_FIELD_CHARS]}… [cut: {len(text):,} characters in the evidence file]"


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
        n_items = 0

        def where() -> str | None:
            return f"{chat.pointer}/messages/{chat.n_messages}" if chat else None

        try:
            for prefix, event, value in bounded_parse(f, name, where):
                if builder is not None:
                    if prefix == msg_prefix and event == "end_map":
                        assert chat is not None
                        n_items += 1
                        if n_items > MAX_ITEMS_PER_FILE:
                            raise IngestError(name, where(), f"more than "
                                              f"{MAX_ITEMS_PER_FILE:,} messages in one file")
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
            raise IngestError(name, where(), f"malformed JSON: {exc}") from exc


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
    chat_id, chat_type = _id(chat["id"], name, loc), _str(chat.get("type", ""))
    message_id = _id(m["id"], name, loc)
    text = flatten_text(m.get("text"))
    data: dict[str, Any] = {}
    if len(text) > MAX_TEXT_CHARS:
        # The whole text stays in the evidence file; what is analysed is bounded.
        data["text_truncated"] = {"chars": len(text), "analysed": MAX_TEXT_CHARS}
        text = text[:MAX_TEXT_CHARS]
    ts = _timestamp(m, name, loc)
    data.update({
        "chat_id": chat_id, "chat_name": bounded_field(chat.get("name")), "chat_type": chat_type,
        "message_id": message_id, "type": bounded_field(m.get("type", "message")),
        "date": ts.isoformat() if ts else bounded_field(m.get("date")),
        "from": bounded_field(m.get("from") or m.get("actor")),
        "from_id": bounded_field(m.get("from_id") or m.get("actor_id")),
        "text": text,
    })
    for key in ("forwarded_from", "reply_to_message_id", "action", "media_type", "via_bot",
                "edited", "sticker_emoji", "file"):
        if key in m:
            data[key] = bounded_field(m[key])
    if "photo" in m:
        data["photo"] = True
    shop = chat_shop_id(chat_id) if chat_type in SHOP_CHAT_TYPES else None
    rid = f"tg:{chat_id}/{message_id}"
    yield Item(rid, "message", loc, ts, data, text=text or None, shop=shop)
    if chat_type in CHANNEL_TYPES and m.get("type", "message") == "message" and text.strip():
        listing = {"title": text.strip().split("\n", 1)[0][:200], "text": text,
                   "vendor": data["chat_name"], "channel_id": chat_id, "message": rid,
                   "market": "Telegram"}
        # The listing cites the same place in the export as the post it was read from.
        yield Item(f"listing:{rid}", "listing", loc, ts, listing, text=text, shop=shop)


def _id(value: Any, name: str, loc: str) -> int | str:
    """A chat or message id: an integer, or a short string (ids go into record ids)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**20:
        return value
    if isinstance(value, str) and 0 < len(value) <= 64 and "/" not in value:
        return value
    raise IngestError(name, loc, "chat or message id is not a short number")


def _timestamp(m: dict[str, Any], name: str, loc: str) -> datetime | None:
    try:
        if m.get("date_unixtime"):
            return from_epoch(m["date_unixtime"])
        if m.get("date"):
            # Older exports give only local time; keep it as written, marked UTC-naive.
            return datetime.fromisoformat(m["date"]).replace(tzinfo=UTC)
    except (TypeError, ValueError, OverflowError) as exc:
        raise IngestError(name, loc, f"bad message date: {exc}") from exc
    return None
