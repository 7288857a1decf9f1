"""Which sides of a case an overview question asks about, so its answer shows (and cites)
those sections only: "shops, card holders, crypto" asks three, "who are the account holders"
one, "обзор дела" all of them."""

from __future__ import annotations

import re
from typing import Literal

Side = Literal["shops", "statements", "droppers", "crypto", "money", "people"]

# Each side by the words that name it, in the three languages; the words are of the case's
# structure (shops, statements, droppers' details, crypto, money, people), none of a case's
# own evidence.
_SIDE_WORDS: dict[Side, re.Pattern[str]] = {
    "shops": re.compile(r"(?<![\w])(?:магазин\w*|shops?|stores?|дүкен\w*|бот\w*|bots?|"
                        r"seller\w*|продав\w*|сатушы\w*)(?![\w])", re.I),
    "statements": re.compile(r"(?<![\w])(?:выпис(?:к|ок)\w*|statements?|үзінді\w*|банк\w*|banks?|"
                             r"сч[её]т\w*|accounts?|шот\w*|владел\w*|holders?|owners?|"
                             r"держател\w*|иелер\w*|иесі\w*)(?![\w])", re.I),
    "droppers": re.compile(r"(?<![\w])(?:дроп\w*|droppers?|mules?|карт(?:а\w*|ы|е|у|ой|ою)|"
                           r"карточ\w*|cards?|"
                           r"реквизит\w*|деректеме\w*|payment details)(?![\w])", re.I),
    "crypto": re.compile(r"(?<![\w])(?:крипт\w*|crypto\w*|usdt|tron|trc\w*|wallets?|"
                         r"кошел\w*|әмиян\w*|блокчейн\w*|blockchain|бенефициар\w*|"
                         r"beneficiar\w*)(?![\w])", re.I),
    "money": re.compile(r"money\s+flows?|flows?\s+of\s+(?:the\s+)?money|\bflow of funds|"
                        r"денежн\w*\s+поток\w*|поток\w*\s+(?:денег|средств)|"
                        r"движени\w*\s+(?:денег|средств)|ақша\s+ағ\w*|ақша\s+қозғалы\w*|"
                        r"\bwhere\b[^.?!]{0,30}\b(?:money|funds)\b|"
                        r"\b(?:money|funds)\b[^.?!]{0,30}\b(?:went|go|gone|ended|end up)\b|"
                        r"куда[^.?!]{0,30}(?:деньг|средств|бабк)|"
                        r"(?:деньг|средств|бабк)\w*[^.?!]{0,30}куда|"
                        r"ақша\w*[^.?!]{0,30}қайда|қайда[^.?!]{0,30}ақша", re.I),
    "people": re.compile(r"(?<![\w])(?:фигурант\w*|people|persons?|suspects?|individuals?|"
                         r"лиц(?:а|о|ами|ах)?|участник\w*|подозрева\w*|тұлға\w*|адам\w*|"
                         r"қатысушы\w*|күдікті\w*)(?![\w])", re.I),
}
# Bought from a shop ("у каких магазинов покупал", "қай дүкендерден алды", "bought from"): a
# shop that took payment in a chat of the case.
BOUGHT_FROM = re.compile(r"(?<![\w])(?:покупал\w*|купил\w*|закупал\w*|заказывал\w*|"
                         r"bought|buys?|buying|ordered|сатып ал\w*|тауар ал\w*|"
                         r"тапсырыс бер\w*|"
                         # Talked to ("с какими ботами переписывался", "which bots does the
                         # buyer talk to", "боттармен сөйлескен"): the chats of the case.
                         r"переписыва\w*|переписк\w*|общал\w*|писал\w*|"
                         r"talk(?:s|ed|ing)?\s+(?:to|with)|chat(?:s|ted|ting)?\s+with|"
                         r"wrote\s+to|messag(?:ed|es|ing)|сөйлес\w*|хат\s+жаз\w*|"
                         r"жазыс\w*)(?![\w])", re.I)
