"""How the hybrid search orders what it finds: the drug over the city, offers over invoices,
payment details found by the order they answer, the query's other words in either alphabet,
police news for police queries, and offers in the first three places."""

import pytest

from tests.utils.telegram_export import indexed_case, write_export
from tests.utils.telegram_export import message as _msg
from tools.search.index import SearchFilters
from tools.search.orders import ChatMessage, order_context
from tools.search.query import cyrillic, plain_terms
from tools.search.text import analyse

OWNER = 5550001
ICE = 7100000011  # a shop's bot chat: a numbered menu, the buyer picks a line by its number
GREEN = 7100000012  # another shop's bot chat: the buyer types the order
CHANNEL = 1900000021  # a market channel carrying several shops' posts
NEWS = 1900000022
GROUP = 1900000023
CHOCO = 7100000013  # a shop whose name is drug slang: "Шоколадная Фабрика"
WOLF = 7100000014  # a shop named by its @bot alone: @akbori_kz_bot ("Ақ Бөрі", white wolf)


def _export(path):
    me = f"user{OWNER}"
    ice, green, ch = f"user{ICE}", f"user{GREEN}", f"channel{CHANNEL}"
    chats = [
        {"name": "Лёд Оператор", "type": "bot_chat", "id": ICE, "messages": [
            _msg(1, "Даурен", me, "Привет"),
            _msg(2, "Лёд", ice, "Добро пожаловать 👋 Выберите товар:\n"
                 "1. Шишки AK-47 1г — 12 000 ₸ (Алматы)\n2. Меф кристалл 1г — 17 000 ₸ (Алматы)\n"
                 "3. Альфа PVP 1г — 18 000 ₸ (Алматы)"),
            _msg(3, "Даурен", me, "2"),
            _msg(4, "Лёд", ice, "Оплата на карту 4400 4302 1234 5679, сумма 17 000 ₸ ⏳ 30 минут"),
            _msg(5, "Даурен", me, "скинул"),
            _msg(6, "Лёд", ice, "Оплата получена ✅ Координаты пришлю в течение 15 минут"),
            _msg(7, "Даурен", me, "1"),
            _msg(8, "Лёд", ice, "Kaspi перевод по номеру 8 (707) 475-77-10, 12 000 ₸"),
            _msg(9, "Даурен", me, "а работа есть?"),
            _msg(10, "Лёд", ice, "Нужны дропы: карта Kaspi Gold, 50 000 ₸ в неделю, пиши "
                 "@ice_almaty_bot"),
        ]},
        {"name": "Green Operator", "type": "bot_chat", "id": GREEN, "messages": [
            _msg(21, "Даурен", me, "хочу гашиш 2г в Астане"),
            _msg(22, "Green", green, "крипта: USDT TRC-20 TWNNtbo2rawE8FHfntp1QCs2qGCwzxJTE2 — "
                 "59.41 USDT"),
            _msg(23, "Даурен", me, "ненаход, там ничего нет"),
            _msg(24, "Green", green, "Перезаклад: 📍 43.2389, 76.8897, под камнем у забора"),
        ]},
        {"name": "Шоколадная Фабрика", "type": "bot_chat", "id": CHOCO, "messages": [
            _msg(61, "Даурен", me, "/start"),
            _msg(62, "Фабрика", f"user{CHOCO}", "🍫 Сәлем! Шоколадная Фабрика ботына қош "
                 "келдіңіз. Бот: @chocofactory_kz_bot"),
        ]},
        {"name": "Оператор 🐺", "type": "bot_chat", "id": WOLF, "messages": [
            _msg(81, "Даурен", me, "/start"),
            _msg(82, "Оператор", f"user{WOLF}", "🐺 Амфетамин 1г — 16 000 ₸, Караганда. "
                 "Заказ: @akbori_kz_bot"),
        ]},
        {"name": "Барахолка Алматы", "type": "public_channel", "id": CHANNEL, "messages": [
            _msg(31, "Барахолка", ch, "❄️ ЛЁД ❄️ Меф кристалл 1г — 17 000 ₸, Астана. "
                 "Бот @ice_almaty_bot"),
            _msg(32, "Барахолка", ch, "🌿 Шишки AK-47 в Алматы, 1г — 12 000 ₸. "
                 "Бот @green_operator_bot"),
            _msg(33, "Барахолка", ch, "💼 Требуются склад-мены, Алматы, 500 000 ₸ в неделю. "
                 "Пиши @aisberg_job"),
            _msg(34, "Барахолка", ch, "❄️ Снежок: Каскелен, Талгар. Мука 1г 15к. "
                 "Пиши @sneg_kask_bot"),
            _msg(35, "Барахолка", ch, "🧾 Заказ #A-7731 Меф кристалл 1г, Алматы — 17 000 ₸. "
                 "Оплата на карту Kaspi 4400 4302 9999 0009"),
            _msg(36, "Барахолка", ch, "Меф Алматы ❄️ мефедрон VHQ в наличии, клады 24/7 "
                 "@ice_almaty_bot"),
            _msg(37, "Барахолка", ch, "Закладкашылар керек! Шымкент, аптасына 200 000 ₸. "
                 "Жазыңыз @chocofactory_kz_bot"),
            _msg(38, "Барахолка", ch, "🍫 Шоколад (гашиш) 1г — 12 000 ₸, шоколадка 3г — "
                 "33 000 ₸. Бот @green_operator_bot"),
            _msg(40, "Барахолка", ch, "💎 Крис (альфа) 0.5г — 11 000 ₸, Караганда, клады 24/7. "
                 "Бот @green_operator_bot"),
        ]},
        {"name": "Работа в Алматы", "type": "public_channel", "id": NEWS, "messages": [
            _msg(41, "Работа", f"channel{NEWS}", "Закладчик керек! Алматы, күніне 50 000 ₸. "
                 "Жаз @kz_rabota_77"),
            _msg(42, "Работа", f"channel{NEWS}", "🚔 В Алматы задержали курьера с 120 граммами "
                 "мефедрона, возбуждено уголовное дело"),
        ]},
        {"name": "Лёд | Усть-Каменогорск", "type": "public_channel", "id": 1900000024,
         "messages": [
            _msg(71, "Лёд", "channel1900000024", "❄️ Амфетамин 1г — 16 000 ₸, клады 24/7. "
                 "Бот @ice_almaty_bot"),
        ]},
        {"name": "Тусовка", "type": "private_supergroup", "id": GROUP, "messages": [
            _msg(51, "Дима", "user5550777", "айсберг карту сменил, теперь на Ерболата, "
                 "номер 8 707 475 77 10"),
            _msg(52, "Дима", "user5550777", "у Ерболата всё чётко, брал вчера"),
            _msg(53, "Дима", "user5550777", "USDT керек болса Вадимге жаз, p2p арқылы сатады"),
        ]},
    ]
    return write_export(path, OWNER, chats)


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    root = tmp_path_factory.mktemp("ranking")
    return indexed_case(root, _export(root / "result.json"))


