"""The case graph kept as arrays beside the store (issue 16): mapped by a new process,
merged as evidence arrives, rebuilt for another store, and tracing exactly as networkx did."""

import shutil

from tools.demo.generate import generate_case
from tools.ingest.pipeline import ingest_paths
from tools.store import connect_store
from tools.trace import TraceRequest, trace
from tools.trace.compact import CompactGraph
from tools.trace.graph import CaseGraph, _graphs, graph_folder, load_case_graph


def _fresh_process() -> None:
    _graphs.clear()


def test_arrays_are_kept_mapped_topped_up_and_trace_as_networkx(tmp_path):
    case = tmp_path / "case"
    truth = generate_case(case, seed=3, scale="small")
    store = connect_store(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "evidence")
    pages = sorted((case / "tron").glob("*.json"))
    ingest_paths(store, "demo", pages[: len(pages) // 2] + [case / "tags"])
    _fresh_process()
    first = load_case_graph(store, "demo")
    assert isinstance(first.graph, CompactGraph) and first.graph.number_of_moves() > 0
    assert (graph_folder(store, "demo") / "current").exists()
    # A new process maps what the first wrote: nothing is read again from the store.
    _fresh_process()
    mapped = load_case_graph(store, "demo")
    assert mapped.graph is not first.graph and mapped.last_seq == first.last_seq
    assert mapped.graph.number_of_moves() == first.graph.number_of_moves()
    # New evidence is merged into a new version.
    ingest_paths(store, "demo", pages[len(pages) // 2 :])
    assert mapped.refresh(store) > 0 and mapped.refresh(store) == 0
    # Every trace is the same as over the networkx graph of the same transfers.
    reference = CaseGraph("demo")
    reference.refresh(store)
    _fresh_process()
    again = load_case_graph(store, "demo")
    assert again.graph.number_of_edges() == reference.graph.number_of_edges()
    starts = [s.treasury for s in truth.shops] + [w for s in truth.shops
                                                  for w in s.payment_wallets]
    for start in starts:
        for direction in ("forward", "backward"):
            req = TraceRequest(addresses=[start], direction=direction)
            assert trace(again, req).model_dump() == trace(reference, req).model_dump()
    for u in list(reference.graph.nodes)[:50]:
        assert list(again.graph.succ[u]) == list(reference.graph.succ[u])
        assert list(again.graph.pred[u]) == list(reference.graph.pred[u])
        assert again.graph.nodes[u] == reference.graph.nodes[u]
        for v, d in reference.graph.succ[u].items():
            assert again.graph.edges[u, v]["m"] == d["m"]


def test_arrays_of_another_store_are_not_used(tmp_path):
    case = tmp_path / "case"
    generate_case(case, seed=3, scale="small")
    store = connect_store(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "evidence")
    ingest_paths(store, "demo", [case / "tron"])
    _fresh_process()
    moves = load_case_graph(store, "demo").graph.number_of_moves()
    # The store is recreated with other evidence; the kept arrays stay on disk.
    store.engine.dispose()
    (tmp_path / "db.sqlite").unlink()
    shutil.rmtree(tmp_path / "evidence")
    store = connect_store(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "evidence")
    pages = sorted((case / "tron").glob("*.json"))
    ingest_paths(store, "demo", pages[:2])
    _fresh_process()
    cg = load_case_graph(store, "demo")
    assert 0 < cg.graph.number_of_moves() < moves


def test_a_column_of_amounts_reads_as_each_amount_alone():
    from tools.trace.compact import amount_columns, amount_parts

    column = ["2791.904533", "0", "-12.50", "007.000000", "1" * 78, "0.000000000000000001"]
    assert amount_columns(column) == tuple(map(list, zip(*map(amount_parts, column),
                                                         strict=True)))
    for odd in ("1e5", "1.0000000000000000001", " 1", "", "+1"):
        assert amount_columns([*column, odd]) is None


def test_stored_times_are_utc_whatever_the_machine_zone(monkeypatch):
    import time as clock
    from datetime import UTC, datetime

    from tools.trace.graph import epoch_seconds

    monkeypatch.setenv("TZ", "Asia/Almaty")
    clock.tzset()
    try:
        want = datetime(2025, 1, 25, 4, 14, 55, 538000, tzinfo=UTC).timestamp()
        assert epoch_seconds(["2025-01-25 04:14:55.538000"]) == [want]
        assert epoch_seconds([datetime(2025, 1, 25, 4, 14, 55, 538000), None,
                              datetime(2025, 1, 25, 4, 14, 55, 538000, tzinfo=UTC)]) == [
            want, 0.0, want]
        assert epoch_seconds(["not a time", "2025-01-25 04:14:55.538000"]) == [0.0, want]
    finally:
        monkeypatch.delenv("TZ")
        clock.tzset()
