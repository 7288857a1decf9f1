"""The path money took between two addresses: the chain of transfers, each hop a record."""

from __future__ import annotations

from collections import deque
from datetime import UTC, datetime

from pydantic import BaseModel, Field

from tools.trace.engine import trace
from tools.trace.graph import CaseGraph, Move, from_units, to_units
from tools.trace.models import Hop, TraceRequest

MAX_PATH_HOPS = 12
MAX_VISITED = 200_000


class MoneyPath(BaseModel):
    source: str
    target: str
    hops: list[Hop] = Field(description="Transfers from source to target, in order; empty when "
                                        "no chain of transfers joins them")
    token: str = ""
    reached: str | None = Field(default=None, description=(
        "Traced money of the source that came to the target (forward trace, haircut)"))
    visited: int = 0
    other_routes: list[list[Hop]] = Field(default_factory=list, description=(
        "Other chains from source to target, each leaving the source by another first hop "
        "(largest first): the ways the money split"))


MAX_OTHER_ROUTES = 3
# First hops tried for other routes (the source's largest payees), each a bounded search.
MAX_FIRST_HOPS = 6
MAX_ROUTE_VISITED = 5_000


def _chain(cg: CaseGraph, source: str, target: str, max_hops: int, start: float,
           avoid: frozenset[str] = frozenset(), budget: int = MAX_VISITED
           ) -> tuple[list[Hop], int]:
    """The shortest chain from `source` (money there from `start`, a timestamp) to `target`
    whose times do not go back, through none of `avoid`; and how many addresses it saw."""
    g = cg.graph
    parent: dict[str, tuple[str, Move]] = {}
    arrival: dict[str, float] = {source: start}
    queue = deque([(source, 0)])
    while queue and len(arrival) < budget:
        node, depth = queue.popleft()
        if node == target or depth >= max_hops:
            continue
        for nxt in g.successors(node):
            if nxt in arrival or nxt in avoid:
                continue
            moves = [m for m in g.edges[node, nxt]["m"] if (m.ts or 0) >= arrival[node]]
            if not moves:
                continue
            move = max(moves, key=lambda m: m.units)
            arrival[nxt] = move.ts or arrival[node]
            parent[nxt] = (node, move)
            queue.append((nxt, depth + 1))
    if target not in parent:
        return [], len(arrival)
    hops: list[Hop] = []
    node = target
    while node != source:
        prev, move = parent[node]
        hops.append(_hop(prev, node, move))
        node = prev
    return list(reversed(hops)), len(arrival)


def _hop(prev: str, node: str, move: Move) -> Hop:
    amount = format(from_units(move.units), "f")
    return Hop(record_id=move.record_id, tx=move.tx,
               time=datetime.fromtimestamp(move.ts, UTC) if move.ts else None,
               from_address=prev, to_address=node, amount=amount, traced=amount)


def _other_routes(cg: CaseGraph, source: str, target: str, first: str, max_hops: int,
                  token: str) -> list[list[Hop]]:
    """Chains from `source` to `target` through other first hops than `first`: where the
    source's money of `token` (the path's) split on its way (each one bounded, the largest
    payees of that token first)."""
    g = cg.graph
    routes: list[list[Hop]] = []
    firsts = sorted(((nxt, max(moves, key=lambda m: m.units))
                     for nxt in g.successors(source) if nxt not in (first, target) and
                     (moves := [m for m in g.edges[source, nxt]["m"] if m.token == token])),
                    key=lambda nm: nm[1].units, reverse=True)[:MAX_FIRST_HOPS]
    for nxt, move in firsts:
        rest, _ = _chain(cg, nxt, target, max_hops - 1, move.ts or float("-inf"),
                         frozenset({source}), MAX_ROUTE_VISITED)
        if rest:
            routes.append([_hop(source, nxt, move), *rest])
        if len(routes) >= MAX_OTHER_ROUTES:
            break
    return routes


def money_path(cg: CaseGraph, source: str, target: str, max_hops: int = MAX_PATH_HOPS
               ) -> MoneyPath:
    """The shortest chain of transfers from `source` to `target` whose times do not go back,
    and how much of the source's traced money reached the target."""
    g = cg.graph
    result = MoneyPath(source=source, target=target, hops=[])
    if source not in g or target not in g or source == target:
        return result
    # Breadth first over (address, earliest arrival): a hop may only leave after it arrived.
    hops, result.visited = _chain(cg, source, target, max_hops, float("-inf"))
    if not hops:
        return result
    result.hops = hops
    result.token = next(m.token for m in g.edges[hops[-1].from_address, target]["m"]
                        if m.record_id == hops[-1].record_id)
    result.other_routes = _other_routes(cg, source, target, hops[0].to_address, max_hops,
                                        result.token)
    traced = trace(cg, TraceRequest(addresses=[source], hops=max(7, len(hops) + 2)))
    reached = sum(to_units(e.amount) for e in traced.endpoints
                  if e.address == target or any(h.to_address == target for h in e.path))
    result.reached = format(from_units(reached), "f")
    return result
