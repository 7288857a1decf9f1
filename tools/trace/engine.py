"""Following traced money through the case graph in time order, to where it came to rest."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from tools.tokens import DEFAULT_POISON_DUST, KNOWN_TOKENS, POISON_DUST, token_label, valid_contract
from tools.trace.graph import CaseGraph, Move, from_units, to_units
from tools.trace.models import (
    Endpoint,
    EndpointReason,
    Hop,
    OtherToken,
    Pattern,
    TraceRequest,
    TraceResult,
)
from tools.trace.policies import POLICIES, Holding

# An address with more counterparties than this is a service (exchange hot wallet, payment
# processor): walking through it would attribute the whole world's money to the case.
HUB_DEGREE = 1000
# Deposit-reuse heuristic (Victor 2020), adapted to TRON: an address that passes at least this
# share of what it receives to a tagged exchange wallet, within SWEEP_SECONDS, is a deposit.
DEPOSIT_SHARE = 0.9
SWEEP_SECONDS = 72 * 3600
PEEL_MAIN_SHARE = 0.75
CONSOLIDATION_SENDERS = 3
DUST_UNITS = 10**12  # one millionth of a token
MAX_CITED_POISONING = 50

# An address that kept at most this share of the traced money it received, passing the rest on
# to further hops (not cashing it out at an exchange), holds residue, not the money.
RESIDUE_SHARE = 0.01


@dataclass(frozen=True, slots=True)
class Event:
    ts: float  # signed: negated when tracing backward, so "later" is always larger
    sender: str
    receiver: str
    move: Move


class _View:
    """The graph seen in the trace's direction: backward swaps ends and reverses time."""

    def __init__(self, cg: CaseGraph, req: TraceRequest, token: str) -> None:
        self.g = cg.graph
        self.forward = req.direction == "forward"
        self.token = token
        self.since = req.since.timestamp() if req.since else None
        self.until = req.until.timestamp() if req.until else None
        self.min_units = to_units(req.min_amount) if req.min_amount else 0
        self.include_poisoning = req.include_poisoning
        self.dust = to_units(POISON_DUST.get(token, DEFAULT_POISON_DUST))
        self.cg = cg
        self.poisoning: set[str] = set()

    def _keep(self, m: Move, sender: str) -> bool:
        if not (m.token == self.token and m.units >= self.min_units
                and (self.since is None or m.ts >= self.since)
                and (self.until is None or m.ts <= self.until)):
            return False
        if not self.include_poisoning and is_poisoning(self.cg, m, sender, self.dust):
            self.poisoning.add(m.record_id)
            return False
        return True

    def out_events(self, u: str) -> Iterator[Event]:
        """Transfers by which money leaves `u` in the trace's direction."""
        return self._events(u, leaving=True)

    def in_events(self, u: str) -> Iterator[Event]:
        """Transfers by which money reaches `u` in the trace's direction."""
        return self._events(u, leaving=False)

    def _events(self, u: str, leaving: bool) -> Iterator[Event]:
        along = self.forward == leaving
        edges = self.g.succ[u] if along else self.g.pred[u]
        sign = 1 if self.forward else -1
        for v, data in edges.items():
            for m in data["m"]:
                if self._keep(m, u if along else v):
                    yield Event(sign * m.ts, u, v, m) if leaving else Event(sign * m.ts, v, u, m)

    def neighbours(self, u: str) -> Iterator[str]:
        return iter(self.g.succ[u] if self.forward else self.g.pred[u])


def trace_keeps(cg: CaseGraph, req: TraceRequest, token: str) -> Callable[[Move, str], bool]:
    """Whether a trace of `req` in `token` follows a transfer (sent by `sender`): its token,
    dates and least amount, and no probable address poisoning — for those who list a
    wallet's transfers as the trace would see them."""
    return _View(cg, req, token)._keep


def is_poisoning(cg: CaseGraph, m: Move, sender: str, dust_units: int) -> bool:
    """Probable address poisoning: a zero-value transfer, or dust from a look-alike address."""
    return m.units == 0 or (m.units <= dust_units and cg.has_lookalike(sender))


