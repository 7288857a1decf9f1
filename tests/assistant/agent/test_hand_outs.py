"""Which of a shop's hand-outs a question means by the kind of order their messages are for, in
any language; words a question shares with one message by chance narrow nothing."""

from __future__ import annotations

import pytest

from assistant.agent.hand_outs import said_of

_MESSAGES = [
    "Карта для оплаты 5213 2451 4397 2985 (меняется каждый день)",
    "оплата 16 000 ₸ на карту 4276 3823 5925 6345 ⏳ 30 минут",
    "Для опта (50 г) реквизиты: KZ43 722S 6075 9838 6756, получатель ИП",
    "Wholesale orders only: pay to KZ12 3456 7890 1234 5678",
    "Көтерме тапсырыс үшін шот: KZ98 7654 3210 9876 5432",
]


def _said(question: str) -> list[str]:
    return said_of(question, _MESSAGES, lambda m: m)


@pytest.mark.parametrize("question", [
    "реквизиты для опта у Жасыл Ормана",
    "что давал Жасыл Орман оптом?",
    "which details did it give for wholesale orders",
    "Жасыл Орман көтерме тапсырысқа қандай шот берді?",
])
def test_the_hand_outs_for_the_kind_of_order_asked_in_any_language(question):
    assert _said(question) == _MESSAGES[2:]


@pytest.mark.parametrize("question", [
    "какие реквизиты давал Жасыл Орман?",
    "Жасыл Орман қандай карта берді?",
    "which cards did the shop hand out, and when?",
    "какую карту он дал для оплаты в тот день?",
    # words one message happens to share with the question (review of stop 30)
    "Жасыл Орман: какие реквизиты давал после оплаты заказа на 30 минут?",
    "the details it gave for the order of a customer, which change every day",
])
def test_words_of_paying_or_asking_keep_every_hand_out(question):
    assert _said(question) == _MESSAGES
