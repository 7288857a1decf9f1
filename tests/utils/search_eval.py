"""Graded relevance of demo listings for the labelled queries, and nDCG@k."""

from __future__ import annotations

import math
from pathlib import Path

import yaml

QUERIES = Path(__file__).parents[1] / "data" / "search_queries.yaml"


def load_queries() -> list[dict[str, str]]:
    return yaml.safe_load(QUERIES.read_text(encoding="utf-8"))["queries"]


def grade(query: dict[str, str], fact: dict[str, str]) -> int:
    want, city = query["want"], query.get("city")
    if fact["kind"] != want:
        return 0
    if want == "sale" and fact.get("drug") != query["drug"]:
        return 0
    return 2 if city is None or fact.get("city") == city else 1


def ndcg(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    dcg = sum((2 ** grades.get(r, 0) - 1) / math.log2(i + 2) for i, r in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def evaluate(index, truth, modes=("bm25", "vector", "hybrid")) -> tuple[dict[str, float], int]:  # type: ignore[no-untyped-def]
    """Mean nDCG@10 per mode over the queries that have a relevant listing; and their count."""
    from tools.search.index import SearchFilters

    totals = dict.fromkeys(modes, 0.0)
    used = 0
    for q in load_queries():
        grades = {lid: g for lid, fact in truth.listing_facts.items() if (g := grade(q, fact))}
        if not grades:
            continue
        used += 1
        for mode in modes:
            hits = index.search(q["q"], SearchFilters(kind="listing"), k=10, mode=mode).hits
            # A hit folds the same text posted again: it stands for each of those listings.
            ranked = list(dict.fromkeys(rid for h in hits for rid in (h.record_ids or [h.record_id])
                                        if rid.startswith("listing:")))
            totals[mode] += ndcg(ranked, grades)
    return {m: v / used for m, v in totals.items()}, used