def _rank(hits, record_id):
    return next((n for n, h in enumerate(hits) if record_id in h.record_ids), 99)


def test_payment_details_are_found_by_the_menu_line_the_buyer_picked(index):
    hits = index.search("куда платить за меф", k=10).hits
    card = f"tg:{ICE}/4"  # the answer to "2": Меф кристалл, Алматы
    assert _rank(hits, card) <= 1, [(h.record_id, h.facets) for h in hits[:5]]
    assert {"order:drug:mephedrone", "purpose:payment"} <= set(hits[_rank(hits, card)].facets)
    # The phone number answers "1" (cannabis): not an answer to a question about mephedrone.
    assert _rank(hits, f"tg:{ICE}/8") > _rank(hits, card)
    paid = index.search("оплата", SearchFilters(drug="меф"), k=10).hits
    assert card in {rid for h in paid for rid in h.record_ids}
    assert f"tg:{ICE}/8" not in {rid for h in paid for rid in h.record_ids}


def test_an_order_typed_by_the_buyer_names_the_drug_and_city_of_the_payment_that_answers_it(
        index):
    hits = index.search("гашиш Астана", k=10).hits
    wallet = next(h for h in hits if f"tg:{GREEN}/22" in h.record_ids)
    assert {"order:drug:hashish", "order:city:Астана"} <= set(wallet.facets)


