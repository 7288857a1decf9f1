"""Exact decimal amounts from token units and from human-written numbers."""

from __future__ import annotations

import re
from decimal import Context, Decimal, InvalidOperation

_EXACT = Context(prec=120)


def from_units(raw: str | int, decimals: int) -> Decimal:
    """`raw` integer token units scaled by 10^-decimals, exactly (no float on the way)."""
    try:
        return Decimal(raw).scaleb(-decimals, context=_EXACT)
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"not an amount in token units: {raw!r}") from exc


def canonical(amount: Decimal) -> str:
    """The same string for equal amounts however written (1.500000 and 1.5), no exponent."""
    text = format(amount.normalize(_EXACT), "f")
    return "0" if text in ("-0", "0") else text


_NOT_NUMBER = re.compile(r"[^\d,.\-+]")


def parse_amount(text: str, decimal_sep: str = "auto") -> Decimal:
    """Parse '1 500,50', '1,500.50', '-2 000 ₸', '3,067.671'; raises ValueError if not a number.

    With `decimal_sep='auto'` and a single kind of separator occurring once, it is the
    decimal point (Kazakh and Russian statements write '1500,50').
    """
    s = _NOT_NUMBER.sub("", text.replace("\u2212", "-"))
    if not s or not any(c.isdigit() for c in s):
        raise ValueError(f"not an amount: {text!r}")
    if decimal_sep == "auto":
        last_comma, last_dot = s.rfind(","), s.rfind(".")
        if last_comma >= 0 and last_dot >= 0:
            decimal_sep = "," if last_comma > last_dot else "."
        elif last_comma >= 0:
            decimal_sep = "," if s.count(",") == 1 else "."
        else:
            decimal_sep = "." if s.count(".") <= 1 else ","
    thousands = "." if decimal_sep == "," else ","
    s = s.replace(thousands, "").replace(decimal_sep, ".")
    try:
        return Decimal(s)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {text!r}") from exc
