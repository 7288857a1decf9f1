"""Finding the payment details a shop hands out (cards, IBANs, phones, wallets, bots) in text."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from functools import lru_cache

import base58
import bech32ref
import phonenumbers
from stdnum import iban, luhn

from tools.items import PaymentDetail

log = logging.getLogger(__name__)

# libphonenumber's own candidate pattern (bounded length), so that candidates are the ones its
# matcher would try; pinned with the package version.
_PHONE_CANDIDATE = phonenumbers.phonenumbermatcher._PATTERN
# Distinct phone-like candidates tried per text: a shop's message holds a few; past this the
# text is a dump, and each try costs ~100 µs.
MAX_PHONE_CANDIDATES = 2000

# IBAN bank codes (positions 5-7 of a KZ IBAN), from the National Bank's BIC list; see
# tests/data/samples/13_kz_bank_statement_column_layouts.txt.
KZ_BANKS = {
    "722": "Kaspi Bank",
    "601": "Halyk Bank",
    "965": "ForteBank",
    "998": "First Heartland Jusan Bank",
    "826": "Bank CenterCredit",
    "886": "Home Credit Bank",
    "948": "Eurasian Bank",
    "821": "Bank RBK",
    "125": "ISO 13616 registry example",
}

# Cyrillic letters that look like Latin ones; shops type "КZ" as often as "KZ".
# Translated one character for one character so that match positions stay valid.
HOMOGLYPHS = str.maketrans(
    "АВЕКМНОРСТХЗаеко" + "abcdefghijklmnopqrstuvwxyz",
    "ABEKMHOPCTX3AEKO" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
)

_B58 = "1-9A-HJ-NP-Za-km-z"
_IBAN_RE = re.compile(r"(?<![A-Z0-9])KZ\d\d(?:[ -]?[0-9A-Z]){16}(?![0-9A-Z])")
_SEP = r"[ \u00a0-]{0,2}"
_CARD_RE = re.compile(rf"(?<![\d.,])(?:\d{_SEP}){{15}}\d(?:(?:{_SEP}\d){{3}})?(?![\d.,]\d)")
_CARD16_RE = re.compile(rf"(?:\d{_SEP}){{15}}\d")
_TRON_RE = re.compile(rf"(?<![{_B58}])T[{_B58}]{{33}}(?![{_B58}])")
_BTC_B58_RE = re.compile(rf"(?<![{_B58}])[13][{_B58}]{{25,34}}(?![{_B58}])")
_BTC_BECH_RE = re.compile(r"(?<![0-9A-Za-z])(?:bc1|BC1)[0-9A-Za-z]{8,87}(?![0-9A-Za-z])")
_ETH_RE = re.compile(r"(?<![0-9A-Za-z])0x[0-9a-fA-F]{40}(?![0-9A-Za-z])")
_BOT_RE = re.compile(
    r"(?:@|t\.me/|telegram\.me/)([A-Za-z][A-Za-z0-9_]{1,28}[Bb][Oo][Tt])(?![A-Za-z0-9_])"
)
# Words right before a number that make it an order, invoice or tracking number, not a card.
_NOT_A_CARD_BEFORE = re.compile(
    r"(?:заказ\w*|order|трек\w*|track\w*|чек\w*|накладн\w*|тапсырыс\w*|№|#|id)\s*[:№#]?\s*$",
    re.IGNORECASE,
)
# …unless the word before the sign is a card's ("карты № 4400-…", "card # 4400 …").
_CARD_NUMBERED_BEFORE = re.compile(r"(?:карт\w*|cards?)\s*(?:№|#|no\.?|n°)\s*$", re.IGNORECASE)

_CARD_SCHEMES = (
    ("mir", re.compile(r"^220[0-4]")),
    ("visa", re.compile(r"^4")),
    ("mastercard", re.compile(r"^(5[1-5]|2[2-7])")),
    ("unionpay", re.compile(r"^62")),
)

_KZ_CARD_BINS = {"440043": "Kaspi Gold", "400303": "Kaspi", "440563": "Halyk Bank"}


def _card(raw: str) -> PaymentDetail | None:
    digits = re.sub(r"[ \u00a0-]", "", raw)
    if len(digits) not in (16, 19) or not luhn.is_valid(digits):
        return None
    scheme = next((name for name, rx in _CARD_SCHEMES if rx.match(digits)), None)
    if scheme is None:
        return None
    info = {"scheme": scheme, "bin": digits[:6]}
    if digits[:6] in _KZ_CARD_BINS:
        info["issuer"] = _KZ_CARD_BINS[digits[:6]]
    display = " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))
    return PaymentDetail("card", digits, display, info)


def _iban(raw: str) -> PaymentDetail | None:
    value = re.sub(r"[ -]", "", raw.translate(HOMOGLYPHS))
    if not iban.is_valid(value):
        return None
    code = value[4:7]
    info = {"bank_code": code}
    if code in KZ_BANKS:
        info["bank"] = KZ_BANKS[code]
    return PaymentDetail("iban", value, iban.format(value), info)


def _tron(raw: str) -> PaymentDetail | None:
    try:
        payload = base58.b58decode_check(raw)
    except ValueError:
        return None
    if len(payload) != 21 or payload[0] != 0x41:
        return None
    return PaymentDetail("tron", raw, raw)


def _btc_base58(raw: str) -> PaymentDetail | None:
    try:
        payload = base58.b58decode_check(raw)
    except ValueError:
        return None
    types = {0x00: "p2pkh", 0x05: "p2sh"}
    if len(payload) != 21 or payload[0] not in types:
        return None
    return PaymentDetail("btc", raw, raw, {"type": types[payload[0]]})


def _btc_bech32(raw: str) -> PaymentDetail | None:
    if raw != raw.lower() and raw != raw.upper():
        return None
    value = raw.lower()
    version, program = bech32ref.decode("bc", value)
    if version is None or program is None:
        return None
    kind = {0: "p2wpkh" if len(program) == 20 else "p2wsh", 1: "p2tr"}.get(version, "segwit")
    return PaymentDetail("btc", value, value, {"type": kind})


def _eth(raw: str) -> PaymentDetail | None:
    # eth_utils loads its network tables on import (a tenth of a second per process).
    from eth_utils import is_checksum_address, to_checksum_address

    body = raw[2:]
    mixed = body != body.lower() and body != body.upper()
    if mixed and not is_checksum_address(raw):
        return None
    info = {"checksum": "eip55" if mixed else "none"}
    return PaymentDetail("eth", raw.lower(), to_checksum_address(raw.lower()), info)


def _bot(raw: str) -> PaymentDetail | None:
    return PaymentDetail("bot", raw.lower(), "@" + raw)


def _masked(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each (start, end) span, in order, replaced by as many NULs (one pass)."""
    if not spans:
        return text
    parts: list[str] = []
    pos = 0
    for start, end in spans:
        parts += (text[pos:start], "\x00" * (end - start))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _scan(
    text: str,
    pattern: re.Pattern[str],
    validate: Callable[[str], PaymentDetail | None],
    found: list[PaymentDetail],
    group: int = 0,
    search_in: str | None = None,
) -> str:
    """Validate every match of `pattern`, record the valid ones, mask them out of `text`.

    Each distinct candidate is validated once (a text may repeat one thousands of times), and
    the masked text is built once: linear in the text.
    """
    spans: list[tuple[int, int]] = []
    checked: dict[str, PaymentDetail | None] = {}
    for m in pattern.finditer(search_in if search_in is not None else text):
        raw = text[m.start(group) : m.end(group)]
        if raw not in checked:
            checked[raw] = validate(raw)
        detail = checked[raw]
        if detail is None:
            continue
        found.append(detail)
        spans.append((m.start(), m.end()))
    return _masked(text, spans)


