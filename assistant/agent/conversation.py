"""The conversation around a question: which of two things a question sets against each other,
what a follow-up points at in the previous turn, and when a first question points at nothing.

The previous turn is read once into a `Turn`: the parties its answer is about (its headings),
those it lists (its lines, in order, each with every identifier on it, its date and whether it
is money paid or received), the shops it lists, and the question it answered with the parties
that question named. A follow-up is resolved against that by one resolver (`resolve`), not by
re-reading words of the answer for each pointer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from assistant.agent.asking_words import BENEFICIARY_ASKED
from assistant.agent.translit import MONTH_NAMES
from assistant.agent.understanding import CASE_WORDS, Reading
from assistant.agent.world import about_the_world
from tools.payments import extract_payment_details
from tools.resources import prompt_yaml
from tools.tokens import PROTECTED

# An address of a wallet (TRON, Bitcoin, Ethereum) or a transaction hash (64 hex digits).
_ADDRESS = re.compile(r"\b(?:T[1-9A-HJ-NP-Za-km-z]{33}|0x[0-9a-fA-F]{40}|bc1[0-9a-z]{8,87})\b")
_HASH = re.compile(r"(?<![0-9a-fA-Fx])(?:0x)?[0-9a-fA-F]{64}(?![0-9a-fA-F])")
_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")

_GROUP = {**{k: "wallet" for k in ("tron", "btc", "eth")},
          **{k: "account" for k in ("card", "card_mask", "iban", "phone", "iin", "person")},
          "shop": "shop", "bot": "shop"}

# Russian ordinals in every gender and case ("вторая", "первую", "третьему").
_RU_ENDINGS = ("ый", "ой", "ий", "ая", "яя", "ую", "юю", "ое", "ее", "ье", "ья", "ью", "ого",
               "ему", "ому", "ым", "им", "ом", "ем", "ых", "их", "ые", "ие", "ьего", "ьему",
               "ьим", "ьем", "ьей")
_ORDINALS = {
    1: ("first", *(f"перв{e}" for e in _RU_ENDINGS), "бірінші", "1st", "1-й", "1-го", "1-ші"),
    2: ("second", *(f"втор{e}" for e in _RU_ENDINGS), "екінші", "2nd", "2-й", "2-го", "2-ші"),
    3: ("third", *(f"трет{e}" for e in _RU_ENDINGS), "үшінші", "3rd", "3-й", "3-го", "3-ші"),
    4: ("fourth", *(f"четв{o}рт{e}" for o in "её" for e in _RU_ENDINGS), "төртінші", "4th",
        "4-й", "4-го", "4-ші"),
}


def _ordinals_in(q: str) -> list[int]:
    """The ordinals a (case-folded) question names, from a word's start: "21-го" is a date,
    not "the first"; a word may take its endings ("екіншісі")."""
    return [n for n, rx in _ORDINAL_RX.items() if rx.search(q)]


# Each ordinal's words as one pattern, from a word's start ("21-го" is a date, not "the first").
_ORDINAL_RX = {n: re.compile("|".join(
    rf"(?<!\w){re.escape(w)}" + ("" if w[0].isalpha() else r"(?!\w)") for w in words))
    for n, words in _ORDINALS.items()}


_KIND_WORDS = {"card": ("карт", "card", "карта"), "phone": ("телефон", "номер", "phone"),
               "iban": ("iban", "счет", "счёт", "шот", "account"),
               "wallet": ("кошел", "wallet", "әмиян", "крипт", "usdt", "адрес", "tron", "trc",
                          "crypto")}


def kinds_named(question: str) -> list[str]:
    """The kinds of payment detail a question names ("card", "phone", …)."""
    q = question.lower()
    kinds = [k for k, words in _KIND_WORDS.items() if any(w in q for w in words)]
    if "card" in kinds and "phone" in kinds and not re.search(r"телефон|phone", q):
        kinds.remove("phone")  # "карта номері", "номер карты": a card's number
    return kinds


@dataclass
class Line:
    """One line of an answer listing a party: its identifier, the date on it, its text, every
    identifier on it in order (value, group: "wallet" or a detail's kind) and its part in the
    money ("out" paid to the party, "in" received from it, None)."""
    value: str
    kind: str
    date: str | None
    text: str
    ids: list[tuple[str, str]] = field(default_factory=list)
    role: str | None = None


@dataclass
class Turn:
    """The previous turn, read once: the question and the parties it named, the parties its
    answer is about (the identifiers of its headings), the parties it lists, the shops it
    lists (one a line, in the order the question asked of them) and the transaction hashes
    it shows."""
    question: str
    about: list[str] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)
    asked: list[tuple[str, str]] = field(default_factory=list)
    shops: list[str] = field(default_factory=list)
    head: str = ""
    headings: list[list[tuple[str, str]]] = field(default_factory=list)

    @classmethod
    def of(cls, question: str, answer: str,
           role_of: Callable[[str], str | None] = lambda line: None,
           shops_in: Callable[[str], list[str]] | None = None) -> Turn:
        """`role_of` tells a line's part in the money; `shops_in` the shops a line names."""
        turn = cls(question, asked=list(dict.fromkeys(_identifiers(question))),
                   head=answer.split("\n", 1)[0])
        for raw in answer.splitlines():
            if not raw.strip():
                continue
            found = _identifiers(raw)
            turn.hashes += [h for h in _HASH.findall(raw) if h not in turn.hashes]
            if not raw.startswith(("-", " ")):
                turn.about += [v for v, _ in found if v not in turn.about]
                turn.headings.append(found)
            elif raw.startswith("- [") and found:
                date = _DATE.search(raw)
                value, kind = found[0]
                turn.lines.append(Line(value, "wallet" if kind == "wallet" else kind,
                                       date.group() if date else None, raw, found,
                                       role_of(raw)))
        if shops_in is not None:
            turn.shops = _shops_listed(question, answer, shops_in)
        return turn

    def listed(self, kinds: tuple[str, ...] | None = None) -> list[str]:
        """The parties the answer lists, each once, in order: of each line its first wallet,
        or its first detail when `kinds` (of details) are asked and it is one of them; asked
        of no kind, its first wallet, else (no wallet listed) its first detail, those the
        answer is about left out."""
        if kinds and not set(kinds) <= set(_WALLET_KINDS):
            return list(dict.fromkeys(
                ds[0][0] for ln in self.lines
                if (ds := [(v, k) for v, k in ln.ids if k != "wallet"]) and ds[0][1] in kinds))
        out = [ws[0] for ln in self.lines if (ws := [v for v, k in ln.ids if k == "wallet"])]
        if not out and not kinds:
            out = [details[0] for ln in self.lines
                   if (details := [v for v, k in ln.ids if k != "wallet"])]
        out = list(dict.fromkeys(out))
        return out if kinds else [v for v in out if v not in self.about]

    def subject(self) -> tuple[str, str] | None:
        """The one party the answer's first line is about (its value, its kind: "tron" for a
        wallet), when it is about one."""
        found = list(dict.fromkeys(_identifiers(self.head)))
        if len(found) != 1:
            return None
        value, kind = found[0]
        return value, "tron" if kind == "wallet" else kind

    def reached(self) -> tuple[str, str] | None:
        """The wallet the answer followed money from and the end it found the money reaching
        ("X of A's money reached B": its one heading naming two wallets), when it did."""
        heads = [list(dict.fromkeys(v for v, k in h if k == "wallet")) for h in self.headings]
        pairs = [h for h in heads if len(h) == 2]
        if len(pairs) != 1 or sum(bool(h) for h in heads) > 1:
            return None
        return pairs[0][0], pairs[0][1]

    def counterparty(self) -> str | None:
        """The first party the answer lists that its first line is not about (who paid it,
        whom it paid): an account, card or phone of a line before a wallet of it."""
        head = {v for v, _ in _identifiers(self.head)}
        for ln in self.lines:
            found = [v for v, k in ln.ids if k in ("iban", "card", "phone") and v not in head] + \
                [v for v, k in ln.ids if k == "wallet" and v not in head]
            if found:
                return found[0]
        return None

    def ends(self) -> list[str]:
        """The beneficiaries the answer lists (the ends of the money it names as such)."""
        return [ws[0] for ln in self.lines if _beneficiary_words().search(ln.text) and
                (ws := [v for v, k in ln.ids if k == "wallet"])]

    def on_date(self, day: str) -> list[Line]:
        """The lines dated `day` (YYYY-MM-DD), each party once."""
        seen: dict[str, Line] = {}
        for line in self.lines:
            if line.date == day:
                seen.setdefault(line.value, line)
        return list(seen.values())


# Months by name in three languages (the first letters that tell them apart), to read "13
# ақпанда", "on 13 February", "13 февраля".
# Each month's names as a pattern: the Russian and Kazakh stems in any ending, the English
# whole ("01": "январ\w*|january|jan|қаңтар\w*").
_MONTHS = tuple((f"{i:02d}", "|".join(n if n.isascii() else rf"{n}\w*" for n in names))
                for i, names in enumerate(MONTH_NAMES, 1))
_DAY_MONTH = re.compile(r"(?<!\d)(\d{1,2})(?:-?(?:го|ші|шы|th|st|nd|rd))?\s+(" + "|".join(
    f"(?P<m{n}>{p})" for n, p in _MONTHS) + r")(?!\w)", re.I)
_MONTH_DAY = re.compile(r"(?<!\w)(" + "|".join(f"(?P<m{n}>{p})" for n, p in _MONTHS) +
                        r")\s+(\d{1,2})(?:st|nd|rd|th)?(?!\d)", re.I)
# (Not an amount: "12.10 USDT", "1.5 btc", "2.5 тыс", "2.5 г": a token the engine knows, a
# currency, a multiplier or a weight.)
_AMOUNT_UNITS = "|".join(sorted({t.casefold() for t in PROTECTED}, key=len, reverse=True))
_NUMERIC = re.compile(r"(?<![\d.,])(\d{1,2})[./](\d{1,2})(?:[./](\d{2,4}))?(?![\d.,])"
                      rf"(?!\s*(?:{_AMOUNT_UNITS}|usd|₸|\$|тг|тенге|kzt|тыс|мың|k|к|млн|"
                      r"г|гр|g|gr|кг|kg|мл|ml|шт)(?!\w))", re.I)


def days_named(question: str) -> list[tuple[str, str]]:
    """The days a question names without a year, as (month, day): "13 ақпанда" → ("02", "13")."""
    out: list[tuple[str, str]] = []
    for m in _DAY_MONTH.finditer(question):
        month = next(k[1:] for k, v in m.groupdict().items() if v)
        out.append((month, f"{int(m.group(1)):02d}"))
    for m in _MONTH_DAY.finditer(question):
        month = next(k[1:] for k, v in m.groupdict().items() if v)
        out.append((month, f"{int(m.group(m.lastindex or 0)):02d}"))
    for m in _NUMERIC.finditer(question):
        d, mo = int(m.group(1)), int(m.group(2))
        if 1 <= d <= 31 and 1 <= mo <= 12:
            out.append((f"{mo:02d}", f"{d:02d}"))
    return out


def picked_by_date(question: str, turn: Turn) -> Line | None:
    """The one party of the previous answer the follow-up picks by the day it names ("the
    number given on 13 February", "13 ақпанда берілген нөмір"); None when no line, or several
    parties, carry that day."""
    for month, day in days_named(question):
        dated = [ln for ln in turn.lines if ln.date and ln.date[5:] == f"{month}-{day}"]
        parties = list(dict.fromkeys(ln.value for ln in dated))
        if len(parties) == 1:
            return dated[0]
    return None


# "that transfer", "этот перевод", "сол аударым": one transfer pointed at.
_THAT_TRANSFER = re.compile(
    r"(?<!\w)(?:(?:that|this|the) (?:transfer|transaction|payment|tx)|"
    r"(?:этот|тот|эта|та|этого|того|этой|той|этом|том|данн\w+) (?:перевод\w*|транзакци\w*|"
    r"платеж\w*|платёж\w*|оплат\w*)|(?:перевод|транзакци\w*|платеж|платёж) (?:этот|тот|эта)|"
    r"(?:сол|бұл|осы|осыны|соны) (?:аударым\w*|транзакци\w*|төлем\w*))(?!\w)", re.I)


def pointed_transfer(question: str, turn: Turn) -> str | None:
    """The one transaction hash the previous answer shows, when the follow-up points at a
    transfer ("how much was that transfer and when?")."""
    if _THAT_TRANSFER.search(question) and len(turn.hashes) == 1 and \
            not _HASH.search(question):
        return turn.hashes[0]
    return None


# "of them both", "из них двоих", "екеуінің": the two spoken of.
_BOTH_OF_THEM = re.compile(
    r"(?<!\w)(?:(?:of |between )?(?:the two|them both|both of them|the pair)|"
    r"(?:из|у|между) (?:них )?(?:двоих|обоих|двумя|них двоих)|(?:эти|этих|оба|обе) (?:двое|двух|"
    r"счета|кошелька)|екеуі\w*|екеуінің)(?!\w)", re.I)


# "сравни их", "compare the two", "екеуін салыстыр": the two side by side.
_SET_SIDE_BY_SIDE = re.compile(r"сравн\w*|сопостав\w*|\bcompar\w*|салыстыр\w*", re.I)


def two_spoken_of(question: str, named: bool, turn: Turn) -> list[str]:
    """"кто из них двоих больше …?" after an answer about two parties (its headings), though
    the question before named only one of them: those two."""
    if named or not _BOTH_OF_THEM.search(question) or not (
            _WHICH_MORE.search(question) or _SET_SIDE_BY_SIDE.search(question)):
        return []  # "екеуіне де қайда аударды?": where both sent money, no comparison
    about = list(dict.fromkeys(turn.about))
    groups = {_GROUP.get(_kind(v)) for v in about}
    return about if len(about) == 2 and len(groups) == 1 else []


def _kind(value: str) -> str:
    if _ADDRESS.fullmatch(value):
        return "tron"
    found = extract_payment_details(value)
    return found[0].kind if found else "person"


_WALLET_KINDS = ("tron", "btc", "eth")


def _identifiers(text: str) -> list[tuple[str, str]]:
    """The wallets and payment details (not a bot) `text` writes, in order: (value, "wallet")
    or (value, its kind)."""
    found = [(m.start(), m.group(), "wallet") for m in _ADDRESS.finditer(text)] + [
        (text.find(d.value) if d.value in text else 10 ** 6, d.value, d.kind)
        for d in extract_payment_details(text) if d.kind not in ("bot", *_WALLET_KINDS)]
    found.sort()
    return [(v, k) for _, v, k in found]


@cache
def _beneficiary_words() -> re.Pattern[str]:
    """A line naming an end of the money as a beneficiary, in any language."""
    reasons = prompt_yaml("offline_answers.yaml")["reasons"]["beneficiary"]
    return re.compile("|".join(re.escape(w) for w in reasons.values()), re.I)


def _shops_listed(question: str, answer: str, shops_in: Callable[[str], list[str]]
                  ) -> list[str]:
    """The shops an answer lists, one a line, each once; in the order its question asked of
    them when it named what each line is of ("в Усть-Каменогорске, а какой в Караганде?")."""
    listed: list[str] = []
    asked_at: dict[str, int] = {}
    asked = question.casefold()
    for line in answer.splitlines():
        if not line.startswith("- ["):
            continue
        shops = shops_in(line)
        if not shops:
            continue
        name = shops[0]
        listed.append(name)
        at = [asked.find(w.casefold()[:max(5, len(w) - 2)])
              for w in re.findall(r"[^\W\d_][\w-]{4,}", line.split("«", 1)[0])
              if w.casefold() not in name.casefold()]
        at = [a for a in at if a >= 0]
        if at:
            asked_at.setdefault(name, min(at))
    listed = list(dict.fromkeys(listed))
    if len(asked_at) == len(listed) > 1 and len(set(asked_at.values())) == len(listed):
        listed.sort(key=lambda n: asked_at[n])
    return listed


# "оттуда", "from there", "сол жерден", "с него": from the one party the answer is about.
_FROM_THERE = re.compile(r"(?<!\w)(?:оттуда|from there|from it|from that (?:account|wallet|card)|"
                         r"с него|с не[её]|с этого (?:сч[её]та|кошелька)|одан|сол жерден|"
                         r"сол шоттан|сол әмияннан|ол жақтан)(?!\w)", re.I)


# "From there" as a place the money reached, not "from it" (the party itself).
_THERE_PLACE = re.compile(r"(?<!\w)(?:оттуда|from there|сол жерден|ол жақтан)(?!\w)", re.I)


def from_there(question: str, turn: Turn) -> str | None:
    """The one party the previous answer is about, when the follow-up asks about the money
    going on "from there" or only asks on ("а дальше?", "and then?")."""
    about = list(dict.fromkeys(turn.about))
    if not (_FROM_THERE.search(question) or goes_on(question)) or len(about) != 1:
        return None
    return about[0]


# Two things set against each other as alternatives ("A или B?", "A or B", "A әлде B") or
# asked which of them ("кто из них больше", "қайсысы көбірек", "which one … more").
_WHICH_MORE = re.compile(
    r"(?<!\w)(?:(?:кто|что|какой|какая|какое|который|которая|у кого|чей|чья)"
    r"(?: из (?:них|этих|двух|обоих|двоих))?(?: \w+){0,3} (?:больше|меньше)|"
    r"(?:which|who|what)(?: one| of (?:the|them|these|those)(?: two)?)?(?: \w+){0,4} "
    r"(?:more|less|most|least|bigger|larger)|"
    r"қайсысы\w*(?: \w+){0,4} (?:көбірек|көп|аз|азырақ)|кім(?: \w+){0,4} (?:көбірек|көп))"
    r"(?!\w)", re.I)
_OR = re.compile(r"(?<!\w)(?:или|либо|or|әлде|немесе)(?!\w)", re.I)


def set_against(question: str, reading: Reading) -> list[str]:
    """Whether the question asks which of two things of one sort it names has more (less):
    "что больше получило — X или Y?", "X пен Y — қайсысы көбірек жіберді?", "X и Y — кто из
    них больше занёс?": the two side by side, not what passed between them (their values;
    none when it does not)."""
    if not _WHICH_MORE.search(question):
        return []
    for kinds in (("tron", "btc", "eth"), ("person", "iban", "card", "card_mask", "phone"),
                  ("shop", "bot")):
        named = sorted(reading.of(*kinds), key=lambda e: e.start)
        pairs = [(a, b, question[a.end:b.start]) for a, b in
                 zip(named, named[1:], strict=False)]
        # The two side by side: joined by "or" (else "and", a comma), not "from A to B".
        for a, b, between in pairs:
            if _OR.search(between) and len(between) < 40:
                return [a.value, b.value]
        for a, b, between in pairs:
            if re.fullmatch(r"[\s,]*(?:и|and|&|пен|мен|бен|men|pen|,)\s*", between, re.I):
                return [a.value, b.value]
    return []


def two_of_one_sort(reading: Reading) -> bool:
    """Exactly two parties of one sort, a person named beside their own account counting once
    ("Кузнецова П. KZ43… и Тулегенова А. KZ60…")."""
    for kinds in (("tron", "btc", "eth"), ("iban", "card", "card_mask", "phone"),
                  ("shop", "bot")):
        if len({e.value for e in reading.of(*kinds)}) == 2:
            return True
    return False


# A first question pointing at something said before ("а сколько там было всего?", "what
# about that one?") or asking of one thing of a kind without saying which ("карта бойынша
# мәлімет", "info on the wallet").
_THERE_ONLY = re.compile(r"(?<!\w)(?:там|тут|туда|оттуда|there|сонда|онда|сол жерде)(?!\w)",
                         re.I)
_ONE_OF_A_KIND = re.compile(
    r"^\W*(?:(?:по|про|о|об|на)\s+)?(?:карт[аеуы]|карточк\w+|кошел[её]к\w*|кошельку|сч[её]т\w*|"
    r"номер\w*|телефон\w*|card|wallet|account|number|phone|карта|әмиян|шот|нөмір)\s+"
    r"(?:бойынша|туралы|жөнінде|about|info|details|information)?\s*"
    r"(?:мәлімет\w*|ақпарат\w*|дерек\w*|информаци\w*|данные|сведени\w*|подробн\w*|"
    r"details?|info(?:rmation)?|беріңіз\w*|керек|нужн\w*|дай\w*|покажи\w*|show)?"
    r"(?:\s+(?:беріңіз\w*|керек|дай\w*|пожалуйста|please|бер))*\W*$", re.I)
_INFO_ABOUT_ONE = re.compile(
    r"^\W*(?:(?:дай\w*|покажи\w*|нужн\w*|give|show|get)\s+(?:me\s+)?)?"
    r"(?:информаци\w+|данные|сведени\w+|info(?:rmation)?|details)\s+"
    r"(?:по|про|о|об|on|about|for)\s+(?:the\s+|this\s+|этой\s+|этому\s+)?"
    r"(?:карт\w*|кошел\w*|сч[её]т\w*|номер\w*|телефон\w*|card|wallet|account|number|phone)"
    r"\W*$", re.I)


def points_at_nothing(question: str, reading: Reading, opening: bool) -> bool:
    """A first question that names nothing and either points "there" at nothing said before
    ("а сколько там было всего?") or asks of one card, wallet or account without saying
    which ("карта бойынша мәлімет беріңізші"): which one, asked back."""
    if not opening or reading.entities or reading.cities or reading.drugs:
        return False
    q = question.strip()
    if _ONE_OF_A_KIND.match(q) or _INFO_ABOUT_ONE.match(q):
        return True
    words = re.findall(r"[^\W\d_]+", q)
    return bool(_THERE_ONLY.search(q)) and len(words) <= 6 and \
        bool(re.match(r"^\W*(?:а|и|and|ал|ну|so)\b", q, re.I)) and \
        not re.search(r"(?<!\w)(?:дел[оеау]|case|іс\w*|в целом|overall)(?!\w)", q, re.I)


def carried(question: str, named: bool, turn: Turn, holder: str | None = None,
            role_of: Callable[[str], str | None] = lambda line: None) -> str | None:
    """The party of the previous turn a follow-up naming none points at — by the day it was
    given on, as "that transfer", as "from there", as the money just found when it asks only
    when, or as the holder of the one detail listed — or None."""
    if named:
        return None
    line = picked_by_date(question, turn)
    if line is not None:
        return line.value
    return pointed_transfer(question, turn) or from_there(question, turn) or \
        when_of(question, turn, role_of) or holder_account(question, turn, holder) or \
        one_detail_listed(question, turn)


# "when?", "когда это было?", "қашан?", "what date?": the day of what was just found.
_ASKS_WHEN = re.compile(r"(?<!\w)(?:when|what (?:day|date|time)|on which (?:day|date)|когда|"
                        r"какого числа|в какой день|какой датой|қашан|қай күні|қай уақытта|"
                        r"кашан)(?!\w)", re.I)
# The words a bare "when?" may carry beside its pointer ("when did that happen?", "а это
# когда было?", "бұл қашан болды?").
_WHEN_FILLER = re.compile(r"(?<!\w)(?:and|so|did|was|were|it|that|this|happen\w*|take place|"
                          r"а|и|это|то|было|был|была|произошло|случилось|ал|бұл|сол|осы|"
                          r"болды|болған|ше)(?!\w)", re.I)
# An amount with its cents ("120 000.00", "1,50"): bounded, its thousands grouped by one space.
_AN_AMOUNT = re.compile(r"(?<![\d.,])\d{1,3}(?:[ \u00a0]?\d{3}){0,6}[.,]\d{2}\b")


def when_of(question: str, turn: Turn,
            role_of: Callable[[str], str | None] = lambda line: None) -> str | None:
    """The two parties of the money the previous answer found first — the one it is about and
    the first identifier a line with an amount lists beside it — when the follow-up asks only
    when ("а когда?", "when did that happen?", "бұл қашан болды?"): the transfers between
    them, with their days, the payer first (`role_of` a line: "in" when it lists money the
    subject received)."""
    match = _ASKS_WHEN.search(question)
    if not match or _HASH.search(question):
        return None
    if _words_left(question, _ASKS_WHEN, _WHEN_FILLER) > 1:
        return None  # "when was the card handed out?": an ask of its own
    about = list(dict.fromkeys(turn.about))
    if len(about) == 2 and all(_AN_AMOUNT.search(ln.text) for ln in turn.lines if ln.text):
        # An answer about two parties, the money between them ("а когда?" after who got
        # 324 800): the transfers between the two.
        return " ".join(about)
    if len(about) != 1:
        return None
    for line in turn.lines:
        if not _AN_AMOUNT.search(line.text):
            continue
        ids = [*_ADDRESS.findall(line.text), *(d.value for d in extract_payment_details(
            line.text) if d.kind in ("card", "iban", "phone"))]
        other = next((v for v in ids if v != about[0]), None)
        if other:
            # ("а когда?" after who paid T…: from the payer to it.)
            return f"{other} {about[0]}" if (line.role or role_of(line.text)) == "in" else \
                f"{about[0]} {other}"
    return None


# "and further?", "а дальше?", "ал одан әрі?", "what next?": the previous question's way of
# the money, followed on.
_ON_FURTHER = re.compile(r"(?<!\w)(?:further|next|then|after that|onwards?|дальше|далее|"
                         r"потом|затем|а после|одан (?:әрі|кейін|ары)|әрі қарай|ары қарай|"
                         r"содан кейін|кейін)(?!\w)", re.I)


# The words "and then?" may carry beside its further word ("and then where did it go?", "а
# дальше куда ушло?", "одан әрі қайда кетті?").
_ON_FILLER = re.compile(r"(?<!\w)(?:and|so|did|does|it|that|this|the|money|go|goes|went|gone|"
                        r"а|и|ну|это|деньги|ушл[оиа]|уш[её]л|пошл[оиа]|пош[её]л|дошл[оиа]|"
                        r"ал|бұл|ақша|кетті|барды|жетті|ше)(?!\w)", re.I)


def _words_left(question: str, *asked: re.Pattern[str]) -> int:
    """How many words `question` holds once the patterns `asked` are struck out."""
    for pattern in asked:
        question = pattern.sub(" ", question)
    return len(re.findall(r"[^\W\d_]+", question))


def goes_on(question: str) -> bool:
    """Whether a short follow-up asks only for more of the same way ("ал одан әрі?", "and
    then?", "а дальше куда?"): its further word and fillers struck out, at most one word (a
    "where") is left; "who owns it then?" asks a thing of its own."""
    return bool(_ON_FURTHER.search(question)) and \
        _words_left(question, _ON_FURTHER, _ON_FILLER) <= 1


def leans_on_previous(question: str, reading: Reading) -> bool:
    """A follow-up of a few words naming nothing ("шоты ше?", "and the date?", "а сумма?"):
    it asks of what the previous turn was about, not of the world outside. Its few words hold
    a word of the case or of a detail asked ("дата", "when"): thanks, a greeting or "who are
    you?" lean on nothing."""
    if reading.entities or reading.cities or reading.drugs or reading.invalid or \
            about_the_world(question):
        return False
    return 0 < _words_left(question) <= 4 and bool(
        CASE_WORDS.search(question) or _A_DETAIL_ASKED.search(question))


# The details of what was just found a short follow-up may ask for ("and the date?", "а когда?",
# "күні ше?", "how much?", "қанша?").
_A_DETAIL_ASKED = re.compile(r"(?<!\w)(?:дат\w{0,3}|date|days?|когда|when|күн[іi]\w{0,3}|"
                             r"қашан|сколько|how much|how many|қанша|кому|кто владе\w{0,3}|"
                             r"whose|чей|чья|чь[её]|кімдікі|кімге)(?!\w)", re.I)


def own_words(question: str, spans: list[tuple[int, int]]) -> bool:
    """Whether a follow-up holds a word of its own beside the names it gives ("Сеитовада?"
    holds none: its language is the conversation's)."""
    for start, end in sorted(spans, reverse=True):
        question = question[:start] + " " + question[end:]
    return bool(re.search(r"[^\W\d_]", question))


def bank_sides(reading: Reading, question: str) -> int:
    """How many bank parties the question names, a person written right beside an account
    ("Кузнецова П. KZ43…", "KZ43… (Кузнецов П.)", its initials between) counting once with
    it."""
    parties = sorted(reading.of("person", "iban", "card", "card_mask", "phone"),
                     key=lambda e: e.start)
    count, previous = 0, None
    for e in parties:
        if previous is not None and (e.kind == "person") != (previous.kind == "person") and \
                re.fullmatch(r"[\s,.:()\-–—]*(?:\w{1,2}\.)?(?:\s*\w{1,2}\.)?[\s,.:()\-–—]*",
                             question[previous.end:e.start]):
            previous = None  # the pair's second half
            continue
        count += 1
        previous = e
    return count


# "how much ended up with X", "сколько дошло до X", "X-ке қанша жетті": what of the money
# followed before reached the wallet named.
_REACHED = re.compile(r"(?<!\w)(?:end(?:ed|s)? up|reach(?:ed|es)?|got to|made it to|arrived|"
                      r"landed|дош(?:ло|ли|ёл|ел)|доходил\w*|досталось|осел\w*|осело|оказал\w*|"
                      r"попал\w*|жетті|жеткен\w*|жетк\w*|барып түсті)(?!\w)", re.I)


def reached_from(question: str, wallets: list[str], turn: Turn) -> str | None:
    """The wallet the previous answer followed the money from, when the follow-up asks how
    much of it reached one wallet that answer lists ("and how much ended up with T…?" after
    where A's money went): A, the path's start."""
    about = list(dict.fromkeys(turn.about))
    if len(wallets) != 1 or len(about) != 1 or about[0] == wallets[0] or \
            not _REACHED.search(question) or not _ADDRESS.fullmatch(about[0]):
        return None
    listed = {v for line in turn.lines for v in _ADDRESS.findall(line.text)}
    return about[0] if wallets[0] in listed else None


# Who someone is: a full name, an ИИН/ЖСН, the holder ("ал оның толық аты-жөні мен ЖСН-і",
# "его ФИО и ИИН", "whose is it, full name").
_WHO_HOLDS = re.compile(r"(?<!\w)(?:ИИН\w*|ЖСН\w*|IIN|ФИО|full name|аты-жөн\w*|толық аты\w*|"
                        r"полн\w* (?:имя|им\w+)|владел\w*|держател\w*|иес\w*|holder|owner|"
                        r"кімдікі|кімнің атына|на кого|whose)(?!\w)", re.I)


def one_detail_listed(question: str, turn: Turn) -> str | None:
    """The one card, account or phone the previous answer lists, when the follow-up asks
    whose it is ("ал оның толық аты-жөні мен ЖСН-і қандай?" after the card a shop handed
    out): that detail, not the shop the question before named."""
    if not _WHO_HOLDS.search(question):
        return None
    details = list(dict.fromkeys((ln.value, ln.kind) for ln in turn.lines
                                 if ln.kind in ("card", "iban", "phone")))
    if len(details) != 1 or asks_of_another(question, details[0][1]):
        return None
    return details[0][0]


def asks_of_another(question: str, kind: str) -> bool:
    """Whether a follow-up asks of something other than the one detail (of `kind`: "card",
    "iban", "phone", a wallet's chain) the previous answer listed: it names an ordinal ("whose
    is the second wallet?") or another kind of detail ("and the wallet?" after a card; "чей
    это номер?" may be the card's number)."""
    if _ordinals_in(question.casefold()):
        return True
    named = [k for k in kinds_named(question)
             if k != "phone" or re.search(r"телефон|phone", question, re.I)]
    group = "wallet" if kind in ("tron", "btc", "eth") else kind
    return bool(named) and group not in named


def asks_holder(question: str) -> bool:
    """Whether the question asks who holds something (a full name, an ИИН, the owner)."""
    return bool(_WHO_HOLDS.search(question))


# A person pointed at ("он", "she", "оған") and the money's way asked of them ("куда он
# переводил", "who paid her", "ол кімге аударды").
_HE_OR_SHE = re.compile(r"(?<!\w)(?:he|she|him|her|his|он|она|его|её|ее|ему|ей|нему|ней|"
                        r"ол|оған|оның|одан)(?!\w)", re.I)
_MONEY_WAY = re.compile(r"(?<!\w)(?:куда|кому|откуда|от кого|where|whom|who paid|who sent|"
                        r"қайда\w*|кімге|қайдан|кімнен)(?!\w)", re.I)
_ACCOUNT_OF = re.compile(r"(KZ[0-9A-Z]{18})\s*\(([^)\n]+)\)")


def holder_account(question: str, turn: Turn, holder: str | None) -> str | None:
    """The account of the holder the previous answer named, when the follow-up asks where
    "he" or "she" sent money (or got it from): the person's statement, not the card or the
    shop's message it was first known by."""
    if not holder or not _HE_OR_SHE.search(question) or not _MONEY_WAY.search(question):
        return None
    accounts = list(dict.fromkeys(m.group(1) for line in turn.lines
                                  for m in _ACCOUNT_OF.finditer(line.text)
                                  if m.group(2).strip() == holder))
    return accounts[0] if len(accounts) == 1 else None


# Who a party is, asked of one picked ("второй получатель — кто это?", "who is that?").
_WHO_IS_IT = re.compile(r"(?<!\w)(?:кто (?:это|он|она|такой|такая|таков)|это кто|"
                        r"who (?:is|was|'s) (?:it|that|this|he|she)|who(?:'s| is) the|"
                        r"кім (?:ол|бұл)|(?:ол|бұл) кім)(?!\w)", re.I)


def asks_who_it_is(question: str) -> bool:
    """Whether the follow-up asks who the party it picks is (not who paid whom)."""
    return bool(_WHO_IS_IT.search(question) or _WHO_HOLDS.search(question))


# "and the other one?", "а другой?", "ал басқасы ше?": the other of two alike.
_THE_OTHER = re.compile(r"(?<![\w])(?:друг(?:ой|ая|ую|ом|ого|ому)|the other|other one|"
                        r"басқа\w*|өзге\w*)(?![\w])", re.I)


def other_end(question: str, turn: Turn) -> tuple[str, str] | None:
    """The wallet the previous answer followed money from and the end it found it reaching
    ("X of A's money reached B"), when the follow-up asks only of "the other one": from A, to
    the other end than B."""
    if not _THE_OTHER.search(question) or _words_left(question) > 5:
        return None
    return turn.reached()


# What a follow-up points at in the previous turn, resolved once: the parties the answer is
# about (its headings) and those it lists (its lines, each with its amounts and whether it is
# a first hop or the end of a longer way), picked by a superlative, by "else" beside a pointer,
# or by a pointer alone.

# One thing pointed at: a pronoun ("he", "неё", "оның", "ол") or a kind with a demonstrative or
# the definite article ("that wallet", "этот же кошелёк", "сол шот", "the account").
_ONE_POINTED = re.compile(
    r"(?<!\w)(?:he|she|him|her|his|it|its|он|она|оно|его|её|ее|ему|ей|ним|ней|нему|нём|него|"
    r"неё|ол|оны|оған|оның|одан|соның|мұның|(?:the|that|this|этот|эта|этого|этой|этому|эту|"
    r"тот|та|того|той|том|осы|сол|бұл|ол)(?: же| same)?\s+(?:wallet|account|card|"
    r"кошел[её]к\w*|кошельк\w*|сч[её]т\w*|карт\w*|әмиян\w*|шот\w*))(?!\w)", re.I)
# "else", "ещё", "тағы", "кроме": others than those the conversation spoke of.
_ELSE_WORD = re.compile(r"(?<!\w)(?:else|ещ[её]|тағы|басқа)(?!\w)", re.I)
# The money's way asked ("who paid", "кому платил", "кім салды", "where").
_WAY_ASKED = re.compile(r"(?<!\w)(?:who|whom|where|кто|кому|куда|откуда|кім|кімге|кімнен|"
                        r"қайда|қайдан)(?!\w)", re.I)
# The one listed with the most money ("the biggest of those", "самый крупный", "ең ірісі").
_MOST = re.compile(r"(?<!\w)(?:bigger|biggest|larger|largest|greatest|"
                   r"крупн(?:ый|ая|ое|ую|ому|ого|ейш\w*)|самы[йм] больш\w*|наибольш\w*|"
                   r"больше всех|ең көп\w*|ең үлкен\w*|ең ір\w*)(?!\w)", re.I)
# A party picked by its money otherwise: the most or least of it as a measure, or a sum.
_OTHER_PICK = re.compile(r"(?<!\w)(?:больше всего|меньше\w*|most|least|smaller|smallest|"
                         r"ең аз\w*|көбірек|азырақ|наименьш\w*)(?!\w)|\d{2}", re.I)
# A pointer that bounds or sets apart rather than names the subject ("до неё", "after it",
# "the other droppers", "остальные").
_NOT_THE_SUBJECT = re.compile(r"(?<!\w)(?:(?:до|после|перед|before|after)\s+(?:неё|нее|него|"
                              r"it|that|this|этого|этой)|остальн\w*|other|others|другие|"
                              r"басқалар\w*|өзгелер\w*|дейін\w*|бұрын\w*)(?!\w)", re.I)
_TWO_DECIMALS = re.compile(r"(?<![\d.,])\d{1,3}(?:[ \u00a0\u202f]\d{3})*\.\d{2,6}(?!\d)")


def _amounts(text: str) -> list[float]:
    return [float(re.sub(r"[\s\u00a0\u202f]", "", m.group())) for m in
            _TWO_DECIMALS.finditer(_ADDRESS.sub(" ", text))]


def first_hops(turn: Turn) -> list[str]:
    """Those the previous answer's subject paid or was paid by directly, each once, in order:
    a line's party when the line is one hop, the first address of its way when the line is
    the end of a longer way ("TS9G…: end, path: TKbW… → …")."""
    about = set(turn.about)
    out: list[str] = []
    for line in turn.lines:
        way = line.text.split("→", 1)[0] if "→" in line.text else ""
        hops = _ADDRESS.findall(way.rsplit(":", 1)[-1]) if way else []
        value = hops[0] if hops else line.value
        if value not in about and value not in out:
            out.append(value)
    return out


def biggest_listed(turn: Turn) -> str | None:
    """The party the previous answer lists with the most money; of the one-hop lines when it
    has them (the ends of longer ways sum several hops)."""
    rows = [(ln.value, _amounts(ln.text), "→" in ln.text) for ln in turn.lines
            if ln.value not in turn.about]
    rows = [r for r in rows if r[1]]
    direct = [r for r in rows if not r[2]]
    rows = direct if len({v for v, _, _ in direct}) > 1 else rows
    best: dict[str, float] = {}
    for value, amounts, _ in rows:
        best[value] = max(best.get(value, 0.0), *amounts)
    return max(best, key=lambda v: best[v]) if len(best) > 1 else None


# A step further back along the money's way: "before that", "keep going back", "ещё раньше",
# "а до этого?", "одан бұрын", "тағы артқа".
_STEPS_BACK = (r"before\s+(?:that|this|it)|keep\s+going\s+back|"
               r"(?:(?:go(?:ing)?|step)\s+(?:further\s+)?|further\s+)back(?:\s+once\s+more)?\b|ещ[её]\s+раньше|(?:а\s+)?до\s+этого|"
               r"перед\s+этим|(?:ещ[её]|дальше|ид[её]м)\s+назад|одан\s+(?:бұрын|арғы)|"
               r"оның\s+алдында|тағы\s+артқа|артқа\s+қарай|бұрынырақ")
_STEP_BACK = re.compile(r"(?<!\w)(?:" + _STEPS_BACK + r")(?!\w)", re.I)
_STEPS_ON = (r"(?:one\s+|a\s+)?more\s+(?:step|hop)s?(?:\s+(?:further|on|more))?|"
             r"(?:one|a)\s+(?:step|hop)\s+(?:further|on|more)|next\s+(?:step|hop)\w*|"
             r"step\s+(?:further|on|forward)|keep\s+going|further\s+along|"
             r"ещ[её]\s+(?:на\s+)?(?:один\s+)?(?:шаг|хоп)\w*|следующ\w+\s+(?:шаг|хоп)\w*|"
             r"тағы\s+(?:бір\s+)?қадам\w*|келесі\s+қадам\w*")
_STEP_ON = re.compile(r"(?<!\w)(?:" + _STEPS_ON + r")(?!\w)", re.I)


# Words a follow-up that only steps along says beside the step ("а ещё на шаг дальше?", "and
# before that? keep going back"); anything more is a question of its own ("let's step back:
# which shops are in the case?", "the next steps for the investigation").
_STEP_FILLER = frozenset({"а", "и", "ну", "ал", "ше", "ще", "ещё", "еще", "дальше", "далее",
                          "тағы", "әрі", "қарай", "and", "then", "so", "ok", "further", "more",
                          "once", "please", "пожалуйста", "өтінемін"})


def _only_a_step(question: str) -> bool:
    """Whether `question` says nothing but a step along the way (and a word or two)."""
    rest = _STEP_ON.sub(" ", _STEP_BACK.sub(" ", question))
    return len([w for w in re.findall(r"\w+", rest.casefold()) if w not in _STEP_FILLER]) <= 1


def steps_on(question: str) -> str | None:
    """Whether a follow-up asks a step further along the previous turn's way: "backward"
    for a step back ("before that? keep going back"), "same" for one more step the same way
    ("one more hop", "ещё на шаг дальше", "тағы бір қадам"); None otherwise, and None for a
    question that says more than the step."""
    if not _only_a_step(question):
        return None
    if _STEP_BACK.search(question):
        return "backward"
    return "same" if _STEP_ON.search(question) else None


# The one of the listed that passes the money on, asked by what it is not ("the
# non-beneficiary one", "тот, что не бенефициар", "бенефициар емес екінші адрес") or by going
# a step further along ("one more hop", "ещё на шаг дальше", "тағы бір қадам әрі қарай").
_NOT_AN_END = (r"non[- ]?beneficiar\w*|not\s+(?:a\s+|the\s+)?beneficiar\w*|"
               r"не\s+(?:явля\w+\s+)?(?:бенефициар\w*|конечн\w*)|небенефициар\w*|"
               r"бенефициар\w*\s+емес|соңғы алушы емес|транзит\w*|transit\w*|intermedia\w*|"
               r"in[- ]between|промежуточн\w*|аралық\w*")
_NOT_END = re.compile(r"(?<!\w)(?:" + _NOT_AN_END + r")(?!\w)", re.I)
# A listed party that is an end of the money (its line is the party, then what it is).
_END_LINE = re.compile(r"^- (?:\[\d+\])+\s*(\w{20,64}):")


def passing_on(turn: Turn) -> list[str]:
    """Those the previous answer's subject paid (or was paid by) directly that are not an
    end of its money: the hops the money went on through."""
    ends = {m.group(1) for ln in turn.lines if (m := _END_LINE.match(ln.text))}
    # The lines of its direct payments when it has them (the ways of other lines may run
    # from elsewhere: a shop's treasury to this wallet), else the first hop of each way.
    direct = [ln.value for ln in turn.lines if "→" not in ln.text and
              not _END_LINE.match(ln.text) and ln.value not in turn.about]
    return [h for h in dict.fromkeys(direct or first_hops(turn)) if h not in ends]


def passed_through(turn: Turn) -> list[str]:
    """The wallets the previous answer shows the money passing through, in the order it
    writes them: its subject and the ends of its ways left out."""
    ends = {m.group(1) for ln in turn.lines if (m := _END_LINE.match(ln.text))}
    about = set(turn.about)
    return list(dict.fromkeys(a for ln in turn.lines for a in _ADDRESS.findall(ln.text)
                              if a not in ends and a not in about))


# A question asking which one ("which wallet got the largest amount?", "кому больше всего?",
# "қайсысы көп алды?"): its superlative is what it asks, not a pointer to a subject.
_WHICH_ONE = re.compile(r"(?<!\w)(?:which|who|whom|what|как(?:ой|ая|ое|ие|им|ому|ую)|кто|кому|"
                        r"кого|қай|қайсы|қайсысы|кім|кімге)(?!\w)", re.I)


# A superlative a question keeps beside the one that picked its subject ("the biggest of
# those: which got the most?"): what it asks.
_STILL_MOST = re.compile(r"больше всего|наибольш|максимальн|крупнейш|самый крупн|"
                         r"\b(?:the )?most\b|\blargest\b|\bbiggest\b|\bholds? more\b|"
                         r"ең көп|ең көб\w*|ең үлкен|ең ірі", re.I)


def without_pick(question: str) -> str:
    """A follow-up once its superlative picked the subject ("where did the biggest of those go
    next?" → about that one): the rest asks of that party, not for the most of its money. A
    question asking which one is the most, or asking a most of its own beside, is left as it
    is."""
    if _WHICH_ONE.search(question):
        return question
    rest = _MOST.sub(" ", question, count=1)
    return question if _STILL_MOST.search(rest) else rest


def refer(question: str, named: bool, turn: Turn, picked_before: str | None = None,
          way_before: str | None = None) -> list[str]:
    """The party (parties) of the previous turn a follow-up naming none speaks of: the one
    listed with the most money ("the biggest of those"); the other end of the subject's money
    when it points at one thing and asks who else ("ол әмиянға тағы кім салды?": the wallet
    the subject paid; several such, the one the question before picked); the one the answer
    is about when it points at one thing ("а сколько на неё зашло?"); after a trace, the one
    hop passing the money on when it steps on or back ("and before that?") or picks the one
    that is no end ("the non-beneficiary one"); a step back after a way forward
    (`way_before`, the intent of the question before) is the subject itself. Empty when it
    picks none of these."""
    if named:
        return []
    about = list(dict.fromkeys(turn.about))
    # "and from there, where did it go next?", "оттуда куда дальше?": from where the money
    # went, a step on (as "one more hop"), not from where it started.
    # ("с него дальше", "from it": the subject itself, on.)
    step = steps_on(question) or ("same" if _THERE_PLACE.search(question) and
                                  _ON_FURTHER.search(question) else None)
    if step == "backward" and way_before == "forward":
        return about[:1]  # before the money left it: where the subject's own money came from
    if (_NOT_END.search(question) or step) and \
            any(_END_LINE.match(ln.text) for ln in turn.lines):
        # (Only after a trace: its ends listed. "which card did they give before that?" after
        # a shop's cards asks of an earlier card.)
        ordinals = _ordinals_in(question.casefold())
        if len(ordinals) == 1 and _NOT_END.search(question):
            # "the second non-beneficiary one": the n-th wallet the ways pass through.
            passed = passed_through(turn)
            return passed[ordinals[0] - 1:ordinals[0]]
        on = passing_on(turn)
        if len(on) == 1:
            return on
    if _MOST.search(question):
        best = biggest_listed(turn)
        return [best] if best else []
    if _OTHER_PICK.search(question):
        return []  # ("кому он больше всего перевёл?", "the one paid 25k": picked by its money)
    pointed = _ONE_POINTED.search(question)
    if not pointed or len(about) != 1 or _NOT_THE_SUBJECT.search(question) or \
            asks_of_another(question, _kind(about[0])):
        return []  # ("а до неё какая карта была?", "the other droppers", "her phone")
    if _ELSE_WORD.search(question) and _WAY_ASKED.search(question):
        hops = first_hops(turn)
        if len(hops) == 1:
            return hops
        return [picked_before] if picked_before in hops else []
    return about


# A follow-up picking one (or all) of those the previous answer listed: by its place ("the
# second card", "а последняя?", "the earlier one"), as "the other" than the question before
# named, by its part in the money and its place or sum ("второму получателю", "а тот, кому
# ушли 187 тыс."), by the most or least money ("the bigger one"), or all of them ("they",
# "екеуіне де"); the shops the answer listed by their place ("the first of them").

# "the earlier one", "the former"; "the latter", "the last one", "последняя", "соңғысы".
_EARLIER_OR_LATER = re.compile(
    r"(?P<earlier>\bthe (?:earlier|former|older)(?: one)?\b|\bthe earliest\b|"
    r"\bболее ранн\w*|\bранн\w+ из\b|\bалғашқы\w*)|"
    r"(?P<later>\bthe (?:later|latter|newer)(?: one)?\b|\bthe (?:last|latest)(?: one)?\b|"
    r"\bthe (?:last|latest) of them\b|\blast one\b|\bпоследн(?:ий|яя|ее|юю|его|ей|ему|ем|им)\b|"
    r"\bсоңғы(?:сы|сын|сына|сынан|сының)\b)", re.I)
# Those listed together: "they", "both", "each of them", "екеуі"; "чьи это карты?", "these
# wallets", "сол карталар": the kind, plural.
_ALL_OF_THEM = re.compile(r"(?<![\w])(?:they|them|their|both|each of them|all of them|"
                          r"оба|обе|обоих|обеих|обоим|обеим|они|их|им|каждый из них|"
                          r"екеуі\w*|үшеуі\w*|олар\w*|әрқайсысы\w*|"
                          r"(?:эти|это|те|these|those|бұл|сол|осы)\s+(?:карты|карт|картам|"
                          r"картах|кошельки|кошельков|сч[её]та|сч[её]тов|телефоны|номера|cards|"
                          r"wallets|accounts|phones|numbers|карталар\w*|әмияндар\w*|"
                          r"шоттар\w*|нөмірлер\w*))(?![\w])", re.I)
# "there", "туда" after a list about no one wallet in particular: each of those listed.
THERE = re.compile(r"(?<![\w])(?:туда|there|оларға|соларға)(?![\w])", re.I)
# "а по другой карте?", "and the other one?", "басқа картасы ше?"
OTHER = re.compile(r"(?<![\w])(?:друг(?:ой|ая|ую|ом|ого|ому|ие|их)|the other|other one|"
                   r"басқа\w*|өзге\w*)(?![\w])", re.I)
# The case as a whole ("по делу", "the case", "the investigation", "тергеу"), its shops, or a
# threshold ("больше 100 тыс."): no one of a list picked.
WHOLE_CASE = re.compile(r"(?<!\w)(?:дел[оауе]\w*|case|іс|істе|іске|істің|investigation\w*|"
                        r"расследовани\w*|тергеу\w*)(?!\w)", re.I)
_SHOPS_SPOKEN_OF = re.compile(r"(?<!\w)(?:shops|the shop(?:'s)?|магазин\w*|дүкен\w*)(?!\w)",
                              re.I)
_THRESHOLD = re.compile(r"(?<!\w)(?:больше|меньше|более|менее|свыше|от|до|over|under|above|"
                        r"below|more than|less than|at least)\s+\d|\d[\d\s.,]*\s*\w*\s+"
                        r"(?:астам|артық|кем|жоғары|төмен)(?!\w)", re.I)
# A party by its part in the money: who received ("второму получателю", "кому ушли 187
# тыс.", "the recipient") or who paid ("the second payer", "от кого").
_RECIPIENT_ROLE = re.compile(r"(?<!\w)(?:получател\w*|recipients?|receivers?|payees?|алушы\w*|"
                             r"кому|кімге|whom)(?!\w)", re.I)
_PAYER_ROLE = re.compile(r"(?<!\w)(?:плательщик\w*|отправител\w*|payers?|senders?|"
                         r"төлеуші\w*|жіберуші\w*|от кого|кімнен|"
                         r"who (?:\w+ )?(?:paid|sent|funded|transferred|deposited)|"
                         r"кто (?:\w+ )?(?:\w+ )?(?:платил|заплатил|перев[её]л|переводил|отправ\w*|"
                         r"скин\w*|скидывал|пополня\w*)|кім (?:\w+ )?(?:салды|жіберді|аударды|"
                         r"төледі)|(?:салған|жіберген|аударған|төлеген) кім)(?!\w)", re.I)
# The one with the most (least) money: "the bigger one", "самый крупный", "ең көп алғаны".
_BIGGEST = re.compile(r"(?<!\w)(?:bigger|biggest|larger|largest|greater|greatest|top one|"
                      r"больш(?:ий|ая|ое|ую|ому|ему|ей|ого|им|ом)|крупн(?:ый|ая|ое|ую|ому|ого|"
                      r"ей\w*|ейш\w*)|наибольш\w*|больше (?:всех|всего)|(?:the )?most|ең көп|"
                      r"ең үлкен|ең ірі|көбірек)(?!\w)", re.I)
_SMALLEST = re.compile(r"(?<!\w)(?:smaller|smallest|lesser|least|меньш(?:ий|ая|ое|ую|ому|ему|"
                       r"ей|ого|им|ом)|наименьш\w*|меньше всех|ең аз|азырақ)(?!\w)", re.I)
# A party asked for or about ("тот, кому", "the one", "who", "қайсысы"): a superlative beside
# it picks one of those listed ("where did most of the money go?" asks no party).
_PARTY_ASKED = re.compile(r"(?<!\w)(?:тот|та|того|тому|той|the one|one|who|whom|which|кто|кому|"
                          r"кого|какой|какая|какому|который|которому|кім\w*|қай\w*)(?!\w)",
                          re.I)
# A sum in the words of talk: "187 тыс.", "187k", "1,5 млн", "325 мың", "187 000".
_SPOKEN_SUM = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,](\d+))?"
    r"(?:\s*(тыс\w*\.?|тысяч\w*|мың\w*|млн\.?|миллион\w*|million|mln)|(k|к|m))?(?!\w)",
    re.I)
