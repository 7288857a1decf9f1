"""Importing evidence through the one service the CLI, the demo and the API's uploads call:
the records, and the case's trace graph kept on disk holding the transfers just imported."""

import pytest
from sqlalchemy import func, select

from assistant.services.ingest import import_evidence
from tests.conftest import EVIDENCE, SAMPLES
from tools.store import connect_store
from tools.store.schema import transfers
from tools.trace.compact import CompactGraph
from tools.trace.graph import graph_folder

PAGES = [SAMPLES / "01_trongrid_trc20_ledger.json", SAMPLES / "16_tronscan_token_transfers_captured.json"]


@pytest.mark.parametrize("commit_every", [1, 100_000], ids=["upload", "bulk"])
def test_the_graph_on_disk_holds_the_transfers_an_import_wrote(tmp_path, commit_every):
    store = connect_store(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "vault")
    report = import_evidence(store, "c", PAGES, commit_every=commit_every)
    assert [f.status for f in report.files] == ["imported", "imported"]
    with store.engine.connect() as conn:
        written = conn.execute(select(func.count()).select_from(transfers)
                               .where(transfers.c.from_address.is_not(None),
                                      transfers.c.to_address.is_not(None))).scalar()
    # What the next process maps, without reading the store again.
    kept = CompactGraph.open(graph_folder(store, "c"))
    assert kept is not None and written
    graph, meta = kept
    assert graph.number_of_moves() == written and meta["case"] == "c"


def test_an_import_of_no_transfers_builds_no_graph(tmp_path):
    store = connect_store(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "vault")
    report = import_evidence(store, "c", [EVIDENCE / "telegram_full_export.json"])
    assert report.imported_by_kind().get("message") and not report.rejected
    assert CompactGraph.open(graph_folder(store, "c")) is None


def test_an_import_left_to_merge_later_is_merged_by_the_next_trace(tmp_path):
    from tools.trace.graph import _graphs, load_case_graph

    store = connect_store(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "vault")
    import_evidence(store, "c", PAGES[:1], commit_every=1, update_graph=False)
    assert CompactGraph.open(graph_folder(store, "c")) is None
    _graphs.clear()
    assert load_case_graph(store, "c").graph.number_of_moves() > 0
