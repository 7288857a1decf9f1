"""Embedding a case's passages while it is indexed: each distinct passage once, in the
background, written back by the indexing thread (issue 16).

The indexing thread analyses documents (Python, one core) while the embedder's workers (C,
outside the GIL) embed the passages of the batches already analysed; what they finish is
written to Chroma and the store by the indexing thread alone, between its batches."""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
from rapidfuzz.distance import Levenshtein

from tools.search.text import WORDS, Analysed, concept_words, normalise

# A document waiting for its vector: (record id, kind, shop).
Doc = tuple[str, str, str]
# What the indexing thread writes: each text embedded, its vector, the documents it stands for.
Writer = Callable[[list[tuple[str, np.ndarray, list[Doc]]]], None]

# A passage differing from one already embedded by one edit in one word of this many letters
# or more (a doubled or dropped letter, typed in a hurry) takes its vector: the typo does not
# change what it means, and the differing word stays in BM25 as written.
NEAR_MIN_LETTERS = 5


# A @handle (or a t.me/ link) spells a shop's name, in Latin letters mostly: the embedder
# reads its words ("@jasyl_orman_bot"), not the digits and one-letter runs that make it
# unique ("jasyl_ormano79", "2W42"), which BM25 keeps exact. Other links say nothing to it.
_TME = re.compile(r"(?:https?://)?\bt\.me/(\w+)(?:[/?][^\s,;)]*)?")
_URL = re.compile(r"https?://\S+")
_HANDLE = re.compile(r"@(\w+)")
_SEGMENT = re.compile(r"[_\d]+")


def _letters_of(handle: re.Match[str]) -> str:
    return "@" + "_".join(p for p in _SEGMENT.split(handle.group(1)) if len(p) >= 2)


def passage_text(text: str, analysed: Analysed) -> str | None:
    """What a document's vector is made from: its text, its @handles down to their words and
    other links dropped, then the words of the concepts its slang stands for that the text
    does not spell already ("мефедрон mephedrone" after "меф 1г", "hashish" after "гашиш",
    not a city it names). None when no word is left (numbers, an address, emoji)."""
    body = _HANDLE.sub(_letters_of, _URL.sub("", _TME.sub(r"@\1", text)))
    if not WORDS.search(body):
        return None
    norm = normalise(body)
    extra = []
    for c in sorted(analysed.concepts):
        words = [w for w in concept_words(c).split() if normalise(w) not in norm]
        if words:
            extra.append(" ".join(words))
    return f"{body}\n{'; '.join(extra)}" if extra else body


class NearDuplicates:
    """Passages equal to an earlier one but for one word within one edit of the other's.

    Each passage is filed under every way of masking one of its words (the rest kept as they
    are, in order): two passages differing in one word share the key of that word's place."""

    def __init__(self) -> None:
        # (place, hash of the words before it, hash of the words after it) → passage: a
        # passage costs a key per word, not a copy of its words per word.
        self._keys: dict[tuple[int, int, int], str] = {}

    def original_of(self, text: str) -> str | None:
        """The earlier passage `text` is a near-duplicate of, else None (and `text` is filed)."""
        words = text.split(" ")
        n = len(words)
        before = [0] * (n + 1)
        after = [0] * (n + 1)
        for i, word in enumerate(words):
            before[i + 1] = hash((before[i], word))
        for i in range(n - 1, -1, -1):
            after[i] = hash((after[i + 1], words[i]))
        keys = [(i, before[i], after[i + 1]) for i in range(n)]
        for i, key in enumerate(keys):
            other = self._keys.get(key)
            if other is None:
                continue
            theirs = other.split(" ")
            if (len(theirs) == n and theirs[:i] == words[:i] and theirs[i + 1 :] == words[i + 1 :]
                    and _typo(words[i], theirs[i])):
                return other
        for key in keys:
            self._keys.setdefault(key, text)
        return None