# Only who it was, nothing asked of them ("кто больше всех перевёл?", "кому ушли 324 800?"),
# or one transfer asked of ("the biggest transfer in"): the money between the two.
_WHO_ONLY = re.compile(r"(?<!\w)(?:кто|кому|who|whom|кім|кімге|which one)(?!\w)", re.I)
_A_TRANSFER = re.compile(r"(?<!\w)(?:transfers?|payments?|перевод\w*|платеж\w*|платёж|"
                         r"аударым\w*|төлем\w*)(?!\w)", re.I)
_ASKS_FURTHER = re.compile(r"(?<!\w)(?:откуда|от кого|from whom|кімнен|куда|дальше|потом|where|"
                           r"next|then|қайда\w*|қайдан|содан|кейін|сколько|how much|қанша|"
                           r"когда|when|қашан)(?!\w)", re.I)
_DETAIL_KINDS = {"card": ("card",), "phone": ("phone",), "iban": ("iban",),
                 "wallet": _WALLET_KINDS}


def spoken_sums(question: str) -> list[tuple[Decimal, Decimal]]:
    """The sums a question speaks of, each with how far a written sum may be from it (a
    rounded "187 тыс." is 186 500 to 187 500); not the digits of identifiers or dates."""
    rest = _ADDRESS.sub(" ", question)
    out = []
    for m in _SPOKEN_SUM.finditer(rest):
        whole = re.sub(r"\D", "", m.group(1))
        value = Decimal(f"{whole}.{m.group(2)}" if m.group(2) else whole)
        unit = (m.group(3) or m.group(4) or "").casefold()
        if unit:
            scale = 1_000_000 if unit.startswith(("млн", "милл", "mil", "mln")) or unit == "m" \
                else 1000
            out.append((value * scale, Decimal(scale) / 2))
        elif value >= 100 and not (1990 <= value <= 2100 and not m.group(2)):
            out.append((value, Decimal("0.5")))
    return out


