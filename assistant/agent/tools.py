"""The agent's read-only tools: thin wrappers of the engine that put records on the ledger.

Each returns short text for the model, every fact prefixed by the [n] of its record, and the
records as the artifact. The case and store come from the runtime context, never from the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from langchain.tools import ToolRuntime, tool

from assistant.agent.ledger import Ledger
from tools.errors import RecordNotFoundError
from tools.lookup import lookup_account as lookup
from tools.overview import case_overview as overview
from tools.people import find_person as people_named
from tools.search.index import SearchFilters, SearchIndex
from tools.shops import find_shops
from tools.shops import shop_details as details_of_shop
from tools.store import CaseStore
from tools.trace import TraceRequest, load_case_graph, trace
from tools.trace.paths import money_path as path_between
from tools.trace.starts import start_wallets

TRACE_WALLET = "trace_wallet"
LOOKUP_ACCOUNT = "lookup_account"
SEARCH_LISTINGS = "search_listings"
GET_RECORD = "get_record"
CASE_OVERVIEW = "case_overview"
SHOP_DETAILS = "shop_details"
MONEY_PATH = "money_path"
FIND_PERSON = "find_person"


@dataclass
class AgentContext:
    case: str
    store: CaseStore
    search: SearchIndex | None = None
    ledger: Ledger = field(default_factory=Ledger)

    def derive(self, text: str) -> str:
        self.ledger.derived.append(text)
        return text

    def cite(self, record_id: str) -> tuple[int, Any]:
        record = self.store.get_record(self.case, record_id)
        details = [a.split(":", 1)[1] for a in self.store.accounts_of_record(self.case, record_id)]
        return self.ledger.add(record, details), record


Runtime = ToolRuntime[AgentContext]


@dataclass
class ToolOutput:
    """A tool's typed result (the engine's own model) and the markers of the records it cited:
    what programs, the offline model among them, read instead of the text."""

    tool: str
    data: Any
    markers: dict[str, int] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # record id → its shop or chat name

    def cite(self, ctx: AgentContext, record_id: str) -> int:
        n, _ = ctx.cite(record_id)
        self.markers[record_id] = n
        return n

    def marker(self, record_id: str | None) -> str:
        n = self.markers.get(record_id or "")
        return f"[{n}]" if n else ""


def money(amount: str) -> str:
    """An amount as an answer states it: two decimals (the exact value stays in the API)."""
    return f"{Decimal(amount):.2f}"

_FAKE_MARKER = re.compile(r"\[(\d+)\]")
_MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")


def fence(evidence: str) -> str:
    """Record text as inert data: no citation markers of its own, no clickable markdown."""
    evidence = _MD_LINK.sub(lambda m: f"{m[1]} <{m[2]}>", evidence)
    return _FAKE_MARKER.sub(r"(\1)", evidence).replace("\n", " ")


@tool(TRACE_WALLET, response_format="content_and_artifact")
def trace_wallet(address: str, runtime: Runtime, direction: str = "forward"
                 ) -> tuple[str, ToolOutput]:
    """Follow money from a wallet (or a dropper's card/phone) forward to where it came to rest,
    or backward to where it came from. Use for "where did the money go / come from"."""
    ctx = runtime.context
    starts = start_wallets(ctx.store, ctx.case, [address])
    graph = load_case_graph(ctx.store, ctx.case)
    out = ToolOutput(TRACE_WALLET, None)
    if not any(s in graph.graph for s in starts):
        return f"no transfers of {address} in the case", out
    result = trace(graph, TraceRequest(addresses=starts,
                                       direction="backward" if direction == "backward"
                                       else "forward"))
    out.data = result
    lines = [f"traced {money(result.traced)} {result.token} {result.request.direction} "
             f"from {address}"]
    for ep in result.endpoints[:8]:
        if not ep.path:
            continue
        hops = " -> ".join(f"{h.to_address} [{out.cite(ctx, h.record_id)}]" for h in ep.path)
        label = f" ({fence(ep.label)})" if ep.label else ""
        lines.append(f"{ep.address}: {ep.reason}{label}, {money(ep.amount)} "
                     f"{result.token}, {len(ep.path)} hops; path {hops}")
    exchanges = exchange_total(result.endpoints)
    if exchanges:
        lines.append(f"to exchanges and their deposit addresses: {money(str(exchanges))} "
                     f"{result.token}")
    return ctx.derive("\n".join(lines)), out


def exchange_total(endpoints: list[Any]) -> Decimal:
    """Traced money that came to rest at exchanges or their deposit addresses."""
    return sum((Decimal(e.amount) for e in endpoints
                if e.reason in ("exchange", "exchange_deposit")), Decimal(0))


@tool(MONEY_PATH, response_format="content_and_artifact")
def money_path(source: str, target: str, runtime: Runtime) -> tuple[str, ToolOutput]:
    """The chain of transfers from one address to another, each hop cited, and how much of
    the source's money reached the target. Use for "path from A to B", "how much of A got to B"."""
    ctx = runtime.context
    graph = load_case_graph(ctx.store, ctx.case)
    result = path_between(graph, source, target)
    out = ToolOutput(MONEY_PATH, result)
    if not result.hops:
        return f"no chain of transfers from {source} to {target} in the case", out
    lines = [f"path from {source} to {target}: {len(result.hops)} transfers"]
    for h in result.hops:
        n = out.cite(ctx, h.record_id)
        when = f"{h.time:%Y-%m-%d %H:%M}" if h.time else ""
        lines.append(f"[{n}] {h.from_address} -> {h.to_address}: {money(h.amount)} "
                     f"{result.token} {when}")
    if result.reached is not None:
        lines.append(f"traced money of {source} that reached {target}: "
                     f"{money(result.reached)} {result.token}")
    return ctx.derive("\n".join(lines)), out


@tool(LOOKUP_ACCOUNT, response_format="content_and_artifact")
def lookup_account(identifier: str, runtime: Runtime) -> tuple[str, ToolOutput]:
    """What the case holds on a card (or masked card), IBAN, phone, wallet, bot or ИИН: shops
    that handed it out, messages, statement activity, linked wallets."""
    ctx = runtime.context
    result = lookup(ctx.store, ctx.case, identifier, load_case_graph(ctx.store, ctx.case))
    out = ToolOutput(LOOKUP_ACCOUNT, result)
    if result.error:
        return f"{identifier}: {result.error}", out
    if not result.matches:
        return f"{result.kind} {result.value}: valid, not in the case", out
    lines = []
    for p in result.matches[:5]:
        shops = sorted({fence(s.shop_name or s.shop) for s in p.seen_in if s.shop})
        lines.append(f"{p.kind} {p.display}: shops {', '.join(shops) or 'none'}")
        for s in p.seen_in[:5]:
            n = out.cite(ctx, s.record_id)
            when = f"{s.seen_at:%Y-%m-%d}" if s.seen_at else ""
            lines.append(f"[{n}] seen {when} in {fence(s.record_id)} "
                         f"({fence(s.shop_name or s.kind)})")
        if p.statements:
            lines.append(f"statement of {', '.join(p.statements)} names this card")
        if p.bank:
            b = p.bank
            row = b.counterparties[0].records[0] if b.counterparties else None
            if row:
                n = out.cite(ctx, row)
                lines.append(f"[{n}] statements: in {money(b.total_in)}, "
                             f"out {money(b.total_out)}, "
                             f"{b.operations} operations, {b.distinct_payers} payers")
            for c in b.counterparties[:8]:
                n = out.cite(ctx, c.records[0])
                name = f" {fence(c.name)}" if c.name else ""
                lines.append(f"[{n}] counterparty {c.account}{name}: received from "
                             f"{money(c.received_from)}, sent to {money(c.sent_to)}, "
                             f"{c.operations} operations")
        if p.info.get("name"):
            lines.append(f"{p.kind} {p.display}: name {fence(str(p.info['name']))}")
        if p.bank and p.bank.holder_name:
            lines.append(f"{p.display}: holder {fence(p.bank.holder_name)}")
        if p.flows:
            f = p.flows
            if f.tag and f.tag_record:
                lines.append(f"[{out.cite(ctx, f.tag_record)}] tag {fence(f.tag)} "
                             f"({fence(f.tag_category or '')})")
            marks = "".join(f"[{out.cite(ctx, r)}]" for r in f.largest_in[:1] + f.largest_out[:1])
            lines.append(f"{marks} {f.token}: received {money(f.received)}, "
                         f"sent {money(f.sent)}, left {money(f.balance)}")
        if p.trace:
            for address, reason, amount, record_id in p.trace.endpoints[:4]:
                n = out.cite(ctx, record_id)
                lines.append(f"[{n}] money traced on to {address}: {reason}, "
                             f"{money(amount)} {p.trace.token}")
    return ctx.derive("\n".join(lines)), out


@tool(FIND_PERSON, response_format="content_and_artifact")
def find_person(name: str, runtime: Runtime) -> tuple[str, ToolOutput]:
    """A person named in the case's bank statements (payer or payee), by name in any case
    ending or word order: their accounts, ИИН, and what they paid and received."""
    ctx = runtime.context
    found = people_named(ctx.store, ctx.case, name)
    out = ToolOutput(FIND_PERSON, found)
    lines = []
    for p in found[:5]:
        n = out.cite(ctx, p.records[0]) if p.records else 0
        mark = f"[{n}] " if n else ""
        lines.append(f"{mark}person {fence(p.name)}: accounts {', '.join(p.accounts) or 'none'}"
                     f"; ИИН {', '.join(p.iins) or 'none'}; paid {money(p.paid)}, "
                     f"received {money(p.received)}")
    return "\n".join(lines) or f"no person named {fence(name)} in the case", out


@tool(SEARCH_LISTINGS, response_format="content_and_artifact")
def search_listings(query: str, runtime: Runtime, city: str | None = None,
                    drug: str | None = None, listings_only: bool = False
                    ) -> tuple[str, ToolOutput]:
    """Search shop listings and chat messages (slang, RU/KK/EN); `listings_only` for
    "who sells X in Y"; `city` and `drug` (lexicon names, e.g. cannabis) filter."""
    ctx = runtime.context
    out = ToolOutput(SEARCH_LISTINGS, None)
    if ctx.search is None:
        return "search is not available", out
    filters = SearchFilters(city=city, drug=drug, kind="listing" if listings_only else None)
    result = ctx.search.search(query, filters, k=8)
    out.data = result
    lines = []
    for h in result.hits:
        n, rec = ctx.cite(h.record_id)
        out.markers[h.record_id] = n
        shop = rec.fields.get("chat_name") or rec.fields.get("vendor") or ""
        out.labels[h.record_id] = str(shop)
        lines.append(f"[{n}] {fence(str(shop))} — {fence(h.record_id)} "
                     f"({', '.join(h.drugs + h.cities)}): {fence(h.passage)}")
    return "\n".join(lines) or f"nothing found for {query}", out


@tool(GET_RECORD, response_format="content_and_artifact")
def get_record(record_id: str, runtime: Runtime) -> tuple[str, ToolOutput]:
    """One record by its id (a transfer, message, listing, statement row or tag)."""
    ctx = runtime.context
    try:
        n, rec = ctx.cite(record_id)
    except RecordNotFoundError:
        return f"no record {fence(record_id)}", ToolOutput(GET_RECORD, None)
    return (f"[{n}] {rec.kind} {fence(rec.id)}: {fence(str(rec.fields))}",
            ToolOutput(GET_RECORD, rec, {rec.id: n}))


@tool(CASE_OVERVIEW, response_format="content_and_artifact")
def case_overview(runtime: Runtime) -> tuple[str, ToolOutput]:
    """The case at a glance: record counts, shops and what they handed out, the droppers'
    accounts used most, and where the money from the shops' wallets came to rest."""
    ctx = runtime.context
    o = overview(ctx.store, ctx.case, load_case_graph(ctx.store, ctx.case), top=5)
    out = ToolOutput(CASE_OVERVIEW, o)
    s = o.stats
    lines = [f"records: {', '.join(f'{n} {k}' for k, n in sorted(s.records.items()))}",
             f"accounts: {', '.join(f'{n} {k}' for k, n in sorted(s.accounts.items()))}",
             f"files: {len(s.files)}"]
    for shop in o.shops:
        if shop.record_id and shop.hands_out_payments:
            handed = ", ".join(f"{n} {k}" for k, n in sorted(shop.accounts.items()))
            lines.append(f"[{out.cite(ctx, shop.record_id)}] shop {fence(shop.name)} "
                         f"({fence(shop.shop)}) handed out {handed}")
    for d in o.top_droppers:
        got = f", received {money(d.received)} by statement" if d.received else ""
        lines.append(f"[{out.cite(ctx, d.record_id)}] dropper {d.kind} {d.display}: handed out "
                     f"{d.handed_out} times by {', '.join(fence(x) for x in d.shops)}{got}")
    if o.traced:
        lines.append(f"traced {money(o.traced)} {o.token} forward from the shops' "
                     f"{len(o.shop_wallets)} wallets and the {len(o.collection_wallets)} "
                     "they sweep into")
    for b in o.beneficiaries:
        label = f" ({fence(b.label)})" if b.label else ""
        mark = f"[{out.cite(ctx, b.record_id)}] " if b.record_id else ""
        lines.append(f"{mark}{b.address}: {b.reason}{label}, {money(b.amount)} {o.token}")
    exchanges = exchange_total(o.beneficiaries)
    if exchanges:
        lines.append(f"to exchanges and their deposit addresses: {money(str(exchanges))} "
                     f"{o.token}")
    return ctx.derive("\n".join(lines)), out


SHOP_DETAIL_KINDS = ("card", "phone", "iban", "wallet")


@tool(SHOP_DETAILS, response_format="content_and_artifact")
def shop_details(shop: str, runtime: Runtime, kind: str | None = None
                 ) -> tuple[str, ToolOutput]:
    """Every card, phone, IBAN and wallet a shop handed out to buyers, with the message each
    was in. `shop` is its name as in the chat, or its @bot; `kind` (card, phone, iban, wallet)
    keeps one kind."""
    ctx = runtime.context
    found = find_shops(ctx.store, ctx.case, shop)
    details = [details_of_shop(ctx.store, ctx.case, shop_id) for shop_id in found]
    if kind in SHOP_DETAIL_KINDS:
        wanted = {"wallet": ("tron", "btc", "eth")}.get(kind, (kind,))
        for d in details:
            d.handed_out = [h for h in d.handed_out if h.kind in wanted]
    out = ToolOutput(SHOP_DETAILS, details)
    lines = []
    for d in details:
        if not d.handed_out:
            continue
        lines.append(f"shop {fence(d.name)} ({fence(d.shop)}): "
                     f"{len({h.account_id for h in d.handed_out})} payment details handed out")
        for h in d.handed_out[:12]:
            n = out.cite(ctx, h.record_id)
            when = f"{h.seen_at:%Y-%m-%d}" if h.seen_at else ""
            lines.append(f"[{n}] {h.kind} {h.display} handed out {when}")
    return "\n".join(lines) or f"no shop {fence(shop)} in the case", out


AGENT_TOOLS = [trace_wallet, money_path, lookup_account, find_person, search_listings,
               shop_details, get_record, case_overview]
