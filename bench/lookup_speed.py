"""Exact account lookups on the seed-scale demo case: p50/p95 per identifier kind.

    python -m bench.lookup_speed [--n 200]

Needs the case of `python -m bench.demo_seed` (bench/out/demo). The case graph is loaded
first (as the API holds it), so wallet lookups include their trace summary.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from bench.seed_case import pct, seed_case
from tools.lookup import lookup_account
from tools.trace import load_case_graph


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    args = ap.parse_args()
    truth, store = seed_case()
    graph = load_case_graph(store, "demo")
    rng = random.Random(1)
    kz = [d for d in truth["droppers"] if d["country"] == "KZ"]
    queries = {
        "card": [d["card"] for d in rng.sample(truth["droppers"], args.n)],
        "masked card": [f"{c[:6]}** **** {c[-4:]}" for c in
                        (d["card"] for d in rng.sample(truth["droppers"], args.n))],
        "iban": [d["iban"] for d in rng.sample(kz, args.n)],
        "phone": [d["phone"] for d in rng.sample(kz, args.n)],
        "wallet": rng.sample([w for s in truth["shops"] for w in s["payment_wallets"]],
                             min(args.n, 620)),
    }
    for kind, items in queries.items():
        times, found = [], 0
        for q in items:
            t = time.perf_counter()
            result = lookup_account(store, "demo", q, graph)
            times.append((time.perf_counter() - t) * 1000)
            found += bool(result.matches)
        print(f"{kind:<12} n={len(items):>4}  p50 {pct(times, 50):6.1f} ms  "
              f"p95 {pct(times, 95):6.1f} ms  found {found}/{len(items)}  "
              f"(median {statistics.median(times):.1f} ms)")


if __name__ == "__main__":
    main()
