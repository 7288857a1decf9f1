"""How the offline model words a money path: what reached the target is said for a tenge path
of one bank transfer too (the transfer itself is not said there), as for a crypto one."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from assistant.agent.offline import Composer, OfflineChatModel
from assistant.agent.tools import MONEY_PATH, ToolOutput


def _path(token: str, sent: str, reached: str) -> ToolOutput:
    hop = SimpleNamespace(amount=sent, record_id="r1", to_address="B", time=None)
    path = SimpleNamespace(hops=[hop], reached=reached, token=token, source="A", target="B",
                           routes=1)
    return ToolOutput(MONEY_PATH, path, markers={"r1": 1})


@pytest.mark.parametrize("question", [
    "Сколько денег дошло со счёта A до счёта B?", "How much reached account B from account A?",
    "A шотынан B шотына қанша ақша жетті?"])
def test_what_reached_on_a_tenge_path_below_its_transfer_is_said(question: str) -> None:
    reading = OfflineChatModel().read(question)
    reading.intent = "amount_between"
    composer = Composer(reading, question)
    composer._money_path(_path("KZT", "100000", "60000"))
    assert any("60" in line for line in composer.lines), composer.lines


def test_a_crypto_transfer_said_leaves_the_smaller_share_unsaid() -> None:
    question = "How much did A send to B?"
    reading = OfflineChatModel().read(question)
    reading.intent = "amount_between"
    composer = Composer(reading, question)
    composer._money_path(_path("USDT", "100", "60"))
    assert any("100" in line for line in composer.lines)
    assert not any("60" in line for line in composer.lines), composer.lines
