"""Whose a shop's handed-out details are ("какие телефоны давала X и чьи они", "who holds the
card ending 5538 the bot gave"): the words asking for a holder, and which of the details the
shop handed out the question points at (by the digits it ends with), to look each up."""

from __future__ import annotations

import re
from collections.abc import Iterable

# A holder asked (ru, kk, en), not "who" alone ("кто платил магазину" asks for payers).
HOLDER_ASKED = re.compile(
    r"(?<!\w)(?:чь[яеёи]\w*|чей|whose|holders?|holds|held|owners?|owns|owned|belong\w*|"
    r"кімдікі|иес[іi]\w*|ұстаушы\w*|владел\w*|держател\w*|"
    r"принадлеж\w*|на\s+кого|оформлен\w*)(?!\w)", re.I)
_LAST_DIGITS = re.compile(r"(?<![\d*])\d{4}(?!\d)")
BANK_KINDS = ("card", "iban", "phone")


def holders_asked(question: str) -> bool:
    """Whether `question` asks whose something is."""
    return HOLDER_ASKED.search(question) is not None


def details_pointed_at(question: str, handed: Iterable[tuple[str, str]], most: int
                       ) -> list[str]:
    """Of the `handed` (kind, display) details, the bank ones the question points at: those
    ending with four digits it writes ("ending 5538"), else all of them; each once, at most
    `most`."""
    banked = list(dict.fromkeys(display for kind, display in handed if kind in BANK_KINDS))
    endings = _LAST_DIGITS.findall(question)
    ending = [d for d in banked if any(re.sub(r"\D", "", d).endswith(e) for e in endings)]
    return (ending or banked)[:most]
