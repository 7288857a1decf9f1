"""Tracing from any identifier: a wallet, or a card, phone or IBAN via its shops' wallets."""

from __future__ import annotations

from pydantic import BaseModel, Field

from tools.chains.expand import trace_with_expansion
from tools.chains.sources import ChainSources
from tools.errors import TergeuError
from tools.store import CaseStore
from tools.trace import TraceRequest, TraceResult, load_case_graph, trace
from tools.trace.starts import linked_wallets


class StartResolution(BaseModel):
    given: str = Field(description="What was asked for: a wallet, card, phone or IBAN")
    wallets: list[str] = Field(description="The wallets traced for it")
    via_shops: list[str] = Field(description="Shops that handed it out (empty for a wallet)")


class NoTransfersError(TergeuError):
    """None of the start wallets has a transfer in the case (and nothing was fetched)."""

    def __init__(self, case: str, given: list[str], starts: list[StartResolution]) -> None:
        self.case, self.given, self.starts = case, given, starts
        super().__init__(f"no transfers of {', '.join(given)} in case {case!r}")


class TraceOutcome(BaseModel):
    starts: list[StartResolution]
    result: TraceResult
    fetched: list[str] = Field(default_factory=list,
                               description="Addresses whose histories were fetched live")


def trace_from(store: CaseStore, case: str, req: TraceRequest,
               sources: ChainSources | None = None, max_fetches: int = 0) -> TraceOutcome:
    """Follow money from `req.addresses`, each a wallet or a dropper's account (traced through
    the wallets of the shops that handed it out).

    With `sources`, histories missing from the case are fetched (at most `max_fetches`);
    without, a request none of whose wallets moved money in the case is refused.

    Raises:
        NoTransfersError: no start wallet has a transfer in the case, and nothing is fetched.
        FetchError: a chain API failed while fetching.
    """
    starts = [linked_wallets(store, case, given) for given in req.addresses]
    resolved = [StartResolution(given=s.given, wallets=s.wallets, via_shops=s.via_shops)
                for s in starts]
    wallets = [w for s in starts for w in s.wallets]
    if sources is not None:
        if not wallets:
            raise NoTransfersError(case, req.addresses, resolved)
        result, fetched = trace_with_expansion(
            store, case, req.model_copy(update={"addresses": wallets}), sources, max_fetches)
        return TraceOutcome(starts=resolved, result=result, fetched=fetched)
    graph = load_case_graph(store, case)
    if not any(w in graph.graph for w in wallets):
        raise NoTransfersError(case, req.addresses, resolved)
    return TraceOutcome(starts=resolved,
                        result=trace(graph, req.model_copy(update={"addresses": wallets})))
