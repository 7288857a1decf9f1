"""Finding the case's shops in a question as people write their names."""

import pytest

from assistant.agent.understanding import Vocabulary, find_entities, recipient_named

SHOPS = Vocabulary(shops={
    "tg:1": ["Шоколадная Фабрика 🍫 Шымкент", "Вилли Вонка 🍫"],
    "tg:2": ["ШЫМКЕНТ ОБЪЯВЛЕНИЯ 📢 Барахолка"],
    "tg:3": ["Green Planet 🌍"],
})


def shops_in(question: str) -> list[str]:
    found, _ = find_entities(question, SHOPS)
    return [e.value for e in found if e.kind == "shop"]


@pytest.mark.parametrize("question, shops", [
    # A name's first words name the shop even when one of them is slang ("шоколад").
    ("Шоколадная Фабрика қандай телефон нөмірін берді?", ["tg:1"]),
    ("куда ушли деньги с кошелька шоколадной фабрики", ["tg:1"]),
    ("Реквизиты магазина Green Planet", ["tg:3"]),
    # A city alone is the city, not the channel that starts with it; a drug word alone, the drug.
    ("кто продаёт в Шымкенте?", []),
    ("где купить шоколад?", []),
])
def test_shops_are_named_by_their_first_words_unless_those_only_name_a_city_or_drug(
        question, shops):
    assert shops_in(question) == shops


def test_an_organisation_is_not_named_by_one_everyday_word_of_its_name():
    vocabulary = Vocabulary(people=["ИП Крипто-Обмен"])
    said, _ = find_entities("мефистофель крипту какую давал?", vocabulary)
    assert not [e for e in said if e.kind == "person"]
    said, _ = find_entities("Сколько всего дропы перевели на ИП Крипто-Обмен?", vocabulary)
    assert [e.value for e in said if e.kind == "person"] == ["ИП Крипто-Обмен"]


def test_cities_in_any_case_ending():
    from tools.search.text import analyse

    for text, city in (("кто продает соль в астане", "Астана"), ("в Алмате", "Алматы"),
                       ("Астанада", "Астана")):
        assert analyse(text).of("cities") == [city], text


MORE_SHOPS = Vocabulary(shops={
    **SHOPS.shops,
    "tg:4": ["Снежная Королева KZ"],
    "tg:5": ["Полярная Звезда"],
})


@pytest.mark.parametrize("question, shops", [
    # A name translated word by word, in any language of the case.
    ("which exchange did the chocolate shop's wallet cash out through?", ["tg:1"]),
    ("what did the Snow Queen hand out?", ["tg:4"]),
    ("что выдавала Зелёная планета?", ["tg:3"]),
    ("Polar Star bot cards", ["tg:5"]),
    # A slang first word beside a word for a shop names the shop; a city beside one does not.
    ("реквизиты шоколадного магазина", ["tg:1"]),
    ("куда ушли деньги магазина в Шымкенте", []),
    ("где купить шоколад?", []),
    ("snow in Almaty", []),
])
def test_shops_named_by_their_words_translated_or_beside_a_word_for_a_shop(question, shops):
    found, _ = find_entities(question, MORE_SHOPS)
    assert [e.value for e in found if e.kind == "shop"] == shops


@pytest.mark.parametrize("question, intent", [
    ("как деньги шоколадной фабрики дошли до биржи?", "exchanges"),
    ("кто платил Снежной Королеве в крипте?", "backward"),
    ("where did the Green Planet money go?", "forward"),
    ("Шоколадная Фабрика қандай телефон нөмірін берді?", "shop_details"),
    ("что выдавала Снежная Королева?", "shop_details"),
])
def test_a_shop_named_with_words_of_money_moving_asks_about_its_money(question, intent):
    from assistant.agent.understanding import read_question

    assert read_question(question, MORE_SHOPS).intent == intent


