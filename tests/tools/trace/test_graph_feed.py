"""The trace graph merged from the transfers an import wrote (`GraphFeed`) is the graph read
back from the store: the same arrays, byte for byte, and read back wherever the feed cannot
say it holds the case's next transfers."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import EVIDENCE
from tools.ingest.pipeline import ingest_paths
from tools.store import CaseStore, connect_store
from tools.trace.graph import GraphFeed, graph_folder, load_case_graph

HANDMADE = Path(__file__).parents[2] / "data" / "eval" / "handmade" / "evidence"
SAMPLES = Path(__file__).parents[4] / "shared" / "samples"


def _store(tmp_path: Path, name: str) -> CaseStore:
    return connect_store(f"sqlite:///{tmp_path / name}.db", tmp_path / f"{name}-vault")


def _arrays(store: CaseStore, case: str) -> dict[str, object]:
    folder = graph_folder(store, case)
    version = folder / (folder / "current").read_text().strip()
    out: dict[str, object] = {p.stem: np.load(p).tobytes() for p in version.glob("*.npy")}
    meta = json.loads((version / "meta.json").read_text())
    out["meta"] = meta
    return out


def _import(store: CaseStore, paths: list[Path], feed: GraphFeed | None) -> None:
    merged = graph_folder(store, "c").exists()
    last = _arrays(store, "c")["meta"]["last_seq"] if merged else 0  # type: ignore[index]
    report = ingest_paths(store, "c", paths, on_transfers=feed.add if feed else None)
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


def test_a_graph_fed_by_its_imports_is_the_graph_read_back(tmp_path, evidence):
    fed, read = _store(tmp_path, "fed"), _store(tmp_path, "read")
    feeds = []
    for paths in evidence:
        feeds.append(GraphFeed("c"))
        _import(fed, paths, feeds[-1])
        _import(read, paths, None)
        assert _arrays(fed, "c") == _arrays(read, "c")
    assert all(f.seen > 0 and not f.broken for f in feeds)
    first = _arrays(fed, "c")
    assert first["meta"]["transfers_seen"] == sum(f.seen for f in feeds)  # type: ignore[index]


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
