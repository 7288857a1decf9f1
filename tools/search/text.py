"""Normalising shop text: words, stems, and the concepts (drug, city, job) slang stands for."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib.resources.abc import Traversable
from pathlib import Path

import snowballstemmer
from rapidfuzz import fuzz, process

from tools.resources import package_file, shipped_yaml

_WORD = re.compile(r"[0-9a-zа-яәғқңөұүһі]+(?:-[0-9a-zа-яәғқңөұүһі]+)*")
_CYRILLIC = re.compile(r"[а-яәғқңөұүһі]")
CONCEPT_PREFIX = "§"
FUZZY_CUTOFF = 85
# Longer "words" (a run of one letter, a hash, a base64 blob) are cut to this many characters
# for stemming and never matched fuzzily: no slang term is longer, and both cost time per
# character.
MAX_WORD_CHARS = 40
# Distinct unknown words per text matched fuzzily against the lexicon.
MAX_FUZZY_WORDS = 2000


# Kazakh letters as a keyboard without them writes them.
KAZAKH_TO_RUSSIAN = str.maketrans("әғқңөұүһі", "агкноуухи")
# Kazakh variants that are Russian words once written without Kazakh letters ("ұстал",
# detained: "устал", tired).
_RUSSIAN_WORDS = frozenset({"устал"})


@dataclass(frozen=True)
class Lexicon:
    """Variants per concept: exact words and prefixes (written with a trailing `*`)."""

    groups: dict[str, dict[str, list[str]]]
    exact: dict[str, set[str]] = field(default_factory=dict)
    # Emoji code ("❄️" for mephedrone, "🌿" for cannabis): variants without a letter or digit,
    # looked for as characters anywhere in a text.
    symbols: dict[str, set[str]] = field(default_factory=dict)
    prefixes: list[tuple[str, str]] = field(default_factory=list)
    # Prefixes by their first character: a word is compared with a few, not all of them.
    by_initial: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | Traversable) -> Lexicon:
        groups = shipped_yaml(path.read_text(encoding="utf-8"))
        lex = cls(groups)
        for group, concepts in groups.items():
            for concept, variants in concepts.items():
                key = f"{group}:{concept}"
                spelled = [normalise(str(v)) for v in variants]
                for v in list(spelled):
                    # Typed without Kazakh letters ("Оскеменде", "жумыс", "есиртки").
                    plain = v.translate(KAZAKH_TO_RUSSIAN)
                    if plain != v and len(plain.rstrip("*")) >= 5 and (
                            plain.rstrip("*") not in _RUSSIAN_WORDS):
                        spelled.append(plain)
                for v in spelled:
                    if not _WORD.search(v):
                        lex.symbols.setdefault(v, set()).add(key)
                    elif v.endswith("*"):
                        lex.prefixes.append((v[:-1], key))
                        lex.by_initial.setdefault(v[:1], []).append((v[:-1], key))
                    else:
                        lex.exact.setdefault(v, set()).add(key)
        return lex

    def concepts_of(self, word: str, fuzzy: bool = True) -> set[str]:
        exact = self.exact.get(word)
        found = set(exact) if exact else set()
        for prefix, key in self.by_initial.get(word[:1], ()):
            if word.startswith(prefix):
                found.add(key)
        if not found and fuzzy and fuzzy_candidate(word):
            # A typo ("мефидрон", "шымкен") still names the concept.
            choices = [p for p, _ in self.prefixes] + list(self.exact)
            best = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            if best is not None:
                found.update(self.concepts_of(best[0]) if best[0] in self.exact else
                             {k for p, k in self.prefixes if p == best[0]})
        return found


@cache
def lexicon() -> Lexicon:
    return Lexicon.load(package_file("tools.search", "lexicon.yaml"))


def normalise(text: str) -> str:
    # U+FE0F only asks for the emoji form of a symbol: "❄️" and "❄" are the same code.
    return text.lower().replace("ё", "е").replace("\ufe0f", "")


_RU = snowballstemmer.stemmer("russian")
_EN = snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    word = word[:MAX_WORD_CHARS]
    return (_RU if _CYRILLIC.search(word) else _EN).stemWord(word)


_KAZAKH_LETTERS = re.compile(r"[әғқңөұүһі]")
# Kazakh plural, possessive and case endings, longest first; stripped (twice at most) from
# words written with Kazakh letters, so "қаласында" and "қала", "Түркістанда" and
# "Түркістан" are one word to the index.
_KAZAKH_SUFFIXES = sorted({
    "лар", "лер", "дар", "дер", "тар", "тер", "ның", "нің", "дың", "дің", "тың", "тің",
    "ға", "ге", "қа", "ке", "на", "не", "да", "де", "та", "те", "нда", "нде", "ында", "інде",
    "сында", "сінде", "ны", "ні", "ды", "ді", "ты", "ті", "сы", "сі", "мен", "бен", "пен",
    "дан", "ден", "тан", "тен", "нан", "нен", "ынан", "інен", "ы", "і", "ым", "ім", "ың", "ің",
    "дағы", "дегі", "тағы", "тегі", "ндағы", "ндегі",
}, key=len, reverse=True)
# A Kazakh stem keeps at least this many letters.
_KAZAKH_MIN_STEM = 3
# Russian stems are taken again while they stay this long: "Ерлан", "Ерлана" and "Ерланом"
# all end up as one token (the stemmer alone gives "ерла" and "ерлан").
_MIN_STEM = 4


def kazakh_stem(word: str) -> str:
    """`word` without up to two Kazakh endings ("кристалдарды" → "кристал")."""
    for _ in range(2):
        for suffix in _KAZAKH_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= _KAZAKH_MIN_STEM:
                word = word[: -len(suffix)]
                break
        else:
            break
    return word


@lru_cache(maxsize=200_000)
def search_stem(word: str) -> str:
    """The index token of a word: Kazakh endings off for Kazakh-spelled words, else the Russian
    (or English) stem taken again while it stays `_MIN_STEM` letters long, so that names in any
    case meet."""
    word = word[:MAX_WORD_CHARS]
    if _KAZAKH_LETTERS.search(word):
        return kazakh_stem(word)
    s = stem(word)
    for _ in range(3):
        again = stem(s)
        if again == s or len(again) < _MIN_STEM:
            break
        s = again
    return s


def fuzzy_candidate(word: str) -> bool:
    """Whether a word is worth a fuzzy match against the lexicon (a typo of a slang word)."""
    return 5 <= len(word) <= MAX_WORD_CHARS and not any(c.isdigit() for c in word)


@lru_cache(maxsize=200_000)
def _concepts(word: str, fuzzy: bool) -> frozenset[str]:
    return frozenset(lexicon().concepts_of(word, fuzzy))


@dataclass(frozen=True, slots=True)
class Analysed:
    tokens: list[str]
    concepts: set[str]

    def of(self, group: str) -> list[str]:
        return sorted(c.split(":", 1)[1] for c in self.concepts if c.startswith(group + ":"))


_HANDLE = re.compile(r"@\w+|https?://\S+|t\.me/\S+")
# Signs that a text is a shop's: an amount in grams ("1г", "0.5 g"), an @…bot.
# Words of two letters or more: what makes a text more than a button press or a number.
WORDS = re.compile(r"[^\W\d_]{2,}")


def word_count(text: str) -> int:
    """Words of two letters or more in `text`."""
    return len(WORDS.findall(text))


GRAMS = re.compile(r"\d\s?(?:г|гр|g|gr)(?![0-9a-zа-яәғқңөұүһі])")
_BOT = re.compile(r"@\w*bot\b")
SLANG = "slang:"
JOB = "jobs:drug_job"
EITHER = "either:"
DELIVERY = "topics:delivery"
FOOD = "topics:food_delivery"
PARCELS = "topics:parcels"
_TRADE_SIGNS = frozenset({JOB, "topics:stash", PARCELS})
# A query's other reading of its slang ("кристалл": alpha-PVP after mephedrone).
MAYBE = "maybe:"
# Words that are the stash as well as the job, and what makes them the job.
_STASH_WORD = re.compile(r"(?:закладк|закладок|zakladk)(?!аш)")
_JOB_SIGNS = frozenset({"topics:job", "purposes:recruit"})


def _readings(concepts: Iterable[str]) -> Iterator[str]:
    return (c for c in concepts if c.startswith((SLANG, EITHER)))


@lru_cache(maxsize=20_000)
def _sure_drugs(line: str) -> frozenset[str]:
    """The drugs a line names by a word (or emoji) of one drug only."""
    found: set[str] = set()
    keys = [_concepts(w, False) or (_concepts(kazakh_stem(w), False)
                                     if _KAZAKH_LETTERS.search(w) else frozenset())
            for w in _WORD.findall(_HANDLE.sub(" ", line))[:200]]
    keys += [frozenset(k) for symbol, k in lexicon().symbols.items() if symbol in line]
    for k in keys:
        drugs = {c.split(":", 1)[1] for c in k if c.startswith(("drugs:", SLANG))}
        # (⚡ is alpha-PVP's and amphetamine's code alike: it decides nothing.)
        if not any(c.startswith(EITHER) for c in k) and len(drugs) == 1:
            found |= drugs
    return frozenset(found)


# A clause that says something is not there: "альфа жоқ", "временно нет", "закончился".
_NEGATION = re.compile(r"(?<![0-9a-zа-яәғқңөұүһі])(?:нет|нету|жоқ|закончил\w*|кончил\w*|"
                       r"sold out|out of stock)(?![0-9a-zа-яәғқңөұүһі])")
_CLAUSE = re.compile(r"[^.,;:!?\n]+")
# "Ручной работы" is handmade, "жұмыс істемейді" does not work: no job.
_NOT_JOB = re.compile(r"ручн\w* работ\w*|hand-?made|қолдан жасалған|"
                      r"жұмыс істемей\w*|жұмыс істейді|жұмыс істейміз")


# How many words beside a denial it takes back ("альфа жоқ", "Кристалла временно нет"); the
# rest of its clause stands ("Мефедрон 1г 15000 тг нет предоплаты" still offers mephedrone).
_DENIED_WORDS = 2
_WORDS = re.compile(r"\S+")


def _affirmed(norm: str) -> str:
    """`norm` without the words a denial takes back: up to two words on either side of it,
    within its clause ("мефедрон, альфа жоқ" → "мефедрон,")."""
    if _NEGATION.search(norm) is None:
        return norm

    def clause(m: re.Match[str]) -> str:
        text = m.group()
        denials = [d.span() for d in _NEGATION.finditer(text)]
        if not denials:
            return text
        words = [w.span() for w in _WORDS.finditer(text)]
        dropped: set[int] = set()
        for start, end in denials:
            at = [i for i, (a, b) in enumerate(words) if a < end and b > start]
            if at:
                dropped.update(range(max(0, at[0] - _DENIED_WORDS),
                                     min(len(words), at[-1] + _DENIED_WORDS + 1)))
        return " ".join(text[a:b] for i, (a, b) in enumerate(words) if i not in dropped) + " "

    return _CLAUSE.sub(clause, norm)


def analyse(text: str, document: bool = False, in_shop: bool = False) -> Analysed:
    """BM25 tokens (stems plus concept tokens) and the concepts `text` mentions.

    Slang that is also an everyday word (`slang` in the lexicon: соль, шишки, фен, ❄️) names
    its drug in a query unless household words stand beside it; in a `document`, only beside a
    shop's signs too (grams, an @…bot, a stash, a drug named outright) or `in_shop` (written
    in a chat of a shop that has a bot).
    """
    norm = normalise(text)
    words = _WORD.findall(norm)
    stems = {w: search_stem(w[:MAX_WORD_CHARS]) for w in set(words) if not w.isdigit()}
    tokens = [stems[w] for w in words if w in stems]
    # Each part of a hyphenated word is a word too: "Курьер-кладмен" is a кладмен (parts of
    # five letters or more: "Усть-", "-pvp" would match too much).
    parts = {p for w in stems if "-" in w for p in w.split("-") if len(p) > 4 and not p.isdigit()}
    # A code of letters and digits is written with or without its hyphen ("TRC-20" and "TRC20",
    # "4-MMC", "AK-47"): both spellings are the hyphenless one too.
    parts |= {w.replace("-", "") for w in stems if "-" in w and any(c.isdigit() for c in w)}
    tokens += [search_stem(p[:MAX_WORD_CHARS]) for p in sorted(parts)]
    concepts: set[str] = set()
    # Bot names and links are searchable words but say nothing of what is sold
    # ("@mefistofel_bot" is a shop's name, not mephedrone).
    fuzzy_left = MAX_FUZZY_WORDS
    # What a document says it has not ("альфа жоқ", "Кристалла временно нет") names nothing.
    said = _affirmed(norm) if document else norm
    said = _NOT_JOB.sub(" ", said)
    words_seen = set(_WORD.findall(_HANDLE.sub(" ", said)))
    # "Курьеры-закладчики" is a courier and a stash-layer: each part of a hyphenated word is
    # looked up too.
    words_seen |= {part for w in words_seen if "-" in w for part in w.split("-") if part}
    job_words: set[str] = set()
    # Slang of more than one drug ("кристалл", "крис": mephedrone or alpha-PVP; 💎): each
    # word's readings, its own drug's (slang) and the other's (either).
    either: list[tuple[str, frozenset[str]]] = []
    for word in words_seen:
        if word.isdigit():
            continue
        word = word[:MAX_WORD_CHARS * 2]
        found = _concepts(word, False)
        if not found and _KAZAKH_LETTERS.search(word):
            found = _concepts(kazakh_stem(word), False)
        if not found and fuzzy_left > 0 and fuzzy_candidate(word):
            # Typo tolerance costs ~30 µs a word: a text of gibberish gets a bounded share.
            fuzzy_left -= 1
            found = _concepts(word, True)
        if JOB in found:
            job_words.add(word)
        if any(c.startswith(EITHER) for c in found):
            either.append((word, readings := frozenset(_readings(found))))
            found = found - readings
        concepts |= found
    if job_words and all(_STASH_WORD.match(w) for w in job_words) and not (
            _JOB_SIGNS & concepts):
        # "Закладка" is the stash ("ненаход закладка", "закладки 24/7"), and the job only
        # beside a job's words ("работа закладками", "ищем на закладки").
        concepts = (concepts - {JOB}) | {"topics:stash"}
    # Emoji code speaks when no word does for sure ("💎 Соль" is salt, alpha-PVP; "Кристалдар
    # ❄️" mephedrone), and in a post only beside an amount in grams ("❄️ 1г — 15 000 ₸", not
    # "❄️ С возвращением!") or in the channel of a shop that has a bot ("15% жеңілдік ❄️🌿🍫").
    if not any(c.startswith(("drugs:", SLANG)) for c in concepts) and (
            not document or in_shop or GRAMS.search(norm) is not None):
        for symbol, keys in lexicon().symbols.items():
            if symbol in said:
                if any(c.startswith(EITHER) for c in keys):
                    either.append((symbol, readings := frozenset(_readings(keys))))
                    concepts |= keys - readings
                else:
                    concepts |= keys
    slang = {c for c in concepts if c.startswith(SLANG)}
    maybe: set[str] = set()
    if either:
        # The wording decides: "Меф кристалл" is mephedrone, "Крис (альфа)" alpha-PVP; in a
        # menu, the words of the line. A post no other word decides offers either; a query
        # asks for its own drug first.
        named = {c.split(":", 1)[1] for c in concepts if c.startswith(("drugs:", SLANG))}
        for word, readings in either:
            own = {c.split(":", 1)[1] for c in readings if c.startswith(SLANG)}
            other = {c.split(":", 1)[1] for c in readings if c.startswith(EITHER)}
            if document:
                # The lines that hold the word itself ("крис", not the "кристалл" of
                # another line), or the symbol.
                near = set().union(*(_sure_drugs(line) for line in said.splitlines()
                                     if (word in _WORD.findall(line) if _WORD.fullmatch(word)
                                         else word in line)))
                if decided := (own | other) & near:
                    slang |= {SLANG + d for d in decided}
                else:
                    # Nothing on its line decides: its own drug, and maybe the other
                    # ("💎 Кристалл 1г": mephedrone, maybe alpha-PVP).
                    slang |= {SLANG + d for d in own}
                    maybe |= other - own
            elif decided := (own | other) & named:
                slang |= {SLANG + d for d in decided}
            else:
                slang |= {SLANG + d for d in own}
                maybe |= other - own
    if slang:
        concepts -= slang
        household = "topics:household" in concepts
        shop_signs = (not document or in_shop or "topics:stash" in concepts
                      or any(c.startswith("drugs:") for c in concepts)
                      or GRAMS.search(norm) is not None or _BOT.search(norm) is not None)
        if shop_signs and not household:
            concepts |= {"drugs:" + c[len(SLANG):] for c in slang}
            concepts |= {MAYBE + d for d in maybe
                         if "drugs:" + d not in concepts}
    if DELIVERY in concepts:
        # Delivery of nothing of the drug trade is of food ("доставка пиццы", "курьер на
        # доставку"), not "доставка меф по городу" or "курьеры на доставку кладов".
        concepts.discard(DELIVERY)
        if not any(c.startswith("drugs:") or c in _TRADE_SIGNS for c in concepts):
            concepts.add(FOOD)
    tokens += [CONCEPT_PREFIX + (c if not c.startswith(MAYBE) else "drugs:" + c[len(MAYBE):])
               for c in sorted(concepts)]
    tokens += number_tokens(norm)
    return Analysed(tokens, concepts)


# A card or phone number however it is grouped: "4405 6391 2047 8811", "8 (747) 318-52-09".
_NUMBER = re.compile(r"\+?\d[\d \-()]{8,24}\d")
# The same, each by its own shape: a run of digits read as one number may run on into an
# amount ("+7 707 475 77 10 (17 000 ₸)" is a phone and a price, not a card).
_PHONE = re.compile(r"(?<![\d+])(?:\+7|8|7)[ (\-]{0,2}\d{3}[ )\-]{0,2}\d{3}[ \-]?\d{2}[ \-]?\d{2}"
                    r"(?![\d])")
_CARD = re.compile(r"(?<!\d)\d{4}[ \-]?\d{4}[ \-]?\d{4}[ \-]?\d{4}(?!\d)")
# An order number, a code, an amount written whole ("Заказ №90274"): a word of this many digits
# (a shorter one is a quantity, a year or part of a grouped number).
_CODE = re.compile(r"(?<![\d.,])\d{5,9}(?![\d.,])")
MAX_NUMBERS = 200


def number_tokens(norm: str) -> list[str]:
    """Tokens of the card (16 digits) and phone (10–11 digits, the last 10 kept) numbers and
    the codes (an order number) in a text, so that a number searched as typed finds it as
    written."""
    out: dict[str, None] = {}
    for pattern in (_NUMBER, _PHONE, _CARD):
        for m in pattern.finditer(norm):
            digits = "".join(c for c in m.group() if c.isdigit())
            if len(digits) == 16:
                out[f"{CONCEPT_PREFIX}card:{digits}"] = None
            elif len(digits) in (10, 11):
                out[f"{CONCEPT_PREFIX}phone:{digits[-10:]}"] = None
            if len(out) >= MAX_NUMBERS:
                return list(out)
    for m in _CODE.finditer(norm):
        out[f"{CONCEPT_PREFIX}code:{m.group()}"] = None
        if len(out) >= MAX_NUMBERS:
            break
    return list(out)


_CONCEPT_WORDS = {
    "drugs:mephedrone": "мефедрон mephedrone", "drugs:alpha_pvp": "альфа-PVP соль alpha-PVP",
    "drugs:cannabis": "марихуана шишки cannabis", "drugs:hashish": "гашиш hashish",
    "drugs:amphetamine": "амфетамин amphetamine", "drugs:cocaine": "кокаин cocaine",
    "jobs:drug_job": "работа закладчиком кладмен drug courier job",
    "topics:police": "полиция police", "topics:phones": "телефон phone",
    "topics:food_delivery": "доставка еды food delivery", "topics:job": "работа job",
    "topics:for_sale": "продажа for sale", "topics:market": "барахолка flea market",
}


def concept_words(concept: str) -> str:
    """The words a concept is spelled out with for the embedding ("мефедрон mephedrone")."""
    return _CONCEPT_WORDS.get(concept, concept.split(":", 1)[1])


def for_embedding(text: str, analysed: Analysed) -> str:
    """The text with what its slang means spelled out, so that the embedding sees it too."""
    extra = [concept_words(c) for c in sorted(analysed.concepts)]
    return f"{text}\n{'; '.join(extra)}" if extra else text