@pytest.mark.parametrize("question", [
    "Снежная Королева әмиянынан TEgBQ8X7bmhdAbCWYW5MrbG8xTFuNUQXUi әмиянына қанша түсті?",
    "сколько кошелёк Green Planet перевёл на TEgBQ8X7bmhdAbCWYW5MrbG8xTFuNUQXUi?",
    "how much did TC9Bkfo38jzEEwkLUydQbb59QkXjF4cNaU send to the Snow Queen shop?",
])
def test_how_much_moved_between_a_shop_and_a_wallet(question):
    from assistant.agent.understanding import read_question

    assert read_question(question, MORE_SHOPS).intent == "amount_between"


@pytest.mark.parametrize("question", [
    "How much USDT did TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr receive, and how much is still there?",
    "какой остаток на кошельке TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr",
    "сколько всего получил TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr и сколько на нём лежит",
    "TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr әмиянында қанша қалды?",
    "and what stayed on TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr?",
    "how much stays in TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr",
])
def test_what_is_left_on_a_wallet_is_its_own_totals(question):
    from assistant.agent.understanding import read_question

    assert read_question(question).intent == "statement"


def test_where_money_went_is_not_a_balance():
    from assistant.agent.understanding import read_question

    assert read_question("куда ушли деньги с TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr и сколько осталось?"
                         ).intent == "forward"


def test_of_people_sharing_a_surname_the_one_written_most_alike_is_named():
    vocabulary = Vocabulary(people=["Оспанов Руслан Асқарұлы", "Оспанова Динара Асқарқызы"],
                            recipients=[("Динара О.", "phone", "+77052841190")])

    def named(question: str) -> list[str]:
        return [e.value for e in find_entities(question, vocabulary)[0]]

    assert named("а у Оспановой что по счёту?") == ["Оспанова Динара Асқарқызы"]
    assert named("Оспановқа кім төледі?") == ["Оспанов Руслан Асқарұлы"]
    # Her full name is her, not the recipient "Динара О." a shop's message names.
    assert named("Оспанова Динараның шоты") == ["Оспанова Динара Асқарқызы"]
    assert named("кто такая Динара?") == ["+77052841190"]


@pytest.mark.parametrize("text, name", [
    ("Новые реквизиты:\n💳 Halyk: 4405-6391-2047-8811\nПолучатель: Нурбек А.", "Нурбек А."),
    ("оплата по номеру 8 (747) 318-52-09 (Айдана К.)", "Айдана К."),
    ("Kaspi 4400 4302 7815 0260 на имя Сеитова Айгуль", "Сеитова Айгуль"),
    # No name, or two details: whose the name is cannot be told.
    ("Kaspi аударым нөмірге 8 (775) 899-57-90 — 32 000 ₸", None),
    ("карта 4405-6391-2047-8811 или 8 (747) 318-52-09, получатель: Нурбек А.", None),
])
def test_the_recipient_a_shop_s_message_names(text, name):
    assert recipient_named(text) == name


def test_a_shop_named_by_the_coined_first_word_of_its_chat_title():
    vocabulary = Vocabulary(shops={"tg:3": ["Green Planet 🌍", "Гринч 🌿 на связи"]})
    for question in ("какую карту гринч дал вчера", "реквизиты Гринча"):
        assert [e.value for e in find_entities(question, vocabulary)[0]] == ["tg:3"]
    # An everyday word is not a name ("green" alone).
    assert not find_entities("green card?", vocabulary)[0]


@pytest.mark.parametrize("question, day", [
    ("какую карту гринч дал 17 октября", (10, 17)),
    ("what did the bot hand out on October 17th?", (10, 17)),
    ("17.10 что выдал бот", (10, 17)),
    ("17 қазанда қандай карта берді", (10, 17)),
    ("сколько было 17 000 тенге", None),
    ("market 5 listings", None),
])
def test_a_day_the_question_names(question, day):
    from assistant.agent.offline import _day_named

    assert _day_named(question) == day


ALIKE = Vocabulary(shops={"tg:1": ["Полярная Звезда", "Полярная Звезда | Караганда"],
                          "tg:2": ["Полярная Звезда 2", "Полярная Звезда 2 | Астана"]})


