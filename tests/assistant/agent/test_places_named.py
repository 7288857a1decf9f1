"""A district a question names beside its word keeps the texts naming it, in either script;
stash words are searched for, not read as the shops."""

from __future__ import annotations

import pytest

from assistant.agent.core import ask
from assistant.agent.places_named import district_names, names_place
from assistant.agent.tools import AgentContext
from assistant.agent.understanding import read_question


@pytest.mark.parametrize("question", [
    "Нұрсат ауданындағы кладтар", "закладки в районе Нурсат", "stashes in the Nursat district",
    "мкр Нурсат: какие клады?"])
def test_the_district_named(question: str) -> None:
    assert district_names(question) == ["nursa"]
    assert names_place("дом 12 мкр Нурсат", district_names(question))
    assert read_question(question).intent == "search"


@pytest.mark.parametrize("question", ["в каком районе клады?", "which district are stashes in?",
                                      "кладтар қай ауданда?"])
def test_a_district_asked_names_none(question: str) -> None:
    assert district_names(question) == []


@pytest.mark.parametrize("question", [
    "Нұрсат ауданындағы кладтар", "закладки в районе Нурсат", "stashes in the Nursat district"])
def test_the_stashes_of_a_district(handmade, question: str) -> None:
    store, index = handmade
    answer = ask(question, AgentContext("hm", store, index))
    assert "42.2951" in answer.answer and "Каратау" not in answer.answer, answer.answer
