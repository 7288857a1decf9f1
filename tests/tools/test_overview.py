"""The case overview on the small demo: shops, droppers, and the beneficiaries' exact holdings."""

from decimal import Decimal

from tools.overview import case_overview
from tools.trace import load_case_graph


def test_overview_finds_what_the_demo_case_hides(small_demo):
    truth, store, _ = small_demo
    o = case_overview(store, "demo", load_case_graph(store, "demo"))
    bots = {f"tg:{s.id.split(':')[1]}": s for s in truth.shops}
    by_shop = {s.shop: s for s in o.shops}
    for shop_id, shop in bots.items():
        assert by_shop[shop_id].name == shop.name
        assert by_shop[shop_id].accounts["tron"] == len(shop.payment_wallets)
    assert sorted(o.shop_wallets) == sorted(w for s in truth.shops for w in s.payment_wallets)
    assert o.collection_wallets == sorted(s.treasury for s in truth.shops)
    held = {b.address: Decimal(b.held_usdt) for b in truth.beneficiaries}
    found = {b.address: Decimal(b.amount) for b in o.beneficiaries if b.reason == "beneficiary"}
    assert found == held
    deposits = {d for e in truth.exchanges for d in e.deposit_addresses}
    assert {b.address for b in o.beneficiaries if b.reason == "exchange_deposit"} <= deposits


def test_top_droppers_are_the_shops_accounts_ranked_by_money_then_use(small_demo):
    truth, store, _ = small_demo
    o = case_overview(store, "demo", load_case_graph(store, "demo"), top=50)
    known = {v for d in truth.droppers for v in (d.card, d.iban, d.phone) if v}
    assert o.top_droppers and all(d.account_id.split(":", 1)[1] in known for d in o.top_droppers)
    money = [Decimal(d.received) for d in o.top_droppers if d.received]
    assert money == sorted(money, reverse=True)
    first_unfunded = next(i for i, d in enumerate(o.top_droppers) if d.received is None)
    assert all(d.received is None for d in o.top_droppers[first_unfunded:])
    for d in o.top_droppers:
        assert d.record_id in truth.messages
        assert d.account_id.split(":", 1)[1] in {v for _, v in truth.messages[d.record_id]}


def test_each_shop_of_the_overview_names_its_bots(small_demo):
    truth, store, _ = small_demo
    o = case_overview(store, "demo", load_case_graph(store, "demo"))
    bots = {b for s in o.shops for b in s.bots}
    assert bots and {s.bot for s in truth.shops} <= bots