def _phones(text: str, found: list[PaymentDetail]) -> None:
    """Phones as libphonenumber's matcher finds them, each candidate matched in a small window.

    The matcher copies the rest of the text for some candidates (quadratic on long texts) and
    parses every repeat again; here its own candidate pattern walks the text once, each distinct
    window is matched once, and at most `MAX_PHONE_CANDIDATES` distinct ones are tried.
    """
    checked: dict[str, list[PaymentDetail]] = {}
    index = 0
    while (m := _PHONE_CANDIDATE.search(text, index)) is not None:
        index = m.end()
        # One character before and three after: what the matcher looks at around a candidate.
        window = text[max(0, m.start() - 1) : m.end() + 3]
        if window not in checked:
            if len(checked) >= MAX_PHONE_CANDIDATES:
                log.warning("phone candidates past %d in one text left unread",
                            MAX_PHONE_CANDIDATES)
                break
            checked[window] = _phones_in(window)
        found.extend(checked[window])


def _phones_in(window: str) -> list[PaymentDetail]:
    return [PaymentDetail("phone", value, display, {"region": region})
            for value, display, region in _phones_matched(window)]


# Shops repeat their numbers and texts: a bot's thousand "Оплата на 8 701 …" are one window.
@lru_cache(maxsize=8192)
def _phones_matched(window: str) -> tuple[tuple[str, str, str | None], ...]:
    """(E.164, international form, region) of each mobile number libphonenumber's matcher
    finds in `window`; cached, as its matcher costs most of a message's analysis."""
    found = []
    for match in phonenumbers.PhoneNumberMatcher(window, "KZ",
                                                 leniency=phonenumbers.Leniency.VALID):
        number = match.number
        kind = phonenumbers.number_type(number)
        if kind not in (
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        ):
            continue
        value = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        display = phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
        region = phonenumbers.region_code_for_number(number)
        found.append((value, display, region))
    return tuple(found)


