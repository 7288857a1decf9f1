"""Russian typed in Latin letters ("kuda ushli dengi s koshelka T…") read as Russian."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from tools.resources import prompt_yaml
from tools.search.text import stem

# Latin letters to Cyrillic as people type Russian without a Russian keyboard; where habits
# differ (sch: щ or сч, y: ы or й, c: ц or к, e: е or э) each reading is tried.
_LETTERS: list[tuple[str, tuple[str, ...]]] = sorted([
    ("shch", ("щ",)), ("sch", ("щ", "сч")), ("zh", ("ж",)), ("kh", ("х",)), ("ch", ("ч",)),
    ("sh", ("ш",)), ("ts", ("ц", "тс")), ("ya", ("я",)), ("ja", ("я",)), ("ia", ("я", "иа")),
    ("yu", ("ю",)), ("ju", ("ю",)), ("iu", ("ю",)), ("yo", ("ё", "йо")), ("jo", ("ё",)),
    ("ye", ("е",)), ("a", ("а",)), ("b", ("б",)), ("v", ("в",)), ("w", ("в",)), ("g", ("г",)),
    ("d", ("д",)), ("e", ("е", "э")), ("z", ("з",)), ("i", ("и", "й")), ("j", ("й",)),
    ("k", ("к",)), ("q", ("к",)), ("l", ("л",)), ("m", ("м",)), ("n", ("н",)), ("o", ("о",)),
    ("p", ("п",)), ("r", ("р",)), ("s", ("с",)), ("t", ("т",)), ("u", ("у",)), ("f", ("ф",)),
    ("h", ("х",)), ("c", ("ц", "к")), ("x", ("кс",)), ("y", ("ы", "й", "и")), ("'", ("ь",)),
], key=lambda pair: -len(pair[0]))
# Readings tried per word at most (each ambiguous letter doubles them).
_MAX_READINGS = 32
_LATIN_WORD = re.compile(r"(?<![\w@])[a-z']{2,}(?![\w@])", re.I)
_PLACEHOLDER = re.compile(r"\{\w+\}")
# One-letter Russian words ("s koshelka", "v dele"), read once the question is Russian.
_PREPOSITIONS = {"s": "с", "v": "в", "k": "к", "u": "у", "o": "о", "i": "и", "a": "а"}
_ONE_LETTER = re.compile(r"(?<![\w@.'-])[svkuoia](?![\w@.'-])", re.I)
_QUOTED = re.compile(r"[«“\"'][^»”\"']{0,2000}[»”\"']")
# Nothing but a capital letter, spaces and punctuation before: the first word of a sentence.
_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s*)\W*$")
# No Russian word is longer; a longer "word" is read no further (each letter may double the
# readings tried).
_LONGEST_WORD = 30
MAX_TEXT_CHARS = 2_000
# A question is read as Russian when at least this many of its Latin words are Russian ones.
_MIN_RUSSIAN_WORDS = 2


def _plain(cyrillic: str) -> str:
    # Soft and hard signs and ё are the first things dropped when typing in Latin letters.
    return cyrillic.lower().replace("ё", "е").replace("ь", "").replace("ъ", "")


@dataclass(frozen=True)
class _Vocabulary:
    """The words of the example questions: Russian ones by their plain spelling and by their
    stems, English ones as written."""

    russian: dict[str, str]
    russian_stems: frozenset[str]
    english: frozenset[str]


@cache
def _vocabulary() -> _Vocabulary:
    data = prompt_yaml("intents.yaml")
    russian: dict[str, str] = {}
    english: set[str] = set()
    for langs in data.values():
        for lang, questions in langs.items():
            for q in questions:
                words = re.findall(r"[^\W\d_]+", _PLACEHOLDER.sub(" ", q))
                if lang == "ru":
                    for w in words:
                        if len(w) > 1:
                            russian.setdefault(_plain(w), w.lower())
                elif lang == "en":
                    english |= {w.lower() for w in words}
    for w in _MONTH_WORDS:
        # The months, in every form a question names one ("za fevral", "v oktyabre").
        russian.setdefault(_plain(w), w)
    return _Vocabulary(russian, frozenset(stem(w) for w in russian), frozenset(english))


# The months' names, January first: a Russian stem, the English name and its short forms, a
# Kazakh stem (May's Russian forms whole). One table; the question readers derive their own
# patterns from it.
MONTH_NAMES: tuple[tuple[str, ...], ...] = (
    ("январ", "january", "jan", "қаңтар"), ("феврал", "february", "feb", "ақпан"),
    ("март", "march", "mar", "наурыз"), ("апрел", "april", "apr", "сәуір"),
    ("мая", "май", "may", "мамыр"), ("июн", "june", "jun", "маусым"),
    ("июл", "july", "jul", "шілде"), ("август", "august", "aug", "тамыз"),
    ("сентябр", "september", "sep", "sept", "қыркүйек"), ("октябр", "october", "oct", "қазан"),
    ("ноябр", "november", "nov", "қараша"), ("декабр", "december", "dec", "желтоқсан"))

_MONTH_WORDS = [f"{stem}{end}" for stem in ("январ", "феврал", "апрел", "июн", "июл", "сентябр",
                                            "октябр", "ноябр", "декабр")
                for end in ("ь", "я", "е")] + [
    f"{stem}{end}" for stem in ("март", "август") for end in ("", "а", "е")] + ["май", "мая", "мае"]


def _readings(word: str) -> list[str]:
    """The Cyrillic spellings `word` may stand for, at most `_MAX_READINGS`."""
    parts: list[tuple[str, ...]] = []
    rest = word.lower()
    while rest:
        for latin, cyrillic in _LETTERS:
            if rest.startswith(latin):
                parts.append(cyrillic)
                rest = rest[len(latin):]
                break
        else:
            return []
    return ["".join(p) for p in itertools.islice(itertools.product(*parts), _MAX_READINGS)]


def _russian(word: str, vocabulary: _Vocabulary) -> str | None:
    """`word` in Cyrillic if it spells a Russian word of the example questions: that word
    ("dengi" → "деньги"), or a reading sharing its stem ("prishlo" → "пришло")."""
    readings = _readings(word)
    known = next((vocabulary.russian[p] for r in readings
                  if (p := _plain(r)) in vocabulary.russian), None)
    return known or next((r for r in readings if stem(_plain(r)) in vocabulary.russian_stems),
                         None)


# The same question is read several times a turn (each step, its language, its follow-up).
@lru_cache(maxsize=512)
def latin_word_counts(text: str) -> tuple[int, int]:
    """How many Latin words of `text` read as Russian typed in Latin letters, and how many are
    English (as `latin_russian` counts them): a question whose other words are names
    ("rekvizity snezhnoy korolevy" without the shop's name) may hold only one."""
    vocabulary = _vocabulary()
    russian = english = 0
    for m in _LATIN_WORD.finditer(text[:MAX_TEXT_CHARS]):
        word = m.group()
        if word.lower() in vocabulary.english:
            english += 1
        elif len(word) <= _LONGEST_WORD and _russian(word, vocabulary) is not None:
            russian += 1
    return russian, english


def latin_russian(text: str) -> str | None:
    """`text` with its Russian words written in Cyrillic, if it is Russian typed in Latin
    letters (more of its Latin words are Russian than English, and at least two); else None.
    A word is Russian when one of its Cyrillic readings is a word of the example questions
    (`prompts/intents.yaml`), which it then becomes ("dengi" → "деньги"). Quoted text (the
    words a message is searched for), capitalised words inside a sentence (names: "Dana"),
    identifiers, @handles and words of neither language stay as typed."""
    text = text[:MAX_TEXT_CHARS]
    vocabulary = _vocabulary()
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    found: dict[tuple[int, int], str] = {}
    english_words = 0
    for m in _LATIN_WORD.finditer(text):
        word = m.group()
        if any(a <= m.start() < b for a, b in quoted) or len(word) > _LONGEST_WORD:
            continue
        if word.lower() in vocabulary.english:
            english_words += 1
        elif not (word[0].isupper() and not _SENTENCE_START.search(text[:m.start()])) and (
                cyrillic := _russian(word, vocabulary)) is not None:
            found[m.span()] = cyrillic
    if len(found) < _MIN_RUSSIAN_WORDS or len(found) <= english_words:
        return None
    out, at = [], 0
    for (start, end), cyrillic in sorted(found.items()):
        out += [_one_letter_words(text[at:start], quoted, at), cyrillic]
        at = end
    return "".join([*out, _one_letter_words(text[at:], quoted, at)])


def _one_letter_words(part: str, quoted: list[tuple[int, int]], offset: int) -> str:
    """`part` (at `offset` of the question) with its one-letter Russian words in Cyrillic,
    outside quotes."""
    return _ONE_LETTER.sub(
        lambda m: m.group() if any(a <= offset + m.start() < b for a, b in quoted)
        else _PREPOSITIONS[m.group().lower()], part)