# The shops' bots as a group ("the shop bots", "с какими ботами", "боттар"), and what asks them
# listed: their handles, the case holding them, or the buyer talking to them.
_BOTS = re.compile(r"(?<![\w])(?:bots|бот(?:ы|ов|ам|ами|ах)|боттар\w*)(?![\w])", re.I)
_BOTS_LISTED = re.compile(r"@|handles?|usernames?|юзернейм\w*|никнейм\w*|(?<![\w])(?:ник\w*|"
                          r"in (?:this|the) case|в деле|істе|list|перечисл\w*|тізім\w*)(?![\w])",
                          re.I)


def asks_the_bots(question: str) -> bool:
    """Whether `question` asks which shop bots the case holds ("list the shop bots with their
    @handles", "с какими ботами переписывался покупатель", "сатып алушы қай боттармен
    сөйлескен"), not what a message or an ad says."""
    q = question[:600]
    return bool(_BOTS.search(q)) and bool(_BOTS_LISTED.search(q) or BOUGHT_FROM.search(q))


# "Who" alone in an overview asks for its people ("кто проходит по делу", "іс бойынша кімдер
# бар?") when no side is named.
_WHO = re.compile(r"(?<![\w])(?:кто|кого|who|whom|кім\w*)(?![\w])", re.I)
# The case as a whole asked beside its people ("что за дело", "briefly", "summary").
_WHOLE_CASE = re.compile(r"что за дело|о ч[её]м дело|суть дела|\bwhat(?:'s| is) (?:the|this) case|"
                         r"кратк\w*|коротко|briefly|in short|summar\w*|обзор\w*|overview|"
                         r"сводк\w*|шолу|қысқаша|іс не туралы", re.I)
# "The shops' money", "drug money": money, not the shops as a list.
_MONEY_OF_SHOPS = re.compile(r"\bdrug.?money|\bshops?'? money|\bmoney of the shops|"
                             r"деньг\w*\s+(?:магазин|наркот)|денег\s+(?:магазин|наркот)|"
                             r"дүкендердің ақша", re.I)


def overview_sides(question: str) -> frozenset[Side] | None:
    """The sides of the case `question` names, or None when it names none (the whole case).

    A statement's account holders are the statements' side; cards and droppers the droppers'
    side (the shops' payment details and whose they are); "where the money went" is money
    (the tenge payees and the crypto beneficiaries); people (фигуранты, тұлғалар) are the
    statements' holders and whom they paid."""
    sides = {side for side, words in _SIDE_WORDS.items() if words.search(question)}
    if "shops" in sides and _MONEY_OF_SHOPS.search(question) and \
            not _SIDE_WORDS["shops"].search(_MONEY_OF_SHOPS.sub(" ", question)):
        sides.discard("shops")
        sides.add("money")
    if not sides and _WHO.search(question):
        sides.add("people")
    if sides == {"people"} and _WHOLE_CASE.search(question):
        return None  # "кратко: что за дело, кто фигуранты": the case, its people among it
    return frozenset(sides) or None


def shows(sides: frozenset[Side] | None, *section: Side) -> bool:
    """Whether an overview of `sides` shows a section serving any of `section`."""
    return sides is None or bool(sides & set(section))


def cities_of_shop(name: str, bots: list[str], found: list[tuple[str, str, list[str]]],
                   chat: str = "") -> dict[str, str]:
    """The cities a shop's posts name, each → the first record naming it (one of its own chat
    `chat`, `tg:<id>`, when one does): of `found` (each hit's label: the shop or chat it is of
    with the @bots it names; its record id; its cities), those of the shop named `name` or
    naming one of its `bots`."""
    wanted = {b.casefold() for b in bots}
    cities: dict[str, str] = {}
    own = [f for f in found if chat and f[1].startswith(chat + "/")]
    for label, record_id, named in own + [f for f in found if f not in own]:
        handles = {x.casefold() for x in re.findall(r"@(\w+)", label)}
        if name.casefold() in label.casefold() or wanted & handles:
            for city in named:
                cities.setdefault(city, record_id)
    return cities
