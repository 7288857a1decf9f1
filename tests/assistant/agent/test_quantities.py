"""A quantity of goods a question names ("wholesale 50 g", "50 грамм оптом") finds the messages
naming it, whatever else they say, in any of the three languages."""

from __future__ import annotations

import pytest

from assistant.agent.core import ask
from assistant.agent.quantities import naming_quantities, quantities
from assistant.agent.tools import AgentContext


def test_the_quantities_a_text_names() -> None:
    assert quantities("wholesale offer - 50 g, any?") == {50}
    assert quantities("задержали курьера с 50 граммами") == {50}
    assert quantities("50 грамдық көтерме") == {50}
    assert quantities("Шишки 1г — 12 000 ₸, 3гр — 33 000 ₸") == {1, 3}
    assert not quantities("250 000 ₸ в неделю, 2025 год")
    # (Every menu names a gram: no quantity telling one offer from another.)
    assert not naming_quantities("Альфа PVP 1г — 18 000 ₸", {1})
    assert naming_quantities("Для опта (50 г) реквизиты", {50})


@pytest.mark.parametrize("question", [
    "wholesale offer - 20 g, any?", "кто-нибудь предлагал 20 г оптом?",
    "20 грамдық көтерме ұсыныс болды ма?"])
def test_a_wholesale_offer_by_its_quantity(small_demo, small_demo_index, question: str) -> None:
    _, store, _ = small_demo
    answer = ask(question, AgentContext("demo", store, small_demo_index))
    text = answer.answer.replace(" ", "")
    # (The demo's wholesale offer, and not the police news of a courier's grams first.)
    assert "320000" in text and "KZ686012199351819093" in text, answer.answer
    assert "Новости" not in answer.answer.splitlines()[1], answer.answer
    assert answer.verified, answer.flags


def test_a_year_before_g_is_no_quantity() -> None:
    assert quantities("Какие объявления были в 2025 г.?") == set()
    assert quantities("Объявления 2024 г. о мефедроне в Караганде") == set()
    assert quantities("оптом 100 г и 500 гр") == {100, 500}
    assert quantities("a kilo: 1000 g or 1000 грамм") == {1000}
