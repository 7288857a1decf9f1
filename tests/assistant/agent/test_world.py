"""Questions about the world outside the case (its regulation, a city's restaurants, the law)
are refused without a tool call, in any of the three languages; a question asking what the
case's records say of such a thing (a post calling a shop legal) is not."""

from __future__ import annotations

import pytest

from assistant.agent.core import ask
from assistant.agent.offline import phrases
from assistant.agent.tools import AgentContext
from assistant.agent.understanding import language
from assistant.agent.world import about_the_world

WORLD = [
    "latest news about Binance regulation in Kazakhstan?",
    "новости о регулировании криптобирж в Казахстане",
    "криптобиржаларды реттеу туралы соңғы жаңалықтар қандай?",
    "Астанадағы ең жақсы мейрамхана қайсы?",
    "посоветуй хороший ресторан в Алматы",
    "what's a good hotel in Shymkent?",
]


@pytest.mark.parametrize("question", WORLD)
def test_the_worlds_matters_are_outside_the_case(question: str) -> None:
    assert about_the_world(question)


@pytest.mark.parametrize("question", [
    "Is there anything in the case saying the wallet is clean or the shop is legal?",
    "в каком посте написано, что магазин легальный?",
    "арнада дүкен заңды деп жазылған ба?"])
def test_what_the_records_say_of_it_is_the_case(question: str) -> None:
    assert not about_the_world(question)


@pytest.mark.parametrize("question", WORLD[::2])
def test_a_question_about_the_world_calls_no_tool(handmade, question: str) -> None:
    store, index = handmade
    answer = ask(question, AgentContext("hm", store, index))
    assert answer.answer == phrases()["out_of_case"][language(question)]
    assert not answer.steps and not answer.citations


@pytest.mark.parametrize("question", [
    "today" + "a" * 1995, "курс" + "а" * 3000, ("сегодня " + "a ") * 1000 + "x"])
@pytest.mark.timing
def test_a_long_run_of_letters_after_today_is_read_at_once(question: str) -> None:
    import time
    began = time.monotonic()
    about_the_world(question)
    assert time.monotonic() - began < 0.5


@pytest.mark.parametrize("question", [
    "USDT exchange rate today", "what is today's USDT rate?", "какой сегодня курс тенге",
    "сегодняшний курс рубля", "бүгінгі доллар бағамы қандай"])
def test_todays_rate_is_still_the_world(question: str) -> None:
    assert about_the_world(question)


CASE_NEAR_THE_WORLD = [
    "Кто продаёт рецептурные препараты в Алматы?", "Были ли оплаты в кафе по выпискам дропов?",
    "Which shops deliver stashes near hotels in Almaty?",
    "Какие магазины в Алматы закладывают возле кафе?",
    "Дроптардың үзінділерінде мейрамханаға төлем болды ма?",
    "Payments at restaurants in the droppers' statements?"]


@pytest.mark.parametrize("question", CASE_NEAR_THE_WORLD)
def test_the_cases_records_and_actors_near_a_cafe_or_hotel_are_the_case(question: str) -> None:
    assert not about_the_world(question)


@pytest.mark.parametrize("question", CASE_NEAR_THE_WORLD[::2])
def test_a_case_question_near_a_cafe_or_hotel_is_not_refused(handmade, question: str) -> None:
    store, index = handmade
    answer = ask(question, AgentContext("hm", store, index))
    assert answer.answer != phrases()["out_of_case"][language(question)]


@pytest.mark.parametrize("question", ["рецепт борща", "посоветуй хороший ресторан в Алматы"])
def test_a_recipe_or_a_citys_restaurant_is_still_the_world(question: str) -> None:
    assert about_the_world(question)


HELP_AND_SPORT = [
    "how to install telegram on a laptop", "телеграмды компьютерге қалай орнатамын?",
    "как восстановить пароль от каспи", "Kaspi қосымшасының құпиясөзін қалай қалпына келтіремін?",
    "what is the Halyk bank hotline number", "номер горячей линии Каспи",
    "банктің қолдау қызметіне қалай хабарласамын?",
    "кто выиграл матч Кайрат - Астана", "what was the final score of the hockey game yesterday",
    "кеше Алматыдағы футбол ойынының есебі қандай?"]


@pytest.mark.parametrize("question", HELP_AND_SPORT)
def test_an_apps_help_a_help_line_or_a_games_score_is_the_world(question: str) -> None:
    assert about_the_world(question)


@pytest.mark.parametrize("question", [
    "установить владельца кошелька TX1", "кратко по делу: что установлено",
    "which app did the bot ask the buyer to install in the chat?",
    "в каком посте пишут про установку приложения",
    "where did the money go after the wallet update", "who supports the shop's channel?"])
def test_the_cases_records_of_apps_or_setting_up_are_the_case(question: str) -> None:
    assert not about_the_world(question)


@pytest.mark.parametrize("question", HELP_AND_SPORT[::3])
def test_an_apps_help_or_a_games_score_calls_no_tool(handmade, question: str) -> None:
    store, index = handmade
    answer = ask(question, AgentContext("hm", store, index))
    assert answer.answer == phrases()["out_of_case"][language(question)]
    assert not answer.steps and not answer.citations
