"""A case's transfer graph as arrays (CSR), kept on disk beside the store and memory-mapped.

Every transfer is one row of fixed-size columns (sender, receiver, time, amount, token, record
id), sorted by edge; edges are index ranges of those rows, with out- and in-adjacency as CSR
offsets. A process opens the files in milliseconds and reads only the pages a trace touches,
instead of rebuilding a networkx graph of Python objects from a million SQL rows. New evidence
is merged in and a new version written; processes holding the old one keep reading it.

The graph answers the part of networkx's read API the engine, paths, lookup and overview use
(`in`, `succ`, `pred`, `successors`, `predecessors`, `edges[u, v]`, `in_edges`/`out_edges`
with data, `g[u][v]`, `nodes[n]`), each edge's data being `{"m": [Move, ...]}` in import order.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from tools.tokens import lookalike_key

UNIT_EXP = 18
# Record ids of the usual TRC-20 form are kept as 36 bytes (txid and suffix); others as text.
_TRON_ID = re.compile(r"tron:([0-9a-f]{64})#([0-9a-f]{8})")
_TRON_IDS = re.compile(r"(?:tron:[0-9a-f]{64}#[0-9a-f]{8}\n)*")
_COLUMNS = ("src", "dst", "ts", "mant", "exp", "tok", "seq", "rid", "e_start", "e_src", "e_dst",
            "out_ptr", "in_edges", "in_ptr")
EDGE_CACHE = 20_000  # edges whose Moves are kept materialised


class Move(NamedTuple):
    ts: float  # Unix seconds; 0 when unknown
    units: int
    record_id: str
    tx: str
    token: str


class NewMove(NamedTuple):
    """A transfer read from the store, before it joins the arrays: its amount is
    `mant * 10**exp` units of 1e-18 (see `amount_parts`)."""

    seq: int
    src: str
    dst: str
    ts: float
    mant: int
    exp: int
    record_id: str
    tx: str
    token: str


# The columns a batch of new moves is packed into, with their types (`rid`: 36 bytes a row).
_MOVE_TYPES = {"seq": np.int64, "src": np.int32, "dst": np.int32, "ts": np.float64,
               "mant": np.int64, "exp": np.int8, "tok": np.int32, "rid": np.uint8}


@dataclass(slots=True)
class NewMoves:
    """Transfers read from the store before they join the arrays, packed batch by batch into
    the arrays' own column types (a large import holds a million here: about 70 bytes each,
    not the half kilobyte of Python strings and numbers a row of lists took). Addresses and
    tokens are numbered here as first met, sender before receiver; `CompactGraph.merged`
    renumbers them into the graph's. Amounts are `mant * 10**exp` units of 1e-18, times Unix
    seconds (0 when unknown)."""

    names: list[str] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    tokens: list[str] = field(default_factory=list)
    tok_index: dict[str, int] = field(default_factory=dict)
    parts: dict[str, list[np.ndarray]] = field(
        default_factory=lambda: {k: [] for k in _MOVE_TYPES})
    # By row of these moves: record ids not of the usual TRC-20 form (with their txids), and
    # amounts too big for int64.
    other_ids: dict[int, tuple[str, str]] = field(default_factory=dict)
    big_units: dict[int, int] = field(default_factory=dict)
    count: int = 0

    @classmethod
    def of(cls, moves: Iterable[NewMove]) -> NewMoves:
        new = cls()
        cols = list(zip(*moves, strict=True))
        if cols:
            new.add(*map(list, cols))
        return new

    def __len__(self) -> int:
        return self.count

    def add(self, seqs: list[int], srcs: list[str], dsts: list[str], tss: list[float],
            mants: list[int], exps: list[int], rids: list[str], txs: list[str],
            toks: list[str]) -> None:
        """Pack a batch of moves given as equally long columns (`NewMove`'s fields)."""
        n = len(seqs)
        if not n:
            return
        index = self.index
        # At C speed: a large import packs a million moves here.
        _number(self.names, index, dict.fromkeys(chain.from_iterable(zip(srcs, dsts,
                                                                         strict=True))))
        _number(self.tokens, self.tok_index, dict.fromkeys(toks))
        if min(mants) > -(2**63) and max(mants) < 2**63:
            mant = np.array(mants, np.int64).reshape(n)
            exp = np.array(exps, np.int8).reshape(n)
        else:
            mant = np.zeros(n, np.int64)
            exp = np.empty(n, np.int8)
            for k, (m_, e_) in enumerate(zip(mants, exps, strict=True)):
                if -(2**63) < m_ < 2**63:
                    mant[k], exp[k] = m_, e_
                else:
                    self.big_units[self.count + k] = m_ * 10**e_
                    exp[k] = 0
        cols: dict[str, np.ndarray] = {
            "seq": np.array(seqs, np.int64).reshape(n),
            "src": np.fromiter(map(index.__getitem__, srcs), np.int32, n),
            "dst": np.fromiter(map(index.__getitem__, dsts), np.int32, n),
            "ts": np.array(tss, np.float64).reshape(n),
            "mant": mant, "exp": exp,
            "tok": np.fromiter(map(self.tok_index.__getitem__, toks), np.int32, n),
            "rid": _packed_ids(rids, txs, self.count, self.other_ids),
        }
        for name, column in cols.items():
            self.parts[name].append(column)
        self.count += n

    def columns(self) -> dict[str, np.ndarray]:
        """Every column whole (local address and token numbers), kept whole from now on: a
        merge holds one copy of the new moves, not their batches beside them."""
        for k, v in self.parts.items():
            if len(v) != 1:
                self.parts[k] = [np.concatenate(v) if v else
                                 np.zeros((0, 36) if k == "rid" else 0, _MOVE_TYPES[k])]
        return {k: v[0] for k, v in self.parts.items()}


_PLAIN = re.compile(r"(-?)([0-9]{1,78})(?:\.([0-9]{1,18}))?")
# Plain decimals of at most 18 places, one per line: a column of amounts checked at once.
_PLAIN_LINES = re.compile(r"(?:-?[0-9]{1,78}(?:\.[0-9]{1,18})?\n)*")


def amount_parts(text: object) -> tuple[int, int] | None:
    """(mantissa, exponent) of a stored plain decimal with at most 18 decimals, exact, without
    building a Decimal; None for anything else (the caller takes the strict, slower path)."""
    hit = _PLAIN.fullmatch(text) if isinstance(text, str) else None
    if hit is None:
        return None
    sign, whole, frac = hit.groups()
    frac = (frac or "").rstrip("0")
    mant = int(whole + frac)
    return (-mant if sign else mant), UNIT_EXP - len(frac)


def amount_columns(texts: list[str]) -> tuple[list[int], list[int]] | None:
    """`amount_parts` of a column of stored amounts, checked by one pattern over all of them;
    None unless every one is a plain decimal of at most 18 places (then row by row)."""
    if not all(type(t) is str for t in texts) or not _PLAIN_LINES.fullmatch(
            "".join(t + "\n" for t in texts)):
        return None
    mants, exps = [], []
    for whole, _, frac in (t.partition(".") for t in texts):
        frac = frac.rstrip("0")
        mants.append(int(whole + frac))  # the sign is the whole part's
        exps.append(UNIT_EXP - len(frac))
    return mants, exps


class _Adjacency(Mapping[str, dict[str, list[Move]]]):
    """`succ[u]` or `pred[u]`: neighbour → {"m": moves}, in the order edges first appeared."""

    def __init__(self, g: CompactGraph, edges: np.ndarray, out: bool) -> None:
        self.g, self.edges, self.out = g, edges, out

    def _other(self, e: int) -> str:
        return self.g.names[int(self.g.a["e_dst" if self.out else "e_src"][e])]

    def __iter__(self) -> Iterator[str]:
        return (self._other(int(e)) for e in self.edges)

    def __len__(self) -> int:
        return len(self.edges)

    def __getitem__(self, v: str) -> dict[str, list[Move]]:
        j = self.g.index.get(v)
        col = self.g.a["e_dst" if self.out else "e_src"]
        if j is not None and len(self.edges):
            hits = self.edges[np.asarray(col[self.edges]) == j]
            if len(hits):
                return {"m": self.g.moves(int(hits[0]))}
        raise KeyError(v)

    def __contains__(self, v: object) -> bool:
        try:
            self[v]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def items(self) -> Iterator[tuple[str, dict[str, list[Move]]]]:  # type: ignore[override]
        return ((self._other(int(e)), {"m": self.g.moves(int(e))}) for e in self.edges)

    def values(self) -> Iterator[dict[str, list[Move]]]:  # type: ignore[override]
        return ({"m": self.g.moves(int(e))} for e in self.edges)


class _Side:
    def __init__(self, g: CompactGraph, out: bool) -> None:
        self.g, self.out = g, out

    def __getitem__(self, u: str) -> _Adjacency:
        return _Adjacency(self.g, self.g.edge_ids(u, self.out), self.out)


class _Edges:
    def __init__(self, g: CompactGraph) -> None:
        self.g = g

    def __getitem__(self, uv: tuple[str, str]) -> dict[str, list[Move]]:
        return self.g.succ[uv[0]][uv[1]]


class _Nodes(Mapping[str, dict[str, Any]]):
    def __init__(self, g: CompactGraph) -> None:
        self.g = g

    def __getitem__(self, n: str) -> dict[str, Any]:
        if n not in self.g.index:
            raise KeyError(n)
        return self.g.attrs.get(n, {})

    def __iter__(self) -> Iterator[str]:
        return iter(self.g.names)

    def __len__(self) -> int:
        return len(self.g.names)


@dataclass
class CompactGraph:
    """The arrays of one version of a case's graph (see the module's docstring)."""

    names: list[str] = field(default_factory=list)
    a: dict[str, np.ndarray] = field(default_factory=dict)
    tokens: list[str] = field(default_factory=list)
    # Record ids (and txids) not of the usual TRC-20 form, and amounts too big for int64.
    other_ids: dict[int, tuple[str, str]] = field(default_factory=dict)
    big_units: dict[int, int] = field(default_factory=dict)
    attrs: dict[str, dict[str, Any]] = field(default_factory=dict)
    index: dict[str, int] = field(default_factory=dict)
    _cache: OrderedDict[int, list[Move]] = field(default_factory=OrderedDict)

    def __post_init__(self) -> None:
        self.index = {n: i for i, n in enumerate(self.names)}
        if not self.a:
            self.a = _empty()
        self.succ, self.pred = _Side(self, True), _Side(self, False)
        self.edges, self.nodes = _Edges(self), _Nodes(self)

    # --- the read API of networkx the tracing code uses --------------------------------------

    def __contains__(self, n: object) -> bool:
        return n in self.index

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)

    def __getitem__(self, u: str) -> _Adjacency:
        return self.succ[u]

    def successors(self, u: str) -> Iterator[str]:
        return iter(self.succ[u])

    def predecessors(self, u: str) -> Iterator[str]:
        return iter(self.pred[u])

    def out_edges(self, u: str, data: bool = False) -> list[tuple[str, str, dict[str, Any]]]:
        return [(u, v, d) for v, d in self.succ[u].items()]

    def in_edges(self, u: str, data: bool = False) -> list[tuple[str, str, dict[str, Any]]]:
        return [(v, u, d) for v, d in self.pred[u].items()]

    def number_of_nodes(self) -> int:
        return len(self.names)

    def number_of_edges(self) -> int:
        return len(self.a["e_src"])

    def number_of_moves(self) -> int:
        return len(self.a["src"])

    # --- reading the arrays ----------------------------------------------------------------------

    def edge_ids(self, u: str, out: bool) -> np.ndarray:
        i = self.index[u]
        if out:
            ptr = self.a["out_ptr"]
            return np.arange(int(ptr[i]), int(ptr[i + 1])) if i + 1 < len(ptr) else \
                np.arange(0)
        ptr = self.a["in_ptr"]
        if i + 1 >= len(ptr):
            return np.arange(0)
        return np.asarray(self.a["in_edges"][int(ptr[i]):int(ptr[i + 1])])

    def moves(self, e: int) -> list[Move]:
        cached = self._cache.get(e)
        if cached is not None:
            self._cache.move_to_end(e)
            return cached
        a = self.a
        start, end = int(a["e_start"][e]), int(a["e_start"][e + 1])
        ts = a["ts"][start:end].tolist()
        mant = a["mant"][start:end].tolist()
        exp = a["exp"][start:end].tolist()
        tok = a["tok"][start:end].tolist()
        rid = a["rid"][start:end].tobytes()
        out = []
        for k in range(end - start):
            i = start + k
            units = self.big_units.get(i, mant[k] * 10 ** exp[k])
            if i in self.other_ids:
                record_id, tx = self.other_ids[i]
            else:
                tx = rid[36 * k:36 * k + 32].hex()
                record_id = f"tron:{tx}#{rid[36 * k + 32:36 * k + 36].hex()}"
            out.append(Move(ts[k], units, record_id, tx, self.tokens[tok[k]]))
        self._cache[e] = out
        while len(self._cache) > EDGE_CACHE:
            self._cache.popitem(last=False)
        return out

    def lookalikes(self) -> dict[tuple[str, str], set[str]]:
        found: dict[tuple[str, str], set[str]] = {}
        for n in self.names:
            if (key := lookalike_key(n)) is not None:
                found.setdefault(key, set()).add(n)
        return found

    # --- merging new transfers --------------------------------------------------------------------

    def merged(self, new: NewMoves | list[NewMove], more_names: list[str] | None = None
               ) -> CompactGraph:
        """A new version holding these arrays and `new` (import order kept per edge), and
        `more_names` as nodes without transfers (tagged addresses)."""
        if not isinstance(new, NewMoves):
            new = NewMoves.of(new)
        names = list(self.names)
        index = dict(self.index)
        tokens = list(self.tokens)
        tok_index = {t: i for i, t in enumerate(tokens)}
        base = self.number_of_moves()
        # The new moves' addresses and tokens in the graph's numbers (new ones numbered in
        # the order the moves first met them).
        _number(names, index, new.names)
        _number(tokens, tok_index, new.tokens)
        cols = new.columns()
        cols["src"] = _renumbered(cols["src"], new.names, index, np.int32)
        cols["dst"] = _renumbered(cols["dst"], new.names, index, np.int32)
        cols["tok"] = _renumbered(cols["tok"], new.tokens, tok_index, np.int32)
        other_ids = {**self.other_ids, **{base + k: v for k, v in new.other_ids.items()}}
        big_units = {**self.big_units, **{base + k: v for k, v in new.big_units.items()}}
        _number(names, index, more_names or ())
        if base:
            cols = {k: np.concatenate([np.asarray(self.a[k]), v]) for k, v in cols.items()}
        # Rows by edge, in import order within an edge; ids of rows move with them.
        order = np.lexsort((cols["seq"], cols["dst"], cols["src"]))
        cols = {k: v[order] for k, v in cols.items()}
        arrays, row_order = _edges(cols, len(names))
        where = np.empty(len(order), np.int64)
        where[order[row_order]] = np.arange(len(order))
        other_ids = {int(where[i]): v for i, v in other_ids.items()}
        big_units = {int(where[i]): v for i, v in big_units.items()}
        g = CompactGraph(names=names, a=arrays, tokens=tokens, other_ids=other_ids,
                         big_units=big_units, attrs=dict(self.attrs))
        return g

    # --- on disk --------------------------------------------------------------------------------

    def save(self, folder: Path, meta: dict[str, Any]) -> Path:
        """Write this version under `folder` and make it the current one; returns its path."""
        folder.mkdir(parents=True, exist_ok=True)
        version = folder / f"v{meta['last_seq']}-{os.getpid()}"
        shutil.rmtree(version, ignore_errors=True)
        version.mkdir()
        for k in _COLUMNS:
            np.save(version / f"{k}.npy", np.asarray(self.a[k]))
        (version / "meta.json").write_text(json.dumps({
            **meta, "names": self.names, "tokens": self.tokens,
            "other_ids": [[i, r, t] for i, (r, t) in self.other_ids.items()],
            "big_units": [[i, str(u)] for i, u in self.big_units.items()]}))
        pointer = folder / f"current.{os.getpid()}"
        pointer.write_text(version.name)
        os.replace(pointer, folder / "current")
        for old in folder.glob("v*"):
            if old != version:
                # A process that mapped an old version keeps its pages (unlinked, not gone).
                shutil.rmtree(old, ignore_errors=True)
        return version

    @classmethod
    def open(cls, folder: Path) -> tuple[CompactGraph, dict[str, Any]] | None:
        """The current version under `folder`, memory-mapped; None when there is none."""
        try:
            version = folder / (folder / "current").read_text().strip()
            meta = json.loads((version / "meta.json").read_text())
            # Plain arrays over the mapped files: still read page by page, without the
            # np.memmap subclass's bookkeeping on every slice (half of a wide backward
            # trace's time went to it).
            arrays = {k: np.load(version / f"{k}.npy", mmap_mode="r").view(np.ndarray)
                      for k in _COLUMNS}
        except (OSError, ValueError):
            return None
        g = cls(names=meta.pop("names"), a=arrays, tokens=meta.pop("tokens"),
                other_ids={int(i): (r, t) for i, r, t in meta.pop("other_ids")},
                big_units={int(i): int(u) for i, u in meta.pop("big_units")})
        return g, meta


