"""The way between two addresses: the shortest chain, and the other routes the money split on
(each leaving the source by another first hop, none going back in time)."""

from tests.utils.graphs import graph
from tools.trace.paths import money_path


def test_other_routes_leave_by_other_first_hops() -> None:
    cg = graph(("S", "A", 100, 1), ("A", "T", 90, 2),
               ("S", "B", 80, 3), ("B", "C", 70, 4), ("C", "T", 60, 5),
               ("S", "D", 50, 6), ("D", "T", 40, 7))
    path = money_path(cg, "S", "T")
    assert [h.to_address for h in path.hops] == ["A", "T"]
    routes = [[h.to_address for h in r] for r in path.other_routes]
    assert routes == [["B", "C", "T"], ["D", "T"]]  # the source's largest payees first


def test_a_route_that_would_go_back_in_time_is_none() -> None:
    # B paid T before S paid B: not S's money.
    cg = graph(("S", "A", 100, 1), ("A", "T", 90, 2), ("B", "T", 70, 3), ("S", "B", 80, 4))
    assert money_path(cg, "S", "T").other_routes == []
