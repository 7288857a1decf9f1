import random
from decimal import Decimal

import pytest

from tests.utils.graphs import graph
from tools.trace import TraceRequest, trace
from tools.trace import engine as trace_engine
from tools.trace.graph import CaseGraph


def run(cg: CaseGraph, *starts: str, **kw) -> dict[str, tuple[str, Decimal]]:
    result = trace(cg, TraceRequest(addresses=list(starts), **kw))
    return {e.address: (e.reason, Decimal(e.amount)) for e in result.endpoints}


def test_money_leaves_only_after_it_arrived():
    cg = graph(("S", "A", 100, 10), ("A", "B", 100, 5), ("A", "C", 40, 20))
    assert run(cg, "S") == {"A": ("beneficiary", Decimal(60)), "C": ("beneficiary", Decimal(40))}


def test_haircut_carries_the_traced_share_of_the_balance():
    cg = graph(("S", "A", 100, 1), ("X", "A", 300, 2), ("A", "B", 200, 3))
    got = run(cg, "S", policy="haircut")
    assert got["B"][1] == 50 and got["A"][1] == 50


def test_fifo_spends_the_oldest_lots_first():
    cg = graph(("S", "A", 100, 1), ("X", "A", 300, 2), ("A", "B", 100, 3), ("A", "C", 300, 4))
    got = run(cg, "S", policy="fifo")
    assert got == {"B": ("beneficiary", Decimal(100))}


def test_poison_taints_everything_downstream():
    cg = graph(("S", "A", 100, 1), ("X", "A", 300, 2), ("A", "B", 400, 3))
    got = run(cg, "S", policy="poison")
    assert got["B"][1] == 400


def _random_graph(seed: int) -> CaseGraph:
    rng = random.Random(seed)
    nodes = [f"N{i}" for i in range(12)]
    moves = [("S", rng.choice(nodes), rng.randint(1, 500), rng.uniform(0, 10)) for _ in range(5)]
    moves += [(rng.choice(nodes), rng.choice(nodes), f"{rng.randint(1, 500)}.{rng.randint(0, 999999):06d}",
               rng.uniform(0, 100)) for _ in range(60)]
    moves += [("X", rng.choice(nodes), rng.randint(1, 500), rng.uniform(0, 100)) for _ in range(10)]
    return graph(*[m for m in moves if m[0] != m[1]])


@pytest.mark.parametrize("policy", ["haircut", "fifo"])
@pytest.mark.parametrize("seed", range(25))
def test_haircut_and_fifo_conserve_value_exactly(policy, seed):
    result = trace(_random_graph(seed), TraceRequest(addresses=["S"], policy=policy, hops=20))
    held = sum(Decimal(e.amount) for e in result.endpoints) + Decimal(result.dust)
    assert held == Decimal(result.traced)


@pytest.mark.parametrize("policy", ["haircut", "fifo", "poison"])
def test_same_evidence_same_answer_whatever_the_load_order(policy):
    a = _random_graph(3)
    edges = [(u, v, m) for u, v, d in a.graph.edges(data=True) for m in d["m"]]
    random.Random(9).shuffle(edges)
    b = CaseGraph("test")
    for u, v, m in edges:
        if b.graph.has_edge(u, v):
            b.graph[u][v]["m"].append(m)
        else:
            b.graph.add_edge(u, v, m=[m])
    req = TraceRequest(addresses=["S"], policy=policy, hops=20)
    assert trace(a, req).model_dump() == trace(b, req).model_dump()


def test_poison_is_an_upper_bound_of_haircut():
    cg = _random_graph(5)
    hair = run(cg, "S", policy="haircut", hops=20)
    poison = run(cg, "S", policy="poison", hops=20)
    assert sum(v for _, v in poison.values()) >= sum(v for _, v in hair.values())


def test_tagged_exchange_and_deposit_address_stop_the_walk():
    tags = {"HOT": ("Exchange A hot wallet", "exchange"), "BAD": ("Sanctioned mixer", "mixer")}
    cg = graph(("S", "B", 100, 1), ("B", "DEP", 30, 2), ("DEP", "HOT", 30, 3),
               ("B", "BAD", 20, 4), ("HOT", "Z", 999, 5), ("BAD", "Z", 20, 6), tags=tags)
    got = run(cg, "S")
    assert got == {"B": ("beneficiary", Decimal(50)), "DEP": ("exchange_deposit", Decimal(30)),
                   "BAD": ("tagged", Decimal(20))}


