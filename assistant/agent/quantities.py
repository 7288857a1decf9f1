"""Quantities of goods a question or a post names ("50 g", "50 г", "2 грамма", "50 гр"):
what tells a wholesale offer or an order of that size from the shops' one-gram menus."""

from __future__ import annotations

import re

# A number and a unit of weight, in any of the three languages' spellings (bounded: at most
# four digits, one optional space). A bare "г" takes at most three: "в 2025 г." is a year.
_QUANTITY = re.compile(r"(?<![\d.,])(?:(\d{1,3})\s?г|(\d{1,4})\s?(?:гр|грам\w*|g|gr|grams?))"
                       r"(?![\w])", re.I)


def quantities(text: str) -> set[int]:
    """The quantities (grams) `text` names."""
    return {int(a or b) for a, b in _QUANTITY.findall(text[:4000])}


def naming_quantities(text: str, wanted: set[int]) -> bool:
    """Whether `text` names one of the quantities `wanted` (more than a gram: every menu
    names one gram)."""
    return bool({n for n in wanted if n > 1} & quantities(text))
