"""The offline chat model: reads the question (intent from meaning, entities of the case), plans
tool calls, and answers from the tools' typed results.

A real LangChain chat model driven by the same agent loop as any LLM. A question it is not sure
of gets a question back naming the two likeliest readings; one outside the case gets a plain
"outside the case" and no tool call. Answers are written in the question's language from
prompts/offline_answers.yaml with the tools' [n] markers.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from functools import cache
from typing import Any

from anyascii import anyascii
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    ToolMessage,
)
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from assistant.agent import money_asks
from assistant.agent.account_asks import day_written, iban_bank, iban_bank_asked, period_asked
from assistant.agent.all_shops_handed import asked_of_all_shops
from assistant.agent.asking_words import (
    BENEFICIARY_ASKED,
    CLAIM_ASKED,
    MENTIONS_ASKED,
    ORDER_CODE,
    POSTS_ASKED,
    PRICE_ASKED,
)
from assistant.agent.card_bank import (
    BANK_ASKED,
    RATE_ASKED,
    banks_named,
    card_bank,
    foreign_card,
    issue_country_asked,
    stated_rate,
)
from assistant.agent.case_sides import (
    BOUGHT_FROM,
    asks_the_bots,
    cities_of_shop,
    overview_sides,
    shows,
)
from assistant.agent.claims import ANY_MARKER
from assistant.agent.conversation import (
    _ADDRESS,
    _KIND_WORDS,
    OTHER,
    THERE,
    WHOLE_CASE,
    Turn,
    _ordinals_in,
    asks_holder,
    asks_of_another,
    bank_sides,
    goes_on,
    kinds_named,
    leans_on_previous,
    other_end,
    own_words,
    points_at_nothing,
    reached_from,
    refer,
    resolve,
    set_against,
    steps_on,
    two_of_one_sort,
    two_spoken_of,
)
from assistant.agent.counterfeit import counterfeit_tokens
from assistant.agent.days_asked import days_asked, in_days
from assistant.agent.detail_endings import endings_named, ends_with_named
from assistant.agent.drugs_asked import DRUGS_ASKED, NEWS_SET_ASIDE, drug_related
from assistant.agent.hand_outs import said_of
from assistant.agent.holders_asked import details_pointed_at, holders_asked
from assistant.agent.injections import (
    instructions_asked,
    instructs_an_ai,
    without_instruction,
)
from assistant.agent.one_of_several import (
    detail_choices,
    listed,
    payment_choices,
    person_choices,
    statement_choices,
    statements_meant,
)
from assistant.agent.overview_scope import TREASURY_WORDS as _TREASURY
from assistant.agent.overview_scope import overview_scope
from assistant.agent.pay_asked import pay_details_asked
from assistant.agent.places_named import district_names, names_place
from assistant.agent.quantities import naming_quantities, quantities
from assistant.agent.tools import (
    CASE_OVERVIEW,
    FIND_PERSON,
    GET_RECORD,
    HEX64,
    LOOKUP_ACCOUNT,
    MONEY_PATH,
    PAY_PERIOD_SUM,
    QUOTE_MARKED,
    QUOTED,
    SEARCH_LISTINGS,
    SHOP_DETAILS,
    SUM_THOUSANDS,
    TRACE_WALLET,
    ToolOutput,
    _paid_in_only,
    _template,
    exchange_total,
    fence,
    hand_outs,
    minutes_between,
)
from assistant.agent.translit import MONTH_NAMES, latin_russian
from assistant.agent.understanding import (
    ARROW,
    CASE_WORDS,
    MAX_QUESTION_CHARS,
    Named,
    Reading,
    Vocabulary,
    find_entities,
    intent_model,
    language,
    read_question,
    tagged_wallet,
)
from assistant.agent.unknown_shops import unknown_shop_name
from assistant.agent.way_through import way_through
from assistant.agent.world import about_the_world
from tools.holders import tenge_amounts
from tools.identifiers import parse_identifier
from tools.payments import extract_payment_details
from tools.people import fold, same_word
from tools.resources import prompt_yaml
from tools.search.facets import read_query
from tools.search.text import analyse
from tools.tokens import PROTECTED


@cache
def phrases() -> dict[str, Any]:
    return prompt_yaml("offline_answers.yaml")




# Accounts counted together ("the three dropper accounts", "обоих счетов", "екі шот").
_SEVERAL = re.compile(r"(?<![\w])(?:two|three|four|both|два|две|двух|три|трех|трёх|четыре|"
                      r"оба|обоих|обеих|екі|үш|төрт|all)(?![\w])", re.I)
# A shop spoken of without its name ("этот магазин", "that shop", "бұл дүкен").
_SHOP_WORD = re.compile(r"(?<![\w])(?:магазин\w*|shop|store|дүкен\w*)(?![\w])", re.I)
# A shop or shops spoken of without a name ("back to the shops", "до магазинов").
_SHOPS_WORD = re.compile(r"(?<![\w])(?:магазин\w*|shops?|stores?|дүкен\w*)(?![\w])", re.I)
# "what else", "какие ещё", "тағы қандай": others than those named before.
_ELSE = re.compile(r"(?<![\w])(?:ещ[её]|кроме|помимо|другие|другой|else|other|others|тағы|"
                   r"басқа\w*)(?![\w])", re.I)
# Parties of one day's rows listed at most.
MAX_DAY_PARTIES = 40


def _role_of(line: str) -> str | None:
    """"out" for a line of money paid to a party, "in" for one received from a party."""
    for role, key in (("out", "sent_to"), ("in", "received_from"), ("out", "traced_on"),
                      ("out", "direct_forward"), ("in", "direct_backward")):
        for rx in _role_patterns(key):
            if rx.match(line):
                return role
    return None


@cache
def _role_patterns(key: str) -> list[re.Pattern[str]]:
    templates = phrases().get(key) or {}
    out = []
    for t in templates.values():
        rx = re.escape(t).replace(re.escape("{m}"), r"(?:\[\d+\])*")
        rx = re.sub(r"\\\{\w+\\\}", ".+?", rx)
        out.append(re.compile(r"^- " + rx + r"\s*$"))
    return out


_WALLETS = ("tron", "btc", "eth")
_ACCOUNTS = ("card", "card_mask", "iban", "phone", "iin")
_HANDED = re.compile(r"\bhand(?:s|ed|ing)?\b(?:\s+\w+)?\s+out|handed|gave|give|issued|"
                     r"выдава\w*|выдал\w*|выдан\w*|давал\w*|(?<!пере)дал[иа]?\b|берген|берді|береді|"
                     # Taking payment by a kind is handing out that kind to be paid on.
                     r"принима\w*|приня\w*|\baccept\w*|қабылда\w*", re.I)
_SELLING = re.compile(r"прода[её]т|продают|продаж|\bsell|сатады|сатат|\bbuy\b|купить", re.I)
_TRACE_INTENTS = ("forward", "backward", "exchanges", "path", "amount_between")
# A question about what the goods cost ("почём", "сколько стоит", "price of", "бағасы қанша"):
# answered from offers with their prices, not from payment details.
_PRICE = PRICE_ASKED
# The goods a shop offers ("its menu", "ассортимент", "what products").
_GOODS = re.compile(r"меню|\bmenu|ассортимент|витрин|\bтовар|\bтауар|\bgoods\b|\bproducts?\b|"
                    r"what drugs|какие наркотики|қандай есірткі", re.I)
# What a price question about a shop is not: money traced, compared, paid.
_NOT_PRICE_INTENTS = (*_TRACE_INTENTS, "compare", "beneficiaries", "statement", "message")
# The parts of an account's profile each intent asks for.
_SECTIONS: dict[str, set[str]] = {
    "identify": {"links", "iban_links", "seen", "fed_by", "flows", "iban_bank"},
    "forward": {"links", "bank", "trace"},
    "backward": {"links", "bank", "fed_by", "flows"},
    "statement": {"bank", "links", "flows"},  # a wallet's statement: its totals
    # The way between two ends: the path itself; of the ends, only whose they are.
    "path": {"links"},
    "shop_details": {"seen"},
    "message": {"seen", "links"},  # where it was written, and the sum asked with it
    # Two accounts side by side: their money and where they were seen, not the payments that
    # link each to a message (those answer "whose is it").
    "compare": {"seen", "fed_by", "flows", "bank", "iban_bank"},
}
# An intent not named above (money to exchanges, sums between parties, a follow-up read as
# another): every part but the hand-outs whose payments reached an account ("iban_links"),
# which say whose the account is and are asked with "whose" or "which shop" only.
_UNNAMED_SECTIONS = {"links", "seen", "fed_by", "flows", "bank", "iban_bank", "trace"}


def _call(tool: str, **args: Any) -> dict[str, Any]:
    return {"name": tool, "args": args}


# "кроме карт", "except the cards", "карталардан басқа": a kind left out.
_EXCEPT = re.compile(r"(?:кроме|помимо|except|besides|other than|apart from|не считая|"
                     r"instead of|rather than|вместо)\s+"
                     r"(?:the\s+|for\s+|an?\s+)?(\w+)|(\w+)\s+(?:басқа|қоспағанда|орнына)",
                     re.I)


# A noun right after the kind word makes it another thing ("адреса доставки", "номера заказа").
_EXCEPT_NOUN_FOLLOWS = re.compile(r"\s+(?:доставк|заказ|delivery|order|дома|квартир)\w*")


def _excluded_kind(question: str) -> str | None:
    for m in _EXCEPT.finditer(question.casefold()):
        word = m.group(1) or m.group(2)
        # The word left out must be a kind's word ("кроме карт"), not merely hold one
        # ("кроме адреса доставки", "кроме номера заказа" leave no kind out).
        kind = next((k for k, words in _KIND_WORDS.items()
                     if any(word.startswith(w) for w in words)), None)
        if kind and _EXCEPT_NOUN_FOLLOWS.match(question.casefold(), m.end()):
            kind = None
        if kind:
            return kind
    return None


def _lookup(reading: Reading, identifier: str) -> dict[str, Any]:
    """A lookup; with each payment's day and sum when the question asks for payments; of one
    month's statement when the question names a month."""
    args: dict[str, Any] = {"identifier": identifier}
    if "each_payment" in reading.signals:
        args["each_payment"] = True
    month = next((s[6:] for s in reading.signals if s.startswith("month:")), None)
    if month:
        args["month"] = month
    days = next((s[5:] for s in reading.signals if s.startswith("days:")), None)
    if days and not month:
        args["days"] = days
    return _call(LOOKUP_ACCOUNT, **args)


def _detail_kind(question: str) -> str | None:
    """The one kind of payment detail a question about a shop asks for, if it names one."""
    named = kinds_named(question)
    return named[0] if len(named) == 1 else None


def plan(reading: Reading, question: str) -> list[dict[str, Any]]:
    """The first tool calls for a reading of the question; none when no tool fits."""
    wallets = [e.value for e in reading.of(*_WALLETS)]
    accounts = [e.value for e in reading.of(*_ACCOUNTS)]
    shops = reading.of("shop", "bot")
    people = reading.of("person")
    intent = reading.intent
    direction = "backward" if intent == "backward" else "forward"
    if intent == "out_of_case":
        return []
    against = [w for w in wallets if f"against:{w}" in reading.signals]
    if len(against) == 2 and len(wallets) == 3 and intent not in ("search", "message"):
        # "A пен B — қайсысы C-ге көбірек жіберді?", "who got more from C, A or B?": what
        # each of the two sent the third (received from it).
        third = next(w for w in wallets if w not in against)
        if _RECEIVING.search(question) and not _SENDING.search(question):
            return [_call(MONEY_PATH, source=third, target=w) for w in against]
        return [_call(MONEY_PATH, source=w, target=third) for w in against]
    through = way_through(question, reading.of(*_WALLETS))
    if intent in ("path", "amount_between") and through is not None:
        # "from A to B via C", "A-дан B-ге C арқылы": the way from A to C, then from C to B.
        a, b = [w for w in reading.of(*_WALLETS) if w is not through][:2]
        a, b = (a, b) if _source_first(question, a, b) else (b, a)
        return [_call(MONEY_PATH, source=a.value, target=through.value),
                _call(MONEY_PATH, source=through.value, target=b.value)]
    if intent in ("path", "amount_between") and len(wallets) >= 2:
        # From the one the question marks as the source ("what reached B from A"), else
        # in the order named.
        a, b = reading.of(*_WALLETS)[:2]
        a, b = (a, b) if _source_first(question, a, b) else (b, a)
        return [_call(MONEY_PATH, source=a.value, target=b.value)]
    if intent == "exchanges" and "bank_exchanges" in reading.signals and not wallets and \
            not accounts and not shops and len(people) != 1:
        # The exchangers among the statements' parties (the named ones picked from them;
        # one named is that one's statement).
        return [_call(CASE_OVERVIEW, bank_ends=True)]
    ibans = [e.value for e in reading.of("iban")]
    if len(ibans) >= 2 and not wallets and (intent == "path" or "path" in reading.signals and
                                            intent in _TRACE_INTENTS):
        # The chain of statement payments from one account to the other.
        return [_call(MONEY_PATH, source=ibans[0], target=ibans[1])]
    if intent in ("path", "amount_between") and len(wallets) == 1 and 1 <= len(shops) <= 3:
        # "сколько с кошелька магазина X дошло до T…": the shop's wallets first, then the path
        # between them and the wallet named (`follow_up_calls`); "T…: how much to X and how
        # much to Y": each shop's.
        return [_call(SHOP_DETAILS, shop="@" + s.value if s.kind == "bot" else s.value,
                      kind="wallet") for s in shops]
    if any(s.startswith("nth:") for s in reading.signals):
        return [_call(CASE_OVERVIEW)]  # the case's beneficiaries, then the one asked about
    if "case_money" in reading.signals:
        return [_call(CASE_OVERVIEW)]  # what of the case's money reached the wallet named
    if shops and not (wallets or accounts) and intent not in _NOT_PRICE_INTENTS and (
            _PRICE.search(question) or _SELLING.search(question) or _GOODS.search(question)):
        # "цена мефа у X", "price of hash at X", "what does X sell", "X's menu": the shop's
        # offers, with their prices.
        asked = shops[0]
        price_args: dict[str, Any] = {
            "query": question, "shop": ("@" if asked.kind == "bot" else "") + asked.value,
            "prices": True}
        if len(reading.drugs) == 1:
            price_args["drug"] = reading.drugs[0]
        return [_call(SEARCH_LISTINGS, **price_args)]
    named = wallets or accounts or shops or people
    if intent == "shops" and reading.cities and not named and not reading.drugs:
        # "Алматыда қай дүкен жұмыс істейді?": the shops, and the offers of each city named
        # (which shops they are of: `Composer._shops_of_cities`).
        return [_call(CASE_OVERVIEW), *(_call(SEARCH_LISTINGS, query=question, city=c,
                                              listings_only=True)
                                        for c in reading.cities[:3])]
    # (A drug named asks for its offers, whichever shops the question says it wants:
    # "Қонаевта шишки бар ма?".)
    topical = bool(reading.drugs) and intent not in ("beneficiaries", "exchanges") or bool(
        reading.cities) and intent not in ("overview", "shops", "beneficiaries", "exchanges")
    # A person, account or wallet named is what the question is about, not a topic to search.
    # (A message asked for by what it says: a name a shop gave as a detail's recipient,
    # "карта на Ерлана Ж.", is words of it, like a person's name.)
    said = intent == "message" and "message" in reading.signals
    written = [e for e in reading.of(*_ACCOUNTS) if not (said and e.label)]
    searching = intent in ("search", "message") and not (wallets or written) and (
        not people or said)
    if searching and not named and _NOT_SHOPS.search(question):
        searching = False  # (the chats that are no shop's: from the overview, below)
    if searching or (not named and (intent == "message" or topical)):
        args: dict[str, Any] = {"query": question}
        if len(reading.cities) == 1:
            args["city"] = reading.cities[0]
        drugs = [d for d in reading.drugs if not (d == "hashish" and _TX_HASH.search(question))]
        if len(drugs) == 1 and not (intent == "message" and shops):
            # (A message in the chats of a shop named: they are what narrows it; a shop's
            # name may read as slang, "Шоколадная Фабрика".)
            args["drug"] = drugs[0]
        if _PRICE.search(question) and intent != "message":
            args["prices"] = True  # "почём меф в Шымкенте": the offers' prices
        if _SELLING.search(question) or intent == "search" and POSTS_ASKED.search(question) \
                and (reading.drugs or reading.cities):
            # "who sells X in Y" asks for offers (the channels' posts, and the bots' menus of
            # shops no post shows), with their prices of it; the posts of it asked, the
            # channels' posts (their prices when asked).
            args["listings_only"] = True
            args["prices"] = bool(drugs) and (_SELLING.search(question) is not None or
                                              _PRICE.search(question) is not None)
        elif intent == "message":
            args["one_message"] = True  # a particular message, whoever wrote it
            if _MESSAGES_ASKED.search(question) or MENTIONS_ASKED.search(question) or any(
                    len(q.split()) > 2 for q in QUOTE_MARKED.findall(question)):
                # "the messages saying …", "in which chats", a phrase quoted as written
                # («меняется каждый день, не сохраняйте»): every one saying it.
                args["alike"] = True
            if _REPLY_ASKED.search(question):
                args["replies"] = True  # "… and what the bot replied": the answer too
            if len(shops) == 1 and "chats_asked" not in reading.signals:
                # In the chats of the shop named ("the buyer's message to the X bot").
                args["shop"] = ("@" if shops[0].kind == "bot" else "") + shops[0].value
        # A transaction's hash: the transfer it made, beside the message that gave it.
        return [_call(SEARCH_LISTINGS, **args),
                *(_call(GET_RECORD, record_id=h) for h in HEX64.findall(question)[:2])]
    calls: list[dict[str, Any]] = []
    if intent in _TRACE_INTENTS:
        calls += [_call(TRACE_WALLET, address=w, direction=direction) for w in wallets[:3]]
        if "with_balance" in reading.signals:
            calls += [_lookup(reading, w) for w in wallets[:1]]  # what is left there
    else:
        calls += [_lookup(reading, w) for w in wallets[:3]]
    if intent == "compare" and {"forward", "exchanges"} & reading.signals:
        # Wallets compared by where their money went (to an exchange): each one traced too.
        calls += [_call(TRACE_WALLET, address=w, direction="forward") for w in wallets[:3]]
    calls += [_lookup(reading, a) for a in accounts[:3]]
    if (wallets or accounts) and intent in ("forward", "backward", "exchanges",
                                            "beneficiaries") or \
            len(wallets) >= 2 and intent == "compare":
        # "the treasury of shop X (T…)", "номер … (каспи дропа X)": the wallet or account is
        # what is asked about, the shop says whose it is ("compare the treasuries of X (T…)
        # and Y (T…)": the two wallets).
        shops = []
    for s in shops[:4]:
        shop_args: dict[str, Any] = {"shop": s.value}
        if s.kind == "bot":
            shop_args["shop"] = "@" + s.value
        kind = _detail_kind(question) if intent == "shop_details" and \
            not _excluded_kind(question) else None
        if intent in _TRACE_INTENTS or intent in ("beneficiaries", "compare") or \
                "treasury" in reading.signals:
            # A question about the shop's money: its wallets are what links it to the trace.
            kind = "wallet"
        if "shop_overview" in reading.signals:
            # The shop's overview: all it handed out, where its wallets' money collects, and
            # its posts (the cities they name).
            kind = None
            shop_args["treasury"] = True
            calls.append(_call(SEARCH_LISTINGS, query=question, shop=shop_args["shop"]))
        if kind:
            shop_args["kind"] = kind
        elif s.kind == "shop" and intent in ("shop_details", "identify", "shops") and \
                _BOT_WORDS.search(question) and not kinds_named(question) and \
                "shop_details" not in reading.signals and not _HANDED.search(question) and \
                not people and not accounts:
            # ("who is Ерлан Ж. in the queen's bot": the person, the bot only where.)
            shop_args["bots"] = True  # "Мефистофельдің боты қандай?": the post naming it
        calls.append(_call(SHOP_DETAILS, **shop_args))
    calls += [_call(FIND_PERSON, name=p.label) for p in people[:3]]
    if calls:
        unique = {_key(c): c for c in calls}
        return list(unique.values())
    if intent in ("overview", "shops", "search") and _NOT_SHOPS.search(question):
        # "which channels are NOT drug shops": the case's chats that are no shop's.
        return [_call(CASE_OVERVIEW, other_chats=True)]
    if intent in ("overview", "shops", "beneficiaries", "exchanges", "forward"):
        if {"bank_exchanges", "bank_ends"} & reading.signals:
            # Where the droppers' tenge ended: the statements' parties, exchangers among them.
            return [_call(CASE_OVERVIEW, bank_ends=True)]
        return [_call(CASE_OVERVIEW)]
    return []


def follow_up_calls(reading: Reading, outputs: list[ToolOutput], done: set[str],
                    question: str = "") -> list[dict[str, Any]]:
    """A second step the first results call for: a person's account statement, a shop's
    wallets traced. Only calls not made yet this turn. `question`: the text `reading` read."""
    calls: list[dict[str, Any]] = []
    for out in outputs:
        nth = _nth_of(reading)
        if out.tool == CASE_OVERVIEW and out.data and "received_each" in reading.signals:
            # "how much did each beneficiary receive": each one's own totals.
            ends = [b for b in out.data.beneficiaries if b.reason == "beneficiary"]
            calls += [_call(LOOKUP_ACCOUNT, identifier=b.address)
                      for b in ends[:1 if _SUPERLATIVE.search(question) else 4]]
        if out.tool == CASE_OVERVIEW and out.data and nth:
            ends = _spoken_first(reading, [b for b in out.data.beneficiaries
                                           if b.reason == "beneficiary"])
            if len(ends) >= nth:
                # "who funded the second beneficiary": its money traced back, not onward.
                back = "backward" in reading.signals and "forward" not in reading.signals
                source = next((s[5:] for s in reading.signals if s.startswith("from:")), None)
                if source and source != ends[nth - 1].address:
                    calls.append(_call(MONEY_PATH, source=source, target=ends[nth - 1].address))
                else:
                    calls.append(_call(TRACE_WALLET, address=ends[nth - 1].address,
                                       direction="backward" if back else "forward"))
        if out.tool == FIND_PERSON and out.data:
            for person in _asked_people(reading, out.data):
                # A surname with initials of several accounts, none of them a statement's
                # holder: none (the answer asks which).
                mine = [] if person.abbreviated and len(person.accounts) > 1 and \
                    not person.own_accounts else person.accounts
                looked = [_lookup(reading, a) for a in mine[:1]]
                if any(_key(c) in done or c in calls for c in looked):
                    # Two people of one surname asked ("Оспанова … Оспанову Руслану"): each
                    # name search found both; the one not looked up yet is this search's.
                    continue
                calls += looked
                break
        if out.tool == LOOKUP_ACCOUNT and out.data and out.data.matches:
            # An ИИН's accounts: what they are (handed out, whose card) is the answer.
            calls += [_lookup(reading, iban)
                      for iban, _ in out.data.matches[0].accounts_held[:1]]
        named = reading.of(*_WALLETS)
        shops = reading.of("shop", "bot")
        wallets: list[str] = []
        pair = out.tool == SHOP_DETAILS and out.data and reading.intent in (
            "path", "amount_between") and len(named) == 1 and 1 <= len(shops) <= 3
        shop_pays = pair and _shop_is_source(question, shops[0], named[0])
        if out.tool == SHOP_DETAILS and out.data and (
                "treasury" in reading.signals or shop_pays
                or reading.intent in ("forward", "exchanges", "beneficiaries")):
            # "The shop's treasury", and a shop's money, which leaves from where its handed-out
            # wallets sweep (as the case overview traces it: buyers' payments into those are a
            # small part of it); not the wallet the question names ("from the shop's wallet to
            # its treasury T…"). Money paid to the shop is looked for at the wallets it handed
            # out.
            wallets = list(dict.fromkeys(c for c, _ in out.collectors.values()
                                         if c not in {e.value for e in named}))[:2]
        if out.tool == SHOP_DETAILS and out.data and not wallets:
            wallets = list(dict.fromkeys(h.display for d in out.data for h in d.handed_out
                                         if h.kind in _WALLETS))[:2]
        if pair:
            # Between the shop's wallet and the one named, the way the question says the
            # money went ("from the shop to T…", "how much did T… send to the shop").
            for w in wallets:
                source, target = (w, named[0].value) if shop_pays else (named[0].value, w)
                calls.append(_call(MONEY_PATH, source=source, target=target))
        elif out.tool == SHOP_DETAILS and out.data and (
                reading.intent == "compare" or "treasury" in reading.signals and
                reading.intent in ("identify", "statement", "shop_details")):
            # Shops compared by their money: each one's wallets, what they received and sent.
            calls += [_lookup(reading, w) for w in wallets]
        elif out.tool == SHOP_DETAILS and out.data and \
                not {"upstream_shops", "via_shops"} & reading.signals and (
                reading.intent in _TRACE_INTENTS or reading.intent == "beneficiaries" or
                reading.intent == "shop_details" and {"forward", "backward"} & reading.signals
                and any(h.kind in _WALLETS for d in out.data for h in d.handed_out)):
            # "кто платил магазину": where its wallets' money came from; "which wallets did
            # it hand out and where did their money go": both, one after the other.
            # (The ends of a shop's money are on from its wallets, whatever word of money
            # coming in says which money: "who ultimately holds what came into X".)
            way = "backward" if reading.intent == "backward" or (
                "backward" in reading.signals and "forward" not in reading.signals and
                reading.intent != "beneficiaries") else "forward"
            calls += [_call(TRACE_WALLET, address=w, direction=way) for w in wallets]
    if reading.intent == "beneficiaries" and reading.of("shop", "bot"):
        # The ends of a shop's money: how much of its treasury's money reached each one, by
        # the path between them (what "how much of A reached B" answers).
        for o in outputs:
            if o.tool == TRACE_WALLET and o.data and o.data.request.direction == "forward":
                start = o.data.request.addresses[0]
                calls += [_call(MONEY_PATH, source=start, target=e.address)
                          for e in o.data.endpoints if e.reason == "beneficiary"][:3]
    if "shop_overview" in reading.signals:
        # A shop's overview: where its treasury's money went, and the statements of the
        # accounts behind the bank details it handed out.
        for o in outputs:
            if o.tool == SHOP_DETAILS and o.data:
                # (A treasury other shops' wallets feed too: what leaves it is not this
                # shop's money alone, and is not traced as its.)
                calls += [_call(TRACE_WALLET, address=c, direction="forward")
                          for c in dict.fromkeys(c for c, _ in o.collectors.values())
                          if not o.shared.get(c)][:2]
                banked = dict.fromkeys(h.display for d in o.data for h in d.handed_out
                                       if h.kind in ("card", "iban", "phone"))
                calls += [_call(LOOKUP_ACCOUNT, identifier=v)
                          for v in list(banked)[:MAX_DETAILS_LOOKED_UP]]
    if "shop_overview" not in reading.signals and reading.intent in (
            "shop_details", "identify") and holders_asked(question) and \
            not reading.of("card", "iban", "phone") and \
            set(kinds_named(question)) & {"card", "phone", "iban"}:
        # "какие телефоны давала X и чьи они", "who holds the card ending 5538 the bot gave":
        # each detail handed out (the one its digits point at), looked up for its holder.
        for o in outputs:
            if o.tool == SHOP_DETAILS and o.data:
                calls += [_call(LOOKUP_ACCOUNT, identifier=v) for v in details_pointed_at(
                    question, ((h.kind, h.display) for d in o.data for h in d.handed_out),
                    MAX_DETAILS_LOOKED_UP)]
    if (reading.intent == "path" or "path" in reading.signals) and \
            not any(o.tool == MONEY_PATH for o in outputs):
        # "как деньги с карты X попали к Y": the chain of statement payments between the
        # accounts behind the two (a card's statement, a statement party's account).
        ends = list(dict.fromkeys(a for a in map(_account_behind, outputs) if a))
        if len(ends) == 2:
            calls.append(_call(MONEY_PATH, source=ends[0], target=ends[1]))
    if {"upstream_shops", "via_shops"} & reading.signals or reading.intent == "identify" and \
            len(reading.of(*_WALLETS)) == 1 and any(
                o.tool == TRACE_WALLET and o.data and o.data.request.direction == "backward"
                for o in outputs):
        # The shops' treasuries the asked wallet's money came through (whose it is, when
        # nothing else says: the shops that fed it): how much of each one's money reached it.
        asked = reading.of(*_WALLETS)[0].value
        on_way = _on_way(outputs, {asked})
        calls += [_call(MONEY_PATH, source=t, target=asked) for t in dict.fromkeys(
            c for o in outputs if o.tool == SHOP_DETAILS and o.data
            for c, _ in o.collectors.values() if c in on_way and c != asked)][:3]
    return [c for c in calls if _key(c) not in done]


def _account_behind(out: ToolOutput) -> str | None:
    """The bank account a lookup or a name search found: an IBAN itself, a card's statement
    (by its title, else by the payment that followed its handing out), a person's account."""
    if out.tool == LOOKUP_ACCOUNT and out.data and out.data.matches:
        p = out.data.matches[0]
        if p.kind == "iban":
            return str(p.value)
        found = [*p.statements[:1], *(m.iban for m in p.paid_in[:1])]
        return str(found[0]) if found else None
    if out.tool == FIND_PERSON and out.data and len(out.data) == 1 and out.data[0].accounts:
        return str(out.data[0].accounts[0])
    return None


def _on_way(outputs: list[ToolOutput], asked: set[str]) -> set[str]:
    """The wallets a trace of one of `asked` passed through (its endpoints and their paths)."""
    on_way: set[str] = set()
    for o in outputs:
        if o.tool == TRACE_WALLET and o.data and set(o.data.request.addresses) & asked:
            for e in o.data.endpoints:
                on_way.add(e.address)
                on_way.update(a for h in e.path for a in (h.from_address, h.to_address))
    return on_way


# Where money came from, said before a party ("от магазина X", "from the shop X", "с T…") or
# by a Kazakh ablative after it ("X дүкенінен"); where it went, said the same ways ("на T…",
# "to T…", "X дүкеніне").
_FROM_BEFORE = re.compile(r"(?<!\w)(?:от|из|со?|from)\s+(?:\S+\s+){0,2}$", re.I)
_TO_BEFORE = re.compile(r"(?<!\w)(?:на|к|ко|до|to|into)\s+(?:\S+\s+){0,2}$", re.I)
_FROM_AFTER = re.compile(r"^\s*\S*(?:нан|нен|дан|ден|тан|тен)(?!\w)", re.I)
# (The ending of the name itself or of the word after it, not the word "на" or "не".)
_TO_AFTER = re.compile(r"^(?:\S*|\s+\S+)(?:ға|ге|қа|ке|на|не)(?!\w)", re.I)
_RECEIVES = re.compile(r"receiv\w*|получил\w*|получа(?:ет|ют|л)\w*|алды|алған", re.I)


def _written_as_source(question: str, e: Any) -> bool:
    """Whether `e` is written as where money came from ("money from T…", "T…-дан", "с T…"):
    its own money asked, not the case's money that reached it."""
    before = question[max(0, e.start - 40):e.start]
    # ("drug money from the shops to T…": T… is where it went.)
    return bool(_FROM_BEFORE.search(before) and not _TO_BEFORE.search(before) or
                _FROM_AFTER.search(question[e.end:e.end + 40]))


def _shop_is_source(question: str, shop: Any, other: Any) -> bool:
    """Whether the question says the money went from the shop to the other party: by the
    words marking each as source or target, else by a verb of receiving (the receiver named
    first), else by the order they are named in."""
    def said(e: Any, before: re.Pattern[str], after: re.Pattern[str]) -> bool:
        return bool(before.search(question[max(0, e.start - 40):e.start]) or
                    after.search(question[e.end:e.end + 30]))

    if said(shop, _FROM_BEFORE, _FROM_AFTER) or said(other, _TO_BEFORE, _TO_AFTER):
        return True
    if said(other, _FROM_BEFORE, _FROM_AFTER) or said(shop, _TO_BEFORE, _TO_AFTER):
        return False
    if _RECEIVES.search(question):
        return other.start < shop.start
    return shop.start < other.start


