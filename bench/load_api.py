"""Load on the API: concurrent users asking the offline model about the medium demo case.

    python -m bench.load_api [--users 50] [--seconds 120] [--workers 2]

Generates and imports the medium demo (seed 11) in a temporary folder, serves it with
`tergeu serve --workers N` on loopback, and has each user ask questions of the evaluation set
in a conversation of its own. Prints requests, errors, latency percentiles and the server's
memory over the run (goal, issue 8: no errors, memory stable).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assistant.config import Settings
from assistant.users import Users
from assistant.wiring import open_store, search_index
from bench.seed_case import pct
from tests.utils.agent_eval import questions
from tests.utils.load import run_load
from tests.utils.loopback import free_port, wait_until_up
from tools.demo.generate import evidence_folders, generate_case
from tools.ingest.pipeline import ingest_paths


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        settings = Settings(home=home)
        store = open_store(settings)
        t0 = time.perf_counter()
        truth = generate_case(home / "case", seed=11, scale="medium")
        ingest_paths(store, "demo", evidence_folders(home / "case"))
        search_index(settings, store, "demo").update()
        token = Users(store.engine).add("load", "analyst", ["demo"])
        print(f"medium demo case ready in {time.perf_counter() - t0:.0f} s")
        port = free_port()
        env = {**os.environ, "TERGEU_HOME": str(home)}
        env.pop("TERGEU_DATABASE_URL", None)
        log = (Path(tmp) / "server.log").open("w")
        server = subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port),
             "--workers", str(args.workers)], env=env, stdout=log, stderr=log)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(f"{url}/healthz", seconds=60)
            asked = [q.text for q in questions(truth)]
            # Each worker loads the graph and the embedding model on its first questions.
            run_load(url, token, "demo", asked, users=args.workers * 2, seconds=60, per_user=3)
            result = run_load(url, token, "demo", asked, args.users, args.seconds,
                              server_pid=server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
            errors = [ln for ln in (Path(tmp) / "server.log").read_text().splitlines()
                      if "Error" in ln or "Traceback" in ln]
    lat = result.latencies
    print(f"{args.users} users for {args.seconds:.0f} s against {args.workers} workers: "
          f"{len(lat)} questions ({len(lat) / args.seconds:.1f}/s), {len(result.errors)} errors")
    print(f"latency p50 {pct(lat, 50):.2f} s, p95 {pct(lat, 95):.2f} s, max {max(lat):.2f} s")
    rss = result.rss_mb
    third = max(len(rss) // 3, 1)
    print(f"server RSS: first third mean {sum(rss[:third]) / third:.0f} MB, last third mean "
          f"{sum(rss[-third:]) / third:.0f} MB, max {max(rss):.0f} MB ({len(rss)} samples)")
    for e in result.errors[:10]:
        print("ERROR", e)
    for line in errors[:20]:
        print("SERVER", line)


if __name__ == "__main__":
    main()
