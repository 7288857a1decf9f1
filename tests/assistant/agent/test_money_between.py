"""Money between parties as people ask it: both ways when the question says so ("and back", "и
обратно", "керісінше", each party named twice), what a party named paid into a statement (its
accounts one by one and together), a statement's totals over a span of days, who ends up with
a shop's money, and follow-ups that continue the flow ("from there, where next?", "and X, where
did he send it on?")."""

from __future__ import annotations

import pytest

from assistant.agent.core import ask
from assistant.agent.tools import AgentContext
from tests.utils.answers import answered
from tools.store import CaseStore


@pytest.mark.parametrize("question", [
    "how much did Tulegenov send Kuznetsov, and the other way round, both ways?",
    "сколько Кузнецов перевёл Тулегенову и обратно?",
    "Кузнецов Тулегеновке қанша аударды және керісінше?",
    "Тулегенов Кузнецовқа қанша жіберді, ал Кузнецов Тулегеновке қанша?",
])
def test_both_ways_between_two_statement_holders(demo: CaseStore, question: str) -> None:
    text = answered(demo, "demo", question)
    assert "187 000" in text and "81 200" in text


@pytest.mark.parametrize("question", [
    "Абдрахманов С. сколько перевёл на счёт Иванова и когда?",
    "when and how much did Abdrakhmanov S. pay into Ivanov's account?",
    "Абдрахманов С. Ивановтың шотына қанша салды?",
])
def test_a_named_payer_in_a_statement_with_its_payments(demo: CaseStore, question: str) -> None:
    text = answered(demo, "demo", question)
    assert "8 000" in text and "15 000" in text


@pytest.mark.parametrize("question", [
    "сколько всего пришло Жумабаеву с 16 по 30 сентября?",
    "Zhumabaev's account: total received 16-30 Sept?",
    "16-30 қыркүйек аралығында Жумабаевтың шотына барлығы қанша түсті?",
])
def test_a_statement_s_totals_over_a_span_of_days(handmade_store: CaseStore,
                                                  question: str) -> None:
    text = answered(handmade_store, "hm", question)
    assert "94 000" in text


@pytest.mark.parametrize("question", [
    "Snow Queen's money: who ended up holding it?",
    "у кого в итоге оказались деньги Снежной Королевы?",
    "Снежная Королева ақшасы түбінде кімде қалды?",
])
def test_who_ends_up_with_a_shop_s_money_are_its_beneficiaries(handmade_store: CaseStore,
                                                               question: str) -> None:
    text = answered(handmade_store, "hm", question)
    assert "TXmqWQTjQr4TveWQWEsAo1mJuDXg68vhzP" in text and \
        "TTY1HV5DRzLqNG5J3xor1WV5de71Xksn4S" in text


@pytest.mark.parametrize("follow", [
    "and from there, where did it go next?",
    "а оттуда куда дальше пошло?",
    "сол жерден әрі қарай қайда кетті?",
])
def test_from_there_on_steps_to_where_the_money_went(demo: CaseStore, follow: str) -> None:
    first = "where did the money of TEKnPTji5ZNptMTvk1weU4TD7EXKDhdVRC go?"
    a = ask(first, AgentContext("demo", demo))
    b = ask(follow, AgentContext("demo", demo), history=[(first, a.answer)])
    # On from the treasury it went into: the treasury's own payees, each by its transfer.
    assert "TKbWF1M7HjAkmeYH9XBprfpSCF4HCddSUY" in b.answer
    assert "TJEdj76pLHqtDZUrmv7EPxDcQsuGk4wBj1" in b.answer and "4 520.11" in b.answer


@pytest.mark.parametrize("follow", [
    "and Tulegenov, where did he send it on?",
    "а Тулегенов, куда он дальше перевёл?",
    "ал Тулегенов ше, ол ақшаны қайда аударды?",
])
def test_he_after_a_person_named_is_that_person(demo: CaseStore, follow: str) -> None:
    first = "Кузнецов П. шотынан ақша қайда жөнелтілді?"
    a = ask(first, AgentContext("demo", demo))
    b = ask(follow, AgentContext("demo", demo), history=[(first, a.answer)])
    # Tulegenov's own payees, not what passed between him and Kuznetsov.
    assert "324 800" in b.answer
