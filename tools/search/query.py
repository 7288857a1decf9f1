"""Reading a query beyond its facets: the words it asks for that no facet stands for, and their
spellings in the other alphabet (an analyst types "Айсберг", the shop writes @aisberg_job)."""

from __future__ import annotations

import bisect
import math
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

from rapidfuzz import fuzz, process

from tools.resources import package_file, shipped_yaml
from tools.search.text import (
    _KAZAKH_LETTERS,
    _WORD,
    FUZZY_CUTOFF,
    MAX_WORD_CHARS,
    fuzzy_candidate,
    kazakh_stem,
    lexicon,
    normalise,
    number_tokens,
    search_stem,
)
from tools.shop_links import latin_stem

# Function words and question words that say nothing of what is searched for.
_STOP = frozenset({
    "для", "где", "как", "кто", "что", "это", "или", "при", "без", "про", "все", "всё", "его",
    "она", "они", "the", "and", "for", "with", "from", "бар", "жоқ", "мен", "сол", "осы",
    "қайда", "кім", "не", "куда", "там", "тут", "есть", "чей", "чья", "чье", "which", "where",
})
# "Город", "қала", "city" beside a city's name ("Шымкент қаласында", "в городе Тараз") say
# nothing the city does not: never a rare word of the query (as stems, any ending).
_PLACE = frozenset({"город", "қала", "city", "town", "gorod"})
# Concept groups a facet already stands for: their words are not counted again as words.
_FACET_GROUPS = ("cities:", "drugs:", "slang:", "jobs:", "topics:job", "purposes:recruit",
                 "purposes:sale")
# A word is looked for in the other alphabet when it is at least this long: shorter ones
# ("меф" → "mef") are the lexicon's business, and a short Latin prefix matches too much.
MIN_TRANSLIT = 4
# Index tokens one transliterated word may stand for (its case endings in the index).
MAX_SPELLINGS = 8
# A stem this long also stands for the index's tokens that begin with it.
MIN_PREFIX = 5
# Index tokens a word not in the index may be a typo of.
MAX_NEAR = 3


@dataclass(frozen=True, slots=True)
class Term:
    """A word of the query a document may hold: its index tokens (any of them counts)."""

    word: str
    tokens: tuple[str, ...]
    # Whether the lexicon knows nothing of it: a name, a number, a company, not a job word.
    entity: bool = True


def _facet_word(word: str) -> bool:
    concepts = lexicon().concepts_of(word, fuzzy=False)
    if not concepts and _KAZAKH_LETTERS.search(word):
        concepts = lexicon().concepts_of(kazakh_stem(word), fuzzy=False)
    return any(c.startswith(_FACET_GROUPS) for c in concepts)


def plain_terms(query: str, vocab: list[str], names: Collection[str] = ()) -> list[Term]:
    """The query's words that are neither a city nor a drug nor a function word, each with the
    index tokens that spell it: its own stem, and the tokens of the index (`vocab`, sorted)
    that begin with its spelling in the other alphabet ("айсберг" → aisberg, aisberga).
    Words of a shop's name the query names (`names`) are plain words whatever they are."""
    terms: list[Term] = []
    seen: set[str] = set()
    for word in _WORD.findall(normalise(query)):
        word = word[:MAX_WORD_CHARS]
        if word.isdigit() or len(word) < 3 or word in _STOP or word in seen or (
                search_stem(word) in _PLACE or kazakh_stem(word) in _PLACE):
            continue
        seen.add(word)
        if word not in names and _facet_word(word):
            continue
        known = bool(lexicon().concepts_of(word, fuzzy=False)
                     or lexicon().concepts_of(kazakh_stem(word), fuzzy=False))
        stem = search_stem(word)
        tokens = {stem}
        # A name takes Kazakh endings in any alphabet ("Вадимге", "Айсбергтен"), and the index
        # holds it with its endings ("ерболатты" → ерболатт): the stem without Kazakh endings,
        # and the index's tokens that begin with it.
        bare = kazakh_stem(word)
        # The word as typed too: the stemmer cuts names short ("Вадим" → вад).
        for root in {stem, search_stem(bare), word, bare}:
            if len(root) >= MIN_PREFIX:
                tokens |= {root} | _with_prefix(vocab, root)
        if len(word) >= MIN_TRANSLIT and not any(c.isdigit() for c in word):
            # The stem's spelling, not the word's: "Айсберга" → aisberg, not aisberga.
            for root in {stem, search_stem(bare)}:
                other = latin_stem(root) if _is_cyrillic(word) else search_stem(cyrillic(root))
                if len(other) >= MIN_TRANSLIT:
                    tokens |= _with_prefix(vocab, other)
        for other in synonyms(word):
            # The word as the other languages write it ("скидка": жеңілдік, discount).
            root = search_stem(other)
            tokens |= {root} | (_with_prefix(vocab, root) if len(root) >= MIN_PREFIX else set())
        if not any(_held(vocab, t) for t in tokens) and fuzzy_candidate(word):
            # Not in the case as typed: a typo of a name ("Ерболот", "Айсбег") is still it.
            tokens |= _near(vocab, stem)
        terms.append(Term(word, tuple(sorted(tokens)), entity=not known))
    # A card or phone number however it is grouped is one word.
    terms += [Term(t, (t,)) for t in dict.fromkeys(number_tokens(normalise(query)))]
    return terms


