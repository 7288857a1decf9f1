"""What an investigation of a generated case should find (`truth.json`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Scale = Literal["small", "medium", "seed"]


class ShopTruth(BaseModel):
    id: str = Field(description="`tg:<bot chat id>`: the shop as the buyer met it")
    name: str
    bot: str
    channel_id: int
    cities: list[str]
    payment_wallets: list[str] = Field(description="TRC-20 addresses the bot handed out")
    treasury: str = Field(description="Wallet the shop collects USDT in")
    beneficiaries: list[str] = Field(default_factory=list,
                                     description="Where its layered USDT ends up")


class DropperTruth(BaseModel):
    shop: str
    country: Literal["KZ", "RU"]
    bank: str
    card: str
    iban: str | None = None
    phone: str | None = None
    statement: str | None = Field(default=None, description="File of its bank statement")
    received_kzt: str | None = Field(default=None, description="Tenge in by its statement")
    payers: int | None = Field(default=None, description="Distinct accounts that paid it")


class BeneficiaryTruth(BaseModel):
    address: str
    received_usdt: str = Field(description="Drug-money USDT that reached it (exact decimal)")
    held_usdt: str = Field(description="What stayed there")
    to_exchange_usdt: str = Field(description="What it sent on to exchange deposit addresses")


class ExchangeTruth(BaseModel):
    hot_wallet: str
    label: str
    deposit_addresses: list[str]
    drug_usdt: str = Field(description="Drug-money USDT that reached the exchange")


class Truth(BaseModel):
    seed: int
    scale: Scale
    shops: list[ShopTruth]
    droppers: list[DropperTruth]
    messages: dict[str, list[tuple[str, str]]] = Field(
        description="Record id of each message that revealed payment details -> (kind, value)")
    beneficiaries: list[BeneficiaryTruth]
    exchanges: list[ExchangeTruth]
    drug_listings: list[str]
    other_listings: list[str]
    listing_facts: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="Per listing: kind (sale, recruit, pizza, flea_market, news), drug, city")
    p2p_sellers: list[str] = Field(default_factory=list,
                                   description="Wallets that sold the shops USDT for tenge")
    buyer_wallets: list[str] = Field(default_factory=list,
                                     description="Wallets buyers paid crypto from")
    injection_listings: list[str] = Field(
        default_factory=list, description="Posts carrying instructions to an AI assistant")
    counts: dict[str, int] = Field(description="Records the importers should produce, per kind")
