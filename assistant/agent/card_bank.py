"""Which bank a card is of, when a question asks it: the issuer its number's first digits
name, else the bank of the account a payment on it reached (the holder's statement)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from tools.payments import KZ_BANKS, extract_payment_details

# "какой банк", "which bank", "қай банк", "банкі қандай", "эмитент".
BANK_ASKED = re.compile(r"как(?:ой|ого|ом)\s+банк\w*|\bwhich\s+bank\b|\bwhat\s+bank\b|"
                        r"\bissu(?:er|ing bank|ed by)\b|эмитент\w*|қай\s+банк\w*|"
                        r"банк\w*\s+қандай|банк\w*\s+выпуст\w*|выпущен\w*|выпустил\w*", re.I)

# The Kazakh banks a question or a message names ("Halyk", "каспи", "народный", "Jusan").
BANK_WORDS = {"halyk": re.compile(r"halyk|х[ао]л[ыи]к|халық|народн", re.I),
              "kaspi": re.compile(r"kaspi|касп[иі]", re.I),
              "jusan": re.compile(r"jusan|жусан|жұсан", re.I),
              "forte": re.compile(r"forte|форте", re.I),
              "bcc": re.compile(r"\bbcc\b|центркредит", re.I)}


def banks_named(text: str) -> list[str]:
    """The keys of `BANK_WORDS` whose bank `text` names."""
    return [bank for bank, words in BANK_WORDS.items() if words.search(text)]


def card_bank(number: str, accounts: Iterable[str] = ()) -> str | None:
    """The bank of card `number` by its issuer's digits, else of the first Kazakh IBAN of
    `accounts` (the statement a payment on it reached); None when neither tells."""
    for d in extract_payment_details(number):
        if d.kind == "card" and d.info.get("issuer"):
            return str(d.info["issuer"])
    for iban in accounts:
        bank = KZ_BANKS.get(iban.replace(" ", "")[4:7])
        if bank:
            return bank
    return None


# A country of issue asked ("российские (не казахстанские) карты", "foreign cards",
# "Kazakh cards", "шетелдік карталар").
_KAZAKH = r"казахстанск\w*|kazakh\w*|kazakhstani|қазақстандық|қазақстан\w*"
_NOT_KAZAKH = re.compile(rf"(?:\bне|\bnot|\bnon-?)\s*(?:{_KAZAKH})|(?:{_KAZAKH})\s+емес", re.I)
_FOREIGN = re.compile(r"российск\w*|русск\w*\s+карт|russian|ресей\w*|иностран\w*|зарубежн\w*|"
                      r"foreign|шетел\w*|не\s+казахстанск\w*", re.I)
_KAZAKH_NAMED = re.compile(_KAZAKH, re.I)


# Positive evidence that a card is not Kazakh: the first digits of Russia's Mir scheme and of
# the Russian banks' cards shops hand out (Sberbank 4276…, Tinkoff 521324…), or a foreign
# bank its message names. A card of no known bank is neither Kazakh nor foreign.
_FOREIGN_BINS = re.compile(r"^(?:220[0-4]|4276|4279|5469|521324|437772|553691|415428|477964|"
                           r"548673)")
_FOREIGN_BANK_NAMED = re.compile(r"сбер\w*|\bsber\w*|тиньк\w*|tinkoff|т-банк\w*|\bвтб\b|\bvtb\b|"
                                 r"альфа-банк\w*|alfa-?bank|райффайзен\w*|raiffeisen|"
                                 r"газпромбанк\w*|gazprombank|российск\w+\s+банк\w*", re.I)


def foreign_card(number: str, message: str = "") -> bool:
    """Whether card `number` is issued outside Kazakhstan on positive evidence: a foreign
    card range by its first digits, or a foreign bank `message` (the one handing it out)
    names."""
    digits = re.sub(r"\D", "", number)
    return bool(_FOREIGN_BINS.match(digits) or _FOREIGN_BANK_NAMED.search(message))


def issue_country_asked(question: str) -> str | None:
    """"kz" when a question asks for cards issued in Kazakhstan, "foreign" for those issued
    elsewhere, None when it asks neither."""
    if _FOREIGN.search(question) or _NOT_KAZAKH.search(question):
        return "foreign"
    return "kz" if _KAZAKH_NAMED.search(question) else None


# An exchange rate asked ("курс", "rate", "бағам") and as a message states it
# ("1 USDT = 540 ₸", "Курс: 1 USDT = 535 тг").
RATE_ASKED = re.compile(r"(?<![\w])(?:курс\w*|rates?|exchange rate|бағам\w*)(?![\w])", re.I)
_RATE = re.compile(r"\b1\s*(USDT|USD|\$)\s*=\s*(\d[\d\s\u00a0]*(?:[.,]\d+)?)\s*(₸|тг|тенге|KZT)",
                   re.I)


def stated_rate(text: str) -> str | None:
    """The exchange rate a message states, as it states it ("1 USDT = 540 ₸"), if any."""
    m = _RATE.search(text)
    if not m:
        return None
    return f"1 {m.group(1).upper()} = {' '.join(m.group(2).split())} ₸"
