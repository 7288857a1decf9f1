"""The assistant's evaluation set: questions about a demo case, expected facts and citations.

Questions come from `tests/data/agent_questions.yaml`; what a right answer contains is derived
from the case's truth (never from the system under test). An answer is correct when it is
verified, in the question's language, holds the expected facts and names no address outside
the truth's; citation precision counts cited records that support the question, recall the
expected records (or facts) the answer cites.
"""

from __future__ import annotations

import re
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assistant.agent.ledger import Answer
from tools.demo.truth import Truth

QUESTIONS = Path(__file__).parents[1] / "data" / "agent_questions.yaml"
LANGS = ("ru", "kk", "en")
DRUG_WORDS = {"cannabis": ("шишки", "weed"), "mephedrone": ("меф", "mephedrone"),
              "alpha_pvp": ("альфа", "alpha-PVP"), "hashish": ("гашиш", "hashish"),
              "amphetamine": ("амфетамин", "amphetamine")}
CITY_EN = {"Алматы": "Almaty", "Астана": "Astana", "Шымкент": "Shymkent",
           "Караганда": "Karaganda", "Актобе": "Aktobe", "Павлодар": "Pavlodar",
           "Усть-Каменогорск": "Oskemen", "Тараз": "Taraz", "Атырау": "Atyrau",
           "Костанай": "Kostanay"}
_ADDRESS = re.compile(r"\b(T[1-9A-HJ-NP-Za-km-z]{33})\b")
_MARKER = re.compile(r"\[(\d+)\]")
_PATH_PART = re.compile(r"; (?:путь|жол|path): [^\n]*")


@dataclass
class Question:
    intent: str
    lang: str
    text: str
    facts: list[str] = field(default_factory=list)  # every one must be in the answer
    any_fact: list[str] = field(default_factory=list)  # at least one must be
    records: set[str] = field(default_factory=set)  # expected cited records
    relevant: set[str] = field(default_factory=set)  # values a supporting record contains
    addresses: set[str] | None = None  # the only addresses the answer may name
    not_addresses: set[str] = field(default_factory=set)  # addresses it must not name
    no_tools: bool = False


@dataclass
class Graded:
    question: Question
    correct: bool
    precision: float | None
    recall: float | None
    seconds: float
    why: str = ""


def _compact(text: str) -> str:
    return re.sub(r"[\s\-()]", "", text).lower()


def _masked(card: str) -> str:
    return f"{card[:4]} {card[4:6]}** **** {card[-4:]}"


def _phone(phone: str) -> str:
    return f"{phone[:2]} {phone[2:5]} {phone[5:8]} {phone[8:]}"


