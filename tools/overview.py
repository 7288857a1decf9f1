"""A case at a glance: its shops, the droppers they used most, where the drug money rests."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field, computed_field
from sqlalchemy import Connection

from tools.ingest.amounts import stored_amount
from tools.ingest.bank import statement_prefix
from tools.models import CaseStats
from tools.people import people_of_case
from tools.shop_takings import SharedPayer, ShopTakings, shop_takings
from tools.shops import shop_names
from tools.store import CaseStore
from tools.store.accounts import field_values, record_fields
from tools.store.overview import (
    bank_payments,
    bot_sightings,
    first_records_by_shop,
    first_shop_record,
    handed_out_account_ids,
    handed_out_accounts,
    shop_account_kinds,
    shops_of_accounts,
)
from tools.store.repository import as_utc
from tools.store.shops import bots_of_chats
from tools.trace import TraceRequest, trace
from tools.trace.graph import CaseGraph
from tools.trace.starts import WALLET_KINDS

DROPPER_KINDS = ("card", "iban", "phone")
# Whom the statements paid most: how many are listed.
PAYEES_LISTED = 3
# The statements of the case are listed all (what "which statements are there" asks), up to
# this many, however few of the other lists `top` keeps.
HOLDERS_LISTED = 12


class ShopSummary(BaseModel):
    shop: str = Field(description="`tg:<chat id>`: the bot chat or channel")
    name: str
    accounts: dict[str, int] = Field(description="Payment details handed out, per kind")
    records: int = Field(description="Its messages and posts that handed out payment details")
    record_id: str | None = Field(description="The first of them, to cite")
    first_seen: datetime | None
    last_seen: datetime | None
    bots: list[str] = Field(default_factory=list, description="The @bots its shop goes by")
    advertises: list[str] = Field(
        default_factory=list, description="@bots it named that are not its own shop's")

    market: bool = Field(
        default=False, description="A board advertising several shops (`_is_market`): where "
        "shops are found, not a shop; the phones in its posts are sellers' contacts")

    @computed_field  # type: ignore[prop-decorator]  # mypy: a decorator over a property
    @property
    def hands_out_payments(self) -> bool:
        """A shop that takes money (cards, phones, IBANs, wallets), not a channel that only
        advertises its bot, nor a market board."""
        return not self.market and any(kind != "bot" for kind in self.accounts)


class AdvertisedBot(BaseModel):
    """A @bot the case's chats advertise that no shop chat of the case goes by: a shop known
    only from its ads."""

    bot: str
    chat: str = Field(description="`tg:<chat id>` of the chat that advertised it first")
    record_id: str = Field(description="The first post or message naming it, to cite")
    excerpt: str = Field(description="The first line of that post (evidence text)")


class DropperSummary(BaseModel):
    account_id: str
    kind: str
    display: str
    shops: list[str]
    handed_out: int = Field(description="Messages that handed it out")
    received: str | None = Field(default=None, description="Statement inflow (own statement)")
    record_id: str = Field(description="The first message that handed it out, to cite")
    records_by_shop: dict[str, str] = Field(
        default_factory=dict, description="Shop chat id → its first message handing it out "
        "(for an account more than one shop handed out)")


class BeneficiarySummary(BaseModel):
    address: str
    reason: str
    amount: str = Field(description="Traced money from the shops' wallets that rests here")
    share: float
    label: str | None
    record_id: str | None = Field(description="The transfer that brought it, to cite")
    path: list[str] = Field(default_factory=list,
                            description="Every transfer of its path from a shop's wallet, to cite")


class StatementHolder(BaseModel):
    """Someone whose own bank statement the case holds (a dropper's account, usually)."""

    name: str = Field(description="As the statement writes it")
    account: str = Field(description="The first of their accounts with a statement here")
    more_accounts: int = Field(default=0, description="Other such accounts of the same name")
    record_id: str = Field(description="A row of that statement naming them, to cite")
    received: str = Field(default="0", description="Into their accounts, by their statements")
    sent: str = Field(default="0", description="Out of their accounts, by their statements")


class Payee(BaseModel):
    """Someone the statements' accounts paid, whose own statement the case does not hold."""

    account: str
    name: str
    amount: str = Field(description="What the statements show paid to them, in all")
    record_id: str = Field(description="A row of such a payment, to cite")


class CaseOverview(BaseModel):
    stats: CaseStats
    shops: list[ShopSummary]
    top_droppers: list[DropperSummary]
    shop_wallets: list[str] = Field(description="Wallets the shops handed out to buyers")
    collection_wallets: list[str] = Field(description="Wallets those sweep into")
    token: str | None = Field(description="The token traced from the shops' wallets")
    traced: str | None = Field(description="All money traced forward from the shops' wallets")
    beneficiaries: list[BeneficiarySummary] = Field(
        description="Where that money came to rest, largest first")
    advertised: list[AdvertisedBot] = Field(
        default_factory=list, description="Bots advertised with no shop chat in the case")
    statement_holders: list[StatementHolder] = Field(
        default_factory=list, description="Whose statements the case holds, those with "
        "the most such accounts first")
    statements_received: str = Field(
        default="0", description="Into the accounts whose statements the case holds, from "
        "accounts whose statements it does not hold (moves between them counted nowhere)")
    statements_sent: str = Field(
        default="0", description="Out of the accounts whose statements the case holds, to "
        "accounts whose statements it does not hold")
    payees: list[Payee] = Field(
        default_factory=list, description="Whom the statements' accounts paid most, outside "
        "them: where the droppers' tenge went on, largest first")
    takings: list[ShopTakings] = Field(
        default_factory=list, description="What was paid into each shop's handed-out "
        "wallets, largest first")
    shared_payers: list[SharedPayer] = Field(
        default_factory=list, description="Wallets that paid more than one shop")
    shared_droppers: list[DropperSummary] = Field(
        default_factory=list, description="Droppers' accounts more than one shop handed out")


def case_overview(store: CaseStore, case: str, graph: CaseGraph, top: int = 10) -> CaseOverview:
    with store.engine.connect() as conn:
        per_shop: dict[str, list] = defaultdict(list)
        for r in shop_account_kinds(conn, case):
            per_shop[r.shop].append(r)
        names = shop_names(conn, case)
        bots = bots_of_chats(conn, case)
        shops = [_shop(conn, case, shop, names.get(shop, shop), kinds)
                 for shop, kinds in sorted(per_shop.items())]
        named = bot_sightings(conn, case)
        owner = {b: chat for chat, own in bots.items() for b in own}
        for s in shops:
            s.bots = bots.get(s.shop, [])
            s.advertises = sorted({b for chat, b, _, _ in named
                                   if chat == s.shop and b not in s.bots})
            s.market = _is_market(s, owner)
        markets = {s.shop for s in shops if s.market}
        # Every statement of the case, whether or not its holder's name was read.
        flows = _statement_flows(conn, case, sorted(field_values(conn, case, "bank_row",
                                                                  ["account"])))
        droppers = _droppers(conn, case, markets, flows.received)
        payees = _payees(conn, case, flows, PAYEES_LISTED)
        shared = [d for d in droppers if len(d.shops) > 1][:top]
        by_id = {d.account_id: d for d in shared}
        for account_id, shop, record_id in first_records_by_shop(conn, case, list(by_id)):
            if (d := by_id.get(account_id)) is not None and shop in d.shops:
                d.records_by_shop[shop] = record_id
        advertised = _advertised([n for n in named if n[0] in markets], set(owner))
        wallets = handed_out_account_ids(conn, case, WALLET_KINDS)
    handed_out = [w.split(":", 1)[1] for w in wallets if w.split(":", 1)[1] in graph.graph]
    # Where each handed-out wallet sweeps (its shop's treasury). Buyers pay into the
    # handed-out wallets, but the shop's turnover (USDT bought with the droppers' tenge)
    # collects in these: tracing only the buyers' share would find the beneficiaries with a
    # fraction of their money.
    treasury_of = {w: c for w in handed_out
                   if (c := collector_of(graph.graph, w, handed_out)) is not None}
    collecting = sorted(set(treasury_of.values()))
    token = traced = None
    beneficiaries: list[BeneficiarySummary] = []
    if handed_out:
        result = trace(graph, TraceRequest(addresses=handed_out + collecting))
        token, traced = result.token, result.traced
        beneficiaries = [
            BeneficiarySummary(address=ep.address, reason=ep.reason, amount=ep.amount,
                               share=ep.share, label=ep.label,
                               record_id=ep.path[-1].record_id if ep.path else None,
                               path=[h.record_id for h in ep.path])
            for ep in result.endpoints if ep.reason != "start_cycle"][:top]
    holders = _holders(store, case, flows)
    with store.engine.connect() as conn:
        taken = shop_takings(conn, case, graph, {s.shop for s in shops if not s.market},
                             wallets, treasury_of, token)
    return CaseOverview(stats=store.stats(case), shops=shops, top_droppers=droppers[:top],
                        shared_droppers=shared,
                        takings=taken.takings, shared_payers=taken.shared_payers[:top],
                        shop_wallets=handed_out, collection_wallets=collecting,
                        token=token, traced=traced, beneficiaries=beneficiaries,
                        advertised=advertised, statement_holders=holders[:max(top, HOLDERS_LISTED)],
                        statements_received=format(flows.from_outside, "f"),
                        statements_sent=format(flows.to_outside, "f"), payees=payees)


def _holders(store: CaseStore, case: str, flows: _Flows) -> list[StatementHolder]:
    """The people whose own statements the case holds, each cited by a row of it, with what
    their statements show came in and went out."""
    out = [StatementHolder(name=p.name, account=p.own_accounts[0],
                           more_accounts=len(p.own_accounts) - 1,
                           record_id=p.row_of[p.own_accounts[0]],
                           received=format(sum((flows.received.get(a, Decimal(0))
                                                for a in p.own_accounts), Decimal(0)), "f"),
                           sent=format(sum((flows.sent.get(a, Decimal(0))
                                            for a in p.own_accounts), Decimal(0)), "f"))
           for p in people_of_case(store, case).values() if p.own_accounts]
    out.sort(key=lambda h: (-h.more_accounts, h.name))
    return out


@dataclass
class _Flows:
    """What each account came to by its own statement (a payment between two accounts whose
    statements the case holds is a row in each: counted once, from each side's own), and the
    money that came in from, and went out to, accounts whose statements the case does not
    hold (money moved between them is not counted again)."""

    received: dict[str, Decimal] = field(default_factory=dict)
    sent: dict[str, Decimal] = field(default_factory=dict)
    from_outside: Decimal = Decimal(0)
    to_outside: Decimal = Decimal(0)
    # Accounts outside them paid, with what they were paid and a row of it.
    paid_to: dict[str, tuple[Decimal, str]] = field(default_factory=dict)


def _statement_flows(conn: Connection, case: str, ibans: list[str]) -> _Flows:
    flows = _Flows()
    held = set(ibans)
    for incoming, rows in ((True, bank_payments(conn, case, ibans, to=True)),
                           (False, bank_payments(conn, case, ibans, to=False))):
        totals = flows.received if incoming else flows.sent
        for account, other, record_id, amount in rows:
            if record_id.startswith(statement_prefix(account)) and (
                    value := stored_amount(amount)) is not None:
                totals[account] = totals.get(account, Decimal(0)) + value
                if other not in held:
                    if incoming:
                        flows.from_outside += value
                    else:
                        flows.to_outside += value
                        if other:
                            paid, row = flows.paid_to.get(other, (Decimal(0), record_id))
                            flows.paid_to[other] = (paid + value, row)
    return flows


def _payees(conn: Connection, case: str, flows: _Flows, top: int) -> list[Payee]:
    """The `top` accounts the statements paid most, named as the row paying them does."""
    largest = sorted(flows.paid_to.items(), key=lambda kv: (-kv[1][0], kv[0]))[:top]
    names = {rid: str(data.get("payee_name") or "") for rid, data in record_fields(
        conn, case, [row for _, (_, row) in largest])}
    return [Payee(account=account, name=names.get(row, ""), amount=format(paid, "f"),
                  record_id=row) for account, (paid, row) in largest]


# What a board's posts may hand out: contacts of sellers, the shops' bots. A chat handing
# out cards, IBANs or wallets takes payment: a shop, whatever it advertises.
_BOARD_KINDS = frozenset({"bot", "phone"})
_HANDLE_STEM = re.compile(r"[a-z]{4,}")


def _is_market(s: ShopSummary, owner: dict[str, str]) -> bool:
    """A chat of no shop that names the bots of at least two different shops and takes no
    payment: a board. Bots of no shop of the case count as one shop per name stem, so a shop
    channel naming its main and reserve bots ("snowqueen_kz_bot", "snowqueen_reserve_bot")
    is not a board."""
    if s.bots or not set(s.accounts) <= _BOARD_KINDS:
        return False
    shops = set()
    for bot in s.advertises:
        stem = _HANDLE_STEM.search(bot.casefold())
        shops.add(owner.get(bot) or (stem.group(0)[:6] if stem else bot))
    return len(shops) >= 2


def _advertised(named: list[tuple[str, str, str, str | None]], owned: set[str]
                ) -> list[AdvertisedBot]:
    """The bots named in the case that no shop goes by, each with its first sighting
    (`named` is in the order written)."""
    first: dict[str, tuple[str, str, str | None]] = {}
    for chat, bot, rid, text in named:
        if bot not in owned and bot not in first:
            first[bot] = (chat, rid, text)
    return [AdvertisedBot(bot=bot, chat=chat, record_id=rid, excerpt=_first_line(text))
            for bot, (chat, rid, text) in sorted(first.items())]


def _first_line(text: str | None, limit: int = 100) -> str:
    line = next((ln.strip() for ln in (text or "").splitlines() if ln.strip()), "")
    return line if len(line) <= limit else line[:limit - 1] + "…"


def collector_of(g: Any, wallet: str, handed_out: Collection[str]) -> str | None:
    """The wallet `wallet` sweeps into: one that got at least half of what it sent, carries
    no tag (an exchange is not a shop's treasury) and is not another handed-out wallet."""
    if wallet not in g:
        return None
    sent = {v: sum(m.units for m in g[wallet][v]["m"]) for v in g.succ[wallet]}
    total = sum(sent.values())
    for v, units in sent.items():
        if total and units * 2 >= total and "tag" not in g.nodes[v] and v not in handed_out:
            return str(v)
    return None


def _shop(conn: Connection, case: str, shop: str, name: str, kinds: list) -> ShopSummary:
    first_record = first_shop_record(conn, case, shop)
    return ShopSummary(
        shop=shop, name=name,
        accounts={r.kind: r.n for r in kinds},
        records=first_record[1] if first_record else 0,
        record_id=first_record[0] if first_record else None,
        first_seen=as_utc(min((r.first for r in kinds if r.first), default=None)),
        last_seen=as_utc(max((r.last for r in kinds if r.last), default=None)))


def _droppers(conn: Connection, case: str, markets: set[str], received: dict[str, Decimal]
              ) -> list[DropperSummary]:
    """Droppers' accounts ranked by money received (`received`: by the account's own
    statement), then by times handed out; accounts only a market board's posts name
    (sellers' contacts) are not droppers'."""
    handed = handed_out_accounts(conn, case, DROPPER_KINDS)
    shops: dict[str, set[str]] = defaultdict(set)
    for account_id, shop in shops_of_accounts(conn, case, [h.id for h in handed]):
        if shop not in markets:
            shops[account_id].add(shop)
    handed = [h for h in handed if shops[h.id]]
    summaries = [DropperSummary(
        account_id=h.id, kind=h.kind, display=h.display, shops=sorted(shops[h.id]),
        handed_out=h.n, record_id=h.first_record,
        received=format(received[h.id.split(":", 1)[1]], "f")
        if h.id.split(":", 1)[1] in received else None) for h in handed]
    summaries.sort(key=lambda d: (-Decimal(d.received or 0), -d.handed_out, d.account_id))
    return summaries
