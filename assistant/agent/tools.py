"""The agent's read-only tools: thin wrappers of the engine that put records on the ledger.

Each returns short text for the model, every fact prefixed by the [n] of its record, and its
typed result (`ToolOutput`) as the artifact: programs read that, never the text. The case
and store come from the runtime context, never from the model.
"""

from __future__ import annotations

import inspect
import re
import typing
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any, Literal

from langchain.tools import ToolRuntime, tool
from pydantic import BaseModel, create_model
from sqlalchemy import select

from assistant.agent.asking_words import (
    CLAIM_ASKED,
    POSTS_ASKED,
    PRICE_ASKED,
    plain_letters,
    telling_words,
)
from assistant.agent.claims import ANY_MARKER, local_day
from assistant.agent.injections import instructions_asked, instructs_an_ai
from assistant.agent.ledger import Ledger
from assistant.agent.quantities import naming_quantities, quantities
from assistant.agent.understanding import recipient_named, recipients_of_details
from tools.bank_path import bank_path
from tools.errors import NoTransfersError, RecordNotFoundError
from tools.holders import asked_amounts, tenge_amounts
from tools.identifiers import parse_identifier
from tools.ingest.bank import statement_prefix
from tools.lookup import lookup_account as lookup
from tools.overview import CaseOverview, collector_of
from tools.overview import case_overview as overview
from tools.payments import extract_payment_details
from tools.people import find_person as people_named
from tools.people import fold, people_of_case, same_word
from tools.search.facets import read_query
from tools.search.index import Hit, SearchFilters, SearchIndex
from tools.search.text import analyse
from tools.shops import find_shops, shop_names
from tools.shops import shop_details as details_of_shop
from tools.store import CaseStore
from tools.store.identifiers import records_naming
from tools.store.overview import handed_out_account_ids
from tools.store.schema import records
from tools.store.search_docs import record_texts
from tools.store.shops import bots_of_chats
from tools.store.transfers import transfers_of_hashes
from tools.trace import CaseGraph, TraceRequest, load_case_graph, trace
from tools.trace.engine import trace_keeps
from tools.trace.graph import from_units
from tools.trace.models import Endpoint
from tools.trace.paths import money_path as path_between
from tools.trace.starts import WALLET_KINDS, start_wallets

TRACE_WALLET = "trace_wallet"
LOOKUP_ACCOUNT = "lookup_account"
SEARCH_LISTINGS = "search_listings"
# How many hits a search of one shop's offers looks through before keeping that shop's.
MAX_SHOP_SCANNED = 30
MAX_SWEEPS_LISTED = 5  # a shop wallet's transfers into its treasury, each stated
GET_RECORD = "get_record"
CASE_OVERVIEW = "case_overview"
SHOP_DETAILS = "shop_details"
MONEY_PATH = "money_path"
FIND_PERSON = "find_person"
DRAFT_LETTER = "draft_letter"


@dataclass
class AgentContext:
    case: str
    store: CaseStore
    search: SearchIndex | None = None
    ledger: Ledger = field(default_factory=Ledger)
    # Opens the case's index when a tool first searches: a question that only traces or
    # looks up never loads Chroma and the embedder (half a second of a cold `tergeu ask`).
    open_search: Callable[[], SearchIndex] | None = None
    # Other cases holding identifiers (`assistant.services.deconflict`, bound to the user and
    # case, audited): given ids, their hits; given None, the case's first shared ones.
    deconflict: Callable[[Sequence[str] | None], list[Any]] | None = None

    @cached_property
    def case_graph(self) -> CaseGraph:
        """The case's trace graph, brought up to date once for the question: its tools share
        it (a question about the shops' money calls a dozen). (Not a field: pydantic reads
        the fields of a tool's runtime context, and a graph holds a lock.)"""
        return load_case_graph(self.store, self.case)

    def derive(self, text: str, record_ids: Sequence[str] = (), names: Sequence[str] = (),
               anchors: Sequence[str] = (), subject: str = "") -> str:
        """`text` (returned as is) states facts the tool computed from exactly `record_ids`
        (cited already, the anchor last, or `anchors` among them — through one other than the
        last, a claim must name `subject`; none: from the case as a whole). See `Ledger`."""
        self.ledger.bind(text, record_ids, names, anchors, subject)
        return text

    def cite(self, record_id: str) -> tuple[int, Any]:
        return self.ledger.cite(self.store, self.case, record_id)

    def prefetch(self, record_ids: Sequence[str]) -> None:
        """The records a tool is about to cite, read in one go (`Ledger.prefetch`)."""
        self.ledger.prefetch(self.store, self.case, record_ids)


Runtime = ToolRuntime[AgentContext]


@dataclass
class ToolOutput:
    """A tool's typed result (the engine's own model) and the markers of the records it cited:
    what programs, the offline model among them, read instead of the text."""

    tool: str
    data: Any
    markers: dict[str, int] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # record id → its shop or chat name
    also_in: list[Any] = field(default_factory=list)  # deconfliction hits (IdentifierHits)
    # A deposit address → the exchange wallet it swept into and the sweep's record id.
    sweeps: dict[str, tuple[str, str]] = field(default_factory=dict)
    # A trace's first (forward) or last (backward) wallets → the sum of the transfers
    # between them and the start, and those transfers' record ids.
    # The start's direct counterparties: total, the transfers' ids and each one's amount.
    direct: dict[str, tuple[str, list[str], list[str]]] = field(default_factory=dict)
    # One message asked for: its record id → its whole text (collapsed, bounded).
    texts: dict[str, str] = field(default_factory=dict)
    # A bot asked about → the post naming it and the chat that posted it.
    bot_posts: dict[str, tuple[str, str]] = field(default_factory=dict)
    # A search hit → the posts naming the shop's bots its line states and its text does not.
    handle_posts: dict[str, list[str]] = field(default_factory=dict)
    # A transaction hash the query quotes → the transfer it names: its record id, sender,
    # recipient, amount and token.
    hashed: dict[str, tuple[str, str, str, str, str]] = field(default_factory=dict)
    # A search for recruiting: the roles it recruits for (`QueryFacets`: drops, couriers, …).
    roles: list[str] = field(default_factory=list)
    # A shop's chat → its message naming the bot asked about (the chat is the bot's).
    chat_posts: dict[str, str] = field(default_factory=dict)
    # A handed-out detail's message → the amount it asked for and its unit ("59.41", "USDT").
    asked: dict[str, tuple[str, str]] = field(default_factory=dict)
    # An account (its profile id) → the statement row cited for its holder.
    holder_rows: dict[str, str] = field(default_factory=dict)
    # A statement's first and last rows (its period): key → ((row, day), (row, day)).
    period_rows: dict[str, tuple[tuple[str, str], tuple[str, str]]] = field(
        default_factory=dict)
    # A cited transfer → its sender, recipient and amount (a wallet's largest transfers).
    parties: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    # A shop's wallet → the wallet it passed most of its money on to (the shop's treasury,
    # where its wallets' money collects) and the largest transfer between them.
    collectors: dict[str, tuple[str, str]] = field(default_factory=dict)
    # An account (its profile id) → the shop's message naming who receives the payment on
    # it ("Получатель: Нурбек А.", "8 747 … (Айдана К.)") and that name.
    recipients: dict[str, tuple[str, str]] = field(default_factory=dict)
    # A beneficiary of the case's money → all it received of that token (the transfers
    # into it), their count and the record ids of those transfers, largest first (all of
    # them when no more than MAX_DIRECT_TRANSFERS; else the sum is computed, not cited).
    received: dict[str, tuple[str, int, list[str]]] = field(default_factory=dict)
    # An exchange's deposit address → who paid into it (not the exchange's own wallets),
    # largest first: (sender, sum, its transfers' record ids, their count) as `received`.
    depositors: dict[str, list[tuple[str, str, list[str], int]]] = field(
        default_factory=dict)
    # The case's chats that are no shop's: (first message's record id, title, chat type).
    other_chats: list[tuple[str, str, str]] = field(default_factory=list)
    # A handed-out detail's message → each detail it gives (compacted) → whom the message
    # names as receiving on it ("Получатель: Ерлан Ж.", "Марат Т." under the card).
    receivers: dict[str, dict[str, str]] = field(default_factory=dict)
    # A statement (its profile id) and a counterparty's account → that party's few rows:
    # (record id, day, amount), to state when and how much each payment was.
    operations: dict[tuple[str, str], list[tuple[str, str, str]]] = field(
        default_factory=dict)
    # A bank path's accounts → their holders' names, as its statement rows write them.
    holders: dict[str, str] = field(default_factory=dict)
    # Those rows that are money into the statement's account (the rest left it).
    incoming_rows: set[str] = field(default_factory=set)
    # The statements' parties at the end of the tenge chain (received, paid nothing on) and
    # those named as exchangers (an OTC desk, a P2P seller of USDT): name, accounts, what they
    # received by the statements, a row to cite, and whether the name says exchanger.
    bank_ends: list[tuple[str, str, str, str, bool]] = field(default_factory=list)
    # A cited transfer → when it was made (ISO, UTC), to say when money reached an end.
    times: dict[str, str] = field(default_factory=dict)
    # The trace's endpoints the tool stated, their amounts bound to their paths: an end
    # beyond them whose last hop is cited on another's path is not to be stated by it.
    ends: set[str] = field(default_factory=set)
    # A shop's treasury → the wallets other shops handed out that pass their money on to it
    # too (what leaves it is not that shop's money alone), each with its largest transfer in.
    shared: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def cite(self, ctx: AgentContext, record_id: str) -> int:
        n, record = ctx.cite(record_id)
        self.markers[record_id] = n
        if record.kind == "transfer" and record.fields.get("time"):
            self.times[record_id] = str(record.fields["time"])
        return n

    def marker(self, record_id: str | None) -> str:
        n = self.markers.get(record_id or "")
        return f"[{n}]" if n else ""


def money(amount: str) -> str:
    """An amount as an answer states it: two decimals (the exact value stays in the API)."""
    return f"{Decimal(amount):.2f}"

_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}\b")
_MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")


_QUANTITY = re.compile(r"\d\s*(?:г|гр|g|шт|мл)(?![^\W\d_])", re.I)


def price_amounts(text: str) -> list[Decimal]:
    """The prices a post names: amounts in tenge on a line that also names a quantity
    ("Меф 1г — 18 000 ₸"), not any sum the text happens to mention."""
    return [a for line in text[:4000].splitlines() if _QUANTITY.search(line)
            for a in tenge_amounts(line)]


def fence(evidence: str) -> str:
    """Record text as inert data: no citation markers of its own, no clickable markdown."""
    evidence = _MD_LINK.sub(lambda m: f"{m[1]} <{m[2]}>", evidence)
    return ANY_MARKER.sub(r"(\1)", evidence).replace("\n", " ")


def also_in(ctx: AgentContext, out: ToolOutput, identifiers: Sequence[str] | None,
            lines: list[str]) -> None:
    """Other cases holding these identifiers: the case, whom to contact, how many records;
    never their content (a fact of the store as a whole, bound to no record)."""
    if ctx.deconflict is None:
        return
    out.also_in = ctx.deconflict(identifiers)
    for h in out.also_in:
        for o in h.also_in:
            lines.append(ctx.derive(f"{h.kind} {h.value}: also in case {fence(o.case)} "
                                    f"(contact: {fence(o.contact)}), {o.records} records",
                                    names=[o.case, o.contact]))


def case_tool(name: str) -> Callable[[Callable[..., Any]], Any]:
    """A tool of the agent named `name`, answering text and its `ToolOutput`. Its arguments'
    model is built from the function's signature without the runtime: langchain's own
    builds one with `ToolRuntime` in it first, which cost pydantic ≈ 0.1 s a tool at every
    process's start (a cold `tergeu ask` imports all of them); the runtime is injected by
    the signature all the same."""
    def wrap(func: Callable[..., Any]) -> Any:
        hints = typing.get_type_hints(func)
        fields: dict[str, Any] = {
            p.name: (hints[p.name], ... if p.default is p.empty else p.default)
            for p in inspect.signature(func).parameters.values()
            if typing.get_origin(hints[p.name]) is not ToolRuntime
            and hints[p.name] is not ToolRuntime}
        return tool(name, args_schema=create_model(name, **fields),
                    response_format="content_and_artifact")(func)
    return wrap


# The ends of a trace a tool states (largest first), each on its path.
MAX_ENDPOINTS = 8


