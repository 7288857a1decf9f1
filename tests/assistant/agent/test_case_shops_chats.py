"""What the case knows about its shops and chats, asked as people who never read the rules ask
it: the shops of a city, a shop's details of a month or of a day (the day the chat export
shows), an overview of the whole case or of one side of it, several messages saying the same,
a message with its answer, what happened about a stash not found, the pay recruiting posts
offer. Over the hand-written case in real formats."""

from __future__ import annotations

from assistant.agent.claims import record_evidence
from assistant.agent.core import ask
from assistant.agent.ledger import Answer
from assistant.agent.tools import AgentContext
from assistant.agent.understanding import language
from tools.people import same_word
from tools.search.index import SearchIndex
from tools.store import CaseStore


def _ask(case: tuple[CaseStore, SearchIndex], question: str) -> Answer:
    store, index = case
    answer = ask(question, AgentContext("hm", store, index))
    assert answer.verified, answer.flags
    return answer


def _cited_text(answer: Answer) -> str:
    return " ".join(str(c.record) for c in answer.citations)


def test_the_shops_of_a_city_are_those_its_offers_are_of(handmade) -> None:
    answer = _ask(handmade, "Шымкентте қандай дүкендер есірткі сатады?")
    for shop in ("Шоколад", "Снежная Королева", "Green Planet"):
        assert shop in answer.answer, answer.answer
    assert "molniya" not in answer.answer  # its ads name Karaganda and Temirtau
    karaganda = _ask(handmade, "any shop operating in Karaganda?")
    assert "@molniya_krg_bot" in karaganda.answer, karaganda.answer
    assert "Снежная" not in karaganda.answer and "Green Planet" not in karaganda.answer
    # Each shop is cited by an offer naming that city.
    assert "Караганда" in _cited_text(karaganda)


def test_the_shops_are_cited_by_the_posts_naming_their_bots(handmade) -> None:
    answer = _ask(handmade, "какие магазины фигурируют в деле")
    for bot in ("@snowqueen_kz_bot", "@greenplanet_operator_bot", "@chocofactory_kz_bot"):
        assert bot in answer.answer
        assert any(bot.casefold() in str(c.record).casefold() for c in answer.citations), bot


def test_a_month_named_keeps_what_the_shop_handed_out_then(handmade) -> None:
    answer = _ask(handmade, "какие реквизиты давала Снежная Королева в октябре")
    assert "+7 747 318 5209" in answer.answer and "TDMHPGTxctG7rwSVkmiTPL22KZm9YdpSvQ" in \
        answer.answer, answer.answer
    assert "4400 4302 7815 0260" not in answer.answer  # handed out in September
    none = _ask(handmade, "реквизиты Снежной Королевы за март")
    assert "не выдавал" in none.answer, none.answer


def test_a_month_as_a_bound_keeps_that_side_of_it(handmade) -> None:
    before = _ask(handmade, "какие реквизиты давала Снежная Королева до октября")
    assert "4400 4302 7815 0260" in before.answer, before.answer
    assert "+7 747 318 5209" not in before.answer  # handed out on 5 October
    after = _ask(handmade, "Снежная Королева қазаннан бастап қандай реквизит берді?")
    assert "TDMHPGTxctG7rwSVkmiTPL22KZm9YdpSvQ" in after.answer, after.answer
    assert "4400 4302 7815 0260" not in after.answer


def test_asked_to_pay_with_a_shop_named_is_its_details_not_a_trace(handmade) -> None:
    answer = _ask(handmade, "Снежная Королева 5 қазанда қай нөмірге төлеуді сұрады?")
    assert "+7 747 318 5209" in answer.answer, answer.answer
    assert not any(c.kind == "transfer" for c in answer.citations), answer.answer


def test_a_phone_named_beside_a_bank_is_kept(handmade) -> None:
    answer = _ask(handmade, "Did Snow Queen give a card or a phone for Kaspi payments?")
    assert "+7 747 318 5209" in answer.answer, answer.answer
    assert "4400 4302 7815 0260" in answer.answer  # a Kaspi card
    assert "4405 6391 2047 8811" not in answer.answer  # a Halyk card


