"""What a searched text is (who wrote it, what it offers) and what a query asks for.

A document's facets are read at indexing from the record itself, never from how our own demo
names things:

- its author's role: `seller` (a shop's bot in its bot chat, a channel's post, a market
  listing), `buyer` (the export owner in a bot chat or a personal chat), `member` (someone
  else in a group or personal chat), `service`;
- its classes: `sale` (a seller naming a drug: posts, menus, price lists), `recruit` (couriers,
  stash-layers, card holders wanted, not a pizza courier), `payment` (payment details handed
  out; `details` when it hands one out, not only names how a shop is paid), `news` (police
  and court news: see `reports`);
- `stash`: where a stash lies (its coordinates, or the word: what a shop's bot sends once an
  order is paid), never an offer; `lost_stash`: a stash not found;
- `short`: fewer than `MIN_CONTENT_WORDS` words — a button press or a bot's prompt.

A query's facets are the cities and drugs it names and its purpose (sale, recruit, payment):
named by its words, or sale when it names a drug and nothing else; none when it asks about the
police, or about pizza, phones or a flea market without naming a drug; `stash` when it asks
where a stash lies ("координаты клада", "клад Кок-Тобе"), not naming a drug or a city.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from tools.search.text import (
    CONCEPT_PREFIX,
    FOOD,
    GRAMS,
    PARCELS,
    Analysed,
    normalise,
    number_tokens,
    word_count,
)
from tools.shop_links import CHANNEL_TYPES

Role = Literal["seller", "buyer", "member", "service"]
Purpose = Literal["sale", "recruit", "payment"]
# A text of fewer words is a button press, a bot's prompt or a reply ("Шымкент", "Меф 1г").
MIN_CONTENT_WORDS = 3
_HANDLE = re.compile(r"@([A-Za-z0-9_]{4,64})")
POLICE = "topics:police"
LOST_STASH = "topics:lost_stash"
STASH = "topics:stash"
STASH_PLACE = "topics:stash_place"
# Where a stash lies: its coordinates ("📍 42.3419, 69.6287") or the word ("Координаты и фото
# клада пришлю", "кладтың координаттарын"): what a shop's bot sends once an order is paid.
_COORDS = re.compile(r"(?<![\d.])\d{1,3}\.\d{3,}\s*,\s*\d{1,3}\.\d{3,}(?![\d.])")
_PLACE_WORDS = re.compile(r"координат|koordinat|coordinates")
# What a query asks about when it is not the drug trade (without a drug in it).
ELSEWHERE = (FOOD, "topics:phones", "topics:market", "topics:household",
             "topics:everyday", "topics:weather", "topics:money", "topics:sport",
             "topics:repair", "topics:realty", "topics:pets")
JOB_TOPIC = "topics:job"
FOR_SALE = "topics:for_sale"
# What a payment word beside it makes a way of paying, not a topic of its own.
_PAID_BY = ("topics:phones", "topics:money")
# Words only the drug trade uses for itself.
_TRADE_WORD = re.compile(r"нарко(?:т|ш|ман|дилер|курьер)|narko(?:t|sh|man)|есірткі|esirtki|"
                         r"drugs?\b|стафф")
_CARDS = re.compile(r"\bкарт(?:ы|ами|асы|алар\w*|а|у|ах|ам)?\b|\bcards?\b|\bkart(?:u|y|ami|a)\b")
_PRICED = re.compile(GRAMS.pattern + r"|\d\s?(?:₸|тг|тенге|k|к)\b|\d ?000")
# An offer's register: an amount of the goods and its price ("1г — 15 000 ₸", "1g 16k"). News
# of a seizure names grams or money, not both ("изъято 500 г", "за 300 000 ₸ в неделю").
_PRICE = re.compile(r"\d\s?(?:₸|тг|тенге|k|к)(?![0-9a-zа-яәғқңөұүһі])|\d ?000\b")
_PAY = re.compile(r"\d\s?(?:000|к|k|тыс)|₸|оплат|төлем|зп|зарплат|доход|выплат")
# Droppers wanted: cards, their holders.
_DROPS = re.compile(r"дроп|drop|держател|holder|карт|kart")
# Couriers and stash-layers wanted; warehouse hands and packers; drivers carrying "parcels"
# between cities: three jobs an analyst tells apart ("закладчик" is not "склад").
_COURIERS = re.compile(r"закладчик|закладкаш|кладм|курьер|курер|минер|минёр|"
                       r"kladmen|kurer|zakladchik")
_WAREHOUSE = re.compile(r"склад(?!чик)|фасовщик|фасовк|sklad|fasovshchik")
_DRIVERS = re.compile(r"перевозчик|водител|perevozchik|voditel")
JOB_KINDS = {"couriers": _COURIERS, "warehouse": _WAREHOUSE, "drivers": _DRIVERS}
# Words of paying a shop's text names to tell how it is paid (one may be said in passing).
MIN_PAY_WORDS = 2
# What payment details are called ("Оплата получена" is not one).
_PAYMENT_NOUNS = re.compile(r"реквизит|карт[аыуео]|usdt|trc|iban|kaspi|каспи|halyk|халык|"
                            r"кошел|wallet|jusan|әмиян|нөмір|номер")
# Each kind of payment detail by its shape, checksum or not.
_SHAPES = {
    "tron": re.compile(r"\bT[1-9A-HJ-NP-Za-km-z]{33}\b"),
    "eth": re.compile(r"\b0x[0-9a-fA-F]{40}\b"),
    "btc": re.compile(r"\bbc1[0-9a-z]{20,}\b"),
    "iban": re.compile(r"\bKZ\d{2}(?: ?[0-9A-Z]{4}){3,4}", re.I),
}
# A wallet or an IBAN by its shape (a card or a phone: `number_tokens`), checksum or not: what
# an invoice hands out.
_DETAIL = re.compile("|".join(shape.pattern for shape in _SHAPES.values()), re.I)


def detail_kinds(text: str) -> set[str]:
    """The kinds of payment detail a text writes out, checksum or not (an invoice in a seized
    chat holds made-up or mistyped numbers too, which the payment parser does not take): a
    card, an IBAN, a wallet."""
    kinds = {kind for kind, shape in _SHAPES.items() if shape.search(text) is not None}
    # (An IBAN's digits grouped by four are no card.)
    rest = _SHAPES["iban"].sub(" ", text)
    if any(t.startswith(CONCEPT_PREFIX + "card:") for t in number_tokens(normalise(rest))):
        kinds.add("card")
    return kinds


# The kind of payment detail a query's word asks for (tools/payments.py names the kinds): a card,
# a phone number (Kaspi "по номеру"), an IBAN or account, a crypto wallet.
PAY_KINDS = {
    "card": re.compile(r"карт|card|kart|visa|mastercard"),
    "phone": re.compile(r"номер|нөмір|телефон|phone|nomer"),
    "iban": re.compile(r"iban|иба|счет|шот"),
    "tron": re.compile(r"usdt|trc|tron|трон|кошел|wallet|әмиян|крипт|crypto|kripta|koshel"),
    "btc": re.compile(r"btc|bitcoin|биткоин|биткойн|крипт|crypto"),
    "eth": re.compile(r"eth|ether|эфир|erc"),
}
_WANTED = re.compile(r"нужн|нужен|nuzhn|ищу|ищем|керек|куплю|доход|платим|заработ|сдать|оформлен|"
                     r"wanted")


@dataclass(frozen=True, slots=True)
class DocFacets:
    role: Role
    classes: frozenset[str]
    short: bool


def role_of(kind: str, data: dict[str, Any]) -> Role:
    """Who wrote a message or listing, as the export says it."""
    if kind == "listing":
        return "seller"
    if data.get("type", "message") != "message":
        return "service"
    chat_type = str(data.get("chat_type") or "")
    if chat_type in CHANNEL_TYPES:
        return "seller"
    from_id = str(data.get("from_id") or "")
    # In a bot or personal chat the other side's user id is the chat's id; every other
    # author there is the export's owner.
    other = from_id == f"user{data.get('chat_id')}"
    if chat_type == "bot_chat":
        return "seller" if other else "buyer"
    if chat_type == "personal_chat":
        return "member" if other else "buyer"
    return "member"


def shops_voice(kind: str, data: dict[str, Any], shop_chat: bool) -> bool:
    """Whether a text is written where a shop speaks: a market's listing, a bot chat (either
    side), a post of a shop's own channel (or its listing). Whatever words stand in it, such a
    text is no news. A channel post read as a listing is judged by its channel, like the post.
    """
    return (kind == "listing" and data.get("channel_id") is None
            or data.get("chat_type") == "bot_chat" or shop_chat)


def reports(kind: str, data: dict[str, Any], norm: str, analysed: Analysed, role: Role,
            shop_chat: bool) -> bool:
    """Whether a text is police or court news: it speaks of the police (arrests, seizures,
    sentences) and is not a shop's. The class is earned by who writes, not by a word: a shop's
    post or bot message stays an offer however many police words are put in it ("this card
    belongs to a police officer"), and an offer's register (an amount and its price beside a
    drug) is an offer wherever it is posted."""
    if POLICE not in analysed.concepts or shops_voice(kind, data, shop_chat):
        return False
    offering = (role == "seller" and bool(analysed.of("drugs"))
                and GRAMS.search(norm) is not None and _PRICE.search(norm) is not None)
    return not offering


def doc_facets(kind: str, data: dict[str, Any], text: str, analysed: Analysed,
               paid: set[str], shop_linked: bool, shop_chat: bool = False) -> DocFacets:
    """The role, classes and shortness of one message or listing.

    Args:
        paid: kinds of payment details (card, phone, iban, tron…) the record hands out.
        shop_linked: whether an @bot it names, or its chat, belongs to a shop that has a bot.
        shop_chat: whether its chat itself is a shop's (a channel of a shop that has a bot):
            an @bot named in a text is no proof of who wrote it, its chat is.
    """
    role = role_of(kind, data)
    concepts = analysed.concepts
    norm = text.lower()
    classes: set[str] = set()
    if reports(kind, data, normalise(text), analysed, role, shop_chat):
        classes.add("news")
    # Food delivery and police news offer, recruit and hand out nothing of the drug trade; a
    # word of food put into a shop's own post or bot message takes nothing from it either.
    off_topic = (FOOD in concepts and not shops_voice(kind, data, shop_chat)) or "news" in classes
    if LOST_STASH in concepts:
        classes.add("lost_stash")
    drug = bool(analysed.of("drugs"))
    if stash_place(text, norm):
        # Where a stash lies: the bot's message after payment, or an offer that promises it.
        classes.add("stash")
    if role == "seller" and drug and not off_topic and not (
            "stash" in classes and not _PRICED.search(norm)):
        # A seller's text naming a drug is an offer, unless it is only the stash's place
        # handed over (coordinates with no price: "Ваш клад: 43.2567, 76.9286").
        classes.add("sale")
    # Cards wanted ("нужны люди с картами", "куплю карты банков", "картасы бар адамдар
    # керек"): recruiting droppers, whoever posts it.
    cards_wanted = _CARDS.search(norm) is not None and (
        JOB_TOPIC in concepts or _WANTED.search(norm) is not None)
    # A job of a shop (its channel, an @bot it names) or beside a drug or a stash, that pays: "Нужны
    # курьеры … от 250 000 ₸ в неделю", not "бот техникалық жұмыстарда".
    shop_job = (JOB_TOPIC in concepts and role == "seller"
                and (shop_linked or drug or "topics:stash" in concepts)
                and _PAY.search(norm) is not None)
    # Drivers wanted for "parcels" between cities, no questions asked.
    parcels_job = (JOB_TOPIC in concepts and PARCELS in concepts and role == "seller"
                   and (shop_linked or drug or "topics:stash" in concepts))
    if not off_topic and ("jobs:drug_job" in concepts or cards_wanted or shop_job
                          or parcels_job):
        classes.add("recruit")
        if cards_wanted or _DROPS.search(norm) is not None:
            classes.add("drops")
        classes |= {kind for kind, words in JOB_KINDS.items() if words.search(norm)}
    # A phone number is also how a flea-market seller or a pizzeria is called: it is a payment
    # detail when the text speaks of paying.
    paying = "purposes:payment" in concepts
    # A shop speaks: its bot (a bot chat's other side is a shop's bot), its channel, an @bot.
    shop = shop_linked or data.get("chat_type") == "bot_chat"
    # A job that wants cards ("💳 Дропы — 60 000 ₸ за карту Kaspi") names a bank, and hands
    # out nothing: recruiting, not payment details, unless a detail is written out.
    # A word of paying said once in passing ("say the wallet is clean") is none either: a
    # shop that tells how it is paid names two ("карта … реквизиты", "USDT TRC20").
    if not off_topic and (paid - {"bot", "phone"} or ("phone" in paid and paying) or (
            role == "seller" and (pay_words := _pay_words(norm))
            and (shop and pay_words >= MIN_PAY_WORDS or _shaped(text, norm))
            and ("recruit" not in classes or _shaped(text, norm)))):
        classes.add("payment")
    if "payment" in classes and (paid - {"bot"} or number_tokens(norm)
                                 or _DETAIL.search(text) is not None):
        # It hands a detail out (an invoice, a new card), not only says how a shop is paid.
        classes.add("details")
    if "sale" in classes and _PRICED.search(norm) is not None:
        # A menu or a post with amounts and prices: more of an offer than a shop's greeting.
        classes.add("priced")
    short = word_count(text) < MIN_CONTENT_WORDS
    return DocFacets(role, frozenset(classes), short)


def _pay_words(norm: str) -> int:
    """How many distinct words of paying (`_PAYMENT_NOUNS`) a text names."""
    return len({m.group() for m in _PAYMENT_NOUNS.finditer(norm)})


def stash_place(text: str, norm: str) -> bool:
    """Whether a text tells where a stash lies: its coordinates, or the word."""
    return _COORDS.search(text) is not None or _PLACE_WORDS.search(norm) is not None


def _shaped(text: str, norm: str) -> bool:
    """Whether a card or a wallet is written out, checksum or not (an invoice in a seized
    chat holds made-up or mistyped numbers too)."""
    return _DETAIL.search(text) is not None or any(
        t.startswith(CONCEPT_PREFIX + "card:") for t in number_tokens(norm))


def handles_in(text: str) -> list[str]:
    """@handles a text names, lower case, without the @."""
    return [h.lower() for h in _HANDLE.findall(text)]


@dataclass(frozen=True, slots=True)
class QueryFacets:
    cities: list[str]
    drugs: list[str]
    purpose: Purpose | None
    # Whether the query is about the drug trade at all (not news, pizza, weather, a sofa).
    trade: bool = True
    # Whether it is in the buyer's own words ("төледім", "оплатил"): it looks for those.
    buyer: bool = False
    # Whether it asks for droppers (cards, their holders), among recruiting; and which of the
    # other jobs (`JOB_KINDS`: couriers, warehouse, drivers).
    drops: bool = False
    jobs: frozenset[str] = frozenset()
    # Which kinds of payment detail it asks for, among payment details (`PAY_KINDS`).
    pay_kinds: frozenset[str] = frozenset()
    # Whether it asks about the police (arrests, seizures, sentences): news answers it.
    police: bool = False
    # The other drug its slang may be, asked for after its own ("кристалл": alpha-PVP).
    maybe_drugs: list[str] = field(default_factory=list)
    # Whether it asks about a stash not found ("ненаход"): whoever wrote of one answers it.
    lost_stash: bool = False
    # Whether it asks where a stash lies ("координаты клада", "клад Кок-Тобе") and for no drug:
    # the coordinates a shop's bot sent, and who wrote of a stash not found there.
    stash: bool = False
    # What else it asks about, when not the drug trade: food delivery, phones, a flea market,
    # everyday news (concepts, "topics:food_delivery"); and whether it asks for a job.
    topics: list[str] = field(default_factory=list)
    job: bool = False
    # Whether it holds a sign of the drug trade (a drug, slang, a stash, a stash-layer's job, a
    # word of the trade): never a query of everyday words a flea market answers.
    signs: bool = False
    # Whether it says "sell" as a flea-market seller does ("продам", "сатамын"), not as a
    # buyer asks a shop ("купить", "где", "магазин", "цена").
    for_sale: bool = False

    def labels(self) -> list[str]:
        return ([f"city:{c}" for c in self.cities]
                + [f"drug:{d}" for d in self.drugs + self.maybe_drugs]
                + ([f"purpose:{self.purpose}"] if self.purpose else [])
                + (["purpose:news"] if self.police else [])
                + (["topic:lost_stash"] if self.lost_stash else [])
                + (["topic:stash"] if self.stash else [])
                + [f"topic:{t.split(':', 1)[1]}" for t in self.topics])


# A way of paying a query names beside cards ("карта для оплаты", "pay by card"): cards to pay,
# not cards wanted.
_PAYING = re.compile(r"оплат|плат|перевод|перев[её]л|скин|кину|pay|send|sent|transfer|"
                     r"төле|аудар|жібер")


def _cards_wanted(analysed: Analysed) -> bool:
    """Whether a query asks for cards wanted, as a text recruiting droppers says it ("card
    holders wanted", "нужны люди с картами", "картасы барлар керек"): the same rule as a text's
    (`classes`), so a query finds the posts it describes."""
    text = " ".join(t for t in analysed.tokens if not t.startswith("§"))
    # (Not any job word beside a card: "the card no longer works" is no job.)
    return _CARDS.search(text) is not None and _PAYING.search(text) is None and (
        _WANTED.search(text) is not None
        or any(t.startswith(("holder", "держател", "want", "hire", "hiring", "look", "seek",
                             "ұстаушы", "иелер", "іздей", "іздеп", "ищу", "ищет", "ищут"))
               for t in analysed.tokens))


def read_query(analysed: Analysed) -> QueryFacets:
    """Cities, drugs and purpose of a query. A query about pizza, phones or the police with no
    drug in it asks for no purpose: the analyst is looking at something else."""
    concepts = analysed.concepts
    drugs = analysed.of("drugs")
    purposes = set(analysed.of("purposes"))
    # A phone or a currency beside a payment word is how a shop is paid ("телефон Kaspi",
    # "номер телефона для оплаты", "курс USDT"), not a phone for sale or the exchange rate.
    topics = [c for c in ELSEWHERE if c in concepts
              and not (c in _PAID_BY and "payment" in purposes)]
    # A sign of the drug trade (a drug or its slang, a stash, a stash-layer's or dropper's job,
    # a word of the trade: "наркотики", "есірткі") keeps a query about it whatever everyday
    # word it holds besides ("сдам дроп карту", "закладчик такси").
    signs = bool(drugs or analysed.of("maybe")) or bool(
        {"jobs:drug_job", STASH, LOST_STASH} & set(concepts)) or any(
        _TRADE_WORD.match(t) is not None for t in analysed.tokens)
    elsewhere = "topics:police" in concepts or not signs and bool(topics)
    purpose: Purpose | None = None
    if elsewhere:
        purpose = None
    elif "recruit" in purposes or "jobs:drug_job" in concepts or _cards_wanted(analysed):
        purpose = "recruit"
    elif "payment" in purposes:
        purpose = "payment"
    elif "sale" in purposes or drugs:
        purpose = "sale"
    lost_stash = LOST_STASH in concepts
    # (A stash in a city, "закладки Шымкент", is how a shop there sells: no place asked.)
    stash = not drugs and not lost_stash and not elsewhere and (
        STASH_PLACE in concepts and purpose in (None, "sale")
        or STASH in concepts and purpose is None and not analysed.of("cities"))
    if stash:
        # "клады", "тапсырыс" are a shop's words too: asked where a stash lies, no sale.
        purpose = None
    buyer = "paid" in purposes and not lost_stash
    drops = purpose == "recruit" and any(
        t.startswith(("дроп", "drop", "держател", "holder", "карт", "card"))
        for t in analysed.tokens)
    jobs = frozenset(kind for kind, words in JOB_KINDS.items() if purpose == "recruit" and any(
        words.search(t) is not None for t in analysed.tokens))
    pay_kinds = frozenset(kind for kind, words in PAY_KINDS.items() if purpose == "payment" and any(
        words.match(t) is not None for t in analysed.tokens))
    return QueryFacets(analysed.of("cities"), drugs, purpose,
                       trade=not elsewhere and not buyer and not lost_stash,
                       buyer=buyer, drops=drops, jobs=jobs, pay_kinds=pay_kinds,
                       police="topics:police" in concepts, lost_stash=lost_stash,
                       stash=stash,
                       maybe_drugs=[d for d in analysed.of("maybe") if d not in drugs],
                       topics=sorted(topics) if elsewhere else [],
                       signs=signs and not elsewhere,
                       for_sale=FOR_SALE in concepts,
                       job=JOB_TOPIC in concepts or "recruit" in purposes)
