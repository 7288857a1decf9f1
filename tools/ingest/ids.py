"""Stable record ids: the same evidence gives the same id on every import, from any export."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from tools.ingest.amounts import canonical


def short_hash(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:8]


def token_transfer_id(chain: str, tx: str, token: str, frm: str | None, to: str | None,
                      amount: Decimal) -> str:
    """`<chain>:<tx>#<8 hex>` for a token transfer inside a transaction.

    APIs disagree on a transfer's position in its transaction (TronGrid gives none, Etherscan's
    CSV export drops logIndex), so the suffix hashes what every export agrees on: token, both
    addresses and the exact amount. The same transfer seen in two accounts' histories, or in
    JSON and CSV exports, therefore has one id.
    """
    return f"{chain}:{tx}#{short_hash(token, frm or '', to or '', canonical(amount))}"
