"""The tracing function's boundary: what is asked and what is answered, with citations."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from tools.ingest.amounts import parse_decimal

Policy = Literal["haircut", "fifo", "poison"]
Direction = Literal["forward", "backward"]
EndpointReason = Literal[
    "beneficiary", "origin", "exchange", "exchange_deposit", "tagged", "hub", "unresolved",
    "start_cycle", "residue",
]


MAX_START_ADDRESSES = 1000


class TraceRequest(BaseModel):
    addresses: list[str] = Field(min_length=1, max_length=MAX_START_ADDRESSES,
                                 description="Start addresses (one or more)")
    direction: Direction = "forward"
    policy: Policy = "haircut"
    hops: int = Field(default=7, ge=1, le=20, description="Transfers followed from a start")
    token: str | None = Field(default=None, max_length=120,
                              description="Token symbol or contract; the start's main one")
    since: datetime | None = None
    until: datetime | None = None
    min_amount: str | None = Field(default=None, max_length=120,
                                   description="Ignore smaller transfers (plain decimal, e.g. "
                                               "'10' or '0.5'; no exponent)")
    include_poisoning: bool = Field(
        default=False, description="Also follow zero-value transfers and dust from look-alike "
                                   "addresses (probable address poisoning, left out by default)")

    @field_validator("addresses")
    @classmethod
    def _short_addresses(cls, value: list[str]) -> list[str]:
        if any(len(a) > 200 for a in value):
            raise ValueError("an address longer than 200 characters")
        return value

    @field_validator("min_amount")
    @classmethod
    def _plain_amount(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if parse_decimal(value.strip()) < 0:
            raise ValueError("min_amount must not be negative")
        return value.strip()


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


class OtherToken(BaseModel):
    key: str = Field(description="Known token's symbol, or symbol@contract")
    label: str = Field(description="What the token is, e.g. 'USDT-named token, contract T…, "
                                    "not Tether'")
    transfers: int = Field(description="Transfers of it at the start addresses")


class TraceResult(BaseModel):
    request: TraceRequest
    token: str = Field(description="What was traced: a known token's symbol, or what the "
                                   "contract is ('USDT-named token, contract T…, not Tether')")
    token_key: str = Field(description="The key transfers were matched on: symbol or "
                                       "symbol@contract")
    token_contract: str | None = Field(default=None, description="Contract of a token that "
                                       "is not a known one")
    other_tokens: list[OtherToken] = Field(
        default_factory=list, description="Other tokens (other contracts) moved at the starts, "
                                          "not traced and never merged into this one")
    poisoning_excluded: int = Field(
        default=0, description="Transfers left out as probable address poisoning")
    poisoning_records: list[str] = Field(default_factory=list,
                                         description="Some of them, to cite (at most 50)")
    traced: str = Field(description="All money followed from the starts")
    dust: str = Field(description="Traced money left in amounts below one token unit")
    endpoints: list[Endpoint]
    patterns: list[Pattern]
    addresses_visited: int
    transfers_considered: int
