"""Fetching what the case lacks where a trace runs out of data, and tracing again."""

from __future__ import annotations

import logging

from tools.chains.sources import ChainSources
from tools.ingest.pipeline import ingest_file
from tools.models import FileReport
from tools.store import CaseStore
from tools.trace import TraceRequest, TraceResult, load_case_graph, trace

log = logging.getLogger(__name__)


def expand_address(store: CaseStore, case: str, address: str, sources: ChainSources
                   ) -> list[FileReport]:
    """Fetch `address`'s transfers and import them; records cite the URL they came from."""
    reports = []
    with store.writer() as writer:
        for page in sources.pages(address):
            reports.append(ingest_file(writer, case, page.path, fmt=page.format, name=page.url))
    return reports


def trace_with_expansion(store: CaseStore, case: str, req: TraceRequest, sources: ChainSources,
                         max_fetches: int = 10) -> tuple[TraceResult, list[str]]:
    """Trace; where money rests at an address whose history the case lacks, fetch it, retrace.

    Returns the final result and the addresses fetched (at most `max_fetches`).
    """
    fetched: list[str] = []
    while True:
        cg = load_case_graph(store, case)
        result = trace(cg, req)
        todo = [ep.address for ep in result.endpoints
                if ep.reason in ("beneficiary", "origin") and ep.address not in fetched
                and not cg.graph.succ[ep.address]]
        if not todo or len(fetched) >= max_fetches:
            return result, fetched
        for address in todo[: max_fetches - len(fetched)]:
            log.info("fetching the history of %s", address)
            expand_address(store, case, address, sources)
            fetched.append(address)
