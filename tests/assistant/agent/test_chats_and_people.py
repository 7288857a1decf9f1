"""The chats and the people, asked as people who never read the rules ask: whom a shop's
message names as receiving on each detail it gives, the details of one bank (by the message's
words when the card's number tells none), a board's sellers' phones that are not a shop's, the
shops that accepted a kind of payment, a message by its abbreviation or what it is about, a
handle of no bot, the cities an ad names, the messages saying the same with a phone written
otherwise. Over the hand-written case and the small demo case, in real formats."""

from __future__ import annotations

import re

from assistant.agent.core import ask
from assistant.agent.ledger import Answer
from assistant.agent.tools import AgentContext
from assistant.agent.understanding import read_question, recipients_of_details
from tools.holders import asked_amounts
from tools.search.index import SearchIndex
from tools.store import CaseStore


def _ask(case: tuple[CaseStore, SearchIndex], question: str, name: str = "hm") -> Answer:
    store, index = case
    answer = ask(question, AgentContext(name, store, index))
    assert answer.verified, answer.flags
    return answer


def _cited(answer: Answer) -> list[str]:
    return [str(c.record.get("text") or c.record) for c in answer.citations]


def test_the_recipient_of_each_detail_is_the_name_after_it() -> None:
    two = ("Оплата на карту Halyk:\n4405 3920 5561 7785\nАйгуль С.\n\nИли по реквизитам:\n"
           "IBAN KZ456011065602164235\nПолучатель: Сеитова А.М.")
    assert recipients_of_details(two) == {"4405392055617785": "Айгуль С.",
                                          "KZ456011065602164235": "Сеитова А.М."}
    assert recipients_of_details("Новая карта Kaspi: 4400430311649922\nМарат Т.\nUSDT прежний") \
        == {"4400430311649922": "Марат Т."}
    # "получатель ИП" names no person.
    assert recipients_of_details("реквизиты: KZ43 722S 6075 9838 6756, получатель ИП") == {}


def test_a_rate_is_not_an_amount_asked() -> None:
    assert asked_amounts("Кошелёк: TDMHPGTxctG7rwSVkmiTPL22KZm9YdpSvQ\nКурс: 1 USDT = 540 ₸.") == []
    assert ("60", "USDT") in [(str(a), u) for a, u in asked_amounts("34 000 ₸ = 60 USDT")]


def test_a_shop_detail_says_whom_the_message_names_as_receiving(handmade) -> None:
    answer = _ask(handmade, "what did green planet switch to on 17 October?")
    assert "4400 4303 1164 9922" in answer.answer and "Марат" in answer.answer, answer.answer
    day = _ask(handmade, "snow queen payment details on 5 Oct 2025?")
    assert "Айдана" in day.answer, day.answer


def test_the_cards_of_a_bank_are_also_those_its_message_names(handmade) -> None:
    answer = _ask(handmade, "Which Halyk cards were handed out by the shops, and by whom?")
    # 4405 39… tells no bank by its number: "Оплата на карту Halyk" does.
    for card in ("4405 3920 5561 7785", "4405 6391 2047 8811"):
        assert card in answer.answer, answer.answer
    assert "4400 43" not in answer.answer  # the Kaspi cards


def test_a_boards_phones_are_not_the_shops(handmade) -> None:
    answer = _ask(handmade, "какие номера телефонов магазины давали для каспи переводов")
    assert "+7 747 318 5209" in answer.answer and "+7 705 284 1190" in answer.answer
    for seller in ("+7 701 555 1234", "+7 777 410 2216", "+7 708 112 5490"):
        assert seller not in answer.answer, answer.answer