def _typo(a: str, b: str) -> bool:
    """Whether two words are one written with a typo: one edit in a long word, or any word
    with a letter doubled ("доо", "ККараганда"); never two numbers."""
    if _wordy(a) and _wordy(b) and Levenshtein.distance(a, b, score_cutoff=1) <= 1:
        return True
    return (not any(c.isdigit() for c in a + b) and any(c.isalpha() for c in a)
            and _DOUBLED.sub(r"\1", a) == _DOUBLED.sub(r"\1", b))


_DOUBLED = re.compile(r"(\w)\1+")


def _wordy(word: str) -> bool:
    """A word of `NEAR_MIN_LETTERS` letters or more, punctuation around it, and no digit (an
    amount, a number, a short word like меф / мет is never taken for another's typo)."""
    return (sum(c.isalpha() for c in word) >= NEAR_MIN_LETTERS
            and not any(c.isdigit() for c in word))


class PassageQueue:
    """Distinct passages embedded in the background, in batches, each once.

    `add` hands documents' passages over (from the indexing thread); `pump` writes what is
    embedded through `write` (in the caller's thread) and keeps the embedder busy; `finish`
    waits for the rest."""

    def __init__(self, embed: Callable[[list[str]], np.ndarray], write: Writer,
                 batch: int, ahead: int = 2) -> None:
        self._embed = embed
        self._write = write
        self.batch = batch
        self.ahead = ahead
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="embed-passages")
        self._docs: dict[str, list[Doc]] = {}  # text → its documents not written yet
        self._vectors: dict[str, np.ndarray] = {}  # texts embedded in this run
        self._alias: dict[str, str] = {}  # a near-duplicate → the passage whose vector it takes
        self._near = NearDuplicates()
        self._waiting: list[str] = []  # texts not sent to the embedder yet
        self._in_flight: deque[tuple[list[str], Future[np.ndarray]]] = deque()
        self._seen: set[str] = set()
        self.texts = 0  # distinct texts to embed, known so far
        self.embedded = 0  # of which embedded
        self.started: float | None = None

    def add(self, items: Iterable[tuple[str, str, str, str]]) -> None:
        """Documents `(record id, passage, kind, shop)` waiting for their vector; a document
        handed over twice is taken once."""
        for rid, text, kind, shop in items:
            if rid in self._seen:
                continue
            self._seen.add(rid)
            text = self._alias.get(text, text)
            if text not in self._docs and text not in self._vectors:
                original = self._near.original_of(text)
                if original is not None:
                    self._alias[text] = text = original
            docs = self._docs.get(text)
            if docs is None:
                docs = self._docs[text] = []
                if text not in self._vectors:
                    self._waiting.append(text)
                    self.texts += 1
            docs.append((rid, kind, shop))

    def pump(self) -> None:
        """Write what the embedder has finished; send it more, so that it always has `ahead`
        batches. A batch that failed is left for `finish` to raise: the words of a case are
        indexed even when its embedder is down."""
        self._send()
        while self._in_flight and self._in_flight[0][1].done() and (
                self._in_flight[0][1].exception() is None):
            self._collect()
        self._flush()

    def finish(self, progress: Callable[[], None] | None = None) -> None:
        """Embed and write everything handed over, calling `progress` after each batch."""
        self._flush()
        while self._waiting or self._in_flight:
            self._send()
            self._collect()
            if progress:
                progress()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _send(self) -> None:
        while self._waiting and len(self._in_flight) < self.ahead:
            texts, self._waiting = self._waiting[: self.batch], self._waiting[self.batch :]
            if self.started is None:
                self.started = time.monotonic()
            self._in_flight.append((texts, self._pool.submit(self._embed, texts)))

    def _collect(self) -> None:
        """Wait for the oldest batch sent, keep its vectors and write its documents."""
        texts, future = self._in_flight[0]
        vectors = future.result()
        self._in_flight.popleft()
        for text, vector in zip(texts, vectors, strict=True):
            self._vectors[text] = vector
        self.embedded += len(texts)
        self._send()
        self._flush()

    def _flush(self) -> None:
        """Write the documents of every text embedded."""
        ready = [t for t in self._docs if t in self._vectors]
        if ready:
            self._write([(t, self._vectors[t], self._docs.pop(t)) for t in ready])
