"""How the hybrid search orders its candidates: what of the query each one matches, how much
that weighs, who wrote it, and shops spread over the first hits.

A candidate's weight is the sum of what it matches of the query:

- the drug asked for (2, once however many the query names; 1 for the other drug its slang
  may be: "кристалл" is mephedrone, or alpha-PVP after it, and for a text whose slang nothing
  decides that may be it: `maybe:drug:…`, "💎 Кристалл 1г"), the city (1): a shop's offer of
  the drug in another city is nearer than an offer of another drug in that city; payment
  details count the drug and city of the order they answer (`order:drug:…`,
  tools/search/orders.py);
- the purpose (2): an offer, a recruitment post, payment details, police news for a query
  about the police, whoever wrote of a stash not found for a query about one ("ненаход"), the
  coordinates a bot sent for a query about where a stash lies ("координаты клада"), the
  texts of what a query about something else asks about (food delivery, phones: a job offered
  there costs 1 unless a job is asked for);
  for a sale of a named drug, only an offer of that drug; asked for recruiting or payment
  details, a text that is neither keeps half its drug and city weight;
- the shop named (2), droppers, couriers, warehouse hands or drivers when those are asked
  for (1 each), the kind of payment detail asked for (a card, a wallet, an IBAN: 0.5);
- the query's other words (up to `WORDS_WEIGHT`, by inverse document frequency, in either
  alphabet and as the other languages say them: "скидка" is "жеңілдік"; not the words of its
  purpose again): a name, a number, "залог", "скидка"; as much again for a text that holds
  every rare one the lexicon does not know (a name, a number, a company) and most of the rest;
- for a sale, an offer with amounts and prices (0.5), and payment details below offers (-1):
  an order's invoice names the drug too, but it is not what is offered (a priced offer that
  says how it is paid, handing out nothing, is an offer).

Content — a shop's offer, recruitment or payment details (or the buyer's own messages when the
query is in the buyer's words, any text of a stash not found when the query is about one, the
coordinates a bot sent and the stashes not found when it asks where a stash lies, whoever
writes of the weather when no seller does and the query is about something else than the drug
trade, the sellers' texts that hold a query's words when no offer does and it has no sign of the
trade) — comes first at equal weight and always fills the first three hits, and for a query
about the drug trade the shops' other offers, recruitment and payment details that match it fill
what it leaves of them; other texts (the buyer's orders, chat members' gossip, a flea-market ad)
follow by weight less `OTHER_COST`, and a button press of a word or two comes last whatever it
matches, unless it holds the card, phone or wallet a query of identifiers asks for.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from tools.search.facets import JOB_TOPIC, QueryFacets
from tools.search.query import Term, idf
from tools.search.text import CONCEPT_PREFIX

if TYPE_CHECKING:
    from tools.search.index import _Snapshot

DRUG_WEIGHT = 2.0
CITY_WEIGHT = 1.0
PURPOSE_WEIGHT = 2.0
SHOP_WEIGHT = 2.0
WORDS_WEIGHT = 2.0
PRICED_WEIGHT = 0.5
# A payment detail of the kind asked for (an IBAN asked, an IBAN handed out, however named).
PAY_KIND_WEIGHT = 0.5
# The share of the drug's weight the other drug a query's slang may be has ("кристалл":
# mephedrone, or alpha-PVP after it).
MAYBE_SHARE = 0.5
# The share of a drug's or city's weight a text keeps when the query asks for recruiting,
# payment details or news and the text is none of these.
OFF_PURPOSE_SHARE = 0.5
PAYMENT_COST = 1.0
# What a text that is not content (the buyer's order, a member's message, a seller's text
# that offers nothing) loses against content, and police news asked about the drug trade.
OTHER_COST = 1.0
NEWS_COST = 2.0
# A word of the query held by at most this many documents, or this share of them, is rare:
# a name, a number, a company, what the analyst is looking for whoever wrote it.
RARE_DOCS = 3
RARE_SHARE = 0.02
RARE_COVERAGE = 0.5
# Hits at the top that are content whenever there is content among the candidates.
CONTENT_FIRST = 3
# Within one weight, each earlier hit of the same shop costs a hit this much of the best fused
# score: results spread over shops.
SHOP_REPEAT_COST = 0.25
# Hits spread over shops, per hit asked for (folding may join some); the rest keep their order.
SPREAD_PICKS = 3
# Weights are compared in steps of this size, so that shops spread among near-equals.
STEP = 0.25

_PURPOSE_CLASS = {"sale": "sale", "recruit": "recruit", "payment": "payment"}
TRADE_CLASSES = tuple(_PURPOSE_CLASS.values())


def trade_mask(masks: dict[tuple[str, str], np.ndarray], n: int) -> np.ndarray:
    """Which of `n` documents are the drug trade's texts (any of `TRADE_CLASSES`)."""
    trade = np.zeros(n, dtype=bool)
    for name in TRADE_CLASSES:
        if (mask := masks.get(("class", name))) is not None:
            trade |= mask
    return trade


