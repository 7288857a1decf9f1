"""The citation ledger of one turn, and the verifier of the answer's [n] markers."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from tools.models import Record, Source

_MARKER = re.compile(r"\[(\d+)\]")
# Things an answer must not state unless a cited record contains them.
_CHECKED = re.compile(
    r"\b(?:T[1-9A-HJ-NP-Za-km-z]{33}|0x[0-9a-fA-F]{40}|bc1[0-9a-z]{8,87}|KZ\d{2}[0-9A-Z]{16}"
    r"|\d[\d ]{3,}\d(?:[.,]\d+)?|\d+[.,]\d+)\b")


class Citation(BaseModel):
    n: int
    id: str
    kind: str
    record: dict[str, Any]
    source: Source
    verified: bool
    reason: str | None = None


class Answer(BaseModel):
    answer: str
    citations: list[Citation]
    steps: list[str]
    verified: bool
    flags: list[str]


@dataclass
class Ledger:
    """Numbers every record the turn's tools returned; only these may be cited."""

    records: dict[int, Record] = field(default_factory=dict)
    by_id: dict[str, int] = field(default_factory=dict)
    # Payment details found in each record, normalised: a phone written "+7 775 899 5790" in
    # an answer is the "8(775)899-57-90" of the message.
    details: dict[int, list[str]] = field(default_factory=dict)
    # What the tools computed this turn (traced amounts, totals): derived facts may be stated.
    derived: list[str] = field(default_factory=list)

    def add(self, record: Record, details: list[str] = ()) -> int:  # type: ignore[assignment]
        if record.id not in self.by_id:
            n = len(self.records) + 1
            self.records[n] = record
            self.by_id[record.id] = n
            self.details[n] = list(details)
        return self.by_id[record.id]

    def verify(self, text: str) -> tuple[list[Citation], list[str]]:
        """Citations for the markers in `text`, and what in `text` no cited record supports."""
        citations, flags = [], []
        cited = sorted({int(m) for m in _MARKER.findall(text)})
        evidence = ""
        digits = {_digits(v) for n in cited for v in self.details.get(n, [])} - {""}
        for n in cited:
            rec = self.records.get(n)
            if rec is None:
                flags.append(f"[{n}] cites no record returned in this turn")
                continue
            evidence += json.dumps(rec.fields, ensure_ascii=False) + rec.id
            citations.append(Citation(n=n, id=rec.id, kind=rec.kind, record=rec.fields,
                                      source=rec.source, verified=True))
        plain = _MARKER.sub("", text)
        evidence += "\n".join(self.derived)
        compact_evidence = evidence.replace(" ", "")
        for m in _CHECKED.finditer(plain):
            token = m.group(0).strip()
            if token.replace(" ", "") not in compact_evidence and \
                    token.replace(",", ".") not in evidence and _digits(token) not in digits:
                flags.append(f"{token!r} is in no cited record")
        if flags:
            for c in citations:
                c.verified = not any(f.startswith(f"[{c.n}]") for f in flags)
        return citations, flags


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)
