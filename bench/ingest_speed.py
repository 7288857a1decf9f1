"""Ingestion speed and peak memory against DuckDB reading the same files, on the same run.

    python -m bench.ingest_speed [--transfers 1000000] [--messages 100000] [--page-size 200]

Writes TronGrid TRC-20 pages and one Telegram Desktop export under bench/out/ingest_speed/, then
times `tergeu ingest` (a fresh SQLite store) and DuckDB loading the same files into a table, each
in its own process, and prints records/s and peak RSS of both.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.utils.big_evidence import write_telegram, write_trc20_pages

OUT = Path(__file__).parent / "out" / "ingest_speed"  # wiped on each run: its own folder


def run_measured(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of a child process; each run in its own child."""
    probe = [sys.executable, "-c",
             "import resource,subprocess,sys,time;t=time.perf_counter();"
             "r=subprocess.run(sys.argv[1:]);d=time.perf_counter()-t;"
             "m=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024;"
             "print(f'{d} {m}',file=sys.stderr);sys.exit(r.returncode)", *cmd]
    done = subprocess.run(probe, env=env, capture_output=True, text=True)
    if done.returncode not in (0,):
        raise SystemExit(f"{cmd[:3]} failed: {done.stderr[-2000:]}")
    seconds, mb = done.stderr.strip().splitlines()[-1].split()
    return float(seconds), float(mb)


DUCKDB_SCRIPT = """
import duckdb, sys
con = duckdb.connect(sys.argv[1])
con.execute("SET memory_limit='4GB'")
con.execute(sys.argv[2])
print(con.execute("SELECT count(*) FROM t").fetchone()[0])
"""

# SQLite's own share of an import: the records and transfers a store holds, copied into an
# empty database of the same tables (keys kept while inserting, the other indexes built after,
# one transaction through a rollback journal: how `tergeu ingest --exclusive` loads) by one
# INSERT … SELECT each, no Python per row. What no importer writing this schema can beat.
SQLITE_FLOOR_SCRIPT = """
import os, sqlite3, sys, time
source, target = sys.argv[1], sys.argv[2]
for suffix in ("", "-journal", "-wal"):
    if os.path.exists(target + suffix):
        os.remove(target + suffix)
con = sqlite3.connect(target, isolation_level=None)
con.execute("PRAGMA journal_mode=DELETE")
con.execute("PRAGMA synchronous=FULL")
con.execute("PRAGMA cache_size=-65536")
con.execute("ATTACH ? AS store", (source,))
ddl = con.execute("SELECT type, sql FROM store.sqlite_master WHERE tbl_name IN "
                  "('records', 'transfers') AND sql IS NOT NULL").fetchall()
for kind, sql in ddl:
    if kind == "table":
        con.execute(sql)  # foreign keys are not enforced here (off by default)
t = time.perf_counter()
con.execute("BEGIN")
for table in ("records", "transfers"):
    con.execute(f"INSERT INTO main.{table} SELECT * FROM store.{table} ORDER BY rowid")
for kind, sql in ddl:
    if kind == "index":
        con.execute(sql)
con.execute("COMMIT")
print(time.perf_counter() - t)
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--transfers", type=int, default=1_000_000)
    ap.add_argument("--messages", type=int, default=100_000)
    ap.add_argument("--page-size", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    pages, chat = OUT / "trc20", OUT / "telegram_chat.json"
    t = time.perf_counter()
    write_trc20_pages(pages, args.transfers, args.page_size, rng)
    write_telegram(chat, args.messages, rng)
    print(f"generated {args.transfers:,} transfers in {args.transfers // args.page_size:,} "
          f"TronGrid pages and {args.messages:,} Telegram messages in "
          f"{time.perf_counter() - t:.0f} s")

    cases = [
        ("TRC-20 transfers", args.transfers, [str(pages)],
         f"CREATE TABLE t AS SELECT unnest(data, recursive := true) "
         f"FROM read_json('{pages}/*.json')"),
        ("Telegram messages", args.messages, [str(chat)],
         f"CREATE TABLE t AS SELECT unnest(messages, recursive := true) "
         f"FROM read_json('{chat}', maximum_object_size={2 * chat.stat().st_size})"),
    ]
    print(f"{'input':<20}{'records':>10}{'tergeu s':>10}{'rec/s':>10}{'MB':>7}"
          f"{'duckdb s':>10}{'MB':>7}{'ratio':>7}")
    for label, n, paths, sql in cases:
        home = OUT / f"home_{label.split()[0]}"
        env = {**os.environ, "TERGEU_HOME": str(home)}
        env.pop("TERGEU_DATABASE_URL", None)
        ours, our_mb = run_measured(
            [sys.executable, "-m", "assistant.cli", "ingest", "--case", "bench", "--no-index",
             *paths], env)
        theirs, their_mb = run_measured(
            [sys.executable, "-c", DUCKDB_SCRIPT, str(OUT / f"duck_{label.split()[0]}.db"), sql],
            env)
        print(f"{label:<20}{n:>10,}{ours:>10.1f}{n / ours:>10,.0f}{our_mb:>7.0f}"
              f"{theirs:>10.1f}{their_mb:>7.0f}{ours / theirs:>6.1f}x")


if __name__ == "__main__":
    main()
