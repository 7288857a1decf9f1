"""A trace result as a money-flow graph: DOT for the browser, a layered layout for reports."""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ui.text import visible

COLOURS = {"start": "#1f6feb", "beneficiary": "#d1242f", "origin": "#8250df",
           "exchange": "#1a7f37", "exchange_deposit": "#bc4c00", "tagged": "#1a7f37",
           "hub": "#6e7781", "unresolved": "#6e7781", "start_cycle": "#6e7781", "hop": "#57606a"}


@dataclass
class FlowGraph:
    """Addresses and the traced amounts between them, as the trace's paths walk them."""

    token: str
    starts: list[str]
    edges: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    held: dict[str, Decimal] = field(default_factory=dict)

    @property
    def nodes(self) -> list[str]:
        seen = dict.fromkeys(self.starts)
        for a, b in self.edges:
            seen.setdefault(a)
            seen.setdefault(b)
        return list(seen)

    def role(self, node: str) -> str:
        return self.roles.get(node, "hop")


def flow_graph(trace: dict[str, Any]) -> FlowGraph:
    g = FlowGraph(token=trace["token"], starts=list(trace["request"]["addresses"]))
    edges: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for ep in trace["endpoints"]:
        g.roles[ep["address"]] = ep["reason"]
        g.held[ep["address"]] = Decimal(ep["amount"])
        if ep.get("label"):
            g.labels[ep["address"]] = ep["label"]
        for hop in ep["path"]:
            edges[(hop["from_address"], hop["to_address"])] = max(
                edges[(hop["from_address"], hop["to_address"])], Decimal(hop["traced"]))
    for s in g.starts:
        g.roles[s] = "start"
    g.edges = dict(edges)
    return g


def short(address: str) -> str:
    return address if len(address) <= 14 else f"{address[:6]}…{address[-4:]}"


def amount(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", " ")


def _quote(text: str) -> str:
    # Escaped quotes and backslashes: evidence cannot end the string and add attributes (URL=).
    return '"' + visible(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(g: FlowGraph) -> str:
    """Graphviz DOT, left to right: starts blue, beneficiaries red, exchanges green."""
    lines = ["digraph flow {", "rankdir=LR; node [shape=box, style=\"rounded,filled\", "
             "fontname=Helvetica, fontsize=10, fontcolor=white]; edge [fontsize=9];"]
    for node in g.nodes:
        text = short(node)
        if node in g.labels:
            text += f"\n{g.labels[node]}"
        if node in g.held:
            text += f"\n{amount(g.held[node])} {g.token}"
        lines.append(f"{_quote(node)} [label={_quote(text)}, "
                     f"fillcolor={_quote(COLOURS[g.role(node)])}];")
    for (a, b), value in g.edges.items():
        lines.append(f"{_quote(a)} -> {_quote(b)} [label={_quote(amount(value))}];")
    lines.append("}")
    return "\n".join(lines)


def layers(g: FlowGraph) -> dict[str, tuple[int, int]]:
    """(column, row) per address: column = hops from a start, rows in order of arrival."""
    succ: dict[str, list[str]] = defaultdict(list)
    for a, b in g.edges:
        succ[a].append(b)
    depth = {s: 0 for s in g.starts}
    queue = deque(g.starts)
    while queue:
        a = queue.popleft()
        for b in succ[a]:
            if b not in depth:
                depth[b] = depth[a] + 1
                queue.append(b)
    for node in g.nodes:
        depth.setdefault(node, 0)
    rows: dict[int, int] = defaultdict(int)
    place = {}
    for node in g.nodes:
        place[node] = (depth[node], rows[depth[node]])
        rows[depth[node]] += 1
    return place


def to_svg(g: FlowGraph, column: int = 170) -> str:
    """A self-contained SVG of the flow (for HTML reports): no script, text escaped."""
    from xml.sax.saxutils import escape

    place = layers(g)
    cols = max((c for c, _ in place.values()), default=0) + 1
    rows = max((r for _, r in place.values()), default=0) + 1
    width, dx, dy = cols * column, column, 46
    height = int(rows * dy + 20)

    def xy(node: str) -> tuple[float, float]:
        c, r = place[node]
        return 10 + c * dx, 20 + r * dy

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'font-family="sans-serif" font-size="10">']
    for (a, b), value in g.edges.items():
        (x1, y1), (x2, y2) = xy(a), xy(b)
        parts.append(f'<line x1="{x1 + 120:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" '
                     'stroke="#8c959f"/>')
        parts.append(f'<text x="{(x1 + 120 + x2) / 2:.0f}" y="{(y1 + y2) / 2 - 3:.0f}" '
                     f'fill="#57606a">{escape(amount(value))}</text>')
    for node in g.nodes:
        x, y = xy(node)
        colour = COLOURS[g.role(node)]
        parts.append(f'<rect x="{x:.0f}" y="{y - 12:.0f}" width="120" height="24" rx="5" '
                     f'fill="{colour}"/>')
        label = short(node) + (f" {amount(g.held[node])}" if node in g.held else "")
        parts.append(f'<text x="{x + 4:.0f}" y="{y + 4:.0f}" fill="white">'
                     f'{escape(visible(label))}</text>')
    parts.append("</svg>")
    return "".join(parts)