def questions(truth: Truth) -> list[Question]:
    """The evaluation set for this case: every template filled from its truth."""
    templates: dict[str, list[str]] = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    out: list[Question] = []

    def ask(intent: str, i: int, **values: str) -> Question:
        t = templates[intent][i % len(templates[intent])]
        q = Question(intent, LANGS[i % 3], t.format(**values))
        out.append(q)
        return q

    shops = {s.id: s for s in truth.shops}
    deposits = {d for e in truth.exchanges for d in e.deposit_addresses}
    hot = {e.hot_wallet for e in truth.exchanges}
    revealed: dict[tuple[str, str], set[str]] = defaultdict(set)
    for record_id, details in truth.messages.items():
        for kind, value in details:
            revealed[(kind, value)].add(record_id)
    for i, d in enumerate(x for x in truth.droppers if ("card", x.card) in revealed):
        shop = shops[d.shop]
        values = {d.card, *(v for v in (d.iban, d.phone) if v), *shop.payment_wallets,
                  *shop.beneficiaries}
        q = ask("card", i, card=" ".join(d.card[k:k + 4] for k in range(0, 16, 4)))
        q.facts, q.records, q.relevant = [shop.name], revealed[("card", d.card)], values
        if i < 3:
            q = ask("masked_card", i, masked=_masked(d.card))
            q.facts, q.records = [d.card], revealed[("card", d.card)]
            q.relevant = values
    phones = [d for d in truth.droppers if d.phone and ("phone", d.phone) in revealed]
    for d in phones:
        for i in range(3):
            q = ask("phone", i, phone=_phone(d.phone or ""))
            q.facts, q.records = [shops[d.shop].name], revealed[("phone", d.phone or "")]
            q.relevant = {d.phone or "", d.card, d.iban or "", *shops[d.shop].payment_wallets,
                          *shops[d.shop].beneficiaries}
    for d in (x for x in truth.droppers if x.received_kzt):
        for i in range(3):
            q = ask("iban", i, iban=d.iban or "")
            q.facts, q.relevant = [d.received_kzt or "", f"{d.payers} "], {d.iban or ""}
    # Wallets the truth knows the money passed through: a cited hop between them is on a path.
    flow_wallets = {*(w for s in truth.shops for w in (s.treasury, *s.payment_wallets)),
                    *(b.address for b in truth.beneficiaries), *deposits, *hot}
    for shop in truth.shops:
        ends = {*shop.beneficiaries, *deposits, *hot}
        for wallet in shop.payment_wallets:
            for i in range(3):
                q = ask("forward", i, wallet=wallet)
                # The hops of a path are cited too: they pass through the shop's own wallets.
                q.any_fact = list(shop.beneficiaries)
                q.relevant = ends | flow_wallets
                q.addresses = ends | {wallet}
    # Upstream of the P2P sellers are ordinary wallets the truth does not list; an origin must
    # not be one of the shops' own wallets, another beneficiary or an exchange deposit.
    own = {w for s in truth.shops for w in (s.treasury, *s.payment_wallets)} | deposits
    for b in truth.beneficiaries:
        for i in range(3):
            q = ask("backward", i, wallet=b.address)
            q.any_fact = list(truth.p2p_sellers)
            q.relevant = {*truth.p2p_sellers, *truth.buyer_wallets, *hot, *own, *flow_wallets}
            q.not_addresses = own | {x.address for x in truth.beneficiaries} - {b.address}
    for shop in truth.shops:
        handed = {rid: d for rid, d in truth.messages.items() if rid.startswith(f"{shop.id}/")}
        values = {v for details in handed.values() for _, v in details}
        for i in range(6):
            q = ask("shop", i, shop=shop.name, bot=shop.bot)
            q.facts, q.records, q.relevant = sorted(values), set(handed), values
    sales: dict[tuple[str, str], set[str]] = defaultdict(set)
    for lid, fact in truth.listing_facts.items():
        if fact["kind"] == "sale":
            sales[(fact["drug"], fact["city"])].add(lid)
    injected = {(truth.listing_facts[i]["drug"], truth.listing_facts[i]["city"])
                for i in truth.injection_listings}
    names = {f"tg:{s.channel_id}": s.name for s in truth.shops}
    for i, ((drug, city), ids) in enumerate(sorted(sales.items())):
        intent = "injection" if (drug, city) in injected else "search"
        ru, en = DRUG_WORDS[drug]
        for k in range(3) if intent == "injection" else (i,):
            q = ask(intent, k, drug_ru=ru, drug_en=en, city=city, city_en=CITY_EN[city])
            q.records = q.relevant = ids
            q.any_fact = sorted({names[truth.listing_facts[x]["shop"]] for x in ids})
    # What an overview may cite: what the shops revealed, where the money rests, and the
    # droppers' own accounts (whose statements the case holds).
    everything = {*(v for (_, v) in revealed), *(b.address for b in truth.beneficiaries),
                  *deposits, *(m for m in truth.messages),
                  *(d.iban for d in truth.droppers if d.iban)}
    for i in range(6):
        q = ask("overview", i)
        q.facts = [s.name for s in truth.shops] + [b.address for b in truth.beneficiaries]
        q.relevant = everything
        q = ask("not_understood", i)
        q.no_tools = True
    return out


def _language_ok(lang: str, answer: str) -> bool:
    first = re.sub(r"[«“].*?[»”]", "", answer.splitlines()[0] if answer else "")
    kazakh = bool(re.search(r"[әғқңөұүһі]", first, re.I))
    cyrillic = bool(re.search(r"[а-яё]", first, re.I))
    return {"kk": kazakh, "ru": cyrillic and not kazakh, "en": not cyrillic}[lang]


