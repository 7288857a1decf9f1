"""Shops resolved at import: chats, advertised bots and names linked by what the evidence says."""

from __future__ import annotations

import pytest

from tests.conftest import DATA
from tools.ingest.pipeline import ingest_paths
from tools.shop_links import BotMention, Chat, link_shops
from tools.shops import find_shops, shop_details, shop_names
from tools.store import CaseStore

MARKET = DATA / "shops" / "telegram_market_channel.json"


@pytest.fixture
def market_case(store: CaseStore) -> CaseStore:
    report = ingest_paths(store, "m", [MARKET])
    assert not report.rejected, [f.error for f in report.rejected]
    return store


def test_a_bot_advertised_only_in_a_market_channel_finds_its_bot_chat(market_case):
    found = find_shops(market_case, "m", "@moonlight_shop_bot")
    # The bot chat is named "Белая Луна 🌙"; only the market channel's post links the two.
    assert found == {"tg:7700000002": "Белая Луна 🌙"}
    handed = [h.display for s in found for h in shop_details(market_case, "m", s).handed_out]
    assert handed and "4400 4301 8765 4329" in " ".join(handed)


def test_a_bot_finds_its_bot_chat_and_channel_but_not_the_market(market_case):
    found = find_shops(market_case, "m", "@NordWind_KZ_bot")
    assert found == {"tg:7700000001": "Северный ветер", "tg:1650000002": "NW Official 🌬"}
    assert "tg:1650000001" not in find_shops(market_case, "m", "@nordwind_kz_bot")
    cards = [h.account_id for h in shop_details(market_case, "m", "tg:7700000001").handed_out]
    assert cards == ["card:4400430123456789"]


def test_a_shop_is_found_by_any_of_its_names(market_case):
    by_bot_chat = find_shops(market_case, "m", "«Северный ветер»")
    by_channel = find_shops(market_case, "m", "nw official")
    assert by_bot_chat and by_bot_chat == by_channel
    assert find_shops(market_case, "m", "Барахолка Алматы 24/7") == {
        "tg:1650000001": "Барахолка Алматы 24/7"}
    assert find_shops(market_case, "m", "нет такого") == {}


def test_a_chat_goes_by_its_shops_advertised_name(market_case):
    # The bot chat "Северный ветер" belongs to the shop whose channel is "NW Official 🌬";
    # a shop with no channel of its own keeps its bot chat's title.
    with market_case.engine.connect() as conn:
        names = shop_names(conn, "m")
    assert names == {"tg:1650000001": "Барахолка Алматы 24/7", "tg:1650000002": "NW Official 🌬",
                     "tg:7700000001": "NW Official 🌬", "tg:7700000002": "Белая Луна 🌙"}


def test_a_bot_chat_whose_name_spells_the_handle_is_linked_without_a_post():
    shops = link_shops([Chat("tg:1", "Север", "bot_chat"), Chat("tg:2", "Юг", "bot_chat"),
                        Chat("tg:3", "Новости", "public_channel")],
                       [BotMention("tg:3", "sever24_bot", "скидки @sever24_bot"),
                        BotMention("tg:3", "other_bot", "и ещё @other_bot")])
    assert [(s.id, s.bots) for s in shops if s.bots] == [("tg:1", ["sever24_bot"])]
    assert {c.id for s in shops for c in s.chats} == {"tg:1", "tg:2", "tg:3"}


def _shop_chats(shops) -> set[frozenset[str]]:
    return {frozenset(c.id for c in s.chats) for s in shops}


def test_shops_named_like_products_stay_apart_from_the_shops_whose_menus_name_them():
    # "Кристалл" and "Снежок" are drug slang as well as shop names: every other shop's menu
    # names them. Two shops are never one for a word in a post.
    chats = [Chat("tg:1", "Кристалл", "bot_chat"), Chat("tg:2", "Снежок", "bot_chat"),
             Chat("tg:3", "Барыс", "bot_chat"),
             Chat("tg:11", "Кристалл | Алматы", "public_channel"),
             Chat("tg:12", "Снежок | Астана", "public_channel"),
             Chat("tg:13", "Барыс | Шымкент", "public_channel")]
    mentions = [BotMention("tg:11", "kristall77_bot", "Кристалл 1г — 15 000 ₸ @kristall77_bot"),
                BotMention("tg:12", "snezhok_kz_bot", "❄️ Снежок и Кристалл 1г @snezhok_kz_bot"),
                BotMention("tg:13", "barys_bot", "Меф кристалл, снежок — пиши @barys_bot")]
    assert _shop_chats(link_shops(chats, mentions)) == {
        frozenset({"tg:1", "tg:11"}), frozenset({"tg:2", "tg:12"}),
        frozenset({"tg:3", "tg:13"})}


def test_a_channel_and_a_handle_go_to_the_shop_of_the_longest_name_they_spell():
    chats = [Chat("tg:1", "Альфа Маркет", "bot_chat"), Chat("tg:2", "Альфа Маркет 2", "bot_chat"),
             Chat("tg:11", "Альфа Маркет 2 | Караганда", "public_channel")]
    mentions = [BotMention("tg:1", "al_fa_marketk39_bot", "@al_fa_marketk39_bot на связи"),
                BotMention("tg:11", "al_fa_market_2x14_bot", "новый бот @al_fa_market_2x14_bot")]
    shops = link_shops(chats, mentions)
    assert {frozenset(c.id for c in s.chats): s.bots for s in shops} == {
        frozenset({"tg:1"}): ["al_fa_marketk39_bot"],
        frozenset({"tg:2", "tg:11"}): ["al_fa_market_2x14_bot"]}


def test_demo_shops_are_found_by_bot_name_and_channel(small_demo):
    truth, store = small_demo[0], small_demo[1]
    assert truth.shops
    for shop in truth.shops:
        found = find_shops(store, "demo", "@" + shop.bot)
        assert shop.id in found, (shop, found)
        assert found[shop.id] == shop.name
        assert find_shops(store, "demo", shop.name).keys() == found.keys()


def test_a_market_listing_has_one_shop_id_at_import_and_in_the_search_index():
    from tests.conftest import EVIDENCE, SAMPLES
    from tools.ingest.listings import parse_listings
    from tools.search.index import _shop_of

    items = [*parse_listings(SAMPLES / "11_agora_listings_sample_mozzarellaV8.csv", "a"),
             *parse_listings(EVIDENCE / "listings.jsonl", "l", jsonl=True)]
    with_vendor = [i for i in items if i.shop]
    assert with_vendor and any(i.shop.startswith("agora:") for i in with_vendor)
    assert all(_shop_of(i.id, i.kind, i.data) == i.shop for i in with_vendor)