def test_order_context_reads_typed_orders_and_picked_menu_lines():
    def m(i, seller, text):
        return ChatMessage(f"c/{i}", "c", i, seller, text)

    orders = order_context([
        m(1, True, "Меню:\n1. Шишки 1г (Алматы)\n2. Меф 1г (Астана)"), m(2, False, "2"),
        m(3, True, "Оплата на карту 4400 0000 0000 0001"), m(4, False, "Шымкент, гашиш 2г"),
        m(5, True, "Kaspi 8 707 000 00 00"), m(6, False, "1 аламын"),
        m(7, True, "USDT TRC-20 T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb"),
    ])
    assert (orders["c/3"].drugs, orders["c/3"].cities) == (["mephedrone"], ["Астана"])
    assert (orders["c/5"].drugs, orders["c/5"].cities) == (["hashish"], ["Шымкент"])
    assert orders["c/7"].drugs == ["cannabis"]
    assert "c/1" not in orders  # nothing was ordered before the menu


def test_the_drug_asked_for_weighs_more_than_the_city(index):
    hits = index.search("меф Алматы", k=10).hits
    both = _rank(hits, f"tg:{CHANNEL}/36")
    other_city = _rank(hits, f"tg:{CHANNEL}/31")  # mephedrone in Astana
    other_drug = _rank(hits, f"tg:{CHANNEL}/32")  # cannabis in Almaty
    assert both < other_city < other_drug


def test_an_offer_comes_before_an_invoice_for_the_same_drug_and_city(index):
    hits = index.search("меф Алматы", k=10).hits
    assert _rank(hits, f"tg:{CHANNEL}/36") < _rank(hits, f"tg:{CHANNEL}/35")
    assert "payment" in next(h for h in hits if f"tg:{CHANNEL}/35" in h.record_ids).classes


def test_a_query_word_is_found_in_the_other_alphabet(index):
    # "Айсберг" typed in Cyrillic; the post names @aisberg_job.
    hits = index.search("Айсберг вакансии", k=10).hits
    assert _rank(hits, f"tg:{CHANNEL}/33") == 0
    # "talgar" typed in Latin; the post says "Талгар".
    hits = index.search("mef talgar", k=10).hits
    assert _rank(hits, f"tg:{CHANNEL}/34") == 0
    assert cyrillic("talgar") == "талгар" and cyrillic("aidana") == "айдана"


def test_plain_terms_leave_cities_drugs_and_function_words_to_the_facets():
    terms = plain_terms("где взять меф в Алматы у Ерболата 8 707 475 77 10", ["erbolat"])
    words = [t.word for t in terms]
    assert "меф" not in words and "алматы" not in words and "где" not in words
    assert "ерболата" in words and "§phone:7074757710" in words


def test_a_channel_titled_with_a_city_and_a_job_is_no_shop_a_query_names(index):
    hits = index.search("работа закладчиком Алматы", k=10).hits
    assert hits and not any(f.startswith("shop:") for h in hits for f in h.facets)
    assert _rank(hits, f"tg:{NEWS}/41") == 0


def test_a_question_about_the_police_finds_the_news_before_offers(index):
    hits = index.search("задержали курьера мефедрон", k=10).hits
    assert _rank(hits, f"tg:{NEWS}/42") == 0
    assert "purpose:news" in hits[0].facets
    # Asked for the drug, the news stays below the offers.
    assert _rank(index.search("мефедрон", k=10).hits, f"tg:{NEWS}/42") >= 3


def test_a_name_or_number_finds_the_chat_that_mentions_it_below_three_offers(index):
    for query in ("Ерболат", "87074757710"):
        hits = index.search(query, k=10).hits
        assert all(h.role == "seller" for h in hits[:3]), (query, [h.role for h in hits[:3]])
        gossip = _rank(hits, f"tg:{GROUP}/51")
        assert 3 <= gossip < 10, (query, gossip)
    # The seller's own text with the number comes first.
    assert _rank(index.search("87074757710", k=10).hits, f"tg:{ICE}/8") == 0


def test_emoji_code_names_the_drugs_in_a_post_of_a_shops_channel_without_grams():
    post = "Жаңа жылға дейін барлық тауарларға 15% жеңілдік ❄️🌿🍫 Алматы"
    assert analyse(post, document=True, in_shop=True).of("drugs") == [
        "cannabis", "hashish", "mephedrone"]
    assert analyse(post, document=True).of("drugs") == []  # a market channel: no shop's code


@pytest.mark.parametrize(("text", "city"), [
    ("хочу гашиш в Астане", "Астана"), ("курьеры в Костанае", "Костанай"),
    ("nuzhny kurery v Astane", "Астана"), ("Астанада шишки", "Астана"),
])
def test_cities_are_found_in_any_case(text, city):
    assert analyse(text).of("cities") == [city]