@pytest.mark.parametrize(("question", "shops"), [
    ("Реквизиты магазина Полярная Звезда", ["tg:1"]),
    ("кошельки Полярной Звезды", ["tg:1"]),
    ("что выдавала Полярная Звезда 2?", ["tg:2"]),
    ("у Полярной Звезды 2 какие карты", ["tg:2"]),
    ("сравни Полярную Звезду и Полярную Звезду 2", ["tg:1", "tg:2"]),
])
def test_shops_named_alike(question: str, shops: list[str]) -> None:
    """A name written whole is that shop, not a longer name beginning with it; "… 2" names
    only the second."""
    found = [e.value for e in find_entities(question, ALIKE)[0] if e.kind == "shop"]
    assert found == shops


def test_the_shipped_intent_vectors_are_of_the_examples_shipped_beside_them():
    # A stale file is recomputed in memory: half a minute of two cores in every cold process.
    # After editing prompts/intents.yaml: python -m assistant.agent.understanding
    import numpy as np

    from assistant.agent.understanding import _examples, examples_digest, prompts_dir

    examples = _examples()
    with prompts_dir().joinpath("intents.npz").open("rb") as f, np.load(f) as shipped:
        assert str(shipped["digest"]) == examples_digest(examples), \
            "prompts/intents.npz is stale: run python -m assistant.agent.understanding"
        assert shipped["vectors"].shape[0] == len(examples) > 100


W = "TAzfY2BQ9wSteTHxhLwPxJpecqXAJyQh8F"


@pytest.mark.parametrize("question, intent", [
    # The main verb says the direction, whatever else describes the money.
    (f"where did the money paid to {W} end up?", "forward"),
    (f"follow the money from {W}", "forward"),
    (f"trace forward {W}", "forward"),
    (f"who did {W} send money to?", "forward"),
    (f"who sent money to {W}?", "backward"),
    (f"who funded {W}?", "backward"),
    (f"where did {W} get its money from?", "backward"),
    (f"кто закидывал деньги на {W}", "backward"),
    (f"{W} әмиянына кім ақша салды?", "backward"),
])
def test_the_direction_of_money_from_the_question_s_main_verb(question, intent):
    from assistant.agent.understanding import read_question

    assert read_question(question).intent == intent


@pytest.mark.parametrize("question, lang", [
    (f"{W} деген не?", "kk"),
    ("880726300455 ЖСН?", "kk"),
    (f"что это за кошелёк {W}?", "ru"),
])
def test_kazakh_told_by_words_without_kazakh_letters(question, lang):
    from assistant.agent.understanding import language

    assert language(question) == lang


def test_a_masked_card_written_short_is_its_first_and_last_four():
    found, invalid = find_entities("4400****0260 чья")
    assert [(e.kind, e.value) for e in found] == [("card_mask", "4400********0260")]
    assert not invalid


def test_an_exchange_named_by_its_tag_is_the_tagged_wallet_of_the_role_asked():
    from assistant.agent.understanding import tagged_wallet

    tags = [("Qazex deposit address", "TBNVKLU9FHTFgksCNVKGU213MfHeB5poqa"),
            ("Qazex exchange hot wallet", "TXp2ahMaKNMDfXb5wvEUWmK88re43DtP3T"),
            ("Steppe Exchange deposit address", "TATFYSDYorLrd1o884wqW9LhRQ7CWyJAoC")]
    named = tagged_wallet("кто пополнял депозит Qazex?", tags)
    assert named and named.value == "TBNVKLU9FHTFgksCNVKGU213MfHeB5poqa"
    named = tagged_wallet("who paid the Qazex hot wallet?", tags)
    assert named and named.value == "TXp2ahMaKNMDfXb5wvEUWmK88re43DtP3T"
    assert tagged_wallet("who paid the exchange?", tags) is None


@pytest.mark.parametrize("question", [
    f"кто скинул бабло на {W}?",
    f"кто переслал usdt на {W}",
    f"where did {W} obtain its funds",
    f"where did {W} receive the usdt",
])
def test_who_put_money_onto_a_wallet_is_where_it_came_from(question):
    from assistant.agent.understanding import read_question

    assert read_question(question).intent == "backward"


@pytest.mark.parametrize("question", [
    f"and how much did {W} get?",
    f"сколько получил {W}",
    f"{W} қанша алды?",
])
def test_how_much_a_wallet_got_is_its_own_totals(question):
    from assistant.agent.understanding import read_question

    assert read_question(question).intent == "statement"


