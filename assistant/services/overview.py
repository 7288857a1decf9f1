"""A case at a glance: shops, droppers used most, where the shops' money came to rest."""

from __future__ import annotations

from tools.overview import CaseOverview, case_overview
from tools.store import CaseStore
from tools.trace import load_case_graph


def overview(store: CaseStore, case: str, top: int = 10) -> CaseOverview:
    """The case overview, with the money traced from the shops' wallets (`top` per list)."""
    return case_overview(store, case, load_case_graph(store, case), top)