def matched(snap: _Snapshot, i: int, wanted: QueryFacets) -> list[str]:
    """The query's facets that document `i` has."""
    out = []
    for field, values, label in (("cities", wanted.cities, "city"),
                                 ("drugs", wanted.drugs + wanted.maybe_drugs, "drug")):
        for v in values:
            if (mask := snap.masks.get((field, v))) is not None and mask[i]:
                out.append(f"{label}:{v}")
            elif (mask := snap.masks.get((f"order_{field}", v))) is not None and mask[i]:
                # Payment details that answer the buyer's order of it (tools/search/orders.py).
                out.append(f"order:{label}:{v}")
            elif field == "drugs" and (mask := snap.masks.get(("maybe", v))) is not None \
                    and mask[i]:
                # Slang nothing in the text decides that may be this drug ("💎 Кристалл").
                out.append(f"maybe:drug:{v}")
    if wanted.lost_stash and (mask := snap.masks.get(("class", "lost_stash"))) is not None \
            and mask[i]:
        out.append("topic:lost_stash")
    if wanted.stash:
        # Where a stash lies: the coordinates sent, a stash not found there.
        for name in ("stash", "lost_stash"):
            if (mask := snap.masks.get(("class", name))) is not None and mask[i]:
                out.append(f"topic:{name}")
                break
    purpose = "news" if wanted.police else wanted.purpose
    if purpose is not None:
        mask = snap.masks.get(("class", _PURPOSE_CLASS.get(purpose, purpose)))
        if mask is not None and mask[i]:
            out.append(f"purpose:{purpose}")
    return out


def word_coverage(snap: _Snapshot, terms: Sequence[Term], candidates: Sequence[int],
                  rare_words: bool = True, uncounted: Collection[str] = ()) -> dict[int, float]:
    """The share of the query's plain words (weighted by inverse document frequency) each
    candidate holds, from the BM25 index's postings; plus one, with `rare_words`, for a
    candidate that holds every rare one (a name, a number, a company: held by few documents of
    the case) and most of the rest. A query that names a shop asks for that shop's texts (its
    facet), not for the texts that spell its name: its words (`uncounted`) are part of the
    query's whole, and no candidate's share."""
    if not terms or not candidates:
        return {}
    scores: dict[str, Any] = snap.bm25.scores
    vocab: dict[str, int] = snap.bm25.vocab_dict
    indptr, indices, n = scores["indptr"], scores["indices"], int(scores["num_docs"])
    wanted = np.array(sorted(set(candidates)), dtype=np.int64)
    held = np.zeros(len(wanted), dtype=np.float64)
    rare = np.ones(len(wanted), dtype=bool)
    any_rare = False
    total = 0.0
    for term in terms:
        docs_with: list[np.ndarray] = []
        df = 0
        for token in term.tokens:
            if (col := vocab.get(token)) is not None:
                posting = indices[indptr[col] : indptr[col + 1]]
                docs_with.append(posting)
                df = max(df, len(posting))
        weight = idf(df, n) if df else idf(0, max(n, 1))
        total += weight
        if term.word in uncounted:
            continue
        has = (np.isin(wanted, np.concatenate(docs_with)) if docs_with
               else np.zeros(len(wanted), dtype=bool))
        held += weight * has
        if rare_words and term.entity and 0 < df <= max(RARE_DOCS, RARE_SHARE * n):
            rare &= has
            any_rare = True
    if total <= 0:
        return {}
    held /= total
    if any_rare:
        # Only a text that holds most of the query besides: not one word of five.
        held += rare & (held >= RARE_COVERAGE)
    return {int(i): float(h) for i, h in zip(wanted, held, strict=True) if h > 0}


def holders(snap: _Snapshot, token: str, candidates: Sequence[int]) -> set[int]:
    """The candidates whose tokens hold `token` (a concept: "§topics:food_delivery"), from the
    BM25 index's postings."""
    col = snap.bm25.vocab_dict.get(token)
    if col is None or not candidates:
        return set()
    scores: dict[str, Any] = snap.bm25.scores
    posting = scores["indices"][scores["indptr"][col] : scores["indptr"][col + 1]]
    return {int(i) for i in np.intersect1d(posting, np.asarray(candidates, dtype=np.int64))}