def test_busy_hub_stops_the_walk(monkeypatch):
    monkeypatch.setattr(trace_engine, "HUB_DEGREE", 5)
    moves = [("S", "HUB", 100, 1)] + [("HUB", f"U{i}", 10, 2 + i) for i in range(8)]
    result = trace(graph(*moves), TraceRequest(addresses=["S"]))
    [ep] = result.endpoints
    assert (ep.address, ep.reason, ep.amount) == ("HUB", "hub", "100")


def test_hop_limit_leaves_an_unresolved_endpoint_never_a_silent_cut():
    cg = graph(("S", "A", 100, 1), ("A", "B", 100, 2), ("B", "C", 100, 3))
    assert run(cg, "S", hops=2) == {"B": ("unresolved", Decimal(100))}
    assert run(cg, "S", hops=3) == {"C": ("beneficiary", Decimal(100))}


def test_endpoint_path_cites_each_transfer_from_the_start():
    cg = graph(("S", "A", 100, 1), ("A", "B", 90, 2), ("A", "P", 10, 3), ("B", "C", 90, 4))
    result = trace(cg, TraceRequest(addresses=["S"]))
    c = next(e for e in result.endpoints if e.address == "C")
    assert [(h.record_id, h.from_address, h.to_address, h.traced) for h in c.path] == [
        ("t0", "S", "A", "100"), ("t1", "A", "B", "90"), ("t3", "B", "C", "90")]


def test_backward_trace_finds_where_the_money_came_from():
    cg = graph(("O1", "A", 60, 1), ("O2", "A", 40, 2), ("A", "T", 100, 3), ("O1", "Q", 5, 9))
    got = run(cg, "T", direction="backward")
    assert got == {"O1": ("origin", Decimal(60)), "O2": ("origin", Decimal(40))}


def test_window_and_minimum_amount_filter_transfers():
    cg = graph(("S", "A", 100, 100), ("S", "B", 5, 200), ("S", "C", 50, 300))
    from datetime import UTC, datetime
    got = run(cg, "S", until=datetime.fromtimestamp(250, UTC), min_amount="10")
    assert got == {"A": ("beneficiary", Decimal(100))}


def test_peel_chain_and_consolidation_are_reported():
    moves = [("S", "H1", 1000, 1)]
    for i in range(1, 5):
        moves += [(f"H{i}", f"P{i}", 50, 2 * i), (f"H{i}", f"H{i + 1}", 900 - i * 50, 2 * i + 1)]
    moves += [(f"P{i}", "BEN", 50, 20 + i) for i in range(1, 5)]
    result = trace(graph(*moves), TraceRequest(addresses=["S"], hops=10))
    kinds = {p.kind: p for p in result.patterns}
    assert kinds["peel_chain"].addresses[:3] == ["H1", "H2", "H3"]
    assert kinds["consolidation"].addresses[0] == "BEN"


def test_residue_on_a_layering_hop_is_not_a_beneficiary():
    tags = {"HOT": ("Exchange A hot wallet", "exchange")}
    cg = graph(("S", "L1", "10000", 1), ("L1", "L2", "9998", 2), ("L2", "B", "9998", 3),
               ("S", "C", "500", 4), ("C", "DEP", "499", 5), ("DEP", "HOT", "499", 6),
               tags=tags)
    result = trace(cg, TraceRequest(addresses=["S"]))
    got = {e.address: (e.reason, Decimal(e.amount)) for e in result.endpoints}
    assert got == {"B": ("beneficiary", Decimal(9998)), "L1": ("residue", Decimal(2)),
                   "DEP": ("exchange_deposit", Decimal(499)),
                   # Cashing out at an exchange is what a beneficiary does: C keeps its name.
                   "C": ("beneficiary", Decimal(1))}
    residue = next(e for e in result.endpoints if e.reason == "residue")
    assert residue.label == "kept 2 of 10000 (0.02%), passed the rest on"
    assert [h.record_id for h in residue.path] == ["t0"]