def _source_first(question: str, payer: Any, payee: Any) -> bool:
    """Whether the question says the money went from `payer` to `payee` (as
    `_shop_is_source`), each party's words read only up to the other one ("from A to B":
    "to" is B's, "from" A's)."""
    first, second = sorted((payer, payee), key=lambda e: e.start)

    def said(e: Any, before: re.Pattern[str], after: re.Pattern[str]) -> bool:
        lo = first.end if e is second else 0
        hi = second.start if e is first else len(question)
        return bool(before.search(question[max(lo, e.start - 40):e.start]) or
                    after.search(question[e.end:min(hi, e.end + 30)]))

    if said(payer, _FROM_BEFORE, _FROM_AFTER) or said(payee, _TO_BEFORE, _TO_AFTER):
        return True
    if said(payee, _FROM_BEFORE, _FROM_AFTER) or said(payer, _TO_BEFORE, _TO_AFTER):
        return False
    if _RECEIVES.search(question):
        return payee.start < payer.start
    return payer.start < payee.start


def _asked_people(reading: Reading, found: list[Any]) -> list[Any]:
    """The people the question names, of those a name search found: the one whose name is
    the name asked ("Оспанов Руслан", not "Оспанова Динара" of the same surname), else all."""
    asked = {fold(e.label) for e in reading.of("person") if e.label}
    exact = [p for p in found if fold(p.name) in asked]
    return exact or found


def _key(call: dict[str, Any]) -> str:
    return f"{call['name']}:{json.dumps(call['args'], sort_keys=True, ensure_ascii=False)}"


# Our "which of the two" question back names both by their first characters: "(TX1Dmwrd…)".
_WHICH_OF_NAMES = re.compile(r"\([^()\s]{4,12}…\)")


def _asked_which_of(answer: str) -> bool:
    """Whether `answer` is the `which_of` question back (the list it asked about is in the
    answer before it); other questions back ("which shop?") name their choices themselves."""
    return len(_WHICH_OF_NAMES.findall(answer)) >= 2


def _p(key: str, lang: str, **values: Any) -> str:
    return str(phrases()[key][lang]).format(**values)


# The shops compared: by what they took in, by the wallets that paid several of them, by the
# droppers' accounts several handed out.
_SHOPS_WORD_ANY = r"(?:магазин\w*|shops?\b|дүкен\w*|stores?\b)"
# A shop as what is ranked or counted ("какой магазин больше всего", "which shop made the
# most", "қай дүкен ең көп", "each shop took"), not the shops as where money came from ("who
# got the most from the shops" is the beneficiaries'); or shops as several, with a payer or
# a dropper shared among them ("кто платил нескольким магазинам", "общие дропы магазинов").
_WHICH_SHOP_RANKED = re.compile(
    rf"\b(?:как\w*|котор\w*|which|what|қай|кай)\W+(?:из\W+)?{_SHOPS_WORD_ANY}\W+"
    rf"(?:\w+\W+){{0,5}}?(?:больше|меньше|наибольш\w*|most|least|more|ең көп|ең аз|көп)|"
    rf"\b(?:кажд\w*|each|every|per|әр)\W+{_SHOPS_WORD_ANY}\W+(?:\w+\W+){{0,3}}?"
    rf"(?:получил\w*|заработал\w*|took|take|earned|earn|made|make|received|receive|got|"
    rf"get|тапты|алды)", re.I)
_SEVERAL_SHOPS = re.compile(
    rf"\b(?:нескольк\w*|разн\w*|двум|двух|обоим|several|multiple|different|more than one|"
    rf"both|two|бірнеше|әр түрлі|әртүрлі|екі)\W+{_SHOPS_WORD_ANY}", re.I)
_SHARED = re.compile(
    r"\b(?:общ(?:ие|их|ий|ая|ее)|совпада\w*|shared|in common|ортақ)\W+(?:\w+\W+){0,3}?"
    r"(?:дроп\w*|реквизит\w*|карт\w*|покупател\w*|плательщик\w*|кошел\w*|droppers?|"
    r"mules?|cards?|buyers?|payers?|wallets?|деректеме\w*|сатып алушы\w*|әмиян\w*)", re.I)
_PAID_OR_HANDED = re.compile(r"плат|оплач|перев|покупател|дроп|реквизит|выдава|карт|кошел|"
                             r"paid|pay|buyer|dropper|mule|card|wallet|handed|төле|берг|"
                             r"деректеме|әмиян", re.I)
_ACROSS_ASPECTS = {
    "takings": re.compile(r"больше|меньше|наибольш|сколько|выручк|заработ|получил|оборот|most|"
                          r"least|how much|earn|made|took|revenue|turnover|ең көп|ең аз|"
                          r"қанша|тапты|алды", re.I),
    "payers": re.compile(r"покупател|плательщик|кошел|платил|buyer|payer|wallet|paid|"
                         r"сатып алушы|төле|әмиян", re.I),
    "droppers": re.compile(r"дроп|карт|сч[её]т|реквизит|телефон|dropper|mule|card|account|"
                           r"phone|шот|деректеме", re.I),
}


def _asks_across_shops(question: str) -> bool:
    """Whether the question compares the shops or asks what they share."""
    if _WHICH_SHOP_RANKED.search(question):
        return True
    return bool((_SEVERAL_SHOPS.search(question) or _SHARED.search(question) and
                 re.search(_SHOPS_WORD_ANY, question, re.I))
                and _PAID_OR_HANDED.search(question))


def _as_read(message: BaseMessage) -> str:
    """A question as the offline model reads it: Russian typed in Latin letters in Cyrillic."""
    text = str(message.content)
    return latin_russian(text) or text


def _word(group: str, key: str, lang: str) -> str:
    entry = phrases()[group].get(key)
    return str(entry[lang]) if entry else key


def _counted(n: int, kind: str, lang: str) -> str:
    """`n` things of `kind` in words: "2 карты", "5 карт", "2 cards"."""
    forms = phrases()["counted"].get(kind)
    if not forms:
        return f"{n} {_word('kinds', kind, lang)}"
    words = forms[lang]
    word = words.get(_plural_rule(lang)(n)) or words.get("other") or next(iter(words.values()))
    return f"{n} {word}"


@cache
def _plural_rule(lang: str) -> Callable[[int], str]:
    from babel import Locale  # its locale data loads only when an answer counts something

    return Locale.parse(lang).plural_form


def _money(amount: str | None) -> str:
    try:
        return f"{Decimal(amount or 0):,.2f}".replace(",", " ")
    except ArithmeticError:
        return str(amount)


def _when(ts: Any) -> str:
    return f"{ts:%Y-%m-%d}" if ts else ""


# The case's local time: a Telegram Desktop export writes its dates in it (Kazakhstan, UTC+5),
# so a message's day is the day the export (and the investigator reading it) shows.
CASE_TIME = timezone(timedelta(hours=5))


def _local(ts: datetime | None) -> datetime | None:
    return ts.astimezone(CASE_TIME) if ts and ts.tzinfo else ts


def _month_day(ts: datetime) -> tuple[int, int]:
    local = _local(ts) or ts
    return local.month, local.day


def _month_side(question: str) -> str | None:
    """"before", "after" (past the month) or "from" (the month on) when the question's month
    is a bound ("before February", "до марта", "после января", "с февраля", "ақпаннан
    кейін", "наурызға дейін")."""
    q = question.casefold()
    for m in re.finditer(r"[^\W\d_]+", q):
        w = m.group(0)
        if not any(w.startswith(stem) if len(stem) > 3 else w == stem for stem in _MONTHS):
            continue
        before = _BOUND_BEFORE.search(q[max(0, m.start() - 25):m.start()])
        bound = before or _BOUND_AFTER.match(q, m.end())
        if bound is None:
            return None
        exclusive = re.search(r"after|после|кейін", bound.group(0))
        return "before" if bound.lastgroup == "before" else "after" if exclusive else "from"
    return None


def _beside_month(ts: datetime, month: str, side: str) -> bool:
    """Whether `ts` (local) is on `side` of `month` ("2025-02", or "02" of its own year)."""
    local = _local(ts) or ts
    year, _, number = month.rpartition("-")
    at = (int(year) if year else local.year) * 12 + int(number)
    here = local.year * 12 + local.month
    return here < at if side == "before" else here > at if side == "after" else here >= at


def _in_month(ts: datetime, month: str) -> bool:
    """Whether `ts` (local) falls in `month` ("2025-01", or "01" of any year)."""
    local = _local(ts) or ts
    year, _, number = month.rpartition("-")
    return local.month == int(number) and (not year or local.year == int(year))


def _echo(question: str) -> str:
    """The question quoted back: its own quotation marks made plain, so the quote the answer
    puts it in stays one quote ("Found for “was there a 'ненаход' complaint”")."""
    return _safe(re.sub(r"[«»“”„\"]", "'", question))


def _safe(text: str | None) -> str:
    return fence(text or "")


