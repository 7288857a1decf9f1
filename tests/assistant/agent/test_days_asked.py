"""A day or a span of days narrows a statement however it is written: the parties who paid or
were paid on those days, each payment by its row, in any language."""

from __future__ import annotations

import pytest

from assistant.agent.core import ask
from assistant.agent.days_asked import days_asked, in_days
from assistant.agent.ledger import Answer
from assistant.agent.tools import AgentContext
from tools.search.index import SearchIndex
from tools.store import CaseStore


def _ask(case: tuple[CaseStore, SearchIndex], question: str) -> Answer:
    store, index = case
    answer = ask(question, AgentContext("hm", store, index))
    assert answer.verified, answer.flags
    return answer


@pytest.mark.parametrize("question", [
    "activity 15-20 Sept", "с 15 по 20 сентября", "from 15 to 20 September",
    "15–20 қыркүйек аралығында", "15.09–20.09", "с 15.09.2025 по 20.09.2025",
    "between Sept 15 and 20", "15-нен 20-на дейін қыркүйек", "15 бен 20 қыркүйек аралығында",
])
def test_a_span_of_days_in_any_writing(question: str) -> None:
    assert days_asked(question) == (((9, 15), (9, 20)),)


@pytest.mark.parametrize("question", [
    "переводы 15 и 20 сентября", "payments on 15 and 20 September", "Sept 15 and 20",
    "15 және 20 қыркүйекте", "15 мен 20 қыркүйекте кім төледі",
])
def test_two_days_joined_by_and_are_those_days_not_the_days_between(question: str) -> None:
    days = days_asked(question)
    assert in_days("2025-09-15 10:00", days) and in_days("2025-09-20 23:59", days)
    assert not in_days("2025-09-17 12:00", days), days


@pytest.mark.parametrize("question", [
    "выписка за 27.02.2025", "3 қыркүйекте кім салды", "top 5 payments on 20 September",
    "переводы 20 и 21 числа",  # no month: no span
])
def test_one_day_or_no_month_is_no_span(question: str) -> None:
    assert days_asked(question) == ()


@pytest.mark.parametrize(("question", "month"), [
    ("с 15 по 20 июня", 6), ("15-20 июля", 7), ("15–20 маусым аралығында", 6),
    ("June 15-20", 6), ("15-20 Jul.", 7),
])
def test_a_month_of_a_short_stem_is_read_in_its_case_endings(question: str, month: int) -> None:
    assert days_asked(question) == (((month, 15), (month, 20)),)


def test_a_word_beginning_like_a_month_is_no_month() -> None:
    assert days_asked("market 3 to 12 wallets") == ()
    assert days_asked("15-20 маяков") == ()


def test_a_row_is_in_the_span_with_both_ends() -> None:
    days = (((9, 15), (9, 20)),)
    assert in_days("2025-09-15 10:00", days) and in_days("2025-09-20", days)
    assert not in_days("2025-09-21 00:01", days) and not in_days("", days)


@pytest.mark.parametrize("question", [
    "Zhumabaev account activity 15-20 Sept",
    "что поступало на счёт Жумабаева с 15 по 20 сентября?",
    "Жумабаевтың шотына 15-20 қыркүйек аралығында кім ақша жіберді?",
    "who paid Zhumabaev between September 15 and 20?",
])
def test_a_span_keeps_the_payments_of_those_days(handmade, question: str) -> None:
    answer = _ask(handmade, question).answer
    for day in ("2025-09-15", "2025-09-16", "2025-09-18", "2025-09-20"):
        assert day in answer, answer
    assert "Оразбаев" in answer
    assert "2025-09-03" not in answer and "2025-09-24" not in answer


@pytest.mark.parametrize("question", [
    "Жумабаевтың шотына 3 қыркүйекте кім ақша салды?",
    "кто перевёл Жумабаеву 3 сентября?",
    "Zhumabaev statement for 03.09.2025",
])
def test_a_day_keeps_the_payments_of_that_day(handmade, question: str) -> None:
    answer = _ask(handmade, question).answer
    assert "2025-09-03: 18 000.00" in answer, answer
    assert "2025-09-15" not in answer
