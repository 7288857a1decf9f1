"""A poll of 1,000 watched wallets against the scripted TronGrid (its own process, loopback).

    python -m bench.watch [--addresses 1000] [--active 50]

Each watched wallet has received drug money (3 transfers of history on the server). Measured,
each in a fresh poll of the same store (SQLite in a temporary TERGEU_HOME):
1. the first poll: every wallet's history fetched and imported;
2. a quiet poll: nothing new anywhere (the steady state of a watch);
3. an active poll: `--active` wallets each send USDT to an exchange deposit address (known to
   sweep into a tagged hot wallet) — that many exchange alerts, and the deposits followed.
For each: wall time, requests the server answered, new transfers, alerts, and the process's
RSS growth and peak. Requests are not spaced (TERGEU_WATCH__MIN_INTERVAL=0): against the
real TronGrid a poll also waits `requests × min_interval` (0.25 s by default).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.utils.loopback import free_port, wait_until_up
from tests.utils.scripted_trongrid import tron_address

HOUR_MS = 3600_000


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--addresses", type=int, default=1000)
    ap.add_argument("--active", type=int, default=50)
    args = ap.parse_args()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "tests.utils.scripted_trongrid",
                               str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/_script/requests")
        with tempfile.TemporaryDirectory() as home, httpx.Client(base_url=url) as ctl:
            run(ctl, url, Path(home), args.addresses, args.active)
    finally:
        server.terminate()
        server.wait(timeout=10)


def run(ctl: httpx.Client, url: str, home: Path, n: int, active: int) -> None:
    os.environ.update({"TERGEU_HOME": str(home), "TERGEU_CHAINS__TRONGRID_URL": url,
                       "TERGEU_WATCH__MIN_INTERVAL": "0"})
    os.environ.pop("TERGEU_DATABASE_URL", None)
    from assistant.config import Settings
    from assistant.services.watch import WatchRequest, add_watches, poll
    from assistant.wiring import open_store
    from tools.ingest.pipeline import ingest_paths

    settings = Settings()
    store = open_store(settings)
    hot = tron_address("bench hot wallet")
    pack = home / "exchanges.yaml"
    pack.write_text(f"title: x\ncreator: bench\ncategory: exchange\ntags:\n"
                    f"  - address: {hot}\n    label: Bench exchange hot wallet\n")
    ingest_paths(store, "bench", [pack])
    wallets = [tron_address(f"bench beneficiary {i}") for i in range(n)]
    deposits = [tron_address(f"bench deposit {i}") for i in range(active)]
    past = int(time.time() * 1000) - 48 * HOUR_MS
    history = [{"from": tron_address(f"bench shop {i % 7}"), "to": w, "usdt": "1000",
                "ts_ms": past + 10 * i + k} for i, w in enumerate(wallets) for k in range(3)]
    for d in deposits:  # each deposit address swept a customer's coins to the exchange before
        history += [{"from": tron_address("bench other customer"), "to": d, "usdt": "5",
                     "ts_ms": past - 1000}, {"from": d, "to": hot, "usdt": "5",
                                             "ts_ms": past - 500}]
    for i in range(0, len(history), 2000):
        ctl.post("/_script/add", json=history[i:i + 2000]).raise_for_status()
    add_watches(store, "bench", WatchRequest(addresses=wallets, threshold=None), "bench")

    def measured(title: str) -> None:
        before = ctl.get("/_script/requests").json()["requests"]
        rss0 = rss_mb()
        t = time.perf_counter()
        report = poll(settings, store, "bench")
        seconds = time.perf_counter() - t
        requests = ctl.get("/_script/requests").json()["requests"] - before
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{title:<50} {seconds:6.2f} s  {requests:5,} requests  "
              f"{report.imported:5,} new transfers  {len(report.alerts):3} alerts  "
              f"RSS +{rss_mb() - rss0:4.0f} MB (peak {peak:,.0f} MB)  "
              f"{seconds / max(report.addresses, 1) * 1000:.1f} ms/address")

    print(f"{n:,} watched wallets, scripted TronGrid at {url} (own process)")
    measured("first poll (every history imported)")
    measured("quiet poll (nothing new)")
    moves = [{"from": w, "to": deposits[i], "usdt": "900"} for i, w in enumerate(wallets[:active])]
    ctl.post("/_script/add", json=moves).raise_for_status()
    measured(f"active poll ({active} outflows to exchange deposits)")
    measured("quiet poll after (deposits followed too)")


if __name__ == "__main__":
    main()