# Latin letters as Russian is written in them ("talgar", "shishki", "zakladchik"), longest first.
_TO_CYRILLIC = sorted({
    "shch": "щ", "sch": "щ", "zh": "ж", "kh": "х", "ts": "ц", "ch": "ч", "sh": "ш", "ya": "я",
    "yu": "ю", "yo": "е", "ai": "ай", "ei": "ей", "oi": "ой", "ui": "уй", "a": "а", "b": "б",
    "c": "к", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и", "j": "ж", "k": "к",
    "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "к", "r": "р", "s": "с", "t": "т",
    "u": "у", "v": "в", "w": "в", "x": "кс", "y": "ы", "z": "з",
}.items(), key=lambda kv: -len(kv[0]))


def cyrillic(word: str) -> str:
    """A Latin-spelled word in Cyrillic letters ("talgar" → "талгар"), or "" if it has other
    letters."""
    out, at = [], 0
    while at < len(word):
        for latin, cyr in _TO_CYRILLIC:
            if word.startswith(latin, at):
                out.append(cyr)
                at += len(latin)
                break
        else:
            return ""
    return "".join(out)


def _is_cyrillic(word: str) -> bool:
    return any("а" <= c <= "я" or c in "әғқңөұүһі" for c in word)


def _with_prefix(vocab: list[str], prefix: str) -> set[str]:
    if len(prefix) < MIN_TRANSLIT:
        return set()
    at = bisect.bisect_left(vocab, prefix)
    out: set[str] = set()
    while at < len(vocab) and vocab[at].startswith(prefix) and len(out) < MAX_SPELLINGS:
        out.add(vocab[at])
        at += 1
    return out


def _held(vocab: list[str], token: str) -> bool:
    at = bisect.bisect_left(vocab, token)
    return at < len(vocab) and vocab[at] == token


def _near(vocab: list[str], stem: str) -> set[str]:
    """The index's tokens that begin with the same letter and differ from `stem` by a typo."""
    first = bisect.bisect_left(vocab, stem[:1])
    last = bisect.bisect_left(vocab, stem[:1] + "\U0010ffff")
    found = process.extract(stem, vocab[first:last], scorer=fuzz.ratio,
                            score_cutoff=FUZZY_CUTOFF, limit=MAX_NEAR)
    return {str(token) for token, _, _ in found}


@cache
def _glosses() -> dict[str, tuple[tuple[str, ...], ...]]:
    """A shop-name word's stem → its words in each language (glosses.yaml)."""
    rows = shipped_yaml(package_file("tools.search", "glosses.yaml").read_text(encoding="utf-8"))
    out: dict[str, tuple[tuple[str, ...], ...]] = {}
    for row in rows:
        spellings = tuple(tuple(normalise(str(w)) for w in words) for words in row)
        for word in (w for words in spellings for w in words):
            if len(word) >= 3 or _KAZAKH_LETTERS.search(word):
                out.setdefault(search_stem(word), spellings)
    return out


def glosses(word: str) -> tuple[tuple[str, ...], ...]:
    """A common word of shop names (a colour, an animal, snow, night) as written in Russian,
    Kazakh and English, each language's usual word first ("белого" → (белый, белая, белое),
    (ақ,), (white,)); () for any other word. Kazakh endings are read too ("мысығы")."""
    return _row_of(_glosses(), word)


@cache
def _synonyms() -> dict[str, tuple[str, ...]]:
    """A trade word's stem → every word of its meaning in the three languages (synonyms.yaml)."""
    rows = shipped_yaml(package_file("tools.search", "synonyms.yaml").read_text(
        encoding="utf-8"))
    out: dict[str, tuple[str, ...]] = {}
    for row in rows:
        words = tuple(normalise(str(w)) for w in row)
        for word in words:
            out.setdefault(search_stem(word), words)
    return out


def synonyms(word: str) -> tuple[str, ...]:
    """The words of `word`'s meaning in Russian, Kazakh and English (Kazakh endings read too:
    "жеңілдікке"), itself among them; () for a word of no row."""
    return _row_of(_synonyms(), word)


T = TypeVar("T")


def _row_of(table: dict[str, T], word: str) -> T | tuple[()]:
    """The row of `word` in a table by stem, Kazakh endings read too; () for none."""
    for root in (word, kazakh_stem(word)):
        if found := table.get(search_stem(root)):
            return found
    return ()


def idf(df: int, n: int) -> float:
    """BM25's inverse document frequency of a token held by `df` of `n` documents."""
    return math.log((n - df + 0.5) / (df + 0.5) + 1.0)
