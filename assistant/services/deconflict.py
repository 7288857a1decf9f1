"""Deconfliction for a user: the other cases holding this case's identifiers, and whom to call.

The model of the deconfliction services law enforcement already uses: a hit names the other
case and its owner, and how many of its records name the identifier, never its evidence. A
user assigned to both cases (an admin, say) gets the other case's record ids as well, to open
there. Every hit shown is written to the audit trails of both cases: the case asked from
(`deconflict_hit`, with the other case) and the other case (`deconflict_seen`, with the case
that asked), each one entry per request and other case.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from pydantic import BaseModel, Field
from sqlalchemy import Engine

from assistant.case_info import CaseInfo, CaseRegistry
from assistant.users import User
from assistant.wiring import Memo, audit_trail
from tools.deconflict import (
    SharedIdentifier,
    case_shared_identifiers,
    records_in_cases,
    shared_identifiers,
)
from tools.store import CaseStore

# The route a hit was shown through, as the audit trail names clients: api, cli, agent (an
# answer of `ask`), mcp, openai.
Via = str
# Identifiers listed in one audit entry; a case sharing more says how many were left out.
MAX_AUDITED_IDS = 200

_registries: Memo[CaseRegistry] = Memo()


def case_registry(engine: Engine) -> CaseRegistry:
    """One registry (its table made once) per database."""
    return _registries.get(str(engine.url), lambda: CaseRegistry(engine))


class CaseHit(BaseModel):
    """Another case holding the identifier: its name, whom to contact, how many records."""

    case: str
    contact: str = Field(description="The other case's owner and contact, or its prosecutors")
    records: int = Field(description="How many records of the other case name the identifier")
    record_ids: list[str] | None = Field(default=None, description=(
        "Its records naming the identifier: only for a user assigned to both cases"))


class IdentifierHits(BaseModel):
    id: str = Field(description="`kind:value`, normalised")
    kind: str
    value: str
    records: int = Field(description="How many records of this case name it")
    also_in: list[CaseHit]


class DeconflictReport(BaseModel):
    case: str
    shared: list[IdentifierHits]
    count: int = Field(description="How many identifiers of the case other cases hold")
    cases: dict[str, int] = Field(description="Other case → identifiers shared with it")


def _as_hits(store: CaseStore, viewer: User, shared: Sequence[SharedIdentifier]
             ) -> list[IdentifierHits]:
    others = sorted({o.case for s in shared for o in s.others})
    infos: dict[str, CaseInfo] = case_registry(store.engine).many(others)
    seen = records_in_cases(store, ((o.case, s.id) for s in shared for o in s.others
                                    if viewer.may_see(o.case)))
    out = []
    for s in shared:
        hits = [CaseHit(case=o.case, contact=infos[o.case].who_to_contact, records=o.records,
                        record_ids=seen.get((o.case, s.id)))
                for o in s.others]
        out.append(IdentifierHits(id=s.id, kind=s.kind, value=s.value, records=s.records,
                                  also_in=hits))
    return out


def audit_hits(store: CaseStore, case: str, user: str, hits: Sequence[IdentifierHits],
               via: Via) -> None:
    """Each hit into both trails: one entry per other case in each."""
    by_case: dict[str, list[str]] = defaultdict(list)
    for h in hits:
        for hit in h.also_in:
            by_case[hit.case].append(h.id)
    audit = audit_trail(store.engine)
    for other, ids in sorted(by_case.items()):
        listed = {"identifiers": ids[:MAX_AUDITED_IDS], "count": len(ids), "via": via}
        audit.append(case, user, "deconflict_hit", {"other_case": other, **listed})
        audit.append(other, user, "deconflict_seen", {"from_case": case, **listed})


def identifier_hits(store: CaseStore, viewer: User, case: str, identifiers: Iterable[str],
                    via: Via) -> list[IdentifierHits]:
    """The other cases holding each of `identifiers` that `case` holds (ids or as written),
    as `viewer` may see them; audited in both cases' trails."""
    hits = _as_hits(store, viewer, shared_identifiers(store, case, identifiers))
    audit_hits(store, case, viewer.name, hits, via)
    return hits


def deconflict_case(store: CaseStore, viewer: User, case: str, via: Via,
                    limit: int | None = None) -> DeconflictReport:
    """Every identifier of `case` another case holds (the first `limit`, by id), audited."""
    shared = case_shared_identifiers(store, case)
    cases: dict[str, int] = defaultdict(int)
    for s in shared:
        for o in s.others:
            cases[o.case] += 1
    hits = _as_hits(store, viewer, shared[:limit] if limit is not None else shared)
    audit_hits(store, case, viewer.name, hits, via)
    return DeconflictReport(case=case, shared=hits, count=len(shared), cases=dict(cases))


def hit_line(h: IdentifierHits, other: CaseHit) -> str:
    """The hit as one line of English (the CLI; the UI and the agent translate their own)."""
    return (f"{h.kind} {h.value}: also in case {other.case} (contact: {other.contact}), "
            f"{other.records} record{'s' if other.records != 1 else ''}")


# What an answer lists of the case's shared identifiers when asked for the case as a whole.
AGENT_CASE_HITS = 10


def agent_deconfliction(store: CaseStore, case: str, user: str, via: Via = "agent"
                        ) -> Callable[[Sequence[str] | None], list[IdentifierHits]]:
    """Hits for the agent's tools: the other case, its contact and a count, whoever asks (the
    agent reads nothing of another case, even for a user assigned to both); audited."""
    viewer = User(name=user, role="analyst", cases=[case])

    def hits(identifiers: Sequence[str] | None) -> list[IdentifierHits]:
        if identifiers is None:
            return deconflict_case(store, viewer, case, via, AGENT_CASE_HITS).shared
        return identifier_hits(store, viewer, case, identifiers, via)

    return hits
