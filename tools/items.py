"""What an importer yields: one parsed evidence item, before it is written to the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any


@dataclass(slots=True)
class TransferRow:
    """A value movement, on a chain or between bank accounts."""

    chain: str
    token: str
    from_address: str | None
    to_address: str | None
    amount: Decimal
    ts: datetime | None
    tx: str


@dataclass(slots=True)
class PaymentDetail:
    """A payment detail found in text: normalised value plus what the checksum told us."""

    kind: str
    value: str
    display: str
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def account_id(self) -> str:
        return f"{self.kind}:{self.value}"


@dataclass(slots=True)
class Item:
    id: str
    kind: str
    locator: str
    ts: datetime | None
    data: dict[str, Any]
    text: str | None = None
    transfer: TransferRow | None = None
    # The shop (bot chat or channel) a message or listing belongs to, as `tg:<chat_id>`.
    shop: str | None = None
    details: list[PaymentDetail] = field(default_factory=list)
