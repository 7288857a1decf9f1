"""Exact decimal amounts from token units and from human-written numbers, strictly bounded.

Integers in a token's base units go up to 2^256; decimals have bounded digits. Exponent
notation, NaN, infinities and anything else that is not plainly a number are errors: one
absurd amount in evidence must never make a case's traces fail (see `tools.limits`).
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, Context, Decimal, InvalidOperation

from tools.limits import (
    MAX_AMOUNT_CHARS,
    MAX_BASE_UNITS,
    MAX_FRACTION_DIGITS,
    MAX_INTEGER_DIGITS,
    MAX_TOKEN_DECIMALS,
)

# Wide enough for every bounded amount: arithmetic in it never rounds (importers share it).
EXACT = Context(prec=MAX_INTEGER_DIGITS + MAX_FRACTION_DIGITS + 10)
_UNITS = re.compile(rf"[0-9]{{1,{len(str(MAX_BASE_UNITS))}}}")
# A machine-written decimal: what the store holds and what API and CLI parameters accept.
_DECIMAL = re.compile(rf"-?[0-9]{{1,{MAX_INTEGER_DIGITS}}}(?:\.[0-9]{{1,{MAX_FRACTION_DIGITS}}})?")
# What stores hold: the plain form, or Decimal's own '1E-18' for tiny amounts (older stores).
_STORED = re.compile(rf"-?[0-9]{{1,{MAX_INTEGER_DIGITS}}}(?:\.[0-9]{{1,{MAX_TOKEN_DECIMALS}}})?"
                     r"(?:[eE][-+]?[0-9]{1,3})?")
_QUANTUM = Decimal(1).scaleb(-MAX_FRACTION_DIGITS)


def base_units(raw: object) -> int:
    """`raw` as a non-negative integer of token base units (a JSON integer or a digit string).

    Raises ValueError naming what is wrong: floats, exponents, signs, NaN, junk, > 2^256.
    """
    if isinstance(raw, bool) or not isinstance(raw, (int, str)):
        raise ValueError(f"not an integer of token units: {_show(raw)}")
    if isinstance(raw, str):
        if not _UNITS.fullmatch(raw):
            raise ValueError(f"not an integer of token units: {_show(raw)}")
        raw = int(raw)
    if raw < 0 or raw > MAX_BASE_UNITS:
        raise ValueError(f"token units out of range 0..2^256: {_show(raw)}")
    return raw


def from_units(raw: object, decimals: int) -> Decimal:
    """`raw` integer token units scaled by 10^-decimals, exactly (no float on the way).

    Tokens with more than `MAX_FRACTION_DIGITS` decimals are rounded down to that many.
    """
    units = base_units(raw)
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not (
            0 <= decimals <= MAX_TOKEN_DECIMALS):
        raise ValueError(f"token decimals out of range 0..{MAX_TOKEN_DECIMALS}: {_show(decimals)}")
    amount = Decimal(units).scaleb(-decimals, context=EXACT)
    if decimals > MAX_FRACTION_DIGITS:
        amount = amount.quantize(_QUANTUM, rounding=ROUND_DOWN, context=EXACT)
    return amount


def token_decimals(raw: object) -> int:
    """A token's `decimals` field (a JSON integer or digit string), 0..255."""
    if isinstance(raw, bool) or not isinstance(raw, (int, str)) or (
            isinstance(raw, str) and not re.fullmatch(r"[0-9]{1,3}", raw)):
        raise ValueError(f"not token decimals: {_show(raw)}")
    value = int(raw)
    if value > MAX_TOKEN_DECIMALS:
        raise ValueError(f"token decimals out of range 0..{MAX_TOKEN_DECIMALS}: {value}")
    return value


def parse_decimal(text: object) -> Decimal:
    """A plain machine-written decimal ('1500', '-0.25'), as stored and as API/CLI parameters.

    Raises ValueError for exponent notation, NaN, infinities, junk and out-of-bound digits.
    """
    if not isinstance(text, str) or not _DECIMAL.fullmatch(text):
        raise ValueError(f"not a plain decimal amount (digits, at most {MAX_INTEGER_DIGITS} "
                         f"before the point; no exponent, NaN or infinity): {_show(text)}")
    return Decimal(text)


def stored_amount(text: object) -> Decimal | None:
    """An amount read back from the store, or None if it is not a bounded plain decimal.

    Stores written before amounts were strict may hold '1e999999'; such a row is skipped by
    readers instead of making every trace of the case fail.
    """
    if not isinstance(text, str) or not _STORED.fullmatch(text):
        return None
    value = Decimal(text)
    return value if value.adjusted() < MAX_INTEGER_DIGITS else None


def canonical(amount: Decimal) -> str:
    """The same string for equal amounts however written (1.500000 and 1.5), no exponent."""
    text = format(amount.normalize(EXACT), "f")
    return "0" if text in ("-0", "0") else text


_NOT_NUMBER = re.compile(r"[^\d,.\-+]")
# '1e5', '2,5E-3': exponent notation is refused, never read as the digits around it.
_EXPONENT = re.compile(r"\d[ \u00a0]?[eE][ \u00a0]?[-+]?\d")
_MAX_DIGITS = MAX_INTEGER_DIGITS + MAX_FRACTION_DIGITS


def parse_amount(text: str, decimal_sep: str = "auto") -> Decimal:
    """Parse '1 500,50', '1,500.50', '-2 000 ₸', '3,067.671'; raises ValueError if not a number.

    With `decimal_sep='auto'` and a single kind of separator occurring once, it is the
    decimal point (Kazakh and Russian statements write '1500,50'). Longer than
    `MAX_AMOUNT_CHARS`, exponent notation, or too many digits: ValueError.
    """
    if len(text) > MAX_AMOUNT_CHARS:
        raise ValueError(f"not an amount: longer than {MAX_AMOUNT_CHARS} characters")
    if _EXPONENT.search(text):
        raise ValueError(f"not an amount (exponent notation): {text!r}")
    s = _NOT_NUMBER.sub("", text.replace("\u2212", "-"))
    if not s or not any(c.isdigit() for c in s):
        raise ValueError(f"not an amount: {text!r}")
    if sum(c.isdigit() for c in s) > _MAX_DIGITS:
        raise ValueError(f"not an amount: more than {_MAX_DIGITS} digits")
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
        value = Decimal(s)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {text!r}") from exc
    if not value.is_finite():
        raise ValueError(f"not an amount: {text!r}")
    return value


def _show(value: object) -> str:
    """A bounded rendering of a bad value for an error message."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}..."
