"""A shop a question names that is none of the case's shops (known from a market channel's ad
or a chat's talk) is searched for, with where it works and its bot, not asked back about."""

from __future__ import annotations

import pytest

from assistant.agent.core import ask
from assistant.agent.tools import AgentContext
from assistant.agent.unknown_shops import unknown_shop_name


def test_the_name_of_a_shop_the_case_does_not_know() -> None:
    assert unknown_shop_name("Молния дүкені туралы не айтылған?", set()) == "Молния"
    assert unknown_shop_name("что известно о магазине «Молния»?", set()) == "Молния"
    assert unknown_shop_name("what is said about the Molniya shop?", set()) == "Molniya"
    assert unknown_shop_name("Какой магазин выдал карту?", set()) is None
    assert unknown_shop_name("Which shop handed out the IBAN?", set()) is None
    assert unknown_shop_name("Green Planet магазинінің картасы", {"green planet 🌍"}) is None
    assert unknown_shop_name("Где магазин Молния?", set()) == "Молния"


@pytest.mark.parametrize("question", [
    "Мне передали дело. Сколько магазинов, сколько выписок и куда ушли деньги в итоге?",
    "Сколько магазинов в деле?", "How many shops are in the case?",
    "Қанша дүкен бар?", "Барлық дүкендер қай қалаларда?", "Where shops took payment?",
])
def test_a_question_or_quantity_word_before_shops_names_no_shop(question: str) -> None:
    assert unknown_shop_name(question, set()) is None


@pytest.mark.parametrize("question", [
    "Молния дүкені туралы не айтылған?", "что пишут про магазин «Молния»?",
    "what is said about the Molniya shop?"])
def test_a_shop_known_from_an_ad_is_searched_for(handmade, question: str) -> None:
    store, index = handmade
    answer = ask(question, AgentContext("hm", store, index))
    assert "molniya_krg_bot" in answer.answer and "Темиртау" in answer.answer, answer.answer
    assert not answer.answer.rstrip().endswith("?")


@pytest.mark.parametrize("question", [
    "Назови магазины в Алматы", "Telegram shops selling mephedrone", "что продаёт магазин Алматы?",
    "Мефедрон дүкені қайда?", "Алматы дүкені туралы не белгілі?", "Instagram дүкені бар ма?",
    "Назови магазин, который продаёт мефедрон", "Name the shop that sells weed in Telegram"])
def test_a_city_drug_platform_or_asking_verb_beside_the_shop_word_names_no_shop(
        question: str) -> None:
    assert unknown_shop_name(question, set()) is None


def test_a_shop_name_beside_a_platform_word_is_still_a_name() -> None:
    assert unknown_shop_name("магазин Молния в Телеграме", set()) == "Молния"
    assert unknown_shop_name("Telegram-дегі Молния дүкені", set()) == "Молния"
