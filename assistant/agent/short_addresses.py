"""Wallet addresses written short ("TDMH...", "TDMH…SvQ", "TDMHPG…"): the one address of the
case they can be, so a question may name a wallet as investigators write it in notes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

# A TRON address's first letters (base58: no 0, O, I, l), an ellipsis, and maybe its last
# letters. (At least three letters after the "T": fewer would fit too many addresses.)
_BASE58 = "1-9A-HJ-NP-Za-km-z"
SHORT_TRON = re.compile(rf"(?<![\w.…])(T[{_BASE58}]{{3,30}})\s?(?:\.{{2,3}}|…)"
                        rf"(?:([{_BASE58}]{{2,10}})(?![\w.]))?")

# (prefix, suffix) → the case's addresses that begin and end so, at most `limit` of them.
Completer = Callable[[str, str, int], list[str]]


# At most this many short addresses are looked up in one question (each is a query).
MAX_PIECES = 4


def fitting(values: list[str], prefix: str, suffix: str, limit: int) -> list[str]:
    """Of `values`, at most `limit` that begin with `prefix` and end with `suffix`, letter case
    kept (base58 tells "a" from "A"; a database's LIKE may not)."""
    return [v for v in values if v.startswith(prefix) and v.endswith(suffix)][:limit]


def short_addresses(question: str, complete: Completer) -> Iterator[tuple[str, int, int]]:
    """Each address written short in `question` that exactly one of the case's addresses
    fits: (that address, start, end of what was written), each address once, of the first
    `MAX_PIECES` written short."""
    seen: set[str] = set()
    for n, m in enumerate(SHORT_TRON.finditer(question)):
        if n >= MAX_PIECES:
            return
        prefix, suffix = m.group(1), m.group(2) or ""
        fits = fitting(complete(prefix, suffix, 2), prefix, suffix, 2)
        if len(fits) == 1 and fits[0] not in seen:
            seen.add(fits[0])
            yield fits[0], m.start(), m.end()
