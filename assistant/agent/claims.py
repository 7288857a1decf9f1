"""An answer's claims and the facts each states, and whether the records it cites state them.

A claim is a sentence, a list item or a table row, with the [n] markers inside it. Its facts are
what a court would check: addresses, transaction hashes, cards, IBANs, phones, record ids,
dates, amounts and counts in any writing ("95 260", "95,260.00", "95 260,00", "95.3 тыс."),
what a trace made of an address (beneficiary, exchange deposit, origin, residue; in Russian,
Kazakh and English), and the names of shops and people the turn's records know. Everything
here is linear in the text: regular expressions without nested repetition, one pass per kind.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

FactKind = Literal["address", "hash", "card", "iban", "phone", "ref", "date", "number", "name",
                   "role"]

MARKER = re.compile(r"\[(\d{1,4})\]")
# Any "[n]", however long: the markers an answer numbers and renumbers, and what evidence text
# written to look like one holds.
ANY_MARKER = re.compile(r"\[(\d+)\]")
_B58 = "1-9A-HJ-NP-Za-km-z"
# Identifiers by their shape only: an address with one character changed must still be found
# (and then fail to match), so no checksum is asked for here.
_IDENTIFIERS: list[tuple[FactKind, re.Pattern[str]]] = [
    ("ref", re.compile(r"\b(?:tg|listing|bank|tag|tron|eth|btc):[^\s,;()«»\"]+[^\s,;()«».:\"]")),
    ("hash", re.compile(r"\b(?:0x)?[0-9a-fA-F]{64}\b")),
    ("address", re.compile(rf"\b(?:T[{_B58}]{{33}}|0x[0-9a-fA-F]{{40}}|bc1[0-9a-z]{{8,87}}"
                           rf"|[13][{_B58}]{{25,34}})\b")),
    ("iban", re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[0-9A-Z]{4}){3,7}(?:[ ]?[0-9A-Z]{1,3})?\b")),
    ("card", re.compile(r"(?<![\d*])\d{4}[ -]?\d{2}[\d*xX•]{2}[ -]?[\d*xX•]{4}[ -]?\d{4}"
                        r"(?![\d*])")),
    ("phone", re.compile(r"(?<![\d+])(?:\+7|8)[ (-]{0,2}\d{3}[ )-]{0,2}\d{3}[ -]?\d{2}[ -]?\d{2}"
                         r"(?!\d)")),
    ("date", re.compile(r"(?<!\d)(?:\d{4}-\d{2}-\d{2}|\d{2}\.\d{2}\.\d{4})(?!\d)")),
]
# What a trace made of an address, in the three languages (and the tools' own words): a claim
# calling an exchange deposit a beneficiary is wrong even with the right address and amount.
_ROLES: list[tuple[str, re.Pattern[str]]] = [
    ("exchange_deposit", re.compile(
        r"\bexchange[_ ]deposits?\b|\bdeposit address(?:es)?\b|\bдепозит\w* бирж\w*"
        r"|\bдепозитн\w* адрес\w*|\bбиржа депозит\w*|\bдепозит мекенжай\w*", re.I)),
    ("beneficiary", re.compile(
        r"\bbeneficiar(?:y|ies)\b|\bfinal recipients?\b|\bконечн\w* получател\w*"
        r"|\bсоңғы алушы\w*", re.I)),
    ("origin", re.compile(r"\borigins?\b|\bисточник\w*|\bбастау көз\w*", re.I)),
    ("residue", re.compile(r"\bresidue\b|\bостат\w*|\bқалдық\w*", re.I)),
]
_TIME = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}:\d{2})?(?!\d)")
_NUMBER = re.compile(
    r"(?<![\w.,])\d+(?:[  \u202f]\d{3})*(?:[.,]\d+)*"
    r"(?:\s?(тыс|тысяч[а-я]*|мың|млн|миллион[а-я]*|млрд|thousand|million|bn|k|m)\b\.?)?",
    re.I)
_SCALES = {"тыс": 3, "тысяч": 3, "мың": 3, "thousand": 3, "k": 3, "млн": 6, "миллион": 6,
           "million": 6, "m": 6, "млрд": 9, "bn": 9}


@dataclass(frozen=True)
class Fact:
    """One checkable thing a text states: `key` is its normal form, `text` as written."""

    kind: FactKind
    text: str
    key: str
    # A number's possible readings ("1,443" is 1443 or 1.443) and how close a stated value
    # must be (it may be rounded or cut to the digits shown: "95.3 тыс." is 95 260).
    values: tuple[Decimal, ...] = ()
    within: Decimal = Decimal(0)
    unit: str = ""  # what a count counts, when a word beside it says (hops, payers, cards)

    def same(self, other: Fact) -> bool:
        """Whether `other` (a fact of the evidence) is this fact."""
        if self.kind == "number":
            if other.kind != "number" or self.unit and other.unit and self.unit != other.unit:
                return False
            if self.within == 1 and all(abs(v) < 100 for v in self.values):
                # A small whole number is a count ("3 hops"): it is exactly one, never 2.72
                # rounded.
                return any(v == w for v in self.values for w in other.values)
            return any(abs(v - w) < self.within or v == w
                       for v in self.values for w in other.values)
        if self.kind != other.kind:
            return False
        if self.kind == "card" and "*" in self.key + other.key:
            # A masked card ("4405 63** **** 9486") is any card with its visible digits.
            return len(other.key) == len(self.key) == 16 and all(
                a == b or "*" in (a, b) for a, b in zip(self.key, other.key, strict=True))
        if self.kind == "ref":
            return self.key in other.key
        return self.key == other.key


@dataclass
class Claim:
    """A sentence, list item or table row, its markers and its facts."""

    text: str
    markers: list[int]
    facts: list[Fact] = field(default_factory=list)


def _normal(kind: FactKind, raw: str) -> str:
    if kind in ("card", "phone"):
        key = re.sub(r"[^\d*xX•]", "", raw)
        key = re.sub(r"[xX•]", "*", key)
        return key[-10:] if kind == "phone" else key
    if kind == "iban":
        return raw.replace(" ", "").upper()
    if kind == "hash":
        return raw.lower().removeprefix("0x")
    if kind == "date":
        if "." in raw:
            d, m, y = raw.split(".")
            return f"{y}-{m}-{d}"
        return raw
    return raw


def number_readings(raw: str) -> tuple[tuple[Decimal, ...], Decimal]:
    """Every value `raw` may mean, and the step of its last digit (scaled): "95 260,00" →
    (95260,), 0.01; "1,443" → (1443, 1.443), 1; "95.3 тыс." → (95300,), 100."""
    m = _NUMBER.fullmatch(raw.strip())
    scale_word = (m.group(1) or "").lower() if m else ""
    digits = raw[: m.start(1)] if m and m.group(1) else raw
    digits = re.sub(r"[  \u202f]", "", digits.strip())
    scale = Decimal(10) ** next((p for w, p in _SCALES.items() if scale_word.startswith(w)), 0)
    seps = [c for c in digits if c in ".,"]
    readings: list[tuple[str, int]] = []  # (plain decimal text, digits after the point)
    if not seps:
        readings.append((digits, 0))
    elif len(set(seps)) == 2:
        point = digits[max(digits.rfind("."), digits.rfind(","))]
        whole, _, frac = digits.rpartition(point)
        readings.append((re.sub(r"[.,]", "", whole) + "." + frac, len(frac)))
    elif len(seps) > 1:
        readings.append((re.sub(r"[.,]", "", digits), 0))
    else:
        whole, _, frac = digits.partition(seps[0])
        readings.append((f"{whole}.{frac}", len(frac)))
        if len(frac) == 3 and whole != "0":
            readings.append((whole + frac, 0))
    values, step = [], Decimal(0)
    for text, places in readings:
        try:
            values.append(Decimal(text) * scale)
        except InvalidOperation:
            continue
        step = max(step, Decimal(1).scaleb(-places) * scale)
    return tuple(values), step


def facts_of(text: str, names: Iterable[str] = ()) -> list[Fact]:
    """The checkable facts `text` states, markers left out; `names` are the shop and person
    names worth finding (the turn's records know them)."""
    text = MARKER.sub(" ", text)
    found: list[Fact] = []
    masked = list(text)

    def mask(start: int, end: int) -> None:
        masked[start:end] = " " * (end - start)

    for kind, pattern in _IDENTIFIERS:
        for m in pattern.finditer("".join(masked)):
            raw = m.group(0)
            if kind == "iban" and not any(c.isdigit() for c in raw[4:]):
                continue
            found.append(Fact(kind, raw, _normal(kind, raw)))
            mask(m.start(), m.end())
    rest = "".join(masked)
    for m in _TIME.finditer(rest):
        mask(m.start(), m.end())
    rest = "".join(masked)
    for m in _NUMBER.finditer(rest):
        raw = m.group(0).strip()
        values, step = number_readings(raw)
        if values:
            found.append(Fact("number", raw, str(values[0]), values, step,
                              _unit(rest, m.start(), m.end())))
    for role, pattern in _ROLES:
        said = pattern.search(text)
        if said:
            found.append(Fact("role", said.group(0), role))
    lowered = text.casefold()
    for name in names:
        if len(name) >= 3 and _word_in(name.casefold(), lowered):
            found.append(Fact("name", name, name.casefold()))
    return found


# Words that say what a count counts, in the three languages, by their stems.
_UNITS = [(unit, re.compile(stems, re.I)) for unit, stems in (
    ("hop", r"hops?|перевод\w*|аударым\w*"), ("time", r"times?|раза?|рет"),
    ("operation", r"operations?|операци\w*"), ("payer", r"payers?|плательщик\w*|төлеуші\w*"),
    ("card", r"cards?|карт\w*"), ("phone", r"phones?|телефон\w*"),
    ("iban", r"iban\w*|accounts?|сч[её]т\w*|шот\w*"),
    ("wallet", r"wallets?|кошел\w*|әмиян\w*|tron|btc|eth"),
    ("file", r"files?|файл\w*"))]
_NEXT_WORD = re.compile(r"\s?([^\W\d_]+)")
_PREVIOUS_WORD = re.compile(r"([^\W\d_]+):?\s?$")


def _unit(text: str, start: int, end: int) -> str:
    """The unit of the number at text[start:end]: the word after it, else the word before."""
    after = _NEXT_WORD.match(text, end)
    before = _PREVIOUS_WORD.search(text[max(0, start - 30):start])
    for word in (after and after[1], before and before[1]):
        for unit, pattern in _UNITS:
            if word and pattern.fullmatch(word):
                return unit
    return ""


def _word_in(needle: str, haystack: str) -> bool:
    start = haystack.find(needle)
    while start >= 0:
        end = start + len(needle)
        if (start == 0 or not haystack[start - 1].isalnum()) and \
                (end == len(haystack) or not haystack[end].isalnum()):
            return True
        start = haystack.find(needle, start + 1)
    return False


_ITEM = re.compile(r"^\s*(?:[-*•]\s+|\d{1,3}[.)]\s+|\|)")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\[\"«(A-ZА-ЯЁӘҒҚҢӨҰҮҺІ0-9])")
_TABLE_RULE = re.compile(r"^\s*\|?[\s:|-]+\|?\s*$")
# A point after these ends a word, not a sentence ("95.3 тыс. USDT", "т.е. 5").
_ABBREVIATION = re.compile(r"(?:\b(?:тыс|тысяч|млн|млрд|руб|тг|г|гг|ул|т\.е|т\.к|e\.g|i\.e|"
                           r"approx|No|no|vs)|\d)\.$", re.I)


def split_claims(text: str) -> list[Claim]:
    """The claims of an answer, in order: each list item and table row is one, other lines are
    cut into sentences; markers standing alone after a sentence's end belong to it."""
    claims: list[Claim] = []
    for line in text.splitlines():
        if not line.strip() or _TABLE_RULE.match(line):
            continue
        pieces = [line] if _ITEM.match(line) else _sentences(line)
        for piece in pieces:
            piece = piece.strip()
            if not piece:
                continue
            if claims and not MARKER.sub("", piece).strip(" .,;") and not _ITEM.match(piece):
                claims[-1].text += " " + piece
                claims[-1].markers += [int(n) for n in MARKER.findall(piece)]
                continue
            claims.append(Claim(piece, [int(n) for n in MARKER.findall(piece)]))
    for c in claims:
        c.markers = list(dict.fromkeys(c.markers))
    return claims


def _sentences(line: str) -> list[str]:
    out: list[str] = []
    for piece in _SENTENCE_END.split(line):
        if out and _ABBREVIATION.search(out[-1]):
            out[-1] += " " + piece
        else:
            out.append(piece)
    return out


# --- the evidence side ---------------------------------------------------------------------

_NAME_FIELDS = ("chat_name", "from", "vendor", "shop", "shop_name", "label", "entity", "name",
                "payer_name", "payee_name",
                "payer", "payee", "counterparty", "holder", "bank", "title", "pack")


def record_names(fields: dict[str, Any]) -> list[str]:
    """Names a record gives (shops, people, entities), for finding them in claims."""
    out = []
    for key in _NAME_FIELDS:
        value = fields.get(key)
        if isinstance(value, str) and 3 <= len(value) <= 80 and \
                any(c.isalpha() for c in value) and not facts_of(value):
            out.append(value.strip())
            out.extend(part.strip() for part in value.split("|")[:1] if "|" in value)
    return out


# Numbers about the file, not the facts: a token's decimals or a message's number in its chat
# would otherwise "support" a count of 6 hops or 4 cards.
_META_FIELDS = frozenset({"decimals", "message_id", "knp", "amount_raw", "token_contract"})


@dataclass
class Evidence:
    """What one record states, as facts, and its main amounts and parties for a reason."""

    facts: list[Fact]
    text: str
    amounts: list[str]
    parties: list[str]

    def states(self, fact: Fact) -> bool:
        if fact.kind == "name":
            return fact.key in self.text
        return any(fact.same(f) for f in self.facts)


def record_evidence(record_id: str, fields: dict[str, Any], details: Sequence[str] = ()
                    ) -> Evidence:
    # Fields apart ("; "): an IBAN field followed by the amount field is not one longer
    # IBAN swallowing the amount's digits ("KZ14…7311 150000.00").
    text = " ; ".join([record_id, *(_flat({k: v for k, v in fields.items()
                                            if k not in _META_FIELDS}))])
    # A record's own "[99]" is data (fenced as "(99)" for the model), not a marker.
    facts = facts_of(text.replace("[", "(").replace("]", ")"))
    for d in details:  # payment details found at ingest, in their normal form
        for kind in ("card", "iban", "phone", "address"):
            if _matches(kind, d):
                facts.append(Fact(kind, d, _normal(kind, d)))  # type: ignore[arg-type]
                break
    local = local_day(fields.get("date"))
    if local:
        # A message's day as its chat export shows it (Kazakhstan time), beside its UTC day.
        facts.append(Fact("date", local, local))
    amounts = [_show(fields[k]) for k in ("amount", "amount_kzt", "price") if k in fields]
    parties = [str(fields[k]) for k in ("from", "to") if fields.get(k)]
    return Evidence(facts, text.casefold(), amounts, parties)


def local_day(value: Any) -> str | None:
    """The day of an ISO timestamp with an offset in the case's local time (UTC+5); None
    for anything else (a time without an offset says no day of the case's)."""
    try:
        ts = datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
    if ts is None or ts.tzinfo is None:
        return None
    return f"{ts.astimezone(timezone(timedelta(hours=5))):%Y-%m-%d}"


def _matches(kind: str, value: str) -> bool:
    pattern = dict(_IDENTIFIERS)[kind]  # type: ignore[index]
    return bool(pattern.fullmatch(value))


def _flat(value: Any) -> Iterable[str]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _flat(v)
    elif isinstance(value, list):
        for v in value:
            yield from _flat(v)
    elif value is not None:
        yield str(value) if not isinstance(value, float) else json.dumps(value)


def _show(value: Any) -> str:
    try:
        number = Decimal(str(value).replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return str(value)
    return f"{number:,.2f}".replace(",", " ")


def describe(fact: Fact) -> str:
    """A fact as a reason names it: as written (an address in full, so one changed character
    shows), a transaction hash shortened."""
    if fact.kind == "hash":
        return f"{fact.text[:10]}…{fact.text[-6:]}"
    return fact.text
