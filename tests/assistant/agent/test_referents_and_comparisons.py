"""Follow-ups that point into the previous answer without naming anything (by a sum, as the
bigger one, by their place among the recipients, "туда", "that wallet", "the IBAN"), two
things set side by side, and questions that must be asked back. Over the hand-written case
(its facts in tests/data/eval/handmade/FACTS.md); each follow-up is asked with the one turn
before it, as a client that keeps only the last turn does."""

from decimal import Decimal

import pytest

from assistant.agent.conversation import Turn, listed_pick, picked_by_part, spoken_sums
from assistant.agent.core import ask
from assistant.agent.offline import _role_of
from assistant.agent.tools import AgentContext

OSPANOVA_PAID = """Что известно о 4400430188765538: [1]
- карта 4400 4301 8876 5538: магазины — Шоколадная Фабрика [1]
- [2] владелец: Оспанова Динара Асқарқызы
- [1] магазин выдал это с суммой 33 000.00 ₸; [2] через 18 мин такая сумма пришла на счёт KZ18722S274091263225 (Оспанова Динара Асқарқызы)
- [3] по выписке: поступило 141 000.00 (8 поступлений), списано 125 000.00 (2 списания)
- [3] переведено Ли Вадим Сергеевич KZ91722S798780778392: 100 000.00 (1 операция)
- [4] переведено Оспанов Руслан Асқарұлы KZ619656791689515324: 25 000.00 (1 операция)
- [5] получено от Ким Алина Сергеевна KZ226014567612630512: 39 000.00 (2 операции)"""
ENDS = """What the case holds on TAb8oxA3xisVejSEDD2P8TiFUBtx5kVTZM:
- wallet TAb8oxA3xisVejSEDD2P8TiFUBtx5kVTZM: shops — none
- [2][3] received 11 785.93 USDT, sent 11 785.93 USDT, net 0.00 USDT
- [4] the shop's money traced on to TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr: beneficiary, 9 289.34 USDT
- [5] the shop's money traced on to TVaiPLccmzJjYVPNjLwbvGGKcrWLydodro: exchange deposit address, 2 322.34 USDT
- [6] the shop's money traced on to TS9G84FZzaPwaizoT1RFzMqRoGFdfGKQkH: beneficiary, 139.40 USDT"""
SEITOVA_PAID = """Found in the case's statements:
- [1] Сеитова Айгуль Маратовна: accounts KZ456011065602164235; IIN 010407605321
What the case holds on KZ456011065602164235: [2]
- [4] holder: Сеитова Айгуль Маратовна
- [4] sent to Ли Вадим Сергеевич KZ91722S798780778392: 165 000.00 (2 operations)
- [5] sent to Бекова Салтанат Габиткызы KZ07722S563656947606: 60 000.00 (1 operation)"""


@pytest.mark.parametrize(("question", "value"), [
    ("а тот, кому ушли 187 тыс., дальше?", Decimal(187000)),
    ("and the one that got 9.3k?", Decimal(9300)),
    ("1,5 млн кому ушло?", Decimal(1500000)),
    ("кто получил 25 000?", Decimal(25000)),
])
def test_sums_as_people_say_them(question, value):
    assert value in {v for v, _ in spoken_sums(question)}


@pytest.mark.parametrize(("question", "picked"), [
    ("а тот, кому ушли 25 тыс., куда дальше перевёл?", "KZ619656791689515324"),
    ("а второму получателю сколько ушло?", "KZ619656791689515324"),
    ("екінші алушыға қашан жіберді?", "KZ619656791689515324"),
    ("who was the first payer?", "KZ226014567612630512"),
    ("and the biggest recipient?", "KZ91722S798780778392"),
])
def test_a_party_described_not_named_is_picked_from_the_answer(question, picked):
    assert picked_by_part(question, Turn.of('', OSPANOVA_PAID, _role_of)) == picked


def test_the_bigger_one_has_the_most_money_the_smaller_the_least():
    assert picked_by_part("and the bigger one?", Turn.of('', ENDS, _role_of)) == "TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr"
    assert picked_by_part("а меньший?", Turn.of('', ENDS, _role_of)) == "TS9G84FZzaPwaizoT1RFzMqRoGFdfGKQkH"
    assert picked_by_part("и сколько получил тот, кому ушло больше всего?", Turn.of('', ENDS, _role_of)) == \
        "TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr"
    assert picked_by_part("ең аз алған кім?", Turn.of('', ENDS, _role_of)) == "TS9G84FZzaPwaizoT1RFzMqRoGFdfGKQkH"
    assert picked_by_part("and the wallet?", Turn.of('', ENDS, _role_of)) is None  # nothing describes one
    assert picked_by_part("where did most of the money go?", Turn.of('', ENDS, _role_of)) is None  # nor one asked


