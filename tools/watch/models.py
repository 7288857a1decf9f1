"""What the watchlist holds and what it raises: watches, alerts with their cited transfers."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

AlertKind = Literal["exchange", "outflow", "balance"]


class Watch(BaseModel):
    case: str
    address: str
    chain: str = Field(description="tron, eth or btc")
    note: str | None = None
    threshold: str = Field(description="An outflow above this many tokens raises an alert")
    token: str = Field(description="The token watched, as transfers are traced by (USDT…)")
    followed_from: str | None = Field(
        default=None, description="Watched automatically: a recipient of this watched "
        "address's money, polled to see whether it reaches an exchange")
    added_by: str
    added_at: datetime
    polled_at: datetime | None = None
    last_error: str | None = None


class CitedTransfer(BaseModel):
    """A transfer record an alert cites, with what it says."""

    record_id: str
    role: Literal["trigger", "context"] = Field(
        description="trigger: raised the alert; context: shows why (a deposit's sweep, the "
        "hop that brought the money to the deposit address)")
    from_address: str | None
    to_address: str | None
    amount: str
    token: str
    ts: datetime | None
    tx: str


class Alert(BaseModel):
    id: int
    case: str
    kind: AlertKind
    address: str = Field(description="The watched address")
    raised_at: datetime
    token: str
    amount: str = Field(description="Tokens moved by the triggering transfers")
    exchange: str | None = Field(default=None, description="The exchange the money reached")
    deposit_address: str | None = Field(
        default=None, description="Where the money sits at the exchange: its deposit address "
        "(or the exchange's own wallet, when sent there directly)")
    balance: str | None = Field(
        default=None, description="The watched address's balance of the token after these "
        "transfers, as far as the case's transfers show")
    balance_change: str | None = None
    threshold: str | None = None
    note: str | None = Field(default=None, description="The watch's note")
    transfers: list[CitedTransfer]
    delivered_at: datetime | None = None
    delivery_error: str | None = None

    @property
    def record_ids(self) -> list[str]:
        return [t.record_id for t in self.transfers]


class AddressPoll(BaseModel):
    address: str
    pages: int = 0
    imported: int = Field(default=0, description="New transfer records")
    error: str | None = None


class PollReport(BaseModel):
    case: str
    addresses: int = Field(description="Addresses polled (watched and followed)")
    requests: int = Field(description="Pages fetched")
    imported: int = Field(description="New transfer records imported")
    followed: list[str] = Field(default_factory=list,
                                description="Recipients newly followed this poll")
    errors: list[AddressPoll] = Field(default_factory=list)
    alerts: list[Alert] = Field(default_factory=list, description="Alerts raised this poll")
    seconds: float = 0.0
