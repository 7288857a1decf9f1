"""The agent's read-only tools: thin wrappers of the engine that put records on the ledger.

Each returns short text for the model, every fact prefixed by the [n] of its record, and the
records as the artifact. The case and store come from the runtime context, never from the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from langchain.tools import ToolRuntime, tool

from assistant.agent.ledger import Ledger
from tools.errors import RecordNotFoundError
from tools.lookup import lookup_account as lookup
from tools.overview import case_overview as overview
from tools.search.index import SearchFilters, SearchIndex
from tools.shops import find_shops
from tools.shops import shop_details as details_of_shop
from tools.store import CaseStore
from tools.trace import TraceRequest, load_case_graph, trace
from tools.trace.starts import start_wallets

TRACE_WALLET = "trace_wallet"
LOOKUP_ACCOUNT = "lookup_account"
SEARCH_LISTINGS = "search_listings"
GET_RECORD = "get_record"
CASE_OVERVIEW = "case_overview"
SHOP_DETAILS = "shop_details"


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
def trace_wallet(address: str, runtime: Runtime,
                 direction: Literal["forward", "backward"] = "forward") -> tuple[str, list]:
    """Follow money from a wallet (or a dropper's card/phone) forward to where it came to rest,
    or backward to where it came from. Use for "where did the money go / come from"."""
    ctx = runtime.context
    starts = start_wallets(ctx.store, ctx.case, [address])
    graph = load_case_graph(ctx.store, ctx.case)
    if not any(s in graph.graph for s in starts):
        return f"no transfers of {address} in the case", []
    result = trace(graph, TraceRequest(addresses=starts,
                                       direction="backward" if direction == "backward"
                                       else "forward"))
    lines = [f"traced {money(result.traced)} {result.token} {result.request.direction} "
             f"from {address}"]
    cited = []
    for ep in result.endpoints[:8]:
        if not ep.path:
            continue
        n, rec = ctx.cite(ep.path[-1].record_id)
        cited.append(rec)
        label = f" ({ep.label})" if ep.label else ""
        lines.append(f"[{n}] {ep.address}: {ep.reason}{label}, {money(ep.amount)} "
                     f"{result.token}, {len(ep.path)} hops")
    return ctx.derive("\n".join(lines)), cited


@tool(LOOKUP_ACCOUNT, response_format="content_and_artifact")
def lookup_account(identifier: str, runtime: Runtime) -> tuple[str, list]:
    """What the case holds on a card (or masked card), IBAN, phone, wallet, bot or ИИН: shops
    that handed it out, messages, statement activity, linked wallets."""
    ctx = runtime.context
    result = lookup(ctx.store, ctx.case, identifier, load_case_graph(ctx.store, ctx.case))
    if result.error:
        return f"{identifier}: {result.error}", []
    if not result.matches:
        return f"{result.kind} {result.value}: valid, not in the case", []
    lines, cited = [], []
    for p in result.matches[:5]:
        shops = sorted({s.shop_name or s.shop for s in p.seen_in if s.shop})
        lines.append(f"{p.kind} {p.display}: shops {', '.join(shops) or 'none'}")
        for s in p.seen_in[:5]:
            n, rec = ctx.cite(s.record_id)
            cited.append(rec)
            when = f"{s.seen_at:%Y-%m-%d}" if s.seen_at else ""
            lines.append(f"[{n}] seen {when} in {s.record_id} ({s.shop_name or s.kind})")
        if p.bank:
            b = p.bank
            row = b.counterparties[0].records[0] if b.counterparties else None
            if row:
                n, rec = ctx.cite(row)
                cited.append(rec)
                lines.append(f"[{n}] statements: in {money(b.total_in)}, "
                             f"out {money(b.total_out)}, "
                             f"{b.operations} operations, {b.distinct_payers} payers")
        if p.trace:
            for address, reason, amount, record_id in p.trace.endpoints[:4]:
                n, rec = ctx.cite(record_id)
                cited.append(rec)
                lines.append(f"[{n}] money traced on to {address}: {reason}, "
                             f"{money(amount)} {p.trace.token}")
    return ctx.derive("\n".join(lines)), cited


@tool(SEARCH_LISTINGS, response_format="content_and_artifact")
def search_listings(query: str, runtime: Runtime, city: str | None = None,
                    drug: str | None = None, listings_only: bool = False) -> tuple[str, list]:
    """Search shop listings and chat messages (slang, RU/KK/EN); `listings_only` for
    "who sells X in Y"; `city` and `drug` (lexicon names, e.g. cannabis) filter."""
    ctx = runtime.context
    if ctx.search is None:
        return "search is not available", []
    filters = SearchFilters(city=city, drug=drug, kind="listing" if listings_only else None)
    result = ctx.search.search(query, filters, k=8)
    lines, cited = [], []
    for h in result.hits:
        n, rec = ctx.cite(h.record_id)
        cited.append(rec)
        shop = rec.fields.get("chat_name") or rec.fields.get("vendor") or ""
        lines.append(f"[{n}] {shop} — {h.record_id} ({', '.join(h.drugs + h.cities)}): "
                     f"{fence(h.passage)}")
    return "\n".join(lines) or f"nothing found for {query}", cited


@tool(GET_RECORD, response_format="content_and_artifact")
def get_record(record_id: str, runtime: Runtime) -> tuple[str, list]:
    """One record by its id (a transfer, message, listing, statement row or tag)."""
    ctx = runtime.context
    try:
        n, rec = ctx.cite(record_id)
    except RecordNotFoundError:
        return f"no record {record_id}", []
    return f"[{n}] {rec.kind} {rec.id}: {fence(str(rec.fields))}", [rec]


@tool(CASE_OVERVIEW, response_format="content_and_artifact")
def case_overview(runtime: Runtime) -> tuple[str, list]:
    """The case at a glance: record counts, shops and what they handed out, the droppers'
    accounts used most, and where the money from the shops' wallets came to rest."""
    ctx = runtime.context
    o = overview(ctx.store, ctx.case, load_case_graph(ctx.store, ctx.case), top=5)
    s = o.stats
    lines = [f"records: {', '.join(f'{n} {k}' for k, n in sorted(s.records.items()))}",
             f"accounts: {', '.join(f'{n} {k}' for k, n in sorted(s.accounts.items()))}",
             f"files: {len(s.files)}"]
    cited = []

    def cite(record_id: str) -> int:
        n, rec = ctx.cite(record_id)
        cited.append(rec)
        return n

    for shop in o.shops:
        if shop.record_id and shop.hands_out_payments:
            handed = ", ".join(f"{n} {k}" for k, n in sorted(shop.accounts.items()))
            lines.append(f"[{cite(shop.record_id)}] shop {shop.name} ({shop.shop}) "
                         f"handed out {handed}")
    for d in o.top_droppers:
        got = f", received {money(d.received)} by statement" if d.received else ""
        lines.append(f"[{cite(d.record_id)}] dropper {d.kind} {d.display}: handed out "
                     f"{d.handed_out} times by {', '.join(d.shops)}{got}")
    if o.traced:
        lines.append(f"traced {money(o.traced)} {o.token} forward from the shops' "
                     f"{len(o.shop_wallets)} wallets and the {len(o.collection_wallets)} "
                     "they sweep into")
    for b in o.beneficiaries:
        label = f" ({b.label})" if b.label else ""
        mark = f"[{cite(b.record_id)}] " if b.record_id else ""
        lines.append(f"{mark}{b.address}: {b.reason}{label}, {money(b.amount)} {o.token}")
    return ctx.derive("\n".join(lines)), cited


@tool(SHOP_DETAILS, response_format="content_and_artifact")
def shop_details(shop: str, runtime: Runtime) -> tuple[str, list]:
    """Every card, phone, IBAN and wallet a shop handed out to buyers, with the message each
    was in. `shop` is its name as in the chat, or its @bot."""
    ctx = runtime.context
    found = find_shops(ctx.store, ctx.case, shop)
    lines, cited = [], []
    for shop_id in found:
        d = details_of_shop(ctx.store, ctx.case, shop_id)
        if not d.handed_out:
            continue
        lines.append(f"shop {d.name} ({d.shop}): {len({h.account_id for h in d.handed_out})} "
                     "payment details handed out")
        for h in d.handed_out[:12]:
            n, rec = ctx.cite(h.record_id)
            cited.append(rec)
            when = f"{h.seen_at:%Y-%m-%d}" if h.seen_at else ""
            lines.append(f"[{n}] {h.kind} {h.display} handed out {when}")
    return "\n".join(lines) or f"no shop {shop} in the case", cited


AGENT_TOOLS = [trace_wallet, lookup_account, search_listings, shop_details, get_record,
               case_overview]
