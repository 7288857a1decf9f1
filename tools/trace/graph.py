"""A case's transfers as a networkx graph, loaded once and topped up as new evidence arrives."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

import networkx as nx

from tools.store import CaseStore
from tools.store.transfers import tags, transfers_after

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
    return int(Decimal(amount).scaleb(UNIT_EXP))


def from_units(units: int) -> Decimal:
    return (Decimal(units) / (10**UNIT_EXP)).normalize()


@dataclass
class CaseGraph:
    """Directed graph of addresses; each edge's `m` lists the transfers (Moves) along it."""

    case: str
    graph: nx.DiGraph = field(default_factory=nx.DiGraph)
    last_seq: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

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
                move = Move(_epoch(r.ts), to_units(r.amount), r.record_id, r.tx, r.token)
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


_CACHE: dict[tuple[str, str], CaseGraph] = {}
_CACHE_LOCK = threading.Lock()


def load_case_graph(store: CaseStore, case: str) -> CaseGraph:
    """The case's graph, built on first use and brought up to date on every later call."""
    key = (str(store.engine.url), case)
    with _CACHE_LOCK:
        cg = _CACHE.setdefault(key, CaseGraph(case))
    cg.refresh(store)
    return cg
