"""How the offline model words a money path (what reached the target is said for a tenge path
of one bank transfer too, the transfer itself not being said there) and a statement's period
(one row cited once)."""

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


@pytest.mark.parametrize("question", ["за какой период выписка?", "what period does it cover?",
                                      "үзінді қай кезеңді қамтиды?"])
def test_a_statement_of_one_row_cites_its_period_once(question: str) -> None:
    out = ToolOutput("x", None, markers={"r1": 3})
    out.period_rows["S"] = (("r1", "2025-01-06"), ("r1", "2025-01-06"))
    bank = SimpleNamespace(counterparties=[], period=None, total_in="10", total_out="0",
                           operations=1, distinct_payers=1, incoming=1, outgoing=0)
    composer = Composer(OfflineChatModel().read(question), question)
    composer._bank(out, bank, "S")
    line = next(ln for ln in composer.lines if "06.01.2025" in ln)
    assert line.count("[3]") == 1, line