def _number(names: list[str], index: dict[str, int], values: Iterable[str]) -> None:
    """Give each of `values` not in `index` the next number, in order (appended to `names`)."""
    for v in values:
        if v not in index:
            index[v] = len(names)
            names.append(v)


def _renumbered(local: np.ndarray, names: list[str], index: dict[str, int],
                dtype: type[np.integer[Any]]) -> np.ndarray:
    """`local` numbers of `names` as `index` numbers them."""
    remap = np.fromiter(map(index.__getitem__, names), dtype, len(names))
    return remap[local] if len(local) else local.astype(dtype)


def _packed_ids(rids: list[str], txs: list[str], base: int,
                other_ids: dict[int, tuple[str, str]]) -> np.ndarray:
    """Record ids of the usual TRC-20 form (`tron:<txid>#<8 hex>`, the txid its transfer's)
    as 36 bytes each; others as zeros, kept as text in `other_ids` by row (from `base`)."""
    n = len(rids)
    if n and _TRON_IDS.fullmatch("".join(r + "\n" for r in rids)) and all(
            r[5:69] == tx for r, tx in zip(rids, txs, strict=True)):
        # All of the usual form (a TRC-20 import): one conversion of all their hex.
        hexed = bytes.fromhex("".join(r[5:69] + r[70:] for r in rids))
        return np.frombuffer(hexed, np.uint8).reshape(n, 36).copy()
    packed = []
    blank = bytes(36)
    for k, (rid_text, tx) in enumerate(zip(rids, txs, strict=True)):
        if len(rid_text) == 78 and rid_text[5:69] == tx and _TRON_ID.fullmatch(rid_text):
            packed.append(bytes.fromhex(rid_text[5:69] + rid_text[70:]))
        else:
            packed.append(blank)
            other_ids[base + k] = (rid_text, tx)
    return np.frombuffer(b"".join(packed), np.uint8).reshape(n, 36).copy()


