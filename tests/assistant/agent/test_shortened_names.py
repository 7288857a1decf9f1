"""A name with an initial a shop's bot gave a detail under ("Ерлан Ж.", "Айгуль С.") is both
the statements' person it shortens and the detail handed out under it: who it is in full and
on which card, however the question is worded. Over the hand-written case, in real formats."""

from __future__ import annotations

import pytest

from assistant.agent.core import ask
from assistant.agent.tools import AgentContext
from assistant.agent.understanding import shortens


def test_a_first_name_and_an_initial_shorten_a_full_name() -> None:
    assert shortens("Ерлан Ж.", "Жумабаев Ерлан Қанатұлы")
    assert shortens("Айгуль  С.", "Сеитова Айгуль Маратовна")
    assert not shortens("Ерлан Т.", "Жумабаев Ерлан Қанатұлы")  # another initial
    assert not shortens("Марат Т.", "Жумабаев Ерлан Қанатұлы")
    assert not shortens("Жумабаев Ерлан", "Жумабаев Ерлан Қанатұлы")  # no initial


@pytest.mark.parametrize(("question", "card", "surname"), [
    ('кто такой "Ерлан Ж." из бота Снежной Королевы, полное имя?', "4400 4302 7815 0260",
     "Жумабаев"),
    ("Снежная Королева ботындағы Ерлан Ж. толық аты кім?", "4400 4302 7815 0260", "Жумабаев"),
    ('the Green Planet bot names "Айгуль С." as recipient - who is that in full?',
     "4405 3920 5561 7785", "Сеитова"),
])
def test_a_shortened_name_in_a_bot_is_the_person_and_their_card(handmade, question, card,
                                                                 surname) -> None:
    store, index = handmade
    answer = ask(question, AgentContext("hm", store, index))
    assert answer.verified, answer.flags
    assert card in answer.answer and surname in answer.answer, answer.answer
    # Only what the bot gave under that name, not every detail it handed out.
    assert "+7 747 318 5209" not in answer.answer, answer.answer
