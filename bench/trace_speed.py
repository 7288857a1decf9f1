"""Forward-trace latency on the seed-scale demo case, next to a plain networkx walk.

    python -m bench.trace_speed [--starts 100] [--hops 7]

Needs the case of `python -m bench.demo_seed` (bench/out/demo); runs it first if absent.
Prints graph load time and memory, then p50/p95 of `trace` (haircut, 7 hops) over shop
wallets and of `networkx.single_source_shortest_path_length` with the same cutoff, which
ignores amounts and time (the reference for walking the graph at all).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time

import networkx as nx

from bench.seed_case import pct, seed_case
from tools.trace import TraceRequest, load_case_graph, trace


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--starts", type=int, default=100)
    ap.add_argument("--hops", type=int, default=7)
    args = ap.parse_args()
    truth, store = seed_case()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    cg = load_case_graph(store, "demo")
    load_s = time.perf_counter() - t
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    g = cg.graph
    print(f"graph: {g.number_of_nodes():,} addresses, {g.number_of_edges():,} edges, "
          f"{cg.last_seq:,} transfers; loaded in {load_s:.1f} s, peak RSS {rss1:,.0f} MB "
          f"({rss1 - rss0:,.0f} MB for the graph)")
    starts = [s["treasury"] for s in truth["shops"]]
    starts += [w for s in truth["shops"] for w in s["payment_wallets"]]
    starts = starts[: args.starts]
    ours, plain, reached = [], [], []
    for s in starts:
        t = time.perf_counter()
        result = trace(cg, TraceRequest(addresses=[s], hops=args.hops))
        ours.append((time.perf_counter() - t) * 1000)
        reached.append(result.addresses_visited)
        t = time.perf_counter()
        nx.single_source_shortest_path_length(g, s, cutoff=args.hops)
        plain.append((time.perf_counter() - t) * 1000)
    print(f"{len(starts)} forward traces, haircut, {args.hops} hops: p50 {pct(ours, 50):.1f} ms, "
          f"p95 {pct(ours, 95):.1f} ms, max {max(ours):.1f} ms "
          f"(median {statistics.median(reached):.0f} addresses reached)")
    print(f"plain networkx walk, same cutoff: p50 {pct(plain, 50):.1f} ms, "
          f"p95 {pct(plain, 95):.1f} ms; trace / walk at p95: "
          f"{pct(ours, 95) / pct(plain, 95):.2f}x")


if __name__ == "__main__":
    main()
