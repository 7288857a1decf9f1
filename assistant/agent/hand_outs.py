"""Which of a shop's hand-outs a question means by the kind of order they were for: "реквизиты
для опта", "the account for wholesale orders", "көтерме үшін шот" are the hand-outs whose
message is for that kind of order, in whatever language the message is written."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")

# Kinds of order a shop hands out different details for. A closed list on purpose: a word the
# question happens to share with one message ("по заказу", "после оплаты", "30 минут") tells
# no hand-out from another, and narrowing on it silently dropped the rest.
_ORDER_KINDS = {
    "wholesale": re.compile(r"(?<![\w])(?:опт(?:а|ом|ов|у|ы|овы\w*)?|оптов\w*|wholesale|bulk|"
                            r"көтерме\w*)(?![\w])", re.I),
    "retail": re.compile(r"(?<![\w])(?:розниц\w*|рознич\w*|retail|бөлшек\w*)(?![\w])", re.I),
}


def order_kinds(text: str) -> set[str]:
    """The kinds of order `text` names (its first 2,000 characters)."""
    head = text[:2000]
    return {kind for kind, words in _ORDER_KINDS.items() if words.search(head)}


def said_of(question: str, handed: Sequence[T], text_of: Callable[[T], str]) -> list[T]:
    """The hand-outs whose message is for a kind of order the question names, when some are
    and others are not; all of them otherwise."""
    asked = order_kinds(question)
    if not asked or len(handed) < 2:
        return list(handed)
    kept = [h for h in handed if order_kinds(text_of(h)) & asked]
    return kept if 0 < len(kept) < len(handed) else list(handed)