class Composer:
    """The answer in the question's language, from the tools' typed results."""

    def __init__(self, reading: Reading, question: str) -> None:
        self.r = reading
        self.lang = reading.lang
        self.question = question
        self.lines: list[str] = []
        self.facts = 0
        self._shops_answered = False
        self._said_no_path = False
        # The shops that handed out a detail of the bank the question names, if any did.
        self._bank_shops: set[str] = set()
        self._outputs: list[ToolOutput] = []
        self._labels: dict[str, str] = {}  # the search's hits → their shop or chat name

    def fact(self, line: str) -> None:
        self.lines.append(f"- {line}")
        self.facts += 1

    def say(self, line: str) -> None:
        self.lines.append(line)

    def compose(self, outputs: list[ToolOutput]) -> str:
        # Shops that handed something out first: an empty chat of the same shop says nothing.
        outputs = sorted(outputs, key=lambda o: not (o.tool == SHOP_DETAILS and any(
            d.handed_out for d in o.data or [])))
        if "shop_overview" in self.r.signals and any(
                o.tool == SHOP_DETAILS and any(d.handed_out for d in o.data or [])
                for o in outputs):
            self._shop_overview(outputs)
            return "\n".join(self.lines)
        asks_amount = bool(set(re.findall(r"[^\W\d_]+", self.question.casefold()))
                           & _ASKS_AMOUNT)
        # A path asked and found: the path is the answer (of its ends, whose they are).
        self._path_found = any(o.tool == MONEY_PATH and o.data and o.data.hops
                               for o in outputs)
        parties = self.r.of("person", "iban", "card", "card_mask", "phone")
        bank = _bank_named(self.question)
        self._bank_shops = {d.name for o in outputs if o.tool == SHOP_DETAILS
                            for d in o.data or [] if bank and any(
                                bank in _detail_bank(o, h) for h in d.handed_out)}
        # Two accounts compared are side by side, not what one paid the other (a third party
        # named, "how much did each send to Li", is what both paid).
        compared = self.r.intent == "compare" and bank_sides(self.r, self.question) <= 2
        payments = (self._payments_between(outputs)
                    if not compared and (self.r.intent == "amount_between" or asks_amount or
                                         len(parties) >= 2 and _PAY_VERB.search(self.question))
                    else [])
        if payments:
            self.say(_p("between_intro", self.lang))
            self._between(payments)
            return "\n".join(self.lines)
        if _COMMON.search(self.question) and not _ONE_OF_TWO.search(self.question) and \
                self._common(outputs):  # ("екеуінің қайсысы": which of the two, not both)
            return "\n".join(self.lines)
        if self._paid_amount(outputs):
            return "\n".join(self.lines)
        self._outputs = outputs
        upstream = any(o.tool == TRACE_WALLET and o.data and
                       o.data.request.direction == "backward" for o in outputs) and any(
            o.tool == SHOP_DETAILS for o in outputs) and (
            {"upstream_shops", "via_shops"} & self.r.signals or self.r.intent == "identify")
        for out in outputs:
            if upstream and out.tool in (SHOP_DETAILS, MONEY_PATH):
                continue  # only the shops' wallets on the money's way, and their sums (below)
            if upstream and out.tool == TRACE_WALLET and self.r.intent == "identify":
                continue  # whose it is: the shops it came from, not the whole trace
            if out.tool == SEARCH_LISTINGS and self.r.intent == "shops" and (
                    self.r.cities or _CITIES_ASKED.search(self.question)) \
                    and any(o.tool == CASE_OVERVIEW for o in outputs):
                continue  # the offers tell which shops are of the city (`_case_overview`)
            getattr(self, f"_{out.tool}")(out)
            self._also_in(out)
        if upstream:
            self._upstream_shops(outputs)
        if self.r.intent == "compare":
            self._more_of(outputs)
        for token, symbol, contract in counterfeit_tokens("\n".join(self.lines)):
            # "USDT@TRx1…" moved: said to be no real USDT, whatever the question called it.
            self.say(_p("counterfeit_token", self.lang, token=token, symbol=symbol,
                        contract=contract, issuer=PROTECTED[symbol]))
        if any(o.tool in (TRACE_WALLET, MONEY_PATH) and o.data for o in outputs):
            self.say(_p("heuristic_note", self.lang))
        if not self.lines:
            self.say(_p("nothing_found", self.lang, query=_echo(self.question)))
        return "\n".join(self.lines)

    def _more_of(self, outputs: list[ToolOutput]) -> None:
        """Two accounts or wallets side by side: which has more of what the question measures
        (sent when it speaks of money leaving, else received), cited as their totals are."""
        sent = bool({"forward", "exchanges"} & self.r.signals or
                    _SENDING.search(self.question) and not _RECEIVING.search(self.question))
        rows: dict[str, tuple[Decimal, str, str]] = {}
        for out in outputs:
            if out.tool != LOOKUP_ACCOUNT or not out.data:
                continue
            for prof in out.data.matches[:1]:
                if prof.flows:
                    f = prof.flows
                    mark = "".join(out.marker(r) for r in f.largest_in[:1] + f.largest_out[:1])
                    rows[prof.display] = (Decimal(f.sent if sent else f.received),
                                          f" {f.token}", mark)
                elif prof.bank and not prof.bank.period and prof.bank.counterparties:
                    b = prof.bank
                    rows[str(b.holder_name or prof.display)] = (
                        Decimal(b.total_out if sent else b.total_in), "",
                        out.marker(b.counterparties[0].records[0]))
        if len(rows) != 2 or not all(m for _, _, m in rows.values()):
            return
        (big, (more, unit, m1)), (small, (less, unit2, m2)) = sorted(
            rows.items(), key=lambda kv: kv[1][0], reverse=True)
        if more == less or unit != unit2:
            return
        self.fact(_p("compared_more", self.lang, m=m1 + m2, name=_safe(big), other=_safe(small),
                     more=_money(str(more)), less=_money(str(less)), unit=unit,
                     what=phrases()["compared_what"]["sent" if sent else "received"][self.lang]))

    def _upstream_shops(self, outputs: list[ToolOutput]) -> None:
        """The wallets a backward trace passed through that a shop handed out or collects its
        money in, each cited by the record that makes it the shop's."""
        asked = {e.value for e in self.r.of(*_WALLETS)}
        on_way = _on_way(outputs, asked)  # the wallets the asked wallet's money came through
        # How much of a treasury's money reached the asked wallet: by the path between them.
        reached = {o.data.source: o for o in outputs if o.tool == MONEY_PATH and o.data and
                   o.data.hops and o.data.reached is not None and o.data.target in asked and
                   Decimal(o.data.reached) > 0}
        said = False
        for o in outputs:
            if o.tool != SHOP_DETAILS or not o.data:
                continue
            for d in o.data:
                handed: list[str] = []
                for h in d.handed_out:
                    if h.kind in _WALLETS and h.display in on_way and not any(
                            h.display in ln for ln in handed):
                        handed.append(_p("handed", self.lang, m=o.marker(h.record_id),
                                         kind=_word("kinds", h.kind, self.lang),
                                         display=h.display, when=_when(_local(h.seen_at))))
                treasuries = [_p("treasury", self.lang, m=o.marker(record_id), wallet=wallet,
                                 treasury=collector)
                              for wallet, (collector, record_id) in o.collectors.items()
                              if collector in on_way and
                              any(h.display == wallet for h in d.handed_out)]
                # Its treasury on the way says it (by the transfer into it, on the money's
                # chain); else the wallet it handed out, by its message.
                lines = treasuries or handed
                mine = [reached.pop(c) for c in dict.fromkeys(
                    c for w, (c, _) in o.collectors.items() if c in reached and treasuries and
                    any(h.display == w for h in d.handed_out))]
                if "via_shops" in self.r.signals or self.r.intent == "identify" and mine:
                    # Asked only who funded it: each shop by what of its treasury's money
                    # reached the wallet, the treasury at the head of the way it came.
                    lines = []
                if lines or mine:
                    said = True
                    self.say(_p("upstream_shop", self.lang, shop=_safe(d.name)))
                    for line in lines:
                        self.fact(line)
                    for path_out in mine:
                        p = path_out.data
                        route = " → ".join([p.source, *(
                            f"{h.to_address} {path_out.marker(h.record_id)}".rstrip()
                            for h in p.hops[:-1])])
                        # Cited by the transfer that reached it, each hop by its own.
                        self.fact(_p("shop_reached", self.lang,
                                     m=path_out.marker(p.hops[-1].record_id),
                                     amount=_money(p.reached), token=p.token, route=route))
        if not said and "upstream_shops" in self.r.signals:
            self.say(_p("no_upstream_shop", self.lang))
        if said and self.r.intent == "identify":
            self._kept_here(outputs)

    def _kept_here(self, outputs: list[ToolOutput]) -> None:
        """What a wallet the shops' money reached is, by what it did with what it got: one
        keeping most of it (not an exchange's) is where that money ends, a beneficiary."""
        for o in outputs:
            if o.tool != LOOKUP_ACCOUNT or not o.data:
                continue
            for prof in o.data.matches[:1]:
                f = prof.flows
                if not f or prof.kind not in _WALLETS or f.tag or not f.largest_in:
                    continue
                try:
                    kept = Decimal(f.balance or 0) * 2 >= Decimal(f.received or 0) > 0
                except ArithmeticError:
                    kept = False
                if kept:
                    # (What the lines above show, read together: no record says it alone.)
                    self.say(_p("kept_here", self.lang, wallet=prof.value))

    def _also_in(self, out: ToolOutput) -> None:
        """Other cases holding what the tool named: case, contact, a count; nothing more."""
        for h in out.also_in:
            for o in h.also_in:
                self.fact(_p("also_in", self.lang, kind=_word("kinds", h.kind, self.lang),
                             value=h.value, case=_safe(o.case), contact=_safe(o.contact),
                             records=o.records))

    @staticmethod
    def _payments_between(outputs: list[ToolOutput]) -> list[tuple[ToolOutput, Any, Any, Any]]:
        """What one named account paid another, from the payer's statement: (the payer's
        output, payer profile, counterparty row, payee profile) — the answer to "how much did
        A send B" when both are named."""
        profiles = [(out, p) for out in outputs if out.tool == LOOKUP_ACCOUNT and out.data
                    for p in out.data.matches[:1] if p.kind == "iban" and p.bank]
        return [(out, a, c, b) for out, a in profiles for _, b in profiles if a is not b
                for c in a.bank.counterparties
                if c.account == b.value and Decimal(c.sent_to) > 0]

    def _common(self, outputs: list[ToolOutput]) -> bool:
        """Whom several named accounts share ("кто платил и Жумабаеву, и Оспановой", "the
        counterparty of both"): the parties in every one's statement, the asked direction
        first, each cited by a row of each statement. False when fewer than two statements."""
        profiles = list({p.value: (out, p) for out in outputs
                         if out.tool == LOOKUP_ACCOUNT and out.data
                         for p in out.data.matches[:1] if p.kind == "iban" and p.bank}.values())
        if len(profiles) < 2:
            return False
        own = {p.value for _, p in profiles}
        backward = self.r.intent == "backward" or "backward" in self.r.signals
        directions: tuple[bool, ...] = (True, False) if backward or self.r.intent != "forward" \
            else (False, True)
        if "forward" in self.r.signals and not backward:
            directions = (False, True)
        if _PARTY_RECEIVED.search(self.question):
            # "the counterparty that received money from all three": their outflows only.
            directions = (False,)
        elif _PARTY_PAID.search(self.question):
            directions = (True,)  # "who paid both": their inflows only
        said = False
        for incoming in directions:
            shared: set[str] | None = None
            for _, p in profiles:
                mine = {c.account for c in p.bank.counterparties if c.account not in own and
                        Decimal(c.received_from if incoming else c.sent_to) > 0}
                shared = mine if shared is None else shared & mine
            if not shared:
                continue
            said = True
            self.say(_p("common_in" if incoming else "common_out", self.lang,
                        accounts=", ".join(p.value for _, p in profiles)))
            for out, p in profiles:
                for c in p.bank.counterparties:
                    if c.account in shared:
                        amount = c.received_from if incoming else c.sent_to
                        self.fact(_p("common_party", self.lang, account=p.value,
                                     line=_p("received_from" if incoming else "sent_to",
                                             self.lang, m=out.marker(c.records[0]),
                                             name=f"{_safe(c.name)} " if c.name else "",
                                             account=c.account, amount=_money(amount),
                                             operations=_counted(c.operations, "operation",
                                                                 self.lang))))
        if not said:
            self.say(_p("no_common", self.lang,
                        accounts=", ".join(p.value for _, p in profiles)))
        return True

    def _paid_amount(self, outputs: list[ToolOutput]) -> bool:
        """"кому ушли 60 000 со счёта …": the payments of the sum named, from each statement
        holding one; False when the question names no sum a statement holds."""
        amounts = _amounts_asked(self.question, self.r)
        said = False
        for out in outputs if amounts else []:
            if out.tool != LOOKUP_ACCOUNT or not out.data:
                continue
            for prof in out.data.matches[:1]:
                paid = [c for c in (prof.bank.counterparties if prof.bank else [])
                        if amounts & {Decimal(c.sent_to), Decimal(c.received_from),
                                      *(Decimal(a) for _, _, a in
                                        out.operations.get((prof.id, c.account)) or [])}]
                if not paid:
                    continue
                self.say(_p("lookup_intro", self.lang, value=_safe(prof.value)) +
                         f" {out.marker(paid[0].records[0])}")
                self._bank(out, prof.bank, prof.id)
                said = True
        return said

    def _named_as(self, profile: Any) -> Any:
        """The party of the question that is this account: by its number, else by its
        holder's surname (a declined "Тулегенову А." is "Тулегенов А.")."""
        parties = self.r.of("iban", "person", "card", "phone")
        exact = next((e for e in parties if e.value == profile.value), None)
        holder = fold(str(profile.bank.holder_name or "")).split()
        return exact or next((e for e in parties if e.kind == "person" and holder and fold(
            e.label or e.value).split()[:1] and fold(e.label or e.value).split()[0][:5] ==
            holder[0][:5]), None)

    def _asked_way(self, payments: list[tuple[ToolOutput, Any, Any, Any]]
                   ) -> list[tuple[ToolOutput, Any, Any, Any]]:
        """Of payments both ways between two parties, those the question asks: from the one
        it marks as the payer (or names first, "A перевёл B", "from A to B") to the other."""
        if _BETWEEN.search(self.question) or _named_twice(self.r):
            # "между ними", "арасында", "and back": both ways; so too each party named twice,
            # once as payer, once as payee ("A B-ға қанша, ал B A-ға қанша?").
            return payments
        kept = []
        for p in payments:
            payer, payee = self._named_as(p[1]), self._named_as(p[3])
            if payer is None or payee is None or payer is payee or \
                    _source_first(self.question, payer, payee):
                kept.append(p)
        return kept if len({(p[1].value, p[3].value) for p in payments}) > 1 and kept \
            else payments

    def _between(self, payments: list[tuple[ToolOutput, Any, Any, Any]]) -> None:
        to = {s[8:] for s in self.r.signals if s.startswith("paid_to:")}
        for out, a, c, b in payments if to else self._asked_way(payments):
            if to and b.value not in to:
                continue  # what each paid the one asked about, not one another
            self.fact(_p("paid_between", self.lang, m=out.marker(c.records[0]),
                         payer=_safe(a.bank.holder_name or a.value), payer_account=a.value,
                         payee=_safe(c.name or b.value), payee_account=b.value,
                         amount=_money(c.sent_to)))
            self._days(out, a.id, c.account, incoming=False)

    def _days(self, out: ToolOutput, statement: str, account: str,
              incoming: bool | None = None) -> None:
        """'  - [4] 2025-10-10: 30 000.00 ₸': each payment with a party, by its row (only those
        into the statement's account, or only those out of it, when `incoming` says)."""
        days = days_asked(self.question)
        asked = _day_named(self.question) if not _bound_side(self.question) and not days \
            else None
        ops = out.operations.get((statement, account)) or []
        for r, day, amount in ops:
            if days and not in_days(day, days) and any(in_days(d, days) for _, d, _ in ops):
                continue  # the days asked, when the party paid within it
            if incoming is not None and (r in out.incoming_rows) != incoming:
                continue
            if not _on_bound_side(self.question, day):
                continue  # "после 15 сентября": that side of the day only
            if asked and day[5:10] != f"{asked[0]:02d}-{asked[1]:02d}" and any(
                    d[5:10] == f"{asked[0]:02d}-{asked[1]:02d}"
                    for _, d, _ in out.operations.get((statement, account)) or []):
                continue  # the day asked, when the party paid on it
            if out.marker(r):
                self.lines.append(f"  - {out.marker(r)} {day}: {_money(amount)}")

    def _trace_wallet(self, out: ToolOutput) -> None:
        t = out.data
        lang = self.lang
        if t is None:
            starts = [e.value for e in self.r.of(*_WALLETS)] or ["?"]
            self.say(_p("no_transfers", lang, value=starts[0]))
            return
        address = t.request.addresses[0]
        endpoints = [e for e in t.endpoints if e.path]
        if self.r.intent == "exchanges":
            deposits = [e for e in endpoints if e.reason in ("exchange", "exchange_deposit")]
            if not deposits:
                self.say(_p("no_exchanges", lang))
                return
            deposits, name = self._of_named_exchange(deposits)
            # Which wallet's money: a follow-up may have picked it from the previous answer.
            self.say(_p("exchange_named_total_from" if name else "exchanges_total_from", lang,
                        address=address, name=_safe(name),
                        amount=_money(str(exchange_total(deposits))), token=t.token))
            endpoints = deposits
        else:
            self.say(_p(f"trace_{t.request.direction}_intro", lang, traced=_money(t.traced),
                        token=t.token, address=address))
            ends = [e for e in endpoints if e.reason == "beneficiary"]
            if self.r.intent == "beneficiaries" and ends:
                # Who the money ended with; the exchanges' share as the trace's total.
                cashed = exchange_total(t.endpoints)
                if cashed:
                    self.say(_tailed(_p("exchanges_total", lang, amount=_money(str(cashed)),
                                        token=t.token), self._exchanges_named(out, t.endpoints)))
                endpoints = ends
        if self.r.intent == t.request.direction and out.direct and (
                t.request.direction == "backward" or not _SUPERLATIVE.search(self.question)):
            # The wallets it came from last, with what they paid in directly; forward, the
            # wallets it paid directly, with what it sent each ("куда скидывал": 60 to one,
            # 40 to another; "next hops"), before where the money ended. A few transfers
            # each by its amount: the hop's own figures, not only their sum.
            key = f"direct_{t.request.direction}"
            if t.request.direction == "forward" and len(out.direct) == 1:
                # All of it to one wallet first: that wallet heads every way below, so the
                # hop is said by its transfers only.
                key = "direct_forward_one"
            for other, (total, ids, each) in out.direct.items():
                if key == "direct_forward_one" and len(ids) == 1:
                    break  # (one transfer of all it sent: the traced total says it)
                parts = " (" + " + ".join(_money(a) for a in each) + ")" \
                    if 1 < len(each) <= 4 else ""
                self.fact(_p(key, lang, m="".join(out.marker(r) for r in ids), wallet=other,
                             amount=_money(total) + parts, token=t.token, n=len(ids)))
        endpoints = [e for e in endpoints[:8] if e.reason != "residue"] + \
            [e for e in endpoints[:8] if e.reason == "residue"]
        if _SUPERLATIVE.search(self.question):
            endpoints = endpoints[:1]
        for i, e in enumerate(endpoints):
            if e.reason == "residue" and (i == 0 or endpoints[i - 1].reason != "residue"):
                self.say(_p("residue_intro", lang))
            label = f" ({_safe(e.label)})" if e.label and e.reason != "residue" else ""
            # Each endpoint cited by the transfer that reached it (backward: the one that
            # left it): the record that proves the money arrived there. The path's wallets
            # each by the hop that linked them to the start, so every hop can be opened.
            swept = self._swept(out, e.address, len(e.path))
            exchanges = self.r.intent == "exchanges"
            if e.address not in out.ends and not (swept and exchanges):
                continue  # an endpoint the tool did not state (beyond its list) is not
            line = self._endpoint_line(out, e, t.token, label,
                                       backward=t.request.direction == "backward")
            # "when was that?": the day the money reached it.
            line += self._reached_when(out, e)
            self.fact(line.lstrip() + swept)

    def _endpoint_line(self, out: ToolOutput, e: Any, token: str, label: str,
                       backward: bool = False) -> str:
        """An end of a trace: where, why and how much, cited by the transfer that reached it,
        with the wallets between it and the start, each by its hop (forward the money arrived
        at them, backward it left them)."""
        lang = self.lang
        line = _p("endpoint", lang, m=out.marker(e.path[-1].record_id), address=e.address,
                  reason=_word("reasons", e.reason, lang), label=label,
                  amount=_money(e.amount), token=token, hops=len(e.path))
        if len(e.path) > 1:
            hops = " → ".join(
                f"{h.from_address if backward else h.to_address} {out.marker(h.record_id)}"
                .rstrip() for h in e.path[:-1])
            line += f"; {phrases()['via'][lang]}: {hops}"
        return line

    def _reached_when(self, out: ToolOutput, end: Any) -> str:
        """' (2025-10-19)': the day the money reached an end, if the question asks when
        ("через какой адрес и когда", "which deposit and when")."""
        hop = end.path[-1] if getattr(end, "path", None) else None
        # (A trace's hop has its time; an overview's path is of record ids, their transfers'
        # times kept as cited.)
        time = hop.time if hop is not None and hasattr(hop, "time") else \
            out.times.get(str(hop or ""), "")
        if not time or not _WHEN.search(self.question):
            return ""
        return f" ({_when(time) if not isinstance(time, str) else time[:10]})"

    def _of_named_exchange(self, ends: list[Any]) -> tuple[list[Any], str]:
        """The exchange endpoints of the exchange the question names ("сколько ушло на
        Steppe Exchange", "Qazex-ке"), and that name as the tag writes it; all, and no name,
        when it names none of them."""
        q = self.question.casefold()
        named: dict[str, list[Any]] = {}
        for e in ends:
            for word in re.findall(r"[^\W\d_]{4,}", str(e.label or "")):
                if word.casefold() not in _GENERIC_TAG_WORDS and word.casefold() in q:
                    named.setdefault(word, []).append(e)
        if len(named) != 1:
            return ends, ""
        (name, mine), = named.items()
        return mine, name

    def _exchanges_named(self, out: ToolOutput, ends: list[Any]) -> str:
        """' — TATF… (Steppe Exchange deposit address) [n]; …': which exchanges the total
        went to, each deposit cited by the transfer that reached it."""
        named = []
        for b in ends:
            if b.reason not in ("exchange", "exchange_deposit"):
                continue
            anchor = b.path[-1] if b.path else getattr(b, "record_id", None)
            anchor = getattr(anchor, "record_id", anchor)  # a trace's hop, or its record
            label = f" ({_safe(b.label)})" if b.label else ""
            named.append(f"{b.address}{label} {out.marker(anchor)}".rstrip())
        return f" — {'; '.join(named[:4])}" if named else ""

    def _one_end_marker(self, out: ToolOutput, ends: list[Any]) -> str:
        """The marker of the one deposit a total is all of (its sweep, else the transfer that
        reached it): the total is that transfer's amount."""
        if len(ends) != 1:
            return ""
        b = ends[0]
        record = out.sweeps.get(b.address, ("", ""))[1] or (b.path[-1] if b.path
                                                             else b.record_id)
        mark = out.marker(record)
        return f" {mark}" if mark else ""

    def _swept(self, out: ToolOutput, address: str, hops: int) -> str:
        """'; swept into the exchange wallet T… [n]' for a deposit address, when asked about
        exchanges or when the wallet asked about paid the deposit address itself."""
        if address not in out.sweeps or not (self.r.intent in ("exchanges", "overview") or (
                self.r.intent in ("forward", "beneficiaries")
                and (hops == 1 or _EXCHANGE_WORDS.search(self.question)))):
            # Where the money went ends at the deposit address; the exchange's own wallet
            # behind a deposit hops away is another transfer, stated (and cited) when
            # exchanges are asked about.
            return ""
        wallet, record_id = out.sweeps[address]
        swept = "; " + _p("swept", self.lang, wallet=wallet, m=out.marker(record_id))
        if self.r.intent == "exchanges" and out.depositors.get(address) and (
                {"beneficiaries", "backward"} & self.r.signals):
            # "which beneficiary put money into which deposit address": who paid each in.
            # Each sender's sum cited by every transfer it adds up; of more, said computed.
            swept += _p("deposited_by", self.lang, senders=", ".join(
                f"{sender} {''.join(out.marker(r) for r in ids)} ({_money(total)})"
                if count <= len(ids) else
                f"{sender} ({_money(total)}, {_p('computed_sum', self.lang, n=count)})"
                for sender, total, ids, count in out.depositors[address]))
        return swept

    def _money_path(self, out: ToolOutput) -> None:
        p = out.data
        lang = self.lang
        if not p.hops:
            # Beside the shop's cited wallet: said without retyping the identifiers (they
            # are stated, cited, above), which an uncited sentence may not name.
            shop = bool(self.r.of("shop", "bot"))
            if not (shop and self._said_no_path):
                self.say(_p("no_path_shop", lang) if shop else
                         _p("no_path", lang, source=p.source, target=p.target))
            self._said_no_path = True
            return
        if self.r.intent == "beneficiaries" and p.reached is not None and p.token != "KZT":
            # Beside the ends of a shop's money: what of its treasury's money reached each.
            self.say(_p("reached", lang, source=p.source, target=p.target,
                        amount=_money(p.reached), token=p.token))
            return
        if self.r.intent == "amount_between" and len(p.hops) == 1 and p.token != "KZT":
            # A sent B directly: what that transfer carried (the trace's share of A's money
            # that reached B may be less).
            h = p.hops[0]
            self.fact(_p("direct_forward", lang, m=out.marker(h.record_id), wallet=p.target,
                         amount=_money(h.amount), token=p.token, n=1) +
                      # ("when was that?": the day it was sent.)
                      (f", {h.time:%Y-%m-%d %H:%M}" if h.time and "each_payment" in
                       self.r.signals else ""))
        # (Only where the transfer itself was said above: a tenge path's hop is not, so what
        # reached is said whatever it is.)
        sent = sum((Decimal(h.amount) for h in p.hops[:1]), Decimal(0)) \
            if len(p.hops) == 1 and p.token != "KZT" else Decimal(0)
        if self.r.intent == "amount_between" and p.reached is not None and \
                Decimal(p.reached) >= sent:
            # (A share of A's traced money below what A sent B directly is the trace's
            # apportioning of mixed money, not what A sent: the transfer says that.)
            self.say(_p("reached", lang, source=p.source, target=p.target,
                        amount=_money(p.reached), token=p.token))
        # A bank path through one account between may hold several such routes, one after
        # the other (`BankPath.routes`): each is `per_route` hops long.
        per_route = len(p.hops) // max(getattr(p, "routes", 1), 1)
        if self.r.intent == "amount_between" and p.reached is not None and \
                Decimal(p.reached) > 0:
            # How much, not the route: the (first) route in one line, led by the transfer
            # that reached the target, each wallet by the hop that brought the money to it.
            first = p.hops[:per_route]
            route = " → ".join([p.source, *(f"{h.to_address} {out.marker(h.record_id)}"
                                            .rstrip() for h in first)])
            self.fact(f"{out.marker(first[-1].record_id)} {phrases()['via'][lang]}: {route}")
            return
        intro = _p("path_intro", lang, source=p.source, target=p.target, hops=per_route)
        if {p.source, p.target} - {e.value for e in self.r.entities}:
            # Ends the question did not name (the accounts behind a card, a person): cited by
            # the hops that leave the one and reach the other.
            intro = "".join(dict.fromkeys(out.marker(h.record_id)
                                          for h in (p.hops[0], p.hops[-1]))) + " " + intro
        self.say(intro)
        for h in p.hops:
            payments = out.operations.get((h.from_address, h.to_address)) or []
            # A statement payment's accounts with their holders ("через кого": whom).
            named = {a: f"{a} ({_safe(out.holders[a])})" for a in (h.from_address, h.to_address)
                     if a in out.holders}
            self.fact(_p("hop", lang, m=out.marker(h.record_id),
                         from_address=named.get(h.from_address, h.from_address),
                         to_address=named.get(h.to_address, h.to_address),
                         amount=_money(h.amount), token=p.token,
                         time=f"{h.time:%Y-%m-%d %H:%M}" if h.time else "")
                      # A hop of several statement payments: each one, by its row.
                      + "".join(f"; {out.marker(r)} {_money(amount)} {p.token} {day}".rstrip()
                                for r, day, amount in payments))
        for route in getattr(p, "other_routes", [])[:MAX_OTHER_ROUTES_SAID]:
            # The money split on its way: the other routes too, each wallet by the hop that
            # brought the money to it ("through which wallets", "list the hops").
            self.fact(f"{phrases()['other_route'][lang]}: " + " → ".join(
                [p.source, *(f"{h.to_address} {out.marker(h.record_id)} ({_money(h.amount)} "
                             f"{p.token})" for h in route)]))
        if self.r.intent != "amount_between" and p.reached is not None and (
                Decimal(p.reached) > 0 or p.token == "KZT"):
            # (None of the source's traced money reached it, the trace stopping before, at
            # an exchange's deposit address: the hops say what passed.)
            self.say(_p("reached", lang, source=p.source, target=p.target,
                        amount=_money(p.reached), token=p.token))

    def _wants(self, section: str) -> bool:
        """Whether the question's intent asks for this part of a profile: an answer states
        (and cites) what was asked, not everything the case holds."""
        only: set[str] | None = _SECTIONS.get(self.r.intent, _UNNAMED_SECTIONS)
        if self.r.intent == "path" and not getattr(self, "_path_found", False):
            only = None  # no path between the two: what the case holds on each one named
        if section == "flows" and "treasury" in self.r.signals:
            return True  # a shop's treasury: what it collected and passed on
        if section == "seen" and "shop_details" in self.r.signals:
            return True  # "how many times did the bot give card N": each time it did
        if section in ("iban_links", "seen") and _WHICH_SHOP.search(self.question.casefold()):
            # "which shop gave out KZ…", "оның картасын қай дүкен берді": the shop that
            # handed it out, or whose handed-out detail paid into it.
            return True
        return only is None or section in only

    def _lookup_account(self, out: ToolOutput) -> None:
        res = out.data
        lang = self.lang
        if {"received_each", "with_balance"} & self.r.signals and res.matches and \
                res.matches[0].flows:
            self._profile(out, res.matches[0])
            return
        if res.error:
            self.say(_p("invalid", lang, value=_safe(res.query), reason=res.error))
            return
        if not res.matches:
            self.say(_p("not_in_case", lang, value=res.value))
            return
        first = res.matches[0]
        anchor = first.seen_in[4 if len(first.seen_in) > 4 else -1].record_id \
            if first.seen_in else (first.bank.counterparties[0].records[0]
                                   if first.bank and first.bank.counterparties else None)
        self.say(_p("lookup_intro", lang, value=_safe(res.query))
                 + (f" {out.marker(anchor)}" if anchor else ""))
        for prof in res.matches[:5]:
            self._profile(out, prof)

    def _profile(self, out: ToolOutput, prof: Any) -> None:
        lang = self.lang
        if "with_balance" in self.r.signals and prof.flows:
            # Beside where it cashed out: what it received, sent and still holds.
            f = prof.flows
            self.fact(_p("wallet_flows", lang, m="".join(
                out.marker(r) for r in f.largest_in[:1] + f.largest_out[:1]),
                received=_money(f.received), sent=_money(f.sent), token=f.token,
                balance=_money(f.balance)))
            return
        if "received_each" in self.r.signals and prof.flows:
            # Beside the case's beneficiaries: what each received in all.
            f = prof.flows
            self.fact(f"{prof.display}: " + _p("wallet_flows", lang, m="".join(
                out.marker(r) for r in f.largest_in[:1] + f.largest_out[:1]),
                received=_money(f.received), sent=_money(f.sent), token=f.token,
                balance=_money(f.balance)))
            return
        seen = prof.seen_in[:5]  # what the tool cited
        shops = sorted({_safe(s.shop_name or s.shop) for s in seen if s.shop})
        # Cited by a message of a shop that handed it out (a statement row names no shop).
        anchor = next((x.record_id for x in reversed(seen) if x.shop), seen[-1].record_id) \
            if seen else (
            prof.bank.counterparties[0].records[0] if prof.bank and prof.bank.counterparties
            else None)
        self.fact(_p("profile", lang, kind=_word("kinds", prof.kind, lang),
                     display=prof.display,
                     shops=", ".join(shops) or phrases()["none_word"][lang])
                  + (f" {out.marker(anchor)}" if anchor else ""))
        first = prof.seen_in[0].record_id if prof.seen_in else None
        holder = prof.info.get("name") or (prof.bank.holder_name if prof.bank else None)
        holder_row = out.holder_rows.get(prof.id)
        if holder and (self.r.intent not in ("message", "shop_details") or
                       self.r.intent == "shop_details" and holders_asked(self.question)):
            # (Where it was handed out is asked, not whose it is.)
            # (A card's or phone's holder by a statement's row: the account it is of too.)
            account = re.fullmatch(r"bank:(KZ[0-9A-Z]{18})/.*", holder_row or "") \
                if prof.kind in ("card", "phone") and not prof.info.get("name") else None
            self.fact(_p("holder", lang, m=out.marker(first) if prof.info.get("name")
                         else out.marker(holder_row), name=_safe(str(holder)) + (
                             f", {account.group(1)}" if account else "")))
        if prof.kind == "iban" and iban_bank_asked(self.question) and \
                (bank_name := iban_bank(prof.value)):
            # "holder name, bank?": the bank its IBAN's code names, by the row showing it.
            self.fact(_p("iban_bank", lang, m=out.marker(holder_row) or out.marker(first) or
                         out.marker(anchor), bank=_safe(bank_name)))
        if prof.kind == "card" and BANK_ASKED.search(self.question):
            # "қай банк": the issuer by the card's digits (cited by the message showing
            # them), else the bank of the one account a payment on it reached or a title
            # names, cited by that statement's row; nothing when several accounts may be its.
            bank, mark = card_bank(prof.value), out.marker(first)
            ibans = sorted({m.iban for m in prof.paid_in} | set(prof.statements))
            if not bank and len(ibans) == 1:
                bank = card_bank("", ibans)
                mark = out.marker(next((m.row_id for m in prof.paid_in
                                        if m.iban == ibans[0]), holder_row))
            if bank and mark:
                self.fact(_p("card_bank", lang, m=mark, bank=_safe(bank)))
        recipient = out.recipients.get(prof.id)
        # "The message where they asked to pay to it": the message, not whose the detail is.
        asks_message = self.r.intent == "message"
        if recipient and not asks_message and (self._wants("links") or self._wants("seen")):
            self.fact(_p("recipient", lang, m=out.marker(recipient[0]),
                         name=_safe(recipient[1])))
        if prof.bank and prof.bank.holder_iin and holder_row and self._wants("iban_links"):
            self.fact(_p("holder_iin", lang, m=out.marker(holder_row),
                         iin=prof.bank.holder_iin))
        for iban, row in prof.accounts_held[:3]:
            self.fact(_p("holds_account", lang, m=out.marker(row), iban=iban))
        if self._wants("links") and not asks_message:
            # Who holds it: one payment that links it to a statement says so.
            for match in prof.paid_in[:1 if self.r.intent == "identify" else 3]:
                self.fact(_p("paid_match", lang, m=out.marker(match.message_id),
                             r=out.marker(match.row_id), amount=_money(match.asked),
                             minutes=minutes_between(match.asked_at, match.paid_at),
                             iban=match.iban, holder=_safe(match.holder or "?")))
            if prof.statements and not _paid_in_only(prof):
                self.fact(_p("statement_named", lang, ibans=", ".join(prof.statements)))
        if self._wants("iban_links"):
            if prof.title_cards and prof.bank and prof.bank.counterparties:
                # The shop that handed the card out, by the message a payment matched.
                by = {out.labels[m.message_id]: m.message_id for m in prof.paid_for
                      if m.account.split(":", 1)[-1] in prof.title_cards
                      and m.message_id in out.labels and out.marker(m.message_id)}
                self.fact(_p("title_cards", lang,
                             m=out.marker(prof.bank.counterparties[0].records[0]),
                             cards=", ".join(prof.title_cards))
                          + "".join("; " + _p("handed_by", lang, shop=_safe(name),
                                                 m=out.marker(mid))
                                    for name, mid in list(by.items())[:2]))
            # "Whose is it", "who is X": the holder, and the shop whose handed-out card or phone
            # paid into it (what ties the holder to the trade); one such payment says it.
            whose = self.r.intent == "identify" and _WHOSE.search(self.question)
            for match in prof.paid_for[:1 if whose else 3]:
                shop = out.labels.get(match.message_id)
                self.fact(_p("paid_for", lang, m=out.marker(match.message_id),
                             shop=f" «{_safe(shop)}»" if shop else "",
                             r=out.marker(match.row_id), amount=_money(match.asked),
                             account=match.account.split(":", 1)[-1],
                             minutes=minutes_between(match.asked_at, match.paid_at)))
        if self._wants("fed_by"):
            for fed in prof.fed_by[:4]:
                self.fact(_p("fed_by", lang, m=out.marker(fed.record_id), wallet=fed.wallet,
                             shop=_safe(fed.shop)))
        if prof.flows and prof.flows.tag:
            self.fact(_p("tag", lang, m=out.marker(prof.flows.tag_record),
                         label=_safe(prof.flows.tag),
                         category=_safe(prof.flows.tag_category or "")))
        # Each text once (a post and its listing say the same).
        quoted = list({out.texts[x.record_id]: x for x in reversed(seen)
                       if x.record_id in out.texts}.values())[::-1][:2]
        shown: set[str] = set()
        if quoted and (asks_message or self.r.intent == "identify" and
                       not holder and not recipient and prof.kind in ("phone", "card")):
            # "the message with the number …", "whose number is …" that no statement
            # answers: what the messages that wrote it say.
            for x in quoted:
                self.fact(_p("hit", lang, m=out.marker(x.record_id),
                             shop=_safe(x.chat or x.shop_name or ""),
                             passage=_safe(out.texts[x.record_id])))
                shown.add(out.texts[x.record_id])
        if self._wants("seen"):
            by_shops = hand_outs(seen)
            if by_shops and _TIMES_ASKED.search(self.question):
                # "how many times did the bot give it": every time counted, the first cited.
                self.fact(_p("seen_times", lang, m="".join(
                    out.marker(x.record_id) for x in by_shops),
                    n=len(hand_outs(prof.seen_in))))
            for s in by_shops[:4]:
                where = _safe(s.shop_name or s.record_id)
                self.fact(_p("seen", lang, m=out.marker(s.record_id), when=_when(_local(s.seen_at)),
                             where=where)
                          # "the message where they asked to pay to it": what it said.
                          + (f": «{_safe(out.texts[s.record_id])}»" if asks_message
                             and out.texts.get(s.record_id, "") not in shown | {""} else ""))
            if not any(x.shop for x in seen):
                # Not a shop's: where it was written is what the case knows of it.
                for s in [x for x in seen if x.chat][:3]:
                    self.fact(_p("seen_chat", lang, m=out.marker(s.record_id),
                                 when=_when(_local(s.seen_at)), chat=_safe(s.chat)))
        if prof.bank and (self._wants("bank") or
                          (prof.kind == "iban" and self._wants("iban_bank"))):
            self._bank(out, prof.bank, prof.id)
        if prof.flows and self._wants("flows") and self.r.intent == "statement" and \
                prof.kind in _WALLETS:
            self._wallet_statement(out, prof.flows)
        elif prof.flows and self._wants("flows"):
            f = prof.flows
            self.fact(_p("wallet_flows", lang, m="".join(
                out.marker(r) for r in f.largest_in[:1] + f.largest_out[:1]),
                         received=_money(f.received), sent=_money(f.sent), token=f.token,
                         balance=_money(f.balance)))
            if self.r.intent == "compare" or (self.r.intent == "identify" and
                                               prof.kind in _WALLETS):
                # Two wallets side by side, or what a wallet is: whom it got its money from
                # and sent it to.
                for key, rows, end in (("largest_in", f.largest_in, 0),
                                       ("largest_out", f.largest_out, 1)):
                    party = out.parties.get(rows[0]) if rows else None
                    if party and party[end]:
                        self.fact(_p(key, lang, m=out.marker(rows[0]), wallet=party[end],
                                     amount=_money(party[2]), token=f.token))
        if prof.trace and self._wants("trace") and (prof.kind in _WALLETS or not prof.bank):
            # An account's own money is in its statement; its shops' traced money is not its.
            for address, reason, amount, record_id in prof.trace.endpoints[:4]:
                own = prof.kind in _WALLETS  # a wallet's own money, else its shops'
                self.fact(_p("traced_on_wallet" if own else "traced_on", lang,
                             m=out.marker(record_id), address=address,
                             reason=_word("reasons", reason, lang), amount=_money(amount),
                             token=prof.trace.token))

    def _wallet_statement(self, out: ToolOutput, f: Any) -> None:
        """A wallet's statement: its totals with their counts, whom it paid (each one) and
        who paid it most."""
        lang = self.lang
        self.fact(_p("wallet_statement", lang, m="".join(
            out.marker(r) for r in f.largest_in[:1] + f.largest_out[:1]),
            received=_money(f.received), sent=_money(f.sent), token=f.token,
            balance=_money(f.balance), n_in=_counted(f.transfers_in, "incoming", lang),
            n_out=_counted(f.transfers_out, "transfer", lang)))
        for key, parties in (("wallet_sent_to", f.recipients), ("wallet_got_from", f.senders[:3])):
            for party in parties:
                self.fact(_p(key, lang, m=out.marker(party.record_id), wallet=party.address,
                             amount=_money(party.amount), token=f.token,
                             n=_counted(party.transfers, "transfer", lang)))

    def _bank(self, out: ToolOutput, b: Any, statement: str = "") -> None:
        lang = self.lang
        ends = out.period_rows.get(statement)
        if ends and period_asked(self.question):
            # "за какой период выписка": its first and last rows, each by its day.
            self.fact(_p("statement_period", lang,
                         m="".join(dict.fromkeys(out.marker(e[0]) for e in ends)),
                         first=day_written(ends[0][1]), last=day_written(ends[1][1])))
        days = days_asked(self.question)
        # "выписка за 27.02", "activity 15-20 Sept": each payment of those days, by its row.
        when = bool(_WHEN.search(self.question) or days or _day_named(self.question)) or \
            "list_payments" in self.r.signals
        parties = b.counterparties
        amounts = _amounts_asked(self.question, self.r)
        paid = [c for c in parties if amounts & {
            Decimal(c.sent_to), Decimal(c.received_from),
            *(Decimal(a) for _, _, a in out.operations.get((statement, c.account)) or [])}]
        # (Not accounts side by side: each one's own statement, whoever else is named.)
        named = [] if paid or self.r.intent in ("compare", "overview", "shops") else \
            self._parties_named(b)
        if paid or named:
            # "кому ушли 60 000 со счёта …": the party of that payment, not the statement;
            # "Ивановтың шотына Абдрахманов С. қанша аударды": the party named, each of its
            # accounts, and what they came to together.
            parties = paid or named
            if len(named) > 1:
                for incoming in (True, False):
                    total = sum((Decimal(c.received_from if incoming else c.sent_to)
                                 for c in named), Decimal(0))
                    if total > 0:
                        self.fact(_p("party_total_in" if incoming else "party_total_out", lang,
                                     m="".join(out.marker(c.records[0]) for c in named),
                                     name=_safe(named[0].name or ""), amount=_money(str(total)),
                                     accounts=", ".join(c.account for c in named)))
        else:
            first = b.counterparties[0].records[0] if b.counterparties else None
            month = next((s[6:] for s in self.r.signals if s.startswith("month:")), None)
            if month and not b.period:
                self.say(_p("no_month_rows", lang, month=_period(month, lang)))
            # One month's totals say which month ("[3] 2025-01: по выписке …").
            mark = f"{out.marker(first)} {_period(b.period, lang)}:" if b.period \
                else out.marker(first)
            self.fact(_p("bank_totals", lang, m=mark, total_in=_money(b.total_in),
                         total_out=_money(b.total_out),
                         operations=_counted(b.operations, "operation", lang),
                         payers=_counted(b.distinct_payers, "payer", lang),
                         incoming=_counted(b.incoming, "incoming", lang),
                         outgoing=_counted(b.outgoing, "outgoing", lang),
                         net=_money(str(Decimal(b.total_in) - Decimal(b.total_out)))))
        # Both directions, the asked one first: "who paid" and "where it went" share a lookup;
        # a question of one direction gets that one.
        incoming_first = self.r.intent == "backward"
        directions = {"forward": (False,), "backward": (True,)}.get(
            self.r.intent, (incoming_first, not incoming_first))
        if self.r.unclear:
            # Neither direction read surely and one lookup answers both: both, the likelier
            # first.
            directions = (incoming_first, not incoming_first)
        if len(directions) == 1 and not any(
                Decimal(c.received_from if directions[0] else c.sent_to) > 0 for c in parties):
            # Nothing that way (a payer asked "who paid him"): what the statement has instead.
            directions = (directions[0], not directions[0])
        day = _day_named(self.question) if when and not days else None
        shown = 8
        if days:
            # "15-20 Sept", "с 15 по 20 сентября": the parties of those days' rows.
            in_it = [c for c in parties if any(
                in_days(d, days) for _, d, _ in out.operations.get((statement, c.account)) or [])]
            if in_it:
                parties, shown = in_it, min(len(in_it), MAX_DAY_PARTIES)
        if _bound_side(self.question) and _day_named(self.question):
            # "после 15 сентября", "before 3 March": the parties paid that side of the day,
            # each payment listed (its totals are of the whole statement).
            bounded = [c for c in parties if any(
                _on_bound_side(self.question, d)
                for _, d, _ in out.operations.get((statement, c.account)) or [])]
            if bounded:
                parties, when = bounded, True
        if day and not _bound_side(self.question):
            # "какие операции были 27 февраля": the parties of that day's rows, however many
            # (a day with none: the statement's largest, as for any other question).
            on_day = [c for c in parties if any(
                d[5:10] == f"{day[0]:02d}-{day[1]:02d}"
                for _, d, _ in out.operations.get((statement, c.account)) or [])]
            if on_day:
                parties, shown = on_day, min(len(on_day), MAX_DAY_PARTIES)
        for incoming in directions:
            for c in parties[:shown]:
                name = f"{_safe(c.name)} " if c.name else ""
                amount = c.received_from if incoming else c.sent_to
                if Decimal(amount) > 0:
                    self.fact(_p("received_from" if incoming else "sent_to", lang,
                                 m=out.marker(c.records[0]), name=name, account=c.account,
                                 amount=_money(amount),
                                 operations=_counted(c.operations, "operation", lang)))
                    if when:
                        self._days(out, statement, c.account, incoming=incoming)

    def _parties_named(self, b: Any) -> list[Any]:
        """The statement's counterparties the question names (by the person's name as the
        case writes it, else by its surname in any case ending), not its holder's."""
        if not self.r.of("person"):
            return []
        # (Not the holder of a statement of this turn: two statements side by side, or what
        # passed between them, `_payments_between`.)
        holders = [fold(str(p.bank.holder_name or "")).split()[:1]
                   for o in self._outputs if o.tool == LOOKUP_ACCOUNT and o.data
                   for p in o.data.matches[:1] if p.bank]
        holders.append(fold(str(b.holder_name or "")).split()[:1])
        asked = [fold(e.label or e.value).split() for e in self.r.of("person")]
        asked = [w for w in asked if w and not any(h and same_word(w[0], h[0])
                                                   for h in holders)]
        if not asked:
            return []
        exact = [c for c in b.counterparties if c.name and fold(c.name).split() in asked]
        return exact or [c for c in b.counterparties if c.name and fold(c.name).split() and any(
            same_word(fold(c.name).split()[0], w[0]) for w in asked)]

    def _find_person(self, out: ToolOutput) -> None:
        lang = self.lang
        if not out.data:
            names = [e.label for e in self.r.of("person")] or [self.question]
            self.say(_p("no_person", lang, name=_safe(names[0])))
            return
        none = phrases()["none_word"][lang]
        # A party the statement looked up beside names (its counterparty, not its holder):
        # that statement says what passed and on which of its accounts (`_bank`).
        shown = {c.account for o in self._outputs if o.tool == LOOKUP_ACCOUNT and o.data
                 for prof in o.data.matches[:1] if prof.bank
                 for c in self._parties_named(prof.bank)}
        people = [p for p in _asked_people(self.r, out.data)[:5]
                  if p.own_accounts or not shown & set(p.accounts)]
        if people:
            self.say(_p("person_intro", lang))
        for p in people:
            if p.abbreviated and len(p.accounts) > 1 and not p.own_accounts:
                self._many_written(out, p)
                continue
            cited = next((r for r in p.records if r in out.markers), None)
            self.fact(_p("person", lang, m=out.marker(cited),
                         name=_safe(p.name), accounts=", ".join(p.accounts) or none,
                         iins=", ".join(p.iins) or none, paid=_money(p.paid),
                         received=_money(p.received)))

    def _many_written(self, out: ToolOutput, p: Any) -> None:
        """A surname with initials the statements write for several accounts: how many, how
        many people their ИИН tell apart, each account cited; which one is meant."""
        lang = self.lang
        holders = p.holders()
        known = [iin for iin, _ in holders if iin]
        m = "".join(out.marker(p.row_of[a]) for _, accounts in holders for a in accounts[:1])
        self.say(_p("person_shared", lang, m=m, name=_safe(p.name), n=len(p.accounts),
                    k=len(known)) if known else
                 _p("person_shared_no_iin", lang, m=m, name=_safe(p.name), n=len(p.accounts)))
        for iin, accounts in holders:
            self.fact(_p("person_group" if iin else "person_group_no_iin", lang,
                         m=out.marker(p.row_of[accounts[0]]), iin=iin,
                         accounts=", ".join(accounts)))
        self.say(_p("which_person", lang))

    def _search_listings(self, out: ToolOutput) -> None:
        res = out.data
        if res is None or not res.hits:
            self.say(_p("nothing_found", self.lang, query=_echo(self.question)))
            return
        news_asked = "purpose:news" in res.facets
        self._labels = out.labels
        hits = self._asked_hits(res.hits, out.texts, news_asked)[:6]
        if self.r.intent == "message" and hits:
            # The messages saying the same as the one found, and the answer to it, asked too.
            hits += [h for h in res.hits if {"alike", "reply"} & set(h.facets) and h not in hits]
            digits = [t for t in (_compact(q) for q in QUOTED.findall(self.question))
                      if t.isdigit()]
            holding = [h for h in hits if digits and any(
                t in _compact(out.texts.get(h.record_id) or h.passage) for t in digits)]
            if holding:
                # "the message saying 'changes daily' with the card 4405…": those holding
                # the digits written, not every message saying the same.
                hits = holding
            if MENTIONS_ASKED.search(self.question):
                # "where is X mentioned": what each chat says of it, once.
                hits = list({(h.record_id.rpartition("/")[0], _template(h.passage)): h
                             for h in reversed(hits)}.values())[::-1]
        priced, _ = self._naming([h for h in res.hits if "priced" in h.classes and
                                  "details" not in h.classes and not _news(h)])
        if priced and self.r.intent != "message" and (
                _PRICE.search(self.question) or _GOODS.search(self.question) or
                _SELLING.search(self.question) and self.r.of("shop", "bot")):
            # What it costs: every offer naming prices (of the drug and city asked), not the
            # invoices handing out a card; those naming the goods as the question does, when
            # some do ("Gorilla Glue - who sells it").
            texts = {h.record_id: (out.texts.get(h.record_id) or h.passage).casefold()
                     for h in priced}
            rest = self.question  # (the shop named is no goods)
            for e in sorted(self.r.entities, key=lambda e: e.start, reverse=True):
                rest = rest[:e.start] + " " + rest[e.end:]
            # (A drug's or a city's word is no goods' name: the search read it in any form
            # or slang, "шоколад" for hashish, and `_naming` kept the offers of it.)
            words = {w for w in re.findall(r"[^\W\d_]{4,}", rest.casefold())
                     if any(w in t for t in texts.values()) and not (
                         analyse(w).of("drugs") or analyse(w).of("cities"))}
            telling = {w for w in words if not all(w in t for t in texts.values())}
            hits = ([h for h in priced if any(w in texts[h.record_id] for w in telling)]
                    or priced)[:6]
        roles = set(out.roles)
        # (A role named, every post of it among the hits; else those ranked near the best.)
        # (Recruiting asked for, every recruiting post the search found, not only those
        # ranked near the best: "вакансии в каналах магазинов".)
        pool, _ = self._naming([h for h in res.hits if not _news(h)]) \
            if roles or "purpose:recruit" in res.facets and self.r.intent == "search" \
            and not self.r.of("shop", "bot") else (hits, True)
        recruiting = [h for h in pool if "purpose:recruit" in res.facets and "recruit" in
                      h.classes and (not roles or roles & set(h.classes))]
        if recruiting:
            # "набор курьеров": every post recruiting (for that role, when it names one) of
            # the city asked, by a seller (a shop, a channel) when one wrote one; one recruiting
            # for another role (droppers), an offer or a chat member's talk of it is not what
            # is asked for.
            hits = [h for h in recruiting if h.role == "seller"] or recruiting
            shops = [(e.label or e.value).casefold() for e in self.r.of("shop", "bot")]
            if shops:
                # "сколько X платит курьерам": X's own recruiting posts (its name on them),
                # and those naming a handle its own posts name ("Работа: @x_rabota"), when
                # some are.
                label = {h.record_id: out.labels.get(h.record_id, "").casefold() for h in hits}
                own = [h for h in hits if any(x in label[h.record_id] for x in shops)]
                handles = {m for h in own for m in _HANDLE_NAMED.findall(label[h.record_id])}
                hits = [h for h in hits if h in own or any(
                    m in label[h.record_id] for m in handles)] or hits
            sums = _sums_named(self.question)
            # "вакансии курьеров 300к в неделю": the posts offering that pay, when some do.
            hits = ([h for h in hits if sums & set(tenge_amounts(
                out.texts.get(h.record_id) or h.passage))] or hits)[:6]
            if _SALARY.search(self.question):
                # "вакансии с зарплатой": the posts naming the pay, when some do.
                hits = [h for h in hits if tenge_amounts(
                    out.texts.get(h.record_id) or h.passage)] or hits
        else:
            if "purpose:sale" in res.facets and any("sale" in h.classes and "details" not in
                                                    h.classes for h in hits):
                # Asked who sells: the offers (and police news beside them); a post recruiting
                # couriers or an invoice handing out a card is not one.
                hits = [h for h in hits if "sale" in h.classes and "details" not in h.classes
                        or _news(h)]
        sums = _sums_named(self.question) if self.r.intent == "search" else set()
        holding = [h for h in res.hits if sums & set(tenge_amounts(
            out.texts.get(h.record_id) or h.passage))]
        grams = quantities(self.question) if self.r.intent == "search" else set()
        holding = holding or [h for h in res.hits if naming_quantities(
            out.texts.get(h.record_id) or h.passage, grams)]
        # (An offer of that size before police news naming it, unless news is asked.)
        holding = [h for h in holding if news_asked or not _news(h)] or holding
        if holding:
            # "где предлагали 300 000 ₸ в неделю", "wholesale 50 g": the texts naming that
            # sum or quantity, whatever the search read the question as (an offer of goods,
            # of work).
            hits = holding[:6]
        written = [lang for lang, rx in _LANGUAGE_NAMED.items() if rx.search(self.question)]
        if len(written) == 1:
            # "қазақша жазылған жарнамалар": the texts written in that language, when some
            # are (of all the search found, not only those ranked near the best).
            sale = "purpose:sale" in res.facets or \
                "purposes:sale" in analyse(self.question).concepts
            hits = [h for h in res.hits if not _news(h) and (
                not sale or "sale" in h.classes or h.drugs)
                    and language(out.texts.get(h.record_id) or h.passage) == written[0]][:6] \
                or hits
        topics = {f for f in res.facets if f.startswith("topic:")}
        if topics and not recruiting:
            # "объявления о продаже телефонов": the texts of the topic asked, when some are
            # (not every ad of the board the search ranked beside them).
            # (A message found as the one asked for is of it, whatever the search read.)
            hits = [h for h in hits if topics & set(h.facets) or "asked" in h.facets] or hits
        # Police news names the city and drug asked, no offer does: the answer says so, and
        # shows the news as news.
        if stems := district_names(self.question):
            # "Нұрсат ауданындағы кладтар": the texts naming that district, when some do.
            hits = [h for h in res.hits if names_place(
                out.texts.get(h.record_id) or h.passage, stems)][:6] or hits
        if instructions_asked(self.question):
            # "posts trying to instruct an AI assistant": the texts speaking to one, each once.
            hits = list({h.record_id: h for h in res.hits if instructs_an_ai(
                out.texts.get(h.record_id) or h.passage)}.values())[:6] or hits
        if NEWS_SET_ASIDE.search(self.question):
            # "mephedrone offers in the channels (not news)": the offers alone.
            hits = [h for h in hits if not _news(h)] or hits
        only_news = not news_asked and bool(hits) and all(_news(h) for h in hits)
        named_shop = next((x.partition(":")[2] for x in self.r.signals
                           if x.startswith("named_shop:")), "")
        if named_shop:
            # A shop the case's shops are not, asked about: every text naming it (its ads,
            # the chats' talk of it), with the cities each names.
            stem = fold(named_shop)[:5]
            hits = [h for h in res.hits if stem in fold(
                f"{out.labels.get(h.record_id, '')} {out.texts.get(h.record_id) or h.passage}"
            )][:6] or ([] if DRUGS_ASKED.search(self.question) else hits)
        if self.r.intent == "search" and (self.r.drugs or DRUGS_ASKED.search(self.question)) \
                and not news_asked and not recruiting and not any(drug_related(h) for h in hits):
            # "Тараздағы есірткі жарнамалары бар ма?", "are the flea market's posts about
            # drugs?", "is X one of the drug shops?" where nothing found is of drugs: no; the
            # posts of the board or shop asked about shown as what they are.
            self.say(_p("search_not_drugs", self.lang, query=_echo(self.question)))
            if not (topics or named_shop):
                if hits:
                    # Whose the texts found are, cited (what they say is not what was asked).
                    self.fact(_p("search_not_drugs_found", self.lang, m="".join(
                        out.marker(h.record_id) for h in hits[:4]), chats=", ".join(
                        dict.fromkeys(_safe(out.labels.get(h.record_id) or h.shop or "")
                                      for h in hits[:4]))))
                return
            hits = hits[:4]
        else:
            self.say(_p("search_no_offers" if only_news else "search_intro", self.lang,
                        query=_echo(self.question)))
        handles = {m.casefold() for m in _HANDLE_NAMED.findall(self.question)} \
            if not self.r.entities else set()
        if handles:
            # "кто такой @sq_rabota_kz": the texts naming the handle, none when none does.
            hits = [h for h in res.hits if any(
                x in f"{out.labels.get(h.record_id, '')} {h.passage}".casefold()
                for x in handles)][:6]
            if not hits:
                self.lines = [_p("nothing_found", self.lang, query=_echo(self.question))]
                return
        # "в каких городах реклама X", "which cities": the texts naming cities (when some do),
        # with the cities each names, when its line shown may not.
        places = _CITIES_ASKED.search(self.question) is not None
        places = places or bool(named_shop)
        if places:
            hits = [h for h in hits if h.cities] or hits
        shown = {h.record_id for h in hits}
        for h in hits:
            # (Texts speaking to an AI asked for: each shown up to its instruction, which is
            # data, said to be there, not repeated as if the answer stated it; elsewhere a
            # text is quoted whole, as data.)
            passage = out.texts.get(h.record_id) or h.passage
            if instructions_asked(self.question):
                passage = without_instruction(passage, _p("instruction_left_out", self.lang))
            named = [c for c in h.cities if fold(c)[:5] not in fold(passage)] if places else []
            if self.r.intent == "message":
                # The payment details the message gives, written as the case writes them
                # ("87479371648" is +77479371648), to look up or ask about next.
                named += [d.value for d in extract_payment_details(passage)
                          if d.kind != "bot" and _compact(d.value) not in _compact(passage)]
            self.fact(_p("news_hit" if _news(h) and not news_asked else "hit", self.lang,
                         # The shop's bot its line states, by another post shown that names it.
                         m=out.marker(h.record_id) + "".join(
                             out.marker(p) for p in out.handle_posts.get(h.record_id, [])
                             if p in shown),
                         shop=_safe(out.labels.get(h.record_id) or h.shop or ""),
                         passage=_safe(passage))
                      + (f" ({', '.join(named)})" if named else ""))
        for tx, (record_id, sender, recipient, amount, token) in out.hashed.items():
            # "the message with tx hash …": the transfer the hash names, beside the message.
            self.fact(_p("hashed_transfer", self.lang, m=out.marker(record_id), tx=tx,
                         amount=_money(amount), token=_safe(token), sender=sender,
                         recipient=recipient))

    def _naming(self, hits: list[Any]) -> tuple[list[Any], bool]:
        """The hits of the city and drug the question names (when some are), and whether they
        name every one it names."""
        complete = True
        for wanted, of in ((set(self.r.cities), "cities"), (set(self.r.drugs), "drugs")):
            if wanted and any(wanted & set(getattr(h, of)) for h in hits):
                hits = [h for h in hits if wanted & set(getattr(h, of))]
            elif wanted:
                complete = False
        return hits, complete

    def _asked_hits(self, hits: list[Any], texts: dict[str, str] | None = None,
                    news_asked: bool = False) -> list[Any]:
        """The hits that are what the question asks for: those of the city and drug it names
        (when some are), offers before police news, and the news alone when only news names
        them (unless the question is about the police: then the search's order); for one
        message, the one holding what the question quotes (an order number, an amount, a code)
        or the kind of payment detail it speaks of, else the best."""
        if self.r.intent != "message":
            offers, complete = self._naming([h for h in hits if news_asked or not _news(h)])
            news, news_complete = self._naming([h for h in hits if not news_asked and _news(h)])
            asked = bool(self.r.cities or self.r.drugs)
            if news and (not offers or asked and news_complete and not complete):
                # No offer (of the city and drug asked): the news, which the answer says is
                # news.
                return news
            # Hits far below the best match what the question asks less well than it does.
            best = max((h.score for h in offers), default=0.0)
            # ("все каналы", "every channel", "барлық арналар": all it found, not those
            # ranked near the best.)
            keep = SEARCH_KEEP_ALL if _EVERY.search(self.question.casefold()) else SEARCH_KEEP
            shown = [h for h in offers if h.score >= keep * best]
            sums = _whole_sums(self.question) if PAY_PERIOD_SUM.search(self.question) else []
            paying = [h for h in offers if any(re.search(
                rf"(?<!\d){t}(?!\d)", _compact((texts or {}).get(h.record_id) or h.passage))
                for t in sums)]
            if paying:
                # "ads promising 50 000 a week": the posts offering that pay, not every
                # message naming a card or a sum.
                shown = paying
            return shown + (news if asked and news_complete and complete else [])
        if "chats_asked" in self.r.signals and not any("alike" in h.facets for h in hits):
            # "в каких чатах обсуждали смену карты гринча": the best message of each chat
            # that speaks of what it names (the shop, in any case ending, or its own chat).
            return self._of_each_chat(hits, texts or {})
        meant = [h for h in hits if "asked" in h.facets]
        if _PRICE.search(self.question):
            # "the message with the price list": those naming prices, not the shop's posts
            # found beside them (its recruiting, its discounts).
            priced = [h for h in hits if "priced" in h.classes]
            meant = [h for h in meant if "priced" in h.classes] or ([] if priced else meant)
            hits = priced or hits
        # (Several asked and the search found those saying the same: they are the several.)
        several = _SEVERAL_ASKED.search(self.question) is not None and not any(
            "alike" in h.facets for h in hits) or MENTIONS_ASKED.search(self.question) is not None
        literals = [_compact(t) for t in QUOTED.findall(self.question)]
        # "which message asked for 130.69 USDT": the one writing that sum (not "the coordinates
        # after order X": the message after the one quoting it).
        sums = [t for t in literals if re.fullmatch(r"\d+[.,]\d+", t)] + _whole_sums(
            self.question)
        writing = [h for h in hits if sums and any(
            re.search(rf"(?<!\d){re.escape(t)}(?!\d)",
                      _compact((texts or {}).get(h.record_id) or h.passage)) for t in sums)]
        if writing and not several:
            return writing[:1]
        quoting = [h for h in hits if literals and any(
            t in _compact(h.passage) for t in literals)]
        if meant:
            # The search found the message holding what the question asks for, by whom and
            # where it names (`_asked_messages`); all of them when several are asked ("the
            # stash locations X gave").
            if not several:
                return meant[:1]
            # (And the other messages of the topic the one found is of: "ненаход … what
            # happened", the shop's re-stash beside the complaint.)
            of_topic = {f for f in meant[0].facets if f.startswith("topic:")}
            ids = {h.record_id for h in meant}
            return (meant + [h for h in hits if of_topic & set(h.facets) and
                             h.record_id not in ids])[:6]
        topics = {f for f in hits[0].facets if f.startswith("topic:")} if hits else set()
        if several and topics:
            # "was there a 'ненаход' complaint? what happened": every message of it (the
            # complaint, the shop's answer, the talk of it).
            return [h for h in hits if topics & set(h.facets)][:6]
        hits, _ = self._naming(hits)

        def out_text(h: Any) -> str:
            return (texts or {}).get(h.record_id) or str(h.passage)

        q = self.question.casefold()
        kinds = {k for kind, words in _KIND_WORDS.items() if any(w in q for w in words)
                 for k in _KIND_OF_DETAIL[kind]}
        holding = [h for h in hits if kinds and any(d.kind in kinds for d in
                                                    extract_payment_details(h.passage))]
        if _TX_HASH.search(self.question):
            # "the message where the buyer sent the transaction hash"
            holding = [h for h in hits if HEX64.search(out_text(h))] or holding
        return (quoting or holding or hits)[:1]

    def _of_each_chat(self, hits: list[Any], texts: dict[str, str]) -> list[Any]:
        """The best hit of each chat, near the best of all, that names the shop the question
        names (its words in any ending) or is of that shop's own chats; at most five."""
        shops = self.r.of("shop", "bot")
        said = [w for e in shops for w in re.findall(r"\w{4,}", fold(self.question[e.start:e.end]))]
        best = max((h.score for h in hits), default=0.0)
        chats: dict[str, Any] = {}
        for h in hits:
            chat = h.record_id.rpartition("/")[0]
            text = fold(texts.get(h.record_id) or h.passage)
            own = any(e.label and e.label in self._labels.get(h.record_id, "") or
                      e.value == h.shop for e in shops)
            if chat in chats or h.score < CHATS_KEEP * best or shops and not own and not any(
                    same_word(w, x) for w in re.findall(r"\w{4,}", text) for x in said):
                continue
            chats[chat] = h
        return list(chats.values())[:5] or hits[:1]

    def _handed_by_all(self) -> list[Any]:
        """Every hand-out of every shop this answer's tools looked up."""
        return [h for o in self._outputs if o.tool == SHOP_DETAILS for d in o.data or []
                for h in d.handed_out]

    def _shop_details(self, out: ToolOutput) -> None:
        lang = self.lang
        found = [d for d in out.data or [] if d.handed_out]
        if not found and self._shops_answered:
            return  # another chat of the same shop handed things out
        if found:
            self._shops_answered = True
        if not found:
            kind = _detail_kind(self.question)
            if out.data and kind:
                # The shop is in the case; it handed out nothing of the kind asked.
                self.say(_p("no_kind_handed", lang, shop=_safe(out.data[0].name),
                            kind=_word("kinds", "tron" if kind == "wallet" else kind, lang)))
                return
            shop = next((e.label or e.value for e in self.r.of("shop", "bot")), self.question)
            self.say(_p("no_shop", lang, shop=_safe(shop)))
            return
        whose = bool(out.bot_posts) and (self.r.intent == "identify" or bool(
            _BOT_WORDS.search(self.question)) and not kinds_named(self.question) and
            "shop_details" not in self.r.signals and not _HANDED.search(self.question))
        # ("what did bot @x hand out": its details)
        bank = _bank_named(self.question)
        across = not self.r.of("shop", "bot")
        for d in found:
            if bank and self._bank_shops and d.name not in self._bank_shops:
                continue  # "which shop gave the Halyk card": the shops that did
            if across and not d.bots and all(h.kind == "phone" for h in d.handed_out):
                # "the phones the shops gave": a chat of no bot whose posts give phones only
                # is a board of ads (its phones are sellers' contacts), not a shop.
                continue
            if whose:
                # Whose the bot is: the shop, the post naming the bot, the chat's title.
                for handle, (post, chat) in out.bot_posts.items():
                    self.say(_p("bot_of_shop", lang, bot=handle, shop=_safe(d.name)))
                    self.fact(_p("bot_post", lang, m=out.marker(post), bot=handle,
                                 chat=_safe(chat)))
            else:
                self.say(_p("shop_intro", lang, shop=_safe(d.name)))
            money = self.r.intent in (*_TRACE_INTENTS, "beneficiaries")
            handed = d.handed_out[:12]
            excluded = _excluded_kind(self.question)
            if excluded:
                # "какие реквизиты кроме карт": the other kinds only; "an IBAN instead of a
                # card": the kind named beside the one left out.
                handed = [h for h in d.handed_out if h.kind not in _KIND_OF_DETAIL[excluded]][:12]
                instead = {k for kind in kinds_named(self.question) if kind != excluded
                           for k in _KIND_OF_DETAIL[kind]}
                handed = [h for h in handed if h.kind in instead] or handed
            else:
                # "which card and phone did it give": the kinds it names, when it names some.
                kinds = kinds_named(self.question)
                named = {k for kind in kinds for k in _KIND_OF_DETAIL[kind]}
                for kind in kinds if named and not across else ():
                    if not any(h.kind in _KIND_OF_DETAIL[kind] for h in d.handed_out):
                        # "did X give out any phones or IBANs?": none of a kind, said; then
                        # what it did hand out.
                        self.say(_p("no_kind_handed", lang, shop=_safe(d.name), kind=_word(
                            "kinds", "tron" if kind == "wallet" else kind, lang)))
                handed = [h for h in handed if h.kind in named] or handed
            named = {_compact(e.value) for e in self.r.of(*_ACCOUNTS, *_WALLETS)}
            if named and self.r.intent in ("message", "shop_details", "identify"):
                # "the message where X gave card N": what it handed out of N, not all else;
                # "who is Ерлан Ж. in X's bot": what it gave under that name.
                handed = [h for h in handed if _compact(h.display) in named] or handed
            if not money and not whose:
                # "реквизиты для опта": the hand-outs whose message is for that kind of order.
                handed = said_of(self.question, handed,
                                 lambda h: out.texts.get(h.record_id, ""))
            endings = endings_named(self.question)
            if endings:
                # "the card ending 7835": that card's hand-outs, not every detail it gave.
                handed = [h for h in handed if h.kind in ("card", "phone") and
                          ends_with_named(h.display, endings)] or handed
            others = {v for s in self.r.signals if s.startswith("other_than:")
                      for v in [s.split(":", 1)[1]]}
            if others:
                # "what other cards did this shop give": not the one asked about before.
                handed = [h for h in handed if _compact(h.display) not in others]
            day = _day_named(self.question)
            side = _bound_side(self.question) if day else None
            month = None if day else _month_named(self.question)
            if day and side:
                # "after 1 October", "до 10 сентября": what was handed out on that side.
                after = side == "after"
                kept = [h for h in handed if h.seen_at and (
                    (_month_day(h.seen_at) >= day) if after else (_month_day(h.seen_at) <= day))]
                # A bound the conversation set ("а после неё?"): nothing that side is the
                # answer, not everything.
                handed = kept if "strict_bound" in self.r.signals else kept or handed
            elif day and any(h.seen_at and _month_day(h.seen_at) == day for h in handed):
                # "какую карту он дал 17 октября": what was handed out that day (the day of
                # the chat export, Kazakhstan time).
                handed = [h for h in handed if h.seen_at and _month_day(h.seen_at) == day]
            elif day and across and any(h.seen_at and _month_day(h.seen_at) == day
                                        for h in self._handed_by_all()):
                # "какие реквизиты дал бот 14.01", no shop named: the shops that handed
                # something out that day, not everything of the others.
                handed = []
            elif month and (month_side := _month_side(self.question)):
                # "before February", "ақпаннан кейін", "с марта": that side of the month.
                kept = [h for h in handed if h.seen_at and _beside_month(h.seen_at, month,
                                                                       month_side)]
                if not kept:
                    self.say(_p("handed_none_then", lang))
                handed = kept or handed
            elif month:
                # "реквизиты за январь 2025", "ақпанында": what was handed out that month;
                # none that month is said, and what it handed out at other times shown.
                kept = [h for h in handed if h.seen_at and _in_month(h.seen_at, month)]
                if across and not kept and any(
                        h.seen_at and _in_month(h.seen_at, month)
                        for h in self._handed_by_all()):
                    handed = []  # another shop handed out that month; not this one
                else:
                    if not kept:
                        self.say(_p("handed_none_period", lang, period=_period(month, lang)))
                    handed = kept or handed
            if across and not handed:
                if self.lines and self.lines[-1] == _p("shop_intro", lang, shop=_safe(d.name)):
                    self.lines.pop()
                continue
            if bank:
                # "Халык карту давала?": the details of that bank (by BIN or IBAN code); a
                # phone the question names ("IBAN or phone for Kaspi transfers") has no bank
                # of its own to tell by.
                phones = "phone" in kinds_named(self.question)
                handed = [h for h in handed if bank in _detail_bank(out, h) or
                          phones and h.kind == "phone"] or handed
            country = issue_country_asked(self.question) if "card" in kinds_named(
                self.question) else None
            if country:
                # "российские (не казахстанские) карты": the cards of a foreign range or bank
                # named, or those of a Kazakh bank (by BIN, or the bank its message names); a
                # card of no known bank is neither; a shop with none is not shown.
                handed = [h for h in handed if h.kind in _KIND_OF_DETAIL["card"] and (
                    bool(_detail_bank(out, h)) if country == "kz" else
                    not _detail_bank(out, h) and foreign_card(
                        h.display, out.texts.get(h.record_id, "")))]
                if not handed:
                    if self.lines and self.lines[-1] == _p("shop_intro", lang,
                                                           shop=_safe(d.name)):
                        self.lines.pop()
                    continue
            if d.chat and d.chat != d.name and handed and not money and not (
                    whose and d.shop not in out.chat_posts and
                    not _CHAT_WORDS.search(self.question)):
                # The chat's title, by its message naming the bot asked about, else by a
                # message of it this answer cites anyway.
                self.fact(_p("shop_chat", lang, m=out.marker(
                    out.chat_posts.get(d.shop) if whose and d.shop in out.chat_posts
                    else handed[0].record_id), chat=_safe(d.chat)))
            if whose:
                continue  # whose the bot is, not everything it handed out
            if money or "treasury" in self.r.signals:
                # Where the shop's money went, or its treasury: each wallet once, by the
                # message that handed it out first (what ties it and its treasury to the
                # shop); not the chat's title or each time it was handed out.
                handed = list({h.display: h for h in reversed(handed)}.values())[::-1]
            if "treasury" in self.r.signals or money and self.r.intent != "backward":
                # Where the shop's money collects, and the transfer that shows it (a money
                # question is traced from there: `follow_up_calls`).
                for wallet, (collector, record_id) in out.collectors.items():
                    if any(h.display == wallet for h in d.handed_out):
                        sweeps = out.operations.get((wallet, collector)) or [] \
                            if self.r.intent == "forward" else []
                        # Where the shop's money went asked: each transfer that left its
                        # wallet for the treasury (the trace goes on from there).
                        self.fact(_p("treasury", lang, m=out.marker(record_id), wallet=wallet,
                                     treasury=collector) + "".join(
                            f"; {out.marker(r)} {_money(amount)} {day}".rstrip()
                            for r, day, amount in sweeps))
            if not handed and "strict_bound" in self.r.signals:
                # The detail that set the bound, by its message; then that nothing else was.
                for h in [h for h in d.handed_out if _compact(h.display) in others][-1:]:
                    self.fact(_p("handed", lang, m=out.marker(h.record_id),
                                 kind=_word("kinds", h.kind, lang), display=h.display,
                                 when=_when(_local(h.seen_at))))
                self.say(_p("handed_none_then", lang))
            for h in handed:
                asked = out.asked.get(h.record_id)
                receiver = out.receivers.get(h.record_id, {}).get(
                    re.sub(r"[^0-9A-Za-z]", "", h.display).casefold())
                self.fact(_p("handed", lang, m=out.marker(h.record_id),
                             kind=_word("kinds", h.kind, lang), display=h.display,
                             when=_when(_local(h.seen_at)))
                          + (_p("handed_asking", lang, amount=f"{_money(asked[0])} {asked[1]}")
                             if asked else "")
                          + (_p("handed_receiver", lang, name=_safe(receiver))
                             if receiver else "")
                          # "the wallet and its rate": the rate its message states.
                          + (_p("handed_rate", lang, rate=rate) if RATE_ASKED.search(
                              self.question) and (rate := stated_rate(
                                  out.texts.get(h.record_id, ""))) else ""))

    def _shop_overview(self, outputs: list[ToolOutput]) -> None:
        """One shop at a glance: its chat and bots, each detail it handed out (once, by the
        message that first gave it), where its wallets' money collects, where it went from
        there, and the statements of the accounts its bank details paid into; each line cited
        by the records that show it."""
        lang = self.lang
        shops = [(o, d) for o in outputs if o.tool == SHOP_DETAILS for d in o.data or []
                 if d.handed_out]
        self.say(_p("shop_overview_intro", lang, shop=_safe(shops[0][1].name)))
        for o, d in shops:
            if d.chat and d.chat != d.name:
                self.fact(_p("shop_chat", lang, m=o.marker(d.handed_out[0].record_id),
                             chat=_safe(d.chat))
                          + (f" ({', '.join('@' + b for b in d.bots)})" if d.bots else ""))
            elif d.bots:
                # (Its chat named as the shop: its bots still said, what a buyer writes to.)
                self.fact(_p("shop_bots", lang, m=o.marker(d.handed_out[0].record_id),
                             name=_safe(d.name), bots=", ".join("@" + b for b in d.bots)))
            once: dict[str, Any] = {}
            for h in d.handed_out:
                once.setdefault(h.display, h)  # each detail once, by the first message
            for h in once.values():
                self.fact(_p("handed", lang, m=o.marker(h.record_id),
                             kind=_word("kinds", h.kind, lang), display=h.display,
                             when=_when(_local(h.seen_at))))
            for wallet, (collector, record_id) in o.collectors.items():
                self.fact(_p("treasury", lang, m=o.marker(record_id), wallet=wallet,
                             treasury=collector))
                if o.shared.get(collector):
                    self.say(_p("treasury_shared", lang, wallets=", ".join(
                        f"{o.marker(r)} {w}" for w, r in o.shared[collector])))
        # The cities its posts and menus name, each by the first record naming it.
        searches = [s for s in outputs if s.tool == SEARCH_LISTINGS and s.data]
        found = [(s.labels.get(h.record_id, ""), h.record_id, list(h.cities))
                 for s in searches for h in s.data.hits if not _news(h) and h.cities]
        marker = {h.record_id: s.marker(h.record_id) for s in searches for h in s.data.hits}
        _, d = shops[0]
        cities = cities_of_shop(d.name, d.bots, found, d.shop)
        if cities:
            self.fact(_p("shop_cities_line", lang, m="".join(dict.fromkeys(
                marker[r] for r in cities.values())), cities=", ".join(cities)))
        for t in outputs:
            if t.tool != TRACE_WALLET or not t.data:
                continue
            tr = t.data
            ends = [e for e in tr.endpoints if e.path and e.reason != "residue"][:6]
            if not ends:
                continue
            self.say(_p("trace_forward_intro", lang, traced=_money(tr.traced), token=tr.token,
                        address=tr.request.addresses[0]))
            for e in ends:
                if e.address not in t.ends:
                    continue
                label = f" ({_safe(e.label)})" if e.label else ""
                self.fact(self._endpoint_line(t, e, tr.token, label).lstrip())
        # Each account its bank details were paid into, once: whose it is (by the row naming
        # the holder), its totals (by the row they were read beside), the details paid on it.
        statements: dict[str, tuple[str, str, Any, list[str]]] = {}
        for lk in outputs:
            if lk.tool != LOOKUP_ACCOUNT or not lk.data or not lk.data.matches:
                continue
            p = lk.data.matches[0]
            iban = next(iter([*(m.iban for m in p.paid_in), *p.statements]), None) or (
                p.value if p.kind == "iban" and p.bank else None)
            b = p.bank
            if not iban or not b or not b.counterparties:
                continue
            rows = [lk.holder_rows.get(p.id), b.counterparties[0].records[0]]
            marks = "".join(dict.fromkeys(lk.marker(r) for r in rows if r))
            if not marks:
                continue
            holder = b.holder_name or next((m.holder for m in p.paid_in if m.holder), "")
            _, _, _, paid_on = statements.setdefault(iban, (marks, holder or "", b, []))
            # Each detail by the message that handed it out (the rows do not name it).
            given = next((m.message_id for m in p.paid_in), None) or next(
                (s.record_id for s in p.seen_in), None)
            paid_on.append(f"{_word('kinds', p.kind, lang)} {p.display} {lk.marker(given)}"
                           .rstrip())
        if statements:
            self.say(_p("shop_statements_intro", lang))
        for iban, (marks, holder, b, paid_on) in statements.items():
            self.fact(_p("detail_statement", lang, m=marks, iban=iban, holder=_safe(holder),
                         details=", ".join(paid_on), received=_money(b.total_in),
                         sent=_money(b.total_out)))
        if any(t.tool == TRACE_WALLET and t.data for t in outputs):
            self.say(_p("heuristic_note", lang))

    def _shops_side_by_side(self, out: ToolOutput) -> None:
        """The shops side by side: what each took in, the wallets that paid several, the
        droppers' accounts several handed out; the aspects the question asks, else all."""
        o, lang, q = out.data, self.lang, self.question
        asked = {a for a, words in _ACROSS_ASPECTS.items() if words.search(q)} or set(
            _ACROSS_ASPECTS)
        names = {s.shop: _safe(s.name) for s in o.shops}
        if not o.shared_payers and "payers" in asked:
            # Nobody paid two shops: what each took in, and from how many wallets, says so.
            asked.add("takings")
        if "takings" in asked:
            if o.takings:
                self.say(_p("takings_intro", lang, token=o.takings[0].token))
            for t in o.takings:
                self.fact(_p("takings_line", lang, m="".join(map(out.marker, t.record_ids)),
                             name=names.get(t.shop, t.shop), amount=_money(t.amount),
                             token=t.token, payments=_counted(t.payments, "payment", lang)))
        if "payers" in asked:
            self.say(_p("shared_payers_intro" if o.shared_payers else "no_shared_payers",
                        lang))
            for p in o.shared_payers:
                self.fact(_p("shared_payer_line", lang,
                             m="".join(map(out.marker, p.record_ids)), address=p.address,
                             token=p.token, paid=", ".join(
                                 f"{names.get(s, s)} — {_money(a)}" for s, a in p.paid.items())))
        if "droppers" in asked:
            self.say(_p("shared_droppers_intro" if o.shared_droppers else "no_shared_droppers",
                        lang))
            # None shared: each dropper's account with the one shop that handed it out.
            for d in o.shared_droppers or o.top_droppers:
                shops = d.records_by_shop or {d.shops[0]: d.record_id}
                self.fact(f"{''.join(map(out.marker, shops.values()))} "
                          f"{_word('kinds', d.kind, lang)} {d.display}: "
                          f"{', '.join(names.get(s, s) for s in shops)}")
    def _shops_of_cities(self, o: Any) -> bool:
        """"which shop works in Almaty", "какой в Усть-Каменогорске, а какой в Караганде":
        each city's shops (of the case, or known only from their ads), each cited by an
        offer of it in that city (a post naming its bot, else its menu); False when no offer
        of the city names a shop of the case."""
        searches = [out for out in self._outputs if out.tool == SEARCH_LISTINGS and out.data]
        shops = [(s.name, s.bots) for s in o.shops if s.record_id and s.hands_out_payments]
        shops += [("@" + ad.bot, [ad.bot]) for ad in o.advertised]
        owned = {b.casefold() for _, bots in shops for b in bots}
        lines: list[str] = []
        for city in self.r.cities:
            for name, bots in shops:
                wanted = {b.casefold() for b in bots}
                hits = [(out, h) for out in searches for h in out.data.hits
                        if city in h.cities and h.role == "seller" and not _news(h) and
                        wanted & {x.casefold() for x in re.findall(
                            r"@(\w+)", out.labels.get(h.record_id, ""))}]
                if not hits:
                    continue
                # The offer naming its bot in its own words first (it shows whose it is).
                out, h = next(((out, h) for out, h in hits if any(
                    "@" + b in (out.texts.get(h.record_id) or h.passage).casefold()
                    for b in wanted)), hits[0])
                lines.append(_p("shop_in_city", self.lang, m=out.marker(h.record_id),
                                name=_safe(name), city=city,
                                bots=", ".join("@" + b for b in bots if "@" + b != name),
                                passage=_safe(out.texts.get(h.record_id) or h.passage)))
        if not lines or not owned:
            self.say(_p("no_city_shops", self.lang, city=", ".join(self.r.cities)))
            return False
        self.say(_p("shops_intro", self.lang))
        for line in lines:
            self.fact(line.replace(" ()", ""))
        return True

    def _cities_of_shops(self, o: Any) -> bool:
        """"in which cities are the shops": each shop with the cities its posts and menus
        name, cited by them; False when none names a city."""
        searches = [out for out in self._outputs if out.tool == SEARCH_LISTINGS and out.data]
        found = [(out.labels.get(h.record_id, ""), h.record_id, list(h.cities))
                 for out in searches for h in out.data.hits if not _news(h) and h.cities]
        marker = {h.record_id: out.marker(h.record_id) for out in searches
                  for h in out.data.hits}
        lines = []
        for shop in o.shops:
            if not (shop.record_id and shop.hands_out_payments):
                continue
            cities = cities_of_shop(shop.name, shop.bots, found, shop.shop)
            if cities:
                lines.append(_p("shop_cities", self.lang, m="".join(dict.fromkeys(
                    marker[r] for r in cities.values())), name=_safe(shop.name),
                                cities=", ".join(cities)))
        if not lines:
            return False
        self.say(_p("shops_intro", self.lang))
        for line in lines:
            self.fact(line)
        return True

    def _get_record(self, out: ToolOutput) -> None:
        rec = out.data
        if rec is not None and rec.kind == "transfer" and rec.fields.get("from"):
            f = rec.fields
            self.fact(_p("transfer_record", self.lang, m=out.marker(rec.id),
                         tx=_safe(str(f.get("tx") or "")), from_address=_safe(str(f["from"])),
                         to_address=_safe(str(f.get("to") or "")),
                         amount=_money(str(f.get("amount") or "")),
                         token=_safe(str(f.get("token") or "")),
                         time=str(f.get("time") or "")[:16].replace("T", " ")))
        elif rec is not None:
            self.fact(f"{out.marker(rec.id)} {rec.kind} {_safe(rec.id)}")

    def _case_overview(self, out: ToolOutput) -> None:
        o = out.data
        lang = self.lang
        intent = self.r.intent
        if out.other_chats:
            # "which channels are not shops": the chats of no shop, each by its first message.
            self.say(_p("other_chats_intro", lang))
            for record_id, title, kind in out.other_chats:
                self.fact(_p("other_chat_line", lang, m=out.marker(record_id),
                             name=_safe(title), kind=_safe(_word("chat_types", kind, lang))))
            return
        if "across_shops" in self.r.signals:
            self._shops_side_by_side(out)
            return
        nth = _nth_of(self.r)
        if nth:
            # "the second beneficiary": which wallet that is; the trace of it follows.
            ends = _spoken_first(self.r, [b for b in o.beneficiaries
                                          if b.reason == "beneficiary"])
            if len(ends) < nth:
                # No such one: say so, and which the case has.
                self.say(_p("no_nth_beneficiary", lang))
                intent = "beneficiaries"
            else:
                b = ends[nth - 1]
                self.fact(_p("nth_beneficiary", lang, address=b.address,
                             amount=_money(b.amount), token=o.token,
                             m=out.marker(b.path[-1] if b.path else b.record_id)))
                return
        # "the shops' money" speaks of money, not of the shops as a list.
        asks_shops = any(w in self.question.casefold() for w in ("магазин", "shop", "дүкен")) \
            and not _CASE_MONEY.search(self.question)
        if intent == "shops" and self.r.cities and self._shops_of_cities(o):
            return
        if intent == "shops" and not self.r.cities and _CITIES_ASKED.search(self.question) \
                and self._cities_of_shops(o):
            return
        # An overview of one side of the case ("какие дропы проходят по делу", "the crypto
        # flows"): that side's sections only.
        sides = overview_sides(self.question) if intent == "overview" else None
        if intent == "overview" and not shows(sides, "shops"):
            self.say(_p("overview_intro", lang, case=""))
        elif intent in ("overview", "shops") or asks_shops:
            self.say(_p("shops_intro" if intent == "shops" else "overview_intro", lang,
                        case=""))
            asks_bots = bool(_BOT_WORDS.search(self.question))
            # "which shops did he buy from", "which bots did the buyer talk to": the chats
            # that took payment, each by its own message.
            bought = intent == "shops" and BOUGHT_FROM.search(self.question) is not None
            for shop in o.shops:
                if shop.record_id and shop.hands_out_payments:
                    posts = [out.bot_posts[b][0] for b in shop.bots if b in out.bot_posts]
                    # (A shop whose selling chat never names its bot is shown by that chat's
                    # message, unless its bots are asked: the posts naming them are others'.)
                    own = all(p.rsplit("/", 1)[0] == shop.record_id.rsplit("/", 1)[0]
                              for p in posts)
                    if (asks_bots or intent == "shops" and own) and posts and \
                            len(posts) == len(shop.bots) and not (bought and not own):
                        # "the shops and their bots", "which shops are in the case": each shop
                        # by the posts naming its bots (what tells whose the bot is), not by
                        # what it handed out.
                        chat = out.labels.get(shop.record_id) or ""
                        self.fact(_p("shop_bots", lang, m="".join(
                            out.marker(r) for r in dict.fromkeys(posts)), name=_safe(shop.name),
                            bots=", ".join("@" + b for b in shop.bots))
                            # "and what their bots' chats are called": by a message of it.
                            + ("; " + _p("shop_chat", lang, m=out.marker(shop.record_id),
                                         chat=_safe(chat))
                               if chat and chat != shop.name and _CHAT_WORDS.search(self.question)
                               else ""))
                        continue
                    handed = ", ".join(_counted(n, k, lang)
                                       for k, n in sorted(shop.accounts.items()) if k != "bot")
                    bots = f" ({', '.join('@' + b for b in shop.bots)})" if shop.bots else ""
                    chat = out.labels.get(shop.record_id) or ""
                    # (The shops listed: by the chat that took payment, and the bots they
                    # name by the posts naming them.)
                    named_by = "".join(out.marker(r) for r in dict.fromkeys(posts)) \
                        if intent == "shops" and not bought else ""
                    self.fact(_p("shop_line", lang, m=out.marker(shop.record_id) + named_by,
                                 name=_safe(shop.name) + bots, handed=handed)
                              + ("; " + _p("shop_chat", lang, m="", chat=_safe(chat)).strip()
                                 if chat and chat != shop.name and
                                 _CHAT_WORDS.search(self.question) else ""))
            if _HOW_MANY.search(self.question):
                # "сколько магазинов, сколько карт выдавалось, по скольким счетам выписки":
                # the counts, summed over the shops (the case as a whole: no marker).
                sellers = [s for s in o.shops if s.record_id and s.hands_out_payments]
                kinds: Counter[str] = Counter()
                for s in sellers:
                    kinds.update({k: n for k, n in s.accounts.items() if k != "bot"})
                statements = sum(f.format == "bank_statement" for f in o.stats.files)
                self.say(_p("case_counts", lang, shops=len(sellers), handed=", ".join(
                    _counted(n, k, lang) for k, n in sorted(kinds.items())),
                    statements=statements))
            # "which shops did he buy from": those that took payment in a chat of the case,
            # not a shop known only from its ads, nor a board.
            for ad in [] if bought else o.advertised:
                self.fact(_p("advertised_shop_line", lang, m=out.marker(ad.record_id),
                             bot="@" + ad.bot, excerpt=_safe(ad.excerpt)))
            for shop in [] if bought else o.shops:
                if shop.market and shop.record_id:
                    self.fact(_p("market_line", lang, m=out.marker(
                        out.chat_posts.get(shop.shop, shop.record_id)),
                                 name=_safe(shop.name),
                                 bots=", ".join("@" + b for b in shop.advertises)))
        if intent == "overview" and sides is not None and "statements" in sides and \
                not shows(sides, "shops") and _HOW_MANY.search(self.question):
            # "how many bank statements": the statements' files, counted.
            self.say(_p("statements_counted", lang, n=sum(
                f.format == "bank_statement" for f in o.stats.files)))
        if intent == "overview" and sides is None:
            counts = ", ".join(f"{_word('record_kinds', k, lang)} {n}"
                               for k, n in sorted(o.stats.records.items()))
            self.say(f"{phrases()['records_word'][lang]}: {counts}")
            formats = Counter(f.format for f in o.stats.files)
            if formats:
                # What kinds of evidence: the files by format ("bank_statement 3").
                self.say(f"{phrases()['files_word'][lang]}: " + ", ".join(
                    f"{_word('formats', k, lang)} {n}" for k, n in sorted(formats.items())))
        if intent == "overview":
            # (Each section only when the question asks its side, or asks the whole case.)
            if o.statement_holders and shows(sides, "statements", "droppers", "people"):
                self.say(_p("holders_intro", lang))
                for h in o.statement_holders:
                    more = f" (+{h.more_accounts})" if h.more_accounts else ""
                    bank = out.labels.get(h.record_id)
                    self.fact(f"{out.marker(h.record_id)} {_safe(h.name)}: {h.account}{more}"
                              + (f" ({_safe(bank)})" if bank else "")
                              + _p("holder_flows", lang, received=_money(h.received),
                                   sent=_money(h.sent)))
                self.say(_p("holders_total", lang, received=_money(o.statements_received),
                            sent=_money(o.statements_sent)))
            if o.payees and shows(sides, "money", "people", "droppers", "statements"):
                # Where the droppers' tenge went on: whom their accounts paid most (the
                # statements' side shows it: where their money went is in them).
                self.say(_p("payees_intro", lang))
                for payee in o.payees:
                    self.fact(f"{out.marker(payee.record_id)} {_safe(payee.name)} "
                              f"{payee.account}: {_money(payee.amount)} ₸")
            shop_name = {s.shop: s.name for s in o.shops}
            droppers = o.top_droppers if shows(sides, "droppers") else []
            if droppers:
                self.say(_p("droppers_intro", lang))
            for d in droppers:
                self.fact(f"{out.marker(d.record_id)} {_word('kinds', d.kind, lang)} "
                          f"{d.display}: "
                          f"{', '.join(_safe(shop_name.get(s, s)) for s in d.shops)}")
        exchangers = [x for x in out.bank_ends if x[4]]
        if intent == "exchanges" and exchangers and "bank_exchanges" in self.r.signals:
            # Tenge asked: the statements' parties that sell crypto, and what they received.
            named = {fold(p.label) for p in self.r.of("person")}
            # Those the question names, when it names some of them: each one's own (the
            # statements' total is of them all).
            some = [x for x in exchangers if fold(x[0]) in named]
            if not some or len(some) == len(exchangers):
                total = sum((Decimal(x[2]) for x in exchangers), Decimal(0))
                self.say(_p("bank_exchangers_total", lang, amount=_money(str(total))))
            exchangers = some or exchangers
            if _SUPERLATIVE.search(self.question):
                exchangers = exchangers[:1]  # "which one got the most": by amount, the first
            for name, accounts, received, row, _ in exchangers:
                self.fact(_p("bank_exchanger", lang, m=out.marker(row), name=_safe(name),
                             accounts=accounts, amount=_money(received)))
            return
        if intent == "beneficiaries" and out.bank_ends and "bank_ends" in self.r.signals:
            # The end of the bank chain: who received the droppers' tenge and paid none on.
            self.say(_p("bank_ends_intro", lang))
            ends = out.bank_ends[:1] if _SUPERLATIVE.search(self.question) else out.bank_ends
            for name, accounts, received, row, _ in ends:
                self.fact(_p("bank_exchanger", lang, m=out.marker(row), name=_safe(name),
                             accounts=accounts, amount=_money(received)))
            return
        if intent in ("beneficiaries", "forward", "exchanges") or \
                intent == "overview" and shows(sides, "crypto", "money"):
            ends = o.beneficiaries
            if intent == "exchanges":
                ends = [b for b in ends if b.reason in ("exchange", "exchange_deposit")]
                ends, name = self._of_named_exchange(ends)
                named = {e.value for e in self.r.of(*_WALLETS)}
                into = [b for b in ends if b.address in named or
                        out.sweeps.get(b.address, ("", ""))[0] in named]
                if "case_money" in self.r.signals and into:
                    # "how much drug money got into T…": the deposits swept into it.
                    ends = into
                self.say(_tailed(_p("exchange_named_total", lang, name=_safe(name),
                                    amount=_money(str(exchange_total(ends))), token=o.token)
                                 if name else
                                 _p("exchanges_total", lang,
                                    amount=_money(str(exchange_total(ends))), token=o.token),
                                 self._one_end_marker(out, ends))
                         if ends else _p("no_exchanges", lang))
                nearest = min((len(b.path) for b in ends if b.path), default=0)
                if nearest > 2 and _DIRECTLY.search(self.question):
                    # "did any shop's treasury pay an exchange directly?": none did when
                    # every deposit is further than the shops' wallets and the treasury
                    # they fill.
                    self.say(_p("exchanges_not_direct", lang))
            else:
                if intent == "overview":
                    # Where the shops' wallets' money collects first (their treasuries).
                    for wallet, (collector, record_id) in out.collectors.items():
                        self.fact(_p("treasury", lang, m=out.marker(record_id), wallet=wallet,
                                     treasury=collector))
                self.say(_p("beneficiaries_intro", lang, traced=_money(o.traced),
                            token=o.token))
            if intent in ("beneficiaries", "forward"):
                # Who the money ended with, each cited by the transfer that reached them; the
                # exchanges' share as a total (the question is not about deposits or residue).
                ends = [b for b in ends if b.reason == "beneficiary"] or ends
                cashed = exchange_total(o.beneficiaries)
                if cashed and len(ends) < len(o.beneficiaries):
                    # (The case's ends asked: its exchanges as a total, the deposits uncited.)
                    self.say(_p("exchanges_total", lang, amount=_money(str(cashed)),
                                token=o.token))
            ends = [b for b in ends if b.reason != "residue"] + \
                [b for b in ends if b.reason == "residue"]
            if _SUPERLATIVE.search(self.question):
                ends = ends[:1]  # "which wallet got the most": the first (they are by amount)
            for i, b in enumerate(ends):
                if b.reason == "residue" and (i == 0 or ends[i - 1].reason != "residue"):
                    self.say(_p("residue_intro", lang))
                label = f" ({_safe(b.label)})" if b.label and b.reason != "residue" else ""
                anchor = b.path[-1] if b.path else b.record_id
                swept = self._swept(out, b.address, len(b.path) if b.path else 0)
                whole, computed = "", ""
                if intent == "beneficiaries" and b.address in out.received and \
                        Decimal(out.received[b.address][0]) > Decimal(b.amount):
                    # What rests there is what it received less what it sent on: the whole
                    # it received too ("who got the most, and how much"), cited by every
                    # transfer summed; of more than are cited, said as computed.
                    received, count, ids = out.received[b.address]
                    if count <= len(ids):
                        marks = "".join(out.marker(r) for r in ids if r != anchor)
                        whole = _p("received_all", lang, m=f"{marks} " if marks else "",
                                   amount=_money(received), token=o.token, n=count)
                    else:
                        computed = _p("received_all_computed", lang,
                                      amount=_money(received), token=o.token, n=count)
                unmarked = bool(swept) and intent == "exchanges"
                when = self._reached_when(out, b)
                if when and unmarked:
                    # The day it reached the deposit is the arriving transfer's, not the
                    # sweep's (a day later, maybe): cited by that transfer, or not said.
                    when = f"{when}{out.marker(anchor)}" if out.marker(anchor) else ""
                self.fact((_p("endpoint", lang, m="" if unmarked else out.marker(anchor),
                              address=b.address, reason=_word("reasons", b.reason, lang),
                              label=label, amount=_money(b.amount), token=o.token,
                              hops=len(b.path) if b.path else "-") + when
                           + swept + whole).lstrip())
                if computed:
                    self.say(computed)
            cashed = exchange_total(ends)
            if intent == "overview" and cashed:
                # Where the money ended: the exchanges' share of it as a total too.
                self.say(_p("exchanges_total", lang, amount=_money(str(cashed)), token=o.token))


