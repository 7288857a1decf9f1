"""A token borrowing a protected symbol at another contract is said to be no real coin."""

from __future__ import annotations

import pytest

from assistant.agent.core import ask
from assistant.agent.counterfeit import counterfeit_tokens
from assistant.agent.tools import AgentContext


def test_a_usdt_named_token_at_another_contract_is_counterfeit() -> None:
    text = "5 000.00 USDT@TRx1hLEuwwjDZEFGG1rfvTjHvk87UaN5qP in 1 transfers; 3 USDT real"
    assert counterfeit_tokens(text) == [("USDT@TRx1hLEuwwjDZEFGG1rfvTjHvk87UaN5qP", "USDT",
                                         "TRx1hLEuwwjDZEFGG1rfvTjHvk87UaN5qP")]
    assert counterfeit_tokens("FOO@TRx1hLEuwwjDZEFGG1rfvTjHvk87UaN5qP, 12 USDT") == []


@pytest.mark.parametrize("question", [
    "how much real USDT moved from TRyBTUNg9WBStVndY1hpnMtAr66R8itEgZ to TAzfY2BQ9wSteTHxhLwPxJpecqXAJyQh8F?",
    "сколько USDT ушло с TRyBTUNg9WBStVndY1hpnMtAr66R8itEgZ на TAzfY2BQ9wSteTHxhLwPxJpecqXAJyQh8F?",
    "TRyBTUNg9WBStVndY1hpnMtAr66R8itEgZ әмиянынан TAzfY2BQ9wSteTHxhLwPxJpecqXAJyQh8F әмиянына қанша USDT түсті?"])
def test_the_counterfeit_moved_is_said_to_be_no_usdt(handmade, question: str) -> None:
    store, index = handmade
    answer = ask(question, AgentContext("hm", store, index))
    assert any(w in answer.answer for w in ("fake", "поддельный", "жалған")), answer.answer
    assert answer.verified, answer.flags
