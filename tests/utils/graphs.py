"""Small transfer graphs for tracing tests, built directly (no store)."""

from __future__ import annotations

from tools.trace.graph import CaseGraph, Move, to_units


def graph(*transfers: tuple[str, str, str | int, float], tags: dict[str, tuple[str, str]] | None
          = None, token: str = "USDT") -> CaseGraph:
    """`transfers` as (from, to, amount, unix seconds); ids are `t<n>` in the order given."""
    cg = CaseGraph("test")
    for n, (frm, to, amount, ts) in enumerate(transfers):
        move = Move(ts, to_units(str(amount)), f"t{n}", f"tx{n}", token)
        if cg.graph.has_edge(frm, to):
            cg.graph[frm][to]["m"].append(move)
        else:
            cg.graph.add_edge(frm, to, m=[move])
    for address, (label, category) in (tags or {}).items():
        cg.graph.add_node(address, tag=label, category=category, tag_record=f"tag:x/{address}")
    return cg