def test_an_ordinal_counts_those_listed_not_the_one_the_answer_is_about():
    turn = Turn.of("who received money from Seitova?", SEITOVA_PAID, _role_of)
    assert listed_pick("how much did the first one get and when?", turn) == \
        ["KZ91722S798780778392"]


def test_the_second_of_a_shop_s_beneficiaries_is_the_second_beneficiary_listed():
    turn = Turn.of("кто бенефициары Мефистофеля?", ENDS, _role_of)
    assert listed_pick("а второй сколько получил?", turn) == ["TS9G84FZzaPwaizoT1RFzMqRoGFdfGKQkH"]


@pytest.fixture(scope="module")
def hm(handmade_store, handmade_index):
    return AgentContext(case="hm", store=handmade_store, search=handmade_index)


def _then(hm, first, then):
    answer = ask(first, hm)
    return ask(then, hm, history=[(first, answer.answer)])


def test_the_second_recipient_is_the_second_account_paid(hm):
    first = "кто держатель карты 4400430188765538, куда она отправляла деньги?"
    answer = _then(hm, first, "а второму получателю сколько ушло и когда?")
    assert answer.verified and "KZ619656791689515324" in answer.answer.splitlines()[0]
    assert "25 000.00" in answer.answer


def test_the_one_a_sum_went_to(hm):
    answer = _then(hm, "куда отправляла деньги Оспанова Динара?",
                   "а тот, кому ушло 25 тыс., от кого ещё получал?")
    assert answer.verified and "KZ619656791689515324" in answer.answer.splitlines()[0]


def test_there_beside_a_shop_is_the_wallet_asked_about_before(hm):
    answer = _then(hm, "кто пополнял кошелек TEgBQ8X7bmhdAbCWYW5MrbG8xTFuNUQXUi",
                   "а Green Planet сколько туда скинул?")
    assert answer.verified and any(s.startswith("money_path") for s in answer.steps)
    assert "480.00" in answer.answer


@pytest.mark.parametrize(("then", "wallet"), [
    ("did that wallet send anything on to an exchange?", "TEgBQ8X7bmhdAbCWYW5MrbG8xTFuNUQXUi"),
    ("а на этот кошелёк откуда деньги пришли?", "TAzfY2BQ9wSteTHxhLwPxJpecqXAJyQh8F"),
])
def test_that_wallet_after_what_a_shop_sent_is_the_end_the_question_goes_on_from(
        hm, then, wallet):
    answer = _then(hm, "how much did Green Planet send to TEgBQ8X7bmhdAbCWYW5MrbG8xTFuNUQXUi?",
                   then)
    assert answer.steps and answer.steps[0].startswith("trace_wallet")
    assert wallet in answer.answer.splitlines()[0]


@pytest.mark.parametrize("then", ["and who holds the IBAN?", "а счёт чей?"])
def test_the_iban_the_previous_answer_named_is_the_one_asked_about(hm, then):
    # (Asked of "that shop", named in the turn before: the previous question names nothing.)
    handed = ask("what did Green Planet hand out?", hm).answer
    answer = ask(then, hm, history=[("what else did that shop hand out?", handed)])
    assert answer.verified and "Сеитова" in answer.answer


@pytest.mark.parametrize("then", ["а чья это карта?", "whose card is it?", "бұл карта кімдікі?"])
def test_this_card_is_the_card_the_message_shown_gave(hm, then):
    shown = ("Найдено по запросу «сообщение с заказом»:\n- [1] Королева ❄️ Оператор 24/7: "
             "оплатите на карту 4400 4302 7815 0260, сумма 12 000 ₸")
    answer = ask(then, hm, history=[("покажи сообщение с заказом", shown)])
    assert answer.verified and "Жумабаев" in answer.answer


def test_a_name_swapped_in_takes_the_place_of_the_account_written_beside_the_old_one(hm):
    # (Жумабаев paid Ли Вадим: not what passed between the two.)
    answer = _then(hm, "сколько всего поступило на счёт Ли Вадима KZ91722S798780778392",
                   "а у Жумабаева?")
    assert "384 000.00" in answer.answer and "KZ91722S798780778392" not in \
        answer.answer.splitlines()[0]


@pytest.mark.parametrize("question", [
    "Snow Queen vs Green Planet wallets: what came in and where did it go?",
    "сравни кошельки Снежной Королевы и Green Planet: сколько пришло, куда ушло",
    "Снежная Королева мен Green Planet әмияндарын салыстыр: қанша түсті, қайда кетті",
])
def test_wallets_compared_with_money_words_are_set_side_by_side(hm, question):
    answer = ask(question, hm)
    assert answer.verified and "775.95" in answer.answer and "480.75" in answer.answer


