"""What a freeze or information request letter is asked for, and the facts gathered for it."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from tools.identifiers import parse_identifier
from tools.trace.models import Endpoint, TraceRequest, TraceResult

Recipient = Literal["exchange", "issuer"]
Language = Literal["ru", "kk", "en"]

MAX_LETTER_ADDRESSES = 20


class LetterRequest(BaseModel):
    """A letter to an exchange (freeze, preserve, tell who owns the deposit account) or to a
    token's issuer (freeze the tokens at the addresses)."""

    to: Recipient = Field(description="exchange | issuer")
    addresses: list[str] = Field(min_length=1, max_length=MAX_LETTER_ADDRESSES,
                                 description="The addresses the letter is about")
    lang: Language = Field(default="ru", description="ru | kk | en")
    trace: TraceRequest | None = Field(
        default=None, description="The trace that found the addresses: its policy, hops and "
                                  "paths go into the letter")

    @field_validator("addresses")
    @classmethod
    def _plain_addresses(cls, value: list[str]) -> list[str]:
        value = [a.strip() for a in value]
        if any(not a or len(a) > 200 or not a.isprintable() for a in value):
            raise ValueError("an address that is empty, longer than 200 characters or not "
                             "printable")
        return list(dict.fromkeys(_as_stored(a) for a in value))


def _as_stored(address: str) -> str:
    """An address as the case stores it (Ethereum and bech32 in lower case)."""
    found = parse_identifier(address)
    return found.value if found.kind in ("tron", "btc", "eth") else address


class TransferFact(BaseModel):
    record_id: str
    tx: str
    time: datetime | None
    amount: str
    token: str
    from_address: str
    to_address: str


class Attribution(BaseModel):
    """Whose an address is: its own attribution tag, or (a heuristic) the tagged exchange
    wallet it sweeps what it receives to."""

    kind: Literal["tag", "deposit"]
    name: str = Field(description="The tag's label (its actor, when the tag names one)")
    category: str | None = None
    tag_record: str
    sweep_records: list[str] = Field(default_factory=list,
                                     description="Transfers that swept to the tagged wallet")
    swept_share: float = Field(default=0.0, description="Share of its outflow swept there")


class AddressFacts(BaseModel):
    address: str
    token: str = Field(description="Token key the amounts are in")
    received: str
    sent: str
    held: str = Field(description="Received minus sent, by the case's transfers")
    last_time: datetime | None = None
    transfers: list[str] = Field(description="Its transfers of the token in the letter, in "
                                             "time order")
    complete: bool = Field(description="Every transfer of the amounts is listed in the letter")
    attribution: Attribution | None = None
    endpoint: Endpoint | None = Field(default=None,
                                      description="Where the trace left money at it")


class CitedRecord(BaseModel):
    id: str
    kind: str
    locator: str


class CustodyFile(BaseModel):
    file: str
    sha256: str
    format: str
    size: int
    ingested_at: datetime
    records: list[CitedRecord] = Field(description="Records of the letter from this file")


class LetterFacts(BaseModel):
    case: str
    to: Recipient
    token: str = Field(description="Token key: USDT, TRX, or symbol@contract")
    token_label: str
    issuer: str | None = Field(default=None, description="The known token's issuer")
    token_contract: str | None = None
    addresses: list[AddressFacts]
    transfers: list[TransferFact] = Field(description="Every transfer listed, time order")
    trace: TraceResult | None = None
    custody: list[CustodyFile]
