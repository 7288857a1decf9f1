"""Offline answers that need more than one record: a phone's holder by the payment it asked
for, an ИИН's accounts and what was handed out for them, payments between two named people,
and questions back when a question names no account or only asks "how much"."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.agent.core import ask
from assistant.agent.tools import AgentContext
from tests.conftest import DATA
from tools.ingest.pipeline import ingest_paths
from tools.store import CaseStore, connect_store


@pytest.fixture(scope="module")
def handmade(tmp_path_factory: pytest.TempPathFactory) -> CaseStore:
    root: Path = tmp_path_factory.mktemp("handmade_answers")
    store = connect_store(f"sqlite:///{root / 'db.sqlite'}", root / "vault")
    assert not ingest_paths(store, "hm", [DATA / "eval" / "handmade" / "evidence"]).rejected
    return store


def test_a_phone_holder_by_the_payment_it_asked_for(handmade: CaseStore) -> None:
    answer = ask("чей номер 8 705 284 1190?", AgentContext("hm", handmade))
    assert answer.verified, answer.flags
    assert "Оспанова Динара" in answer.answer and "KZ18722S274091263225" in answer.answer
    cited = {c.id for c in answer.citations}
    assert "tg:5931177604/8" in cited  # the bot's message with the amount
    assert any(c.startswith("bank:KZ18722S274091263225/") for c in cited)  # the row paying it
    # Who it is, not the statement's every counterparty.
    assert "Ли Вадим" not in answer.answer


def test_an_iin_reaches_its_account_and_the_card_its_statement_names(handmade: CaseStore
                                                                     ) -> None:
    answer = ask("иин 991125317715 чей", AgentContext("hm", handmade))
    assert answer.verified, answer.flags
    assert len(answer.steps) >= 2  # the ИИН, then the account it holds
    assert "KZ14722S890317137311" in answer.answer and "4400430278150260" in answer.answer


def test_what_one_named_person_paid_another(handmade: CaseStore) -> None:
    answer = ask("сколько Жумабаев перевел Ли Вадиму", AgentContext("hm", handmade))
    assert answer.verified, answer.flags
    assert answer.answer.splitlines()[0].startswith("Переводы")
    assert "315 000.00" in answer.answer


@pytest.mark.parametrize("question", [
    "чья карта 440043… последние цифры не помню",
    "Seitova — how much?",
    "куда ушли деньги магазина?",
])
def test_a_question_naming_no_account_or_no_measure_is_asked_back(handmade: CaseStore,
                                                                  question: str) -> None:
    answer = ask(question, AgentContext("hm", handmade))
    assert not answer.steps and answer.answer.rstrip().endswith("?")
