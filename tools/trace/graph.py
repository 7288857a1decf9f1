"""A case's transfers as a graph, kept on disk beside the store as arrays (tools.trace.compact),
mapped by each process and topped up as new evidence arrives."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy import select

from tools.ingest.amounts import stored_amount
from tools.memo import Memo
from tools.store import CaseStore
from tools.store.schema import transfers
from tools.store.transfers import (
    first_transfer_after,
    tags,
    transfer_batches_after,
    transfers_after,
)
from tools.tokens import lookalike_key
from tools.trace.compact import (
    UNIT_EXP,
    CompactGraph,
    Move,
    NewMoves,
    amount_columns,
    amount_parts,
)

log = logging.getLogger(__name__)

__all__ = ["CHAINS", "UNIT_EXP", "CaseGraph", "Move", "from_units", "load_case_graph",
           "to_units"]

# Every amount is held as an integer number of 1e-18 token units: exact for USDT (6 decimals),
# BTC (8) and ETH (18) alike, and integer arithmetic keeps each policy's split exact.
CHAINS = ("tron", "eth", "btc")


def to_units(amount: str | Decimal) -> int:
    """Exact 1e-18 units of a bounded amount (see `tools.limits`); ValueError otherwise."""
    value = amount if isinstance(amount, Decimal) else stored_amount(amount)
    if value is None or not value.is_finite() or value.adjusted() >= 100:
        raise ValueError(f"not a bounded amount: {str(amount)[:40]!r}")
    return int(value.scaleb(UNIT_EXP))


def from_units(units: int) -> Decimal:
    return (Decimal(units) / (10**UNIT_EXP)).normalize()


def _digraph() -> Any:
    import networkx as nx

    return nx.DiGraph()


@dataclass
class CaseGraph:
    """Directed graph of addresses; each edge's `m` lists the transfers (Moves) along it.

    `graph` answers networkx's read API: a `CompactGraph` mapped from disk for a case in a
    store (`load_case_graph`), or a networkx DiGraph built by hand (tests, small tools)."""

    case: str
    graph: Any = field(default_factory=_digraph)
    last_seq: int = 0
    # Transfers whose stored amount is not a bounded plain decimal (left out of every trace).
    skipped: list[str] = field(default_factory=list)
    # Addresses of the case by (leading, trailing) characters: more than one is a look-alike.
    # None: read from a compact graph when first asked (a process that only looks up or
    # traces clean money never pays a pass over every address).
    _lookalikes: dict[tuple[str, str], set[str]] | None = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Where the arrays are kept; None for a graph built in memory.
    folder: Path | None = None
    transfers_seen: int = 0
    last_record: str = ""

    @property
    def lookalikes(self) -> dict[tuple[str, str], set[str]]:
        if self._lookalikes is None:
            self._lookalikes = self.graph.lookalikes()
        return self._lookalikes

    def has_lookalike(self, address: str) -> bool:
        """Whether another address of the case shares `address`'s leading and trailing
        characters (what poisoners imitate to have their address copied from a history)."""
        key = lookalike_key(address)
        return key is not None and len(self.lookalikes.get(key, ())) > 1

    def refresh(self, store: CaseStore, feed: GraphFeed | None = None) -> int:
        """Add transfers imported since the last call; returns how many were added.
        `feed`: the transfers an import of this process wrote, taken instead of reading them
        back where they are the next ones of the case."""
        if self.folder is not None:
            return self._refresh_compact(store, feed)
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

    def _refresh_compact(self, store: CaseStore, feed: GraphFeed | None) -> int:
        """Map the arrays kept on disk if this process has none, merge transfers imported
        since they were written, and write the new version for the next process."""
        assert self.folder is not None
        with self.lock, store.engine.connect() as conn:
            g: CompactGraph = self.graph
            if self.last_seq == 0 and (kept := CompactGraph.open(self.folder)) is not None:
                mapped, meta = kept
                if meta.get("case") == self.case and _record_at(
                        conn, int(meta["last_seq"])) == meta.get("last_record"):
                    g, self.graph = mapped, mapped
                    self.last_seq = int(meta["last_seq"])
                    self.last_record = str(meta["last_record"])
                    self.transfers_seen = int(meta["transfers_seen"])
                    self.skipped = list(meta["skipped"])
                    self._lookalikes = None
            new = NewMoves()
            seen, seq, record_id = 0, self.last_seq, self.last_record
            if feed is not None:
                follows = feed.follows(conn, self.case, self.last_seq)
                taken = feed.take()  # its memory is the merge's, or freed before reading back
                if follows:
                    new, seen, (seq, record_id) = taken.new, taken.seen, taken.last_chain
                    self.skipped += taken.skipped
            for batch in transfer_batches_after(conn, self.case, seq, CHAINS):
                seen += len(batch)
                seq, record_id = batch[-1][0], batch[-1][1]
                add_rows(new, self.skipped, batch)
            self.last_seq, self.last_record = seq, record_id
            self.transfers_seen += seen
            attrs = {}
            for rid, data in tags(conn, self.case):
                address = data.get("address")
                if address:
                    attrs[address] = {"tag": data.get("label"), "category": data.get("category"),
                                      "tag_record": rid}
            tagged_only = [a for a in attrs if a not in g.index]
            if new or tagged_only:
                g = g.merged(new, tagged_only)
                try:
                    g.save(self.folder, {"case": self.case, "last_seq": self.last_seq,
                                         "last_record": self.last_record,
                                         "transfers_seen": self.transfers_seen,
                                         "skipped": self.skipped})
                except OSError as exc:
                    # A read-only or full disk: this process traces from memory; the next
                    # one builds the arrays again.
                    log.warning("trace graph of %s not written to %s: %s", self.case,
                                self.folder, exc)
                self.graph = g
                self._lookalikes = None
            g.attrs = attrs
        return len(new)



def add_rows(new: NewMoves, skipped: list[str], batch: list[tuple[Any, ...]]) -> None:
    """Rows of `transfer_batches_after` added to `new` as columns; transfers without both
    ends left out, amounts not plain decimals read strictly or skipped (`skipped`)."""
    seqs, rids, toks, srcs, dsts, amounts, times, txs = _columns(batch)
    if not (all(srcs) and all(dsts)):
        # A transfer with one end unknown stays out; the rest of the batch goes on as one.
        batch = [r for r in batch if r[3] and r[4]]
        if not batch:
            return
        seqs, rids, toks, srcs, dsts, amounts, times, txs = _columns(batch)
    parts = amount_columns(amounts)
    if parts is None:  # amounts of another shape (a few, written long ago): row by row
        _add_rows_strictly(new, skipped, batch)
        return
    new.add(seqs, srcs, dsts, epoch_seconds(times), parts[0], parts[1], rids, txs, toks)


def _add_rows_strictly(new: NewMoves, skipped: list[str], batch: list[tuple[Any, ...]]
                       ) -> None:
    """`add_rows` with each amount read on its own: the strict reading where it is not a
    plain decimal (more than 18 decimals are cut as `to_units` cuts), skipped if unreadable."""
    kept, mants, exps = [], [], []
    for row in batch:
        amount, record_id = row[5], row[1]
        parts = amount_parts(amount)
        if parts is None:
            try:
                parts = (to_units(amount), 0)
            except ValueError:
                skipped.append(record_id)
                continue
        kept.append(row)
        mants.append(parts[0])
        exps.append(parts[1])
    if kept:
        seqs, rids, toks, srcs, dsts, _, times, txs = _columns(kept)
        new.add(seqs, srcs, dsts, epoch_seconds(times), mants, exps, rids, txs, toks)


class Taken(NamedTuple):
    """What a `GraphFeed` took, handed to the merge."""

    new: NewMoves
    skipped: list[str]
    seen: int  # chain transfers, as `transfer_batches_after` counts them
    last_chain: tuple[int, str]  # the sequence number and record id of the last


class GraphFeed:
    """The transfers an import writes, turned into the graph's columns on a thread of their
    own while it runs, so that the graph is merged after it without reading them back from
    the store (a million transfers: seconds). Usable only if every run of transfers written
    came with its sequence numbers, each run following the one before (`follows`)."""

    def __init__(self, case: str) -> None:
        self.case = case
        self.new = NewMoves()
        self.skipped: list[str] = []
        self.seen = 0  # chain transfers taken, as `transfer_batches_after` counts them
        self.first_chain: int | None = None  # the sequence number of the first of them
        self.last_chain: tuple[int, str] = (0, "")  # and of the last, with its record id
        self.next_seq: int | None = None  # where the next run must start
        self.broken = False
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="tergeu-graph-feed")
        self._taking: list[Future[None]] = []

    def add(self, first: int | None, rows: list[tuple[Any, ...]]) -> None:
        """`StoreWriter.on_transfers`: rows in `TRANSFER_COLUMNS` order from seq `first`."""
        if self.broken or first is None or self.next_seq not in (None, first):
            self.broken = True
            return
        self.next_seq = first + len(rows)
        self._taking.append(self._thread.submit(self._take, first, rows))

    def _take(self, first: int, rows: list[tuple[Any, ...]]) -> None:
        if self.broken:
            return  # will not be used: nothing more is kept
        batch = [(seq, r[1], r[3], r[4], r[5], r[6], r[7], r[8])
                 for seq, r in enumerate(rows, first) if r[2] in CHAINS]
        if rows and rows[0][0] != self.case:
            self.broken = True  # another case's (a run is one case's): this feed is of one
        if not batch:
            return
        if self.first_chain is None:
            self.first_chain = batch[0][0]
        self.seen += len(batch)
        self.last_chain = (batch[-1][0], batch[-1][1])
        add_rows(self.new, self.skipped, batch)

    def take(self) -> Taken:
        """What was taken, handed over once: this feed keeps nothing of it afterwards."""
        self.stop()
        taken = Taken(self.new, self.skipped, self.seen, self.last_chain)
        self.new, self.skipped, self.broken = NewMoves(), [], True
        return taken

    def stop(self) -> None:
        """Take no more: wait for the runs told (what taking one raised stays on it)."""
        self._thread.shutdown()

    def close(self) -> None:
        """Wait until every run told is taken; raises what taking one raised."""
        self.stop()
        for taking in self._taking:
            taking.result()

    def follows(self, conn: Any, case: str, last_seq: int) -> bool:
        """Whether the feed holds the case's chain transfers after `last_seq`, from the
        first on (those the store holds after the feed's are read back as usual)."""
        try:
            self.close()
        except Exception:  # noqa: BLE001 - the transfers are read back from the store instead
            log.warning("the import's transfers were not taken for the graph", exc_info=True)
            return False
        return (not self.broken and case == self.case and self.first_chain is not None
                and first_transfer_after(conn, case, last_seq, CHAINS) == self.first_chain)


def _columns(rows: list[tuple[Any, ...]]) -> list[list[Any]]:
    """The columns of equally long `rows`: one list per position (a third of the time of
    `zip(*rows)` over a hundred thousand rows, which steps every row's iterator in turn)."""
    return [list(map(itemgetter(k), rows)) for k in range(len(rows[0]))] if rows else []


def epoch_seconds(times: list[Any]) -> list[float]:
    """Unix seconds of stored times, 0 where unknown: SQLite's text (UTC, no offset) read by
    NumPy at once, PostgreSQL's aware datetimes one by one; a naive datetime is UTC."""
    if all(type(t) is str for t in times):
        try:
            stamps = np.array(times, dtype="datetime64[us]")
        except ValueError:
            pass  # not ISO text: one by one below
        else:
            return (stamps.astype(np.int64) / 1e6).tolist()
    out = []
    for t in times:
        if isinstance(t, str):
            try:
                t = datetime.fromisoformat(t)
            except ValueError:
                t = None
        out.append(_epoch(t) if isinstance(t, datetime) else 0.0)
    return out


def _record_at(conn: Any, seq: int) -> str | None:
    """The record id of transfer `seq`: kept arrays whose last transfer the store does not
    hold at that place are another store's (one recreated, say) and are built again."""
    return conn.execute(select(transfers.c.record_id).where(transfers.c.seq == seq)).scalar()


def graph_folder(store: CaseStore, case: str) -> Path:
    """Where a case's arrays are kept: beside the store's evidence vault, one folder per
    store and case."""
    return store.folder_beside("graphs", case)


def _epoch(ts: datetime | None) -> float:
    if ts is None:
        return 0.0
    # SQLite gives stored times back without their offset; they were written as UTC.
    return (ts if ts.tzinfo is not None else ts.replace(tzinfo=UTC)).timestamp()


# The graphs of the cases in use: a server that has opened a hundred cases rebuilds the
# graph of an old one from the store rather than keep them all.
GRAPHS_KEPT = 16
_graphs: Memo[CaseGraph] = Memo(most=GRAPHS_KEPT)


def load_case_graph(store: CaseStore, case: str, feed: GraphFeed | None = None) -> CaseGraph:
    """The case's graph, built on first use and brought up to date on every later call
    (from `feed`, the transfers an import of this process wrote, where it can)."""
    cg = _graphs.get((str(store.engine.url), case), lambda: CaseGraph(
        case, graph=CompactGraph(), folder=graph_folder(store, case)))
    cg.refresh(store, feed)
    return cg
