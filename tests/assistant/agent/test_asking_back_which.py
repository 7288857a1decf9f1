"""Asking back exactly when the case holds several things a question does not tell apart
(`assistant.agent.one_of_several`, the question-back rules of `assistant.agent.offline`): a
person the statements write beside several accounts, a sum in thousands or an order's sum paid
several times, a shop's wallet or a bank's card of several; and answering when the question
(an arrow, a rank, "which dropper", a plural) or the turn before pins it down."""

from __future__ import annotations

import pytest

from assistant.agent.core import ask
from assistant.agent.tools import AgentContext
from tests.utils.answers import answered
from tools.store import CaseStore


def _asked_back(store: CaseStore, case: str, question: str) -> str:
    answer = ask(question, AgentContext(case, store))
    assert not answer.steps, answer.answer  # no tool called: a question back
    assert answer.answer.rstrip().endswith("?"), answer.answer
    return answer.answer


@pytest.mark.parametrize("question", [
    "TW6wXMfg39tF88CdtGzkEEwWM8mdUTGjqJ -> ?",
    "TW6wXMfg39tF88CdtGzkEEwWM8mdUTGjqJ →",
    "? -> TW6wXMfg39tF88CdtGzkEEwWM8mdUTGjqJ",
    "TW6wXMfg39tF88CdtGzkEEwWM8mdUTGjqJ әмиянынан кейінгі қадамдар",
    "дальнейшие переводы с TW6wXMfg39tF88CdtGzkEEwWM8mdUTGjqJ",
    "subsequent transfers from TW6wXMfg39tF88CdtGzkEEwWM8mdUTGjqJ",
    "which transfer brought the most USDT into TW6wXMfg39tF88CdtGzkEEwWM8mdUTGjqJ?",
])
def test_a_way_said_by_an_arrow_or_next_steps_is_traced(handmade_store: CaseStore,
                                                        question: str) -> None:
    assert "TW6wXMfg39tF88CdtGzkEEwWM8mdUTGjqJ" in answered(handmade_store, "hm", question)


@pytest.mark.parametrize("question", [
    "who is the main beneficiary?",
    "главный бенефициар кто?",
    "негізгі бенефициар кім?",
])
def test_the_main_beneficiary_is_answered(demo: CaseStore, question: str) -> None:
    answered(demo, "demo", question)


@pytest.mark.parametrize("question", [
    "Гусейнов Эльдар қай дропқа қанша төледі?",
    "какому дропу платил Гусейнов Эльдар?",
    "which dropper did Guseinov Eldar pay?",
])
def test_which_dropper_asked_is_answered(handmade_store: CaseStore, question: str) -> None:
    answered(handmade_store, "hm", question)


@pytest.mark.parametrize("question", [
    "60 мың кімге кетті?",
    "кому ушли 60 тысяч?",
    "who got the 60k?",
    "что с заказом на 12 000?",
    "the order for 12 000 tenge, who paid it?",
])
def test_a_sum_in_thousands_or_an_order_by_its_sum_is_asked_back(
        handmade_store: CaseStore, question: str) -> None:
    assert _asked_back(handmade_store, "hm", question).count("→") >= 2


@pytest.mark.parametrize("question", [
    "сколько перевела Есенова М.?",
    "Кузнецов қанша аударды?",
    "how much did Akhmetov B. pay?",
])
def test_a_person_of_several_accounts_is_asked_back_naming_them(demo: CaseStore,
                                                                question: str) -> None:
    assert _asked_back(demo, "demo", question).count("KZ") >= 2


@pytest.mark.parametrize("question", [
    "кто платил Тулегенову?",
    "Кузнецов П. выпискасы бойынша қанша шықты?",
    "сколько перевела Есенова М. со своего счёта?",
])
def test_a_person_of_one_side_or_account_said_is_answered(demo: CaseStore,
                                                          question: str) -> None:
    answered(demo, "demo", question)


@pytest.mark.parametrize("question", [
    "how much came into the Polyarnaya Zvezda wallet?",
    "сколько пришло на кошелёк Полярной Звезды?",
    "Полярная Звезда әмиянына қанша түсті?",
])
def test_a_sum_asked_of_the_wallet_of_a_shop_with_several_is_asked_back(
        demo: CaseStore, question: str) -> None:
    text = _asked_back(demo, "demo", question)
    assert "TEKn…dVRC" in text and "TPay…y3Zz" in text, text


@pytest.mark.parametrize("question", [
    "what's the Halyk card number?",
    "номер карты Халык какой?",
    "Halyk картасының нөмірі қандай?",
])
def test_the_number_of_a_banks_card_of_several_is_asked_back(handmade_store: CaseStore,
                                                            question: str) -> None:
    text = _asked_back(handmade_store, "hm", question)
    assert "4405…7785" in text and "4405…8811" in text, text


@pytest.mark.parametrize("question", [
    "which bank statements do we have and for whom?",
    "какие выписки есть в деле и чьи они?",
    "істе қандай үзінділер бар, кімдікі?",
    "дай кошелек магазина",
])
def test_statements_in_the_plural_are_answered_and_a_shop_unsaid_asked(
        handmade_store: CaseStore, question: str) -> None:
    answer = ask(question, AgentContext("hm", handmade_store))
    if "магазин" in question:
        assert not answer.steps and "Green Planet" in answer.answer, answer.answer
    else:
        assert answer.steps, answer.answer


@pytest.mark.parametrize("question", [
    "откуда деньги на кошельке TC9B…NaU",
    "TXmq…hzP әмиянына қайдан ақша келді?",
    "where did TYhZ…EMi send the money?",
])
def test_a_chain_wallet_written_short_is_that_wallet(handmade_store: CaseStore,
                                                     question: str) -> None:
    answered(handmade_store, "hm", question)


def test_that_same_dropper_after_a_turn_is_not_asked_back(demo: CaseStore) -> None:
    context = AgentContext("demo", demo)
    first = ask("какие телефоны давала Полярная Звезда и чьи они?", context)
    answer = ask("and the cards of that same dropper?", context,
                 history=[("какие телефоны давала Полярная Звезда и чьи они?", first.answer)])
    assert answer.steps, answer.answer