def picked_by_part(question: str, turn: Turn) -> str | None:
    """The one party of the previous answer a follow-up describes without naming it: by the
    sum it got or paid ("а тот, кому ушли 187 тыс."), as the one with the most (least) money
    ("the bigger one"), or by its place among those of its part ("второму получателю"); None
    when the question names its own identifier or describes none of them."""
    if _identifiers(question):
        return None
    q = question.casefold()
    about = {v for v, _ in _identifiers(turn.head)}
    rows: list[tuple[str, str | None, list[Decimal]]] = []
    for line in turn.lines:
        found = [v for v, k in line.ids if k in ("wallet", "iban", "card", "phone") and
                 v not in about]
        if found:
            rows.append((found[0], line.role, [Decimal(re.sub(r"[\s\u00a0\u202f]", "", a))
                                               for a in _TWO_DECIMALS.findall(line.text)]))
    role = "out" if _RECIPIENT_ROLE.search(q) else "in" if _PAYER_ROLE.search(q) else None
    if role and any(r == role for _, r, _ in rows):
        rows = [row for row in rows if row[1] == role]
    sums = spoken_sums(question)
    if sums:
        hit = list(dict.fromkeys(v for v, _, amounts in rows if any(
            abs(a - want) <= near for a in amounts for want, near in sums)))
        return hit[0] if len(hit) == 1 else None
    parties = list(dict.fromkeys(v for v, _, _ in rows))
    most = _BIGGEST.search(q)
    word = most or _SMALLEST.search(q)
    # ("the bigger one", "меньший" name a party themselves; "больше всего", "most" do not.)
    adverb = bool(word and re.search(r"most|всего|всех|көп|аз", word.group(0)))
    if word and len(parties) > 1 and (not adverb or _PARTY_ASKED.search(q)):
        best: dict[str, Decimal] = {}
        for v, _, amounts in rows:
            if amounts:
                best[v] = max(best.get(v, Decimal(0)), max(amounts))
        if len(best) > 1:
            return sorted(best, key=lambda v: best[v], reverse=bool(most))[0]
        return None
    ordinals = _ordinals_in(q)
    if role and len(ordinals) == 1 and ordinals[0] <= len(parties):
        return parties[ordinals[0] - 1]
    return None


