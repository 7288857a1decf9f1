"""The citation ledger of one turn, and the claim-by-claim check of an answer against it.

Tools put records on the ledger (`add`, numbered [1], [2], … in the order first seen); only
these may be cited. What a tool computes rather than reads — a trace endpoint's amount, a
statement total, a count — is bound to exactly the records it was derived from:

    ledger.bind("TYHR…: beneficiary, 25.64 USDT, 5 hops", [h1, h2, h3, h4, h5])

The facts in the text (addresses, amounts, counts, names) then belong to those records: a claim
may state them when it cites an anchor (by default the last of them, the record the tool prints
the fact beside: the transfer that brought the money to the endpoint) or cites all of them. A
trace's endpoint is anchored at both ends of its path: the transfer that left the wallet asked
about and the one that reached the endpoint, so an answer cites the end the question is about,
not every hop between. A bind with
no records states facts of the case as a whole (record counts, a trace's total), which may be
said without a marker. Any tool can bind: `AgentContext.derive(text, record_ids)` does it.

`verify` splits the answer into claims (`claims.split_claims`) and gives each one a status:
supported (every fact it states is stated by a record it cites, bound to those records, or
given in the question; a small count of the whole case does not support a claim under a
marker, and a trace role needs a marker to be checked at all), unsupported (with the reason:
"95 260.00 is not in [2]; [2] says 79 960.00") or uncited (facts and no marker). The answer
is verified only when all are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.agent.claims import (
    Claim,
    Evidence,
    Fact,
    describe,
    facts_of,
    record_evidence,
    record_names,
    split_claims,
)
from tools.models import Record, Source
from tools.store import CaseStore

ClaimStatus = Literal["supported", "unsupported", "uncited", "plain"]


class ClaimCheck(BaseModel):
    """One claim of the answer and whether the records it cites state what it says."""

    text: str
    markers: list[int]
    supported: bool
    status: ClaimStatus = Field(description="supported, unsupported (see reason), uncited "
                                            "(facts without a marker) or plain (no facts)")
    reason: str | None = None
    facts: list[str] = Field(default_factory=list, description="The facts it states")


class Citation(BaseModel):
    n: int
    id: str
    kind: str
    record: dict[str, Any]
    source: Source
    verified: bool = Field(description="Every claim citing it is supported")
    reason: str | None = None
    claims: list[int] = Field(default_factory=list,
                              description="Indexes (in `claims`) of the claims it supports")
    facets: list[str] = Field(default_factory=list, description="For a search hit: what of "
                              "the query it matched (city:…, drug:…, purpose:…)")


class Repair(BaseModel):
    """The model's first answer, before it was asked once to correct its unsupported claims."""

    answer: str
    claims: list[ClaimCheck]


class Answer(BaseModel):
    answer: str
    citations: list[Citation]
    steps: list[str]
    verified: bool = Field(description="Every claim is supported and every marker is known")
    flags: list[str]
    claims: list[ClaimCheck] = Field(default_factory=list)
    repair: Repair | None = Field(default=None, description=(
        "Set when the model was asked once to correct named claims: its first answer"))


@dataclass
class Verification:
    citations: list[Citation]
    claims: list[ClaimCheck]
    flags: list[str]

    @property
    def verified(self) -> bool:
        return not self.flags and all(c.supported for c in self.claims) and \
            all(c.verified for c in self.citations)


@dataclass
class _Binding:
    text: str
    facts: list[Fact]
    records: tuple[int, ...]  # markers
    anchors: tuple[int, ...]  # the markers a claim may cite alone (see `Ledger.bind`)
    # What the derivation is about (a trace's endpoint): cited through an anchor other than
    # the last record, the claim must name it too — the first hop of many paths anchors each.
    subject: list[Fact] = field(default_factory=list)

    def anchored_at(self, n: int) -> bool:
        return n in self.anchors