def test_the_shops_that_accepted_a_kind_are_those_that_handed_it_out(handmade) -> None:
    answer = _ask(handmade, "Какие магазины принимали оплату в USDT?")
    for wallet in ("TDMHPGTxctG7rwSVkmiTPL22KZm9YdpSvQ", "TAzfY2BQ9wSteTHxhLwPxJpecqXAJyQh8F",
                   "TTnYimMG76YdupgjxDBsTsj5SaDLTPh2nm"):
        assert wallet in answer.answer, answer.answer
    # Every record cited is a message handing out a wallet.
    assert all(re.search(r"T[1-9A-HJ-NP-Za-km-z]{33}", t) for t in _cited(answer))
    assert "1.00 USDT" not in answer.answer  # "1 USDT = 540 ₸" is a rate


def test_a_message_by_its_abbreviation_or_its_subject(handmade) -> None:
    answer = _ask(handmade, "show the msg where Dauren sent the tx hash for the snow queen "
                            "usdt order")
    assert "b7ab595a7ce715958e6957926a933defec6b41f1254d45d4b7a69db193ca1167" in answer.answer
    about = _ask(handmade, "Тиманың топқа жіберген Гринчтің жаңа картасы туралы хабарламасы")
    assert "4400430311649922" in about.answer and "Марат" in about.answer, about.answer


def test_a_shop_named_is_where_its_messages_are_not_a_sender(handmade) -> None:
    answer = _ask(handmade, "find the message where green planet asked to pay by IBAN because "
                            "the card hit its limit")
    assert "GP-11870" in answer.answer and "KZ45 6011" in answer.answer, answer.answer


def test_the_rarer_words_tell_which_message(handmade) -> None:
    answer = _ask(handmade, "найди координаты клада по заказу в Туране")
    assert "42.3607" in answer.answer, answer.answer


def test_a_lost_stash_is_the_cases(handmade) -> None:
    answer = _ask(handmade, "были ли ненаходы? что ответил оператор")
    assert answer.citations and "ненаход" in answer.answer, answer.answer


def test_a_handle_is_known_by_the_texts_naming_it(handmade) -> None:
    answer = _ask(handmade, "кто такой @sq_rabota_kz")
    assert "Снежная Королева" in answer.answer, answer.answer
    assert all("sq_rabota_kz" in t for t in _cited(answer))
    store, index = handmade
    none = ask("who is behind @nobody_here_kz", AgentContext("hm", store, index))
    assert not none.citations, none.answer


def test_the_cities_an_ad_names_when_cities_are_asked(handmade) -> None:
    answer = _ask(handmade, "Молния жарнамасы қай қалаларда?")
    assert "molniya_krg_bot" in answer.answer and "Темиртау" in answer.answer, answer.answer


def test_a_patronymic_is_a_name_not_the_language() -> None:
    from assistant.agent.understanding import Vocabulary
    reading = read_question("Оспанов Руслан Асқарұлы - кто такой, какое отношение к делу",
                            Vocabulary(people=["Оспанов Руслан Асқарұлы"]))
    assert reading.lang == "ru"


def test_shops_are_shown_by_their_selling_chat(small_demo, small_demo_index) -> None:
    _, store, _ = small_demo
    answer = _ask((store, small_demo_index), "какие магазины фигурируют в деле", "demo")
    # The demo's bot chats never name their bots: each shop by its chat that took payment
    # (beside the post naming its bot).
    selling = {c.id.split("/")[0] for c in answer.citations if c.id.startswith("tg:71")}
    assert len(selling) == 3, [c.id for c in answer.citations]


def test_messages_alike_whatever_the_phone_writing() -> None:
    from assistant.agent.tools import _template
    assert _template("Kaspi аударым нөмірге 87479371648 — 44 000 ₸, түсініктеме жазбаңыз") == \
        _template("Kaspi аударым нөмірге 8 (775) 899-57-90 — 32 000 ₸, түсініктеме жазбаңыз")


def test_the_counts_asked_of_the_case(small_demo, small_demo_index) -> None:
    _, store, _ = small_demo
    answer = _ask((store, small_demo_index),
                  "Сколько в деле магазинов, сколько карт выдавалось и по скольким счетам есть "
                  "выписки?", "demo")
    assert "Всего магазинов:" in answer.answer and "выписок по счетам" in answer.answer, \
        answer.answer


