"""The conversation around a question (assistant/agent/conversation.py): what a follow-up
points at in the previous turn (a party by the day it was given, "that transfer", "from
there", "the two of them", the holder of the one card listed), which of two things a question
sets against each other, and a first question pointing at nothing, asked back."""

from __future__ import annotations

import pytest

from assistant.agent.conversation import (
    Turn,
    bank_sides,
    carried,
    goes_on,
    leans_on_previous,
    other_end,
    own_words,
    points_at_nothing,
    set_against,
    two_spoken_of,
)
from assistant.agent.core import ask
from assistant.agent.offline import OfflineChatModel, plan
from assistant.agent.tools import AgentContext
from assistant.agent.understanding import Named, Reading

PHONES = """«Жасыл Орман» дүкені берген деректемелер:
- [1] телефон +7 775 899 5790, 2025-01-29 берілген, сомасы 32 000.00 ₸
- [2] телефон +7 747 937 1648, 2025-02-13 берілген, сомасы 44 000.00 ₸"""
ONE_ACCOUNT = """Что известно о KZ43722S607598386756: [1]
- счёт KZ43 722S 6075 9838 6756: магазины — нет [1]
- [2] владелец: Кузнецов П.
- [2] переведено Бекжанов Р. (P2P USDT) KZ53722S350004957656: 829 200.00 (1 операция)"""
TWO_ACCOUNTS = """Что известно о KZ987226202786838738: [1]
- [2] владелец: Ахметов Б.
Что известно о KZ707228128657070499: [3]
- [4] владелец: Нурланов Д."""
HASH = "b7ab595a7ce715958e6957926a933defec6b41f1254d45d4b7a69db193ca1167"
A_MESSAGE = f"""Found:
- [1] Королева ❄️ Оператор 24/7, Даурен С.: отправил 60 USDT, хэш {HASH}"""
A = "TPQZAURGfsvRoNd8bB9RkhxQK1GEnAGQg6"
B = "TKbWF1M7HjAkmeYH9XBprfpSCF4HCddSUY"
C = "TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr"


@pytest.mark.parametrize("question", ["13 ақпанда берілген нөмір кімдікі?",
                                      "чей номер, выданный 13 февраля?",
                                      "whose is the number given on February 13?",
                                      "а номер от 13.02 чей?"])
def test_a_follow_up_picks_the_party_by_the_day_it_names(question):
    assert carried(question, False, Turn.of("телефоны?", PHONES)) == "+77479371648"


@pytest.mark.parametrize("question", ["а 5 марта что выдали?", "what about 29 January 2026?"])
def test_a_day_no_line_carries_or_a_year_apart_picks_none(question):
    turn = Turn.of("телефоны?", PHONES)
    assert carried(question, False, turn) in (None, "+77758995790")
    assert carried("а 5 марта что выдали?", False, turn) is None


@pytest.mark.parametrize("question", ["how much was that transfer and when?",
                                      "а когда был этот перевод и сколько?",
                                      "сол аударым қашан болды?"])
def test_that_transfer_is_the_one_hash_the_answer_shows(question):
    assert carried(question, False, Turn.of("хэш?", A_MESSAGE)) == HASH


@pytest.mark.parametrize("question", ["а оттуда деньги куда пошли?", "and from there?",
                                      "одан ақша қайда кетті?"])
def test_from_there_is_the_one_party_the_answer_is_about(question):
    assert carried(question, False, Turn.of("чей счёт?", ONE_ACCOUNT)) == \
        "KZ43722S607598386756"
    assert carried(question, True, Turn.of("чей счёт?", ONE_ACCOUNT)) is None  # names its own
    assert carried(question, False, Turn.of("?", TWO_ACCOUNTS)) is None  # two: not guessed


@pytest.mark.parametrize("question", ["кто из них двоих больше на обменник скинул?",
                                      "which of the two sent more?",
                                      "екеуінің қайсысы көбірек жіберді?"])
def test_the_two_of_them_are_the_two_the_answer_is_about(question):
    assert two_spoken_of(question, False, Turn.of("а у Нурланова?", TWO_ACCOUNTS)) == [
        "KZ987226202786838738", "KZ707228128657070499"]
    assert two_spoken_of(question, False, Turn.of("?", ONE_ACCOUNT)) == []


