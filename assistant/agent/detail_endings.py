"""A card or phone the question names by its last digits only: "the card ending 7835",
"карта на конце 7835", "7835-пен аяқталатын карта", "последние цифры 7835"."""

from __future__ import annotations

import re

# A word of ending, after which the digits follow. "last", "последние", "соңғы" count only
# with a word of digits: "the last 5000 tenge" or "последние 2024 года" name no card.
_ENDS = (r"(?:\bending(?:\s+(?:in|with))?|\bends?\s+(?:in|with)|оканчива\w*(?:\s+на)?|"
         r"заканчива\w*(?:\s+на)?|на\s+конце|"
         r"(?:\blast|последни\w*|соңғы)\s+(?:\d\s+|four\s+|четыре\s+|төрт\s+)?"
         r"(?:digits?|цифр\w*|сан\w*)(?:\s+(?:is|are|—|-))?)")
# Groups of 4–6 digits joined by "and", "и", "мен", commas; a group followed by another
# group (one number in blocks, "1234 5678") or by a unit or a currency is no ending.
_GROUP = r"\d{4,6}(?![\d.,]\d)(?!\s*(?:₸|тенге|тг|kzt|usdt|руб\w*|год\w*|жыл\w*|years?|г\.)(?!\w))"
_JOIN = r"\s*(?:,|;|\bи\b|\bили\b|\band\b|\bor\b|\bмен\b|\bжәне\b|&)\s*"
_AFTER = re.compile(_ENDS + r"\W{0,3}((?:\d{4}\s)*" + _GROUP + r"(?:" + _JOIN + _GROUP + r")*)",
                    re.I)
_BEFORE = re.compile(r"(?<!\d)(?<!\d\s)(\d{4,6})\W{0,2}(?:(?:-?\s?(?:пен|мен|бен|ке|ге|қа|ға))?"
                     r"\s+аяқтал\w*|\s+на\s+конце)", re.I)


def endings_named(question: str) -> set[str]:
    """The last digits of each card or phone the question names by them alone."""
    head = question[:2000]
    found: set[str] = set()
    for m in _AFTER.finditer(head):
        for part in re.split(_JOIN, m[1], flags=re.I):
            blocks = part.split()
            if blocks:
                found.add(blocks[-1])  # "на конце 1234 5678": the last block
    found.update(m[1] for m in _BEFORE.finditer(head))
    return found


def ends_with_named(display: str, endings: set[str]) -> bool:
    """Whether a card or phone (as written: spaces, dashes, masks) ends with digits named."""
    digits = re.sub(r"\D", "", display)
    return any(digits.endswith(e) for e in endings)
