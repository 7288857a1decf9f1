"""The investigation tools over HTTP: trace, account lookup, listing search."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import BaseModel, Field

from assistant.agent.guards import ModelServerError
from assistant.agent.ledger import Answer
from assistant.api.deps import AuditDep, CaseDep, ModelDep, SettingsDep, StoreDep, UserDep
from assistant.api.routes.deconflict import LookupPublic, TracePublic
from assistant.conversations import Turn
from assistant.services.ask import ask_case, ask_case_stream
from assistant.services.deconflict import identifier_hits
from assistant.services.lookup import lookup as lookup_case
from assistant.services.search import SearchRequest
from assistant.services.search import search as search_case
from assistant.services.trace import trace_from
from assistant.wiring import conversations, search_index
from tools.search.index import Mode, SearchFilters, SearchResult
from tools.trace import TraceRequest

router = APIRouter(prefix="/api/cases/{case}", tags=["investigate"])


class Question(BaseModel):
    question: str = Field(min_length=1, max_length=2000)
    session: str | None = Field(default=None, max_length=100,
                                description="Conversation id: follow-ups remember earlier turns")


@router.post("/ask", response_model=Answer)
def ask(case: CaseDep, body: Question, store: StoreDep, settings: SettingsDep,
        model: ModelDep, user: UserDep) -> Answer:
    """Ask the case a question; citations carry `verified`, never presented unchecked.
    503 when the model server fails (times out, cannot be reached, answers an error)."""
    return ask_case(settings, store, case, body.question, body.session, user.name, model)


@router.post("/ask/stream", response_class=EventSourceResponse)
def ask_streamed(case: CaseDep, body: Question, store: StoreDep, settings: SettingsDep,
                 model: ModelDep, user: UserDep) -> Iterator[ServerSentEvent]:
    """The same as `ask`, as server-sent events: `step` (a tool call running, then done with
    its first line), `token` (answer text as written), and last `answer` (the whole answer
    with verified citations, as `ask` returns it); or, when the model server fails on the
    way, `error` with its `detail` as the last event."""
    try:
        for event in ask_case_stream(settings, store, case, body.question, body.session,
                                     user.name, model):
            yield ServerSentEvent(event=event.type, data=event.model_dump(mode="json"))
    except ModelServerError as exc:
        yield ServerSentEvent(event="error", data={"detail": str(exc)})


@router.get("/sessions/{session}", response_model=list[Turn])
def conversation(case: CaseDep, session: Annotated[str, Path(max_length=100)],
                 store: StoreDep, user: UserDep, audit: AuditDep) -> list[Turn]:
    """The signed-in user's conversation so far (questions and answers), oldest first."""
    audit.append(case, user.name, "session_read", {"session": session})
    return conversations(store.engine).history(case, user.name, session, last=200)


@router.post("/trace", response_model=TracePublic)
def trace_money(case: CaseDep, req: TraceRequest, store: StoreDep, user: UserDep,
                audit: AuditDep) -> TracePublic:
    """Follow money from wallets (or a dropper's card/phone, via its shops' wallets);
    `also_in`: other cases holding a start or an endpoint."""
    audit.append(case, user.name, "tool_call",
                 {"tool": "trace", "args": req.model_dump(mode="json")})
    result = trace_from(store, case, req).result
    named = [*req.addresses, *(e.address for e in result.endpoints)]
    return TracePublic(**dict(result), also_in=identifier_hits(store, user, case, named, "api"))


@router.get("/lookup", response_model=LookupPublic)
def lookup(case: CaseDep, store: StoreDep, user: UserDep, audit: AuditDep,
           q: Annotated[str, Query(min_length=1, description="Card, IBAN, phone, wallet, …")]
           ) -> LookupPublic:
    """The account's profile; `also_in`: other cases holding it (and whom to contact)."""
    audit.append(case, user.name, "tool_call", {"tool": "lookup", "args": {"q": q}})
    result = lookup_case(store, case, q)
    if result.error:
        raise HTTPException(status_code=422, detail=f"{q}: {result.error}")
    hits = identifier_hits(store, user, case, [p.id for p in result.matches], "api")
    return LookupPublic(**dict(result), also_in=hits)


@router.get("/search", response_model=SearchResult)
def search(case: CaseDep, store: StoreDep, settings: SettingsDep, user: UserDep,
           audit: AuditDep,
           q: Annotated[str, Query(min_length=1)],
           city: str | None = None, drug: str | None = None, shop: str | None = None,
           since: datetime | None = None, until: datetime | None = None,
           payment: str | None = None, kind: str | None = None,
           mode: Mode = "hybrid", limit: Annotated[int, Query(ge=1, le=100)] = 10,
           ) -> SearchResult:
    if kind not in (None, "listing", "message"):
        raise HTTPException(status_code=422, detail="kind: listing or message")
    filters = SearchFilters.model_validate(dict(city=city, drug=drug, shop=shop, since=since,
                                                until=until, payment=payment, kind=kind))
    audit.append(case, user.name, "tool_call", {"tool": "search", "args": {
        "q": q, **filters.model_dump(mode="json", exclude_none=True), "mode": mode}})
    return search_case(search_index(settings, store, case),
                       SearchRequest(text=q, filters=filters, mode=mode, limit=limit))
