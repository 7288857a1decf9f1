"""The cases as the agent's tests ask them: the demo case `tergeu demo` builds, and the
hand-written case with its search index."""

from __future__ import annotations

import pytest

from tests.conftest import _demo
from tools.search.index import SearchIndex
from tools.store import CaseStore


@pytest.fixture(scope="module")
def handmade(handmade_store: CaseStore, handmade_index: SearchIndex
             ) -> tuple[CaseStore, SearchIndex]:
    return handmade_store, handmade_index


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> CaseStore:
    """The demo case `tergeu demo` builds (seed 1, small), as the bench asks it."""
    _, store, _ = _demo(tmp_path_factory.mktemp("demo"), 1, "small")
    return store
