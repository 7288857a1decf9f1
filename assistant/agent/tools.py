"""The agent's read-only tools: thin wrappers of the engine that put records on the ledger.

Each returns short text for the model, every fact prefixed by the [n] of its record, and the
records as the artifact. The case and store come from the runtime context, never from the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from langchain.tools import ToolRuntime, tool

from assistant.agent.ledger import Ledger
from tools.errors import RecordNotFoundError
from tools.lookup import lookup_account as lookup
from tools.overview import case_overview as overview
from tools.search.index import SearchFilters, SearchIndex
from tools.store import CaseStore
from tools.trace import TraceRequest, load_case_graph, trace
from tools.trace.starts import start_wallets

TRACE_WALLET = "trace_wallet"
LOOKUP_ACCOUNT = "lookup_account"
SEARCH_LISTINGS = "search_listings"
GET_RECORD = "get_record"
CASE_OVERVIEW = "case_overview"


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
        return self.ledger.add(record), record


Runtime = ToolRuntime[AgentContext]

_FAKE_MARKER = re.compile(r"\[(\d+)\]")
_MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")


def fence(evidence: str) -> str:
    """Record text as inert data: no citation markers of its own, no clickable markdown."""
    evidence = _MD_LINK.sub(lambda m: f"{m[1]} <{m[2]}>", evidence)
    return _FAKE_MARKER.sub(r"(\1)", evidence).replace("\n", " ")


@tool(TRACE_WALLET, response_format="content_and_artifact")
def trace_wallet(address: str, runtime: Runtime, direction: str = "forward") -> tuple[str, list]:
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
    lines = [f"traced {result.traced} {result.token} {result.request.direction} from {address}"]
    cited = []
    for ep in result.endpoints[:8]:
        if not ep.path:
            continue
        n, rec = ctx.cite(ep.path[-1].record_id)
        cited.append(rec)
        label = f" ({ep.label})" if ep.label else ""
        lines.append(f"[{n}] {ep.address}: {ep.reason}{label}, {ep.amount} {result.token}, "
                     f"{len(ep.path)} hops")
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
        lines.append(f"{p.kind} {p.display}: shops {', '.join(p.shops) or 'none'}")
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
                lines.append(f"[{n}] statements: in {b.total_in}, out {b.total_out}, "
                             f"{b.operations} operations, {b.distinct_payers} payers")
        if p.trace:
            for address, reason, amount, record_id in p.trace.endpoints[:4]:
                n, rec = ctx.cite(record_id)
                cited.append(rec)
                lines.append(f"[{n}] money traced on to {address}: {reason}, {amount} "
                             f"{p.trace.token}")
    return ctx.derive("\n".join(lines)), cited


@tool(SEARCH_LISTINGS, response_format="content_and_artifact")
def search_listings(query: str, runtime: Runtime, city: str | None = None,
                    drug: str | None = None) -> tuple[str, list]:
    """Search shop listings and messages (slang, RU/KK/EN). Use for "who sells X in Y"."""
    ctx = runtime.context
    if ctx.search is None:
        return "search is not available", []
    result = ctx.search.search(query, SearchFilters(city=city, drug=drug), k=8)
    lines, cited = [], []
    for h in result.hits:
        n, rec = ctx.cite(h.record_id)
        cited.append(rec)
        lines.append(f"[{n}] {h.record_id} ({', '.join(h.drugs + h.cities)}): "
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
        if shop.record_id and any(k != "bot" for k in shop.accounts):
            handed = ", ".join(f"{n} {k}" for k, n in sorted(shop.accounts.items()))
            lines.append(f"[{cite(shop.record_id)}] shop {shop.name} ({shop.shop}) "
                         f"handed out {handed}")
    for d in o.top_droppers:
        money = f", received {d.received} by statement" if d.received else ""
        lines.append(f"[{cite(d.record_id)}] dropper {d.kind} {d.display}: handed out "
                     f"{d.handed_out} times by {', '.join(d.shops)}{money}")
    if o.traced:
        lines.append(f"traced {o.traced} {o.token} forward from the shops' "
                     f"{len(o.shop_wallets)} wallets and the {len(o.collection_wallets)} "
                     "they sweep into")
    for b in o.beneficiaries:
        label = f" ({b.label})" if b.label else ""
        mark = f"[{cite(b.record_id)}] " if b.record_id else ""
        lines.append(f"{mark}{b.address}: {b.reason}{label}, {b.amount} {o.token}")
    return ctx.derive("\n".join(lines)), cited


AGENT_TOOLS = [trace_wallet, lookup_account, search_listings, get_record, case_overview]
