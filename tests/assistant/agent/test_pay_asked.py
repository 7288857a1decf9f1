"""What a shop asked its buyers to pay on is its payment details, however it is asked: "told
buyers to pay to", "реквизиты", "куда просил платить", "қайда төлеуді сұрады" read as the
details a shop handed out (of the day named, of every shop when none is named), not as where
its money went. Over the hand-written and the demo case, in real formats."""

from __future__ import annotations

import pytest

from assistant.agent.core import ask
from assistant.agent.ledger import Answer
from assistant.agent.pay_asked import pay_details_asked
from assistant.agent.tools import AgentContext
from tools.search.index import SearchIndex
from tools.store import CaseStore


def _ask(case: tuple[CaseStore, SearchIndex], question: str) -> Answer:
    store, index = case
    answer = ask(question, AgentContext("hm", store, index))
    assert answer.verified, answer.flags
    return answer


def test_the_words_asking_what_to_pay_on() -> None:
    for asked in ("where did the shop tell people to pay?", "what did it ask buyers to pay into",
                  "payment details of the shops", "куда просили переводить деньги",
                  "реквизиты для оплаты", "какие данные давали на оплату",
                  "қайда төлеуді сұрады?", "дүкеннің деректемелері"):
        assert pay_details_asked(asked), asked
    for money in ("where did the money go", "who paid the shop", "куда ушли деньги магазина",
                  "кто платил на этот кошелёк", "ақша қайда кетті"):
        assert not pay_details_asked(money), money


@pytest.mark.parametrize("question", [
    "what did snow queen ask customers to send money to on October 5?",
    "куда Снежная Королева просила переводить оплату 5 октября?",
    "Снежная Королева 5 қазанда қайда төлеуді сұрады?",
])
def test_what_a_shop_told_buyers_to_pay_to_on_a_day(handmade, question) -> None:
    answer = _ask(handmade, question)
    # That day the bot gave a phone only (the cards "temporarily not working").
    assert "318 5209" in answer.answer, answer.answer
    assert "TEgBQ8X7" not in answer.answer and "4400 4302" not in answer.answer, answer.answer


@pytest.mark.parametrize("question", [
    "which crypto wallets did the shops want buyers to pay into?",
    "на какие криптокошельки магазины просили платить?",
    "дүкендер қандай әмияндарға төлеуді сұрады?",
])
def test_the_wallets_every_shop_asked_to_be_paid_on(demo, question) -> None:
    answer = ask(question, AgentContext("demo", demo))
    assert answer.verified, answer.flags
    for wallet in ("TWNNtbo2rawE8FHfntp1QCs2qGCwzxJTE2", "TPayYcLXwdzYCD6PLCF4iQv2zLbsMBy3Zz"):
        assert wallet in answer.answer, answer.answer
    assert all(c.kind == "message" for c in answer.citations), answer.citations


@pytest.mark.parametrize("question", [
    "which Russian cards were among the shops' payment details?",
    "российские карты в реквизитах магазинов",
    "дүкендердің деректемелеріндегі ресейлік карталар",
])
def test_the_foreign_cards_among_every_shops_details(demo, question) -> None:
    answer = ask(question, AgentContext("demo", demo))
    assert answer.verified, answer.flags
    assert "4276 3823 5925 6345" in answer.answer, answer.answer


def test_where_money_went_is_not_what_buyers_were_told() -> None:
    for went in ("Куда магазин Мефистофель переводит деньги?",
                 "Куда ушли платежи покупателей магазина Мефистофель?",
                 "Мефистофель дүкені ақшаны қайда аударды?",
                 "Куда потом перевели оплату за товар?", "Where did the shop send its takings?"):
        assert not pay_details_asked(went), went
    for told in ("Куда нужно переводить деньги за товар?", "Ақшаны қайда аудару керек деді?",
                 "куда магазин просил платить", "where to pay for the goods"):
        assert pay_details_asked(told), told
