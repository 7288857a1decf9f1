"""A card or phone the question names by its last digits only: "the card ending 7835",
"карта на конце 7835", "7835-пен аяқталатын карта", "последние цифры 7835"."""

from __future__ import annotations

import re

# The digits after a word of ending, or before a Kazakh/Russian one; four to six digits, whole
# (an amount or a year is not written beside these words).
_ENDING = re.compile(
    r"(?:\bending(?:\s+(?:in|with))?|\bends?\s+(?:in|with)|оканчива\w*(?:\s+на)?|"
    r"заканчива\w*(?:\s+на)?|на\s+конце|последни\w*(?:\s+(?:\d\s+)?цифр\w*)?|"
    r"соңғы(?:\s+(?:\d\s+)?(?:сан\w*|цифр\w*))?|last(?:\s+(?:\d\s+|four\s+)?digits)?)"
    r"\W{0,3}(\d{4,6})(?!\d)"
    r"|(?<!\d)(\d{4,6})\W{0,2}(?:(?:-?\s?(?:пен|мен|бен|ке|ге|қа|ға))?\s+аяқтал\w*|"
    r"\s+на\s+конце)", re.I)


def endings_named(question: str) -> set[str]:
    """The last digits of each card or phone the question names by them alone."""
    return {m[1] or m[2] for m in _ENDING.finditer(question[:2000])}


def ends_with_named(display: str, endings: set[str]) -> bool:
    """Whether a card or phone (as written: spaces, dashes, masks) ends with digits named."""
    digits = re.sub(r"\D", "", display)
    return any(digits.endswith(e) for e in endings)
