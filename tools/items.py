"""What an importer yields: one parsed evidence item, before it is written to the store.

Items cross processes when files are read ahead of an import (`tools.ingest.readahead`): each
class pickles as a call with its fields in order. A slotted dataclass's own pickling walks its
fields in Python per object, and cost the importer as much as parsing the item.
"""

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

    def __reduce__(self) -> tuple[type[TransferRow], tuple[Any, ...]]:
        return TransferRow, (self.chain, self.token, self.from_address, self.to_address,
                             self.amount, self.ts, self.tx)


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

    def __reduce__(self) -> tuple[type[PaymentDetail], tuple[Any, ...]]:
        return PaymentDetail, (self.kind, self.value, self.display, self.info)


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

    def __reduce__(self) -> tuple[type[Item], tuple[Any, ...]]:
        return Item, (self.id, self.kind, self.locator, self.ts, self.data, self.text,
                      self.transfer, self.shop, self.details)