MAX_OTHER_ROUTES_SAID = 3
# A shop's overview looks up at most this many of the bank details it handed out.
MAX_DETAILS_LOOKED_UP = 6


def _tailed(sentence: str, tail: str) -> str:
    """`sentence` with `tail` (markers, names) before its closing full stop."""
    if not tail:
        return sentence
    body = sentence.rstrip()
    return f"{body[:-1]}{tail}." if body.endswith(".") else f"{body}{tail}"


# The money's flows asked ("money flows", "денежные потоки", "движение денег", "ақша ағыны").
# The chats that are not shops asked ("which channels are NOT drug shops", "какие каналы не
# магазины", "дүкен емес арналар").
_NOT_SHOPS = re.compile(
    r"(?:\bchats?|\bchannels?|\bgroups?|чат\w*|канал\w*|групп\w*|арна\w*|топ\w*)"
    r"[^.?!]{0,40}?(?:\bnot\s+(?:\w+\s+)?shops?\b|\bnon[- ]shops?\b|"
    r"\bне\s+(?:являются\s+|являющиеся\s+)?(?:\w+\s+)?магазин\w*|дүкен\w*\s+емес)|"
    r"дүкен\w*\s+емес\s+(?:арна|чат|топ)\w*|(?:chats?|channels?) other than (?:the )?shops|"
    r"(?:чаты|каналы) кроме магазинов", re.I)
