"""The hand-written case as the agent's tests ask it: its store with its search index."""

from __future__ import annotations

import pytest

from tools.search.index import SearchIndex
from tools.store import CaseStore


@pytest.fixture(scope="module")
def handmade(handmade_store: CaseStore, handmade_index: SearchIndex
             ) -> tuple[CaseStore, SearchIndex]:
    return handmade_store, handmade_index
