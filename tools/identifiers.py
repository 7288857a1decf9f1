"""Reading what a prosecutor pastes: which kind of identifier it is, normalised, or why not."""

from __future__ import annotations

import re
from dataclasses import dataclass

import base58
import bech32ref
import phonenumbers
from stdnum import iban, luhn
from stdnum.exceptions import ValidationError as StdnumError

from tools.payments import HOMOGLYPHS, extract_payment_details

_MASK_CHARS = "*xX•·#?_"


@dataclass(frozen=True, slots=True)
class Identifier:
    """`kind`: card, card_mask, iban, phone, tron, btc, eth, bot, iin; `value` normalised."""

    kind: str
    value: str
    error: str | None = None

    @property
    def account_id(self) -> str:
        return f"{self.kind}:{self.value}"


def iin_is_valid(iin: str) -> bool:
    """Kazakh ИИН/БИН control digit (12 digits): weights 1-11, then 3-11,1,2 if the sum mod 11
    is 10. python-stdnum has no Kazakh module, so the rule is written here."""
    if not re.fullmatch(r"\d{12}", iin):
        return False
    digits = [int(c) for c in iin]
    check = sum(d * w for d, w in zip(digits[:11], range(1, 12), strict=True)) % 11
    if check == 10:
        weights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
        check = sum(d * w for d, w in zip(digits[:11], weights, strict=True)) % 11
    return check != 10 and check == digits[11]


# Longer than any identifier written with spaces and punctuation ("+7 (701) 123-45-67",
# "KZ86 125K ZT50 0410 0100", a bech32 address): past it, the text is not one identifier.
MAX_IDENTIFIER_CHARS = 120


def parse_identifier(text: str) -> Identifier:
    """What `text` is. Invalid input gives an Identifier with `error` set, never a guess."""
    raw = text.strip()
    if len(raw) > MAX_IDENTIFIER_CHARS:
        return Identifier("unknown", raw[:MAX_IDENTIFIER_CHARS],
                          f"not an identifier: longer than {MAX_IDENTIFIER_CHARS} characters")
    compact = re.sub(r"[\s\-()]", "", raw)
    if compact.startswith("@") or compact.lower().endswith("bot"):
        return Identifier("bot", compact.lstrip("@").lower())
    if any(c in compact for c in _MASK_CHARS) and re.fullmatch(r"[\d*xX•·#?_]{12,19}", compact):
        return _card_mask(compact)
    latin = compact.translate(HOMOGLYPHS)
    if latin[:2].upper() == "KZ" and len(latin) > 4:
        if len(latin) != 20:
            return Identifier("iban", latin.upper(), f"not a valid IBAN: wrong length, "
                              f"{len(latin)} characters where a KZ IBAN has 20")
        try:
            return Identifier("iban", iban.validate(latin.upper()))
        except StdnumError as exc:
            return Identifier("iban", latin.upper(), f"not a valid IBAN: {exc}")
    if compact.isdigit() and len(compact) == 12:
        return Identifier("iin", compact, None if iin_is_valid(compact) else
                          "not a valid ИИН/БИН: control digit does not match")
    if compact.isdigit() and 13 <= len(compact) <= 19:
        if not luhn.is_valid(compact):
            return Identifier("card", compact, "not a valid card number: Luhn checksum fails")
        return Identifier("card", compact)
    if compact.lstrip("+").isdigit() and 10 <= len(compact.lstrip("+")) <= 12:
        return _phone(raw)
    if compact.startswith("0x"):
        return _eth(compact)
    if compact.startswith("T") and len(compact) == 34:
        return _base58(compact, "tron", {0x41})
    if compact.lower().startswith("bc1"):
        version, _ = bech32ref.decode("bc", compact.lower())
        return Identifier("btc", compact.lower(), None if version is not None else
                          "not a valid Bitcoin address: bech32 checksum fails")
    if compact[:1] in ("1", "3") and 26 <= len(compact) <= 35:
        return _base58(compact, "btc", {0x00, 0x05})
    if compact.isdigit():
        return Identifier("card", compact, f"not a card number: {len(compact)} digits")
    found = extract_payment_details(raw)
    if found:
        return Identifier(found[0].kind, found[0].value)
    return Identifier("unknown", raw, "not a card, IBAN, phone, wallet, bot or ИИН")


def _card_mask(compact: str) -> Identifier:
    pattern = "".join(c if c.isdigit() else "_" for c in compact)
    if len(pattern) not in (16, 19) or sum(c.isdigit() for c in pattern) < 4:
        return Identifier("card_mask", pattern, "a masked card needs 16 or 19 positions and at "
                          "least 4 known digits")
    return Identifier("card_mask", pattern)


def _phone(raw: str) -> Identifier:
    try:
        number = phonenumbers.parse(raw, "KZ")
    except phonenumbers.NumberParseException as exc:
        return Identifier("phone", raw, f"not a phone number: {exc}")
    if not phonenumbers.is_valid_number(number):
        return Identifier("phone", raw, "not a valid phone number in the KZ/RU numbering plan")
    return Identifier("phone", phonenumbers.format_number(
        number, phonenumbers.PhoneNumberFormat.E164))


def _eth(compact: str) -> Identifier:
    body = compact[2:]
    if not re.fullmatch(r"[0-9a-fA-F]{40}", body):
        return Identifier("eth", compact, "not an Ethereum address: needs 40 hex digits")
    mixed = body != body.lower() and body != body.upper()
    # eth_utils loads its network tables on import (a tenth of a second per process).
    from eth_utils import is_checksum_address

    if mixed and not is_checksum_address(compact):
        return Identifier("eth", compact.lower(), "not a valid Ethereum address: EIP-55 "
                          "checksum fails")
    return Identifier("eth", compact.lower())


def _base58(compact: str, kind: str, versions: set[int]) -> Identifier:
    try:
        payload = base58.b58decode_check(compact)
    except ValueError:
        return Identifier(kind, compact, f"not a valid {kind.upper()} address: base58 checksum "
                          "fails")
    if len(payload) != 21 or payload[0] not in versions:
        return Identifier(kind, compact, f"not a {kind.upper()} address: wrong version byte")
    return Identifier(kind, compact)