@pytest.mark.parametrize("question", [
    f"что больше получило — {A} или {B}? суммы",
    f"{A} пен {B} — қайсысы көбірек алды?",
    f"{A} и {B} — кто из них больше занёс?",
    f"which one received more, {A} or {B}?",
])
def test_which_of_two_has_more_sets_them_side_by_side(question):
    model = OfflineChatModel()
    reading = model.read(question)
    assert set_against(question, reading) == [A, B]
    assert reading.intent == "compare"


@pytest.mark.parametrize("question", [f"сколько {A} отправил на {B}?",
                                      f"how much did {A} send to {B}?"])
def test_money_from_one_to_the_other_is_not_set_against(question):
    reading = OfflineChatModel().read(question)
    assert set_against(question, reading) == []
    assert reading.intent != "compare"


@pytest.mark.parametrize("question", [
    f"{A} пен {B} — қайсысы {C} әмиянына көбірек жіберді?",
    f"кто больше отправил на {C}: {A} или {B}?",
    f"Which one sent more to {C}, {A} or {B}?",
])
def test_which_of_two_sent_a_third_more_is_the_path_from_each(question):
    reading = OfflineChatModel().read(question)
    calls = plan(reading, question)
    assert [(c["name"], c["args"]) for c in calls] == [
        ("money_path", {"source": A, "target": C}), ("money_path", {"source": B, "target": C})]


def test_a_person_beside_their_own_account_counts_once():
    question = ("Сравните поступления по счетам Кузнецова П. KZ43722S607598386756 и "
                "Тулегенова А. KZ607229397298063513")
    def named(kind: str, value: str, text: str) -> Named:
        return Named(kind, value, question.index(text), question.index(text) + len(text))
    reading = Reading("compare", 1.0, [], [
        named("person", "Кузнецов П.", "Кузнецова"),
        named("iban", "KZ43722S607598386756", "KZ43722S607598386756"),
        named("person", "Тулегенов А.", "Тулегенова"),
        named("iban", "KZ607229397298063513", "KZ607229397298063513")], [], [], [], "ru")
    assert bank_sides(reading, question) == 2


@pytest.mark.parametrize("question", ["а сколько там было всего?", "карта бойынша мәлімет беріңізші",
                                      "информация по карте", "and what was there in total?",
                                      "card details please"])
def test_a_first_question_pointing_at_nothing_is_asked_back(question):
    reading = OfflineChatModel().read(question)
    assert points_at_nothing(question, reading, opening=True)
    assert not points_at_nothing(question, reading, opening=False)


@pytest.mark.parametrize("question", ["какие карты есть в деле?", "сколько всего магазинов?",
                                      "list the cards of the case", "а что там по делу?"])
def test_a_question_of_the_whole_case_is_not_asked_back(question):
    assert not points_at_nothing(question, OfflineChatModel().read(question), opening=True)


@pytest.fixture(scope="module")
def hm(handmade):
    store, index = handmade
    return AgentContext("hm", store, index)


@pytest.mark.parametrize("question", ["а сколько там было всего?",
                                      "карта бойынша мәлімет беріңізші",
                                      "дай информацию по карте"])
def test_pointing_at_nothing_is_asked_back_without_tools(hm, question):
    answer = ask(question, hm)
    assert not answer.steps and answer.answer.rstrip().endswith("?")


@pytest.mark.parametrize("follow", ["how much was that transfer and when?",
                                    "а когда был этот перевод и сколько?",
                                    "сол аударым қашан болды, қанша?"])
def test_that_transfer_after_the_message_with_its_hash_is_its_record(hm, follow):
    question = "show me the message where the buyer pasted the transaction hash"
    first = ask(question, hm)
    assert HASH in first.answer
    answer = ask(follow, hm, history=[(question, first.answer)])
    assert answer.verified and "60.00 USDT" in answer.answer and "2025-10-12" in answer.answer
    assert all(c.id.startswith("tron:") for c in answer.citations), answer.citations


