"""Queries as analysts type them over texts as shops and markets write them: numbers as written,
words in another language, towns beside a city, jobs told apart, what is asked besides the drug
trade."""

import pytest

from tests.utils.telegram_export import indexed_case, write_export
from tests.utils.telegram_export import message as _msg

OWNER = 5550001
BOT = 6712003344
SHOP = 1834567123
MARKET = 1712345678
JOBS = 1623456789


def _export(path):
    me, bot = f"user{OWNER}", f"user{BOT}"
    shop, market, jobs = f"channel{SHOP}", f"channel{MARKET}", f"channel{JOBS}"
    chats = [
        {"name": "Оператор Лёд", "type": "bot_chat", "id": BOT, "messages": [
            _msg(1, "Даурен", me, "/start"),
            _msg(2, "Лёд", bot, "📍 Алматы — витрина:\n❄️ Меф кристалл 1г — 17 000 ₸\n"
                 "❄️ Меф мука 1г — 15 000 ₸\nРезервный бот: @aisberg_almaty_bot"),
            _msg(3, "Даурен", me, "Меф 1г"),
            _msg(4, "Лёд", bot, "✅ Заказ №90274 принят. Перевод на каспи +7 707 475 77 10 "
                 "(17 000 ₸), скрин в чат"),
            _msg(5, "Даурен", me, "оплатил"),
            _msg(6, "Лёд", bot, "Для опта реквизиты: KZ43 722S 6075 9838 6756, получатель ИП"),
            _msg(7, "Лёд", bot, "Оплата USDT TRC-20: TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE"),
        ]},
        {"name": "Айсберг | Алматы", "type": "public_channel", "id": SHOP, "messages": [
            _msg(11, "Айсберг", shop, "❄️ Айсберг снова в Алматы! Меф кристалл 1г — 17 000 ₸. "
                 "Бот @aisberg_almaty_bot"),
            _msg(12, "Айсберг", shop, "Жаңа жылға дейін барлық тауарларға 15% жеңілдік ❄️ "
                 "@aisberg_almaty_bot"),
            _msg(13, "Айсберг", shop, "Пікірлер 🔥 «Клад орнында, бәрі тез» — Алматы, Алатау "
                 "ауданы"),
        ]},
        {"name": "Барахолка Алматы", "type": "public_channel", "id": MARKET, "messages": [
            _msg(21, "Барахолка", market, "❄️ Снежок 🏔 Каскелен, Талгар. Мука 1г 15к. Пиши "
                 "@sneg_kask"),
            _msg(22, "Барахолка", market, "Сатамын: велосипед, Алматы, 60 000 ₸"),
            _msg(23, "Барахолка", market, "Пицца Маргарита 35 см — 3 490 ₸, доставка по Алматы "
                 "бесплатно"),
            _msg(24, "Барахолка", market, "🍕 Требуются курьеры на доставку пиццы, Алматы, оплата "
                 "12 000 ₸/смена"),
        ]},
        {"name": "Работа в Алматы", "type": "public_channel", "id": JOBS, "messages": [
            _msg(31, "Работа", jobs, "Курьер-кладмен, Алматы, от 350 000 ₸ в неделю. Пиши "
                 "@aisberg_job"),
            _msg(32, "Работа", jobs, "Требуются фасовщики на склад, Алматы, от 500 000 ₸ в "
                 "неделю. Закладки не нужны. Пиши @aisberg_job"),
            _msg(33, "Работа", jobs, "Вакансия «перевозчик»: водители на личном авто между "
                 "Алматы и Астаной, закладки в машине, 300 000 ₸ за рейс. Пиши @aisberg_job"),
        ]},
    ]
    return write_export(path, OWNER, chats)


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    root = tmp_path_factory.mktemp("phrasings")
    return indexed_case(root, _export(root / "result.json"))


def _first(index, query):
    return index.search(query, k=10).hits[0].record_ids


@pytest.mark.parametrize(("query", "record"), [
    # A phone written beside an amount, searched as the digits alone or as written.
    ("87074757710", f"tg:{BOT}/4"), ("+7 707 475 77 10", f"tg:{BOT}/4"),
    # An order number.
    ("заказ 90274", f"tg:{BOT}/4"),
    # The kind of detail asked for, however the text names it.
    ("IBAN", f"tg:{BOT}/6"),
    # A code with its hyphen or without.
    ("TRC20 кошелёк", f"tg:{BOT}/7"),
    # The word in another language than the post's.
    ("скидка", f"tg:{SHOP}/12"), ("отзывы покупателей", f"tg:{SHOP}/13"),
    # Words alone that no shop's offer holds: the flea-market ad that does.
    ("велосипед", f"tg:{MARKET}/22"),
])
def test_what_an_analyst_types_finds_the_text_that_holds_it(index, query, record):
    assert record in _first(index, query), [h.record_ids for h in index.search(query).hits[:3]]


def test_a_town_in_a_post_is_its_city_not_the_city_of_the_channels_title(index):
    hit = next(h for h in index.search("меф Каскелен", k=10).hits
               if f"tg:{MARKET}/21" in h.record_ids)
    assert "Каскелен" in hit.cities and "Алматы" not in hit.cities
    assert f"tg:{MARKET}/21" not in [rid for h in index.search("меф Алматы", k=3).hits
                                     for rid in h.record_ids]


def test_jobs_are_told_apart(index):
    assert f"tg:{JOBS}/32" in _first(index, "работа на складе фасовщиком")
    assert f"tg:{JOBS}/33" in _first(index, "перевозчик водитель")
    assert f"tg:{JOBS}/31" in _first(index, "работа закладчиком Алматы")


def test_asked_about_pizza_the_pizzerias_menu_comes_before_its_courier_job(index):
    hits = index.search("пицца Алматы", k=5).hits
    assert f"tg:{MARKET}/23" in hits[0].record_ids and "topic:food_delivery" in hits[0].facets
    assert not {"sale", "recruit"} & set(hits[0].classes)


def test_a_shop_named_with_what_it_is_finds_its_texts_that_do_not_name_it(index):
    hits = index.search("магазин Айсберг", k=10).hits
    ids = {rid for h in hits for rid in h.record_ids}
    assert {f"tg:{SHOP}/13", f"tg:{BOT}/2"} <= ids
    assert "purpose:sale" not in index.search("магазин Айсберг", k=3).facets