# The droppers spoken of ("какие дропы", "dropper accounts", "дроптар").
_DROPPER_WORDS = re.compile(r"дроп|dropper|\bmules?\b|держател\w* карт", re.I)
# A Telegram handle ("@sq_rabota_kz"): the texts naming it tell who it is.
_HANDLE_NAMED = re.compile(r"(?<![\w@])@[A-Za-z]\w{3,31}\b")
# Which cities or towns asked ("қай қалаларда", "в каких городах", "which cities").
_CITIES_ASKED = re.compile(r"(?<!\w)город\w*|(?<!\w)қала(?:да|лар|сы)\w*|\bcit(?:y|ies)\b|"
                           r"\btowns?\b", re.I)


def _about_a_stash(question: str, concepts: set[str]) -> bool:
    """Whether a question asks where a stash lies or about one not found (the search's own
    reading of it, `concepts`: coordinates, "ненаход", "перезаклад")."""
    return bool({"topics:stash_place", "topics:lost_stash"} & concepts) or (
        "topics:stash" in concepts and _PLACE_ASKED.search(question) is not None)


# Where something lies, asked ("stash locations", "место клада", "қай жерде").
_PLACE_ASKED = re.compile(r"\blocat\w*|\bplaces?\b|\bspots?\b|\bwhere\b|\bмест[оаеу]\b|"
                          r"\bгде\b|адрес\w*|қайда|қай жер\w*|орн\w*|район\w*|district\w*|"
                          r"аудан\w*|\bareas?\b", re.I)


def _sums_named(question: str) -> set[Decimal]:
    """The sums in tenge a question names: "300 000", "300к", "300 тыс", "300 мың"."""
    return set(tenge_amounts(question)) | {Decimal(m[1]) * 1000
                                           for m in SUM_THOUSANDS.finditer(question)}


# An answer's markers renumbered [1], [2], … (`_numbered`): new → the turn's ledger number.
LEDGER_MARKERS = "ledger_markers"


def _numbered(text: str) -> AIMessage:
    """The answer with its markers numbered [1], [2], … in the order it cites them (the
    ledger numbers every record the tools returned, the answer cites some), and what each was
    on the ledger, for the check (`core.ask_stream`)."""
    order = list(dict.fromkeys(m[1] for m in ANY_MARKER.finditer(text)))
    if order == [str(i) for i in range(1, len(order) + 1)]:
        return AIMessage(content=text)
    new = {old: str(i) for i, old in enumerate(order, 1)}
    return AIMessage(content=ANY_MARKER.sub(lambda m: f"[{new[m[1]]}]", text),
                     additional_kwargs={LEDGER_MARKERS: {n: old for old, n in new.items()}})


def clarification(reading: Reading) -> str:
    (first, _), (second, _) = reading.alternatives[:2]
    lang = reading.lang
    return _p("clarify", lang, first=_word("readings", first, lang),
              second=_word("readings", second, lang))