def order_hits(snap: _Snapshot, order: list[int], fused: dict[int, float],
               facets: dict[int, list[str]], wanted: QueryFacets, coverage: dict[int, float],
               k: int, lookup: bool = False) -> list[int]:
    """The candidates by weight (content first at equal weight, button presses last), shops
    spread among equals, content in the first `CONTENT_FIRST` places. A `lookup` (a query of
    identifiers only: a card, a phone, a wallet) asks for every text that holds them, however
    short: a member's message that holds it comes right after the content."""
    masks = snap.masks
    none = np.zeros(len(snap.docs), dtype=bool)
    priced = masks.get(("class", "priced"), none)
    payment = masks.get(("class", "payment"), none)
    news = masks.get(("class", "news"), none)
    drops = masks.get(("class", "drops"), none)
    jobs = {kind: masks.get(("class", kind), none) for kind in wanted.jobs}
    pay_kinds = {kind: masks.get(("payment", kind), none) for kind in wanted.pay_kinds}
    # Payment details handed out (a card, a wallet): an invoice, not a priced offer that says
    # how it is paid ("1г — 15 000 ₸, оплата USDT").
    handed = masks.get(("class", "details"), none)
    lost_stash = masks.get(("class", "lost_stash"), none)
    stash = masks.get(("class", "stash"), none)
    trade = trade_mask(masks, len(none))
    shop_named = any(f.startswith("shop:") for i in order for f in facets[i])
    # Asked about pizza, phones or a flea market: the texts of that (a pizzeria's menu before
    # its courier jobs, unless a job is asked for).
    # (Their facet "topic:…" weighs as a purpose.)
    on_topic: set[int] = set()
    for topic in wanted.topics:
        for i in holders(snap, CONCEPT_PREFIX + topic, order) - on_topic:
            on_topic.add(i)
            facets[i].append(f"topic:{topic.split(':', 1)[1]}")
    jobs_offered = (holders(snap, CONCEPT_PREFIX + JOB_TOPIC, order)
                    if wanted.topics and not wanted.job else set())
    sale = wanted.purpose == "sale"
    purposes = wanted.purpose is not None or wanted.police

    def content(i: int) -> bool:
        if wanted.lost_stash:
            return bool(lost_stash[i])
        if wanted.stash:
            # Where a stash lies, as sellers hand it over; a buyer's "ненаход" is no place.
            return bool(stash[i]) and not snap.short[i] and snap.role[i] != "buyer"
        if wanted.buyer:
            return bool(snap.role[i] == "buyer")
        if not wanted.trade and not wanted.police:
            # Asked about pizza couriers, a phone or the weather: the drug trade's texts are
            # not what is asked for, whatever words they share ("курьер").
            return not snap.short[i] and snap.role[i] == "seller" and not trade[i]
        return (not snap.short[i] and snap.role[i] == "seller"
                and (not wanted.trade or bool(trade[i])))

    def weight(i: int) -> float:
        w = 0.0
        has_drug = any(f.startswith(("drug:", "order:drug:", "maybe:drug:")) for f in facets[i])
        # Asked for recruiting or payment details, a text that is neither is about the drug
        # or city only in passing.
        beside = 1.0 if sale or not purposes or any(
            f.startswith("purpose:") for f in facets[i]) else OFF_PURPOSE_SHARE
        # The drug weighs once: a crystal asked for is mephedrone or alpha-PVP, and a menu of
        # both is no nearer than a post of one.
        if has_drug:
            # The other drug a query's slang may be weighs less than its own.
            own = any(f.removeprefix("order:").removeprefix("drug:") in wanted.drugs
                      for f in facets[i] if f.startswith(("drug:", "order:drug:")))
            w += DRUG_WEIGHT * beside * (1.0 if own else MAYBE_SHARE)
        for f in facets[i]:
            f = f.removeprefix("order:")
            if f.startswith(("drug:", "maybe:")):
                continue
            elif f.startswith("city:"):
                w += CITY_WEIGHT * beside
            elif f.startswith("shop:"):
                w += SHOP_WEIGHT
            elif f.startswith("topic:") or (
                    f.startswith("purpose:") and (not (sale and wanted.drugs) or has_drug)):
                w += PURPOSE_WEIGHT
        w += WORDS_WEIGHT * coverage.get(i, 0.0)
        if sale and wanted.drugs and priced[i]:
            w += PRICED_WEIGHT
        if payment[i] and (handed[i] or not priced[i]) and (
                sale or (wanted.purpose is None and shop_named)):
            w -= PAYMENT_COST
        if wanted.drops and drops[i]:
            w += 1
        w += sum(bool(mask[i]) for mask in jobs.values())
        w += PAY_KIND_WEIGHT * any(bool(mask[i]) for mask in pay_kinds.values())
        if wanted.trade and news[i]:
            w -= NEWS_COST
        if i in jobs_offered:
            w -= OTHER_COST
        return w

    is_content = {i: content(i) for i in order}

    # A query about the drug trade whose first places are the trade's texts.
    offers_next = wanted.trade and not (wanted.police or wanted.stash)

    def asked(i: int) -> bool:
        return coverage.get(i, 0.0) > 0 or i in on_topic

    if wanted.topics and not wanted.police and not any(
            asked(i) for i in order if is_content[i]):
        # The weather, a match: when no seller writes of it, whoever else does.
        is_content = {i: asked(i) and not snap.short[i] and snap.role[i] != "service"
                      and not trade[i] for i in order}
    # A query of words alone (no drug, purpose or shop in it: "велосипед Караганда") that no
    # shop's offer holds while another seller's text does (a flea-market ad, a pizzeria's
    # post) asks for those: the offers that match it only by meaning do not take the first
    # places. (The buyer's and chat members' texts never do: they are no content.)
    # ("Велосипед сатамын" too: a sale of no drug is what the flea market offers as well.)
    # (Never a query with a sign of the drug trade in it: slang, a stash, "наркотики"; nor one
    # that asks to buy, as of a shop: "где купить", "магазин", "цена".)
    hawked = wanted.purpose is None or wanted.purpose == "sale" and wanted.for_sale
    words_only = not (wanted.drugs or wanted.police or not hawked
                      or shop_named or wanted.buyer or wanted.lost_stash or wanted.stash
                      or wanted.signs)
    if words_only and not any(coverage.get(i, 0.0) > 0 for i in order if is_content[i]):
        # The sellers' texts that hold its words come first; the buyer's and members' texts
        # stay below them as everywhere.
        sellers = {i: coverage.get(i, 0.0) > 0 and snap.role[i] == "seller"
                   and not snap.short[i] for i in order}
        if any(sellers.values()):
            is_content = sellers
            offers_next = False

    def tier(i: int) -> tuple[int, float, int]:
        w = weight(i) - (0.0 if is_content[i] else OTHER_COST)
        # A button press of a word or two comes last whatever it matches.
        button = bool(snap.short[i]) and not ((wanted.buyer or wanted.lost_stash)
                                              and is_content[i]
                                              or lookup and coverage.get(i, 0.0) > 0)
        return int(not button), round(w / STEP) * STEP, int(is_content[i])

    best = max(fused.values(), default=1.0)
    tiers: dict[tuple[int, float, int], list[int]] = {}
    for i in order:
        tiers.setdefault(tier(i), []).append(i)
    ranked: list[int] = []
    for key in sorted(tiers, reverse=True):
        # Greedy: the next hit is the best of the tier after what its shop already shows.
        left = tiers[key]
        shown: dict[Any, int] = {}
        while left and len(ranked) < SPREAD_PICKS * k:
            j = max(range(len(left)), key=lambda n: (
                fused[left[n]] / best - SHOP_REPEAT_COST * shown.get(snap.speaks_for[left[n]], 0),
                -n))
            i = left.pop(j)
            shown[snap.speaks_for[i]] = shown.get(snap.speaks_for[i], 0) + 1
            ranked.append(i)
        # Below what can be shown, the spreading does not matter: the rest in order.
        ranked += left
    # The first places go to content: as many distinct texts (a post and its listing are one).
    first: list[int] = []
    texts: set[Any] = set()
    for i in ranked:
        if len(texts) >= CONTENT_FIRST and snap.fold[i] not in texts:
            break
        if is_content[i]:
            first.append(i)
            texts.add(snap.fold[i])
    if len(texts) < CONTENT_FIRST and offers_next:
        # Fewer texts of the purpose asked for than first places: the shops' other offers,
        # recruitment and payment details that match something of the query (its drug, city,
        # shop or words) come before the buyer's and members' texts.
        for i in ranked:
            if len(texts) >= CONTENT_FIRST and snap.fold[i] not in texts:
                break
            if not is_content[i] and trade[i] and not news[i] and snap.role[i] == "seller" \
                    and not snap.short[i] and (facets[i] or coverage.get(i, 0.0) > 0):
                first.append(i)
                texts.add(snap.fold[i])
    placed = set(first)
    return first + [i for i in ranked if i not in placed]


def fold(snap: _Snapshot, order: list[int], k: int) -> list[list[int]]:
    """The first `k` distinct texts of `order`, each with the documents folded into it."""
    groups: dict[Any, list[int]] = {}
    for i in order:
        key = snap.fold[i]
        if key in groups:
            groups[key].append(i)
        elif len(groups) < k:
            groups[key] = [i]
    return list(groups.values())
