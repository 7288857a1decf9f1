"""The shops' bots asked as a list, in any language: which bots the case holds (their handles)
or the buyer talked to — the shops that took payment in a chat of the case, each by a message
of its own chat; not a search of the words, nor a shop known only from its ads or a board."""

from __future__ import annotations

import pytest

from assistant.agent.case_sides import asks_the_bots
from assistant.agent.core import ask
from assistant.agent.tools import AgentContext

_BOT_CHATS = {"tg:5931177604", "tg:6120457731", "tg:6488201957"}


@pytest.mark.parametrize("question", [
    "list the shop bots in this case with their @handles",
    "с какими ботами переписывался покупатель?",
    "сатып алушы қай боттармен сөйлескен?",
    "which shop bots did Dauren chat with?",
])
def test_the_bots_asked_as_a_list(question: str) -> None:
    assert asks_the_bots(question)


@pytest.mark.parametrize("question", [
    "что писал бот Снежной Королевы про ненаход",  # one bot's message
    "какие карты давали боты",  # their details
])
def test_not_the_bots_as_a_list(question: str) -> None:
    assert not asks_the_bots(question)


@pytest.mark.parametrize("question", [
    "с какими ботами магазинов переписывался Даурен",
    "which shop bots did Dauren chat with?",
    "Даурен қай дүкен боттарымен хат жазысқан?",
])
def test_the_bots_talked_to_are_the_chats_of_the_case(handmade, question: str) -> None:
    store, index = handmade
    answer = ask(question, AgentContext("hm", store, index))
    assert answer.verified, answer.flags
    for bot in ("@snowqueen_kz_bot", "@greenplanet_operator_bot", "@chocofactory_kz_bot"):
        assert bot in answer.answer, answer.answer
    assert "molniya" not in answer.answer  # known from its ads only
    assert {c.id.rpartition("/")[0] for c in answer.citations} <= _BOT_CHATS