def test_one_named_compared_with_each_of_several_is_answered_not_asked_back(hm):
    answer = ask("compare what Li Vadim got from each of the three droppers", hm)
    assert answer.steps and "315 000.00" in answer.answer and "165 000.00" in answer.answer


def test_a_comparison_says_which_has_more(hm):
    answer = ask("compare Zhumabayev and Seitova: who received more?", hm)
    assert answer.verified and "384 000.00" in answer.answer and "246 000.00" in answer.answer
    last = [line for line in answer.answer.splitlines() if "More received" in line]
    assert last and "Жумабаев" in last[0]


@pytest.mark.parametrize("then", ["екеуінің қайсысы көп алды?", "which of the two got more?",
                                  "кто из них двоих больше получил?"])
def test_which_of_the_two_compares_the_two_named_before(hm, then):
    answer = _then(hm, "сравни TXmqWQTjQr4TveWQWEsAo1mJuDXg68vhzP и "
                       "TTY1HV5DRzLqNG5J3xor1WV5de71Xksn4S", then)
    assert answer.verified and not any(s.startswith("money_path") for s in answer.steps)
    assert "520.00" in answer.answer and "465.00" in answer.answer


def test_how_many_shops_is_answered_whatever_the_noun_s_number(hm):
    answer = ask("қанша дүкен бар, аттары қандай?", hm)
    assert answer.steps and "Green Planet" in answer.answer


def test_a_shop_said_in_place_of_two_compared_is_answered_alone(hm):
    answer = _then(hm, "compare shop wallets TDMHPGTxctG7rwSVkmiTPL22KZm9YdpSvQ vs "
                       "TAzfY2BQ9wSteTHxhLwPxJpecqXAJyQh8F", "а у шоколадной?")
    assert answer.steps and "161.50" in answer.answer


@pytest.mark.parametrize("question", [
    "Покажи реквизиты магазина", "what did the shop hand out?", "дүкеннің реквизиттерін көрсет",
])
def test_one_shop_s_details_with_no_shop_named_asks_which_shop(hm, question):
    answer = ask(question, hm)
    assert not answer.steps and answer.answer.rstrip().endswith("?")
    assert "Green Planet" in answer.answer and "Снежная Королева" in answer.answer


def test_compared_with_one_named_after_a_question_about_another_sets_the_two_side_by_side(hm):
    answer = _then(hm, "выписка Жумабаева", "а теперь сравни с Сеитовой")
    assert answer.verified and "384 000.00" in answer.answer and "246 000.00" in answer.answer


@pytest.mark.parametrize("question", [
    "We went through the first dropper yesterday. What about the second one?",
    "анау әмиянды тексерші, қанша түсті",
    "а по второму дропу что?",
    "а сколько у второго?",
    "кто владелец?",
    "куда ушли деньги с карты?",
    "сравни с Сеитовой",
    "Сеитовамен салыстыр",
    "What did the shop's bot reply?",
])
def test_a_thing_pointed_at_with_nothing_before_is_asked_back(hm, question):
    answer = ask(question, hm)
    assert not answer.steps and answer.answer.rstrip().endswith("?")


@pytest.mark.parametrize(("first", "then", "said"), [
    ("who paid into Seitova's account?", "who paid the most?", "52 000.00"),
    ("выписка Жумабаева", "кому он больше всего перевёл?", "315 000.00"),
])
def test_who_paid_the_most_is_that_party_and_what_passed_between_the_two(hm, first, then, said):
    answer = _then(hm, first, then)
    assert answer.verified and said in answer.answer.splitlines()[1]
    assert len([s for s in answer.steps if s.startswith("lookup_account")]) == 2


def test_the_first_of_them_is_the_first_the_previous_question_asked_of():
    from assistant.agent.understanding import Vocabulary, find_entities

    vocabulary = Vocabulary(shops={"tg:1": ["Полярная Звезда"], "tg:2": ["Жасыл Орман"]})
    answer = ("Магазины в деле:\n- [1] Полярная Звезда (@polar_bot) — Караганда: «…»\n"
              "- [2] Жасыл Орман (@jasyl_bot) — Усть-Каменогорск: «…»")
    asked = "какой магазин торгует в Усть-Каменогорске, а какой в Караганде?"
    question = "а какой криптокошелёк давал первый из них?"

    def shops_in(line: str) -> list[str]:
        return [e.label or e.value for e in find_entities(line, vocabulary)[0] if e.kind == "shop"]

    assert listed_pick(question, Turn.of(asked, answer, shops_in=shops_in)) == ["Жасыл Орман"]
    assert listed_pick(question, Turn.of("", answer, shops_in=shops_in)) == ["Полярная Звезда"]
