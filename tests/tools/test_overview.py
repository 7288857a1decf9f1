"""The case overview on the small demo: shops, droppers, and the beneficiaries' exact holdings."""

import json
from decimal import Decimal

from tests.conftest import DATA
from tools.ingest.pipeline import ingest_paths
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


def _post(msg_id: int, channel: int, name: str, text: str) -> dict:
    return {"id": msg_id, "type": "message", "date": "2025-04-02T10:00:00",
            "date_unixtime": "1743588000", "from": name, "from_id": f"channel{channel}",
            "text": text, "text_entities": [{"type": "plain", "text": text}]}


def test_a_board_advertising_several_shops_is_a_market_and_its_ads_name_shops(store, tmp_path):
    # The market channel of tests/data/shops advertises two shops' bots; here it also carries
    # the ad of a shop with no chat in the case and a flea-market seller's phone.
    export = json.loads((DATA / "shops" / "telegram_market_channel.json").read_text())
    board = next(c for c in export["chats"]["list"] if c["id"] == 1650000001)
    board["messages"] += [
        _post(10, 1650000001, board["name"], "⚡ ГРОЗА ⚡\nКараганда, Темиртау. Пиши @groza_krg_bot"),
        _post(11, 1650000001, board["name"], "Продам диван, почти новый. Звоните +7 701 555 12 34")]
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    assert not ingest_paths(store, "m", [path]).rejected
    o = case_overview(store, "m", load_case_graph(store, "m"))
    by_chat = {s.shop: s for s in o.shops}
    market = by_chat["tg:1650000001"]
    assert market.market and not market.hands_out_payments
    assert market.advertises == ["groza_krg_bot", "moonlight_shop_bot", "nordwind_kz_bot"]
    assert {s.shop for s in o.shops if s.hands_out_payments} == {"tg:7700000001", "tg:7700000002"}
    # The shop known only from its ad, with the ad cited and its first line as it is written.
    assert [(a.bot, a.record_id, a.excerpt) for a in o.advertised] == [
        ("groza_krg_bot", "listing:tg:1650000001/10", "⚡ ГРОЗА ⚡")]
    # The seller's phone is not a dropper's account.
    assert all("+77015551234" not in d.account_id for d in o.top_droppers)
    assert all("tg:1650000001" not in d.shops for d in o.top_droppers)


def test_a_shop_channel_naming_its_main_and_reserve_bots_is_a_shop_not_a_board(store, tmp_path):
    export = json.loads((DATA / "shops" / "telegram_market_channel.json").read_text())
    name = "Снежная Королева KZ"
    export["chats"]["list"].append({"name": name, "type": "public_channel", "id": 1650000009,
                                    "messages": [
        _post(1, 1650000009, name, "Заказы через бота @snowqueen_kz_bot, резервный бот "
                                   "@snowqueen_reserve_bot"),
        _post(2, 1650000009, name, "Оплата на карту 4400 4302 7815 0260 или Kaspi "
                                   "+7 701 555 12 34")]})
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    assert not ingest_paths(store, "m", [path]).rejected
    o = case_overview(store, "m", load_case_graph(store, "m"))
    queen = next(s for s in o.shops if s.shop == "tg:1650000009")
    assert not queen.market and queen.hands_out_payments
    assert not o.advertised  # its own bots are not shops known only from ads
    assert any(d.account_id == "card:4400430278150260" for d in o.top_droppers)


def test_a_card_two_shops_handed_out_is_shared_and_cited_by_each_shop_s_message(store,
                                                                                tmp_path):
    export = json.loads((DATA / "shops" / "telegram_market_channel.json").read_text())
    moon = next(c for c in export["chats"]["list"] if c["id"] == 7700000002)
    # Белая Луна hands out the card Северный ветер handed out (its message 4).
    moon["messages"].append({**moon["messages"][-1], "id": 4,
                             "text": "Оплата на карту 4400 4301 2345 6789",
                             "text_entities": [{"type": "plain",
                                                "text": "Оплата на карту 4400 4301 2345 6789"}]})
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    assert not ingest_paths(store, "m", [path]).rejected
    o = case_overview(store, "m", load_case_graph(store, "m"))
    assert [(d.account_id, d.records_by_shop) for d in o.shared_droppers] == [
        ("card:4400430123456789", {"tg:7700000001": "tg:7700000001/4",
                                   "tg:7700000002": "tg:7700000002/4"})]


def test_each_statement_holder_s_inflow_is_what_their_own_statement_shows(small_demo):
    truth, store, _ = small_demo
    o = case_overview(store, "demo", load_case_graph(store, "demo"), top=50)
    by_account = {h.account: Decimal(h.received) for h in o.statement_holders}
    compared = [d for d in truth.droppers if d.iban in by_account]
    assert compared
    assert all(by_account[d.iban] == Decimal(d.received_kzt) for d in compared)
    # The demo's droppers pass money to each other: counted once, not at each hop.
    gross = sum((Decimal(d.received_kzt) for d in truth.droppers if d.received_kzt), Decimal(0))
    assert 0 < Decimal(o.statements_received) < gross