@pytest.mark.parametrize("question, follow", [
    ("Green Planet Halyk картасын қашан берді, кімнің атына?",
     "ал оның толық аты-жөні мен ЖСН-і қандай?"),
    ("какую карту Green Planet выдал 8 сентября?", "а ФИО и ИИН её держателя?"),
    ("which card did Green Planet hand out on 8 September?", "her full name and IIN?"),
])
def test_who_holds_the_one_card_listed_is_its_holder_not_the_shop(hm, question, follow):
    first = ask(question, hm)
    assert "4405 3920 5561 7785" in first.answer
    answer = ask(follow, hm, history=[(question, first.answer)])
    assert answer.verified and "010407605321" in answer.answer, answer.answer
    assert "Сеитова" in answer.answer


@pytest.mark.parametrize("question", [
    "TCePefhzE9QaK3Q7BMHrcMzU1VeP7kjBMp и TMt5VCQpbDSHt1uMjtJfvrgLma4k2z5yNX — кто из них больше "
    "занёс магазинам?",
    "who paid the shops more: TCePefhzE9QaK3Q7BMHrcMzU1VeP7kjBMp or "
    "TMt5VCQpbDSHt1uMjtJfvrgLma4k2z5yNX?",
])
def test_which_of_two_wallets_paid_more_is_both_side_by_side(hm, question):
    answer = ask(question, hm)
    assert answer.verified and "246.50" in answer.answer and "402.00" in answer.answer, \
        answer.answer


RECEIVED = """Что известно о KZ55722S351417195364: [1]
- [1] получено от Тулегенов А. KZ607229397298063513: 324 800.00 (1 операция)"""
TO_EXCHANGE = f"""From {B} to exchanges, in all: 3 373.87 USDT.
- [2] {C}: exchange deposit address, 3 373.87 USDT, 1 hops; paid in by {B} [2] (3 373.87)"""


@pytest.mark.parametrize("question", ["а когда это было?", "when?", "қашан болды?",
                                      "what date was that?", "бұл қай күні болды?",
                                      "when did that happen?"])
def test_asking_only_when_carries_the_money_just_found(question):
    assert carried(question, False, Turn.of("а кому ушли?", RECEIVED)) == \
        "KZ55722S351417195364 KZ607229397298063513"
    assert carried(question, False, Turn.of("and the other one?", TO_EXCHANGE)) == f"{B} {C}"


@pytest.mark.parametrize("question", ["when was the card handed out?",
                                      "когда магазин выдал эту карту?",
                                      "дүкен картаны қашан берді?"])
def test_when_with_an_ask_of_its_own_carries_no_money(question):
    assert carried(question, False, Turn.of("а кому ушли?", RECEIVED)) is None


@pytest.mark.parametrize("question", ["а дальше?", "and then?", "ал одан әрі?", "ары қарай ше?",
                                      "what next?", "а потом куда?"])
def test_asking_on_follows_the_party_the_answer_is_about(question):
    assert goes_on(question)
    assert carried(question, False, Turn.of("куда ушло?", ONE_ACCOUNT)) == \
        "KZ43722S607598386756"


@pytest.mark.parametrize("question", ["шоты ше?", "а счёт?", "and the account?",
                                      "телефоны қандай?"])
def test_a_few_words_naming_nothing_lean_on_the_previous_turn(question):
    assert leans_on_previous(question, OfflineChatModel().read(question))


@pytest.mark.parametrize("question", ["latest news about Binance regulation in Kazakhstan?",
                                      "какая погода будет завтра в Алматы?"])
def test_a_question_of_the_world_does_not_lean_on_the_previous_turn(question):
    assert not leans_on_previous(question, OfflineChatModel().read(question))


def test_a_name_alone_holds_no_words_of_its_own():
    assert not own_words("Сеитовада?", [(0, 9)])
    assert own_words("ал Сеитовада?", [(3, 12)])
    assert own_words("and Seitova?", [(4, 11)])
    assert own_words("а у Сеитовой?", [(4, 12)])


@pytest.mark.parametrize("follow, account", [
    ("шоты ше?", "KZ91722S798780778392"), ("а счёт?", "KZ91722S798780778392"),
    ("and the account?", "KZ91722S798780778392")])