def test_a_kind_asked_instead_of_another(handmade) -> None:
    answer = _ask(handmade, "Did Green Planet ever give an IBAN instead of a card?")
    assert "KZ45 6011 0656 0216 4235" in answer.answer, answer.answer
    assert "4405 3920" not in answer.answer and "TAzf" not in answer.answer, answer.answer


def test_a_shops_bot_asked_is_the_post_naming_it(handmade) -> None:
    answer = _ask(handmade, "Green Planet bot username?")
    assert "@greenplanet_operator_bot" in answer.answer, answer.answer
    assert all("greenplanet_operator_bot" in t for t in _cited(answer)), _cited(answer)


def test_pay_per_week_is_a_recruiting_offer(handmade) -> None:
    answer = _ask(handmade, "кто платит 50 000 ₸ в месяц за карту?")
    assert "@drop_work_kz" in answer.answer, answer.answer
    assert not any(c.kind == "bank_row" for c in answer.citations)


def test_shops_beside_droppers_is_the_overview(handmade) -> None:
    answer = _ask(handmade, "кратко по делу: какие магазины, какие дропы")
    for name in ("Жумабаев", "Сеитова", "Оспанова", "Green Planet"):
        assert name in answer.answer, answer.answer


def test_latin_typed_russian_beside_a_name_is_russian() -> None:
    from assistant.agent.understanding import language
    assert language("rekvizity snezhnoy korolevy", [(10, 27)]) == "ru"
    assert language("snow queen details", [(0, 10)]) == "en"


def test_a_month_typed_in_latin_letters_is_read() -> None:
    from assistant.agent.translit import latin_russian
    assert latin_russian("jasyl orman rekvizity za fevral") == "jasyl orman реквизиты за февраль"
    assert latin_russian("what did they give in march") is None


def test_whose_wallet_and_which_shops_send_to_it_asks_nothing_back(handmade) -> None:
    answer = _ask(handmade, "TEgBQ8X7bmhdAbCWYW5MrbG8xTFuNUQXUi кімнің әмияны? қай дүкендер оған "
                            "ақша жібереді")
    for wallet in ("TDMHPGTxctG7rwSVkmiTPL22KZm9YdpSvQ", "TAzfY2BQ9wSteTHxhLwPxJpecqXAJyQh8F"):
        assert wallet in answer.answer, answer.answer


def test_the_chats_that_are_not_shops(handmade) -> None:
    answer = _ask(handmade, "Қай арналар дүкен емес?")
    for chat in ("Чилл Шым", "Барахолка", "Ержан"):
        assert chat in answer.answer, answer.answer
    for shop in ("Green Planet", "Снежная", "Шоколад"):
        assert shop not in answer.answer, answer.answer


def test_an_overview_of_the_money_flows_is_where_the_money_went(handmade) -> None:
    answer = _ask(handmade, "give me a quick summary of the money flows in this case")
    for wallet in ("TXmqWQTjQr4TveWQWEsAo1mJuDXg68vhzP", "TTY1HV5DRzLqNG5J3xor1WV5de71Xksn4S"):
        assert wallet in answer.answer, answer.answer
    assert "Steppe" in answer.answer and "Qazex" in answer.answer
    assert "@chocofactory_kz_bot" not in answer.answer  # not the shops' list


def test_a_recipient_named_under_the_detail_is_known_by_name(handmade) -> None:
    answer = _ask(handmade, "who is Марат Т.?")
    assert "4400 4303 1164 9922" in answer.answer, answer.answer


def test_what_a_bot_handed_out_is_its_details(handmade) -> None:
    answer = _ask(handmade, "what did the Snow Queen bot hand out after 1 October?")
    assert "TDMHPGTxctG7rwSVkmiTPL22KZm9YdpSvQ" in answer.answer, answer.answer
