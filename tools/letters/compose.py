"""A letter's facts as the lines a template shows, each with the records it cites ([n]) and
the figures computed from them, so every line can be checked before anything is written."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any

from pydantic import BaseModel, Field

from tools.letters.models import AddressFacts, Language, LetterFacts
from tools.resources import read_text, shipped_yaml
from tools.text_safety import visible
from tools.trace.engine import DEPOSIT_SHARE, SWEEP_SECONDS


class Line(BaseModel):
    """One statement of the letter: the cells a template shows and the records it cites."""

    cells: dict[str, str]
    cites: list[str] = Field(default_factory=list, description="Record ids, shown as [n]")
    derived: list[tuple[str, list[str], list[str]]] = Field(
        default_factory=list, description="(text, records, names): figures computed from "
                                          "exactly these records, the anchor last")

    def bindings(self) -> list[tuple[str, list[str], list[str]]]:
        """`derived`, as checked (no-break spaces in amounts read as spaces)."""
        return [(text.replace("\u00a0", " "), records, names)
                for text, records, names in self.derived]

    def text(self) -> str:
        """The statement as checked (no-break spaces in amounts read as spaces)."""
        return " | ".join(self.cells.values()).replace("\u00a0", " ")


class LetterContent(BaseModel):
    case: str
    to: str
    lang: Language
    date: str
    token: str
    recipient: Line
    recipient_note: str
    addresses: list[Line]
    transfers: list[Line]
    custody: list[Line]
    cited: list[Line]
    method: list[str] = Field(description="How the funds were traced: facts of the request")
    heuristics: list[str]
    given: str = Field(description="What the method lines may state: the request, the trace's "
                                   "totals and the engine's thresholds")
    numbering: list[str] = Field(description="Record ids in the order of their [n]")

    def context(self) -> dict[str, Any]:
        """What the template is rendered with: every value text, bidi controls spelled out."""
        def rows(lines: list[Line]) -> list[dict[str, str]]:
            return [{k: visible(v) for k, v in line.cells.items()} for line in lines]

        return {"to": self.to, "case": visible(self.case), "date": self.date,
                "token": visible(self.token),
                "recipient": visible(self.recipient.cells["recipient"]),
                "recipient_refs": self.recipient.cells["refs"],
                "recipient_note": visible(self.recipient_note),
                "addresses": rows(self.addresses), "transfers": rows(self.transfers),
                "custody": rows(self.custody), "cited": rows(self.cited),
                "method": [visible(m) for m in self.method],
                "heuristics": [visible(h) for h in self.heuristics]}


@cache
def texts(lang: str) -> dict[str, Any]:
    data: dict[str, Any] = shipped_yaml(read_text("tools.letters", "texts.yaml"))
    return dict(data[lang])


def amount(value: str | Decimal, lang: str) -> str:
    """An exact amount, thousands grouped by no-break spaces (a table cell never breaks an
    amount); a decimal comma in Russian and Kazakh."""
    text = format(Decimal(value).normalize(), "f")
    whole, _, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    grouped = sign + "\u00a0".join([whole, *groups])
    return grouped + (("." if lang == "en" else ",") + frac if frac else "")


def when(ts: datetime | None) -> str:
    return f"{ts:%Y-%m-%d %H:%M:%S}" if ts else ""


class _Numbers:
    def __init__(self) -> None:
        self.order: dict[str, int] = {}

    def refs(self, record_ids: list[str]) -> str:
        marks = [self.order.setdefault(r, len(self.order) + 1) for r in dict.fromkeys(record_ids)]
        return " ".join(f"[{n}]" for n in marks)


def compose(facts: LetterFacts, lang: Language, today: datetime) -> LetterContent:
    """The lines of the letter in `lang`, numbered in the order they cite records."""
    nums = _Numbers()
    token = facts.token_label
    recipient, note = _recipient(facts, lang, nums)
    addresses = [_address_line(a, facts, lang, nums) for a in facts.addresses]
    transfers = []
    for tr in facts.transfers:
        transfers.append(Line(cells={
            "tx": tr.tx, "time": when(tr.time), "amount": f"{amount(tr.amount, lang)} {token}",
            "from": tr.from_address, "to": tr.to_address, "refs": nums.refs([tr.record_id])},
            cites=[tr.record_id]))
    custody = []
    for f in facts.custody:
        ids = [r.id for r in f.records]
        derived = f"{f.file} {f.sha256} {f.format} {f.ingested_at:%Y-%m-%d} {len(ids)}"
        custody.append(Line(cells={
            "file": f.file, "sha256": f.sha256, "format": f.format,
            "imported": f"{f.ingested_at:%Y-%m-%d}", "records": str(len(ids))},
            cites=ids, derived=[(derived, ids, [])]))
    for line in custody:  # the records' numbers are their first citation's, made above
        line.cells["records"] += " " + nums.refs(line.cites)
    method, heuristics, given = _method(facts, lang)
    numbering = list(nums.order)
    sources = {r.id: (f.file, r) for f in facts.custody for r in f.records}
    cited = []
    for rid in numbering:
        file, rec = sources[rid]
        cited.append(Line(cells={"n": f"[{nums.order[rid]}]", "id": rid, "kind": rec.kind,
                                 "file": file, "locator": rec.locator},
                          cites=[rid],
                          derived=[(f"{rid} {file} {rec.locator}", [rid], [])]))
    return LetterContent(
        case=facts.case, to=facts.to, lang=lang, date=f"{today:%Y-%m-%d}", token=token,
        recipient=recipient, recipient_note=note, addresses=addresses, transfers=transfers,
        custody=custody, cited=cited, method=method, heuristics=heuristics,
        given=given, numbering=numbering)


def _recipient(facts: LetterFacts, lang: str, nums: _Numbers) -> tuple[Line, str]:
    t = texts(lang)
    if facts.to == "issuer":
        anchor = [facts.transfers[-1].record_id] if facts.transfers else []
        text = t["issuer"].format(issuer=facts.issuer, token=facts.token_label,
                                  contract=facts.token_contract)
        refs = nums.refs(anchor)
        return (Line(cells={"recipient": text, "refs": refs}, cites=anchor,
                     derived=[(text, anchor, [facts.issuer or ""])]),
                t["issuer_note"].format(refs=refs))
    named = [a.attribution for a in facts.addresses if a.attribution and (
        a.attribution.kind == "deposit" or a.attribution.category == "exchange")]
    if not named:
        return Line(cells={"recipient": t["exchange_unnamed"], "refs": ""}), ""
    refs = nums.refs([named[0].tag_record])
    return (Line(cells={"recipient": named[0].name, "refs": refs},
                 cites=[named[0].tag_record]),
            t["exchange_note"].format(refs=refs))


def _address_line(a: AddressFacts, facts: LetterFacts, lang: str, nums: _Numbers) -> Line:
    t = texts(lang)
    token = facts.token_label
    cites: list[str] = []
    derived: list[tuple[str, list[str], list[str]]] = []
    attribution = t["no_attribution"]
    if (at := a.attribution) is not None:
        if at.kind == "tag":
            attribution = t["tag"].format(name=at.name)
            cites.append(at.tag_record)
        else:
            share = f"{at.swept_share:.0%}"
            attribution = t["deposit"].format(name=at.name, share=share)
            cites += [at.tag_record, *at.sweep_records]
            derived.append((attribution, [at.tag_record, *at.sweep_records], [at.name]))
    traced = ""
    if (ep := a.endpoint) is not None and ep.path:
        reason = t["reasons"].get(ep.reason, ep.reason)
        # A trace's share may run to 18 decimals: shown to the millionth (a USDT unit).
        share_of = Decimal(ep.amount).quantize(Decimal("0.000001"))
        traced = t["traced"].format(amount=amount(share_of, lang), token=token, reason=reason,
                                    hops=len(ep.path))
        path = [h.record_id for h in ep.path]
        cites += path[-1:]
        derived.append((f"{a.address} {traced}", path, []))
    received = f"{amount(a.received, lang)} {token}"
    sent = f"{amount(a.sent, lang)} {token}"
    held = t["held"].format(held=amount(a.held, lang), token=token,
                            date=f"{a.last_time:%Y-%m-%d}" if a.last_time else "")
    if a.transfers:
        cites.append(a.transfers[-1])
        derived.append((f"{a.address} {received} {sent} {held}", a.transfers, []))
    cites = list(dict.fromkeys(cites))
    return Line(cells={"address": a.address, "attribution": attribution, "received": received,
                       "sent": sent, "held": held, "traced": traced,
                       "refs": nums.refs(cites)}, cites=cites, derived=derived)


def _method(facts: LetterFacts, lang: str) -> tuple[list[str], list[str], str]:
    """How the funds were traced, the heuristics named as such, and the facts these lines may
    state (the request, the trace's totals, the engine's thresholds)."""
    t = texts(lang)
    share, hours = f"{DEPOSIT_SHARE:.0%}", SWEEP_SECONDS // 3600
    heuristics = [t["h_held"]]
    given = [f"{share} {hours}"]
    if any(a.attribution for a in facts.addresses):
        heuristics += [t["h_tags"], t["h_deposit"].format(share=share, hours=hours)]
    tr = facts.trace
    if tr is None:
        return [t["no_trace"]], heuristics, " ".join(given)
    req = tr.request
    starts = ", ".join(req.addresses)
    method = [t[f"direction_{req.direction}"].format(starts=starts), t["policy"][req.policy],
              t["hops"].format(hops=req.hops), t["token"].format(token=facts.token_label)]
    if req.since or req.until:
        method.append(t["period"].format(
            since=f"{req.since:%Y-%m-%d}" if req.since else t["period_open"],
            until=f"{req.until:%Y-%m-%d}" if req.until else t["period_open"]))
    method.append(t["totals"].format(traced=amount(tr.traced, lang), token=facts.token_label,
                                     transfers=tr.transfers_considered,
                                     addresses=tr.addresses_visited))
    given.append(req.model_dump_json())
    given.append(f"{tr.traced} {tr.transfers_considered} {tr.addresses_visited}")
    kinds = sorted({p.kind for p in tr.patterns})
    if kinds:
        heuristics.append(t["h_patterns"].format(patterns=", ".join(
            f"{t['patterns'][k]} ({sum(p.kind == k for p in tr.patterns)})" for k in kinds)))
        given.append(" ".join(str(sum(p.kind == k for p in tr.patterns)) for k in kinds))
    if tr.poisoning_excluded:
        heuristics.append(t["h_poisoning"].format(n=tr.poisoning_excluded))
        given.append(str(tr.poisoning_excluded))
    return method, heuristics, " ".join(given)
