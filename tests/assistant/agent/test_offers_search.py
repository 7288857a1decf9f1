"""Questions answered from the shops' offers: what the goods cost (of one shop, or of a drug in a
city, in any of the three languages), who sells a drug in a city (the bots' menus too), and cards
wanted read as recruiting droppers, in whatever words."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.agent.core import ask
from assistant.agent.ledger import Answer
from assistant.agent.tools import AgentContext
from tests.conftest import DATA
from tests.utils.telegram_export import indexed_case
from tools.search.facets import read_query
from tools.search.index import SearchIndex
from tools.search.text import analyse

EXPORT = DATA / "eval" / "handmade" / "evidence" / "Telegram Desktop" / "DataExport_2025-10-26" \
    / "result.json"
# The chats of Снежная Королева (its channel, its bot's chat) and the market channel whose ads
# name its bot.
SNOW_QUEEN = ("tg:1987654321/", "listing:tg:1987654321/", "tg:6120457731/")
MARKET = ("tg:1765432109/", "listing:tg:1765432109/")


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    root: Path = tmp_path_factory.mktemp("offers_search")
    return indexed_case(root, EXPORT)


def _ask(index: SearchIndex, question: str) -> Answer:
    return ask(question, AgentContext("c", index.store, index))


@pytest.mark.parametrize("question", [
    "цена мефа у Снежной Королевы",
    "сколько стоит меф у Снежной Королевы?",
    "how much does @snowqueen_kz_bot charge for mephedrone?",
])
def test_a_price_asked_of_a_shop_is_its_offers_prices(index: SearchIndex, question: str) -> None:
    answer = _ask(index, question)
    assert answer.verified, answer.flags
    assert "18 000" in answer.answer, answer.answer
    # Its offers, not the cards and wallets its invoices handed out.
    assert "4400 4302 7815 0260" not in answer.answer, answer.answer
    assert "TDMHPGTxctG7rwSVkmiTPL22KZm9YdpSvQ" not in answer.answer, answer.answer
    cited = [c.id for c in answer.citations]
    assert cited and all(c.startswith(SNOW_QUEEN + MARKET) for c in cited), cited
    # The ads in the market channel are of this shop's bot, not another shop's.
    assert "Green Planet" not in answer.answer and "МОЛНИЯ" not in answer.answer, answer.answer


@pytest.mark.parametrize(("question", "prices"), [
    # Kazakh "how much" about a drug: its price, not money traced to an exchange.
    ("Шымкентте гашиш қанша тұрады?", ["15 000", "14 000", "12 000"]),
    ("price of hash at Green Planet", ["15 000"]),
    ("почём шишки у Шоколадной Фабрики?", ["11 000"]),
])
def test_what_a_drug_costs_is_answered_by_the_priced_lines(index: SearchIndex, question: str,
                                                           prices: list[str]) -> None:
    answer = _ask(index, question)
    assert answer.verified, answer.flags
    for price in prices:
        assert price in answer.answer, answer.answer
    assert "USDT" not in answer.answer and "биржа" not in answer.answer, answer.answer


def test_who_sells_a_drug_in_a_city_names_the_shops_whose_bots_offer_it(
        index: SearchIndex) -> None:
    # Green Planet offers alpha-PVP in Shymkent only in its bot's menu (a chat message).
    answer = _ask(index, "who sells alpha-PVP in Shymkent?")
    assert answer.verified, answer.flags
    assert "Green Planet" in answer.answer and "Снежная Королева" in answer.answer, answer.answer
    assert "13 000" in answer.answer, answer.answer  # its price of it
    # An invoice handing out a card is no offer.
    assert "4405 6391 2047 8811" not in answer.answer, answer.answer


@pytest.mark.parametrize("question", [
    "card holders wanted",
    "who is hiring people to hand over their bank cards?",
    "any ads looking for people with Kaspi cards?",
])
def test_cards_wanted_is_recruiting_droppers(index: SearchIndex, question: str) -> None:
    answer = _ask(index, question)
    assert answer.verified, answer.flags
    assert "@drop_work_kz" in answer.answer, answer.answer
    assert all(c.id.endswith("/2212") for c in answer.citations), answer.answer


@pytest.mark.parametrize(("query", "purpose", "drops"), [
    ("card holders wanted", "recruit", True),
    ("hiring people with bank cards", "recruit", True),
    ("нужны люди с картами", "recruit", True),
    # Cards to pay with are not cards wanted.
    ("какая карта нужна для оплаты", "payment", False),
    ("на какую карту нужно скинуть", "payment", False),
    ("I want to pay by card", "payment", False),
    # A card that works no more is no job.
    ("the message where the shop said the card no longer works", "payment", False),
])
def test_a_query_for_cards_wanted_reads_as_a_text_of_them_does(query: str, purpose: str,
                                                                drops: bool) -> None:
    wanted = read_query(analyse(query))
    assert (wanted.purpose, wanted.drops) == (purpose, drops)


@pytest.mark.parametrize(("question", "message", "said"), [
    # Where the stash lies, of the shop named: the bot's message with the coordinates, not the
    # shop's payment details.
    ("координаты закладки которую дала Green Planet", "tg:6488201957/8", "42.3385"),
    # Kazakh, a shop whose name reads as slang ("шоколад"): its bot's coordinates, no trace.
    ("Шоколадная фабрика жіберген координаттар қайда?", "tg:5931177604/10", "42.3563"),
    # The first coordinates after the order quoted, in the chats of the shop named.
    ("где координаты от Снежной Королевы после заказа SQ-5208", "tg:6120457731/18", "42.3012"),
])
def test_a_stash_asked_of_a_shop_is_the_message_giving_it(index: SearchIndex, question: str,
                                                          message: str, said: str) -> None:
    answer = _ask(index, question)
    assert answer.verified, answer.flags
    assert [c.id for c in answer.citations] == [message], answer.answer
    assert said in answer.answer


def test_a_message_asked_by_a_sum_it_holds_however_spaced(index: SearchIndex) -> None:
    # "35 000" as the ad writes it; no order number or code to quote, and a search by meaning
    # finds nothing like it.
    answer = _ask(index, "show me the message with 35 000")
    assert answer.verified, answer.flags
    assert [c.id for c in answer.citations] == ["tg:1765432109/2208"], answer.answer
    assert "Chicco" in answer.answer


def test_an_everyday_thing_for_sale_on_the_market_board_is_its_ad(index: SearchIndex) -> None:
    # "stuff" is an everyday word in English, no sign of the drug trade: the board's ads of
    # things, not the shops' offers.
    answer = _ask(index, "is anyone selling a pram or kids' stuff in the market channel?")
    assert answer.verified, answer.flags
    assert answer.citations[0].id.endswith("/2208"), answer.answer
    assert "Chicco" in answer.answer and "@snowqueen_kz_bot" not in answer.answer


@pytest.mark.parametrize("question", ["полиция туралы жаңалықтар бар ма?", "были ли задержания?"])
def test_police_news_is_searched_in_the_case(index: SearchIndex, question: str) -> None:
    # The police news a channel of the case posted, not a refusal as a question of the world.
    answer = _ask(index, question)
    assert answer.verified, answer.flags
    assert [c.id.rsplit(":", 1)[-1] for c in answer.citations] == ["1765432109/2211"], \
        answer.answer


def test_a_sender_written_in_latin_is_found_when_asked_in_cyrillic(index: SearchIndex) -> None:
    # "Tima" in the export; "Тима" in a Kazakh question.
    answer = _ask(index, "Тима не деп жазды карта туралы?")
    assert answer.verified, answer.flags
    assert [c.id for c in answer.citations] == ["tg:1654321098/19"], answer.answer
    assert "4400430311649922" in answer.answer


def test_ads_of_an_everyday_topic_are_those_of_the_topic(index: SearchIndex) -> None:
    # Phones for sale: the phone's ad, not the pram and tyres the board posted beside it.
    answer = _ask(index, "объявления о продаже телефонов")
    assert answer.verified, answer.flags
    assert [c.id for c in answer.citations] == ["listing:tg:1765432109/2204"], answer.answer


@pytest.mark.parametrize(("question", "said"), [
    ("what drugs does Green Planet sell?", "Гашиш Марокко 1г — 15 000"),
    ("what is on the menu of the chocolate factory bot?", "Кристалл 1г — 16 000"),
    ("Снежная Королева что продает?", "Меф кристалл 1г — 18 000"),
])
def test_what_a_shop_sells_is_its_offers(index: SearchIndex, question: str, said: str) -> None:
    answer = _ask(index, question)
    assert answer.verified, answer.flags
    assert said in answer.answer, answer.answer
    # Not the payment details it handed out.
    assert "KZ45 6011" not in answer.answer and "4400-4301" not in answer.answer, answer.answer


@pytest.mark.parametrize(("question", "cited"), [
    # A drug named in a city: its offers, whatever list of shops the words looked like.
    ("Қонаевта шишки бар ма?", "listing:tg:1876543210/41"),
    # What the flea-market board sells: its ads of things.
    ("барахолкада не сатылады?", "listing:tg:1765432109/2208"),
])
def test_offers_asked_in_other_words_are_searched(index: SearchIndex, question: str,
                                                 cited: str) -> None:
    answer = _ask(index, question)
    assert answer.verified, answer.flags
    assert cited in [c.id for c in answer.citations], answer.answer


def test_a_price_of_goods_named_is_of_the_offers_naming_them(index: SearchIndex) -> None:
    # "Gorilla Glue" reads as cannabis; the offer naming it, not every priced cannabis offer.
    answer = _ask(index, "Gorilla Glue - who sells it and at what price?")
    assert answer.verified, answer.flags
    assert [c.id for c in answer.citations] == ["listing:tg:1876543210/42"], answer.answer
    assert "13 000" in answer.answer and "Green Planet" in answer.answer


@pytest.mark.parametrize("question", [
    "где продают гашиш и почём за грамм?", "hash price per gram - who sells it?",
    "гашиш қайда сатылады, бағасы қанша?"])
def test_a_drugs_price_from_every_shop_offering_it(handmade, question: str) -> None:
    # (Снежная Королева's posts name no price: its bot's menu does; Шоколадная Фабрика's ad
    # says "шоколад", its slang for hashish.)
    store, index = handmade
    answer = ask(question, AgentContext("hm", store, index)).answer
    for price in ("14 000", "15 000", "12 000"):
        assert price in answer, answer


@pytest.mark.parametrize("question", [
    "Шымкентте шишкалар қанша тұрады?", "сколько стоят шишки в Шымкенте?",
    "how much is a gram of weed in Shymkent?"])
def test_a_drugs_price_in_a_city_whatever_form_the_city_is_written_in(handmade, question: str
                                                                       ) -> None:
    store, index = handmade
    answer = ask(question, AgentContext("hm", store, index)).answer
    assert "11 000" in answer and "12 000" in answer, answer


@pytest.mark.parametrize("question", [
    "найди посты про альфа пвп", "каналдардағы соль (крис) жарнамалары",
    "ads for alpha-pvp in the channels?"])
def test_the_posts_of_a_drug_are_the_channels_posts(small_demo, small_demo_index,
                                                    question: str) -> None:
    _, store, _ = small_demo
    answer = ask(question, AgentContext("demo", store, small_demo_index))
    assert "Астана" in answer.answer and "Усть-Каменогорск" in answer.answer, answer.answer
    assert all(c.record.get("chat_type") != "bot_chat" for c in answer.citations
               if c.kind == "message"), answer.answer


@pytest.mark.parametrize("question", [
    "any ads promising 50 000 tenge a month for Kaspi cards?",
    "объявления, где за карту Kaspi обещают 50 000 тенге в месяц",
    "Kaspi картасы үшін айына 50 000 теңге уәде ететін жарнамалар",
])
def test_a_pay_per_period_in_any_order_is_the_posts_offering_it(index: SearchIndex,
                                                               question: str) -> None:
    answer = _ask(index, question)
    texts = [str(c.record) for c in answer.citations]
    assert texts and all("50 000" in t or "50000" in t for t in texts), answer.answer


@pytest.mark.parametrize("question", [
    "посты про альфа-пвп в Шымкенте",
    "alpha-PVP posts in Shymkent",
    "Шымкенттегі альфа-пвп туралы посттар",
])
def test_posts_asked_are_the_channels_posts_not_the_bots_menus(index: SearchIndex,
                                                               question: str) -> None:
    answer = _ask(index, question)
    assert answer.citations, answer.answer
    # A bot's chat with the buyer holds its menu, not a post.
    assert all(c.record.get("chat_type") != "bot_chat" if isinstance(c.record, dict) else True
               for c in answer.citations), answer.answer
    assert not any(c.id.startswith(("tg:6120457731/", "tg:5931177604/", "tg:6488201957/"))
                   for c in answer.citations), answer.answer
