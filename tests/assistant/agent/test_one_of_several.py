"""Asking back which one (`assistant.agent.one_of_several`): a question about one dropper or
one statement of a case holding several, or about one payment by a sum several payments share,
is asked back naming the candidates, in the question's language; a question that says which
(a holder, a day, a message asked for), or asks about them all, is answered. Over the demo
case and the hand-written case (three statements: two Kaspi, one Halyk); the one statement of
the bank a question names is that statement."""

from __future__ import annotations

import pytest

from assistant.agent.core import ask
from assistant.agent.ledger import Answer
from assistant.agent.tools import AgentContext
from tests.utils.answers import answered
from tests.utils.blind_eval import language_of
from tools.store import CaseStore


def _asked_back(store: CaseStore, case: str, question: str) -> Answer:
    answer = ask(question, AgentContext(case, store))
    assert not answer.steps, answer.answer  # no tool called: a question back
    assert answer.answer.rstrip().endswith("?"), answer.answer
    assert answer.verified, answer.flags  # the candidates named, nothing uncited claimed
    return answer


@pytest.mark.parametrize(("question", "lang"), [
    ("куда дроп переводил деньги?", "ru"),
    ("покажи выписку дропа", "ru"),
    ("where did the dropper send the money?", "en"),
    ("show me the dropper's statement", "en"),
    ("дроптың шотынан ақша қайда кетті?", "kk"),
    ("Ким дропқа қанша аударды?", "kk"),
])
def test_one_dropper_of_several_is_asked_back_naming_the_statements(
        handmade_store: CaseStore, question: str, lang: str) -> None:
    text = _asked_back(handmade_store, "hm", question).answer
    for holder in ("Жумабаев", "Сеитова", "Оспанова"):
        assert holder in text, text
    assert language_of(text) == lang


@pytest.mark.parametrize("question", [
    "where did the Kaspi dropper send the money?",
    "каспи выписку покажи",
    "Kaspi дропына қанша түсті?",
])
def test_a_bank_named_narrows_the_statements_asked_about(handmade_store: CaseStore,
                                                         question: str) -> None:
    text = _asked_back(handmade_store, "hm", question).answer
    assert "Жумабаев" in text and "Оспанова" in text and "Сеитова" not in text, text


@pytest.mark.parametrize("question", [
    "покажи выписку Сеитовой",
    "куда ушло с дроп-счета Оспановой",
    "Which counterparty received money from all three dropper accounts?",
    "сравни выписки всех дропов по поступлениям",
    "Дроп шоттарынан ақша қайда кетті?",
    "where did the money on the drop accounts go?",
    "куда уходили деньги с дроп счетов?",
])
def test_a_statement_said_or_all_of_them_is_answered(handmade_store: CaseStore,
                                                     question: str) -> None:
    answered(handmade_store, "hm", question)


@pytest.mark.parametrize("question", [
    "дроп іздейтін хабарландыру бар ма?",
    "есть объявление, где ищут дропа с картой каспи?",
])
def test_an_ad_looking_for_a_dropper_is_no_statement_asked(handmade_store: CaseStore,
                                                           question: str) -> None:
    answer = ask(question, AgentContext("hm", handmade_store))
    assert "Жумабаев" not in answer.answer.split("\n", 1)[0], answer.answer


@pytest.mark.parametrize(("question", "lang"), [
    ("кому ушли 12 000 тенге?", "ru"),
    ("trace the 12 000 tenge payment", "en"),
    ("12 000 теңге аударымын кім алды?", "kk"),
    ("от кого был перевод на 12 000?", "ru"),
    ("who got the 60000 transfer?", "en"),
])
def test_a_payment_by_a_sum_several_share_is_asked_back_naming_them(
        handmade_store: CaseStore, question: str, lang: str) -> None:
    text = _asked_back(handmade_store, "hm", question).answer
    assert text.count("→") >= 2, text
    assert language_of(text) == lang


@pytest.mark.parametrize("question", ["кто платил 8000 тенге?", "8000 теңгені кім төледі?",
                                      "who paid 8000 tenge?"])
def test_a_shared_sum_in_the_demo_case_is_asked_back_too(demo: CaseStore, question: str) -> None:
    assert _asked_back(demo, "demo", question).answer.count("→") >= 2


@pytest.mark.parametrize("question", [
    "Сеитова шотына 29.09.2025 не түсті?",
    "кто перевёл 12 000 тенге 02.09.2025?",
])
def test_a_sum_with_a_day_or_an_account_is_answered(handmade_store: CaseStore,
                                                   question: str) -> None:
    answer = ask(question, AgentContext("hm", handmade_store))
    assert "→" not in answer.answer.split("\n", 1)[0], answer.answer


@pytest.mark.parametrize("question", [
    "TS9G84FZzaPwaizoT1RFzMqRoGFdfGKQkH әмияны бойынша ақша?",
    "wallet TS9G84FZzaPwaizoT1RFzMqRoGFdfGKQkH money?",
    "кошелёк TS9G84FZzaPwaizoT1RFzMqRoGFdfGKQkH деньги",
])
def test_an_identifier_with_its_kind_and_money_but_no_way_is_asked_back(
        demo: CaseStore, question: str) -> None:
    _asked_back(demo, "demo", question)


@pytest.mark.parametrize("question", [
    "Halyk statement: closing balance?",
    "куда переводил деньги халык дроп?",
    "Halyk дропының шотына қанша ақша түсті?",
])
def test_the_one_statement_of_the_bank_named_is_answered(handmade_store: CaseStore,
                                                         question: str) -> None:
    assert "KZ45 6011 0656 0216 4235" in answered(handmade_store, "hm", question)


@pytest.mark.parametrize("question", [
    "Сколько в деле магазинов, сколько карт выдавалось и по скольким счетам есть выписки?",
    "что по банковской части — какие выписки есть",
])
def test_the_statements_of_the_case_asked_together_are_answered(demo: CaseStore,
                                                                question: str) -> None:
    answered(demo, "demo", question)
