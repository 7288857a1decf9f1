"""The agent's read-only tools: thin wrappers of the engine that put records on the ledger.

Each returns short text for the model, every fact prefixed by the [n] of its record, and the
records as the artifact. The case and store come from the runtime context, never from the model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
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
from tools.trace.models import Endpoint
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

    def derive(self, text: str, record_ids: Sequence[str] = (), names: Sequence[str] = ()
               ) -> str:
        """`text` (returned as is) states facts the tool computed from exactly `record_ids`
        (cited already, the anchor last; none: from the case as a whole). See `Ledger`."""
        self.ledger.bind(text, record_ids, names)
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
    lines = [ctx.derive(f"traced {money(result.traced)} {result.token} "
                        f"{result.request.direction} from {address}")]
    cited: list = []
    residue = []
    for ep in result.endpoints[:8]:
        if not ep.path:
            continue
        if ep.reason == "residue":
            residue.append(ep)
            continue
        lines.append(_endpoint_line(ctx, ep, result.token, cited))
    for ep in residue:
        lines.append(_endpoint_line(ctx, ep, result.token, cited))
    return "\n".join(lines), cited


def _endpoint_line(ctx: AgentContext, ep: Endpoint, token: str, cited: list) -> str:
    """An endpoint, its marker first (the transfer that brought the money), then the markers
    of every hop of its path; its amount and hop count bound to exactly that path."""
    hops = []
    for hop in ep.path:
        n, rec = ctx.cite(hop.record_id)
        cited.append(rec)
        hops.append(n)
    label = f" ({ep.label})" if ep.label else ""
    names = [ep.label.removeprefix("deposit address of ")] if ep.label else []
    fact = f"{ep.address}: {ep.reason}{label}, {money(ep.amount)} {token}, {len(ep.path)} hops"
    ctx.derive(fact, [h.record_id for h in ep.path], names)
    return f"[{hops[-1]}] {fact}, path {' '.join(f'[{n}]' for n in hops)}"


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
        head = len(lines)
        for s in p.seen_in[:5]:
            n, rec = ctx.cite(s.record_id)
            cited.append(rec)
            when = f"{s.seen_at:%Y-%m-%d}" if s.seen_at else ""
            lines.append(ctx.derive(f"[{n}] seen {when} in {s.record_id} "
                                    f"({s.shop_name or s.kind})", [s.record_id]))
        lines.insert(head, ctx.derive(f"{p.kind} {p.display}: shops {', '.join(shops) or 'none'}",
                                      [s.record_id for s in p.seen_in[:5]]))
        if p.bank:
            b = p.bank
            row = b.counterparties[0].records[0] if b.counterparties else None
            if row:
                n, rec = ctx.cite(row)
                cited.append(rec)
                lines.append(ctx.derive(f"[{n}] statements: in {money(b.total_in)}, "
                                        f"out {money(b.total_out)}, "
                                        f"{b.operations} operations, {b.distinct_payers} payers",
                                        [row]))
        if p.trace:
            for address, reason, amount, record_id in p.trace.endpoints[:4]:
                n, rec = ctx.cite(record_id)
                cited.append(rec)
                lines.append(ctx.derive(f"[{n}] money traced on to {address}: {reason}, "
                                        f"{money(amount)} {p.trace.token}", [record_id]))
    return "\n".join(lines), cited


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
    # Counts of the case as a whole: bound to no record, they may be said without a marker.
    lines = [ctx.derive(f"records: {', '.join(f'{n} {k}' for k, n in sorted(s.records.items()))}"),
             ctx.derive(f"accounts: "
                        f"{', '.join(f'{n} {k}' for k, n in sorted(s.accounts.items()))}"),
             ctx.derive(f"files: {len(s.files)}")]
    cited = []

    def cite(record_id: str) -> int:
        n, rec = ctx.cite(record_id)
        cited.append(rec)
        return n

    for shop in o.shops:
        if shop.record_id and shop.hands_out_payments:
            handed = ", ".join(f"{n} {k}" for k, n in sorted(shop.accounts.items()))
            lines.append(ctx.derive(f"[{cite(shop.record_id)}] shop {shop.name} ({shop.shop}) "
                                    f"handed out {handed}", [shop.record_id], [shop.name]))
    for d in o.top_droppers:
        got = f", received {money(d.received)} by statement" if d.received else ""
        lines.append(ctx.derive(f"[{cite(d.record_id)}] dropper {d.kind} {d.display}: handed "
                                f"out {d.handed_out} times by {', '.join(d.shops)}{got}",
                                [d.record_id]))
    if o.traced:
        lines.append(ctx.derive(f"traced {money(o.traced)} {o.token} forward from the shops' "
                                f"{len(o.shop_wallets)} wallets and the "
                                f"{len(o.collection_wallets)} they sweep into"))
    # Residue on layering hops is listed after the beneficiaries, never among them.
    for b in sorted(o.beneficiaries, key=lambda b: b.reason == "residue"):
        label = f" ({b.label})" if b.label else ""
        fact = f"{b.address}: {b.reason}{label}, {money(b.amount)} {o.token}"
        if not b.path:
            lines.append(ctx.derive(fact))
            continue
        hops = [cite(r) for r in b.path]
        ctx.derive(fact, b.path, [b.label.removeprefix("deposit address of ")] if b.label else [])
        lines.append(f"[{hops[-1]}] {fact}, path {' '.join(f'[{n}]' for n in hops)}")
    return "\n".join(lines), cited


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
        lines.append(ctx.derive(f"shop {d.name} ({d.shop}): "
                                f"{len({h.account_id for h in d.handed_out})} "
                                "payment details handed out", names=[d.name]))
        for h in d.handed_out[:12]:
            n, rec = ctx.cite(h.record_id)
            cited.append(rec)
            when = f"{h.seen_at:%Y-%m-%d}" if h.seen_at else ""
            lines.append(ctx.derive(f"[{n}] {h.kind} {h.display} handed out {when}",
                                    [h.record_id]))
    return "\n".join(lines) or f"no shop {shop} in the case", cited


AGENT_TOOLS = [trace_wallet, lookup_account, search_listings, shop_details, get_record,
               case_overview]