def test_a_card_of_a_bank_no_bin_tells_is_told_by_its_message(handmade) -> None:
    # 4405 39… is in no BIN table; the shop's message says it is a Halyk card.
    answer = _ask(handmade, "Green Planet-тің Halyk картасының нөмірі қандай?")
    assert "4405 3920 5561 7785" in answer.answer, answer.answer
    assert "4400 4303 1164 9922" not in answer.answer  # its Kaspi card


def test_a_message_day_is_the_day_its_chat_export_shows() -> None:
    # 20:10 UTC on 13 January is 01:10 on the 14th in Kazakhstan, as the export writes it.
    evidence = record_evidence("tg:1/8", {"date": "2025-01-13T20:10:15+00:00", "text": "x"})
    assert {f.key for f in evidence.facts if f.kind == "date"} >= {"2025-01-13",
                                                                      "2025-01-14"}


def test_the_overview_names_the_evidence_and_where_the_money_went(handmade) -> None:
    kinds = _ask(handmade, "what kinds of evidence are in this case?")
    for said in ("Kaspi Bank", "Halyk Bank", "TRON", "Telegram"):
        assert said in kinds.answer, kinds.answer
    summary = _ask(handmade, "Кратко изложите суть дела.")
    assert "Ли Вадим" in summary.answer and "580 000" in summary.answer, summary.answer
    assert "TEgBQ8X7bmhdAbCWYW5MrbG8xTFuNUQXUi" in summary.answer  # the shop's treasury


def test_an_overview_of_one_side_shows_that_side(handmade) -> None:
    crypto = _ask(handmade, "give me an overview of the crypto flows in the case")
    assert "TEgBQ8X7bmhdAbCWYW5MrbG8xTFuNUQXUi" in crypto.answer, crypto.answer
    assert all(c.kind == "transfer" for c in crypto.citations), crypto.answer
    droppers = _ask(handmade, "іс бойынша қысқаша: қандай дроптар бар?")
    assert "Сеитова" in droppers.answer and "Оспанова" in droppers.answer, droppers.answer
    assert not any(c.kind == "transfer" for c in droppers.citations), droppers.answer


def test_several_stash_places_asked_are_all_shown(handmade) -> None:
    answer = _ask(handmade, "list the stash locations Green Planet gave Dauren")
    for place in ("42.3385", "42.2951", "42.3470"):
        assert place in answer.answer, answer.answer


def test_a_message_asking_something_comes_with_its_answer(handmade) -> None:
    answer = _ask(handmade, "сообщение в группе где говорят про Молнию")
    assert "караганда" in answer.answer.casefold(), answer.answer


def test_what_happened_about_a_stash_not_found(handmade) -> None:
    answer = _ask(handmade, 'was there a "ненаход" (missing stash) complaint? what happened')
    assert "42.3161" in answer.answer, answer.answer  # the re-stash the shop sent
    assert answer.answer.startswith("Found for"), answer.answer  # English, its quote kept whole


def test_the_pay_of_couriers_is_read_from_the_recruiting_posts(handmade) -> None:
    answer = _ask(handmade, "курьерлерге қанша төлейді?")
    assert not any(c.kind == "transfer" for c in answer.citations), answer.answer
    assert any("курьер" in str(c.record).casefold() or "закладчик" in str(c.record).casefold()
               for c in answer.citations), answer.answer


def test_kazakh_words_of_orders_and_messages_read_as_kazakh() -> None:
    assert language("Жасыл Орман №42168 тапсырыс хабарламасы", [(0, 11)]) == "kk"
    assert language("покажи сообщение про заказ №42168") == "ru"


def test_in_which_chats_brings_each_chat_speaking_of_it(handmade) -> None:
    answer = _ask(handmade, "в каких чатах обсуждали смену карты гринча")
    cited = {c.id.rpartition("/")[0] for c in answer.citations}
    # The group where members spoke of it and the shop's own chat that announced it.
    assert "tg:1654321098" in cited and "tg:6488201957" in cited, answer.answer


def test_shop_names_written_glued_in_kazakh_latin_or_with_a_letter_dropped(handmade) -> None:
    assert same_word("jasyl", "жасыл") and same_word("qeen", "queen")
    assert not same_word("green", "grinch")
    answer = _ask(handmade, "greenplanet bot IBAN?")
    assert "KZ45 6011 0656 0216 4235" in answer.answer, answer.answer
