"""Freeze and information request letters: facts gathered from the case, every one checked
against the records like an answer's claims, written as DOCX and PDF, and read back.

A letter with a fact the records do not support is not produced: `UnsupportedLetterError`
names each such statement and why. An alert, the agent, the CLI, the API and the UI all call
`draft_letter`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, Field

from assistant.agent.claims import Claim, Fact, facts_of
from assistant.agent.ledger import ClaimCheck, Ledger
from assistant.services.trace import trace_from
from tools.letters import LetterContent, LetterError, LetterRequest, Line, compose, gather
from tools.letters.document import (
    docx_has_active_content,
    docx_text,
    docx_to_pdf,
    render_docx,
    template_bytes,
)
from tools.letters.models import LetterFacts
from tools.store import CaseStore
from tools.text_safety import visible
from tools.trace import load_case_graph


class UnsupportedLetterError(LetterError):
    """A statement of the letter is not supported by the records it cites."""

    def __init__(self, failed: list[ClaimCheck]) -> None:
        self.failed = failed
        shown = "; ".join(f"{_short(c.text)}: {c.reason}" for c in failed[:3])
        more = f" (and {len(failed) - 3} more)" if len(failed) > 3 else ""
        super().__init__(f"the letter is not produced: {len(failed)} statement(s) not "
                         f"supported by the records — {shown}{more}")


class LetterSummary(BaseModel):
    """What was written and how it was checked (the files travel beside it)."""

    case: str
    to: str
    lang: str
    recipient: str
    addresses: list[str]
    statements: int = Field(description="Statements checked against the records")
    records: int = Field(description="Records cited ([n])")
    files: int = Field(description="Evidence files in the chain of custody, each re-hashed")
    verified: bool
    filename: str = Field(description="File name without extension")


class DraftedLetter(BaseModel):
    summary: LetterSummary
    content: LetterContent
    checks: list[ClaimCheck]
    docx: bytes = Field(exclude=True)
    pdf: bytes = Field(exclude=True)


def draft_letter(store: CaseStore, case: str, req: LetterRequest,
                 templates: Path | None = None, today: datetime | None = None
                 ) -> DraftedLetter:
    """The letter for `req`: facts from the case (and from `req.trace`, run here), checked,
    written with the office's template (`templates/<lang>.docx`, else the shipped one), read
    back and checked again.

    Raises:
        LetterError: the letter cannot be written as asked (see `tools.letters.facts`).
        UnsupportedLetterError: a statement the records do not support.
        NoTransfersError: the trace asked for has no start in the case.
    """
    trace = trace_from(store, case, req.trace).result if req.trace is not None else None
    facts = gather(store, load_case_graph(store, case), case, req, trace)
    content = compose(facts, req.lang, today or datetime.now(UTC))
    ledger, checks = check_letter(store, case, content)
    recount(ledger, facts)
    template = template_bytes(req.lang, templates)
    docx = render_docx(template, content.context())
    # Amounts are grouped with no-break spaces; the checks read them as spaces.
    written = docx_text(docx).replace("\u00a0", " ")
    check_read_back(written, content, ledger, docx_text(template), req.addresses)
    added = set(docx_has_active_content(docx)) - set(docx_has_active_content(template))
    if added:
        raise LetterError(f"the letter would carry live content ({', '.join(sorted(added))})")
    recipient = content.recipient.cells["recipient"]
    summary = LetterSummary(
        case=case, to=req.to, lang=req.lang, recipient=recipient, addresses=req.addresses,
        statements=len(checks), records=len(content.numbering), files=len(content.custody),
        verified=True, filename=_filename(case, req, content.date))
    return DraftedLetter(summary=summary, content=content, checks=checks, docx=docx,
                         pdf=docx_to_pdf(docx, title=f"{case}: {recipient}"))


def _record_lines(content: LetterContent) -> list[Line]:
    return [content.recipient, *content.addresses, *content.transfers, *content.custody,
            *content.cited]


def check_letter(store: CaseStore, case: str, content: LetterContent
                 ) -> tuple[Ledger, list[ClaimCheck]]:
    """Every statement checked like an answer's claims: the records it cites must state its
    facts, or the figures must have been computed from exactly those records; the lines on
    method may state only what the request and the engine's thresholds say.

    Raises:
        UnsupportedLetterError: any statement is not supported.
    """
    ledger = Ledger()
    for rid in content.numbering:
        ledger.cite(store, case, rid)
    lines = _record_lines(content)
    for line in lines:
        for text, record_ids, names in line.bindings():
            ledger.bind(text, record_ids, names)
    checks = []
    for line in lines:
        text = line.text()
        claim = Claim(text, [ledger.by_id[r] for r in line.cites], facts_of(text, ledger.names))
        checks.append(ledger.check(claim))
    given = facts_of(" ".join([content.given, content.case, content.date]), ledger.names)
    for text in [*content.method, *content.heuristics, content.recipient_note]:
        text = text.replace("\u00a0", " ")
        if not text:
            continue
        claim = Claim(text, [], facts_of(text, ledger.names))
        checks.append(ledger.check(claim, given))
    failed = [c for c in checks if not c.supported]
    if failed:
        raise UnsupportedLetterError(failed)
    return ledger, checks


def recount(ledger: Ledger, facts: LetterFacts) -> None:
    """What each address received and sent, summed again from the transfer records' own
    fields (not the graph): a letter's amounts match its records.

    Raises:
        UnsupportedLetterError: a sum differs from the records'.
    """
    failed = []
    for a in facts.addresses:
        if not a.complete:
            continue
        got, gave = Decimal(0), Decimal(0)
        for rid in dict.fromkeys(a.transfers):
            fields = ledger.records[ledger.by_id[rid]].fields
            value = Decimal(str(fields["amount"]))
            if fields.get("to") == a.address:
                got += value
            if fields.get("from") == a.address:
                gave += value
        if got != Decimal(a.received) or gave != Decimal(a.sent):
            failed.append(ClaimCheck(
                text=a.address, markers=[], supported=False, status="unsupported",
                reason=f"received {a.received}, sent {a.sent}; the records say {got}, {gave}"))
    if failed:
        raise UnsupportedLetterError(failed)


_JINJA = re.compile(r"\{[{%#].*?[}%#]\}", re.S)


def check_read_back(text: str, content: LetterContent, ledger: Ledger, template: str,
                    addresses: list[str]) -> None:
    """The written letter, as python-docx reads it, states no fact other than the checked
    statements', the request's and the template's own, and shows every address asked for.

    Raises:
        LetterError: a fact of the document that was not checked, or an address missing.
    """
    # As the document shows them: a bidi control spelled out ("⟨U+202E⟩") is no new fact.
    checked = visible(" ".join([*(line.text() for line in _record_lines(content)),
                                *content.method, *content.heuristics, content.recipient_note,
                                content.given, content.case, content.date,
                                _JINJA.sub(" ", template)]))
    allowed = facts_of(checked, ledger.names)
    stray: list[Fact] = [f for f in facts_of(text, ledger.names)
                         if not any(f.same(a) or a.same(f) for a in allowed)]
    if stray:
        raise LetterError("the written letter states what was not checked: "
                          + ", ".join(f.text for f in stray[:5]))
    absent = [a for a in addresses if a not in text]
    if absent:
        raise LetterError(f"the letter template does not show the addresses {', '.join(absent)}")


def _filename(case: str, req: LetterRequest, date: str) -> str:
    safe_case = re.sub(r"[^\w.-]+", "_", case)[:60]
    return f"{safe_case}-{req.to}-{req.lang}-{date}"


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