def _empty() -> dict[str, np.ndarray]:
    return {"src": np.zeros(0, np.int32), "dst": np.zeros(0, np.int32),
            "ts": np.zeros(0, np.float64), "mant": np.zeros(0, np.int64),
            "exp": np.zeros(0, np.int8), "tok": np.zeros(0, np.int32),
            "seq": np.zeros(0, np.int64), "rid": np.zeros((0, 36), np.uint8),
            "e_start": np.zeros(1, np.int64), "e_src": np.zeros(0, np.int32),
            "e_dst": np.zeros(0, np.int32), "out_ptr": np.zeros(1, np.int64),
            "in_edges": np.zeros(0, np.int64), "in_ptr": np.zeros(1, np.int64)}


def _edges(cols: dict[str, np.ndarray], n_nodes: int
           ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Edge ranges and CSR adjacency of rows sorted by (src, dst, seq). Neighbours are listed
    in the order their edge first appeared, as networkx lists them."""
    src, dst, seq = cols["src"], cols["dst"], cols["seq"]
    n = len(src)
    if n:
        change = np.flatnonzero((src[1:] != src[:-1]) | (dst[1:] != dst[:-1])) + 1
        starts = np.concatenate([[0], change])
    else:
        starts = np.zeros(0, np.int64)
    e_src, e_dst, first = src[starts], dst[starts], seq[starts]
    # Out-edges of a node by first appearance: reorder the edges, and their rows with them.
    by_out = np.lexsort((first, e_src))
    ends = np.append(starts[1:], n)
    lengths = (ends - starts)[by_out]
    e_start = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    row_order = (np.repeat(starts[by_out] - e_start[:-1], lengths) + np.arange(n)
                 ).astype(np.int64)
    cols = {k: v[row_order] for k, v in cols.items()}
    e_src, e_dst, first = e_src[by_out], e_dst[by_out], first[by_out]
    out_ptr = np.searchsorted(e_src, np.arange(n_nodes + 1)).astype(np.int64)
    in_edges = np.lexsort((first, e_dst)).astype(np.int64)
    in_ptr = np.searchsorted(e_dst[in_edges], np.arange(n_nodes + 1)).astype(np.int64)
    return {**cols, "e_start": e_start, "e_src": e_src.astype(np.int32),
            "e_dst": e_dst.astype(np.int32), "out_ptr": out_ptr, "in_edges": in_edges,
            "in_ptr": in_ptr}, row_order
