"""Forward traces from every shop wallet of a demo case find the truth's final beneficiaries."""

from collections import defaultdict
from decimal import Decimal

import pytest

from tools.trace import TraceRequest, load_case_graph, trace


@pytest.mark.parametrize("demo", ["small_demo", "medium_demo"])
def test_forward_traces_find_beneficiaries_and_exchanges(request, demo):
    truth, store, _ = request.getfixturevalue(demo)
    cg = load_case_graph(store, "demo")
    found: dict[str, Decimal] = defaultdict(Decimal)
    reasons: dict[str, str] = {}
    for shop in truth.shops:
        result = trace(cg, TraceRequest(addresses=[shop.treasury, *shop.payment_wallets]))
        for ep in result.endpoints:
            found[ep.address] += Decimal(ep.amount)
            reasons[ep.address] = ep.reason
    expected = {b.address: Decimal(b.held_usdt) for b in truth.beneficiaries}
    deposits = {d for e in truth.exchanges for d in e.deposit_addresses}
    for e in truth.exchanges:
        for d in e.deposit_addresses:
            expected[d] = Decimal(0)
    to_exchange = {
        truth_b.address: Decimal(truth_b.to_exchange_usdt) for truth_b in truth.beneficiaries}
    exchange_total = sum(to_exchange.values())
    found_exchange = sum(v for a, v in found.items() if a in deposits)
    true_value = sum(Decimal(b.held_usdt) for b in truth.beneficiaries) + exchange_total
    hit = sum(min(found[b.address], Decimal(b.held_usdt)) for b in truth.beneficiaries)
    hit += min(found_exchange, exchange_total)
    recall = hit / true_value
    precision = sum(v for a, v in found.items() if a in expected) / sum(found.values())
    print(f"{demo}: recall {recall:.4f}, precision {precision:.4f} by value")
    assert recall >= Decimal("0.95") and precision >= Decimal("0.95")
    for b in truth.beneficiaries:
        assert abs(found[b.address] - Decimal(b.held_usdt)) <= Decimal(b.held_usdt) / 100
        assert reasons[b.address] == "beneficiary"
    found_deposits = [d for d in deposits if d in found]
    assert found_deposits and all(reasons[d] == "exchange_deposit" for d in found_deposits)


def test_graph_is_topped_up_not_rebuilt(small_demo):
    _, store, _ = small_demo
    cg = load_case_graph(store, "demo")
    assert load_case_graph(store, "demo") is cg
    assert cg.refresh(store) == 0 and cg.last_seq > 0