def _start_tokens(cg: CaseGraph, starts: list[str], forward: bool) -> Counter[str]:
    """Token keys of the transfers by which money leaves (or reaches) the starts."""
    counts: Counter[str] = Counter()
    for s in starts:
        edges = cg.graph.succ[s] if forward else cg.graph.pred[s]
        for data in edges.values():
            counts.update(m.token for m in data["m"] if m.units)
    return counts


def _main_token(counts: Counter[str]) -> str:
    """The starts' most used token, a known one (not `symbol@contract`) when there is one."""
    known = Counter({k: n for k, n in counts.items() if "@" not in k})
    return (known or counts).most_common(1)[0][0] if counts else "USDT"


def resolve_token(asked: str, counts: Counter[str]) -> str:
    """The key of the token asked for: a key, a contract, or a symbol.

    A known symbol ('USDT') means the real token only, never a contract that borrows it; another
    symbol means the starts' most used contract of that name.
    """
    if "@" in asked or asked in counts:
        return asked
    for chain in ("tron", "eth"):
        contract = asked.lower() if chain == "eth" else asked
        if valid_contract(chain, contract):
            if (known := KNOWN_TOKENS.get((chain, contract))) is not None:
                return known.symbol
            keys = [k for k in counts if k.endswith(f"@{contract}")]
            return keys[0] if keys else f"@{contract}"
    if any(t.symbol == asked.upper() for t in KNOWN_TOKENS.values()):
        return asked.upper()
    named = Counter({k: n for k, n in counts.items() if k.rsplit("@", 1)[0] == asked})
    return named.most_common(1)[0][0] if named else asked