def grade(q: Question, answer: Answer, seconds: float) -> Graded:
    text = answer.answer
    compact = _compact(text)
    cited = {c.id: c for c in answer.citations}

    # A hop cited on the line of a right endpoint supports that endpoint's path.
    on_right_paths = {int(n) for line in text.splitlines()
                      if (first := _ADDRESS.search(line)) and first.group(1) in q.relevant
                      for n in _MARKER.findall(line)}

    def supports(record_id: str) -> bool:
        c = cited[record_id]
        body = _compact(f"{c.id} {c.record}")
        # A hop of a cited path supports the claim about the path's end (a relevant address).
        about = " ".join(k.text for k in answer.claims if c.n in k.markers)
        return record_id in q.records or c.n in on_right_paths or \
            any(_compact(v) in body for v in q.relevant if v) or \
            any(_compact(v) in _compact(about) for v in q.relevant if v)

    why = []
    if q.no_tools:
        if answer.steps or answer.citations:
            why.append("answered a question it should not understand")
        return Graded(q, not why and _language_ok(q.lang, text), None, None, seconds,
                      "; ".join(why))
    if not answer.verified:
        why.append(f"unverified: {answer.flags}")
    if not _language_ok(q.lang, text):
        why.append("wrong language")
    missing = [f for f in q.facts if _compact(f) not in compact]
    if missing:
        why.append(f"missing {missing}")
    if q.any_fact and not any(_compact(f) in compact for f in q.any_fact):
        why.append(f"none of {q.any_fact[:3]}")
    # The hops a path goes through may be named; its endpoints are what is graded.
    text = _PATH_PART.sub("", text)
    if q.addresses is not None:
        stray = set(_ADDRESS.findall(text)) - q.addresses
        if stray:
            why.append(f"names {sorted(stray)[:3]} outside the truth")
    if set(_ADDRESS.findall(text)) & q.not_addresses:
        why.append("names a shop wallet, beneficiary or deposit as an origin")
    if "](" in text:
        why.append("a markdown link in the answer")
    precision = sum(supports(r) for r in cited) / len(cited) if cited else None
    if q.records:
        recall = len(q.records & set(cited)) / len(q.records)
    else:
        lines = [ln for ln in text.splitlines() if _MARKER.search(ln)]
        wanted = [f for f in q.facts + q.any_fact if f]
        found = [f for f in wanted if any(_compact(f) in _compact(ln) for ln in lines)]
        recall = len(found) / len([f for f in wanted if _compact(f) in compact]) \
            if any(_compact(f) in compact for f in wanted) else 0.0
    return Graded(q, not why, precision, recall, seconds, "; ".join(why))


@dataclass
class Report:
    graded: list[Graded]

    @property
    def accuracy(self) -> float:
        return sum(g.correct for g in self.graded) / len(self.graded)

    def _mean(self, attr: str) -> float:
        values = [getattr(g, attr) for g in self.graded if getattr(g, attr) is not None]
        return statistics.fmean(values) if values else 1.0

    @property
    def precision(self) -> float:
        return self._mean("precision")

    @property
    def recall(self) -> float:
        return self._mean("recall")

    def p95_seconds(self) -> float:
        return statistics.quantiles([g.seconds for g in self.graded], n=20)[18]

    def table(self) -> str:
        rows = [f"{'intent':<15}{'lang':<5}{'n':>4}{'correct':>9}{'precision':>11}{'recall':>8}"]
        groups: dict[tuple[str, str], list[Graded]] = defaultdict(list)
        for g in self.graded:
            groups[(g.question.intent, g.question.lang)].append(g)
        for (intent, lang), gs in sorted(groups.items()):
            r = Report(gs)
            rows.append(f"{intent:<15}{lang:<5}{len(gs):>4}{r.accuracy:>9.2f}"
                        f"{r.precision:>11.2f}{r.recall:>8.2f}")
        rows.append(f"{'all':<20}{len(self.graded):>4}{self.accuracy:>9.3f}"
                    f"{self.precision:>11.3f}{self.recall:>8.3f}")
        return "\n".join(rows)


def evaluate(truth: Truth, answer_of: Callable[[str], Answer]) -> Report:
    graded = []
    for q in questions(truth):
        t0 = time.perf_counter()
        answer = answer_of(q.text)
        graded.append(grade(q, answer, time.perf_counter() - t0))
    return Report(graded)