@case_tool(TRACE_WALLET)
def trace_wallet(address: str, runtime: Runtime,
                 direction: Literal["forward", "backward"] = "forward"
                 ) -> tuple[str, ToolOutput]:
    """Follow money from a wallet (or a dropper's card/phone) forward to where it came to rest,
    or backward to where it came from. Use for "where did the money go / come from"."""
    ctx = runtime.context
    starts = start_wallets(ctx.store, ctx.case, [address])
    graph = ctx.case_graph
    out = ToolOutput(TRACE_WALLET, None)
    if not any(s in graph.graph for s in starts):
        return f"no transfers of {fence(address)} in the case", out
    result = trace(graph, TraceRequest(addresses=starts, direction=direction))
    out.data = result
    token = fence(result.token)
    lines = [ctx.derive(f"traced {money(result.traced)} {token} "
                        f"{result.request.direction} from {fence(address)}")]
    stated = [e for e in result.endpoints if e.path][:MAX_ENDPOINTS]
    ctx.prefetch([h.record_id for e in stated for h in e.path])
    # Residue on layering hops is listed after the endpoints, never among them.
    deposits: dict[str, tuple[list[str], str, list[str]]] = {}
    for ep in sorted(stated, key=lambda e: e.reason == "residue"):
        line, fact, names = _endpoint_line(ctx, out, ep, token, result.request.direction)
        lines.append(line)
        out.ends.add(ep.address)
        if ep.reason in ("exchange", "exchange_deposit"):
            # A deposit address (tagged as the exchange's or found by its sweeps): where the
            # exchange moved the money on is its own wallet.
            deposits.setdefault(ep.address, ([h.record_id for h in ep.path], fact, names))
    lines += _direct_lines(ctx, out, graph, starts, result)
    exchanges = exchange_total(result.endpoints)
    if exchanges:
        lines.append(ctx.derive(f"to exchanges in all: "
                                f"{money(str(exchanges))} {token}"))
    lines += _sweep_lines(ctx, out, graph, deposits, result.token)
    also_in(ctx, out, [address, *(e.address for e in stated)], lines)
    return "\n".join(lines), out


MAX_DIRECT_TRANSFERS = 6
MAX_DIRECT_PARTIES = 8


def _direct_lines(ctx: AgentContext, out: ToolOutput, cg: Any, starts: Sequence[str],
                  result: Any) -> list[str]:
    """The wallets the start paid directly (forward) or was paid by directly (backward), the
    largest first: every counterparty of its first hop, not only those on the listed endpoints'
    paths (a chain hop that also pays a beneficiary directly, a fourth recipient beyond the
    listed ends). What the transfers between them and the start add up to, each transfer cited
    (the sum is theirs; any one of them may be cited for it). The trace's own filters hold:
    its token, its dates and least amount, no probable address poisoning."""
    g = cg.graph
    backward = result.request.direction == "backward"
    traced = trace_keeps(cg, result.request, result.token)

    def kept(m: Any, sender: str) -> bool:
        return m.units > 0 and traced(m, sender)  # (a transfer of nothing moved no money)

    by_other: dict[str, list[Any]] = {}
    for s in starts:
        for other, data in (g.pred[s] if backward else g.succ[s]).items():
            if other not in starts:
                by_other.setdefault(other, []).extend(
                    m for m in data["m"] if kept(m, other if backward else s))
    largest = sorted(((sum(m.units for m in ms), o, ms) for o, ms in by_other.items() if ms),
                     key=lambda t: (-t[0], t[1]))[:MAX_DIRECT_PARTIES]
    ranked = [(other, sorted(moves, key=lambda m: m.units, reverse=True)[:MAX_DIRECT_TRANSFERS])
              for _, other, moves in largest]
    ctx.prefetch([m.record_id for _, moves in ranked for m in moves])
    lines = []
    for other, moves in ranked:
        total = sum((from_units(m.units) for m in moves), Decimal(0))
        ids = [m.record_id for m in moves]
        marks = "".join(f"[{out.cite(ctx, r)}]" for r in ids)
        each = [str(from_units(m.units)) for m in moves]
        out.direct[other] = (str(total), ids, each)
        parts = f" ({', '.join(money(a) for a in each)})" if 1 < len(each) <= 4 else ""
        lines.append(marks + ctx.derive(
            f" {'from' if backward else 'to'} {other} directly: {money(str(total))} "
            f"{fence(result.token)} in {len(ids)} transfers{parts}", ids, anchors=ids))
    return lines


MAX_DEPOSITORS = 3


def _received_lines(ctx: AgentContext, out: ToolOutput, graph: Any, address: str, token: str
                    ) -> list[str]:
    """All a beneficiary received of the token (what rests there is that less what it sent
    on): the sum of the transfers into it, bound to each of them (the largest few of many)."""
    moves = [m for _, d in graph.graph.pred[address].items() for m in d["m"]
             if m.token == token]
    if not moves:
        return []
    total = sum((from_units(m.units) for m in moves), Decimal(0))
    ids = _summed(moves)
    out.received[address] = (str(total), len(moves), ids)
    said = f"{address} received {money(str(total))} {fence(token)} in all, in {len(moves)} " \
           "transfers"
    return [_sum_line(ctx, out, ids, len(moves), said, said)]


def _summed(moves: Sequence[Any]) -> list[str]:
    """The record ids of the transfers a sum adds up, largest first: all of them, or the
    largest MAX_DIRECT_TRANSFERS of more (the sum then stated as computed)."""
    largest = sorted(moves, key=lambda m: m.units, reverse=True)
    return list(dict.fromkeys(m.record_id for m in largest))[:MAX_DIRECT_TRANSFERS]


def _sum_line(ctx: AgentContext, out: ToolOutput, ids: list[str], count: int, said: str,
              computed: str) -> str:
    """The line of a sum over `count` transfers, marked and bound to those cited (`ids`,
    `_summed`); of more transfers than are cited, `computed` is also claimed as computed
    from the case as a whole."""
    if count > len(ids):
        ctx.derive(computed)
    ctx.prefetch(ids)
    marks = "".join(f"[{out.cite(ctx, r)}]" for r in ids)
    return f"{marks} " + ctx.derive(said, ids, anchors=ids)


def _sweep_lines(ctx: AgentContext, out: ToolOutput, graph: Any,
                 deposits: dict[str, tuple[list[str], str, list[str]]], token: str) -> list[str]:
    """Where each deposit address (→ its path's records, its endpoint fact and names) swept
    the money of `token` (the trace's): the exchange's own wallet, cited by the largest
    sweep; who paid that token in, each in all. The endpoint's fact is
    anchored at the sweep too: the transfer that shows the money reached the exchange is
    what a question about exchanges cites."""
    g = graph.graph
    lines = []
    for deposit, (path, fact, names) in deposits.items():
        moves = [(v, m) for v, d in g.succ[deposit].items() for m in d["m"]
                 if g.nodes[v].get("category") == "exchange" and _of_token(m, token)]
        if not moves:
            continue
        wallet, move = max(moves, key=lambda vm: vm[1].units)
        n = out.cite(ctx, move.record_id)
        out.sweeps[deposit] = (wallet, move.record_id)
        paid_in = [(u, ms) for u, d in g.pred[deposit].items()
                   if g.nodes[u].get("category") != "exchange" and
                   (ms := [m for m in d["m"] if _of_token(m, token)])]
        out.depositors[deposit] = sorted(
            ((u, str(sum((from_units(m.units) for m in ms), Decimal(0))), _summed(ms), len(ms))
             for u, ms in paid_in),
            key=lambda t: Decimal(t[1]), reverse=True)[:MAX_DEPOSITORS]
        unit = f" {fence(token)}" if token else ""
        for sender, total, ids, count in out.depositors[deposit]:
            lines.append(_sum_line(
                ctx, out, ids, count,
                f"{sender} paid {money(total)}{unit} into the deposit address {deposit}",
                f"{sender} paid {money(total)}{unit} into {deposit} in {count} transfers"))
        lines.append(ctx.derive(f"[{n}] {deposit} swept into the exchange wallet {wallet}",
                                [move.record_id]))
        ctx.derive(f"{fact}; swept into the exchange wallet {wallet}",
                   [*path, move.record_id], names, anchors=[move.record_id], subject=deposit)
    return lines


def _of_token(move: Any, token: str) -> bool:
    """Whether `move` is of `token` (any move when no token is known)."""
    return not token or move.token == token


def _endpoint_line(ctx: AgentContext, out: ToolOutput, ep: Endpoint, token: str,
                   direction: str = "forward") -> tuple[str, str, list[str]]:
    """An endpoint, its marker first (the transfer that brought the money), then the hops of
    its path with theirs; its amount, hop count and the wallets between bound to exactly that
    path, anchored at both ends (the wallet asked about and the endpoint). Returns the line,
    the bound fact and the names it holds."""
    hops = [out.cite(ctx, hop.record_id) for hop in ep.path]
    label = f" ({fence(ep.label)})" if ep.label else ""
    names = [ep.label.removeprefix("deposit address of ")] if ep.label else []
    fact = f"{ep.address}: {ep.reason}{label}, {money(ep.amount)} {token}, {len(ep.path)} hops"
    # The wallets between the start and the endpoint, from the start: forward the money
    # arrived at them, backward it left them.
    between = [h.from_address if direction == "backward" else h.to_address
               for h in ep.path[:-1]]
    bound = fact + (f", via {' -> '.join(between)}" if between else "")
    ids = [h.record_id for h in ep.path]
    ctx.derive(bound, ids, names, anchors=[ids[0], ids[-1]], subject=ep.address)
    return f"[{hops[-1]}] {fact}, path {' '.join(f'[{n}]' for n in hops)}", bound, names


def exchange_total(endpoints: Sequence[Any]) -> Decimal:
    """Traced money that came to rest at exchanges or their deposit addresses."""
    return sum((Decimal(e.amount) for e in endpoints
                if e.reason in ("exchange", "exchange_deposit")), Decimal(0))


# The fields of the engine's results that hold the records to cite.
_RECORD_FIELDS = frozenset({"record_id", "record_ids", "path", "records_by_shop"})


