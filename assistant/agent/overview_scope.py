"""What an overview question is an overview of: the whole case, one shop named, or one side of
the case ("the bank part", "the crypto side"), read from its words; the answer is that scope's
sections, composed from the tools' results (`Composer._shop_overview`, `_case_overview`)."""

from __future__ import annotations

import re
from typing import Literal

from assistant.agent.case_sides import overview_sides

Scope = Literal["case", "shop", "side"]

# A summary asked for in so many words ("дай сводку", "в целом", "overview", "жалпы шолу").
_SUMMARY = re.compile(
    r"(?<![\w])(?:обзор\w*|сводк\w*|в целом|в общем|общ(?:ая|ую|ей) картин\w*|"
    r"overview|summar\w*|at a glance|big picture|"
    r"шолу\w*|жалпы\s+(?:мәлімет|ақпарат|шолу|көрініс|жағдай)\w*)(?![\w])", re.I)
# An opening that asks a summary when nothing else is asked ("что известно по X", "X коротко",
# "what do we know about X") and is only a preface to one fact when something is ("X коротко:
# какие боты?").
_OPENING = re.compile(
    r"(?<![\w])(?:кратк\w*|коротко|вкратце|что известно|что (?:есть |имеется )?по|"
    r"briefly|in short|what (?:do|have) we (?:know|got|have) (?:on|about)|"
    r"everything (?:on|about)|қысқаша|не белгілі|белгілі\s+(?:бәрі|барлығы))(?![\w])", re.I)
# A question word asking one fact ("какие", "в каких городах", "how much", "қашан"): beside an
# opening, the fact is the question.
_ONE_FACT = re.compile(
    r"(?<![\w])(?:как(?:ие|ой|ая|ое|их|им)|котор\w+|сколько|когда|где|куда|кто|кому|"
    r"which|how\s+(?:much|many)|when|where|who|whom|"
    r"қандай|қай|қанша|қашан|қайда|кім\w*)(?![\w])", re.I)
# A part of the case named as a part ("по банковской части", "the crypto side", "банк жағы").
_PART = re.compile(r"(?<![\w])(?:част[ьияей]\w*|сторон[аеуы]\w*|sides?|parts?|жағ[ыі]\w*|"
                   r"бөлі[гк]\w*)(?![\w])", re.I)
# What of a shop the question names beside its details: where its money collects (treasury).
# (Kazakh "қазына" written with a Russian "к" as well: "казынасына".) The offline model's one
# list of treasury words.
TREASURY_WORDS = re.compile(r"(?<![\w])(?:казн\w*|казначе\w*|treasur\w*|[қк]азына\w*|общак\w*|"
                            r"копилк\w*|collection wallet|collecting wallet|сборн\w* кош\w*|"
                            r"жинақ әмиян\w*)", re.I)


def asks_summary(question: str) -> bool:
    """Whether `question` asks for a summary (of the case, a shop, a side) rather than a fact."""
    return _SUMMARY.search(question) is not None or _OPENING.search(question) is not None


def aspects_named(question: str) -> set[str]:
    """The sides of a shop or the case a question names ("реквизиты, казна, куда ушли деньги":
    droppers' details, the treasury, money)."""
    named: set[str] = set(overview_sides(question) or ())
    if TREASURY_WORDS.search(question):
        named.add("treasury")
    return named


def overview_scope(question: str, shops: int, others: int, narrowed: bool = False
                   ) -> Scope | None:
    """The scope of an overview `question` naming `shops` shops (or bots) and `others` other
    entities (wallets, accounts, people), `narrowed` to a month, a city or a drug: None when it
    asks no overview.

    One shop and a summary asked, of all its sides or several of them ("X коротко: реквизиты,
    казна, куда ушли деньги"; one side alone, "X коротко: какие карты", is that side's
    question): the shop. No entity and a side named as a part or summarised ("что по
    банковской части", "summarize the crypto side"): that side."""
    if others or not asks_summary(question):
        return None
    aspects = aspects_named(question)
    if shops == 1:
        named = len(aspects - {"shops"})
        if named >= 2:
            return "shop"
        # No side named: the shop's overview if the summary is the whole question ("что
        # известно по X", "X туралы жалпы мәлімет"), not if it prefaces one fact, a month or a
        # city ("X коротко: какие боты?", "что по X за февраль?").
        plain = _SUMMARY.search(question) is not None or _ONE_FACT.search(question) is None
        return "shop" if named == 0 and plain and not narrowed else None
    if shops:
        return None
    sides = overview_sides(question)
    # ("summarize the bank statements", "сводка по выпискам", "үзінділер бойынша шолу": the
    # side summarised in so many words, not only named as a part.)
    if sides and (_PART.search(question) or len(aspects) >= 2 or _SUMMARY.search(question)):
        return "side"
    return None