class OfflineChatModel(BaseChatModel):
    """Deterministic; needs no network and no model weights beyond the bundled embeddings.
    `vocabulary` holds the case's shop and person names (set per case by the agent)."""

    vocabulary: Vocabulary | None = None

    @property
    def _llm_type(self) -> str:
        return "tergeu-offline"

    def bind_tools(self, tools: Any, **kwargs: Any) -> OfflineChatModel:  # type: ignore[override]
        return self  # it plans with the tools it knows by name

    def _read_as(self, question: str, lang: str) -> Reading:
        """`question` read again (a follow-up with what it carries), answered in `lang`: the
        language the user asked in."""
        reading = self.read(question)
        reading.lang = lang
        return reading

    def read(self, question: str) -> Reading:
        reading = read_question(question, self.vocabulary, intent_model())
        money_asks.refine(reading, question, self.vocabulary.tags if self.vocabulary else ())
        if not reading.entities and (reading.intent in ("backward", "identify", "forward") or
                                     "backward" in reading.signals) and \
                self.vocabulary and (tagged := tagged_wallet(
                    question, self.vocabulary.tags, incoming="backward" in reading.signals)):
            # "кто пополнял депозит Qazex": the wallet the exchange's tag names.
            reading.entities.append(tagged)
            if "backward" in reading.signals and "forward" not in reading.signals:
                reading.intent = "backward"
        if _TREASURY.search(question) and reading.of("shop", "bot"):
            reading.signals.add("treasury")
        if reading.intent in ("forward", "backward") and {"identify", "shops"} <= \
                reading.signals and len(reading.of(*_WALLETS)) == 1 and \
                len(reading.entities) == 1:
            # "TEgB… кімнің әмияны? қай дүкендер оған ақша жібереді", "whose wallet is W,
            # which shops send money to it": whose it is, by the shops its money came from.
            reading.intent = "identify"
        if reading.intent == "backward" and len(reading.of(*_WALLETS)) == 1 and \
                not reading.of("shop", "bot") and (
                    _SHOPS_WORD.search(question) or not self.vocabulary or
                    not self.vocabulary.handed_out or
                    not self.vocabulary.handed_out(reading.of(*_WALLETS)[0].value)):
            # "who funded W? trace it back to the shops": which shops' wallets it came from;
            # "who funded W?": the shops its money came through as well, said when there
            # are any ("via_shops"; not of a wallet a shop handed out: buyers paid it).
            reading.signals.add("upstream_shops" if _SHOPS_WORD.search(question)
                                else "via_shops")
        wallets = reading.of(*_WALLETS)
        exchange_own = len(wallets) == 1 and reading.intent == "exchanges" and bool(
            self.vocabulary and wallets[0].value in {a for _, a in self.vocabulary.tags})
        if (_CASE_MONEY.search(question) or exchange_own) and len(wallets) == 1 and \
                not reading.of("shop", "bot") and reading.intent not in ("path", "compare") \
                and not _written_as_source(question, wallets[0]):
            # (An exchange's own tagged wallet asked about as an exchange: what of the case's
            # money reached it, not where its money went.)
            # "how much drug money got into T…": the case's money that reached that exchange.
            reading.signals.add("case_money")
            reading.signals.discard("via_shops")
            reading.intent = "exchanges"
        if _PRICE.search(question) and (reading.drugs or reading.of("shop", "bot")) and \
                not reading.of(*_WALLETS, *_ACCOUNTS, "person") and \
                reading.intent not in ("message", "out_of_case"):
            # "Шымкентте гашиш қанша тұрады?", "цена мефа у X": what the goods cost, from
            # the offers (whatever money question its "how much" looked like).
            reading.intent = "search"
        analysed = analyse(question)
        concepts = analysed.concepts
        if not reading.entities and reading.intent not in ("message", "search") and \
                "topics:market" in concepts and (
                    "topics:for_sale" in concepts or "purposes:sale" in concepts or
                    _SELLING.search(question)):
            # "барахолкада не сатылады?": the board's ads.
            reading.intent = "search"
            reading.signals.discard("no_case_words")
        if not reading.entities and reading.intent not in ("message", "search") and \
                "topics:police" in concepts:
            # "полиция туралы жаңалықтар", "any arrests?": the police news the case's
            # channels posted, not the world outside.
            reading.intent = "search"
            reading.signals.discard("no_case_words")
        if reading.intent not in ("message", "search", "out_of_case") and \
                not reading.of(*_WALLETS, *_ACCOUNTS) and _about_a_stash(question, concepts):
            # "координаты закладки от X", "клад таппадым деген кім?": the message that gives
            # the stash's place or tells of one not found (in the chats of the shop named),
            # not the shop's payment details nor an account.
            reading.intent = "message"
            reading.signals.add("message")
        if reading.intent in ("shop_details", "shops") and \
                reading.of("shop", "bot") and not reading.of(*_WALLETS, *_ACCOUNTS, "person") \
                and _CITIES_ASKED.search(question) and not _detail_kind(question):
            # "в каких городах работает X?": the cities its ads and posts name, not what it
            # handed out.
            reading.intent = "search"
        if not reading.entities and reading.intent not in ("search", "message") and \
                _HANDLE_NAMED.search(question):
            # "кто такой @sq_rabota_kz": a Telegram handle of no shop's bot is known by the
            # posts and messages naming it.
            reading.intent = "search"
            reading.signals.discard("no_case_words")
        if not reading.entities and reading.intent not in ("search", "message") and \
                PAY_PERIOD_SUM.search(question):
            # "где предлагали 300 000 ₸ в неделю", "кто обещал 50к в месяц за карту": a sum
            # per week or month is the pay a recruiting post offers, not the case's money.
            reading.intent = "search"
            reading.signals -= {"bank_exchanges", "each_payment", "no_case_words"}
        if reading.intent == "shops" and not reading.entities and not reading.cities and \
                (_DROPPER_WORDS.search(question) or
                 len((overview_sides(question) or frozenset()) - {"droppers"}) > 1) \
                and not _HANDED.search(question) and not _detail_kind(question):
            # "кратко по делу: какие магазины, какие дропы", "сколько магазинов, выписок и куда
            # ушли деньги": the shops beside another side of the case is the case's overview,
            # not the list of shops.
            reading.intent = "overview"
        scope = overview_scope(question, len(reading.of("shop", "bot")),
                               len(reading.of(*_WALLETS, *_ACCOUNTS, "person")),
                               narrowed=bool(reading.cities or reading.drugs or any(
                                   s.startswith("month:") for s in reading.signals)))
        if scope:
            # "Мефистофель бойынша жалпы шолу", "X коротко: реквизиты, казна, куда ушли
            # деньги": the shop's overview; "что по банковской части", "summarize the crypto
            # side": that side of the case's, asking back for no shop or account.
            reading.intent = "overview"
            reading.signals -= {"forward", "backward", "treasury", "shop_details", "identify",
                                "statement"}
            reading.signals.add(f"{scope}_overview")
        if not reading.entities and _detail_kind(question) and (
                _ALL_SHOPS.search(question.casefold()) or
                _WHICH_SHOP.search(question.casefold())) and (
                    _HANDED.search(question) or pay_details_asked(question)) and \
                reading.intent in ("beneficiaries", "exchanges", "forward", "shops",
                                   "overview") and \
                "money" not in (overview_sides(question) or ()) and not (
                    _BENEFICIARY_WORD.search(question) or _EXCHANGE_WORDS.search(question)):
            # "какие кошельки давали магазины": what the shops handed out of that kind, not
            # where its money went.
            reading.intent = "shop_details"
            if pay_details_asked(question):
                reading.signals -= {"forward", "backward"}
        if not reading.entities and reading.intent in ("search", "message", "identify") and \
                not reading.cities and not reading.drugs and not _MESSAGE_NOUN.search(question) \
                and not POSTS_ASKED.search(question) and asks_the_bots(question):
            # "list the shop bots with their @handles", "с какими ботами переписывался
            # покупатель": the case's shops and their bots, not a search of the words.
            reading.intent = "shops"
            reading.signals.discard("no_case_words")
        if not reading.entities and reading.intent not in ("out_of_case", "overview") and \
                not _MESSAGE_NOUN.search(question) and asked_of_all_shops(
                    question, dated=bool(_day_named(question) or _month_named(question))):
            # "which crypto wallets did the bots give out", "russian cards used by the shops",
            # "реквизиты по всем магазинам по типам", "какие реквизиты дал бот 14.01": every
            # shop's hand-outs (of the kinds named), not a search of the messages.
            reading.intent = "shop_details"
            reading.signals -= {"forward", "backward"}
            reading.signals.add("all_shops_handed")
        if reading.of("shop", "bot") and not reading.of(*_WALLETS, *_ACCOUNTS, "person") and \
                reading.intent in (*_TRACE_INTENTS, "beneficiaries", "search", "shops") and \
                pay_details_asked(question):
            # "what did X tell buyers to pay to", "куда просил платить X": what the shop
            # handed out to be paid on, not where its money went.
            reading.intent = "shop_details"
            reading.signals -= {"forward", "backward"}
        if ORDER_CODE.search(question) and not reading.of(*_ACCOUNTS, *_WALLETS) and \
                reading.intent in ("shops", "shop_details", "identify", "forward", "search"):
            # "which details did the bot send for order CH-1102": the shop's message of that
            # order, and what it gave.
            reading.intent = "message"
            reading.signals.add("message")
        if _about_a_stash(question, concepts):
            reading.signals.discard("no_case_words")  # a stash is the case's ("ненаходы?")
        if reading.intent == "exchanges" and not reading.of(*_WALLETS) and \
                _BANK_MONEY.search(question):
            # "how much tenge did the droppers send to exchangers": by the statements.
            reading.signals.add("bank_exchanges")
        people = reading.of("person")
        if len(people) >= 2 and len(people) == len(reading.entities) and \
                "exchanges" in reading.signals and _BANK_MONEY.search(question) and \
                _IN_ALL.search(question) and reading.intent in (*_MONEY_READINGS, "statement",
                                                                 "identify"):
            # "how much tenge went to the exchangers in total (A, B, C)": what the named
            # exchangers received by the statements, summed; not each one's own statement.
            reading.intent = "exchanges"
            reading.signals.add("bank_exchanges")
        if "message" in reading.signals and reading.intent in _MONEY_READINGS and \
                not reading.of(*_WALLETS, *_ACCOUNTS) and _MESSAGE_NOUN.search(question):
            # "Асик 0260 картасына ақша жібергені туралы хабарлама қайда?": the message
            # telling of the payment, not the money's way.
            reading.intent = "message"
        if not reading.of(*_WALLETS, *_ACCOUNTS, "person") and (
                reading.intent in _MONEY_READINGS or reading.of("shop", "bot") and
                reading.intent in ("shop_details", "shops", "identify")) and \
                "purposes:recruit" in concepts and "purposes:paid" not in concepts and \
                (_SALARY.search(question) or _PAY_WORD.search(question)) and \
                read_query(analysed).purpose == "recruit":
            # "курьерлерге қанша төлейді?", "сколько платят дропам за карту": the pay the
            # recruiting posts offer, not the case's money.
            reading.intent = "search"
        if reading.intent in ("search", "shop_details", "identify", "shops") and not (
                reading.cities or reading.drugs or reading.of(*_WALLETS, *_ACCOUNTS, "person")) \
                and _CHATS_ASKED.search(question):
            # "в каких чатах обещали прислать координаты", "в каких чатах обсуждали смену
            # карты гринча": the messages saying it, in each chat (a shop named is what they
            # speak of, not where).
            reading.intent = "message"
        if reading.intent == "message" and _CHATS_ASKED.search(question):
            reading.signals.add("chats_asked")
        if reading.intent == "search" and reading.cities and not reading.entities and \
                not reading.drugs and _WHICH_SHOP.search(question):
            # "Шымкентте қандай дүкендер есірткі сатады?": which shops (each by an offer of
            # it in that city), not every offer.
            reading.intent = "shops"
        if reading.intent == "beneficiaries" and not reading.entities and \
                _BANK_CHAIN.search(question):
            # "кто в конце банковской цепочки": where the tenge ended, by the statements.
            reading.signals.add("bank_ends")
        if reading.intent == "beneficiaries" and not reading.entities and \
                "bank_ends" not in reading.signals and (
                _EACH_RECEIVED.search(question) or _SUPERLATIVE.search(question) and (
                    set(re.findall(r"[^\W\d_]+", question.casefold())) & _ASKS_AMOUNT or
                    _IN_ALL.search(question))):
            # "how much did each receive", "which received the most, and how much in all":
            # each one's (the first one's) own totals beside the trace.
            reading.signals.add("received_each")
        if not reading.entities and _asks_across_shops(question):
            # "which shop made the most", "who paid several shops", "общие дропы у магазинов":
            # the shops side by side, from the overview.
            reading.intent = "shops"
            reading.signals.add("across_shops")
        month = _month_named(question) if reading.of(*_ACCOUNTS, "person") else None
        if month:
            # "обороты за октябрь", "в январе сколько пришло": that month of the statement.
            reading.signals.add(f"month:{month}")
        spans = days_asked(question) if reading.of(*_ACCOUNTS, "person") else ()
        if not month and len(spans) == 1 and spans[0][0] != spans[0][1] and (
                _IN_ALL.search(question) or
                set(re.findall(r"[^\W\d_]+", question.casefold())) & _ASKS_AMOUNT):
            # "1-15 қыркүйек аралығында барлығы қанша түсті", "total in 1-15 Sept": the
            # statement's totals of those days.
            (m1, d1), (m2, d2) = spans[0]
            reading.signals.add(f"days:{m1:02d}-{d1:02d}..{m2:02d}-{d2:02d}")
        if (reading.intent == "statement" or reading.intent in ("forward", "backward") and
                reading.of(*_ACCOUNTS, "person") and not reading.of(*_WALLETS)) and \
                _PAYMENTS_LISTED.search(question):
            # "statement: outgoing transfers", "выписка: какие платежи", "list X's outgoing
            # transfers": each payment (of that side, when one is asked).
            reading.signals.add("list_payments")
        parties = reading.of("person", "iban", "card", "card_mask", "phone")
        if parties and _bound_side(question):
            # "куда он переводил после 15 сентября": the payments that side of the day, each
            # by its row.
            reading.signals.add("list_payments")
        if "list_payments" in reading.signals or _WHEN.search(question) or \
                parties and (_day_named(question) or days_asked(question)) or \
                len(parties) >= 2 and _PAY_VERB.search(question) or \
                _amounts_asked(question, reading):
            # "когда", "what did A pay B", "кому ушли 60 000": each payment, by its row.
            reading.signals.add("each_payment")
        if reading.drugs and not reading.entities and reading.intent in (
                "exchanges", "beneficiaries", "overview") and reading.intent not in reading.signals:
            # A drug named and none of the case's money words ("гашиш қанша тұрады"): its
            # offers, not the money of the case.
            reading.intent = "search"
        if not reading.entities and "compare" in reading.signals and \
                _accounts_together(question):
            # "compare the three dropper accounts": the statements of the case, side by side.
            reading.intent = "compare"
        if against := set_against(question, reading):
            # "что больше получило — X или Y?", "X пен Y — қайсысы көбірек?": the two side by
            # side, not what passed between them.
            reading.signals |= {"compare", *(f"against:{v}" for v in against)}
        if "compare" in reading.signals and reading.intent != "compare" and \
                _two_alike(reading) and (reading.intent not in ("path", "amount_between") or
                                         len(reading.entities) == 2 or
                                         two_of_one_sort(reading)):
            # "сравни кошельки X и Y: сколько пришло, куда ушло", "A vs B: received and sent
            # to exchange": the two side by side, the money words the measures of each.
            reading.intent = "compare"
        if reading.intent != "backward":
            reading.signals.discard("via_shops")  # read as something else after all
        if instructions_asked(question) and not reading.entities:
            # "posts with instructions for an AI": every such text of the case, searched for.
            reading.intent, reading.alternatives = "search", [("search", 1.0)]
        unknown = unknown_shop_name(question, {
            fold(n) for names in self.vocabulary.shops.values() for n in names}) \
            if not reading.entities and self.vocabulary is not None and \
            reading.intent in _ABOUT_A_SHOP else None
        if unknown:
            # "Молния дүкені туралы не айтылған?": a shop the case's shops are not, named;
            # what the records say of it (an ad, a chat: where it works, its bot), not which
            # of the case's shops.
            reading.intent, reading.alternatives = "search", [("search", 1.0)]
            reading.signals.add(f"named_shop:{unknown}")
        return reading

    def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:
        humans = [i for i, m in enumerate(messages) if isinstance(m, HumanMessage)]
        question = _as_read(messages[humans[-1]])[:MAX_QUESTION_CHARS] if humans else ""
        asked = question  # (as the user wrote it; `question` is resolved below)
        party: str | None = None
        pair: list[str] = []
        if len(humans) > 1:
            # A follow-up may point into the previous answer ("the second one").
            earlier = [m for m in messages[: humans[-1]] if isinstance(m, AIMessage) and m.content]
            if earlier:
                last = str(earlier[-1].content)
                if last.rstrip().endswith("?") and "\n- [" not in f"\n{last}" and \
                        len(earlier) > 1 and _asked_which_of(last):
                    # "the first" answering our "which one?": the list asked about is the
                    # answer before the question back.
                    last = str(earlier[-2].content)
                said_before = self._turn(str(messages[humans[-2]].content), last)
                names_any = bool(find_entities(question, self.vocabulary)[0])
                # The one resolver over the previous turn: what the follow-up points at,
                # written out ("the biggest of those", "а сколько на неё зашло?", "а второй?");
                # the question before, read over its own answer, is what "this same one" is.
                before_q = str(messages[humans[-2]].content)
                question, parties = resolve(
                    question, names_any, said_before,
                    next(iter(refer(before_q, False, said_before)), None),
                    self.read(before_q).intent if steps_on(question) else None,
                    _holder_in(last))
                pair = two_spoken_of(question, names_any, said_before) if len(find_entities(
                    before_q, self.vocabulary)[0]) < 2 else []
                if pair:
                    # "кто из них двоих больше …?" after an answer about two parties the
                    # question before named only one of ("а у Нурланова?"): those two.
                    parties = pair
                if parties:
                    party = " ".join(parties)
                    question = f"{question} {party}"
        reading = self.read(question)
        if len(humans) > 1 and not own_words(asked, [(e.start, e.end) for e in find_entities(
                asked, self.vocabulary)[0]]):
            # "Сеитовада?": a name alone is said in the conversation's language.
            reading.lang = self.read(_as_read(messages[humans[-2]])).lang
        if party and reading.intent in ("message", "search") and asks_holder(question) and \
                reading.of("card", "iban", "phone"):
            # "ал оның толық аты-жөні мен ЖСН-і қандай?" after the one card listed: whose
            # it is, not a message about it.
            reading.intent = "identify"
        nth = _nth_beneficiary(question) if not reading.entities else None
        previous = _as_read(messages[humans[-2]]) if len(humans) > 1 else ""
        # The previous answer as the blocks below read it (the one resolver above reads the
        # list a question back was about instead).
        answered = Turn.of(previous, str(earlier[-1].content), _role_of) \
            if len(humans) > 1 and earlier else Turn("")
        if len(humans) > 2:
            # The previous question as it was read: "the bigger one" is the wallet it picked.
            before_it = [m for m in messages[: humans[-2]] if isinstance(m, AIMessage) and
                         m.content]
            if before_it:
                _, parties_before = resolve(previous, False, self._turn(
                    _as_read(messages[humans[-3]]), str(before_it[-1].content)))
                if parties_before:
                    previous = f"{previous} {' '.join(parties_before)}"
        there = THERE.search(question)
        if len(humans) > 1 and earlier and there and reading.entities and \
                not reading.of(*_WALLETS, *_ACCOUNTS):
            # "а Green Planet сколько туда скинул?" after who paid T…: "there" is the one wallet
            # or account the previous question asked about, in the pointer's place.
            place = list(dict.fromkeys(e.value for e in
                                       self.read(previous).of(*_WALLETS, *_ACCOUNTS)))
            if len(place) == 1:
                question = f"{question[:there.start()]}{place[0]}{question[there.end():]}"
                reading = self._read_as(question, reading.lang)
        if len(humans) > 1 and earlier and reading.entities and self.vocabulary and \
                not reading.of("shop", "bot") and _POINTED_SHOP.search(question):
            # "how much did the bigger one get from that shop?": the one shop the previous
            # turn named, beside what the question names itself.
            said = f"{previous}\n{earlier[-1].content}"
            spoken = list(dict.fromkeys(e.label or e.value for e in
                                        find_entities(said, self.vocabulary)[0]
                                        if e.kind == "shop"))
            pointer = _POINTED_SHOP.search(question)
            if len(spoken) == 1 and pointer:
                # In place of the pointer: "from that shop" says which way the money went.
                question = f"{question[:pointer.start()]}{spoken[0]}{question[pointer.end():]}"
                reading = self._read_as(question, reading.lang)
        if len(humans) > 1 and earlier and (start := reached_from(
                question, [e.value for e in reading.of(*_WALLETS)], said_before)):
            # "and how much ended up with T…?" after where A's money went: from A to it.
            reading = self._read_as(f"{start} {question}", reading.lang)
            reading.intent = "amount_between"
        # The previous question's reading, when a follow-up needs it (read once).
        asked_before: Reading | None = None
        if not nth and not reading.entities and len(humans) > 1 and \
                _BENEFICIARY_WORD.search(question) and OTHER.search(question):
            # "and the other beneficiary?": the one after the one spoken of before.
            nth = 2
        ends = other_end(asked, answered) if not nth and len(humans) > 1 and \
            earlier and not reading.entities else None
        if ends:
            # "and the other one?" after what of A's money reached B: what reached the other
            # end (the case's ends counted from B).
            nth = 2
        if nth:
            # "а второй бенефициар сколько вывел?": the case's beneficiaries, not the previous
            # answer's lines nor its wallet.
            reading.signals.add(f"nth:{nth}")
            if len(humans) > 1:
                # The beneficiaries the previous question named are the first ones spoken of:
                # "а до второго бенефициара?" after one of them is the other one.
                asked_before = self.read(previous)
                reading.signals |= {f"first:{e.value}" for e in asked_before.of(*_WALLETS)}
            if _WITHDREW.search(question) or _EXCHANGE_WORDS.search(question):
                reading.intent = "exchanges"
            elif len(humans) > 1 and asked_before is not None:
                if asked_before.intent in ("exchanges", "forward", "backward", "statement") \
                        and len(asked_before.of(*_WALLETS)) == 1:
                    # "and the other beneficiary?" after where one cashed out: the same of it.
                    reading.intent = asked_before.intent
                    reading.signals |= asked_before.signals & {"forward", "backward"}
                source = _source_before(asked_before,
                                        str(earlier[-1].content) if earlier else "")
                if asked_before.intent in ("path", "amount_between") and source:
                    # "а до второго бенефициара?" after what A sent B: from A to that one.
                    reading.intent = asked_before.intent
                    reading.signals.add(f"from:{source}")
            if ends:
                reading.intent = "amount_between"
                reading.signals |= {f"first:{ends[1]}", f"from:{ends[0]}"}
        if not nth and len(humans) > 1 and _elliptic(question, reading.entities):
            # "а у Оспановой?", "and for 4400 …?": the previous question, about this one.
            named = reading.entities or find_entities(question, self.vocabulary, loose=True)[0]
            asked_before = self.read(previous)
            swapped = _swap(previous, asked_before.entities, question, named)
            if swapped:
                question = swapped
                reading = self._read_as(question, reading.lang)
                if asked_before.intent == "compare":
                    # "а у шоколадной?" after two wallets compared: the same measures of it.
                    reading.intent = "compare"
        if not nth and len(humans) > 1 and "compare" in reading.signals and \
                len(reading.entities) == 1 and not _ONE_SIDE_AGAINST_THE_OTHER.search(question) \
                and not _SEVERAL.search(question) and not _EVERY.search(question):
            # "а теперь сравни с Сеитовой" after a question about Жумабаев: the two of them.
            asked_before = asked_before or self.read(previous)
            new = reading.entities[0]
            alike = [e for e in asked_before.entities if e.value != new.value and
                     _GROUPS.get(e.kind) == _GROUPS.get(new.kind)]
            if len(alike) == 1:
                reading = self._read_as(
                    f"{question} {previous[alike[0].start:alike[0].end]}", reading.lang)
                reading.intent = "compare"
        if not nth and pair:
            reading.intent = "compare"  # (the two the previous answer was about, above)
        elif not nth and len(humans) > 1 and _ONE_OF_TWO.search(question):
            # "which of the two swept more into the collection wallet?", "кто из них двоих
            # больше получил?": the things the previous question named, side by side (not
            # what passed between them).
            asked_before = asked_before or self.read(previous)
            if _two_alike(asked_before) and {e.value for e in reading.entities} <= {
                    e.value for e in asked_before.entities}:
                if not reading.entities:
                    both = " ".join(previous[e.start:e.end] for e in asked_before.entities)
                    reading = self._read_as(f"{question} {both}", reading.lang)
                reading.intent = "compare"
        which: list[str] = []
        if not nth and len(humans) > 1 and earlier and not reading.entities and \
                _points_at_something(question, only=False) and \
                not _PLURAL_POINTER.search(question):
            # "а что с ним?" after an answer listing several wallets and about none of them
            # in particular: which one, the first two named, not a guess.
            listed = answered.listed(_WALLETS)
            if len(listed) > 1 and len(set(_ADDRESS.findall(answered.head))) != 1:
                asked_before = asked_before or self.read(previous)
                if not asked_before.entities:
                    which = listed[:2]
        together: list[dict[str, Any]] = []
        if len(humans) > 1 and earlier and not reading.entities and self.vocabulary and \
                _OTHER_ACCOUNTS.search(question) and _POINTER.search(question):
            # "а остальные дропы тоже ему переводили?": what each other statement of the
            # case paid the party the previous answer named first.
            answer = str(earlier[-1].content)
            head = answer.split("\n", 1)[0]
            asked_of = {d.value for d in extract_payment_details(head) if d.kind == "iban"}
            party = next((d.value for line in answer.splitlines() if line.startswith("- [")
                          for d in extract_payment_details(line)
                          if d.kind == "iban" and d.value not in asked_of), None)
            others = [s for s in self.vocabulary.statements if s not in asked_of and s != party]
            if party and others:
                reading = self._read_as(f"{question} {party}", reading.lang)
                reading.intent = "amount_between"
                reading.signals.add(f"paid_to:{party}")
                together = [_lookup(reading, a)
                            for a in others[:MAX_STATEMENTS_COMPARED]] + [_lookup(reading, party)]
        shifted = None
        if len(humans) > 1 and earlier and not together and not reading.entities and \
                self.vocabulary and _detail_kind(question) and \
                (side := _BEFORE_OR_AFTER_IT.search(question)):
            # "а до неё какая карта была?" after a card a shop handed out: the shop's cards
            # handed out before it (after it), not that one again.
            shifted = self._handed_around(question, previous, str(earlier[-1].content),
                                          "before" if side.group("before") else "after")
            if shifted:
                lang = reading.lang
                question, reading = shifted
                reading.lang = lang
        if len(humans) > 1 and earlier and not together and not shifted and \
                not reading.entities and self.vocabulary and _detail_kind(question) and \
                _PLURAL_POINTER.search(question):
            # "а какие у них карты?", "what wallets do they use?" after posts of several
            # shops: the details of each shop the previous turn named.
            said = f"{previous}\n{earlier[-1].content}"
            shop_names = self.vocabulary.shops
            several = list(dict.fromkeys(
                e.label or (shop_names.get(e.value) or [e.value])[0]
                for e in find_entities(said, self.vocabulary)[0] if e.kind == "shop"))
            if len(several) > 1:
                question = f"{question} {' '.join(several)}"
                reading = self._read_as(question, reading.lang)
                if reading.intent not in _TRACE_INTENTS:
                    reading.intent = "shop_details"
                shifted = (question, reading)
        refined = False
        if len(humans) > 1 and not reading.entities and not reading.invalid and not nth and \
                not reading.cities and not reading.drugs and _connective(question) and \
                not _POINTED_OBJECT.search(question) and not (
                    earlier and _detail_kind(question) and
                    _named_in_answer(question, str(earlier[-1].content))):
            # "and by outgoing?" after a question naming nothing: that question, so refined
            # (not "а этот кошелёк?": it points at one thing the question before did not name;
            # not "and who holds the IBAN?" after an answer naming one: that one).
            asked_before = asked_before or self.read(previous)
            if not asked_before.entities and asked_before.intent != "out_of_case":
                question = f"{previous} {question}"
                reading = self._read_as(question, reading.lang)
                refined = True
        if len(humans) > 1 and not refined and not nth and reading.intent == "out_of_case" and \
                not reading.entities and not reading.invalid and earlier and \
                _points_back(question):
            # "бұл қашан болды?", "when was that?": about the previous turn, not the world; the
            # previous question asked again with it.
            asked_before = asked_before or self.read(previous)
            if asked_before.intent != "out_of_case":
                question = f"{previous} {question}"
                reading = self._read_as(question, reading.lang)
                refined = True
        if len(humans) > 1 and not refined and not nth and earlier and not together and \
                not shifted and not reading.of(*_WALLETS, *_ACCOUNTS) and \
                (role := _ROLE_POINTER.search(question)):
            # "and where did that sender get his money?": the counterparty the previous answer
            # listed first, not the account it was about.
            party = answered.counterparty()
            role_word = role.group(0).split()[-1].casefold()[:5]
            if role_word in previous.casefold() and (subject := answered.subject()):
                # "where did that payer's money come from?" after how much the biggest payer
                # sent: the one the previous answer is about, not its counterparty.
                party = subject[0]
            if party:
                question = f"{question[:role.start()]}{party}{question[role.end():]}"
                reading = self._read_as(question, reading.lang)
                refined = True
        if len(humans) > 1 and not refined and not nth and earlier and not together and \
                not shifted and not reading.of(*_WALLETS) and (
                    reading.of("person", "shop", *_ACCOUNTS) and _PERSON_POINTER.search(question)
                    and not _names_its_subject(question, reading)
                    or not reading.of("person") and _POINTED_PERSON.search(question)):
            # "how much did he send to Bekzhanov?" after whose card it was: from its holder
            # ("and Tulegenov, where did he send it on?": he is the one named); "and the cards
            # of that same dropper?" after whose phones a shop gave: theirs.
            holder = _holder_in(str(earlier[-1].content))
            if holder and fold(holder) not in {fold(e.label or e.value) for e in reading.entities}:
                question = f"{question} {holder}"
                reading = self._read_as(question, reading.lang)
                refined = True
        if len(humans) > 1 and not refined and not which and not together and not shifted and \
                not reading.entities and \
                not reading.invalid and (reading.intent != "out_of_case" or
                                         _points_at_something(question) or
                                         _connective(question) or
                                         leans_on_previous(question, reading)) and \
                not nth and not (
                    reading.intent == "search" and (reading.cities or reading.drugs)) and \
                not (WHOLE_CASE.search(question) and not _POINTER.search(question)):
            # "а выписка по нему?": the entities of the previous question carry over; not into
            # a question of the case as a whole pointing at nothing said ("what are the next
            # steps for the investigation?" after a trace), nor into
            # a search that names its own city or drug ("мефедрон Караганда" after a trace
            # asks for offers, not about that wallet).
            asked_before = asked_before or self.read(previous)
            before = asked_before.entities
            carried = [previous[e.start:e.end] for e in before]
            listed = _named_in_answer(question, str(earlier[-1].content)) if earlier else []
            end = _end_pointed(question, reading, answered)
            kind = _detail_kind(question)
            other_kind = bool(listed and kind and before and not any(
                e.kind in _KIND_OF_DETAIL[kind] for e in before))
            if listed and (not carried or other_kind or (
                    reading.intent in _ABOUT_ONE and not any(
                        e.kind in (*_WALLETS, *_ACCOUNTS) for e in before))):
                # "and who paid into it?" after the one wallet a shop handed out: the
                # identifier the answer named, not the shop the question named; "and her
                # phone?" after her account: the phone the answer named.
                carried = listed
            if end:
                # "did that wallet send anything on?" after what A sent B: B, where the money
                # got to ("where did it come from?": A), whatever the question before named.
                carried = [end]
            if earlier and not end and not other_kind and (
                    not carried or _points_at_something(question, only=False) and
                            not _PLURAL_POINTER.search(question)):
                # "а откуда пришли?" after an answer about one wallet or account (asked as
                # "а второй?"): the one its first line is about.
                subject = answered.subject()
                if subject and not asks_of_another(question, subject[1]):
                    carried = [subject[0]]
            pointing = not carried and (_POINTER.search(question) or
                                        _PLURAL_POINTER.search(question))
            if (_SHOP_WORD.search(question) and not (
                    carried and _WHICH_SHOP.search(question.casefold())) or pointing) and \
                    earlier and self.vocabulary:
                # ("which shop was she collecting for?" asks it of the account, not the shop.)
                # "бұл дүкен тағы не берді?", "what else did that shop hand out?": the one
                # shop the previous turn named, not its card or wallet.
                said = f"{previous}\n{earlier[-1].content}"
                shops = {e.label or e.value: e for e in
                         find_entities(said, self.vocabulary)[0] if e.kind == "shop"}
                if len(shops) == 1:
                    carried = list(shops)
            if carried:
                reading = self._read_as(f"{question} {' '.join(carried)}", reading.lang)
                if _ELSE.search(question):
                    # "what other cards": not those the previous question named.
                    reading.signals |= {f"other_than:{_compact(e.value)}" for e in before}
        if len(humans) > 1 and goes_on(asked) and reading.intent not in _TRACE_INTENTS:
            # "ал одан әрі?", "and then?" after where the money went: the same way, on.
            asked_before = asked_before or self.read(previous)
            if asked_before.intent in ("forward", "backward"):
                reading.intent = asked_before.intent
                reading.signals.add(asked_before.intent)
        step = steps_on(asked) if len(humans) > 1 else None
        if step:
            # "one more hop", "before that? keep going back": the previous way (back, when
            # said), a step on from the hop passing the money on.
            asked_before = asked_before or self.read(previous)
            way = "backward" if step == "backward" else asked_before.intent
            if way in ("forward", "backward") and asked_before.intent in ("forward", "backward"):
                reading.intent = way
                reading.signals -= {"forward", "backward"}
                reading.signals.add(way)
        if len(humans) > 1 and reading.unclear:
            # "how much did he pay in total?" after where his money went: the same direction,
            # not a question back.
            asked_before = asked_before or self.read(previous)
            if asked_before.intent in ("forward", "backward"):
                reading.intent = asked_before.intent
                reading.signals.add(asked_before.intent)
        if len(humans) <= 1 and "no_case_words" in reading.signals and not reading.entities:
            # A first question with nothing of the case in it, read as possibly about the
            # world outside: refused (a follow-up may lean on the previous turn instead).
            reading.intent = "out_of_case"
        turn = messages[humans[-1] + 1:] if humans else []
        results = [m for m in turn if isinstance(m, ToolMessage)]
        outputs = [m.artifact for m in results if isinstance(m.artifact, ToolOutput)]
        readings = [i for i, _ in reading.alternatives if i != "out_of_case"]
        people = self._surname_of_several(reading, question) \
            if len(humans) <= 1 and not results else []
        if len(humans) <= 1 and not results and \
                len(meant := statements_meant(question, reading, self.vocabulary)) == 1:
            # "the Halyk statement" of a case holding one: that one, not a question back.
            reading.entities.append(Named("iban", meant[0], len(question), len(question)))
        which_one = self._one_of_several(reading, question) \
            if len(humans) <= 1 and not results else None
        if which_one:
            reply = AIMessage(content=which_one)
        elif len(humans) <= 1 and not results and _identifier_only(question, reading) and \
                len(readings) > 1 and not self._absent(reading):
            # A card, account or wallet and nothing asked of it ("TKbW…", "4400 …?"): whose it
            # is, where its money went or came from are different answers; the two likeliest.
            reply = AIMessage(content=_p("clarify", reading.lang,
                                         first=_word("readings", readings[0], reading.lang),
                                         second=_word("readings", readings[1], reading.lang)))
        elif people:
            # "show the transfers of Ospanov" where the case holds Оспанов and Оспанова:
            # whom, naming them.
            reply = AIMessage(content=_p("which_person_named", reading.lang, names=", ".join(
                f"«{_safe(n)}»" for n in people[:4])))
        elif len(humans) <= 1 and not results and not reading.entities and not nth and (
                _ordinal_only(question) or _ORDINAL_REFERENT.search(question) and
                # Little more than the pointer in its sentence ("What about the second one?"),
                # not a question of its own ("who was the second dropper paid by the shop?").
                len(re.findall(r"\w+", re.split(r"[.!?]\s+", question.strip())[-1])) <= 6 and
                not _WHOLE_CASE.search(question) and not _BENEFICIARY_WORD.search(question)):
            # "а второй?", "ал екіншісі ше?" opening a conversation: the second of nothing.
            reply = AIMessage(content=_p("which_entity", reading.lang,
                                         what=_word("what", "account", reading.lang)))
        elif len(humans) <= 1 and not results and points_at_nothing(question, reading, True):
            # "а сколько там было всего?", "карта бойынша мәлімет" opening a conversation:
            # which one, asked back.
            reply = AIMessage(content=_p("which_entity", reading.lang,
                                         what=_word("what", "account", reading.lang)))
        elif together and not results:
            reply = _calls(together)
        elif which and not results:
            # Shortened: an address written whole is a claim the question back cannot cite.
            reply = AIMessage(content=_p("which_of", reading.lang, first=which[0][:8] + "…",
                                         second=which[1][:8] + "…"))
        elif not results:
            reply = self._first_step(reading, question, opening=len(humans) <= 1)
        else:
            done = {_key({"name": c["name"], "args": c["args"]}) for m in turn
                    if isinstance(m, AIMessage) for c in m.tool_calls}
            more = follow_up_calls(reading, outputs, done, question) \
                if len(outputs) == len(results) else []
            if not more and len(outputs) == len(results) and _unattributed_wallet(
                    reading, outputs):
                # "чей кошелёк W" when nothing ties W to a shop: where its money came from,
                # and which of those wallets are a shop's.
                wallet = reading.of(*_WALLETS)[0].value
                more = [c for c in [_call(TRACE_WALLET, address=wallet, direction="backward"),
                                    *self._shops_wallets()] if _key(c) not in done]
            steps = sum(isinstance(m, AIMessage) for m in turn)
            if more and (steps < 2 or steps < 3 and all(c["name"] == MONEY_PATH for c in more)
                         and reading.intent in ("identify", "beneficiaries")):
                # (Whose a wallet is, by the shops that fed it; what of a shop's money reached
                # each of its ends: a third step, the paths.)
                reply = _calls(more)
            else:
                reply = _numbered(Composer(reading, question).compose(outputs))
        return ChatResult(generations=[ChatGeneration(message=reply)])

    def _turn(self, question: str, answer: str) -> Turn:
        """The previous turn read once: its lines' parts in the money, the shops they name."""
        vocabulary = self.vocabulary

        def shops_in(line: str) -> list[str]:
            return [e.label or e.value for e in find_entities(line, vocabulary)[0]
                    if e.kind == "shop"] if vocabulary else []

        return Turn.of(question, answer, _role_of, shops_in)

    def _one_of_several(self, reading: Reading, question: str) -> str | None:
        """A question back naming the candidates when a question opening a conversation asks
        about one of several things of the case without saying which: one dropper's statement
        ("покажи выписку дропа", "where did the Kaspi dropper send it?"), one payment by its
        sum ("кто платил 8000 тенге?")."""
        if statements := statement_choices(question, reading, self.vocabulary):
            return _p("which_statement", reading.lang, names=listed(statements))
        if payments := payment_choices(question, reading, self.vocabulary):
            return _p("which_payment", reading.lang, names=listed(payments))
        if details := detail_choices(question, reading, self.vocabulary):
            return _p("which_detail", reading.lang, names=listed(details))
        if sides := person_choices(question, reading, self.vocabulary):
            name, accounts = sides
            return _p("which_account_of", reading.lang, name=_safe(name),
                      names=listed(accounts))
        return None

    def _absent(self, reading: Reading) -> bool:
        """Every identifier the question names is one the case does not hold: its lookup says
        so, rather than a question back about which way its money went."""
        known = self.vocabulary.known if self.vocabulary else None
        ids = reading.of(*_WALLETS, *_ACCOUNTS)
        if known is None or not ids or len(ids) != len(reading.entities):
            return False
        accounts = [parse_identifier(e.value) for e in ids]
        return all(a.account_id and not a.error and a.kind != "card_mask" and
                   not known(a.account_id) for a in accounts)

    def _surname_of_several(self, reading: Reading, question: str) -> list[str]:
        """The people a surname written alone may be: "Ospanov" of a case holding both
        Оспанов Руслан and Оспанова Динара (the feminine form or a given name tells them
        apart)."""
        if not self.vocabulary or len(reading.entities) != 1 or not reading.of("person"):
            return []
        said = _WORD_RX.findall(fold(question[reading.entities[0].start:
                                              reading.entities[0].end]))
        if len(said) != 1:
            return []
        word = said[0]
        out = []
        for person in self.vocabulary.people:
            surname = (_WORD_RX.findall(fold(person)) or [""])[0]
            if word.isascii() and not surname.isascii():
                surname = anyascii(surname).casefold().replace("'", "")
            if surname in (word, word + "a", word + "а"):
                out.append(person)
        return out if len(out) > 1 and any(
            (_WORD_RX.findall(fold(p)) or [""])[0] != (_WORD_RX.findall(fold(out[0])) or [""])[0]
            for p in out) else []

    def _shops_wallets(self) -> list[dict[str, Any]]:
        """Every shop's handed-out wallets and where they collect (at most eight shops)."""
        names = sorted({n[0] for n in self.vocabulary.shops.values()}) if self.vocabulary \
            else []
        return [_call(SHOP_DETAILS, shop=n, kind="wallet") for n in names[:8]]

    def _handed_around(self, question: str, previous: str, answer: str, side: str
                       ) -> tuple[str, Reading] | None:
        """The question asked of the one shop the previous turn named, bounded by the day it
        handed out the one detail the previous answer was about; None without both."""
        head = answer.split("\n", 1)[0]
        subject = list(dict.fromkeys([*_ADDRESS.findall(head), *(
            d.value for d in extract_payment_details(head) if d.kind != "bot")]))
        shops = {e.label or e.value for e in find_entities(f"{previous}\n{answer}",
                                                            self.vocabulary)[0]
                 if e.kind == "shop"}
        day = _ISO_DAY.search(answer)
        if len(subject) != 1 or len(shops) != 1 or not day:
            return None
        bound = "до" if side == "before" else "после"
        asked = f"{question} {next(iter(shops))} {bound} {day.group(3)}.{day.group(2)}"
        reading = self.read(asked)
        reading.intent = "shop_details"
        reading.signals |= {f"other_than:{_compact(subject[0])}", "strict_bound"}
        return asked, reading

    def _first_step(self, reading: Reading, question: str, opening: bool = True) -> AIMessage:
        """The first tool calls for the question, or a question back; `opening`: it opens the
        conversation (a follow-up's other side may be in the turn before)."""
        lang = reading.lang
        if reading.invalid and not reading.entities:
            bad = reading.invalid[0]
            # Why, in the question's language when it is the kind's check that failed (a
            # wrong length or format is said as the check said it).
            key = _reason_key(bad)
            why = phrases()["invalid_reasons"].get(key) if key else None
            return AIMessage(content=phrases()["invalid"][lang].format(
                value=fence(bad.text), reason=why[lang] if why else bad.reason))
        unnamed = _unnamed_referent(question) if not reading.entities and \
            not reading.invalid and not reading.cities and not reading.drugs and \
            "all_shops_handed" not in reading.signals else None
        if unnamed == "shop" and self.vocabulary and len(self.vocabulary.shops) > 1:
            # "бұл дүкеннің реквизиттері", "what did that shop hand out?" with no shop named
            # before: which of the case's shops.
            shops = sorted({names[0] for names in self.vocabulary.shops.values()})
            return AIMessage(content=_p("which_shop", lang, names=", ".join(
                f"«{_safe(n)}»" for n in shops[:8])))
        if not reading.entities and not reading.cities and not reading.drugs and (
                _points_at_something(question) and not _SHOP_WORD.search(question)
                or _names_no_object(question, reading.intent == "out_of_case") or unnamed):
            # "что с ним?", "а этот кошелёк?", "сколько?" with nothing it could point at (no
            # earlier answer named it): about the case, but which of its things cannot be
            # read; asked, not refused nor guessed.
            return AIMessage(content=_p("which_entity", lang,
                                        what=_word("what", "account", lang)))
        if reading.intent == "out_of_case" and not reading.entities or \
                not reading.entities and not reading.drugs and not (
                    reading.cities and CASE_WORDS.search(question)) and about_the_world(question):
            # A drug, or a city with a word of the case, keeps it the case's ("кто продаёт
            # рецептурные препараты в Алматы?", "shops delivering near hotels in Almaty").
            return AIMessage(content=phrases()["out_of_case"][lang])
        if opening and "compare" in reading.signals and len(reading.entities) == 1 and \
                not _ONE_SIDE_AGAINST_THE_OTHER.search(question) and \
                not _SEVERAL.search(question) and not _EVERY.search(question):
            # "сравни его с Кузнецовым", "compare with Seitova": with whom, not one alone.
            return AIMessage(content=_p("which_entity", lang,
                                        what=_word("what", "account", lang)))
        missing = None if _nth_of(reading) else self._missing_entity(reading, question, opening)
        if missing:
            return AIMessage(content=missing)
        hashes = HEX64.findall(question)
        if hashes and not reading.entities and not _MESSAGE_NOUN.search(question) and \
                "shown" not in reading.signals:
            # "how much was that transfer and when?" (its hash carried from the previous
            # answer), "what is tx 3f…?": the transfer the hash names.
            return _calls([_call(GET_RECORD, record_id=h) for h in hashes[:2]])
        calls = plan(reading, question)
        kind = _detail_kind(question)
        if not reading.entities and self.vocabulary and (
                "all_shops_handed" in reading.signals or kind and (
                    _ALL_SHOPS.search(question.casefold()) or
                    _WHICH_SHOP.search(question.casefold())) and (
                    _HANDED.search(question) or pay_details_asked(question))):
            # "the wallets the shops handed out": every shop's, of that kind (of the kinds
            # named: their answer keeps those).
            names = sorted({n[0] for n in self.vocabulary.shops.values()})
            calls = [_call(SHOP_DETAILS, shop=n, kind=kind) for n in names[:8]]
        if reading.intent == "shops" and not reading.entities and not reading.cities and \
                _CITIES_ASKED.search(question) and self.vocabulary:
            # "Дүкендер қай қалаларда?": each shop's posts and menus, for the cities they name.
            names = sorted({n[0] for n in self.vocabulary.shops.values()})
            calls = [_call(CASE_OVERVIEW), *(_call(SEARCH_LISTINGS, query=question, shop=n)
                                             for n in names[:6])]
        if not reading.entities and "across_shops" not in reading.signals and (
                (_accounts_together(question) or (
                    reading.intent == "compare" and _ACCOUNTS_WORDS.search(question))) and
                self.vocabulary and
                1 < len(self.vocabulary.statements) <= MAX_STATEMENTS_COMPARED or
                _statements_asked(question, reading) and self.vocabulary and
                1 < len(self.vocabulary.statements) <= MAX_STATEMENTS_LISTED):
            # "the counterparty all three droppers paid": the statements the case holds.
            calls = [_lookup(reading, iban)
                     for iban in self.vocabulary.statements]
        if {"upstream_shops", "via_shops"} & reading.signals:
            calls += self._shops_wallets()
        if reading.unclear and len(reading.alternatives) > 1 and not self._absent(reading):
            other = Reading(**{**reading.__dict__, "intent": reading.alternatives[1][0]})
            if plan(other, question) != calls:
                return AIMessage(content=clarification(reading))
        if not calls:
            return AIMessage(content=phrases()["not_understood"][lang])
        return _calls(calls)

    def _missing_entity(self, reading: Reading, question: str, opening: bool = True
                        ) -> str | None:
        """A question back when the question needs an entity it does not name, or names one
        and asks only "how much" without saying of what; `opening`: it opens the
        conversation (a follow-up may point at one the turn before named)."""
        if reading.entities and _bare_amount(question, reading) and not self._absent(reading):
            return _p("clarify", reading.lang, first=_word("readings", "backward", reading.lang),
                      second=_word("readings", "forward", reading.lang))
        q = question.casefold()
        if reading.entities and all(e.kind in ("shop", "bot") for e in reading.entities) and \
                _ONE_DROPPER.search(q) and not _DROPPERS.search(q) and \
                (opening or not _POINTED_PERSON.search(q)) and \
                reading.intent not in ("search", "message", "shops", "overview"):
            # "the dropper of shop X": a shop hands out the cards of several people ("that
            # same dropper" of the turn before is the one it named).
            return _p("which_entity", reading.lang, what=_word("what", "account", reading.lang))
        if {"side_overview", "all_shops_handed"} & reading.signals:
            # "что по банковской части": the case's statements, not one account; "what the
            # bots gave out": every shop's.
            return None
        if reading.entities or reading.cities or reading.drugs or CLAIM_ASKED.search(q):
            # (A claim asked for, "a post claiming the shop is legal": its words, not a shop.)
            return None
        if reading.intent == "beneficiaries" and "bank_ends" in reading.signals or \
                reading.intent == "exchanges" and {"bank_exchanges", "exchanges"} <= \
                reading.signals:
            # "the end recipients of the droppers' tenge", "how much tenge went from the
            # dropper statements to exchangers": the case's statements (exchangers named:
            # "how much reached the Halyk dropper's account" names one account, not asked).
            return None
        if self.vocabulary and (
                _accounts_together(q) and
                1 < len(self.vocabulary.statements) <= MAX_STATEMENTS_COMPARED or
                _statements_asked(q, reading) and
                1 < len(self.vocabulary.statements) <= MAX_STATEMENTS_LISTED):
            # "the three dropper accounts", "which statements do we have and for whom?": the
            # case's statements.
            return None
        lang = reading.lang
        shops = sorted({names[0] for names in (self.vocabulary.shops.values()
                                               if self.vocabulary else [])})
        about_shop = any(w in q for w in ("магазин", "shop", "дүкен", "бот", "bot")) or \
            bool(_TREASURY.search(q))  # "trace the treasury": which shop's
        one = _ONE_UNNAMED.search(q) if reading.intent not in (
            "shops", "overview", "search", "message", "out_of_case") and not _MANY.search(q) \
            else None
        if _ANY_SHOP.search(q):
            return None  # "did any shop's treasury pay an exchange directly?": all of them
        if _ALL_SHOPS.search(q) and (not one or one.lastgroup == "thing" and
                                     pay_details_asked(q)) or \
                _WHICH_SHOP.search(q) and _detail_kind(q):
            # "which shops handed out wallets", "which shop gave out an IBAN", "карты в
            # реквизитах магазинов" (plural "карты"): all shops asked.
            return None
        # (The shop's, whatever of it is asked first: "дай кошелек магазина".)
        single = next((m for m in _ONE_UNNAMED.finditer(q[:2_000]) if m.lastgroup == "shop"),
                      None)
        if (single and len(shops) > 1
                and reading.intent in ("shops", "shop_details")
                and not any(rx.search(q) for rx in (_HOW_MANY, _ALL_SHOPS, _EVERY, _WHICH_SHOP,
                                                     _WHOLE_CASE, _NOT_SHOPS))):
            # "покажи реквизиты магазина", "what did the shop hand out?": one shop's, not said
            # which (not the case's shops listed).
            return _p("which_shop", lang, names=", ".join(f"«{_safe(n)}»" for n in shops[:8]))
        if reading.intent == "shop_details" or (one and one.lastgroup == "shop") or (
                about_shop and reading.intent in ("forward", "backward", "exchanges")) or \
                _TREASURY.search(q) and not _ALL_SHOPS.search(q):
            if len(shops) > 1:
                # Quoted: the shops' names are not the answer's language.
                return _p("which_shop", lang, names=", ".join(f"«{_safe(n)}»" for n in shops[:8]))
            return None
        if one:
            return _p("which_entity", lang, what=_word("what", "account", lang))
        what = {"statement": "account", "identify": "account", "compare": "account",
                "path": "wallet", "amount_between": "wallet", "backward": "wallet"}
        if reading.intent in what:
            return _p("which_entity", lang, what=_word("what", what[reading.intent], lang))
        if _ONE_BENEFICIARY.search(q) and not _BENEFICIARIES.search(q) and \
                _ONE_BENEFICIARY_ACTS.search(q) and not _SUPERLATIVE.search(q) and \
                not _FIRST_OF_ALL.search(q):
            # ("which beneficiary received the most", "the main beneficiary" name the one:
            # the first by amount.)
            # "how much did the beneficiary send to the exchange": which of them.
            return _p("which_entity", lang, what=_word("what", "beneficiary", lang))
        return None

    def _stream(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        reply = self._generate(messages).generations[0].message
        assert isinstance(reply, AIMessage)
        if reply.tool_calls:
            yield ChatGenerationChunk(message=AIMessageChunk(content="", tool_call_chunks=[
                {"name": c["name"], "args": json.dumps(c["args"], ensure_ascii=False),
                 "id": c["id"], "index": i, "type": "tool_call_chunk"}
                for i, c in enumerate(reply.tool_calls)]))
            return
        # Word by word, as a language model streams: the UI shows the answer as it comes.
        pieces = re.findall(r"\S+\s*|\s+", reply.text)
        for i, piece in enumerate(pieces):
            # The last piece carries what the markers were on the turn's ledger.
            chunk = ChatGenerationChunk(message=AIMessageChunk(
                content=piece, additional_kwargs=reply.additional_kwargs
                if i == len(pieces) - 1 else {}))
            if run_manager:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk


# One account, card, wallet or shop spoken of without naming it ("чья карта 4400…?", "the
# shop's money", "дроптың шотына"); a list or plural asks about all of them instead.
_ONE_UNNAMED = re.compile(
    r"(?P<shop>(?<![\w])(?:магазин(?:а|у|ом|е)?|дүкен(?:нің|ге|нен|ді|і)?|the shop(?:'s)?)"
    r"(?![\w']))|(?P<thing>(?<![\w])(?:сч[её]т(?:а|у|ом|е)?|карт(?:а|у|ой|е|ы)|кошел[её]к|"
    r"кошелька|шот(?:ы|қа|тан|ына|ынан|ының)?|карта(?:сы|сына|ға|дан)?|әмиян(?:ы|ға|нан)?|"
    r"(?:the|this|that) (?:account|card|wallet|dropper)(?:'s)?)(?![\w']))")
# A count asked: the noun after it may be singular ("қанша дүкен бар?") and mean all of them.
_HOW_MANY = re.compile(r"(?<![\w])(?:қанша|неше|бірнеше|сколько|скольк\w*|how many|number of)"
                       r"(?![\w])", re.I)
# How many times something happened ("неше рет", "сколько раз", "how many times", "how often").
_TIMES_ASKED = re.compile(r"(?<!\w)(?:(?:неше|қанша)\s+(?:рет|мәрте|дүркін)|"
                          r"скольк\w*\s+(?:\w+\s+)?раза?|how\s+(?:many\s+times|often))(?!\w)",
                          re.I)
# Every one of a kind ("all", "каждого", "барлық").
_EVERY = re.compile(r"(?<![\w])(?:все|всех|всем|кажд\w*|all|each|every|барлық|әр)(?![\w])")
# One of several counted without a list to count in: "the second one", "первого дропа",
# "екінші карта", "екіншісі".
_ORDINAL_REFERENT = re.compile(
    r"(?<!\w)(?:(?:перв|втор|четв[её]рт)(?:ый|ой|ая|ое|ого|ому|ым|ую)|трет(?:ий|ья|ье|ьего|"
    r"ьему|ьим|ью)|first|second|third|fourth|бірінші|екінші|үшінші|төртінші)\s+(?:\w+\s+)?"
    r"(?:one|ones|of them|из них|олардың|дроп\w*|dropper\w*|человек\w*|адам\w*|тұлға\w*)"
    r"(?!\w)|(?<!\w)(?:бірінші|екінші|үшінші|төртінші)с[іы]\w*|"
    # "а сколько у второго?", "а ко второй?": the ordinal standing for a party.
    r"(?<!\w)(?:у|к|ко|от|для|про)\s+(?:(?:перв|втор|четв[её]рт)(?:ого|ой|ому)|"
    r"трет(?:ьего|ьей|ьему))(?!\w)", re.I)
_MANY = re.compile(r"(?<![\w])(?:как\w*|все|всех|список|перечисл\w*|which|what|list|all|"
                   r"each|every|қандай|қай|қайсы\w*|барлық|кімдер|тізім\w*|\w+s' )(?![\w])")
# The shops of the case together ("the crypto wallets the shops handed out").
_ALL_SHOPS = re.compile(r"(?<![\w])(?:shops|магазин(?:ы|ов|ами|ах)|дүкендер\w*)(?![\w])")
# Asked as the very next hop: "directly", "напрямую", "прямо", "тікелей".
_DIRECTLY = re.compile(r"(?<![\w])(?:directly|direct|straight|напрямую|прямо|прям\w*|"
                       r"тікелей)(?![\w])", re.I)
# Any one of the shops, whichever: "did any shop …", "хоть один магазин", "какой-нибудь
# магазин", "ни один из магазинов", "кез келген дүкен", "бірде-бір дүкен" (all of them asked).
_ANY_SHOP = re.compile(r"(?<![\w])(?:(?:any|either|no)\s+(?:of\s+the\s+)?shops?|"
                       r"(?:хоть|ни)\s+од(?:ин|ного)\s+(?:из\s+)?магазин\w*|"
                       r"как(?:ой|ая|ое|ие|ого)[- ](?:нибудь|либо)\s+(?:из\s+)?магазин\w*|"
                       r"любо(?:й|го|му)\s+(?:из\s+)?магазин\w*|"
                       r"(?:кез келген|бірде[- ]?бір|қандай да бір|бір\w*\s+де)\s+дүкен\w*)"
                       r"(?![\w])")
# Words that ask "how much" and nothing else: with an entity, the question does not say of what.
_AMOUNT_ONLY = {"сколько", "скока", "скоко", "сумма", "сумму", "сома", "сомасы", "қанша", "how",
                "much", "бойынша",
                "по", "а", "и", "of", "the", "and", "what", "about"}
_ASKS_AMOUNT = {"сколько", "скока", "скоко", "сумма", "сумму", "сома", "сомасы", "қанша", "much"}
# The money of a name, no direction said ("TW6… money", "деньги Green Planet", "ақшасы").
_MONEY_WORDS = {"money", "funds", "cash", "деньги", "денег", "деньгами", "средства", "средств",
                "бабки", "ақша", "ақшасы", "ақшасын", "ақшасының", "қаражат", "қаражаты"}
_FILLERS = {"with", "on", "its", "his", "her", "их", "его", "её", "ее", "с", "по", "у",
            # The kind of the identifier written beside it ("карта 4400… деньги", "T… әмияны
            # бойынша ақша?"): says what it is, not what is asked of it.
            "кошелёк", "кошелек", "кошелька", "кошельку", "wallet", "әмиян", "әмияны",
            "әмиянның", "карта", "карты", "карте", "card", "картасы", "картаның", "счёт",
            "счет", "счета", "счёта", "счету", "счёту", "account", "шот", "шоты", "шотының",
            "номер", "номера", "number", "phone", "телефон", "нөмір", "нөмірі"}
# One dropper of a shop ("выписка дропа магазина X", "the shop's dropper"); a plural asks
# about them all.
# The case's other accounts spoken of together: "остальные дропы", "the other droppers",
# "басқа дроптар".
_OTHER_ACCOUNTS = re.compile(r"(?<![\w])(?:остальн\w*|други[ехм]\w*|other|the rest of the|"
                             r"басқа|қалған\w*)\s+(?:\w+\s+)?(?:дроп\w*|droppers|accounts|"
                             r"сч[её]т\w*|дроптар\w*|шоттар\w*)", re.I)
# "до неё", "before it", "одан бұрын": the time of what was spoken of, as a bound.
_BEFORE_OR_AFTER_IT = re.compile(
    r"(?<![\w])(?:(?P<before>(?:до|перед)\s+(?:неё|нее|него|ней|этой|этого|нею)|"
    r"before (?:it|that|this)|одан (?:бұрын|алдын)|оған дейін|бұған дейін)|"
    r"(?P<after>после (?:неё|нее|него|этой|этого)|after (?:it|that|this)|одан кейін))(?![\w])",
    re.I)
_ISO_DAY = re.compile(r"\b(20\d\d)-(\d\d)-(\d\d)\b")
# Messages asked for in the plural ("the bot messages saying …", "в каких чатах обещали …",
# "хабарламаларды тап"), and the answer to one ("what the bot replied", "что ответил").
_MESSAGES_ASKED = re.compile(r"\bmessages\b|\bposts\b|сообщени(?:я|й|ях|ями)\b|"
                             r"хабарламалар\w*|\bпосты\b|\bпостов\b|"
                             r"(?:в|во)\s+как(?:их|ом)\s+(?:чат|групп|канал)\w*|"
                             r"\b(?:which|what|in which)\s+(?:chats|groups|channels)\b|"
                             r"қай\s+(?:чат|топ|арна)\w*", re.I)
# A message asked for by its noun (a post, not "поступления": inflows).
_MESSAGE_NOUN = re.compile(r"сообщени\w*|\bmessages?\b|\bmsgs?\b|хабарлама\w*|"
                           r"\bпост(?:ы|а|ов|е|ом|ах|ами)?\b|\bposts?\b", re.I)
# A language the texts asked for are written in ("қазақша жазылған", "на казахском").
_LANGUAGE_NAMED = {"kk": re.compile(r"қазақша|казахск\w*|по-казахски|\bkazakh\b", re.I),
                   "ru": re.compile(r"орысша|русск\w*|по-русски|russian", re.I),
                   "en": re.compile(r"ағылшынша|английск\w*|по-английски|\benglish\b", re.I)}
_MONEY_READINGS = ("forward", "backward", "path", "amount_between", "exchanges",
                   "beneficiaries", "statement", "compare")
_PAY_WORD = re.compile(r"плат\w*|төле\w*|\bpa(?:y|ys|id)\b|earn\w*|обеща\w*|\bpromis\w*|уәде\w*|"
                       r"\boffer\w*", re.I)
# The pay a recruiting post offers, asked about.
_SALARY = re.compile(r"зарплат\w*|з/п|\bзп\b|\bоклад\w*|заработ\w*|salar\w*|\bwages?\b|"
                     r"\bpay\b|\bpaid\b|how much .{0,20}earn|жалақы\w*|табыс\w*|\bақы\w*",
                     re.I)
# Several messages, or what happened, asked ("the stash locations", "all the messages",
# "what happened"): every message found of it, not the best one.
_SEVERAL_ASKED = re.compile(r"\blocations\b|\bplaces\b|\bstashes\b|\ball (?:the )?messages\b|"
                            r"\blist\b|\bmessages\b|\bwhat happened\b|\bвсе\b|\bвсех\b|"
                            r"список|перечисли\w*|сообщени(?:я|й|ях)\b|что (?:случилось|произошло|"
                            r"было дальше)|барлық\w*|тізім\w*|хабарламалар\w*|не болды|"
                            r"не болған", re.I)
_CHATS_ASKED = re.compile(r"(?:в|во)\s+как(?:их|ом)\s+(?:чат|групп|канал)\w*|"
                          r"\b(?:which|what|in which)\s+(?:chats|groups)\b|қай\s+(?:чат|топ)\w*",
                          re.I)
_REPLY_ASKED = re.compile(r"\brepl(?:y|ied|ies)\b|\banswer(?:ed)?\b|\brespond\w*|"
                          r"ответил\w*|ответ(?:ом|а)?\b|жауап\w*", re.I)


_ONE_DROPPER = re.compile(r"(?<![а-яёa-z])(?:дроп(?:а|у|ом|е)?|dropper(?:'s)?|"
                          r"дроп(?:тың|қа|тан|ты|ының|ына)|drop account)(?![\w])")
_DROPPERS = re.compile(r"(?<![а-яёa-z])(?:дроп(?:ы|ов|ам|ами|ах)|droppers|дроптар\w*|"
                       r"all|все|всех|барлық)(?![\w])")
# One beneficiary, its own money asked ("сколько вывел бенефициар", "Бенефициар биржаға
# қанша жіберді?"): which one, when the case has several.
_ONE_BENEFICIARY = re.compile(r"(?<![\w])(?:бенефициар(?:а|у|ом|е)?|beneficiary|"
                              r"бенефициар(?:ға|дың|ды|дан|қа|ы|ының))(?![\w])")
_BENEFICIARIES = re.compile(r"бенефициары|бенефициаров|beneficiaries|бенефициарлар|wallets|"
                            r"кошельк|әмияндар|\bвсе\b|\bкажд\w*|әрқайсы\w*|\beach\b|\ball\b|"
                            # The case's beneficiary asked for: whichever it names.
                            r"\bпо делу\b|\bв деле\b|\bin the case\b|\bіс бойынша\b|"
                            # "which beneficiary …", "қайсы бенефициар": one among them all.
                            r"\bwhich\b|\bқайсы\w*|\bқай\b|(?<!\w)как(?:ой|ие|ая)\b|"
                            r"(?<!\w)котор\w+|(?<!\w)кто из\b")
_ONE_BENEFICIARY_ACTS = re.compile(r"сколько|қанша|how much|получил|вывел|отправил|перевел|"
                                   r"перевёл|жіберді|алды|шығарды|аударды|\bsent\b|"
                                   r"\breceived\b|\bgot\b|cash(?:ed)? out|withdr")
# "which shop handed out …": every shop's details of that kind.
_WHICH_SHOP = re.compile(r"\bwhich shops?\b|\bwhat shops?\b|(?<!\w)как\w* магазин|"
                         r"котор\w+ магазин|қай дүкен|қандай дүкен")


# A payment between parties ("what did A pay into B's account", "поступали ли от A на счёт
# B", "кто больше отправил C: A или B").
_PAY_VERB = re.compile(r"\bpa(?:y|id|ys|ying)\b|\bsen[dt]\b|\btransferr?\w*|перев[её]|верну?л|"
                       r"перечисл|\bплат|поступ|отправ|средств\w* от|аудар|төле|жібер|"
                       r"\bсал(?:ды|ған)", re.I)
# "когда", "when", "с датами": the day of each payment.
# The payments themselves asked for, by a plural noun ("outgoing transfers", "какие платежи",
# "шығыс аударымдары"), not a total.
_PAYMENTS_LISTED = re.compile(r"(?<![\w])(?:transfers|payments|transactions|operations|"
                              # "every payment of his", "каждый платёж", "әрбір төлемі"
                              r"(?:every|each)\s+(?:payment|transfer|transaction)|"
                              r"кажд\w*\s+(?:плат[её]ж|перевод|операци)\w*|"
                              r"әрбір\s+(?:төлем|аударым|операция)\w*|"
                              r"переводы|платежи|операции|транзакции|поступления|списания|"
                              r"аударымдар\w*|төлемдер\w*|операциялар\w*)(?![\w])", re.I)
_WHEN = re.compile(r"\bкогда\b|\bқашан\b|\bwhen\b|\bдат[аыуе]?\b|\bдатам|\bdates?\b|"
                   r"\bкүні\b|\bдаты\b|\bкакого числа\b", re.I)
# "Which wallet got the most": the answer is the first of a list ordered by amount.
# The first of them all by rank ("the main beneficiary", "главный получатель", "негізгі
# бенефициар"): one named by the question, not one left unsaid.
_FIRST_OF_ALL = re.compile(r"(?<!\w)(?:main|chief|principal|primary|top|key|главн\w*|основн\w*|"
                           r"ключев\w*|негізгі|басты)(?!\w)", re.I)
_SUPERLATIVE = re.compile(r"больше всего|\bнаибольш|\bмаксимальн|\bкрупнейш|\bсамый крупн|"
                          r"\b(?:the )?most\b|\blargest\b|\bbiggest\b|\bholds? more\b|"
                          r"ең көп|ең көб\w*|ең үлкен|ең ірі", re.I)
# Words that ask about exchanges (the sweep of a deposit address into the exchange's wallet).
_EXCHANGE_WORDS = re.compile(r"бирж|\bexchange|\bобнал|cash.?out|обмен|айырбас|\bbinance|"
                             r"бинанс|\bdeposit|депозит", re.I)
# Whom several accounts share: "и А, и Б", "Ага да, Бға да", "both", "common", "all three".
_COMMON = re.compile(
    r"\bобщ(?:ий|ие|их|его|ее|ая|ему|ими)\b|\bобоим\b|\bобеим\b|"
    r"\bи\s+(?:\w+\s+){0,2}\w+,?\s+и\s+\w+|"
    r"\b\w+(?:қа|ке|ға|ге|а|е|ның|нің|дың|дің|тың|тің)?\s+(?:да|де|та|те),?\s+\w+\s+"
    r"(?:да|де|та|те)\b|\bboth\b|\bin common\b|\bcommon\b|\bshared?\b|\ball (?:two|three|four)\b|"
    r"\beach of\b|\bвсех (?:двух|трех|трёх|четырех)\b|\bвсе (?:два|две|три|четыре)\b|"
    r"\bвсем (?:двум|трем|трём|четырем)\b|\bортақ|\bекеуі\w*|\bүшеуі\w*", re.I)
# Words of an exchange's tag that name no exchange ("Steppe Exchange deposit address").
_GENERIC_TAG_WORDS = {"exchange", "deposit", "address", "wallet", "hot", "cold", "биржа",
                      "биржи", "депозит", "адрес", "кошелек", "кошелёк"}
# "Whose is it": a question about the holder only.
_WHOSE = re.compile(r"(?<![\w])(?:чей|чья|чьё|чье|чьи|ч[ея]й|владел\w*|кто|оформлен\w*|whose|"
                    r"who|holder|owner|owns|кімдікі|кімге|кімнің|кім|иесі\w*)(?![\w])", re.I)
# A shop's treasury: the wallet its handed-out wallets pass their money on to.
_WITHDREW = re.compile(r"вывел|вывод|выве|обналич|withdr|cash(?:ed)? out|шығар", re.I)
_BENEFICIARY_WORD = BENEFICIARY_ASKED


def _nth_beneficiary(question: str) -> int | None:
    """'the second beneficiary': which of the case's beneficiaries, by order."""
    if not _BENEFICIARY_WORD.search(question):
        return None
    found = _ordinals_in(question.casefold())
    return found[0] if len(found) == 1 else None


def _spoken_first(reading: Reading, ends: list[Any]) -> list[Any]:
    """The case's beneficiaries in the order a conversation counts them: those named before
    first ("the second" after one was asked about is the other), then by what they received."""
    first = {s[6:] for s in reading.signals if s.startswith("first:")}
    return [b for b in ends if b.address in first] + [b for b in ends if b.address not in first]


def _nth_of(reading: Reading) -> int | None:
    return next((int(s[4:]) for s in reading.signals if s.startswith("nth:")), None)


# The case's own money, as against all a wallet received: "drug money", "the shops' money".
_CASE_MONEY = re.compile(r"\bdrug.?money|\bdirty money|\bshops?'? money|\bmoney of the shops|"
                         r"нарко\w*\s+деньг|грязн\w+\s+деньг|деньг\w*\s+(?:магазин|наркот)|"
                         r"денег\s+(?:магазин|наркот)|есірткі\s+ақша|дүкендердің ақша", re.I)
# The party asked about received the money ("received money from both", "получил от всех").
_PARTY_RECEIVED = re.compile(
    r"\breceived (?:\w+ ){0,2}from\b|\bgot (?:\w+ ){0,2}from\b|\bwho did (?:\w+ ){0,4}"
    r"(?:pay|send)|\bполуч\w* (?:\w+ ){0,2}от\b|\b(?:кому|на ч[ьеи]\w* \w+) (?:\w+ ){0,2}"
    r"(?:перевод|переч|отправл|плат|ушл)\w*|\w+(?:дан|тан|нан|ден|тен|нен) (?:\w+ )?ал(?:ған|ды)|"
    r"\bкімге (?:\w+ ){0,2}аудар\w*", re.I)
# The party asked about paid the accounts ("who paid both", "кто платил и А, и Б").
_PARTY_PAID = re.compile(r"\bwho (?:\w+ ){0,2}(?:paid|funded|sent money to)\b|\bкто (?:\w+ ){0,2}"
                         r"(?:плат|перевод|пополн|отправл)\w*|\bкім (?:\w+ ){0,2}(?:төле|аудар)\w*",
                         re.I)
_MONTHS = {m: i + 1 for i, names in enumerate(MONTH_NAMES) for m in names}
_DATES = (re.compile(r"(?<![\d.])(\d{1,2})(?:-?(?:го|е|ші|шы))?\s+([^\W\d_]{3,})"),
          re.compile(r"([^\W\d_]{3,})\s+(\d{1,2})(?:st|nd|rd|th)?(?![\d.])"),
          re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})(?:\.\d{2,4})?(?![\d.])"))