def _record_ids_in(value: Any, depth: int = 0) -> list[str]:
    """The record ids a result of the engine holds in its fields of `_RECORD_FIELDS`, at
    any depth of its models, lists and dicts (what a tool rendering it will cite)."""
    out: list[str] = []
    if depth > 8:
        return out
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            item = getattr(value, name)
            if name in _RECORD_FIELDS:
                values = item.values() if isinstance(item, dict) else (
                    item if isinstance(item, list) else [item])
                out += [v for v in values if isinstance(v, str)]
            else:
                out += _record_ids_in(item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            out += _record_ids_in(item, depth + 1)
    elif isinstance(value, dict):
        for item in value.values():
            out += _record_ids_in(item, depth + 1)
    return out


def hand_outs(seen: Sequence[Any]) -> list[Any]:
    """The sightings of a detail by shops among `seen`: a post and the market listing made of
    it are one hand-out."""
    return list({s.record_id.removeprefix("listing:"): s for s in seen if s.shop}.values())


@case_tool(MONEY_PATH)
def money_path(source: str, target: str, runtime: Runtime) -> tuple[str, ToolOutput]:
    """The chain of transfers from one address to another, each hop cited, and how much of
    the source's money reached the target. Use for "path from A to B", "how much of A got to B"."""
    ctx = runtime.context
    if parse_identifier(source).kind == "iban" and parse_identifier(target).kind == "iban":
        return _bank_path(ctx, parse_identifier(source).value, parse_identifier(target).value)
    graph = ctx.case_graph
    result = path_between(graph, source, target)
    out = ToolOutput(MONEY_PATH, result)
    if not result.hops:
        return (f"no chain of transfers from {fence(source)} to {fence(target)} in the case",
                out)
    ctx.prefetch([h.record_id for route in (result.hops, *result.other_routes)
                  for h in route])
    lines = []
    for h in result.hops:
        n = out.cite(ctx, h.record_id)
        when = f"{h.time:%Y-%m-%d %H:%M}" if h.time else ""
        lines.append(f"[{n}] {h.from_address} -> {h.to_address}: {money(h.amount)} "
                     f"{fence(result.token)} {when}")
    # The wallets between, bound to the hops and anchored at the one that reached the target:
    # "how much of A reached B" cites that transfer, not every hop.
    between = " -> ".join(h.to_address for h in result.hops[:-1])
    lines.insert(0, ctx.derive(f"path from {source} to {target}: {len(result.hops)} transfers"
                               + (f", via {between}" if between else ""),
                               [h.record_id for h in result.hops]))
    for route in result.other_routes:
        # Another way the source's money took to the target (it split on the way): each hop
        # cited, the route bound to them.
        marks = [out.cite(ctx, h.record_id) for h in route]
        lines.append(ctx.derive(
            f"{''.join(f'[{n}]' for n in marks)} also {source} -> "
            + " -> ".join(f"{h.to_address} ({money(h.amount)})" for h in route),
            [h.record_id for h in route]))
    if result.reached is not None:
        # What the trace allots to the target: a computed figure of the case as a whole.
        lines.append(ctx.derive(f"traced money of {source} that reached {target}: "
                                f"{money(result.reached)} {fence(result.token)}"))
    return "\n".join(lines), out


def _bank_path(ctx: AgentContext, source: str, target: str) -> tuple[str, ToolOutput]:
    """Between two accounts: the statements' payments from each account to the next, each
    hop's total bound to its rows."""
    result = bank_path(ctx.store, ctx.case, source, target)
    out = ToolOutput(MONEY_PATH, result)
    if not result.hops:
        return (f"no chain of statement payments from {fence(source)} to {fence(target)} "
                f"in the case", out)
    lines = []
    for h, rows in zip(result.hops, result.rows, strict=True):
        payments = []
        for r in rows:
            n, rec = ctx.cite(r)
            out.markers[r] = n
            day = str(rec.fields.get("date") or "")[:16].replace("T", " ")
            payments.append((r, day, str(rec.fields.get("amount") or "")))
            for side in ("payer", "payee"):
                account, name = rec.fields.get(f"{side}_account"), rec.fields.get(f"{side}_name")
                if account and name:
                    out.holders.setdefault(str(account), str(name))
        if len(rows) > 1:
            # Each payment of the hop, to say which transfers carried the money.
            out.operations[(h.from_address, h.to_address)] = payments
            for r, day, amount in payments:
                # The row's own fields are evidence: fenced, bound to that row.
                lines.append(ctx.derive(f"[{out.markers[r]}] {h.from_address} -> "
                                        f"{h.to_address}: {money(amount)} KZT {fence(day)}",
                                        [r]))
        when = f"{h.time:%Y-%m-%d %H:%M}" if h.time else ""
        lines.append(ctx.derive(f"[{out.markers[h.record_id]}] {h.from_address} -> "
                                f"{h.to_address}: {money(h.amount)} KZT {when}, "
                                f"{len(rows)} payments", rows))
    routes = f", {result.routes} routes" if result.routes > 1 else ""
    lines.insert(0, ctx.derive(f"path from {source} to {target}: "
                               f"{len(result.hops) // result.routes} hops{routes}",
                               [h.record_id for h in result.hops]))
    return "\n".join(lines), out


@case_tool(LOOKUP_ACCOUNT)
def lookup_account(identifier: str, runtime: Runtime, each_payment: bool = False,
                   month: str | None = None, days: str | None = None) -> tuple[str, ToolOutput]:
    """What the case holds on a card (or masked card), IBAN, phone, wallet, bot or ИИН: shops
    that handed it out, messages, statement activity, linked wallets. `each_payment`: also
    each payment (day, sum) with a statement's counterparties of few operations, for "when"
    and "which payments" questions. `month` ("2025-01", or "01" of any year): a statement's
    activity of that month only ("обороты за октябрь"). `days` ("09-01..09-15", month-day to
    month-day): a statement's activity of those days only ("1-15 сентября")."""
    ctx = runtime.context
    result = lookup(ctx.store, ctx.case, identifier, ctx.case_graph,
                    month=month, days=days)
    out = ToolOutput(LOOKUP_ACCOUNT, result)
    if result.error:
        return f"{fence(identifier)}: {result.error}", out
    if not result.matches:
        return f"{result.kind} {fence(result.value)}: valid, not in the case", out
    lines: list[str] = []
    ctx.prefetch([s.record_id for p in result.matches[:5] for s in p.seen_in[:5]])
    for p in result.matches[:5]:
        shops = sorted({fence(s.shop_name or s.shop) for s in p.seen_in if s.shop})
        head = len(lines)
        for s in p.seen_in[:5]:
            n, rec = ctx.cite(s.record_id)
            out.markers[s.record_id] = n
            if rec.kind in ("message", "listing") and rec.fields.get("text"):
                # What the message says: who the detail is, when no statement says it.
                out.texts[s.record_id] = " ".join(str(rec.fields["text"]).split()
                                                  )[:MAX_MESSAGE_CHARS]
            named = recipient_named(str(rec.fields.get("text") or "")) \
                if rec.kind == "message" else None
            if named and p.id not in out.recipients:
                out.recipients[p.id] = (s.record_id, named)
                lines.append(ctx.derive(f"[{n}] the message names the recipient "
                                        f"{fence(named)}", [s.record_id]))
            when = f"{s.seen_at:%Y-%m-%d}" if s.seen_at else ""
            lines.append(ctx.derive(f"[{n}] seen {when} in {fence(s.record_id)} "
                                    f"({fence(s.shop_name or s.kind)})", [s.record_id]))
        lines.insert(head, ctx.derive(
            f"{p.kind} {fence(p.display)}: shops {', '.join(shops) or 'none'}",
            [s.record_id for s in p.seen_in[:5]]))
        # How many times shops handed it out: all its sightings counted, the first cited.
        handed = [s.record_id for s in hand_outs(p.seen_in[:5])]
        if handed:
            lines.append(ctx.derive(f"{p.kind} {fence(p.display)}: handed out by shops "
                                    f"{len(hand_outs(p.seen_in))} times", handed))
        if p.info.get("name") and p.seen_in:
            lines.append(ctx.derive(f"{p.kind} {fence(p.display)}: name "
                                    f"{fence(str(p.info['name']))}", [p.seen_in[0].record_id]))
        named_by = _shops_of_messages(ctx, [m.message_id for m in p.paid_in[:3] + p.paid_for[:3]])
        out.labels.update(named_by)
        for match in p.paid_in[:3]:
            # One claim per record: what the message asked, then the row that paid it (its
            # delay is derived from both, the row the anchor).
            asked, paid = out.cite(ctx, match.message_id), out.cite(ctx, match.row_id)
            holder = f" ({fence(match.holder)})" if match.holder else ""
            lines.append(ctx.derive(f"[{asked}] asked {money(match.asked)} KZT with it",
                                    [match.message_id]))
            lines.append(ctx.derive(
                f"[{paid}] {money(match.asked)} KZT came into {match.iban}{holder} "
                f"{minutes_between(match.asked_at, match.paid_at)} min later",
                [match.message_id, match.row_id], [match.holder] if match.holder else []))
        if p.statements and not _paid_in_only(p):
            lines.append(ctx.derive(f"statement of {', '.join(p.statements)} names this card"))
        for iban, held in p.accounts_held[:3]:
            lines.append(ctx.derive(f"[{out.cite(ctx, held)}] holds account {iban}", [held]))
        for match in p.paid_for[:3]:
            asked, paid = out.cite(ctx, match.message_id), out.cite(ctx, match.row_id)
            shop = named_by.get(match.message_id)
            lines.append(ctx.derive(f"[{asked}] a shop{f' ({fence(shop)})' if shop else ''} "
                                    f"handed out {match.account.split(':', 1)[-1]} asking "
                                    f"{money(match.asked)} KZT", [match.message_id],
                                    [shop] if shop else []))
            lines.append(ctx.derive(
                f"[{paid}] {money(match.asked)} KZT came in "
                f"{minutes_between(match.asked_at, match.paid_at)} min later",
                [match.message_id, match.row_id]))
        if p.title_cards and p.bank and p.bank.counterparties:
            first = p.bank.counterparties[0].records[0]
            lines.append(ctx.derive(f"[{out.cite(ctx, first)}] the statement's title names "
                                    f"the handed-out card {', '.join(p.title_cards)}", [first]))
        if p.bank:
            _bank_lines(ctx, out, p.display, p.bank, lines,
                        [m.row_id for m in p.paid_in], key=p.id, dated=each_payment)
        if p.flows:
            f = p.flows
            if f.tag and f.tag_record:
                lines.append(f"[{out.cite(ctx, f.tag_record)}] tag {fence(f.tag)} "
                             f"({fence(f.tag_category or '')})")
            rows = f.largest_in[:1] + f.largest_out[:1]
            marks = ""
            for r in rows:
                n, rec = ctx.cite(r)
                out.markers[r] = n
                marks += f"[{n}]"
                out.parties[r] = (str(rec.fields.get("from", "")), str(rec.fields.get("to", "")),
                                  str(rec.fields.get("amount", "")))
            lines.append(marks + ctx.derive(f" {fence(f.token)}: received {money(f.received)} "
                                            f"in {f.transfers_in} transfers, sent "
                                            f"{money(f.sent)} in {f.transfers_out} transfers, "
                                            f"net {money(f.balance)}", rows))
            # Its direct counterparties each way: what a wallet's statement lists.
            for side, parties in (("from", f.senders[:5]), ("to", f.recipients)):
                for party in parties:
                    n = out.cite(ctx, party.record_id)
                    lines.append(ctx.derive(
                        f"[{n}] {side} {fence(party.address)}: {money(party.amount)} "
                        f"{fence(f.token)} in {party.transfers} transfers", [party.record_id]))
        for fed in p.fed_by[:4]:
            n = out.cite(ctx, fed.record_id)
            lines.append(ctx.derive(f"[{n}] receives from {fed.wallet}, a wallet the shop "
                                    f"{fence(fed.shop)} handed out", [fed.record_id],
                                    [fed.shop]))
        if p.trace:
            for address, reason, amount, record_id in p.trace.endpoints[:4]:
                n = out.cite(ctx, record_id)
                lines.append(ctx.derive(f"[{n}] money traced on to {fence(address)}: {reason}, "
                                        f"{money(amount)} {fence(p.trace.token)}", [record_id]))
    also_in(ctx, out, [p.id for p in result.matches[:5]], lines)
    return "\n".join(lines), out


def _shops_of_messages(ctx: AgentContext, message_ids: Sequence[str]) -> dict[str, str]:
    """The shop each message's chat belongs to (a bot chat "Вилли Вонка 🍫" is the shop
    "Шоколадная Фабрика"), by its name: message id → shop name."""
    if not any(m.startswith("tg:") for m in message_ids):
        return {}
    with ctx.store.engine.connect() as conn:
        names = shop_names(conn, ctx.case)
    return {m: names[chat] for m in message_ids
            if m.startswith("tg:") and (chat := m.rsplit("/", 1)[0]) in names}


def _names_holder(ctx: AgentContext, record_id: str, b: Any) -> bool:
    """Whether a statement row names the statement's holder (and their ИИН, when known)."""
    n = ctx.ledger.by_id.get(record_id)
    if n is None:
        return False
    text = " ".join(str(v) for v in ctx.ledger.records[n].fields.values())
    return bool(b.holder_name) and b.holder_name in text and (
        not b.holder_iin or b.holder_iin in text)


def minutes_between(start: Any, end: Any) -> int:
    return max(0, round((end - start).total_seconds() / 60))


def _paid_in_only(profile: Any) -> bool:
    """The profile's statement came from a matched payment, not from a title naming it."""
    return bool(profile.paid_in) and set(profile.statements) <= {m.iban for m in profile.paid_in}


def _bank_lines(ctx: AgentContext, out: ToolOutput, display: str, b: Any,
                lines: list[str], rows_cited: Sequence[str] = (), key: str = "",
                dated: bool = False) -> None:
    """A statement's totals and counterparties, each bound to the row it is printed beside;
    the holder by a row already cited (`rows_cited`: the payment that linked a card to the
    statement) when that row names them, so the answer cites one row for both."""
    row = b.counterparties[0].records[0] if b.counterparties else None
    if not row:
        return
    # Every counterparty's first row is cited below (each party's rows when `dated`).
    ctx.prefetch([row, *(r for r in (b.first_row, b.last_row) if r), *rows_cited,
                  *(r for c in b.counterparties for r in (c.records if dated else c.records[:1]))])
    n = out.cite(ctx, row)
    net = money(str(Decimal(b.total_in) - Decimal(b.total_out)))
    # (A span of days as the answer writes it, "01.09–15.09": its days are the derivation's.)
    period = f" of {b.period}" if b.period and ".." not in b.period else \
        " of " + "–".join(".".join(end.split("-")[::-1]) for end in b.period.split("..")) \
        if b.period else ""
    lines.append(ctx.derive(f"[{n}] statements{period}: in {money(b.total_in)} ({b.incoming} "
                            f"operations), out {money(b.total_out)} ({b.outgoing} operations), "
                            f"net {net}, {b.operations} operations, {b.distinct_payers} payers",
                            [row]))
    if b.first_row and b.last_row and not b.period:
        # The period the statement covers: its first and last rows, each stating its day.
        ends = []
        for r in (b.first_row, b.last_row):
            out.markers[r], rec = ctx.cite(r)
            written = rec.fields.get("date")
            ends.append((r, local_day(written) or str(written or "")[:10]))
        if all(day for _, day in ends):
            out.period_rows[key] = (ends[0], ends[1])
            # A line a claim each (a marker dropped leaves its day uncited, not borrowed from
            # the other's row); one row is cited once.
            (first, first_day), (last, last_day) = ends
            if first == last:
                lines.append(ctx.derive(f"[{out.markers[first]}] first and last operation "
                                        f"{first_day}", [first]))
            else:
                lines.append(ctx.derive(f"[{out.markers[first]}] first operation {first_day}",
                                        [first]))
                lines.append(ctx.derive(f"[{out.markers[last]}] last operation {last_day}",
                                        [last]))
    holder_row = next((r for r in rows_cited if _names_holder(ctx, r, b)), row)
    h = out.cite(ctx, holder_row)
    out.holder_rows[key] = holder_row
    if b.holder_name:
        lines.append(ctx.derive(f"[{h}] {fence(display)}: holder {fence(b.holder_name)}",
                                [holder_row], [b.holder_name]))
    if b.holder_iin:
        lines.append(ctx.derive(f"[{h}] holder's ИИН {b.holder_iin}", [holder_row]))
    # One name written for several counterparty accounts ("Сейткали А." paying from two):
    # what that party paid and received over all of them, bound to each account's first row.
    by_name: dict[str, list[Any]] = {}
    for c in b.counterparties:
        if c.name:
            by_name.setdefault(" ".join(c.name.casefold().split()), []).append(c)
    for group in by_name.values():
        if len(group) > 1:
            rows = [c.records[0] for c in group]
            for r in rows:
                out.cite(ctx, r)
            lines.append(ctx.derive(
                f"{fence(group[0].name)} over {len(group)} accounts: received from "
                f"{money(str(sum(Decimal(c.received_from) for c in group)))}, sent to "
                f"{money(str(sum(Decimal(c.sent_to) for c in group)))}", rows))
    # Every counterparty kept (whom several accounts share is read from them), largest first.
    for c in b.counterparties:
        first = c.records[0]
        m = out.cite(ctx, first)
        name = f" {fence(c.name)}" if c.name else ""
        lines.append(ctx.derive(f"[{m}] counterparty {c.account}{name}: received from "
                                f"{money(c.received_from)}, sent to {money(c.sent_to)}, "
                                f"{c.operations} operations", [first]))
        if dated:
            # A party's payments, each by its row (the first three the statement reading
            # keeps): when and how much ("и когда?").
            for r in c.records:
                out.markers[r], rec = ctx.cite(r)
                day = str(rec.fields.get("date") or "")[:10]
                amount = str(rec.fields.get("amount") or "")
                if day and amount:
                    # The row states both itself: the answer cites it for its day and sum.
                    out.operations.setdefault((key, c.account), []).append((r, day, amount))
                    # Into this account when the party paid it (a row of the party's own
                    # statement says "out" of it).
                    if str(rec.fields.get("payer_account") or "").replace(" ", "") == \
                            c.account:
                        out.incoming_rows.add(r)
                    lines.append(ctx.derive(
                        f"[{out.markers[r]}] {day}: {money(amount)} "
                        f"{'from' if rec.fields.get('direction') == 'in' else 'to'} "
                        f"{c.account}", [r]))


@case_tool(FIND_PERSON)
def find_person(name: str, runtime: Runtime) -> tuple[str, ToolOutput]:
    """A person named in the case's bank statements (payer or payee), by name in any case
    ending or word order: their accounts, ИИН, and what they paid and received."""
    ctx = runtime.context
    found = people_named(ctx.store, ctx.case, name)
    out = ToolOutput(FIND_PERSON, found)
    lines = []
    for p in found[:5]:
        holders = p.holders()
        if p.abbreviated and len(p.accounts) > 1 and not p.own_accounts:
            # A surname with initials written for several accounts, none a statement's holder:
            # whose each is, by the ИИН beside it where the statements give one.
            rows = [p.row_of[accounts[0]] for _, accounts in holders]
            for row in rows:
                out.markers[row] = out.cite(ctx, row)
            lines.append("".join(f"[{out.markers[r]}]" for r in rows) + " " + ctx.derive(
                f"{fence(p.name)} is written for {len(p.accounts)} accounts; "
                f"{len([i for i, _ in holders if i])} different ИИН among them", rows, [p.name]))
            for iin, accounts in holders:
                row = p.row_of[accounts[0]]
                lines.append(f"[{out.markers[row]}] " + ctx.derive(
                    f"{fence(p.name)} written for {', '.join(accounts)}; ИИН {iin or 'not given'}",
                    [row], [p.name]))
            continue
        # A row of the person's first account's own statement: what an answer about them
        # goes on to read (their account), not a row of someone else's they appear in.
        own = [r for r in p.records
               if p.accounts and r.startswith(statement_prefix(p.accounts[0]))]
        rows = own[:1] or p.records[:1]
        mark = f"[{out.cite(ctx, rows[0])}] " if rows else ""
        lines.append(mark + ctx.derive(
            f"person {fence(p.name)}: accounts {', '.join(p.accounts) or 'none'}; "
            f"ИИН {', '.join(p.iins) or 'none'}; paid {money(p.paid)}, "
            f"received {money(p.received)}", rows, [p.name]))
    return "\n".join(lines) or f"no person named {fence(name)} in the case", out


@case_tool(SEARCH_LISTINGS)
def search_listings(query: str, runtime: Runtime, city: str | None = None,
                    drug: str | None = None, listings_only: bool = False,
                    one_message: bool = False, shop: str | None = None,
                    prices: bool = False, alike: bool = False, replies: bool = False
                    ) -> tuple[str, ToolOutput]:
    """Search shop listings and chat messages (slang, emoji code, RU/KK/EN); `listings_only`
    for "who sells X in Y"; `one_message` to find a particular chat message whoever wrote it
    ("the message where the buyer sent the hash"), in the chats of `shop` (a shop's name or
    @bot) when given, with every message saying the same (`alike`: "the messages saying the
    card changes daily") and the answer to it (`replies`: "and what the bot replied");
    without it, `shop` keeps that shop's offers (its chats, the ads naming its bots: "what
    does X charge for …"); `prices` shows each offer's lines naming its prices
    (of `drug` when given: "почём меф", "price of hash at X"); `city` and `drug` (lexicon
    names, e.g. cannabis) filter. Otherwise offers, recruiting and payment details of shops
    come first; each hit names what of the query it matched, and a channel post cites its
    listing too."""
    ctx = runtime.context
    out = ToolOutput(SEARCH_LISTINGS, None)
    if ctx.search is None and ctx.open_search is not None:
        ctx.search = ctx.open_search()
    if ctx.search is None:
        return "search is not available", out
    filters = SearchFilters(city=city, drug=drug, kind="listing" if listings_only
                            else "message" if one_message else None)
    of_shop = bool(shop) and not one_message
    result = ctx.search.search(query, filters, k=MAX_SHOP_SCANNED if of_shop else 8,
                               offers_first=not one_message)
    bots, names, owners = _shop_directory(ctx)
    if one_message:
        result.hits[:0] = _quoting_messages(ctx, query, result.hits)
        result.hits = _asked_messages(ctx, query, result.hits, shop)
        if result.hits and (alike or replies or "?" in result.hits[0].passage):
            # (A message asking something: its answer beside it, "МОЛНИЯ в шыме работает?".)
            result.hits = _alike_and_replies(ctx, result.hits, alike,
                                             replies or "?" in result.hits[0].passage)
    elif not shop and instructions_asked(query):
        # "posts trying to instruct an AI assistant": every text speaking to one, which a
        # search by meaning ranks beside the shop's other posts.
        result.hits[:0] = _instructing_texts(ctx, result.hits)
    elif not shop and (PAY_PERIOD_SUM.search(query) or quantities(query) - {1}):
        # "где предлагали 300 000 ₸ в неделю": the posts naming that sum, however spaced and
        # in whatever language they are written, when the search ranked none.
        result.hits[:0] = _quoting_messages(ctx, query, result.hits)
    if not one_message and shop:
        # Of one shop ("what does X charge for …"): its chats' texts and the ads naming its
        # bots, wherever posted.
        result.hits = _of_shop(ctx, shop, result.hits, bots)[:8]
    elif not one_message and listings_only and "purpose:sale" in result.facets and \
            not (POSTS_ASKED.search(query) and result.hits):
        # Who sells: the shops whose bots' menus offer it and no post shows. (Posts or ads
        # asked, "посты про скидки на амф": the channels' posts found, not a bot's menu.)
        # (A price asked: the menus of the shops whose posts name none, too.)
        result.hits += _menus_of_other_shops(ctx, query, city, drug, result.hits, names,
                                             owners, prices and bool(PRICE_ASKED.search(query)))
    out.data = result
    if "purpose:recruit" in result.facets:
        # Whom the query recruits (droppers, couriers, …): the roles a post must offer.
        wanted = read_query(analyse(query))
        out.roles = sorted(wanted.jobs | ({"drops"} if wanted.drops else set()))
    lines = []
    stored = _texts_of(ctx, [h.record_id for h in result.hits]) if prices else {}
    # Each hit's text (case-folded) and the bots its line states that the text does not name.
    texts: dict[str, str] = {}
    wanting: dict[str, list[str]] = {}
    ctx.prefetch([rid for h in result.hits for rid in (h.record_id, *h.record_ids)])
    for h in result.hits:
        n, rec = ctx.cite(h.record_id)
        out.markers[h.record_id] = n
        # A post and its listing (a text posted again) are one hit: every record is cited.
        marks = [n] + [out.cite(ctx, rid) for rid in h.record_ids if rid != h.record_id]
        matched = [f for f in h.facets if ":" in f]
        for m in marks:
            ctx.ledger.facets[m] = matched
        shop = chat = str(rec.fields.get("chat_name") or rec.fields.get("vendor") or "")
        text = str(rec.fields.get("text") or "")
        if one_message:
            # The message asked for, whole: the detail asked about may sit on another line.
            out.texts[h.record_id] = " ".join(text.split())[:MAX_MESSAGE_CHARS]
        elif prices and (priced := _priced_lines(stored.get(h.record_id, ""), drug)):
            out.texts[h.record_id] = priced
        # The shop's @bots: where a buyer would go, even when the post names only its channel;
        # and the handles and prices the post itself names (a market channel's ad).
        shop_bots, named = bots.get(h.shop or "", []), _HANDLE.findall(text)
        handles = list(dict.fromkeys(["@" + b for b in shop_bots] + named))[:4]
        # (Not when the lines naming them are what the answer shows.)
        amounts = [] if h.record_id in out.texts and not one_message else [
            f"{money(str(a)).removesuffix('.00')} ₸" for a in price_amounts(text)[:4]]
        own = {b.casefold() for b in shop_bots}
        title = _ad_title(text)
        advertised = [owners[b] for x in named
                      if (b := x.lstrip("@").casefold()) not in own and b in owners]
        if advertised and advertised[0].casefold() not in shop.casefold():
            # A market channel's ad of a shop of the case: that shop (the one its @bot is
            # the bot of), in the channel.
            ctx.derive(advertised[0], [h.record_id], [advertised[0]])
            shop = f"{advertised[0]} · {shop}"
        elif title and title.casefold() not in shop.casefold() and any(
                x.lstrip("@").casefold() not in own for x in named):
            # A market channel's ad of another shop (its bot is not the channel's): the shop
            # the ad names, in the channel that posted it.
            shop = f"{title} · {shop}"
        elif own and (name := owners.get(next(iter(sorted(own))), "")) and \
                name.casefold() not in shop.casefold():
            # A shop's bot chat, titled by the bot's display name ("Гринч 🌿 на связи"): the
            # shop whose bot it is, then the chat.
            ctx.derive(name, [h.record_id], [name])
            shop = f"{name} · {shop}"
        sender = str(rec.fields.get("from") or "")
        if one_message and sender and sender != chat:
            shop = f"{shop}, {sender}"  # who wrote it, in whose chat
        if one_message and (day := _message_day(rec.fields.get("date"))):
            shop = f"{shop}, {day}"  # the message asked for: when it was written
        out.labels[h.record_id] = shop + (f" ({', '.join(handles)})" if handles else "") + (
            f" · {', '.join(amounts)}" if amounts else "")
        texts[h.record_id] = text.casefold()
        wanting[h.record_id] = ([x for x in handles if x.casefold() not in texts[h.record_id]]
                                if not one_message else [])
        lines.append(f"{''.join(f'[{m}]' for m in marks)} {fence(shop)} — "
                     f"{fence(h.record_id)} ({', '.join(h.drugs + h.cities)}; "
                     f"matched {', '.join(matched) or 'words only'}): {fence(h.passage)}")
    if one_message:
        lines += _hashed_transfers(ctx, out, query)
    for h in result.hits:
        for handle in wanting.get(h.record_id, []):
            # The shop's bot its line states and its post does not name: cited by another hit
            # that names it (the answer shows that post anyway).
            post = next((x.record_id for x in result.hits
                         if handle.casefold() in texts.get(x.record_id, "")), None)
            if post:
                out.handle_posts.setdefault(h.record_id, []).append(post)
                lines.append(f"[{out.markers[post]}] {handle} is named in {fence(post)}")
    return "\n".join(lines) or f"nothing found for {fence(query)}", out


def _word_starts(text: str) -> set[str]:
    """The first four letters of each word of `text` (folded, Kazakh letters plain)."""
    # (Letters and digits apart: "№90274" folds to "no90274", the order's number.)
    return {w[:4] for w in re.findall(r"[^\W\d_]+|\d+", plain_letters(text))}


def _message_day(written: object) -> str | None:
    """The day a message was written (its export's ISO date), in the case's time (UTC+5);
    an export's time without an offset is taken as written."""
    day = local_day(written)
    if day is not None:
        return day
    try:
        return f"{datetime.fromisoformat(str(written)):%Y-%m-%d}"
    except ValueError:
        return None


def _priced_lines(text: str, drug: str | None) -> str:
    """The lines of an offer naming a price ("Меф кристалл 1г — 18 000 ₸"); of the drug asked
    when some name it."""
    lines = [" ".join(line.split()) for line in text[:4000].splitlines() if price_amounts(line)]
    if drug:
        lines = [line for line in lines if drug in analyse(line).of("drugs")] or lines
    return " · ".join(lines[:6])[:MAX_MESSAGE_CHARS]


def _menus_of_other_shops(ctx: AgentContext, query: str, city: str | None, drug: str | None,
                          listed: Sequence[Hit], names: dict[str, str], owners: dict[str, str],
                          prices: bool = False) -> list[Hit]:
    """The offers in the shops' own chats (a bot's menu) of the shops none of `listed` (the
    posts found) is of or advertises (`names`, `owners`: `_shop_directory`); with `prices`,
    of the shops none of whose posts found names a price (the menu does)."""
    if ctx.search is None:
        return []
    texts = _texts_of(ctx, [h.record_id for h in listed])
    if prices:
        listed = [h for h in listed if price_amounts(texts.get(h.record_id, ""))]
    shown = {names.get(h.shop or "") for h in listed} | {
        owners.get(x.lstrip("@").casefold()) for h in listed
        for x in _HANDLE.findall(texts.get(h.record_id, ""))}
    menus = ctx.search.search(query, SearchFilters(city=city, drug=drug, kind="message"), k=8,
                              offers_first=True)
    found: list[Hit] = []
    for h in menus.hits:
        name = names.get(h.shop or "")
        if name and name not in shown and h.role == "seller" and "sale" in h.classes and \
                "details" not in h.classes:
            shown.add(name)
            found.append(h)
    return found


def _of_shop(ctx: AgentContext, shop: str, hits: Sequence[Hit], bots: dict[str, list[str]]
             ) -> list[Hit]:
    """The hits of the shop `shop` (its name or @bot): posted in its chats, or naming its
    bots (`bots`: each shop chat's, `_shop_directory`)."""
    chats = set(find_shops(ctx.store, ctx.case, shop))
    if not chats:
        return list(hits)
    own = {"@" + b.casefold() for c in chats for b in bots.get(c, [])}
    texts = _texts_of(ctx, [h.record_id for h in hits])
    return [h for h in hits if (h.shop or "") in chats or own & {
        x.casefold() for x in _HANDLE.findall(texts.get(h.record_id, ""))}]


def _texts_of(ctx: AgentContext, record_ids: Sequence[str]) -> dict[str, str]:
    """The stored text of each record, read at once."""
    with ctx.store.engine.connect() as conn:
        return {r.id: str(r.text or "") for r in record_texts(conn, ctx.case, record_ids)}


def _shop_directory(ctx: AgentContext
                    ) -> tuple[dict[str, list[str]], dict[str, str], dict[str, str]]:
    """The case's shops in one read: each shop chat's @bots, each chat's shop name, and each
    @bot's (case-folded handle) shop name."""
    with ctx.store.engine.connect() as conn:
        names = shop_names(conn, ctx.case)  # resolves the shops of an older store first
        bots = bots_of_chats(conn, ctx.case)
    owners = {b.casefold(): names[chat] for chat, handles in bots.items() for b in handles
              if chat in names}
    return bots, names, owners


def _ad_title(text: str) -> str:
    """The name an ad opens with ("⚡ МОЛНИЯ ⚡"): its first line, without emoji, when it is a
    short name and not a sentence."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    name = re.sub(r"^[\W_]+|[\W_]+$", "", first)
    words = name.split()
    return name if 0 < len(words) <= 4 and len(name) <= 40 and re.search(r"[^\W\d_]{3,}", name) \
        and not re.search(r"[.:!?]", name) else ""


# What a question quotes from a message: an order number, an amount with decimals, a code.
QUOTED = re.compile(r"(?<![\w.])(?:[A-Za-zА-Яа-я]{1,4}[-‑#№]?\d{3,}|№\s?\d{3,}|\d+[.,]\d{2,}|"
                    r"\d{4,})(?![\w])")
MAX_QUOTING = 3
# Words the question puts in quotation marks («меняется каждый день», "ЖИ-көмекшіге"): written
# so in the message asked for.
QUOTE_MARKED = re.compile(r"[«“\"]([^«»“”\"]{2,120})[»”\"]")
MAX_MESSAGE_CHARS = 400


# A sum written with its thousands spaced ("35 000", "1 200 000").
_SUM = re.compile(r"(?<![\d.,])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d.,])")
# A sum in thousands ("50к", "50 тысяч", "250k", "300 мың").
SUM_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3})\s*(?:к|k|тыс\w*|мың\w*)(?![^\W\d_])", re.I)


def _unspaced(text: str) -> str:
    """`text` with the spaces between a number's groups of thousands taken out."""
    return re.sub(r"(?<=\d)[ \u00a0\u202f](?=\d{3}(?!\d))", "", text)


def _quoting_messages(ctx: AgentContext, query: str, hits: Sequence[Hit]) -> list[Hit]:
    """Messages holding what the question quotes as written ("order №90274", "SQ-4471"),
    when no hit does: a search by meaning may rank an order number's message low."""
    quoted = [q.lstrip("№").strip() for q in QUOTED.findall(query)] + [
        q.strip() for q in QUOTE_MARKED.findall(query) if len(q.strip()) >= 4]
    # A sum however its thousands are spaced ("35 000", "35000"): what a message says it as.
    sums = [re.sub(r"\D", "", m) for m in _SUM.findall(query)] + [
        str(int(n) * 1000) for n in SUM_THOUSANDS.findall(query)]
    # A quantity of goods ("wholesale 50 g"): the messages naming it, whatever their words.
    grams = {n for n in quantities(query) if n > 1}
    grams = set() if any(naming_quantities(h.passage, grams) for h in hits) else grams
    if not grams and (not (quoted or sums) or any(q in h.passage for q in quoted for h in hits)
                      or any(n in _unspaced(h.passage) for n in sums for h in hits)):
        return []
    found: list[str] = []
    with ctx.store.engine.connect() as conn:
        for q in quoted:
            pattern = "%" + q.replace("\\", "").replace("%", "").replace("_", "\\_") + "%"
            found += conn.execute(
                select(records.c.id).where(records.c.case == ctx.case,
                                           records.c.kind == "message",
                                           records.c.text.like(pattern, escape="\\"))
                .order_by(records.c.ts).limit(MAX_QUOTING)).scalars().all()
        if (sums or grams) and not found:
            rows = conn.execute(
                select(records.c.id, records.c.text)
                .where(records.c.case == ctx.case, records.c.kind == "message")
                .order_by(records.c.ts, records.c.id).limit(MAX_SCANNED)).all()
            found += [r.id for r in rows if any(
                re.search(rf"(?<!\d){n}(?!\d)", _unspaced(r.text or "")) for n in sums)
                or naming_quantities(r.text or "", grams)]
    top = max((h.score for h in hits), default=0.0)
    out = []
    for record_id in list(dict.fromkeys(found))[:MAX_QUOTING]:
        rec = ctx.store.get_record(ctx.case, record_id)
        text = str(rec.fields.get("text") or "")
        out.append(Hit(record_id=record_id, record_ids=[record_id], kind=rec.kind,
                       score=top, bm25_rank=None, vector_rank=None,
                       passage=" ".join(text.split())[:400], source=rec.source, time=None,
                       shop=str(rec.fields.get("chat_name") or "") or None, cities=[],
                       drugs=[], facets=["words"]))
    return out


def _instructing_texts(ctx: AgentContext, hits: Sequence[Hit]) -> list[Hit]:
    """The messages of the case that speak to an AI reading them (`instructs_an_ai`), first
    written first, that `hits` does not hold; at most MAX_QUOTING."""
    held = {rid for h in hits for rid in (h.record_id, *h.record_ids)}
    with ctx.store.engine.connect() as conn:
        rows = conn.execute(
            select(records.c.id, records.c.text)
            .where(records.c.case == ctx.case, records.c.kind == "message")
            .order_by(records.c.ts, records.c.id).limit(MAX_SCANNED)).all()
    top = max((h.score for h in hits), default=0.0)
    out = []
    for r in [r for r in rows if r.id not in held and instructs_an_ai(r.text or "")][:MAX_QUOTING]:
        rec = ctx.store.get_record(ctx.case, r.id)
        text = str(rec.fields.get("text") or "")
        out.append(Hit(record_id=r.id, record_ids=[r.id], kind=rec.kind, score=top,
                       bm25_rank=None, vector_rank=None, passage=" ".join(text.split())[:400],
                       source=rec.source, time=None,
                       shop=str(rec.fields.get("chat_name") or "") or None, cities=[],
                       drugs=[], facets=["words"]))
    return out


# A sum of pay per week, month or day in a query ("300 000 ₸ в неделю", "50к айына").
# Linear: a sum starts where a run of digits does, in groups of three after the first.
_PERIOD = (r"(?:в\s+(?:неделю|месяц|день)|/\s*(?:нед|мес|день)|per\s+(?:week|month|day)|"
           r"a\s+(?:week|month|day)|аптасына|айына|күніне)")
PAY_PERIOD_SUM = re.compile(
    rf"(?<![\d\s])\s?\d{{1,3}}(?:[\s\u00a0]?\d{{3}})*\s?"
    rf"(?:₸|тг|тенге|теңге|tenge|kzt|k|к|тыс\w*|мың)?\s?{_PERIOD}|"
    # The period first: "аптасына 50 000 теңге", "a week up to 300 000".
    rf"{_PERIOD}\s+(?:до\s+|up\s+to\s+)?\d{{1,3}}(?:[\s\u00a0]?\d{{3}})*(?!\d)", re.I)
# What a question asks a message to hold, and how a message's text holds it.
_ASKED_KINDS: dict[str, re.Pattern[str]] = {
    "hash": re.compile(r"\bhash|хэш|хеш|хаш|txid", re.I),
    "coordinates": re.compile(r"координат|coordinat|геолок|локаци|location|\bgps\b", re.I),
    "card": re.compile(r"карт|\bcard", re.I),
    "phone": re.compile(r"телефон|phone|нөмір", re.I),
    "iban": re.compile(r"\biban\b|\bсч[её]т|\bшот", re.I),
    "wallet": re.compile(r"кош[её]л|wallet|әмиян", re.I),
    "order": re.compile(r"номер\w*\s+заказ|order\s+(?:number|id|no)|тапсырыс\s+нөмір", re.I),
}
_ORDER = re.compile(r"(?:заказ|order|тапсырыс)\w*\W{0,4}(?:№|#|no\.?)?\s?[A-ZА-Я]{0,4}-?\d{3,}",
                    re.I)
_DETAIL_KINDS = {"card": ("card", "masked_card"), "phone": ("phone",), "iban": ("iban",),
                 "wallet": ("tron", "btc", "eth")}
HEX64 = re.compile(r"\b(?:0x)?[0-9a-fA-F]{64}\b")
_COORDINATES = re.compile(r"-?\d{1,2}\.\d{3,}\s*[,;]\s*-?\d{1,3}\.\d{3,}")
# Who wrote it: the buyer (the export's owner in a shop's chat) or the shop's side.
_BUYER = re.compile(r"покупател|клиент|buyer|customer|сатып\s*алуш", re.I)
_SELLER = re.compile(r"продав|магазин|оператор|\bбот|seller|\bshop|operator|\bbot\b|дүкен", re.I)
_GROUP = re.compile(r"групп|group|\bтоп(?:та|қа|тағы)\b|\bтобы\w*|чат[еау]? с друзьями", re.I)
MAX_SCANNED = 20000
# Messages saying the same as the one asked for, shown beside it at most.
MAX_ALIKE = 6


def _holds(text: str, kind: str) -> bool:
    if kind == "hash":
        return bool(HEX64.search(text))
    if kind == "coordinates":
        return bool(_COORDINATES.search(text))
    if kind == "order":
        return bool(_ORDER.search(text))
    return any(d.kind in _DETAIL_KINDS[kind] for d in extract_payment_details(text))


def _template(line: str) -> str:
    """A line with its numbers and identifiers masked: what a message says whatever card,
    sum or order number it names ("Карта для оплаты # (меняется каждый день…)")."""
    # (A phone however written is one number: "8 (775) 899-57-90" as "87479371648".)
    return re.sub(r"\s+", " ", re.sub(r"[0-9A-Za-z]{20,}|\+?\d(?:[\d\s.,()\-]*\d)?", "#",
                                      line.casefold())).strip()


def _alike_and_replies(ctx: AgentContext, hits: list[Hit], alike: bool, replies: bool
                       ) -> list[Hit]:
    """The first hit, then every other message with a line saying what its matching line
    says (`alike`, in any chat; facet "alike"), and the next message of its chat by another
    sender (`replies`; facet "reply"), then the other hits."""
    best = hits[0]
    wanted = _template(best.passage)
    with ctx.store.engine.connect() as conn:
        rows = conn.execute(
            select(records.c.id, records.c.text, records.c.data)
            .where(records.c.case == ctx.case, records.c.kind == "message")
            .order_by(records.c.ts, records.c.id).limit(MAX_SCANNED)).all()
    added: list[Hit] = []

    def hit(r: Any, line: str, facet: str) -> Hit:
        return best.model_copy(update={
            "record_id": r.id, "record_ids": [r.id], "passage": line,
            "facets": [*(f for f in best.facets if f != "asked"), facet],
            "shop": r.id.rpartition("/")[0] or None, "cities": [], "drugs": [],
            "role": "seller" if (r.data or {}).get("from") == (r.data or {}).get("chat_name")
            else "buyer"})

    if alike and len(wanted) >= 12:
        for r in rows:
            line = next((ln for ln in (r.text or "").splitlines() if _template(ln) == wanted),
                        None)
            if line and r.id != best.record_id:
                added.append(hit(r, line, "alike"))
    if replies:
        at = next((i for i, r in enumerate(rows) if r.id == best.record_id), None)
        data = rows[at].data or {} if at is not None else {}
        for r in rows[at + 1:] if at is not None else []:
            other = r.data or {}
            if other.get("chat_id") == data.get("chat_id") and \
                    other.get("from") != data.get("from"):
                added.append(hit(r, (r.text or "").strip(), "reply"))
                break
    ids = {h.record_id for h in added}
    return [best, *added[:MAX_ALIKE], *(h for h in hits[1:] if h.record_id not in ids)]


def _asked_messages(ctx: AgentContext, query: str, hits: list[Hit], shop: str | None = None
                    ) -> list[Hit]:
    """The search's hits, the message asked for first: the one holding the kind of thing the
    question asks for (a transaction hash, coordinates, a card), written by whom it names (a
    sender's name in any case ending, the buyer, the shop), in the kind of chat it names (a
    group), after the message holding what it quotes ("coordinates after order SQ-4471")."""
    q = query.casefold()
    # (A message asked for by what it claims, "anything saying the wallet is clean": the
    # wallet is a word of the claim, not the detail the message must hold.)
    kinds = [] if CLAIM_ASKED.search(q) else [
        k for k, word in _ASKED_KINDS.items() if word.search(q)]
    if "card" in kinds:
        kinds = [k for k in kinds if k != "phone"]  # "номер карты" is a card's number
    # (The words that speak of the asking, "есть", "переписке", tell no message apart.)
    words = telling_words([w for w in re.findall(r"\w+", q) if len(w) >= 4])
    with ctx.store.engine.connect() as conn:
        rows = conn.execute(
            select(records.c.id, records.c.text, records.c.data, records.c.ts)
            .where(records.c.case == ctx.case, records.c.kind == "message")
            .order_by(records.c.ts, records.c.id).limit(MAX_SCANNED)).all()
    senders = {str((r.data or {}).get("from") or "") for r in rows}
    # A sender named in any case ending ("Ержан", "у Ержана"): the name's first word's stem.
    stems = {s: fold(s).split()[0] for s in senders if fold(s).split()}
    named = {s for s, stem in stems.items() if len(stem) >= 4
             and any(same_word(w, stem) for w in words)}
    for handle in _HANDLE.findall(query):
        # "the message from @shop_bot": what the bot's chats wrote.
        chats = set(find_shops(ctx.store, ctx.case, handle).values())
        named |= {s for s in senders if s in chats}
    # The chats of the shop the question names ("the buyer's message to the X bot").
    chats = set(find_shops(ctx.store, ctx.case, shop).values()) if shop else set()
    # (The shop's name is where its messages are, not a sender named: "green planet asked to
    # pay by IBAN" is any of its chats' messages, not only those of its channel.)
    named -= chats
    buyer, seller = bool(_BUYER.search(q)), bool(_SELLER.search(q)) and not named
    group = bool(_GROUP.search(q))
    quoted = QUOTED.findall(query)
    # The codes quoted ("order CH-1102"): quoted text that is not a number.
    codes = [t.lstrip("№").strip() for t in quoted if re.search(r"[^\d\s.,№]", t)]
    if not (kinds or named or buyer or group or chats or codes or words):
        return hits

    def by_whom(r: Any) -> bool:
        data = r.data or {}
        sender, chat = str(data.get("from") or ""), str(data.get("chat_name") or "")
        if named:
            return sender in named
        if buyer:
            return str(data.get("chat_type")) == "bot_chat" and sender != chat
        return not seller or sender == chat

    def where(r: Any) -> bool:
        data = r.data or {}
        if group:
            # "the group chat where someone wrote about shop X": X is what it says, not where.
            return "group" in str(data.get("chat_type") or "")
        return not chats or str(data.get("chat_name") or "") in chats

    rank = {h.record_id: i for i, h in enumerate(hits)}
    anchored = False
    # Words in quotation marks are written so in the message asked for, whatever else the
    # question says of it ("«ЖИ-көмекшіге» пишут что кошелёк чистый").
    marked = [m.strip().casefold() for m in QUOTE_MARKED.findall(query) if len(m.strip()) >= 4]
    saying = [r for r in rows if kinds and marked and any(
        m in (r.text or "").casefold() for m in marked)]
    if saying:
        candidates = saying
    elif kinds:
        holding = [r for r in rows if any(_holds(r.text or "", k) for k in kinds)]
        literals = [t.lstrip("№").strip() for t in quoted]
        if literals:
            def quotes(r: Any) -> bool:
                # As written, or its digits however spaced ("8 747 937 16 48").
                text = r.text or ""
                digits = re.sub(r"[\s()-]", "", text)
                return any(t in text or t in digits for t in literals)
            quoting = [r for r in holding if quotes(r)]
            anchors = [r for r in rows if quotes(r)]
            if quoting:
                holding = quoting
            elif anchors:
                # Held by a later message of the same chat than the one quoting.
                a = anchors[0]
                chat = (a.data or {}).get("chat_id")
                holding = [r for r in holding if (r.data or {}).get("chat_id") == chat
                           and (r.ts or "") >= (a.ts or "")]
                anchored = bool(holding)
        if named and not any(by_whom(r) for r in holding):
            # The sender named wrote none: what they wrote about it ("the card", "хэш"), or
            # the card's last digits the question gives ("Асик 0260 картасына …": "кинула на
            # 0260").
            tails = re.findall(r"(?<!\d[\s-])(?<!\d)\d{4}(?![\s-]?\d)", query)
            holding += [r for r in rows if by_whom(r) and (any(
                _ASKED_KINDS[k].search(r.text or "") for k in kinds) or any(
                re.search(rf"(?<!\d){t}(?!\d)", r.text or "") for t in tails))]
        candidates = holding
    else:
        # The hits, and every message by whom and where the question names (a search by
        # meaning may rank theirs low); the messages quoting a code it names ("order
        # CH-1102") when some do.
        candidates = [r for r in rows if codes and any(t in (r.text or "") for t in codes)] or [
            r for r in rows if r.id in rank or (
                (named or buyer or group) and by_whom(r) and where(r))]
    # By whom and where the question names; where only (a shop named in a group chat is what
    # the message is about), by whom only, else all.
    for test in (lambda r: by_whom(r) and where(r), where, by_whom):
        narrowed = [r for r in candidates if test(r)]
        if narrowed:
            candidates = narrowed
            break
    if not candidates:
        return hits
    # Those sharing most of the question's words (any ending: "вернуть" and "верни") first,
    # then in the search's order.
    # (Folded: "Тұран" is "Туран".)
    roots4 = {plain_letters(w)[:4] for w in words
              if not any(same_word(w, st) for st in stems.values())}
    # Each message's word starts, worked once (the candidates are among the rows scanned).
    starts_of: dict[str, set[str]] = {}

    def starts(r: Any) -> set[str]:
        found = starts_of.get(r.id)
        if found is None:
            found = starts_of[r.id] = _word_starts(r.text or "")
        return found

    held = {r.id: roots4 & starts(r) for r in candidates}
    # Each word by how few of them share it: among the messages holding coordinates, the
    # one naming the district asked ("координаты клада в Туране") is told by "Туран", not by
    # "координаты" that most of them write.
    shared = Counter(x for found in held.values() for x in found)
    # (And by how few of the case's messages hold it: a district's word, "ауданы", is in many
    # addresses, its name in one.)
    row_starts = [starts(r) for r in rows] if shared else []
    written = {x: sum(x in t for t in row_starts) or 1 for x in shared}
    overlap = {i: sum(1 / shared[x] + 1 / written[x] for x in found)
               for i, found in held.items()}
    # (After the message quoted: the first one after it, "the coordinates after order X".)
    candidates.sort(key=lambda r: (-round(overlap[r.id], 6) if not anchored else 0,
                                   str(r.ts or "") if anchored else "",
                                   rank.get(r.id, len(rank))))
    top = max((h.score for h in hits), default=0.0)
    asked: list[Hit] = []
    # (Not one holding none of the words the best holds: "координаты" of one elsewhere, beside
    # "Туран" of the one in Туран.)
    need = held[candidates[0].id] if not anchored else set()
    for r in candidates[:MAX_QUOTING]:
        if need and not need & held[r.id]:
            break
        if r.id in rank:
            h = hits[rank[r.id]]
            asked.append(h.model_copy(update={"facets": [*h.facets, "asked"]}))
            continue
        rec = ctx.store.get_record(ctx.case, r.id)
        text = str(rec.fields.get("text") or "")
        asked.append(Hit(record_id=r.id, record_ids=[r.id], kind=rec.kind, score=top,
                         bm25_rank=None, vector_rank=None,
                         passage=" ".join(text.split())[:400], source=rec.source, time=None,
                         shop=str(rec.fields.get("chat_name") or "") or None, cities=[],
                         drugs=[], facets=["words", "asked"]))
    ids = {h.record_id for h in asked}
    return asked + [h for h in hits if h.record_id not in ids]


@case_tool(GET_RECORD)
def get_record(record_id: str, runtime: Runtime) -> tuple[str, ToolOutput]:
    """One record by its id (a transfer, message, listing, statement row or tag), or the
    transfer a transaction hash names."""
    ctx = runtime.context
    if HEX64.fullmatch(record_id.strip()):
        # A transaction's hash: the transfer it made (its first, of a multi-transfer one).
        with ctx.store.engine.connect() as conn:
            found = transfers_of_hashes(conn, ctx.case, [record_id.strip()], 1)
        record_id = str(found[0].record_id) if found else record_id
    try:
        n, rec = ctx.cite(record_id)
    except RecordNotFoundError:
        return f"no record {fence(record_id)}", ToolOutput(GET_RECORD, None)
    return (f"[{n}] {rec.kind} {fence(rec.id)}: {fence(str(rec.fields))}",
            ToolOutput(GET_RECORD, rec, {rec.id: n}))


MAX_BANK_ENDS = 8
# A statement party's name that says it sells crypto for tenge (an exchanger, an OTC desk, a
# P2P seller of USDT): where the droppers' tenge went to become crypto.
EXCHANGER_NAME = re.compile(r"обмен|exchang|крипт|crypto|\bp2p\b|\botc\b|\busdt\b|"
                            r"айырбас|\bbitcoin\b|\bbtc\b", re.I)


def _bank_end_lines(ctx: AgentContext, out: ToolOutput) -> list[str]:
    """The statements' parties the droppers' tenge ended with (received, paid nothing on) and
    those named as exchangers, largest first, with what each received; the exchangers' sum."""
    found = sorted((p for p in people_of_case(ctx.store, ctx.case).values()
                    if p.records and Decimal(p.received) > 0 and (
                        Decimal(p.paid) == 0 or EXCHANGER_NAME.search(p.name))),
                   key=lambda p: -Decimal(p.received))[:MAX_BANK_ENDS]
    lines = []
    for p in found:
        row = p.records[0]
        n = out.cite(ctx, row)
        accounts = ", ".join(p.accounts)
        exchanger = bool(EXCHANGER_NAME.search(p.name))
        out.bank_ends.append((p.name, accounts, p.received, row, exchanger))
        lines.append(f"[{n}] " + ctx.derive(
            f"statement party {fence(p.name)} ({accounts})"
            f"{', an exchanger by its name' if exchanger else ''}: received "
            f"{money(p.received)} KZT, paid {money(p.paid)} KZT", [row], [p.name]))
    exchangers = [Decimal(x[2]) for x in out.bank_ends if x[4]]
    if exchangers:
        lines.append(ctx.derive(f"to exchangers by the statements in all: "
                                f"{money(str(sum(exchangers, Decimal(0))))} KZT"))
    return lines


@case_tool(CASE_OVERVIEW)
def case_overview(runtime: Runtime, bank_ends: bool = False,
                  other_chats: bool = False) -> tuple[str, ToolOutput]:
    """The case at a glance: record counts, shops and what they handed out, the droppers'
    accounts used most, and where the money from the shops' wallets came to rest.
    `bank_ends`: also where the tenge ended by the statements: the parties that received and
    paid nothing on, and those named as exchangers (OTC, P2P sellers of USDT)."""
    ctx = runtime.context
    graph = ctx.case_graph
    o = overview(ctx.store, ctx.case, graph, top=5)
    out = ToolOutput(CASE_OVERVIEW, o)
    ctx.prefetch(_record_ids_in(o))
    s = o.stats
    # Counts of the case as a whole: bound to no record, they may be said without a marker.
    lines = [ctx.derive(f"records: {', '.join(f'{n} {k}' for k, n in sorted(s.records.items()))}"),
             ctx.derive(f"accounts: "
                        f"{', '.join(f'{n} {k}' for k, n in sorted(s.accounts.items()))}"),
             ctx.derive(f"files: {len(s.files)}")]
    token = fence(o.token or "")
    for shop in o.shops:
        if shop.record_id and shop.hands_out_payments:
            handed = ", ".join(f"{n} {k}" for k, n in sorted(shop.accounts.items()))
            n, rec = ctx.cite(shop.record_id)
            out.markers[shop.record_id] = n
            # The title of the chat it handed out in (a bot chat goes by the bot's name).
            out.labels[shop.record_id] = str(rec.fields.get("chat_name") or "")
            lines.append(ctx.derive(f"[{n}] shop {fence(shop.name)} "
                                    f"({fence(shop.shop)}) handed out {handed}",
                                    [shop.record_id], [shop.name]))
            for bot in shop.bots:
                post = _bot_post(ctx, bot, [shop.record_id, shop.shop])
                if post:
                    m = out.cite(ctx, post)
                    out.bot_posts[bot] = (post, str(ctx.ledger.records[m].fields.get(
                        "chat_name") or ctx.ledger.records[m].fields.get("vendor") or ""))
                    lines.append(ctx.derive(f"[{m}] shop {fence(shop.name)} goes by @{bot}",
                                            [post], [shop.name]))
    sellers = [shop for shop in o.shops if shop.record_id and shop.hands_out_payments]
    kinds: Counter[str] = Counter()
    for shop in sellers:
        kinds.update({k: n for k, n in shop.accounts.items() if k != "bot"})
    # The case as a whole (no record): how many shops, details, statements.
    lines.append(ctx.derive(f"in all: {len(sellers)} shops, which handed out "
                            f"{', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}; "
                            f"{sum(f.format == 'bank_statement' for f in s.files)} account "
                            f"statements"))
    for ad in o.advertised:
        lines.append(ctx.derive(f"[{out.cite(ctx, ad.record_id)}] shop known only from its "
                                f"ads: @{fence(ad.bot)}, first advertised as "
                                f"{fence(ad.excerpt)}", [ad.record_id], ["@" + ad.bot]))
    for shop in o.shops:
        if shop.market and shop.record_id:
            # Cited by its post naming a shop's bot (what shows it advertises shops), not by
            # the first phone its ads gave.
            with ctx.store.engine.connect() as conn:
                naming = [r for b in shop.advertises[:1]
                          for r in records_naming(conn, ctx.case, f"bot:{b.casefold()}", 20)]
            post = next((r for r in naming if r.startswith(f"{shop.shop}/")),
                        next((r for r in naming if r.startswith(f"listing:{shop.shop}/")),
                             shop.record_id))
            out.chat_posts[shop.shop] = post
            lines.append(ctx.derive(f"[{out.cite(ctx, post)}] market board "
                                    f"{fence(shop.name)} (not a shop) advertises "
                                    f"{fence(', '.join('@' + b for b in shop.advertises))}",
                                    [post], [shop.name]))
    for h in o.statement_holders:
        n, rec = ctx.cite(h.record_id)
        out.markers[h.record_id] = n
        # The bank whose statement it is (what kinds of evidence the case holds).
        out.labels[h.record_id] = str(rec.fields.get("bank") or "")
        lines.append(ctx.derive(f"[{n}] statement of {fence(h.name)}: "
                                f"{h.account}" + (f" (+{h.more_accounts} more accounts)"
                                                  if h.more_accounts else "")
                                + f", received {money(h.received)}, sent {money(h.sent)}",
                                [h.record_id], [h.name]))
    if o.statement_holders:
        # Sums over every statement of the case (more than those listed): the case as a whole.
        lines.append(ctx.derive(f"the case's statements in all: received "
                                f"{money(o.statements_received)} from outside them, sent "
                                f"{money(o.statements_sent)} out of them (moves between "
                                f"them not counted)"))
    for payee in o.payees:
        # Where the droppers' tenge went on: whom their accounts paid most, outside them.
        n = out.cite(ctx, payee.record_id)
        lines.append(ctx.derive(f"[{n}] the statements' accounts paid {money(payee.amount)} to "
                                f"{fence(payee.name)} {fence(payee.account)}",
                                [payee.record_id], [payee.name]))
    lines += [ctx.derive(f"files: {n} {fmt}") for fmt, n in sorted(
        Counter(f.format for f in s.files).items())]
    g = graph.graph
    for collector in o.collection_wallets:
        # Where the shops' wallets' money collects (their treasury): each shop wallet that
        # swept into it, by its largest sweep.
        for wallet in o.shop_wallets:
            moves = list(g[wallet][collector]["m"]) if wallet in g and \
                collector in g.succ[wallet] else []
            if moves:
                move = max(moves, key=lambda m: m.units)
                out.collectors[wallet] = (collector, move.record_id)
                lines.append(f"[{out.cite(ctx, move.record_id)}] the shop wallet "
                             f"{fence(wallet)} swept into {fence(collector)}")
    shop_name = {s.shop: s.name for s in o.shops}
    for d in o.top_droppers:
        got = f", received {money(d.received)} by statement" if d.received else ""
        # The shop is named through the chat that handed it out (that chat's shop).
        names = [shop_name.get(s, s) for s in d.shops]
        lines.append(ctx.derive(f"[{out.cite(ctx, d.record_id)}] dropper {d.kind} "
                                f"{fence(d.display)}: handed out {d.handed_out} times by "
                                f"{fence(', '.join(names))}{got}", [d.record_id], names))
    lines += _shops_compared(ctx, out, o, shop_name)
    if o.traced:
        lines.append(ctx.derive(f"traced {money(o.traced)} {token} forward from the shops' "
                                f"{len(o.shop_wallets)} wallets and the "
                                f"{len(o.collection_wallets)} they sweep into"))
    # Residue on layering hops is listed after the beneficiaries, never among them.
    deposits: dict[str, tuple[list[str], str, list[str]]] = {}
    for b in sorted(o.beneficiaries, key=lambda b: b.reason == "residue"):
        label = f" ({fence(b.label)})" if b.label else ""
        fact = f"{fence(b.address)}: {b.reason}{label}, {money(b.amount)} {token}"
        if b.path:
            fact += f", {len(b.path)} hops"
        if not b.path:
            lines.append(ctx.derive(fact))
            continue
        hops = [out.cite(ctx, r) for r in b.path]
        names = [b.label.removeprefix("deposit address of ")] if b.label else []
        ctx.derive(fact, b.path, names)
        if b.reason in ("exchange", "exchange_deposit"):
            # A deposit address (tagged as the exchange's or found by its sweeps): where the
            # exchange moved the money on is its own wallet, as for a trace.
            deposits.setdefault(b.address, (list(b.path), fact, names))
        lines.append(f"[{hops[-1]}] {fact}, path {' '.join(f'[{n}]' for n in hops)}")
        if b.reason == "beneficiary" and b.address in graph.graph:
            lines += _received_lines(ctx, out, graph, b.address, o.token or "")
    exchanges = exchange_total(o.beneficiaries)
    if exchanges:
        lines.append(ctx.derive(f"to exchanges in all: "
                                f"{money(str(exchanges))} {token}"))
    lines += _sweep_lines(ctx, out, graph, deposits, o.token or "")
    if bank_ends:
        lines += _bank_end_lines(ctx, out)
    if other_chats:
        lines += _other_chat_lines(ctx, out, o)
    also_in(ctx, out, None, lines)
    return "\n".join(lines), out


MAX_OTHER_CHATS = 8


def _other_chat_lines(ctx: AgentContext, out: ToolOutput, o: CaseOverview) -> list[str]:
    """The chats of the case that are no shop's (a channel of other ads, news, a group, a
    personal chat) and the boards of ads among the shops' chats, each cited by its first
    message: `out.other_chats` (record id, chat title, chat type)."""
    from tools.store.schema import shop_links

    boards = {s.shop for s in o.shops if s.market}
    with ctx.store.engine.connect() as conn:
        shop_chats = {str(v) for v in conn.execute(
            select(shop_links.c.value).where(shop_links.c.case == ctx.case,
                                             shop_links.c.kind == "chat")).scalars()}
        first: dict[str, tuple[int, str]] = {}
        for (record_id,) in conn.execute(select(records.c.id).where(
                records.c.case == ctx.case, records.c.kind == "message")):
            chat, _, number = str(record_id).rpartition("/")
            at = int(number) if number.isdigit() else 0
            if (chat not in shop_chats or chat in boards) and \
                    (chat not in first or at < first[chat][0]):
                first[chat] = (at, str(record_id))
    lines = []
    for chat, (_, record_id) in sorted(first.items())[:MAX_OTHER_CHATS]:
        n, rec = ctx.cite(record_id)
        out.markers[record_id] = n
        title = str(rec.fields.get("chat_name") or chat)
        kind = str(rec.fields.get("chat_type") or "")
        out.other_chats.append((record_id, title, kind))
        lines.append(ctx.derive(f"[{n}] chat {fence(title)} ({fence(kind)}) is no shop's",
                                [record_id], [title]))
    return lines


def _shops_compared(ctx: AgentContext, out: ToolOutput, o: CaseOverview,
                    shop_name: dict[str, str]) -> list[str]:
    """What each shop took in, the wallets that paid several shops and the droppers' accounts
    several shops handed out, each cited by the transfers or messages it is read from."""
    lines = []
    for t in o.takings:
        name = shop_name.get(t.shop, t.shop)
        marks = "".join(f"[{out.cite(ctx, r)}]" for r in t.record_ids)
        # A sum of many payments is the case's: its transfers are too many to cite.
        lines.append(ctx.derive(f"{marks} shop {fence(name)} took in {money(t.amount)} "
                                f"{fence(t.token)} in {t.payments} payments from {t.payers} "
                                f"wallets (into the wallets it handed out and its treasury)",
                                t.record_ids, [name] if t.record_ids else []))
    for p in o.shared_payers:
        names = [shop_name.get(s, s) for s in p.paid]
        marks = "".join(f"[{out.cite(ctx, r)}]" for r in p.record_ids)
        paid = ", ".join(f"{fence(n)} {money(a)}" for n, a in zip(names, p.paid.values(),
                                                                   strict=True))
        lines.append(ctx.derive(f"{marks} wallet {fence(p.address)} paid several shops "
                                f"({fence(p.token)}): {paid}", p.record_ids, names))
    for d in o.shared_droppers:
        names = [shop_name.get(s, s) for s in d.records_by_shop]
        marks = "".join(f"[{out.cite(ctx, r)}]" for r in d.records_by_shop.values())
        lines.append(ctx.derive(f"{marks} {d.kind} {fence(d.display)} handed out by several "
                                f"shops: {fence(', '.join(names))}",
                                list(d.records_by_shop.values()), names))
    return lines


def _hashed_transfers(ctx: AgentContext, out: ToolOutput, query: str) -> list[str]:
    """The transfers a transaction hash the query quotes names ("the message with tx hash …"):
    what the message speaks of, each cited by its record (it states its parties and amount)."""
    hashes = HEX64.findall(query)
    if not hashes:
        return []
    with ctx.store.engine.connect() as conn:
        rows = transfers_of_hashes(conn, ctx.case, hashes, 4)
    lines = []
    for record_id, tx, sender, recipient, amount, token in rows:
        n = out.cite(ctx, record_id)
        out.hashed[str(tx)] = (record_id, str(sender or ""), str(recipient or ""),
                               money(str(amount)), str(token))
        # The record states all of it: no derivation to bind.
        lines.append(f"[{n}] transfer {fence(str(tx))}: {money(str(amount))} {fence(str(token))}"
                     f" from {fence(str(sender))} to {fence(str(recipient))}")
    return lines


def _plain(value: str) -> str:
    """An identifier's letters and digits only: "+7 747 318 5209" is "+77473185209"."""
    return re.sub(r"[^0-9A-Za-z]", "", value).casefold()


def _bot_post(ctx: AgentContext, handle: str, own: Sequence[str]) -> str | None:
    """The record that names the bot `handle` for its shop: the shop's own (`own`: a record
    or chat id of the shop's) first, one the turn cites already before another, then any
    chat's post, then a market listing."""
    handle = handle.lstrip("@").casefold()
    with ctx.store.engine.connect() as conn:
        naming = records_naming(conn, ctx.case, f"bot:{handle}", 20)
    posts = sorted(naming, key=lambda r: (r not in own, r not in ctx.ledger.by_id,
                                          not any(r.startswith(f"{o}/") for o in own),
                                          not r.startswith("tg:")))
    return posts[0] if posts else None


SHOP_DETAIL_KINDS = ("card", "phone", "iban", "wallet")


@case_tool(SHOP_DETAILS)
def shop_details(shop: str, runtime: Runtime,
                 kind: Literal["card", "phone", "iban", "wallet"] | None = None,
                 bots: bool = False, treasury: bool = False) -> tuple[str, ToolOutput]:
    """Every card, phone, IBAN and wallet a shop handed out to buyers, with the message each
    was in. `shop` is its name as in the chat, or its @bot; `kind` keeps one kind; `bots`
    also cites the post naming each @bot the shop goes by ("what is X's bot"); `treasury`
    also where each wallet it handed out passed its money on (as `kind="wallet"` does), for
    an overview of the shop."""
    ctx = runtime.context
    found = find_shops(ctx.store, ctx.case, shop)
    details = [details_of_shop(ctx.store, ctx.case, shop_id) for shop_id in found]
    if kind is not None:
        wanted = ("tron", "btc", "eth") if kind == "wallet" else (kind,)
        for d in details:
            d.handed_out = [h for h in d.handed_out if h.kind in wanted]
    out = ToolOutput(SHOP_DETAILS, details)
    lines = []
    handle = shop.strip().lstrip("@").casefold()
    if details and (shop.strip().startswith("@") or handle.endswith("bot")):
        # Whose bot it is: a post naming the bot, cited (the bot's own chat never names it).
        with ctx.store.engine.connect() as conn:
            naming = records_naming(conn, ctx.case, f"bot:{handle}", 20)
        # The shop's own post first, then any chat's, then a market listing.
        posts = sorted(naming, key=lambda r: (not any(r.startswith(f"{c}/") for c in found),
                                              not r.startswith("tg:")))
        if posts:
            n = out.cite(ctx, posts[0])
            chat = str(ctx.ledger.records[n].fields.get("chat_name")
                       or ctx.ledger.records[n].fields.get("vendor") or "")
            out.bot_posts[handle] = (posts[0], chat)
            lines.append(ctx.derive(f"[{n}] @{handle} is named in a post of {fence(chat)}",
                                    [posts[0]], [chat]))
        for d in details:
            # The bot's own chat naming it: what shows the chat is the bot's, and its title.
            own = next((r for r in posts if r.startswith(f"{d.shop}/")), None)
            if own and d.chat:
                out.chat_posts[d.shop] = own
                lines.append(ctx.derive(f"[{out.cite(ctx, own)}] the chat {fence(d.chat)} "
                                        f"names @{handle}", [own], [d.chat]))
    if bots and not out.bot_posts:
        for d in details:
            for bot in d.bots:
                post = _bot_post(ctx, bot, [d.shop, *found])
                if post and bot not in out.bot_posts:
                    n = out.cite(ctx, post)
                    chat = str(ctx.ledger.records[n].fields.get("chat_name")
                               or ctx.ledger.records[n].fields.get("vendor") or "")
                    out.bot_posts[bot] = (post, chat)
                    lines.append(ctx.derive(f"[{n}] shop {fence(d.name)} goes by @{bot}, named "
                                            f"in a post of {fence(chat)}", [post], [d.name]))
    for d in details:
        if not d.handed_out:
            continue
        lines.append(ctx.derive(f"shop {fence(d.name)} ({fence(d.shop)}): "
                                f"{len({h.account_id for h in d.handed_out})} "
                                "payment details handed out", names=[d.name]))
        for h in d.handed_out[:12]:
            n = out.cite(ctx, h.record_id)
            when = f"{h.seen_at:%Y-%m-%d}" if h.seen_at else ""
            # What the message asked to pay with it, in the detail's own currency.
            text = str(ctx.ledger.records[n].fields.get("text") or "")
            # (Its text: the bank it names beside a card whose BIN tells none.)
            out.texts[h.record_id] = " ".join(text.split())[:MAX_MESSAGE_CHARS]
            if h.record_id not in out.receivers:
                out.receivers[h.record_id] = {_plain(v): name for v, name in
                                              recipients_of_details(text).items()}
            receiver = out.receivers[h.record_id].get(_plain(h.display))
            amounts = [(value, unit) for value, unit in asked_amounts(text)
                       if (unit == "KZT") == (h.kind not in ("tron", "btc", "eth"))]
            asking = ""
            if amounts:
                value, unit = amounts[0]
                out.asked[h.record_id] = (str(value), "₸" if unit == "KZT" else unit)
                asking = f", asking {money(str(value))} {out.asked[h.record_id][1]}"
            to = f", receiver named {fence(receiver)}" if receiver else ""
            lines.append(ctx.derive(f"[{n}] {h.kind} {fence(h.display)} handed out {when}"
                                    f"{asking}{to}", [h.record_id],
                                    [receiver] if receiver else ()))
    if kind == "wallet" or treasury:
        lines += _collector_lines(ctx, out, details)
    return "\n".join(lines) or f"no shop {fence(shop)} in the case", out


def _collector_lines(ctx: AgentContext, out: ToolOutput, details: Sequence[Any]) -> list[str]:
    """Where each wallet a shop handed out passed its money on (its treasury, by the case
    overview's rule: `collector_of`), cited by the largest transfer between them."""
    graph = ctx.case_graph.graph
    lines: list[str] = []
    wallets = dict.fromkeys(h.display for d in details for h in d.handed_out
                            if h.kind in ("tron", "btc", "eth"))
    if not wallets:
        return lines
    with ctx.store.engine.connect() as conn:
        everyone = {w.split(":", 1)[1] for w in handed_out_account_ids(conn, ctx.case,
                                                                        WALLET_KINDS)}
    for wallet in list(wallets)[:4]:
        to = collector_of(graph, wallet, wallets)
        if to is None:
            continue
        moves = sorted(graph[wallet][to]["m"], key=lambda m: m.ts)
        move = max(moves, key=lambda m: m.units)
        n = out.cite(ctx, move.record_id)
        out.collectors[wallet] = (to, move.record_id)
        lines.append(f"[{n}] {wallet} passed its money on to {to} (where it collects)")
        if to not in out.shared:
            # Other shops' wallets that pay into it as their treasury too (the treasury's own
            # payers: complete, and few), each cited by its largest transfer into it.
            out.shared[to] = [
                (w, max(graph[w][to]["m"], key=lambda m: m.units).record_id)
                for w in sorted(set(graph.predecessors(to)) & everyone - wallets.keys())
                if collector_of(graph, w, everyone) == to]
        if out.shared[to]:
            lines.append(ctx.derive(
                f"{to} also collects from " + ", ".join(
                    f"[{out.cite(ctx, r)}] {w}" for w, r in out.shared[to]) +
                ", handed out by other shops", [r for _, r in out.shared[to]]))
        # Each transfer into it (the shop's money leaving its wallet), in time order.
        sweeps = []
        for m in moves[:MAX_SWEEPS_LISTED]:
            k = out.cite(ctx, m.record_id)
            day = f"{datetime.fromtimestamp(m.ts, UTC):%Y-%m-%d}" if m.ts else ""
            # (The token beside the day: the rows of a bank statement name none.)
            sweeps.append((m.record_id, f"{m.token} {day}".strip(),
                           format(from_units(m.units), "f")))
            lines.append(f"[{k}] {wallet} -> {to}: {money(str(from_units(m.units)))} "
                         f"{fence(m.token)} {day}".rstrip())
        out.operations[(wallet, to)] = sweeps
    return lines


@case_tool(DRAFT_LETTER)
def draft_letter(addresses: list[str], runtime: Runtime,
                 to: Literal["exchange", "issuer"] = "exchange",
                 lang: Literal["ru", "kk", "en"] = "ru",
                 trace_from: list[str] | None = None) -> tuple[str, ToolOutput]:
    """Draft a freeze and information request letter to an exchange (`to="exchange"`: the
    exchange named from the addresses' tags) or a freeze request to a token's issuer
    (`to="issuer"`) for 1-20 addresses, every fact checked against the records; `trace_from`
    are the start wallets of the trace that found them. Use for "draft a freeze request for
    the beneficiaries". The user downloads it as DOCX and PDF from the Freeze request box."""
    from assistant.services.letters import draft_letter as draft
    from tools.letters import LetterError, LetterRequest

    ctx = runtime.context
    out = ToolOutput(DRAFT_LETTER, None)
    try:
        req = LetterRequest(to=to, addresses=addresses, lang=lang,
                            trace=TraceRequest(addresses=trace_from) if trace_from else None)
        drafted = draft(ctx.store, ctx.case, req)
    except (LetterError, NoTransfersError, ValueError) as exc:
        return f"no letter: {fence(str(exc))}", out
    out.data = drafted.summary
    s = drafted.summary
    # What the letter tool established of the case as a whole: said without a marker.
    lines = [ctx.derive(f"letter to {fence(s.recipient)} drafted: {s.statements} statements "
                        f"checked against {s.records} records of {s.files} evidence files")]
    for line in drafted.content.addresses:
        marks = "".join(f"[{out.cite(ctx, r)}]" for r in line.cites)
        for text, record_ids, names in line.bindings():
            for r in record_ids:  # the figures' records go on the turn's ledger
                out.cite(ctx, r)
            ctx.derive(text, record_ids, names)
        cells = [fence(v.replace("\u00a0", " ")) for k, v in line.cells.items()
                 if k != "refs" and v]
        lines.append(f"{marks} {'; '.join(cells)}")
    return "\n".join(lines), out


AGENT_TOOLS = [trace_wallet, money_path, lookup_account, find_person, search_listings,
               shop_details, get_record, case_overview, draft_letter]
