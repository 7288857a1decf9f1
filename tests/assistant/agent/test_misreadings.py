"""Questions that look like another kind on the surface and are not: an ordinal inside a
whole question is no pointer to ask back about, "против" is evidence against someone and not
a comparison, a sum "in a day" of the case's money is no recruiting offer, a threshold picks
nobody of the previous answer, "к" after a sum is a preposition, a word holding "бот" is no
bot. Over the hand-written case, in real formats; the rules' patterns checked directly too."""

from __future__ import annotations

import pytest

from assistant.agent.conversation import Turn, listed_pick, spoken_sums
from assistant.agent.core import ask
from assistant.agent.ledger import Answer
from assistant.agent.offline import (
    _BOT_WORDS,
    _NOT_SHOPS,
    _ORDINAL_REFERENT,
    phrases,
)
from assistant.agent.tools import PAY_PERIOD_SUM, AgentContext
from tools.search.index import SearchIndex
from tools.store import CaseStore


def _ask(case: tuple[CaseStore, SearchIndex], question: str) -> Answer:
    store, index = case
    return ask(question, AgentContext("hm", store, index))


def _asked_back(answer: Answer) -> bool:
    head = answer.answer.split("«", 1)[0].split("{", 1)[0]
    return any(text.split("{", 1)[0][:20] in head
               for text in phrases()["which_entity"].values())


@pytest.mark.parametrize("question", [
    "Кто получил деньги первым?", "Во вторник какие карты выдавались?",
    "Какие карты выдавал второй магазин по счёту, Снежная Королева?",
])
def test_an_ordinal_inside_a_whole_question_is_not_asked_back(handmade, question):
    answer = _ask(handmade, question)
    assert not _asked_back(answer), answer.answer


@pytest.mark.parametrize("question", ["а второй?", "the second one?", "екіншісі ше?"])
def test_an_ordinal_alone_opening_a_conversation_is_asked_back(handmade, question):
    assert _asked_back(_ask(handmade, question))


def test_the_patterns_behind_those_readings():
    assert not _ORDINAL_REFERENT.search("Во вторник какие карты выдавались?")
    assert _ORDINAL_REFERENT.search("а второго дропа?")
    for ordinary in ("Магазин ещё работает?", "в субботу", "никто не платил"):
        assert not _BOT_WORDS.search(ordinary), ordinary
    assert _BOT_WORDS.search("какие боты у магазинов") and _BOT_WORDS.search("the bot's handle")
    for not_about_chats in ("не один магазин", "not only to shops", "не в магазин, а на биржу"):
        assert not _NOT_SHOPS.search(not_about_chats), not_about_chats
    assert _NOT_SHOPS.search("Какие каналы не являются магазинами?")
    assert _NOT_SHOPS.search("Қай арналар дүкен емес?")
    assert [s for s, _ in spoken_sums("кто перевёл 200 к Сеитовой")] == [200]
    assert [s for s, _ in spoken_sums("кому ушли 187к")] == [187_000]


def test_a_sum_per_day_is_an_offer_only_when_the_sum_is_beside_the_day():
    assert PAY_PERIOD_SUM.search("где предлагали 300 000 ₸ в неделю")
    assert PAY_PERIOD_SUM.search("кто обещал 50к в месяц за карту")
    assert not PAY_PERIOD_SUM.search("Сколько в среднем поступало в день в марте 2024?")
    assert not PAY_PERIOD_SUM.search("How much did droppers receive per day in 2024?")
    long = "1" * 4000 + " x"
    assert not PAY_PERIOD_SUM.search(long)  # and in linear time (a quadratic one took seconds)


def test_evidence_against_someone_is_not_a_comparison(handmade):
    answer = _ask(handmade, "Какие доказательства против Сеитовой?")
    assert not _asked_back(answer), answer.answer


def test_a_threshold_picks_nobody_of_the_previous_answer():
    previous = ("Что есть в деле по KZ91601A861009467931\n"
                "- [1] получено от KZ456011065602164235: 187 000.00 KZT")
    question = "покажи переводы больше 100 тыс."
    assert listed_pick(question, Turn.of("выписка KZ91601A861009467931", previous)) == []


def test_which_shop_in_any_case_ending_is_asked_of_the_case_s_shops(handmade):
    from assistant.agent.offline import _WHICH_SHOP

    for question in ("В каком магазине принимали USDT?", "какому магазину платил дроп?",
                     "каких магазинов больше всего в деле?"):
        assert _WHICH_SHOP.search(question), question
    answer = _ask(handmade, "В каком магазине принимали USDT?")
    assert not answer.answer.startswith(("Уточните", "О каком магазине")), answer.answer


def test_a_russian_name_ending_in_na_is_not_a_kazakh_dative():
    from assistant.agent.money_asks import _KK_DATIVE

    assert not _KK_DATIVE.search("Анна") and not _KK_DATIVE.search("Марина")
    assert _KK_DATIVE.search("шотына") and _KK_DATIVE.search("Вадимге")
