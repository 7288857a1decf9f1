"""What an overview question is an overview of: the whole case, one shop named, or one side of
the case ("the bank part", "the crypto side"), read from its words; the answer is that scope's
sections, composed from the tools' results (`Composer._shop_overview`, `_case_overview`)."""

from __future__ import annotations

import re
from typing import Literal

from assistant.agent.case_sides import overview_sides

Scope = Literal["case", "shop", "side"]

# A summary asked for rather than one fact ("дай сводку", "коротко", "что известно по X в
# целом", "overview", "summarize", "шолу", "қысқаша", "жалпы мәлімет").
_SUMMARY = re.compile(
    r"(?<![\w])(?:обзор\w*|сводк\w*|кратк\w*|коротко|вкратце|в целом|в общем|"
    r"общ(?:ая|ую|ей) картин\w*|что известно|что (?:есть |имеется )?по|"
    r"overview|summar\w*|briefly|in short|at a glance|big picture|"
    r"what (?:do|have) we (?:know|got|have) (?:on|about)|everything (?:on|about)|"
    r"шолу\w*|қысқаша|жалпы\s+(?:мәлімет|ақпарат|шолу|көрініс|жағдай)\w*|"
    r"не белгілі|белгілі\s+(?:бәрі|барлығы))(?![\w])", re.I)
# A part of the case named as a part ("по банковской части", "the crypto side", "банк жағы").
_PART = re.compile(r"(?<![\w])(?:част[ьияей]\w*|сторон[аеуы]\w*|sides?|parts?|жағ[ыі]\w*|"
                   r"бөлі[гк]\w*)(?![\w])", re.I)
# What of a shop the question names beside its details: where its money collects (treasury).
_TREASURY = re.compile(r"(?<![\w])(?:казн\w*|treasur\w*|[қк]азына\w*|общак\w*)", re.I)


def asks_summary(question: str) -> bool:
    """Whether `question` asks for a summary (of the case, a shop, a side) rather than a fact."""
    return _SUMMARY.search(question) is not None


def aspects_named(question: str) -> set[str]:
    """The sides of a shop or the case a question names ("реквизиты, казна, куда ушли деньги":
    droppers' details, the treasury, money)."""
    named: set[str] = set(overview_sides(question) or ())
    if _TREASURY.search(question):
        named.add("treasury")
    return named


def overview_scope(question: str, shops: int, others: int) -> Scope | None:
    """The scope of an overview `question` naming `shops` shops (or bots) and `others` other
    entities (wallets, accounts, people): None when it asks no overview.

    One shop and a summary asked, of all its sides or several of them ("X коротко: реквизиты,
    казна, куда ушли деньги"; one side alone, "X коротко: какие карты", is that side's
    question): the shop. No entity and a side named as a part or summarised ("что по
    банковской части", "summarize the crypto side"): that side."""
    if others or not asks_summary(question):
        return None
    aspects = aspects_named(question)
    if shops == 1:
        return "shop" if len(aspects - {"shops"}) != 1 else None
    if shops:
        return None
    sides = overview_sides(question)
    if sides and (_PART.search(question) or len(aspects) >= 2):
        return "side"
    return None
