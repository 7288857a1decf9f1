"""Wallet addresses written short ("TDMH...", "TDMH…SvQ", "TDMHPG…", "TDMH әмияны", "TEgB ->
TNhR"): the one address of the case they can be, so a question may name a wallet as
investigators write it in notes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

# A TRON address's first letters (base58: no 0, O, I, l), an ellipsis, and maybe its last
# letters. (At least three letters after the "T": fewer would fit too many addresses.)
_BASE58 = "1-9A-HJ-NP-Za-km-z"
SHORT_TRON = re.compile(rf"(?<![\w.…])(T[{_BASE58}]{{3,30}})\s?(?:\.{{2,3}}|…)"
                        rf"(?:([{_BASE58}]{{2,10}})(?![\w.]))?")
# Its first letters alone, no ellipsis ("TDMH", "TW6w"): a capital or a digit among them, so
# no word ("Then", "Tron") reads as one.
_BARE_TRON = re.compile(rf"(?<![\w.…])(T(?=[{_BASE58}]{{0,9}}[A-HJ-NP-Z1-9])[{_BASE58}]{{3,10}})"
                        rf"(?![\w.…])")
# What makes a bare beginning a wallet's: the word of a wallet after it ("TDMH әмиянынан",
# "TDMH wallet", "кошелёк TDMH"), or the arrow of a transfer beside it ("TEgB -> TNhR").
_WALLET_BESIDE = re.compile(r"^\s*(?:->|→|=>|—>)|^\s*(?:әмиян|кошел|wallet|адрес|address)",
                            re.I)
_WALLET_BEFORE = re.compile(r"(?:->|→|=>|—>|кошел\w{0,5}|wallets?|әмиян\w{0,5}|адрес\w{0,2}"
                            r"|address(?:es)?)\s*$", re.I)

# (prefix, suffix) → the case's addresses that begin and end so, at most `limit` of them.
Completer = Callable[[str, str, int], list[str]]


# At most this many short addresses are looked up in one question (each is a query).
MAX_PIECES = 4


def fitting(values: list[str], prefix: str, suffix: str, limit: int) -> list[str]:
    """Of `values`, at most `limit` that begin with `prefix` and end with `suffix`, letter case
    kept (base58 tells "a" from "A"; a database's LIKE may not)."""
    return [v for v in values if v.startswith(prefix) and v.endswith(suffix)][:limit]


def _pieces(question: str) -> list[tuple[str, str, int, int]]:
    """(prefix, suffix, start, end) of each address written short, in the question's order: with
    an ellipsis, or bare where a wallet's word or a transfer's arrow is beside it, or where
    the question writes two or more so ("на каждом из TNhR, TW6w, TYhZ")."""
    dotted = [(m.group(1), m.group(2) or "", m.start(), m.end())
              for m in SHORT_TRON.finditer(question)]
    bare = [m for m in _BARE_TRON.finditer(question)
            if not any(s <= m.start() < e for _, _, s, e in dotted)]
    several = len(bare) >= 2
    kept = [(m.group(1), "", m.start(), m.end()) for m in bare
            if several or _WALLET_BESIDE.search(question[m.end():m.end() + 12]) or
            _WALLET_BEFORE.search(question[max(0, m.start() - 14):m.start()])]
    return sorted(dotted + kept, key=lambda p: p[2])


def short_addresses(question: str, complete: Completer) -> Iterator[tuple[str, int, int]]:
    """Each address written short in `question` that exactly one of the case's addresses
    fits: (that address, start, end of what was written), each address once, of the first
    `MAX_PIECES` written short."""
    seen: set[str] = set()
    for prefix, suffix, start, end in _pieces(question)[:MAX_PIECES]:
        fits = fitting(complete(prefix, suffix, 2), prefix, suffix, 2)
        if not fits and len(suffix) > 2:
            # Its last letters copied with one wrong ("TEgB…iUi" for "…XUi"): the last two,
            # when one address alone still fits.
            suffix = suffix[-2:]
            fits = fitting(complete(prefix, suffix, 2), prefix, suffix, 2)
        if len(fits) == 1 and fits[0] not in seen:
            seen.add(fits[0])
            yield fits[0], start, end
