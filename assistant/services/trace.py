"""Tracing from any identifier: a wallet, or a card, phone or IBAN via its shops' wallets."""

from __future__ import annotations

from pydantic import BaseModel, Field

from tools.chains.expand import trace_with_expansion
from tools.chains.sources import ChainSources
from tools.errors import NoTransfersError
from tools.store import CaseStore
from tools.trace import TraceRequest, TraceResult, load_case_graph, trace
from tools.trace.starts import linked_wallets


class StartResolution(BaseModel):
    given: str = Field(description="What was asked for: a wallet, card, phone or IBAN")
    wallets: list[str] = Field(description="The wallets traced for it")
    via_shops: list[str] = Field(description="Shops that handed it out (empty for a wallet)")


class TraceOutcome(BaseModel):
    starts: list[StartResolution]
    result: TraceResult
    fetched: list[str] = Field(default_factory=list,
                               description="Addresses whose histories were fetched live")


def resolve_starts(store: CaseStore, case: str, given: list[str]) -> list[StartResolution]:
    """The wallets traced for each thing given: a wallet itself, or the wallets of the shops
    that handed out a card, phone or IBAN."""
    return [StartResolution(given=s.given, wallets=s.wallets, via_shops=s.via_shops)
            for s in (linked_wallets(store, case, g) for g in given)]


def trace_from(store: CaseStore, case: str, req: TraceRequest,
               sources: ChainSources | None = None, max_fetches: int = 0,
               starts: list[StartResolution] | None = None) -> TraceOutcome:
    """Follow money from `req.addresses`, each a wallet or a dropper's account (traced through
    the wallets of the shops that handed it out).

    With `sources`, histories missing from the case are fetched (at most `max_fetches`);
    without, a request none of whose wallets moved money in the case is refused. `starts`
    are `resolve_starts(store, case, req.addresses)`, when the caller has them already.

    Raises:
        NoTransfersError: no start wallet has a transfer in the case, and nothing is fetched.
        FetchError: a chain API failed while fetching.
    """
    resolved = starts if starts is not None else resolve_starts(store, case, req.addresses)
    wallets = [w for s in resolved for w in s.wallets]
    if sources is not None:
        if not wallets:
            raise NoTransfersError(case, req.addresses)
        result, fetched = trace_with_expansion(
            store, case, req.model_copy(update={"addresses": wallets}), sources, max_fetches)
        return TraceOutcome(starts=resolved, result=result, fetched=fetched)
    graph = load_case_graph(store, case)
    if not any(w in graph.graph for w in wallets):
        raise NoTransfersError(case, req.addresses)
    return TraceOutcome(starts=resolved,
                        result=trace(graph, req.model_copy(update={"addresses": wallets})))
