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


def money_path(cg: CaseGraph, source: str, target: str, max_hops: int = MAX_PATH_HOPS
               ) -> MoneyPath:
    """The shortest chain of transfers from `source` to `target` whose times do not go back,
    and how much of the source's traced money reached the target."""
    g = cg.graph
    result = MoneyPath(source=source, target=target, hops=[])
    if source not in g or target not in g or source == target:
        return result
    # Breadth first over (address, earliest arrival): a hop may only leave after it arrived.
    parent: dict[str, tuple[str, Move]] = {}
    arrival: dict[str, float] = {source: float("-inf")}
    queue = deque([(source, 0)])
    while queue and len(arrival) < MAX_VISITED:
        node, depth = queue.popleft()
        if node == target or depth >= max_hops:
            continue
        for nxt in g.successors(node):
            if nxt in arrival:
                continue
            moves = [m for m in g.edges[node, nxt]["m"] if (m.ts or 0) >= arrival[node]]
            if not moves:
                continue
            move = max(moves, key=lambda m: m.units)
            arrival[nxt] = move.ts or arrival[node]
            parent[nxt] = (node, move)
            queue.append((nxt, depth + 1))
    result.visited = len(arrival)
    if target not in parent:
        return result
    hops: list[Hop] = []
    node = target
    while node != source:
        prev, move = parent[node]
        amount = format(from_units(move.units), "f")
        hops.append(Hop(record_id=move.record_id, tx=move.tx,
                        time=datetime.fromtimestamp(move.ts, UTC) if move.ts else None,
                        from_address=prev, to_address=node, amount=amount, traced=amount))
        node = prev
    result.hops = list(reversed(hops))
    result.token = parent[target][1].token
    traced = trace(cg, TraceRequest(addresses=[source], hops=max(7, len(hops) + 2)))
    reached = sum(to_units(e.amount) for e in traced.endpoints
                  if e.address == target or any(h.to_address == target for h in e.path))
    result.reached = format(from_units(reached), "f")
    return result