def test_a_shop_named_by_a_drug_word_is_the_shop_not_the_drug(index):
    result = index.search("шоколадная фабрика", k=10)
    assert not any(f.startswith(("drug:", "purpose:")) for f in result.facets), result.facets
    hits = result.hits
    # Its recruiting post (naming its bot) before another shop's chocolate (hashish).
    assert _rank(hits, f"tg:{CHANNEL}/37") < _rank(hits, f"tg:{CHANNEL}/38")
    assert all(any(f.startswith("shop:") for f in h.facets) for h in hits[:2])


def test_a_name_is_found_with_kazakh_endings_and_typos(index):
    for query in ("Вадим", "Вадимге"):
        hits = index.search(query, k=10).hits
        assert _rank(hits, f"tg:{GROUP}/53") < 10, query
    hits = index.search("Ерболот", k=10).hits  # a typo
    assert _rank(hits, f"tg:{GROUP}/52") < 10
    vocab = sorted(["ерболат", "ерболатт", "айсберг", "aisberg"])
    spelled = {t.word: set(t.tokens) for t in plain_terms("Ерболот Айсбергтен", vocab)}
    assert "ерболат" in spelled["ерболот"]  # a typo
    assert {"айсберг", "aisberg"} <= spelled["айсбергтен"]  # a Kazakh ending, and in Latin


def test_a_rare_name_beside_a_purpose_word_finds_who_mentions_it_right_after_three_offers(
        index):
    # "USDT" asks for payment details; "Вадим" is the man the analyst looks for: the chat
    # message naming him comes before payment details that do not (after three offers).
    hits = index.search("usdt Вадим", k=10).hits
    assert all(h.role == "seller" for h in hits[:3])
    assert _rank(hits, f"tg:{GROUP}/53") == 3, [(h.record_id, h.facets) for h in hits]


def test_a_card_wanted_from_a_dropper_answers_no_order(index):
    hit = next(h for h in index.search("дропы карта", k=10).hits
               if f"tg:{ICE}/10" in h.record_ids)
    assert "recruit" in hit.classes and not hit.drugs and not hit.cities


def test_a_city_in_a_shops_channel_title_is_still_a_city_of_the_query(index):
    # "Лёд | Усть-Каменогорск": the query asks for the city, it does not name the channel.
    result = index.search("амфетамин Усть-Каменогорск", k=5)
    assert "city:Усть-Каменогорск" in result.facets, result.facets


@pytest.mark.parametrize("query", ["белый волк", "белого волка", "white wolf", "ақ бөрі"])
def test_a_shop_is_named_by_the_translation_of_its_name(index, query):
    # "Ақ Бөрі" (@akbori_kz_bot) is "белый волк" in Russian and "white wolf" in English.
    result = index.search(query, k=5)
    assert _rank(result.hits, f"tg:{WOLF}/82") == 0, [(h.record_id, h.facets)
                                                         for h in result.hits]
    assert any(f.startswith("shop:") for f in result.hits[0].facets)
    # A word of everyday Russian two letters long ("от") is never read as a name's word.
    assert not any(f.startswith("shop:") for h in index.search("отзывы", k=5).hits
                   for f in h.facets)


def test_a_stash_not_found_is_found_whoever_wrote_of_it(index):
    # "Закладка" beside "ненаход" is the stash, not the job: no recruiting asked for.
    result = index.search("ненаход закладка", k=10)
    assert "purpose:recruit" not in result.facets and "topic:lost_stash" in result.facets
    # The buyer's complaint and the shop's new coordinates come first.
    assert {_rank(result.hits, f"tg:{GREEN}/23"), _rank(result.hits, f"tg:{GREEN}/24")} == {0, 1}
    assert "topic:lost_stash" in result.hits[0].facets


def test_a_crystal_asked_for_finds_mephedrone_first_and_alpha_pvp_after(index):
    result = index.search("кристалл", k=10)
    assert {"drug:mephedrone", "drug:alpha_pvp"} <= set(result.facets)
    meph, alpha = _rank(result.hits, f"tg:{CHANNEL}/31"), _rank(result.hits, f"tg:{CHANNEL}/40")
    assert meph < alpha < 10, [(h.record_id, h.facets) for h in result.hits]
    # "Крис" is alpha-PVP first.
    assert _rank(index.search("крис Караганда", k=10).hits, f"tg:{CHANNEL}/40") == 0
