"""What a shop bot's payment details are for: the order the buyer placed just before.

In a bot chat the buyer orders in a few words or a button ("Шымкент", "меф 1г", "хочу гашиш 2
в Алматы") or picks a line of the bot's numbered menu by its number ("4", "3 аламын"); the bot
answers with a card, a phone or a wallet and an amount, and says nothing of the drug. An
analyst searching "меф Алматы" or "куда платить за меф" wants those payment details: they are
found by the drug and city of the order they answer, shown as `order:drug:…`, `order:city:…`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from tools.search.text import analyse
from tools.store import CaseStore
from tools.store.search_docs import record_texts

# A numbered line of a bot's menu: "1. Шишки AK-47 1г — 12 000 ₸ (Алматы)", "2) Альфа".
_MENU_LINE = re.compile(r"^\s*(\d{1,2})\s*[.)]\s*(\S.*)$", re.MULTILINE)
# A pick of a menu line: a number standing alone or beside a word or two ("4", "1 аламын").
_PICK = re.compile(r"^\W*(\d{1,2})\W*(?:\w+\W*){0,2}$")
MIN_MENU_LINES = 2


# Characters of a buyer's message (or a menu line) read for the order: orders are short.
MAX_ORDER_CHARS = 300


@lru_cache(maxsize=50_000)
def _named(text: str) -> tuple[list[str], list[str]]:
    """(cities, drugs) a buyer's order or a menu line names, slang read as a query reads it
    (it is a shop's chat); the buyer's messages repeat ("меф 1г", "4"): cached."""
    said = analyse(text)
    return said.of("cities"), said.of("drugs")


@dataclass(frozen=True, slots=True)
class ChatMessage:
    record_id: str
    chat: str
    message_id: int
    seller: bool
    text: str


@dataclass(slots=True)
class Order:
    cities: list[str] = field(default_factory=list)
    drugs: list[str] = field(default_factory=list)


def order_context(messages: Iterable[ChatMessage]) -> dict[str, Order]:
    """For each seller message of a bot chat, the buyer's order it answers, if any: the last
    drug the buyer named or picked before it, and the last city."""
    chats: dict[str, list[ChatMessage]] = {}
    for m in messages:
        chats.setdefault(m.chat, []).append(m)
    out: dict[str, Order] = {}
    for chat in chats.values():
        menu: dict[int, str] = {}
        order = Order()
        for m in sorted(chat, key=lambda m: m.message_id):
            if m.seller:
                lines = _MENU_LINE.findall(m.text)
                if len(lines) >= MIN_MENU_LINES:
                    menu = {int(n): line for n, line in lines}
                if order.cities or order.drugs:
                    out[m.record_id] = Order(list(order.cities), list(order.drugs))
                continue
            cities, drugs = _named(m.text[:MAX_ORDER_CHARS])
            if not drugs and (pick := _PICK.match(m.text.strip())) and int(pick[1]) in menu:
                line_cities, drugs = _named(menu[int(pick[1])][:MAX_ORDER_CHARS])
                cities = cities or line_cities
            if drugs:
                order.drugs = list(drugs)
            if cities:
                order.cities = list(cities)
    return out


def order_masks(orders: dict[str, Order], by_id: dict[str, int], payment: np.ndarray,
                own: dict[tuple[str, str], np.ndarray], n: int
                ) -> dict[tuple[str, str], np.ndarray]:
    """Masks `("order_drugs", drug)` and `("order_cities", city)` of the payment details that
    answer an order and do not name that drug (or any city) themselves."""
    named = {f: np.zeros(n, dtype=bool) for f in ("drugs", "cities")}
    for (f, _), mask in own.items():
        if f in named:
            named[f] |= mask
    masks: dict[tuple[str, str], np.ndarray] = {}
    for rid, order in orders.items():
        i = by_id.get(rid)
        if i is None or not payment[i]:
            continue
        for field_, values in (("drugs", order.drugs), ("cities", order.cities)):
            if named[field_][i]:
                continue
            for v in values:
                masks.setdefault((f"order_{field_}", v), np.zeros(n, dtype=bool))[i] = True
    return masks



def bot_chat_messages(rows: Iterable[Any]) -> list[ChatMessage]:
    """The messages among `rows` (records' `id, text, data`) that belong to a bot chat."""
    out = []
    for rid, text, data in rows:
        if data.get("chat_type") != "bot_chat" or data.get("message_id") is None:
            continue
        chat = str(data.get("chat_id"))
        out.append(ChatMessage(rid, chat, int(data["message_id"]),
                               str(data.get("from_id") or "") == f"user{chat}", text or ""))
    return out


def read_orders(store: CaseStore, case: str, docs: Sequence[dict[str, Any]],
                role: np.ndarray) -> dict[str, Order]:
    """`order_context` of the case's bot chats: the chats where the case's owner wrote (the
    buyer's side of a shop's bot), read from the store."""
    chats = {d["shop"] for d, r in zip(docs, role, strict=True) if r == "buyer" and d["shop"]}
    ids = [d["record_id"] for d in docs if d["kind"] == "message" and d["shop"] in chats]
    if not ids:
        return {}
    with store.engine.connect() as conn:
        rows = record_texts(conn, case, ids)
    return order_context(bot_chat_messages(rows))
