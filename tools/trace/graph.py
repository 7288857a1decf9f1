"""A case's transfers as a networkx graph, loaded once and topped up as new evidence arrives."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

import networkx as nx

from tools.ingest.amounts import stored_amount
from tools.store import CaseStore
from tools.store.transfers import tags, transfers_after
from tools.tokens import lookalike_key

# Every amount is held as an integer number of 1e-18 token units: exact for USDT (6 decimals),
# BTC (8) and ETH (18) alike, and integer arithmetic keeps each policy's split exact.
UNIT_EXP = 18
CHAINS = ("tron", "eth", "btc")


class Move(NamedTuple):
    ts: float  # Unix seconds; 0 when unknown
    units: int
    record_id: str
    tx: str
    token: str


def to_units(amount: str | Decimal) -> int:
    """Exact 1e-18 units of a bounded amount (see `tools.limits`); ValueError otherwise."""
    value = amount if isinstance(amount, Decimal) else stored_amount(amount)
    if value is None or not value.is_finite() or value.adjusted() >= 100:
        raise ValueError(f"not a bounded amount: {str(amount)[:40]!r}")
    return int(value.scaleb(UNIT_EXP))


def from_units(units: int) -> Decimal:
    return (Decimal(units) / (10**UNIT_EXP)).normalize()


@dataclass
class CaseGraph:
    """Directed graph of addresses; each edge's `m` lists the transfers (Moves) along it."""

    case: str
    graph: nx.DiGraph = field(default_factory=nx.DiGraph)
    last_seq: int = 0
    # Transfers whose stored amount is not a bounded plain decimal (left out of every trace).
    skipped: list[str] = field(default_factory=list)
    # Addresses of the case by (leading, trailing) characters: more than one is a look-alike.
    lookalikes: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def has_lookalike(self, address: str) -> bool:
        """Whether another address of the case shares `address`'s leading and trailing
        characters (what poisoners imitate to have their address copied from a history)."""
        key = lookalike_key(address)
        return key is not None and len(self.lookalikes.get(key, ())) > 1

    def refresh(self, store: CaseStore) -> int:
        """Add transfers imported since the last call; returns how many were added."""
        with self.lock, store.engine.connect() as conn:
            rows = transfers_after(conn, self.case, self.last_seq, CHAINS)
            added = 0
            g = self.graph
            for r in rows:
                self.last_seq = r.seq
                if not r.from_address or not r.to_address:
                    continue
                amount = stored_amount(r.amount)
                if amount is None:
                    # Written before amounts were strict ('1e999999'): left out, never a crash.
                    self.skipped.append(r.record_id)
                    continue
                move = Move(_epoch(r.ts), to_units(amount), r.record_id, r.tx, r.token)
                for address in (r.from_address, r.to_address):
                    if address not in g and (key := lookalike_key(address)) is not None:
                        self.lookalikes.setdefault(key, set()).add(address)
                if g.has_edge(r.from_address, r.to_address):
                    g[r.from_address][r.to_address]["m"].append(move)
                else:
                    g.add_edge(r.from_address, r.to_address, m=[move])
                added += 1
            for rid, data in tags(conn, self.case):
                address = data.get("address")
                if address:
                    g.add_node(address, tag=data.get("label"), category=data.get("category"),
                               tag_record=rid)
        return added


def _epoch(ts: datetime | None) -> float:
    return ts.timestamp() if ts is not None else 0.0


# The graphs of the cases in use: a server that has opened a hundred cases rebuilds the
# graph of an old one from the store rather than keep them all.
GRAPHS_KEPT = 16
_CACHE: OrderedDict[tuple[str, str], CaseGraph] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def load_case_graph(store: CaseStore, case: str) -> CaseGraph:
    """The case's graph, built on first use and brought up to date on every later call."""
    key = (str(store.engine.url), case)
    with _CACHE_LOCK:
        cg = _CACHE.setdefault(key, CaseGraph(case))
        _CACHE.move_to_end(key)
        while len(_CACHE) > GRAPHS_KEPT:
            _CACHE.popitem(last=False)
    cg.refresh(store)
    return cg