def test_the_other_detail_of_the_same_person_is_answered(hm, follow, account):
    question = "Ли Вадимнің ЖСН-і қандай?"
    first = ask(question, hm)
    answer = ask(follow, hm, history=[(question, first.answer)])
    assert answer.steps and account in answer.answer, answer.answer


@pytest.mark.parametrize("question, follow, words", [
    ("Жумабаев Ерланның шотына барлығы қанша түсті?", "Сеитовада?", "туралы"),
    ("Сколько всего пришло на счёт Жумабаева Ерлана?", "Сеитовой?", "Что известно"),
    ("How much came into Zhumabaev Erlan's account in total?", "Seitova?", "What the case"),
])
def test_a_name_alone_is_answered_in_the_conversation_s_language(hm, question, follow, words):
    first = ask(question, hm)
    answer = ask(follow, hm, history=[(question, first.answer)])
    assert "KZ456011065602164235" in answer.answer and words in answer.answer, answer.answer


REACHED = f"""Payment details the shop handed out:
- [1] the shop's treasury: {A}
11 611.68 USDT of the money from {A} reached {C}.
- [3] path: {A} → {B} [4] → {C} [3]"""


@pytest.mark.parametrize("question", ["and the other one?", "а другой?", "ал басқасы ше?",
                                      "what about the other one?", "а другому сколько?"])
def test_the_other_one_after_money_reaching_an_end_is_from_the_same_start(question):
    assert other_end(question, Turn.of("", REACHED)) == (A, C)


def test_the_other_one_after_an_answer_of_no_such_end_is_none():
    assert other_end("and the other one?", Turn.of("", ONE_ACCOUNT)) is None


@pytest.mark.parametrize("question", ["Спасибо!", "Какая погода сегодня?", "Who are you?",
                                      "Рақмет!", "Сен кімсің?", "Thanks a lot"])
def test_thanks_greetings_and_the_world_do_not_lean_on_the_previous_turn(question):
    assert not leans_on_previous(question, OfflineChatModel().read(question))


@pytest.mark.parametrize("question", ["and the date?", "а сумма?", "күні ше?"])
def test_a_detail_asked_in_a_few_words_leans_on_the_previous_turn(question):
    assert leans_on_previous(question, OfflineChatModel().read(question))


@pytest.mark.parametrize("question", ["Who owns it then?", "А потом чей это кошелёк?",
                                      "Кейін бұл әмиян кімдікі?", "Then who received it?"])
def test_a_question_of_its_own_after_then_does_not_go_on(question):
    assert not goes_on(question)


@pytest.mark.parametrize("question", ["and then where did it go?", "а дальше куда ушли деньги?",
                                      "одан әрі қайда кетті?"])
def test_then_where_with_its_fillers_goes_on(question):
    assert goes_on(question)


@pytest.mark.timing
@pytest.mark.parametrize("question", ["а когда?", "when did that happen?", "бұл қашан болды?"])
def test_a_long_answer_of_digits_and_spaces_is_read_at_once(question):
    import time
    began = time.monotonic()
    carried(question, False, Turn.of("куда ушло?", "KZ43722S607598386756\n" + "1 " * 10000))
    assert time.monotonic() - began < 0.5


@pytest.mark.parametrize("question", ["а когда?", "when was it?", "қашан?"])
def test_when_finds_the_transfer_with_grouped_thousands(question):
    answer = ONE_ACCOUNT.replace("829 200.00", "1 829 200,00")
    assert carried(question, False, Turn.of("куда ушло?", answer)) == \
        "KZ43722S607598386756 KZ53722S350004957656"


@pytest.mark.parametrize("follow", ["Спасибо!", "Who are you?", "Рақмет!"])
def test_thanks_after_a_shop_asks_nothing_of_the_shop(demo, follow):
    ctx = AgentContext("demo", demo)
    question = "Что известно о магазине Мефистофель?"
    first = ask(question, ctx)
    answer = ask(follow, ctx, history=[(question, first.answer)])
    assert not any("shop" in step for step in answer.steps), answer.steps