_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def _month_named(question: str) -> str | None:
    """The month a question names as a period, with no day beside it ("за октябрь", "в январе
    2025", "2025 жылғы қаңтарда", "in January"): "2025-01", or "01" without a year."""
    q = question.casefold()
    if _date_in(q):
        return None
    months = set()
    words = re.findall(r"[^\W\d_]+", q)
    for i, w in enumerate(words):
        for stem, n in _MONTHS.items():
            # A short name whole ("mar", "may" beside "in"/"of": not the verb), a long one
            # in any ending ("октябре", "қаңтарда").
            if len(stem) > 3 and w.startswith(stem) or len(stem) <= 3 and w == stem and (
                    stem != "may" or i and words[i - 1] in ("in", "of", "during", "for")):
                months.add(n)
    if len(months) != 1:
        return None
    year = {int(y) for y in _YEAR.findall(q)}
    month = f"{months.pop():02d}"
    return f"{year.pop()}-{month}" if len(year) == 1 else month


def _period(month: str, lang: str) -> str:
    """"2025-01" → "январь 2025" ("10" → "октябрь") in the answer's language; a span of days
    "09-01..09-15" → "01.09–15.09"."""
    if ".." in month:
        return "–".join(".".join(end.split("-")[::-1]) for end in month.split(".."))
    year, _, number = month.rpartition("-")
    name = str(phrases()["month_names"][lang][int(number) - 1])
    return f"{name} {year}" if year else name


def _day_named(question: str) -> tuple[int, int] | None:
    """(month, day) of a date the question names ("17 октября", "October 17", "17.10",
    "17 қазан"), if one."""
    found = _date_in(question.casefold())
    return found[0] if found else None


def _date_in(q: str) -> tuple[tuple[int, int], int, int] | None:
    """(month, day) of the first date in the case-folded `q`, with where it stands."""
    for i, pattern in enumerate(_DATES):
        for m in pattern.finditer(q):
            if i == 2:
                day, month = int(m.group(1)), int(m.group(2))
            else:
                day, word = (int(m.group(1)), m.group(2)) if i == 0 else \
                    (int(m.group(2)), m.group(1))
                month = next((n for stem, n in _MONTHS.items() if word.startswith(stem) and
                              (len(stem) > 3 or word == stem)), 0)
            if 1 <= month <= 12 and 1 <= day <= 31:
                return (month, day), m.start(), m.end()
    return None


def _on_bound_side(question: str, day: str) -> bool:
    """Whether a row's day ("2025-09-19 09:15") is on the side of the question's bound day
    ("после 15 сентября": after it, the day itself not; "с 15 сентября", "since", "бастап":
    from it, the day itself too; "до 15 сентября": before it); any day when the question
    names no bound."""
    found = _bound_word(question)
    bound = _day_named(question) if found else None
    if not found or not bound or not re.match(r"\d{4}-\d{2}-\d{2}", day):
        return True
    month_day = (int(day[5:7]), int(day[8:10]))
    if found.lastgroup == "before":
        return month_day < bound
    exclusive = re.search(r"after|после|кейін", found.group(0))
    return month_day > bound if exclusive else month_day >= bound


def _bound_side(question: str) -> str | None:
    """"after" or "before" when the question's date is a bound: a Russian or English bound
    word right before it ("после 1 октября", "до 10.10", "since October 1"), a Kazakh one
    right after it ("1 қазаннан кейін"); a "с" elsewhere ("дал 17 октября с карты") is none."""
    found = _bound_word(question)
    return found.lastgroup if found else None


def _bound_word(question: str) -> re.Match[str] | None:
    """The bound word of the question's date (`_bound_side`), if it has one."""
    q = question.casefold()
    found = _date_in(q)
    if found is None:
        return None
    _, start, end = found
    return _BOUND_BEFORE.search(q[max(0, start - 25):start]) or _BOUND_AFTER.match(q, end)


# Both ways between two parties: "между", "арасында", "between", "друг другу".
_BETWEEN = re.compile(r"между|арасында|\bbetween\b|друг другу|взаимн|\beach other\b|"
                      r"\bmutual|"
                      # Both ways said outright: "and back", "each way", "туда и обратно",
                      # "в обе стороны", "и наоборот", "екі жаққа", "керісінше".
                      r"\band back\b|\bback and forth\b|"
                      r"\b(?:each|both|either) (?:way|direction)s?\b|\bvice versa\b|\bin return\b|"
                      r"(?<![а-яё])обратно\b|\bв обе стороны\b|"
                      r"\bи наоборот\b|\bв ответ\b|\bекі (?:жаққа|жақты|бағытта|бағытқа)|"
                      r"керісінше|\bкері\b", re.I)
# Money of the bank statements: tenge, cards, accounts, droppers.
_BANK_MONEY = re.compile(r"тенге|теңге|\btenge\b|₸|\bkzt\b|\bтг\b|дроп|dropper|\bmules?\b|"
                         r"банк|\bbank|карт|\bcards?\b|\bсч[её]т|\baccounts?\b|\bшот|выписк|"
                         r"statement|үзінді", re.I)
# The bank's side of the money named outright: the bank, tenge, statements, accounts.
_BANK_CHAIN = re.compile(r"банк|\bbank|тенге|теңге|\btenge\b|₸|\bkzt\b|выписк|statement|"
                         r"үзінді|\bсч[её]т|\baccounts?\b|\bшот", re.I)
# ("всего" is not one: "больше всего" is the most.)
_IN_ALL = re.compile(r"\bin total\b|\bin all\b|\btotal\b|\baltogether\b|\bcombined\b|"
                     r"\bитого\b|\bв сумме\b|(?<!больше\s)(?<!меньше\s)\bвсего\b|"
                     r"в общей сложности|\bсуммарно\b|\bбарлығы\b|\bжалпы\b|\bбарлық\b|"
                     r"\bжиыны\b", re.I)
# "how much did each receive", "сколько получил каждый", "әрқайсысы қанша алды".
_EACH_RECEIVED = re.compile(r"(?:each|every|каждый|каждого|каждому|әрқайсы\w*)\b.{0,40}"
                            r"(?:receiv|get|got|получ|пришл|алды|түсті)|(?:receiv|get|got|получ|"
                            r"пришл|алды|түсті)\w*\s+(?:\w+\s+)?(?:each|every|каждый|"
                            r"әрқайсы\w*)", re.I)
# A date as a bound: "after 1 October", "с 5 сентября", "до 10.10" (the word right before the
# date), "1 қазаннан кейін" (right after it, past the date's own ending).
_BOUND_BEFORE = re.compile(r"(?:(?P<after>\bafter|\bsince|\bfrom|после|начиная с|\bс|\bсо)|"
                           r"(?P<before>\bbefore|\buntil|\btill|\bдо|ранее))\s+$")
_BOUND_AFTER = re.compile(r"\w*\s+(?:(?P<after>кейін|бастап)|(?P<before>дейін|бұрын))")


