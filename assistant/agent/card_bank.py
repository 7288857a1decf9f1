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