@dataclass
class Ledger:
    """Numbers every record the turn's tools returned; only these may be cited."""

    records: dict[int, Record] = field(default_factory=dict)
    by_id: dict[str, int] = field(default_factory=dict)
    # Payment details found in each record, normalised: a phone written "+7 775 899 5790" in
    # an answer is the "8(775)899-57-90" of the message.
    details: dict[int, list[str]] = field(default_factory=dict)
    # What the tools computed this turn, each bound to the records it was derived from.
    bindings: list[_Binding] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    # Search hits: the query's facets each cited record matched, shown beside the citation.
    facets: dict[int, list[str]] = field(default_factory=dict)
    _evidence: dict[int, Evidence] = field(default_factory=dict)
    # Records read ahead by `prefetch`, with their accounts, until cited.
    _fetched: dict[str, tuple[Record, list[str]]] = field(default_factory=dict)

    def add(self, record: Record, details: Sequence[str] = ()) -> int:
        if record.id not in self.by_id:
            n = len(self.records) + 1
            self.records[n] = record
            self.by_id[record.id] = n
            self.details[n] = list(details)
            self.names.update(record_names(record.fields))
        return self.by_id[record.id]

    def cite(self, store: CaseStore, case: str, record_id: str) -> tuple[int, Record]:
        """Add the stored record and the account details it holds; its marker and record.
        A record on the ledger already is not read again (a trace cites its first hops once
        per endpoint), nor one `prefetch` read."""
        n = self.by_id.get(record_id)
        if n is not None:
            return n, self.records[n]
        fetched = self._fetched.pop(record_id, None)
        if fetched is None:
            fetched = (store.get_record(case, record_id),
                       store.accounts_of_record(case, record_id))
        record, accounts = fetched
        return self.add(record, [a.split(":", 1)[1] for a in accounts]), record

    def prefetch(self, store: CaseStore, case: str, record_ids: Sequence[str]) -> None:
        """Read the records among `record_ids` not on the ledger yet in one go, for the
        `cite`s that follow: a tool citing dozens of records paid two queries for each."""
        todo = [r for r in record_ids if r not in self.by_id and r not in self._fetched]
        if todo:
            self._fetched.update(store.records_with_accounts(case, todo))

    def bind(self, text: str, record_ids: Sequence[str] = (), names: Sequence[str] = (),
             anchors: Sequence[str] = (), subject: str = "") -> list[int]:
        """Bind the facts of `text` to the records (already added) they were derived from, in
        order, the anchor last (or the `anchors` among them, a claim citing one other than the
        last naming `subject`); none: facts of the case as a whole. Returns their markers."""
        self.names.update(n for n in names if n)
        markers = tuple(self.by_id[r] for r in record_ids)
        self.bindings.append(_Binding(text, facts_of(text, self.names), markers,
                                      tuple(self.by_id[r] for r in anchors) or markers[-1:],
                                      facts_of(subject, self.names) if subject else []))
        return list(markers)

    def evidence(self, n: int) -> Evidence:
        if n not in self._evidence:
            rec = self.records[n]
            self._evidence[n] = record_evidence(rec.id, rec.fields, self.details.get(n, ()))
        return self._evidence[n]

    # --- checking ----------------------------------------------------------------------------

    def _case_wide(self, fact: Fact, cited: set[int]) -> bool:
        # A small count of the whole case ("4 wallets") would match a wrong count under a
        # marker by chance: under a marker, counts must come from the cited records.
        small_count = fact.kind == "number" and fact.within >= 1 and \
            all(abs(v) < 1000 for v in fact.values)
        return any(not b.records and (not cited or not small_count)
                   and any(fact.same(f) for f in b.facts) for b in self.bindings)

    def _binding_support(self, fact: Fact, cited: set[int], stated: Sequence[Fact] = ()
                         ) -> dict[int, set[int]]:
        """The cited markers through which bindings support `fact` → those bindings (indexes);
        all cited markers (key 0) for a binding whose records are all cited. `stated`: the
        claim's facts (a binding's subject, when it must be named)."""
        out: dict[int, set[int]] = {}
        for i, b in enumerate(self.bindings):
            if not b.records or not any(fact.same(f) for f in b.facts):
                continue
            names_subject = all(any(x.same(f) for f in stated) for x in b.subject)
            for n in cited:
                if b.anchored_at(n) and (n == b.records[-1] or names_subject):
                    out.setdefault(n, set()).add(i)
            if set(b.records) <= cited:
                out.setdefault(0, set()).add(i)
        return out

    def _mixed(self, support: list[dict[int, set[int]]]) -> bool:
        """Whether facts derived through the same marker come from different derivations
        only: "[1] X: 12.88 USDT" when [1] anchors X's path and, apart, a 12.88 sum."""
        only: dict[int, list[set[int]]] = {}
        for s in support:
            if len(s) == 1:
                (n, bindings), = s.items()
                only.setdefault(n, []).append(bindings)
        return any(not set.intersection(*sets) for sets in only.values())

    def _says(self, n: int, fact: Fact) -> str:
        """What record [n] says of the kind `fact` is, for a reason."""
        ev = self.evidence(n)
        anchored = [f for b in self.bindings if b.anchored_at(n) for f in b.facts]
        if fact.kind == "number":
            derived = [f.text for f in anchored if f.kind == "number" and f.within < 1]
            amounts = ", ".join(dict.fromkeys(ev.amounts))
            more = f"; the tools derived {', '.join(dict.fromkeys(derived))} for [{n}]" \
                if derived else ""
            return f"[{n}] says {amounts or 'no amount'}{more}"
        said: list[str]
        if fact.kind == "address":
            said = ev.parties or [f.text for f in ev.facts if f.kind == "address"]
            said = [" → ".join(said)] if said else []
        elif fact.kind == "role":
            said = [f.key for f in anchored if f.kind == "role"]
        elif fact.kind == "name":
            said = [x for x in self.names if x.casefold() in ev.text][:2]
        else:
            said = [f.text for f in ev.facts + anchored if f.kind == fact.kind]
        said = list(dict.fromkeys(said))[:3]
        return f"[{n}] says {', '.join(said)}" if said else \
            f"[{n}] ({self.records[n].kind}) states no {_KIND_WORDS[fact.kind]}"

    def check(self, claim: Claim, given: Sequence[Fact] = ()) -> ClaimCheck:
        """The status of one claim: each fact must be stated by a record it cites, bound to
        those records, or given in the question."""
        cited = {n for n in claim.markers if n in self.records}
        facts = [f.text for f in claim.facts]
        missing = [n for n in claim.markers if n not in self.records]
        if missing:
            return ClaimCheck(text=claim.text, markers=claim.markers, supported=False,
                              status="unsupported", facts=facts,
                              reason="; ".join(f"[{n}] cites no record returned in this turn"
                                               for n in missing))
        unsupported = []
        derived: list[tuple[Fact, dict[int, set[int]]]] = []
        for fact in claim.facts:
            if any(fact.same(g) for g in given):
                continue
            if fact.kind == "role" and not cited:
                continue  # "the beneficiaries are:" speaks of no record; under a marker it does
            if any(self.evidence(n).states(fact) for n in cited):
                continue
            support = self._binding_support(fact, cited, claim.facts)
            if support:
                derived.append((fact, support))
                continue
            if self._case_wide(fact, cited):
                continue
            unsupported.append(fact)
        if not unsupported and len(derived) > 1 and self._mixed([s for _, s in derived]):
            # Each fact is derived, but through one marker from different derivations.
            unsupported = [f for f, _ in derived]
        if not unsupported:
            status: ClaimStatus = "supported" if claim.facts or cited else "plain"
            return ClaimCheck(text=claim.text, markers=claim.markers, supported=True,
                              status=status, facts=facts)
        if not cited:
            return ClaimCheck(text=claim.text, markers=claim.markers, supported=False,
                              status="uncited", facts=facts,
                              reason="no marker for " + ", ".join(
                                  describe(f) for f in unsupported[:4]))
        where = ", ".join(f"[{n}]" for n in sorted(cited))
        reasons = [f"{describe(f)} is not in {where}; "
                   + "; ".join(self._says(n, f) for n in sorted(cited)[:2])
                   for f in unsupported[:3]]
        return ClaimCheck(text=claim.text, markers=claim.markers, supported=False,
                          status="unsupported", reason="; ".join(reasons), facts=facts)

    def verify(self, text: str, question: str = "") -> Verification:
        """Citations for the markers in `text`, each claim's status, and what failed."""
        claims = split_claims(text)
        given = facts_of(question, self.names) if question else []
        checks = []
        for c in claims:
            c.facts = facts_of(c.text, self.names)
            checks.append(self.check(c, given))
        flags: list[str] = []
        citations: dict[int, Citation] = {}
        for i, (claim, check) in enumerate(zip(claims, checks, strict=True)):
            for n in claim.markers:
                rec = self.records.get(n)
                if rec is None:
                    continue
                cit = citations.setdefault(n, Citation(
                    n=n, id=rec.id, kind=rec.kind, record=rec.fields, source=rec.source,
                    verified=True, facets=self.facets.get(n, [])))
                if check.supported:
                    cit.claims.append(i)
                else:
                    cit.verified = False
                    cit.reason = cit.reason or check.reason
            if not check.supported:
                flags.append(f"{_short(claim.text)}: {check.reason}")
        unknown = sorted({n for c in claims for n in c.markers if n not in self.records})
        flags[:0] = [f"[{n}] cites no record returned in this turn" for n in unknown]
        return Verification(sorted(citations.values(), key=lambda c: c.n), checks, flags)


_KIND_WORDS = {"address": "address", "hash": "hash", "card": "card", "iban": "IBAN",
               "phone": "phone", "ref": "record id", "date": "date", "number": "number",
               "name": "name", "role": "role"}


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
