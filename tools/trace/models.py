"""The tracing function's boundary: what is asked and what is answered, with citations."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Policy = Literal["haircut", "fifo", "poison"]
Direction = Literal["forward", "backward"]
EndpointReason = Literal[
    "beneficiary", "origin", "exchange", "exchange_deposit", "tagged", "hub", "unresolved",
    "start_cycle", "residue",
]


class TraceRequest(BaseModel):
    addresses: list[str] = Field(min_length=1, description="Start addresses (one or more)")
    direction: Direction = "forward"
    policy: Policy = "haircut"
    hops: int = Field(default=7, ge=1, le=20, description="Transfers followed from a start")
    token: str | None = Field(default=None, description="Token symbol; the start's main one")
    since: datetime | None = None
    until: datetime | None = None
    min_amount: str | None = Field(default=None, description="Ignore smaller transfers")


class Hop(BaseModel):
    record_id: str = Field(description="The transfer's record, to cite")
    tx: str
    time: datetime | None
    from_address: str
    to_address: str
    amount: str = Field(description="The transfer's whole amount")
    traced: str = Field(description="What the policy allots to the traced money")


class Endpoint(BaseModel):
    address: str
    reason: EndpointReason
    amount: str = Field(description="Traced money that came to rest here (exact decimal)")
    share: float = Field(description="Fraction of all traced money")
    label: str | None = Field(default=None, description="Attribution tag or detected role")
    tag_record: str | None = None
    path: list[Hop] = Field(default_factory=list, description="Main path from a start to here")


class Pattern(BaseModel):
    kind: Literal["peel_chain", "consolidation", "exchange_deposit"]
    addresses: list[str]
    record_ids: list[str]
    note: str


class TraceResult(BaseModel):
    request: TraceRequest
    token: str
    traced: str = Field(description="All money followed from the starts")
    dust: str = Field(description="Traced money left in amounts below one token unit")
    endpoints: list[Endpoint]
    patterns: list[Pattern]
    addresses_visited: int
    transfers_considered: int