def with_subject(question: str, picked: str, turn: Turn) -> list[str]:
    """The party a follow-up picked, and — when it asks only who that was ("кто больше всех
    перевёл?") or of one transfer — the one the answer is about beside it, the payer first:
    the money between the two is the answer."""
    if not (_WHO_ONLY.search(question) or _A_TRANSFER.search(question)) or \
            _ASKS_FURTHER.search(question) or asks_who_it_is(question):
        # ("второй получатель — кто это?": who that one is, not what passed between them.)
        return [picked]
    about = list(dict.fromkeys(turn.about))
    line = next((ln for ln in turn.lines if picked in ln.text), None)
    if len(about) != 1 or about[0] == picked or line is None:
        return [picked]
    if line.role == "in":
        return [picked, about[0]]
    return [about[0], picked] if line.role == "out" else [picked]


def listed_pick(question: str, turn: Turn) -> list[str]:
    """The one (or all) of those the previous answer listed that a follow-up picks: by its
    place ("the second card", "а последняя?", "the earlier one") among those of the kind it
    names (the beneficiaries after a question about them; the parties the question before
    named, when it named several), all of them ("they", "each of them"), the other than the
    question before named ("and the other card?"), one picked by its part or money, or the
    shop at that place among the shops listed. A kind it names that the answer lists none of
    is what it asks of the one picked ("на какой счёт ушло со второй?"). Empty when it picks
    none."""
    q = question.casefold()
    kinds = kinds_named(question)
    wanted = _DETAIL_KINDS[kinds[0]] if len(kinds) == 1 else None
    if wanted and not turn.listed(wanted):
        # The kind it names is none of those listed: what it asks of the one it counts to
        # ("а на какой счёт ушли деньги со второй?" after a list of cards), not its kind.
        wanted = None
    listed = turn.listed(wanted)
    if not wanted:
        ends = turn.ends()
        if len(ends) > 1 and BENEFICIARY_ASKED.search(turn.question):
            listed = ends  # ("а второй?" after a shop's beneficiaries: the second of them)
    named = [v for v, _ in turn.asked]
    if len(named) > 1 and not _ADDRESS.search(question) and (
            not wanted or all(_kind(v) in wanted for v in named)):
        listed = named  # ("сравни A и B" → "а у второго?": the second the question named)
    beneficiary = bool(BENEFICIARY_ASKED.search(q))
    if _RECIPIENT_ROLE.search(q) or _PAYER_ROLE.search(q):
        picked = picked_by_part(question, turn)
        if picked:
            return with_subject(question, picked, turn)
    ordinals = _ordinals_in(q)
    if not ordinals and (side := _EARLIER_OR_LATER.search(q)) and len(listed) > 1:
        ordinals = [1 if side.lastgroup == "earlier" else len(listed)]
    for n in ordinals:
        if len(listed) >= n and not beneficiary:
            return [listed[n - 1]]
    there = THERE.search(q) and len(set(_ADDRESS.findall(turn.head))) != 1
    if (_ALL_OF_THEM.search(q) or there) and 1 < len(set(listed)) <= 4 and \
            not _ADDRESS.search(question):
        return list(dict.fromkeys(listed))  # ("and where did they send it?": each of them)
    if OTHER.search(q) and turn.question and not beneficiary:
        others = [v for v in dict.fromkeys(listed) if v not in named]
        if turn.asked and len(others) == 1:
            return others
    if WHOLE_CASE.search(q) or _THRESHOLD.search(q) or _SHOPS_SPOKEN_OF.search(q):
        return []  # (the case's shops, a threshold: nobody of that answer picked)
    picked = picked_by_part(question, turn)
    if picked:
        return with_subject(question, picked, turn)
    shops = turn.shops
    if len(ordinals) == 1 and not beneficiary and len(shops) > 1 and ordinals[0] <= len(shops):
        return [shops[ordinals[0] - 1]]  # ("какой кошелёк давал первый из них?": that shop)
    return []


def resolve(question: str, named: bool, turn: Turn, picked_before: str | None = None,
            way_before: str | None = None, holder: str | None = None) -> tuple[str, list[str]]:
    """The one resolver of a follow-up over the previous turn: the question as it is to be
    read (a superlative that picked its subject struck out) and the parties of the previous
    turn it points at, in the order to be read — the one `refer` picks (with the answer's
    subject beside it when it asks only who that was), else the one `carried` finds, else the
    one (or all) of the list it counts to or picks (`listed_pick`); none when it points at
    nothing."""
    picked = refer(question, named, turn, picked_before, way_before)
    if picked:
        question = without_pick(question)
        return question, with_subject(question, picked[0], turn)
    party = carried(question, named, turn, holder)
    if party:
        return question, party.split()
    return question, listed_pick(question, turn)
