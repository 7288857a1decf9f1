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


def short_addresses(question: str, complete: Completer) -> Iterator[tuple[str, int, int]]:
    """Each address written short in `question` that exactly one of the case's addresses
    fits: (that address, start, end of what was written)."""
    for m in SHORT_TRON.finditer(question):
        prefix, suffix = m.group(1), m.group(2) or ""
        fits = complete(prefix, suffix, 2)
        if len(fits) == 1:
            yield fits[0], m.start(), m.end()
