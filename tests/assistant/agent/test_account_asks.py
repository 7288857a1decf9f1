"""What a question about an account asks beside whose it is, in any of the three languages:
the bank that keeps it (by its IBAN's bank code) and the days its statement's operations run
over (its first and last rows, each cited). Over the demo case, in real formats."""

from __future__ import annotations

import pytest

from assistant.agent.account_asks import day_written, iban_bank, iban_bank_asked, period_asked
from assistant.agent.core import ask
from assistant.agent.tools import AgentContext

HALYK = "KZ736013419254122482"
KASPI = "KZ43722S607598386756"


def test_the_words_asking_a_period_or_a_bank() -> None:
    for asked in ("period covered by the statement", "за какой период выписка",
                  "с какого по какое число операции", "үзінді қай кезеңді қамтиды"):
        assert period_asked(asked), asked
    assert not period_asked("кто владелец счёта")
    for asked in ("holder name, bank?", "в каком банке счёт", "шоттың банкі қандай"):
        assert iban_bank_asked(asked), asked
    for other in ("bankrupt shop", "every payment in the bank statements",
                  "банк выписка по счёту"):
        assert not iban_bank_asked(other), other
    assert iban_bank(HALYK) == "Halyk Bank" and iban_bank("KZ43 722S 6075 9838 6756") == \
        "Kaspi Bank"
    assert day_written("2025-01-06") == "06.01.2025"


@pytest.mark.parametrize("question", [
    f"who holds {HALYK} and at which bank?",
    f"в каком банке открыт счёт {HALYK} и на кого?",
    f"{HALYK} шоты кімдікі, банкі қандай?",
])
def test_an_accounts_bank_beside_its_holder(demo, question) -> None:
    answer = ask(question, AgentContext("demo", demo))
    assert answer.verified, answer.flags
    assert "Halyk" in answer.answer and "Иванов" in answer.answer, answer.answer


@pytest.mark.parametrize("question", [
    f"what dates does the statement of {KASPI} span?",
    f"за какой период выписка по счёту {KASPI}?",
    f"{KASPI} үзіндісі қай кезеңді қамтиды?",
])
def test_the_days_a_statements_operations_run_over(demo, question) -> None:
    answer = ask(question, AgentContext("demo", demo))
    assert answer.verified, answer.flags
    line = next(ln for ln in answer.answer.splitlines() if "06.01.2025" in ln)
    assert "02.03.2025" in line and line.count("[") >= 2, line


@pytest.mark.parametrize("question", [
    "Dauren Sarsenbaev - each payment he made, per the statements",
    "каждый платёж Сарсенбаева по выпискам",
    "Сарсенбаевтың үзінділердегі әрбір төлемі",
])
def test_every_payment_of_a_person_is_listed_by_its_row(handmade, question) -> None:
    store, index = handmade
    answer = ask(question, AgentContext("hm", store, index))
    assert answer.verified, answer.flags
    for day, amount in (("2025-09-03", "18 000.00"), ("2025-09-15", "34 000.00"),
                        ("2025-09-08", "22 000.00")):
        assert f"{day}: {amount}" in answer.answer, answer.answer
    # "bank statements" names no bank asked.
    assert "Kaspi Bank" not in answer.answer, answer.answer


@pytest.mark.parametrize("question", ["Who covered the costs?",
                                      "Who covered the rent for the drop?",
                                      "what span of the river?"])
def test_cover_or_span_without_a_statement_asks_no_period(question: str) -> None:
    assert not period_asked(question)


@pytest.mark.parametrize("question", ["what does the statement cover?",
                                      "which days do the statement's rows span?",
                                      "за какое время операции в выписке?"])
def test_cover_or_span_of_a_statement_asks_its_period(question: str) -> None:
    assert period_asked(question)
