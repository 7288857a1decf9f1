"""The trace graph merged from the transfers an import wrote (`GraphFeed`) is the graph read
back from the store: the same arrays, byte for byte, and read back wherever the feed cannot
say it holds the case's next transfers."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

import tools.ingest.readahead as readahead
import tools.store.repository as repository
from tests.conftest import EVIDENCE, SAMPLES
from tools.ingest.pipeline import ingest_paths
from tools.store import CaseStore, connect_store
from tools.store.repository import COMMIT_EVERY
from tools.store.schema import transfers
from tools.trace.graph import CHAINS, GraphFeed, graph_folder, load_case_graph

HANDMADE = Path(__file__).parents[2] / "data" / "eval" / "handmade" / "evidence"


def _store(tmp_path: Path, name: str) -> CaseStore:
    return connect_store(f"sqlite:///{tmp_path / name}.db", tmp_path / f"{name}-vault")


def _arrays(store: CaseStore, case: str) -> dict[str, object]:
    folder = graph_folder(store, case)
    version = folder / (folder / "current").read_text().strip()
    out: dict[str, object] = {p.stem: np.load(p).tobytes() for p in version.glob("*.npy")}
    meta = json.loads((version / "meta.json").read_text())
    out["meta"] = meta
    return out


def _import(store: CaseStore, paths: list[Path], feed: GraphFeed | None,
            commit_every: int = COMMIT_EVERY) -> None:
    merged = graph_folder(store, "c").exists()
    last = _arrays(store, "c")["meta"]["last_seq"] if merged else 0  # type: ignore[index]
    report = ingest_paths(store, "c", paths, on_transfers=feed.add if feed else None,
                          commit_every=commit_every)
    assert not report.rejected
    if feed is not None:
        with store.engine.connect() as conn:
            assert feed.follows(conn, "c", last)  # taken, not read back
    load_case_graph(store, "c", feed)


@pytest.fixture
def evidence(tmp_path: Path) -> list[list[Path]]:
    """Two imports: the hand-written case (chain pages, statements, chats), then more pages
    (some of whose transfers the first holds already) and a TRON sample."""
    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(HANDMADE, first)
    second.mkdir()
    pages = sorted((HANDMADE / "trongrid").glob("*.json"))
    shutil.copyfile(pages[0], second / "again.json")
    (second / "again_spaced.json").write_bytes(pages[1].read_bytes().replace(b"{", b"{ "))
    shutil.copyfile(SAMPLES / "01_trongrid_trc20_ledger.json", second / "ledger.json")
    shutil.copyfile(EVIDENCE / "halyk_statement.csv", second / "halyk.csv")
    return [[first], [second]]


@pytest.mark.parametrize("how", ["in the loop", "read ahead", "committed often",
                                 "large files in chunks"])
def test_a_graph_fed_by_its_imports_is_the_graph_read_back(tmp_path, evidence, how,
                                                           monkeypatch):
    commit_every = COMMIT_EVERY
    if how == "read ahead":  # rows from worker processes (`_count_rows`)
        monkeypatch.setattr(readahead, "MIN_FILES", 1)
        monkeypatch.setattr(readahead, "MIN_JSON_BYTES", 0)
    elif how == "committed often":
        commit_every = 50
    elif how == "large files in chunks":  # written from the import's own thread
        monkeypatch.setattr(repository, "BATCH", 7)
    fed, read = _store(tmp_path, "fed"), _store(tmp_path, "read")
    for paths in evidence:
        _import(fed, paths, GraphFeed("c"), commit_every)
        _import(read, paths, None, commit_every)
        assert _arrays(fed, "c") == _arrays(read, "c")
    with fed.engine.connect() as conn:
        chain_transfers = conn.execute(select(func.count()).select_from(transfers).where(
            transfers.c.chain.in_(CHAINS))).scalar()
    assert chain_transfers and _arrays(fed, "c")["meta"]["transfers_seen"] == chain_transfers


def test_a_feed_that_missed_a_run_is_not_taken(tmp_path, evidence):
    store = _store(tmp_path, "s")
    feed = GraphFeed("c")
    ingest_paths(store, "c", evidence[0], on_transfers=feed.add)
    feed.add(None, [])  # a run whose sequence numbers were not known
    with store.engine.connect() as conn:
        assert not feed.follows(conn, "c", 0)
    again = _store(tmp_path, "again")
    ingest_paths(again, "c", evidence[0])
    load_case_graph(store, "c", feed)
    load_case_graph(again, "c")
    assert _arrays(store, "c") == _arrays(again, "c")


def test_a_feed_is_not_taken_when_the_store_holds_transfers_before_it(tmp_path, evidence):
    store = _store(tmp_path, "s")
    ingest_paths(store, "c", evidence[0])  # no graph merged yet: its transfers come first
    feed = GraphFeed("c")
    ingest_paths(store, "c", evidence[1], on_transfers=feed.add)
    with store.engine.connect() as conn:
        assert feed.seen > 0 and not feed.follows(conn, "c", 0)
    load_case_graph(store, "c", feed)
    again = _store(tmp_path, "again")
    for paths in evidence:
        ingest_paths(again, "c", paths)
    load_case_graph(again, "c")
    assert _arrays(store, "c") == _arrays(again, "c")
