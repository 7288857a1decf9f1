"""Deconfliction over HTTP: the identifiers a case shares with other cases, and the responses of
lookup, trace and overview with the hits of what they name (`also_in`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import Field

from assistant.api.deps import CaseDep, StoreDep, UserDep
from assistant.services.deconflict import DeconflictReport, IdentifierHits, deconflict_case
from tools.lookup import LookupResult
from tools.overview import CaseOverview
from tools.trace import TraceResult

router = APIRouter(prefix="/api/cases/{case}", tags=["deconfliction"])

# The overview lists this many shared identifiers; the deconflict route all of them (paged).
OVERVIEW_HITS = 20


class LookupPublic(LookupResult):
    also_in: list[IdentifierHits] = Field(
        default_factory=list, description="Other cases holding the looked-up account")


class TracePublic(TraceResult):
    also_in: list[IdentifierHits] = Field(
        default_factory=list, description="Other cases holding a start or an endpoint")


class OverviewPublic(CaseOverview):
    also_in: list[IdentifierHits] = Field(
        default_factory=list, description="Identifiers of the case other cases hold (first 20)")
    shared_count: int = Field(default=0, description="How many identifiers other cases hold")
    shared_cases: dict[str, int] = Field(default_factory=dict,
                                         description="Other case → identifiers shared with it")


@router.get("/deconflict", response_model=DeconflictReport)
def deconflict(case: CaseDep, store: StoreDep, user: UserDep,
               limit: Annotated[int, Query(ge=1, le=5000)] = 1000) -> DeconflictReport:
    """Every identifier of the case (card, phone, IBAN, wallet, bot, ИИН; compared normalised)
    that another case holds too: the other case, whom to contact and how many of its records
    name it. Record ids of the other case only for a user assigned to both. Each hit is
    written to the audit trails of both cases."""
    return deconflict_case(store, user, case, "api", limit)