def _cards(text: str, found: list[PaymentDetail]) -> str:
    spans: list[tuple[int, int]] = []
    checked: dict[str, PaymentDetail | None] = {}
    for m in _CARD_RE.finditer(text):
        if _NOT_A_CARD_BEFORE.search(text, max(0, m.start() - 20), m.start()) and \
                not _CARD_NUMBERED_BEFORE.search(text, max(0, m.start() - 20), m.start()):
            continue
        raw = m.group(0)
        if raw not in checked:
            detail = _card(raw)
            if detail is None:
                # A 16-digit card followed by other digits ("… 6789 123"): try the card alone.
                head = _CARD16_RE.match(raw)
                detail = _card(head.group(0)) if head and head.end() < len(raw) else None
            checked[raw] = detail
        if (detail := checked[raw]) is not None:
            found.append(detail)
            spans.append((m.start(), m.end()))
    return _masked(text, spans)


def extract_payment_details(text: str) -> list[PaymentDetail]:
    """Every valid payment detail in `text`, each once, in order of kind.

    Candidates are validated by checksum (Luhn, IBAN mod-97, base58check, bech32/bech32m,
    EIP-55) or by numbering plan (phones); look-alikes that fail are not returned.
    """
    if not text or not _MAY_HOLD.search(text):
        return []
    return _details(text)


# What every kind of detail has somewhere: a digit, in any script (cards, phones, IBAN check
# digits, "0x", "bc1", base58 Bitcoin's leading 1/3), a Cyrillic З read as 3 (an IBAN written
# in look-alike letters), an "@" or a t.me link (bots), or the shape of a TRON address (which
# may have no digit). A third of a chat's messages have none: one search instead of eight.
_MAY_HOLD = re.compile(r"[\d@Зз]|t\.me/|telegram\.me/|T[1-9A-HJ-NP-Za-km-z]{33}", re.I)


# A digit written in another script ("４４００", "٤٤٠٠"): a card or phone disguised from a
# search for ASCII digits is read as the number it is.
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")


@lru_cache(maxsize=1)
def _ascii_digits() -> dict[int, int]:
    """Every Unicode decimal digit (category Nd) beyond ASCII → its ASCII digit; built on first
    use (digits come in runs of ten from each script's zero)."""
    import sys
    import unicodedata

    table: dict[int, int] = {}
    for cp in range(0x80, sys.maxunicode + 1):
        if unicodedata.decimal(chr(cp), None) == 0 and unicodedata.category(chr(cp)) == "Nd":
            for k in range(10):
                if unicodedata.decimal(chr(cp + k), None) == k:
                    table[cp + k] = ord("0") + k
    return table


def _details(text: str) -> list[PaymentDetail]:
    if _OTHER_DIGIT.search(text):
        text = text.translate(_ascii_digits())  # one character for one: places unchanged
    found: list[PaymentDetail] = []
    # Each kind's matches are masked before the next kind is looked for, so that the digits
    # of an IBAN or a card are never read again as a phone number.
    text = _scan(text, _IBAN_RE, _iban, found, search_in=text.translate(HOMOGLYPHS))
    text = _scan(text, _ETH_RE, _eth, found)
    text = _scan(text, _BTC_BECH_RE, _btc_bech32, found)
    text = _scan(text, _TRON_RE, _tron, found)
    text = _scan(text, _BTC_B58_RE, _btc_base58, found)
    text = _scan(text, _BOT_RE, _bot, found, group=1)
    text = _cards(text, found)
    _phones(text, found)
    return list(_unique(found))


def _unique(found: list[PaymentDetail]) -> Iterator[PaymentDetail]:
    seen: set[str] = set()
    for d in found:
        if d.account_id not in seen:
            seen.add(d.account_id)
            yield d