@pytest.mark.parametrize("question", ["платежи 14 апреля", "what moved on May 3?",
                                      "что было 03.02.2025", "12 наурыз аударымдары"])
def test_a_question_naming_a_day_is_about_the_case(question):
    from assistant.agent.understanding import read_question

    assert read_question(question).intent != "out_of_case"


@pytest.mark.parametrize("question", ["is it sunny in Almaty today?", "who won the boxing title?",
                                      "как сварить борщ", "ертең Алматыда ауа райы қандай?"])
def test_the_world_outside_the_case_is_out_of_it(question):
    from assistant.agent.understanding import read_question

    assert read_question(question).intent == "out_of_case"


@pytest.mark.parametrize("question, points", [
    ("а что по нему?", True), ("what about it?", True), ("and her?", True),
    ("ол туралы ше?", True), ("is it raining?", False), ("что это за дело?", False),
    ("кто его пополнял на прошлой неделе через биржу", False),
])
def test_a_question_that_only_points_at_something(question, points):
    from assistant.agent.offline import _points_at_something

    assert _points_at_something(question) is points


@pytest.mark.parametrize("question, outside", [
    ("кто стал чемпионом по боксу", True), ("футбол нәтижелері", True),
    ("what is the tallest mountain", True), ("спорт жаңалықтары", True),
    ("кто такой Абай", False),  # a name: maybe the case's, read, not refused
    ("а кто платил?", False), ("сколько ушло на биржи", False), ("дүкендер тізімі", False),
    ("any couriers wanted?", False), ("переводы 20 марта", False),
])
def test_a_question_with_nothing_of_the_case_in_it(question, outside):
    from assistant.agent.understanding import read_question

    assert ("no_case_words" in read_question(question).signals) is outside


def test_a_date_is_no_ordinal_and_a_kind_word_left_out_must_be_the_kind():
    from assistant.agent.offline import _excluded_kind, _ordinals_in

    assert _ordinals_in("что было 21-го октября") == []
    assert _ordinals_in("а 2-й?") == [2] and _ordinals_in("ал екіншісі?") == [2]
    assert _excluded_kind("кроме карт") == "card"
    assert _excluded_kind("кроме адреса доставки") is None
    assert _excluded_kind("кроме номера заказа") is None


@pytest.mark.parametrize("question", ["Who won the match together with Messi?",
                                      "какой метод лучше"])
def test_the_case_s_words_count_from_a_word_s_start(question):
    from assistant.agent.understanding import CASE_WORDS

    assert CASE_WORDS.search(question) is None


@pytest.mark.parametrize(("question", "side"), [
    ("какие карты выдал после 1 октября", "after"), ("карты до 10.10", "before"),
    ("1 қазаннан кейін берген карталар", "after"), ("cards since October 1", "after"),
    # A "с" that is not the date's bound: the day itself is asked.
    ("какую карту дал 17 октября с карты Kaspi", None),
    ("what did it hand out on October 17", None),
])
def test_a_date_is_a_bound_only_by_the_word_beside_it(question, side):
    from assistant.agent.offline import _bound_side

    assert _bound_side(question) == side


@pytest.mark.parametrize(("question", "handle"), [
    ("какие кошельки давал mefistofel_d13_bot для оплаты?", "mefistofel_d13_bot"),
    ("greenplanet_operator_bot қандай карта берді?", "greenplanet_operator_bot"),
    ("which cards did chocofactory_kz_bot give out", "chocofactory_kz_bot"),
])
def test_a_bots_handle_is_read_without_its_at_sign(question, handle):
    assert [(e.kind, e.value) for e in find_entities(question)[0]
            if e.kind == "bot"] == [("bot", handle)]


@pytest.mark.parametrize("question", [
    "a robot said to pay", "Telegram bot сказал оплатить", "бот берді: https://t.me/x_1bot",
    "Is sales_bot@mail.ru in the case?", "файл report_bot.pdf", "a chat_robot wrote",
    "user_42robot",
])
def test_a_word_a_link_an_address_or_a_file_ending_in_bot_is_no_handle(question):
    assert not [e for e in find_entities(question)[0] if e.kind == "bot"]