class _Tracer:
    def __init__(self, cg: CaseGraph, req: TraceRequest) -> None:
        self.cg = cg
        self.g = cg.graph
        self.req = req
        self.starts = [a for a in dict.fromkeys(req.addresses) if a in self.g]
        self.start_tokens = _start_tokens(cg, self.starts, req.direction == "forward")
        self.token = (resolve_token(req.token, self.start_tokens) if req.token
                      else _main_token(self.start_tokens))
        self.view = _View(cg, req, self.token)
        self.stops: dict[str, tuple[EndpointReason, str | None]] = {}

    # --- what ends a walk -------------------------------------------------------------------

    def stop_reason(self, node: str) -> tuple[EndpointReason, str | None] | None:
        if node in self.stops:
            return self.stops[node]
        attrs = self.g.nodes[node]
        reason: tuple[EndpointReason, str | None] | None = None
        if attrs.get("tag"):
            kind: EndpointReason = "exchange" if attrs.get("category") == "exchange" else "tagged"
            reason = (kind, attrs["tag"])
        elif len(self.g.succ[node]) + len(self.g.pred[node]) > HUB_DEGREE:
            reason = ("hub", f"{len(self.g.succ[node]) + len(self.g.pred[node]):,} counterparties")
        elif self.view.forward and (exchange := self.deposit_of(node)):
            reason = ("exchange_deposit", f"deposit address of {exchange}")
        if reason:
            self.stops[node] = reason
        return reason

    def deposit_of(self, node: str) -> str | None:
        """The exchange `node` sweeps its receipts to, if it behaves as a deposit address."""
        succ = self.g.succ[node]
        if not succ or len(succ) > 3:
            return None
        outs = [(v, m) for v, d in succ.items() for m in d["m"] if m.token == self.token]
        total = sum(m.units for _, m in outs)
        to_exchange = [(v, m) for v, m in outs
                       if self.g.nodes[v].get("category") == "exchange"]
        if not total or sum(m.units for _, m in to_exchange) < DEPOSIT_SHARE * total:
            return None
        inflow_times = sorted(m.ts for d in self.g.pred[node].values() for m in d["m"])
        for _, m in to_exchange:
            before = [t for t in inflow_times if t <= m.ts]
            if not before or m.ts - before[-1] > SWEEP_SECONDS:
                return None
        return self.g.nodes[to_exchange[0][0]].get("tag")

    # --- the walk ------------------------------------------------------------------------------

    def reach(self) -> tuple[dict[str, int], set[str]]:
        """Hop distance of every address within reach, and those whose outflows are followed."""
        depth = dict.fromkeys(self.starts, 0)
        expanded: set[str] = set()
        frontier = list(self.starts)
        for hop in range(self.req.hops):
            nxt = []
            for u in frontier:
                if u not in self.starts and self.stop_reason(u):
                    continue
                expanded.add(u)
                for v in self.view.neighbours(u):
                    if v not in depth:
                        depth[v] = hop + 1
                        nxt.append(v)
            frontier = nxt
        return depth, expanded

    def run(self) -> TraceResult:
        depth, expanded = self.reach()
        events: dict[str, Event] = {}
        for u in expanded:
            for e in self.view.out_events(u):
                events[e.move.record_id] = e
            if u not in self.starts:
                for e in self.view.in_events(u):
                    events.setdefault(e.move.record_id, e)
        ordered = sorted(events.values(), key=lambda e: (e.ts, e.move.record_id))
        policy = POLICIES[self.req.policy]
        holdings: dict[str, Holding] = defaultdict(policy)
        starts = set(self.starts)
        traced_total = 0
        carried: dict[int, tuple[Event, int, int | None]] = {}
        for i, e in enumerate(ordered):
            if e.sender in starts:
                part, parent = e.move.units, None
                if e.receiver not in starts:
                    traced_total += part
            elif e.sender in expanded:
                part, parent = holdings[e.sender].spend(e.move.units)
            else:
                part, parent = 0, None
            if e.receiver in starts:
                if part and e.sender not in starts:
                    holdings[e.receiver].receive(e.move.units, part, i)
                continue
            holdings[e.receiver].receive(e.move.units, part, i)
            if part:
                carried[i] = (e, part, parent)
        return self._result(depth, expanded, holdings, carried, traced_total, len(ordered))

    # --- the answer ----------------------------------------------------------------------------

    def _result(self, depth: dict[str, int], expanded: set[str], holdings: dict[str, Holding],
                carried: dict[int, tuple[Event, int, int | None]], traced_total: int,
                considered: int) -> TraceResult:
        best_inflow: dict[str, int] = {}  # address -> event of its largest traced inflow
        for i, (e, part, _) in carried.items():
            best = best_inflow.get(e.receiver)
            if best is None or part > carried[best][1]:
                best_inflow[e.receiver] = i
        inflow: dict[str, int] = defaultdict(int)  # traced money each address received
        cashed: dict[str, int] = defaultdict(int)  # ... and sent straight to an exchange
        for e, part, _ in carried.values():
            inflow[e.receiver] += part
            stop = self.stops.get(e.receiver)
            if stop and stop[0] in ("exchange", "exchange_deposit"):
                cashed[e.sender] += part
        endpoints, dust = [], 0
        for node, h in holdings.items():
            held = h.traced_held
            if held <= 0:
                continue
            if held < DUST_UNITS:
                dust += held
                continue
            reason, label = self._classify(node, depth, expanded)
            if reason in ("beneficiary", "origin") and node in expanded and \
                    held <= RESIDUE_SHARE * inflow[node] and \
                    cashed[node] * 2 < inflow[node] - held:
                # A layering hop that passed nearly all of it on: what it kept is residue,
                # and calling it a beneficiary would name a mule as the money's owner.
                reason = "residue"
                label = (f"kept {_fmt(held)} of {_fmt(inflow[node])} "
                         f"({held / inflow[node]:.2%}), passed the rest on")
            attrs = self.g.nodes[node]
            endpoints.append(Endpoint(
                address=node, reason=reason, amount=_fmt(held),
                share=held / traced_total if traced_total else 0.0, label=label,
                tag_record=attrs.get("tag_record"),
                path=self._path(best_inflow.get(node), carried),
            ))
        endpoints.sort(key=lambda ep: (-to_units(ep.amount), ep.address))
        others = [OtherToken(key=k, label=token_label(k), transfers=n)
                  for k, n in self.start_tokens.most_common() if k != self.token]
        return TraceResult(
            request=self.req, token=token_label(self.token), token_key=self.token,
            token_contract=self.token.rsplit("@", 1)[1] if "@" in self.token else None,
            other_tokens=others[:20], traced=_fmt(traced_total), dust=_fmt(dust),
            endpoints=endpoints, patterns=self._patterns(carried, expanded),
            addresses_visited=len(depth), transfers_considered=considered,
            poisoning_excluded=len(self.view.poisoning),
            poisoning_records=sorted(self.view.poisoning)[:MAX_CITED_POISONING],
        )

    def _classify(self, node: str, depth: dict[str, int], expanded: set[str]
                  ) -> tuple[EndpointReason, str | None]:
        if node in self.starts:
            return "start_cycle", "money came back to a start address"
        if stop := self.stop_reason(node):
            return stop
        if node not in expanded and any(True for _ in self.view.out_events(node)):
            return "unresolved", f"beyond {self.req.hops} hops"
        return ("beneficiary" if self.view.forward else "origin"), None

    def _path(self, event: int | None, carried: dict[int, tuple[Event, int, int | None]]
              ) -> list[Hop]:
        hops: list[Hop] = []
        seen: set[int] = set()
        while event is not None and event in carried and event not in seen:
            seen.add(event)
            e, part, parent = carried[event]
            m = e.move
            frm, to = (e.sender, e.receiver) if self.view.forward else (e.receiver, e.sender)
            hops.append(Hop(record_id=m.record_id, tx=m.tx,
                            time=datetime.fromtimestamp(m.ts, UTC) if m.ts else None,
                            from_address=frm, to_address=to, amount=_fmt(m.units),
                            traced=_fmt(part)))
            event = parent
        hops.reverse()
        return hops

    def _patterns(self, carried: dict[int, tuple[Event, int, int | None]], expanded: set[str]
                  ) -> list[Pattern]:
        outs: dict[str, list[tuple[Event, int]]] = defaultdict(list)
        senders: dict[str, dict[str, str]] = defaultdict(dict)
        for e, part, _ in carried.values():
            outs[e.sender].append((e, part))
            senders[e.receiver].setdefault(e.sender, e.move.record_id)
        patterns: list[Pattern] = []
        # Peel chains: hop after hop, most goes on to one address and a little is peeled off.
        main_next: dict[str, tuple[str, str]] = {}
        for node, sent in outs.items():
            total = sum(p for _, p in sent)
            e, part = max(sent, key=lambda x: (x[1], x[0].move.record_id))
            if len(sent) >= 2 and part >= PEEL_MAIN_SHARE * total:
                main_next[node] = (e.receiver, e.move.record_id)
        heads = set(main_next) - {nxt for nxt, _ in main_next.values()}
        for head in sorted(heads):
            chain, ids, node = [head], [], head
            while node in main_next and len(chain) < 50:
                node, rid = main_next[node]
                chain.append(node)
                ids.append(rid)
            if len(ids) >= 3:
                patterns.append(Pattern(kind="peel_chain", addresses=chain, record_ids=ids,
                                        note=f"{len(ids)} hops, each passing on most and "
                                             "peeling off a little"))
        for node, by_sender in sorted(senders.items()):
            if len(by_sender) >= CONSOLIDATION_SENDERS:
                patterns.append(Pattern(kind="consolidation", addresses=[node, *by_sender],
                                        record_ids=list(by_sender.values())[:50],
                                        note=f"traced money from {len(by_sender)} addresses "
                                             "gathered here"))
        for node, (reason, label) in sorted(self.stops.items()):
            if reason == "exchange_deposit" and node in senders:
                # Deposit reuse: everyone paying into one deposit address is one customer of
                # the exchange, so the deposit clusters its senders (Victor 2020).
                users = sorted(self.g.pred[node])
                sweeps = [m.record_id for v, d in self.g.succ[node].items() for m in d["m"]]
                patterns.append(Pattern(kind="exchange_deposit", addresses=[node, *users],
                                        record_ids=sweeps[:50],
                                        note=f"{label}; {len(users)} address(es) deposit here, "
                                             "one exchange customer"))
        return patterns


def _fmt(units: int) -> str:
    return format(from_units(units), "f")


def trace(cg: CaseGraph, req: TraceRequest) -> TraceResult:
    """Follow the money from `req.addresses` (forward: where it went; backward: where from).

    Money leaves an address only after it arrived; the policy decides how much of each outflow
    is the traced money. Walks stop at tagged entities, exchange deposit addresses and busy
    hubs, and at `req.hops`; every endpoint says why it is one and cites the transfers behind it.
    """
    return _Tracer(cg, req).run()
