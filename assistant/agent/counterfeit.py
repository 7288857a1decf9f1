"""Tokens an answer shows that borrow a protected symbol at another contract ("USDT@TRx1…"):
a counterfeit, which the answer says is not the real coin."""

from __future__ import annotations

import re

from tools.tokens import imitated_symbol

# A token key as the tools write it: its symbol, "@", its contract (TRON or Ethereum).
_TOKEN_KEY = re.compile(r"(?<![\w@])([^\s@()\[\],:;]{1,12})@(T[1-9A-HJ-NP-Za-km-z]{33}|"
                        r"0x[0-9a-fA-F]{40})(?![\w])")


def counterfeit_tokens(text: str) -> list[tuple[str, str, str]]:
    """Each token key in `text` whose symbol imitates a protected one, once: (key, the symbol
    it imitates, its contract); at most three."""
    found: dict[str, tuple[str, str, str]] = {}
    for m in _TOKEN_KEY.finditer(text[:20000]):
        real = imitated_symbol(m.group(1))
        if real and m.group(0) not in found:
            found[m.group(0)] = (m.group(0), real, m.group(2))
    return list(found.values())[:3]
