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


def _move(n: int, *, units: int = 1_500_000, rid: str | None = None):
    from tools.trace.compact import NewMove

    tx = f"{n:064x}"
    return NewMove(n, f"Tsrc{n % 7}", f"Tdst{n % 5}", 1_700_000_000.0 + n, units, 12,
                   rid or f"tron:{tx}#{n:08x}", tx, "USDT" if n % 3 else "USDC")


def test_new_moves_are_packed_batch_by_batch_into_the_arrays_types():
    from tools.trace.compact import NewMoves

    moves = [_move(n) for n in range(1, 20_001)]
    packed = NewMoves()
    for start in range(0, len(moves), 5_000):
        packed.add(*map(list, zip(*moves[start:start + 5_000], strict=True)))
    held = sum(a.nbytes for column in packed.parts.values() for a in column)
    # Fixed-size columns only: the ids packed as bytes, not kept as Python text.
    assert len(packed) == 20_000 and held / len(packed) <= 80
    assert packed.names[:4] == ["Tsrc1", "Tdst1", "Tsrc2", "Tdst2"]
    # Merged in one or in four batches, the graph is the same.
    whole = CompactGraph().merged(moves)
    batched = CompactGraph().merged(packed)
    assert batched.names == whole.names and batched.tokens == whole.tokens
    for k, column in whole.a.items():
        assert (batched.a[k] == column).all(), k
    assert batched.edges["Tsrc1", "Tdst1"]["m"] == whole.edges["Tsrc1", "Tdst1"]["m"]


def test_odd_ids_and_huge_amounts_keep_their_rows_across_batches_and_merges():
    from tools.trace.compact import NewMoves

    odd = _move(5, rid="tron-scan:row-5")
    huge = _move(8, units=10**30)
    first = [_move(n) for n in range(1, 5)]
    second = [odd, _move(6), _move(7), huge]
    packed = NewMoves()
    for batch in (first, second):
        packed.add(*map(list, zip(*batch, strict=True)))
    assert packed.other_ids == {4: ("tron-scan:row-5", odd.tx)} and packed.big_units == {
        7: 10**30 * 10**12}
    g = CompactGraph().merged([_move(n) for n in range(100, 103)]).merged(packed)
    moves = [m for u in g for v in g.succ[u] for m in g.edges[u, v]["m"]]
    assert {m.record_id for m in moves} >= {"tron-scan:row-5", huge.record_id}
    assert next(m for m in moves if m.record_id == huge.record_id).units == 10**30 * 10**12
    assert next(m for m in moves if m.record_id == "tron-scan:row-5").tx == odd.tx


def test_a_page_of_tens_of_thousands_of_made_up_tokens_still_merges():
    from tools.trace.compact import NewMove

    # Token names come from the evidence: more of them than a 16-bit number holds.
    moves = [NewMove(n, "Ta", "Tb", 0.0, 1, 12, f"x:{n}", f"{n:064x}", f"FAKE{n}")
             for n in range(1, 40_001)]
    g = CompactGraph().merged(moves)
    assert len(g.tokens) == 40_000
    assert {m.token for m in g.edges["Ta", "Tb"]["m"][-2:]} == {"FAKE39999", "FAKE40000"}