def _bank_named(question: str) -> str | None:
    """The one bank `question` (or a message: "Оплата на карту Halyk: 4405 39…") names, if it
    names exactly one."""
    named = banks_named(question)
    return named[0] if len(named) == 1 else None


def _detail_bank(out: ToolOutput, h: Any) -> str:
    """The bank of a detail a shop handed out: by its BIN or IBAN code, else (a card or IBAN)
    the one bank its message names ("Оплата на карту Halyk: 4405 39…")."""
    return _bank_of(h.kind, h.display) or (
        (_bank_named(out.texts.get(h.record_id, "")) or "") if h.kind in ("card", "iban")
        else "")


def _bank_of(kind: str, display: str) -> str:
    """The bank of a card (by its BIN) or a KZ IBAN (by its bank code), lower case."""
    for d in extract_payment_details(display):
        if d.kind == kind:
            return str(d.info.get("issuer") or d.info.get("bank") or "").casefold()
    return ""


# A question about a chat's name ("как чат с ним называется", "the chat's title").
# A question about the shops' bots ("with their bot usernames", "боттары", "handles").
_BOT_WORDS = re.compile(r"(?<!\w)(?:бот(?:а|у|ом|е|ы|ов|ам|ами|ах|тар\w*|тың|қа|ы\w*)?|bots?|"
                        r"handles?|usernames?|юзернейм\w*|никнейм\w*|ник(?:а|и|ом)?)(?!\w)",
                        re.I)
_CHAT_WORDS = re.compile(r"чат\w*|\bchat\w*|назыв\w*|названи\w*|\btitle\w*|атау\w*|"
                         r"аталады", re.I)
# Accounts spoken of together without naming them ("all three dropper accounts").
_ACCOUNTS_WORDS = re.compile(r"дроп\w*|сч[её]т\w*|account\w*|dropper\w*|statement\w*|"
                             r"выписк\w*|шот\w*|үзінді\w*", re.I)
# Statements read together at most: more is a case-wide question, not "these accounts".
MAX_STATEMENTS_COMPARED = 4
# Statements read when the question asks of the case's statements in the plural ("which
# statements do we have and for whom?"): each one's lookup.
MAX_STATEMENTS_LISTED = 8
# "the transaction hash" is not hashish; a transaction's hash as written.
_TX_HASH = re.compile(r"\b(?:tx|txid|transaction)\s*hash|\bhash of the (?:transaction|transfer)|"
                      r"хеш|хэш|\btxid\b|транзакция хэші", re.I)
# A search answer keeps the hits scoring at least this share of the best one's.
SEARCH_KEEP = 0.93
# All asked ("все каналы"): those a little further below the best too.
SEARCH_KEEP_ALL = 0.8
# "In which chats …": each chat's best message at least this close to the best of all.
CHATS_KEEP = 0.85


# Money leaving or coming in, said of the parties compared ("swept more", "кто больше получил").
_SENDING = re.compile(r"\bsen[dt]|\bswe(?:ep|pt)|\bpa(?:y|id)\b|\bmoved\b|отправ|перев[её]л|"
                      r"перечисл|скин|скид|вывел|вывод|жібер|аудар|төле", re.I)
_RECEIVING = re.compile(r"\breceiv|\bgot\b|\bget\b|получ|поступ|пришл|зашл|түс|алды|алған",
                        re.I)
# One account's money set against itself: in against out, month against month.
_ONE_SIDE_AGAINST_THE_OTHER = re.compile(
    r"входящ|исходящ|приход|расход|поступлен\w* и списан|\binflows?\b|\boutflows?\b|"
    r"\bincoming\b|\boutgoing\b|\bin and out\b|кіріс|шығыс|түс\w+\s+(?:мен|және)\s+шық|"
    r"месяц|\bmonths?\b|\bmonthly\b|\bай\b|айлар", re.I)
# One of the two (or few) spoken of before, to be chosen: "which of the two", "кто из них
# двоих", "какой из них", "екеуінің қайсысы".
_ONE_OF_TWO = re.compile(
    r"(?<!\w)(?:which of (?:the|these|those|them|both)(?: two| both)?|which one|"
    r"(?:кто|какой|какая|какое|который|которая|у кого|кому|чей|чья) из (?:них|этих|двух|обоих|"
    r"двоих)|(?:екеуі\w*|үшеуі\w*|олардың) қайсы\w*|қайсысы\w*)(?!\w)", re.I)


def _end_pointed(question: str, reading: Reading, turn: Turn) -> str | None:
    """The end of the way the previous answer followed ("X of A's money reached B") that a
    follow-up pointing at one wallet speaks of: the one reached when it asks where the money
    went on, the one it came from when it asks where the money came from."""
    ends = turn.reached()
    pointed = _POINTED_OBJECT.search(question) or _POINTER.search(question)
    if ends is None or not pointed or _PLURAL_POINTER.search(question):
        return None
    if {"forward", "exchanges"} & reading.signals or reading.intent in ("forward", "exchanges"):
        return ends[-1]
    if "backward" in reading.signals or reading.intent == "backward":
        return ends[0]
    return None


def _named_twice(reading: Reading) -> bool:
    """Whether the question names each of its two parties twice ("how much did A send B, and
    B send A"): both ways asked."""
    parties = reading.of("person", "iban", "card", "phone", *_WALLETS)
    named = Counter(e.value for e in parties)
    return len(named) == 2 and all(n >= 2 for n in named.values())


def _two_alike(reading: Reading) -> bool:
    """Whether the question names two or more things of one sort to set side by side: wallets,
    bank parties (people, accounts, cards, phones) or shops."""
    return any(len(reading.of(*kinds)) >= 2 for kinds in (
        _WALLETS, ("person", "iban", "card", "card_mask", "phone"), ("shop", "bot")))


def _accounts_together(question: str) -> bool:
    """"the three dropper accounts", "общий контрагент счетов": the case's statements asked
    about together."""
    return bool(_ACCOUNTS_WORDS.search(question)
                and (_SEVERAL.search(question) or _COMMON.search(question)))


def _statements_asked(question: str, reading: Reading) -> bool:
    """"which bank statements do we have", "across the statements", "по всем выпискам",
    "шот иелері": a statement's reading of the case's statements, in the plural."""
    return reading.intent == "statement" and bool(_STATEMENTS_PLURAL.search(question))


# Statements or their holders in the plural.
_STATEMENTS_PLURAL = re.compile(r"(?<!\w)(?:statements|выписк(?:и|ам|ами|ах)|выписок|"
                                r"үзінділер\w*|account holders|holders of the accounts|"
                                r"владельц\w+\s+сч[её]т\w*|шот\s+иелер\w*)(?!\w)", re.I)


def _news(hit: Any) -> bool:
    """Whether a search hit is police or court news (tools/search/facets.py earns the class)."""
    return "news" in (getattr(hit, "classes", None) or [])


# A whole sum the question writes ("35 000", "35000 тг", "1 200 000"): not a year, a date's
# part, an order's number or a piece of a longer number (a phone's "8 747 123 45 67").
_WHOLE_SUM = re.compile(r"(?<![\w.,№#\-])(?<!\d\s)(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d{4,7})"
                        r"(?:\s?(?:тг|тенге|теңге|kzt|tenge|₸))?(?![\w.,]|\s?\d)", re.I)
_YEAR = re.compile(r"(?:19|20)\d\d")


def _whole_sums(question: str) -> list[str]:
    """The whole sums a question writes, compacted ("35 000" → "35000")."""
    return [_compact(m.group(1)) for m in _WHOLE_SUM.finditer(question)
            if not _YEAR.fullmatch(m.group(1))]


def _compact(text: str) -> str:
    return re.sub(r"[\s\-#№]", "", text).casefold()


_KIND_OF_DETAIL = {"card": ("card",), "phone": ("phone",), "iban": ("iban",),
                   "wallet": ("tron", "btc", "eth")}


# Follow-up intents about one identifier the previous answer named ("and who paid into it?").
_ABOUT_ONE = ("forward", "backward", "statement", "exchanges", "identify")


def _named_in_answer(question: str, answer: str) -> list[str]:
    """"бұл шот кімдікі?" after an answer that named one: the first identifier of the kind the
    follow-up speaks of, or the only one the answer names when it speaks of no kind, or the
    identifier of the one line of the answer that carries a name the follow-up repeats
    ("а через какой адрес на Qazex?" after a list of exchanges)."""
    details = [d for d in extract_payment_details(answer) if d.kind != "bot"]
    kind = _detail_kind(question)
    values = list(dict.fromkeys(d.value for d in details))
    if len(values) == 1:
        # (Not when the follow-up asks of a second one, or of another kind of detail.)
        return [] if asks_of_another(question, details[0].kind) else values
    if kind:
        of_kind = [d.value for d in details if d.kind in _KIND_OF_DETAIL[kind]]
        return [v for v in _line_named(question, answer) if v in of_kind] or of_kind[:1]
    return _line_named(question, answer)


def _line_named(question: str, answer: str) -> list[str]:
    """The first identifier of the only listed line of `answer` holding a word of `question`
    (a name, in any case ending: the first letters of the word as the line writes it)."""
    lines = [ln for ln in answer.splitlines() if ln.startswith("- ")]
    hits: dict[int, None] = {}
    for word in re.findall(r"[^\W\d_]{4,}", question):
        stem = word.casefold()[:max(4, len(word) - 2)]
        found = [i for i, ln in enumerate(lines)
                 if any(w.startswith(stem) for w in re.findall(r"[^\W\d_]+", ln.casefold()))]
        if len(found) == 1:
            hits[found[0]] = None
    if len(hits) != 1:
        return []
    line = lines[next(iter(hits))]
    details = [d for d in extract_payment_details(line) if d.kind != "bot"]
    return [details[0].value] if details else []


# The words around a name in a follow-up that is only that name ("а у X?", "and X?", "ал X ше?").
_ELLIPSIS_WORDS = {"а", "и", "у", "по", "с", "со", "для", "насчет", "насчёт", "про", "еще", "ещё",
                   "тогда", "ал", "ше", "ша", "бойынша", "туралы", "and", "what", "about",
                   "how", "for", "the", "of", "with", "then", "same", "also"}
_GROUPS = {**{k: "wallet" for k in ("tron", "btc", "eth")},
           **{k: "account" for k in ("card", "card_mask", "iban", "phone", "iin", "person")},
           "shop": "shop", "bot": "shop"}


def _elliptic(question: str, entities: list[Any]) -> bool:
    """A follow-up made of a connective and a name only ("а у Оспановой?", "what about
    TX…?"): it asks the previous question again, of that name."""
    rest = question
    for e in sorted(entities, key=lambda e: e.start, reverse=True):
        rest = rest[:e.start] + " " + rest[e.end:]
    words = re.findall(r"[^\W\d_]+", rest.casefold())
    if not words or words[0] not in _ELLIPSIS_WORDS:
        return False
    unknown = [w for w in words if w not in _ELLIPSIS_WORDS]
    return len(unknown) <= (0 if entities else 2) and len(words) <= 6


# Words that point at something said before ("him", "it", "с ним", "оның").
_POINTER = re.compile(r"(?<![\w])(?:him|her|he|she|his|it|its|them|their|this one|that one|"
                      r"он|она|оно|они|его|её|ее|ему|ей|ним|ней|нему|нём|нем|него|неё|них|им|их|"
                      r"ол|оны|оған|онда|одан|оның|соның|мұның)(?![\w])", re.I)


def _points_at_something(question: str, only: bool = True) -> bool:
    """A short question that only points at something ("что с ним?", "and him?", "ал оның?"):
    with no entity and nothing earlier to point at, what it asks about cannot be read.
    `only=False`: a short question pointing at one thing, whatever else it asks ("а про него
    что известно?")."""
    words = re.findall(r"[^\W\d_]+", question.casefold())
    rest = [w for w in words if not _POINTER.fullmatch(w) and len(w) > 3 and
            w not in _BARE_WORDS]
    return bool(words) and len(words) <= (5 if only else 7) and \
        bool(_POINTER.search(question)) and not (only and rest)


# Pronouns of several ("they", "их", "олар"): each of the answer's wallets, not one.
_PLURAL_POINTER = re.compile(r"(?<![\w])(?:them|they|their|они|их|им|них|ими|олар\w*|"
                             r"оларды)(?![\w])", re.I)
# Words that ask nothing by themselves beside a pronoun ("what about him?", "ол туралы ше?").
# A thing of the case a question may point at without naming it ("этот кошелёк").
_CASE_OBJECT = re.compile(
    r"(?<!\w)(?:кошел[её]к\w*|кошельк\w*|карт[аыуеой]\w*|сч[её]т\w*|выписк\w*|перевод\w*|"
    r"платеж\w*|платёж\w*|номер\w*|телефон\w*|адрес\w*|wallets?|cards?|accounts?|"
    r"statements?|transfers?|payments?|numbers?|phones?|address(?:es)?|әмиян\w*|шот\w*|"
    r"үзінді\w*|аударым\w*|нөмір\w*|карта\w*)(?!\w)", re.I)
def _reason_key(bad: Any) -> str | None:
    """Which of the answers' reasons says why an identifier is invalid, in the question's
    language: its kind's failed check, or its kind's length ("ИИН 82110642500"); None for
    another reason (a TRON address's version byte, a phone outside the plan), said as the
    check gave it."""
    if _CHECK_FAILED.search(bad.reason):
        return str(bad.kind)
    if bad.kind in ("unknown", "tron") and re.fullmatch(r"T[0-9A-Za-z]{20,40}", bad.text) and \
            len(bad.text) != TRON_ADDRESS_CHARS:
        return "tron_length"
    return f"{bad.kind}_length" if _LENGTH_FAILED.search(bad.reason) else None


# The words of a failed checksum in `parse_identifier`'s reasons (not a length or format).
_CHECK_FAILED = re.compile(r"checksum|check digit|control digit|luhn", re.I)
_LENGTH_FAILED = re.compile(r"length|digits|characters|long|short", re.I)
TRON_ADDRESS_CHARS = 34
# A demonstrative right before a thing of the case: "этот кошелёк", "this card", "осы әмиян".
_POINTED_OBJECT = re.compile(
    r"(?<!\w)(?:этот|эта|это|этого|этой|эту|этим|этом|тот|того|той|ту|this|that|осы|сол|бұл|"
    r"мына|анау|әлгі)\s+" + _CASE_OBJECT.pattern.removeprefix("(?<!\\w)"), re.I)
# The case as a whole ("в этом деле", "this case", "осы іс"): a question about all of it.
_WHOLE_CASE = WHOLE_CASE
# A question that is only a question word ("сколько?", "how much?", "қашан?").
_BARE_QUESTION = re.compile(
    r"^\W*(?:а|and|ал)?\s*(?:сколько|когда|кому|куда|откуда|кто|how much|how many|when|who|"
    r"where|қанша|қашан|кімге|кім|қайда|қайдан)\W*$", re.I)


def _names_no_object(question: str, unread: bool) -> bool:
    """A question about a thing of the case that does not say which: one pointing at it
    ("this wallet", "осы әмиян"), a bare question word, or — when nothing else reads it
    (`unread`) — a short one naming only the kind of thing ("выписку покажи"); never one
    about the case as a whole ("какие кошельки в этом деле")."""
    if _BARE_QUESTION.match(question):
        return True
    if _WHOLE_CASE.search(question) or not _CASE_OBJECT.search(question):
        return False
    words = re.findall(r"[^\W\d_]+", question)
    return len(words) <= 6 and (bool(_POINTED_OBJECT.search(question)) or
                                unread and len(words) <= 4)


_WORD_RX = re.compile(r"[^\W\d_]+")
# A shop pointed at without its name: "этот магазин", "that shop", "бұл дүкеннің".
_POINTED_SHOP = re.compile(
    r"(?<!\w)(?:этот|эта|этого|этому|этом|тот|того|том|this|that|осы|сол|бұл|мына|анау|әлгі)\s+"
    r"(?:магазин\w*|shop|store|дүкен\w*)(?!\w)", re.I)
# A person pointed at without a name: "этого человека", "that person", "осы адам", "that same
# dropper", "того же дропа".
_POINTED_PERSON = re.compile(
    r"(?<!\w)(?:(?:этот|эта|этого|этому|этом|этой|эту|тот|того|той|this|that|осы|сол|бұл|мына|"
    r"анау|әлгі)\s+(?:(?:same|же|самого|самый|самой|самую|самому)\s+)?|the\s+same\s+)"
    r"(?:человек\w*|лиц[оау]\w*|гражданин\w*|гражданк\w*|person|man|woman|guy|individual|"
    r"адам\w*|тұлға\w*|азамат\w*|дроп\w*|dropper|holder|владел\w*|держател\w*)(?!\w)", re.I)
# One thing of the case spoken of as known ("the card", "the dropper"), or named alone in the
# singular ("на кошельке", "картаның").
_THE_ONE = re.compile(r"(?<!\w)the\s+(?:card|wallet|account|phone|number|iban|dropper|"
                      r"statement|address|holder|owner|beneficiary)(?!\w)", re.I)
_ONE_OBJECT = re.compile(r"(?<!\w)(?:кошел[её]к|кошельк[аеу]|карт[аеуы]|карточк[аеуи]|"
                         r"сч[её]т|сч[её]т[аеу]|номер[аеу]?|телефон[аеу]?|wallet|card|account|"
                         r"phone|әмиян\w*|карта\w*|шот\w*|нөмір\w*)(?!\w)", re.I)
_WHOSE_WORDS = {"чей", "чья", "чьё", "чье", "whose", "кімдікі", "иесі", "владелец", "owner",
                "owns", "holder"}
# A name written before a pronoun, which it stands for; a message searched for by what it says.
_NAME_BEFORE = re.compile(r"(?<=[\s,])[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][a-zа-яёәғқңөұүһі]{2,}")
_MESSAGE_WORD = re.compile(r"(?<!\w)(?:сообщени\w*|переписк\w*|чат\w*|messages?|chats?|"
                           r"хабарлама\w*|хат\w*|пост(?:ы|а|ов|е|ом|ах|ами)?|posts?)(?!\w)", re.I)
# Things a pronoun later in the same question may stand for ("the shops and their bots").
_ANTECEDENT = re.compile(
    _CASE_OBJECT.pattern + r"|(?<!\w)(?:магазин\w*|shops?|stores?|дүкен\w*|дроп\w*|"
    r"droppers?|бенефициар\w*|beneficiar\w*|бирж\w*|exchange\w*|люд\w*|people|адам\w*|"
    r"person\w*|человек\w*|holders?|владел\w*|owners?)(?!\w)", re.I)
# An ordinal before a thing of the case: "по второй карте", "the third wallet".
_ORDINAL_OBJECT = re.compile(
    r"(?<!\w)(?:перв|втор|трет|четв[её]рт|first|second|third|fourth|бірінші|екінші|үшінші|"
    r"төртінші)\w*\s+" + _CASE_OBJECT.pattern.removeprefix("(?<!\\w)"), re.I)
# A question of how much, to or from whom, asked of no one: "сколько перевели?", "how much
# was sent?", "кому переводили?", "қанша аударды?".
_ASK_WORDS = {"сколько", "скока", "скоко", "кому", "куда", "откуда", "кто", "когда", "how",
              "much", "who", "whom", "where", "when", "қанша", "кімге", "кім", "қайда",
              "қайдан", "қашан"}
_MONEY_VERB = re.compile(
    r"^(?:пере[вч]|отправ|плат|заплат|оплат|плач|получ|пришл|поступ|ушл|уш[её]л|кину|кинул|"
    r"скин|закин|кида|sen[dt]|paid|pay|transferr?|receiv|got|went|came|moved?|аудар|жібер|"
    r"төле|түс|кетт|келд)\w*$", re.I)
_FILLER_WORDS = {"а", "и", "ал", "and", "then", "тогда", "was", "were", "did", "does", "do",
                 "has", "have", "had", "been", "is", "are", "in", "total", "all", "всего",
                 "итого", "барлығы", "деньги", "денег", "money", "ақша", "ақшаны", "the", "there",
                 "to", "from", "out", "ли", "же", "ма", "ме"}


# "that sender", "этот плательщик", "сол жіберуші": the counterparty named before.
_ROLE_POINTER = re.compile(
    r"(?<!\w)(?:that|this|the same|этот|этого|этому|тот|того|этим|осы|сол|бұл)\s+"
    r"(?:sender|payer|remitter|recipient|receiver|отправител\w*|плательщик\w*|"
    r"получател\w*|жіберуші\w*|төлеуші\w*|алушы\w*)(?!\w)", re.I)
# A person pointed at: "he", "она", "оған".
_PERSON_POINTER = re.compile(r"(?<![\w])(?:he|she|him|her|his|он|она|его|её|ее|ему|ей|ним|"
                             r"ней|нему|ол|оған|оның|одан)(?![\w])", re.I)


# The subject's pronoun ("he", "она", "ол"): who does what, not to whom.
_SUBJECT_POINTER = re.compile(r"(?<![\w])(?:he|she|он|она|ол)(?![\w])", re.I)


def _names_its_subject(question: str, reading: Reading) -> bool:
    """Whether the pronoun a question says is a person it names before it ("and X, where did
    he send it?", "а Иванов, куда он перевёл?"): that person, not one said before."""
    pointer = _SUBJECT_POINTER.search(question)
    return pointer is not None and any(e.end <= pointer.start() for e in reading.of("person"))


def _points_back(question: str) -> bool:
    """A short question pointing at what was just said ("бұл қашан болды?", "when was
    that?", "а это когда было?")."""
    words = _WORD_RX.findall(question.casefold())
    return 0 < len(words) <= 5 and bool(
        _POINTER.search(question) or re.search(
            r"(?<!\w)(?:это|этого|этом|то|того|this|that|бұл|осы|сол|мұның)(?!\w)",
            question, re.I))


@cache
def _holder_lines() -> list[re.Pattern[str]]:
    return [re.compile(r"^- " + re.escape(t).replace(re.escape("{m}"), r"(?:\[\d+\])+")
                       .replace(re.escape("{name}"), r"(?P<name>[^\n\[]+?)") + r"\s*$", re.M)
            for t in phrases()["holder"].values()]


def _holder_in(answer: str) -> str | None:
    """The holder the previous answer named ("- [2] holder: Кузнецов П."), when one."""
    names = {m.group("name").strip() for rx in _holder_lines() for m in rx.finditer(answer)}
    return next(iter(names)) if len(names) == 1 else None


# The readings of a question about one shop (its details, posts, what is said of it).
_ABOUT_A_SHOP = ("shops", "shop_details", "search", "message", "overview", "identify")


def _unnamed_referent(question: str) -> str | None:
    """What a question names nothing of the case about, but points at or counts as one thing:
    "shop" for a shop pointed at ("бұл дүкен"), "account" for a person or thing pointed at
    ("оның картасы", "who paid him?"), counted ("the second card") or asked of no one
    ("сколько перевели?"); None for a question about the case as a whole."""
    q = question.casefold()
    if _WHOLE_CASE.search(q) or _BENEFICIARY_WORD.search(q):
        return None
    if _POINTED_SHOP.search(q):
        return "shop"
    if _POINTED_PERSON.search(q):
        return "account"
    words = _WORD_RX.findall(q)
    pointer = _POINTER.search(q)
    if pointer and len(words) <= 8 and not _ANTECEDENT.search(q[:pointer.start()]) and \
            not _NAME_BEFORE.search(question[:pointer.start()]) and not _MESSAGE_WORD.search(q):
        # (Not "сообщение, где Ержан просит вернуть ему деньги": him is Ержан.)
        return "account"
    if _ORDINAL_OBJECT.search(q) and len(words) <= 8:
        return "account"
    if len(words) <= 6 and (_THE_ONE.search(q) or len(words) <= 4 and _ONE_OBJECT.search(q) and
                            set(words) & (_ASK_WORDS | _WHOSE_WORDS)):
        # "who owns the card?", "сколько на кошельке?": one thing, not said which.
        return "account"
    if 0 < len(words) <= 3 and set(words) & _WHOSE_WORDS and \
            set(words) <= _ASK_WORDS | _WHOSE_WORDS | _FILLER_WORDS | {"is", "the", "это"}:
        # "кто владелец?", "whose is it?": the owner of something not said.
        return "account"
    if 0 < len(words) <= 5 and set(words) & _ASK_WORDS and (any(
            _MONEY_VERB.match(w) for w in words) or len(words) <= 3) and all(
            w in _ASK_WORDS or w in _FILLER_WORDS or _MONEY_VERB.match(w) for w in words):
        return "account"
    return None


_BARE_WORDS = {"about", "what", "with", "then", "туралы", "насчёт", "насчет", "тогда", "ещё",
               "еще", "also", "else", "тағы"}


def _unattributed_wallet(reading: Reading, outputs: list[ToolOutput]) -> bool:
    """"Whose is wallet W" answered by a lookup that ties W to no shop, tag or shop's wallet
    (a beneficiary far down the chain)."""
    if reading.intent != "identify" or len(reading.entities) != 1 or \
            not reading.of(*_WALLETS) or len(outputs) != 1 or \
            outputs[0].tool != LOOKUP_ACCOUNT or not outputs[0].data:
        return False
    matches = outputs[0].data.matches
    return len(matches) == 1 and bool(matches[0].flows) and not matches[0].shops and \
        not matches[0].fed_by and not matches[0].flows.tag


def _source_before(before: Reading, answer: str) -> str | None:
    """The wallet money was followed from in the previous turn: the first of two it named,
    or (a shop's treasury named with the one wallet, "из казны X до T…") the other address
    of the answer's line that names that wallet."""
    wallets = [e.value for e in before.of(*_WALLETS)]
    if len(wallets) >= 2:
        return wallets[0]
    if len(wallets) == 1:
        for line in answer.splitlines():
            found = _ADDRESS.findall(line)
            if wallets[0] in found and (others := [a for a in found if a != wallets[0]]):
                return others[0]
    return None


def _identifier_only(question: str, reading: Reading) -> bool:
    """A question that is only identifiers (a wallet, card, account or phone), with no word
    beside them saying what is asked of them."""
    ids = reading.of(*_WALLETS, *_ACCOUNTS)
    if not ids or len(ids) != len(reading.entities) or reading.invalid:
        return False
    rest = question
    for e in sorted(ids, key=lambda e: e.start, reverse=True):
        rest = rest[:e.start] + " " + rest[e.end:]
    # (An arrow is a way asked: "T… -> ?" is where its money went.)
    return not re.findall(r"[^\W\d_]+", rest) and not ARROW.search(rest)


def _ordinal_only(question: str) -> bool:
    """A short question naming an ordinal and nothing else it could be of ("а второй?",
    "and the third one?", "ал екіншісі ше?")."""
    words = re.findall(r"[^\W\d_]+", question.casefold())
    return bool(_ordinals_in(question.casefold())) and 0 < len(words) <= 4 and \
        all(w in _ELLIPSIS_WORDS or _ordinals_in(w) or w in ("one", "один", "одна")
            for w in words)


def _connective(question: str) -> bool:
    """A short follow-up opening with a connective ("and by outgoing?", "а по списаниям?",
    "ал шығыс бойынша ше?") or closing with Kazakh "ше" ("керісінше ше?"): it refines the
    previous question."""
    words = re.findall(r"[^\W\d_]+", question.casefold())
    # (Kazakh closes it: "керісінше ше?", "шығысы ше?".)
    return bool(words) and (words[0] in _ELLIPSIS_WORDS or words[-1] in ("ше", "ша")) and \
        len(words) <= 5


_OBLIQUE_RU = re.compile(r"(?:у|ю|ой|ей|ом|ем|ым|им|ому|ему|е)$")
_OBLIQUE_KK = re.compile(r"(?:ға|ге|қа|ке|на|не|нан|нен|дан|ден|тан|тен|ның|нің|дың|дің|"
                         r"тың|тің|мен|пен|бен)$")
_OBLIQUE_EN = re.compile(r"(?:\bto|\bfrom|\binto|\bfor|\bwith)\s+$", re.I)


def _name_form(text: str, e: Any) -> str:
    """Whether a name is written as the subject ("Сарсенбаев", "Ospanova") or in another
    case ("Жумабаеву", "Оспановаға", "to Zhumabaev"): "nom" or "obl"."""
    words = _WORD_RX.findall(text[e.start:e.end].casefold())
    last = words[-1] if words else ""
    if last.isascii():
        return "obl" if _OBLIQUE_EN.search(text[:e.start]) else "nom"
    return "obl" if _OBLIQUE_KK.search(last) or _OBLIQUE_RU.search(last) else "nom"


# What stands between two writings of one party: spaces, brackets, a comma or a dash.
_SIDE_BY_SIDE = re.compile(r"[\s(),:;—–\-]{0,4}(?:[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]\.\s?){0,2}[\s(),:;—–\-]{0,4}")


def _swap(previous: str, before: list[Any], question: str, named: list[Any]) -> str | None:
    """`previous` with its name of the same kind as the follow-up's (or its only name) put
    in place of the follow-up's name; None when there is nothing to put it in place of."""
    if len(named) != 1 or not before:
        return None
    new = named[0]
    same = [e for e in before if _GROUPS.get(e.kind) == _GROUPS.get(new.kind)]
    gone: list[Any] = []
    if len(same) > 1 and new.kind == "person":
        # "сколько Сарсенбаев перевёл Жумабаеву" → "а Оспановой?": the one written in the
        # same form (the recipient's dative), not the first named.
        form = _name_form(question, new)
        alike = [e for e in same if _name_form(previous, e) == form]
        same = alike if len(alike) == 1 else same
    if same:
        old = same[0]
    elif len({_GROUPS.get(e.kind) for e in before}) == 1:
        # "compare wallets A and B" → "а у шоколадной?": the same of that shop, alone.
        old, gone = before[0], before[1:]
    else:
        return None
    # The same party written twice, side by side ("Есеновой М. KZ39…", "KZ39… (Есенова)"):
    # both give way to the new one.
    start, end = old.start, old.end
    for e in before:
        if e is not old and e not in gone and _GROUPS.get(e.kind) == _GROUPS.get(old.kind) and \
                _SIDE_BY_SIDE.fullmatch(previous[min(end, e.end):max(start, e.start)]):
            start, end = min(start, e.start), max(end, e.end)
            gone.append(e)
    # A shop by the name the case knows ("шоколадной" alone reads as slang again).
    said = new.label if new.kind == "shop" and new.label else question[new.start:new.end]
    text = previous
    for e in sorted([old, *gone], key=lambda e: e.start, reverse=True):
        if start <= e.start and e.end <= end and e is not old:
            continue  # within the span the new name takes
        text = text[:start] + said + text[end:] if e is old else text[:e.start] + text[e.end:]
    return text


_AMOUNT = re.compile(r"(?<![\d.,])(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d{3,9})(?:[.,](\d{1,2}))?"
                     r"(?![\d.,]?\d)")


def _amounts_asked(question: str, reading: Reading) -> set[Decimal]:
    """The sums a question names ("кому ушли 60 000", "the 18000 payment"), not the digits
    of the identifiers or dates in it."""
    rest = question
    for e in sorted(reading.entities, key=lambda e: e.start, reverse=True):
        rest = rest[:e.start] + " " + rest[e.end:]
    out = set()
    for m in _AMOUNT.finditer(rest):
        whole = re.sub(r"\D", "", m.group(1))
        value = Decimal(f"{whole}.{m.group(2)}" if m.group(2) else whole)
        if value >= 100 and not (1990 <= value <= 2100 and not m.group(2)):
            out.add(value)
    return out


def _bare_amount(question: str, reading: Reading) -> bool:
    """Only "how much" or "the money" beside a name: which way the money moved is not said
    ("сколько по T…?", "TW6… money", "Green Planet ақшасы?")."""
    rest = question
    for e in sorted(reading.entities, key=lambda e: e.start, reverse=True):
        rest = rest[:e.start] + " " + rest[e.end:]
    # (An initial left beside a name, "Кузнецов П.", is no word of the question.)
    words = {w for w in re.findall(r"[^\W\d_]+", rest.casefold()) if len(w) > 1}
    return bool(words & (_ASKS_AMOUNT | _MONEY_WORDS)) and \
        words <= _AMOUNT_ONLY | _MONEY_WORDS | _FILLERS


_CALL_IDS = iter(range(1, 1 << 62))


def _calls(calls: list[dict[str, Any]]) -> AIMessage:
    return AIMessage(content="", tool_calls=[
        {**c, "id": f"call_{next(_CALL_IDS)}", "type": "tool_call"} for c in calls])
