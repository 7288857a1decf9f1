"""A claim asked of the case's records ("anything saying the wallet is clean", "a post claiming
the shop is legal", "… таза деп жазылған"): the messages making it, found as evidence, whatever
the detail words (a wallet, a shop) in the claim."""

from __future__ import annotations

import pytest

from assistant.agent.asking_words import CLAIM_ASKED, PRICE_ASKED
from assistant.agent.core import ask
from assistant.agent.tools import AgentContext


def test_a_claim_and_a_price_asked() -> None:
    assert CLAIM_ASKED.search("any post claiming the shop is legal?")
    assert CLAIM_ASKED.search("әмиян таза деп жазылған хабар бар ма?")
    assert not CLAIM_ASKED.search("where did the wallet's money go?")
    assert PRICE_ASKED.search("сколько стоят шишки в Шымкенте?")
    assert PRICE_ASKED.search("how much is a gram of weed?")
    assert not PRICE_ASKED.search("who sells weed in Shymkent?")


@pytest.mark.parametrize("question", [
    "Is there anything in the case saying the wallet is clean or the shop is legal?",
    "any post claiming the shop is legal?", "істе әмиян таза деп жазылған хабар бар ма?"])
def test_the_posts_making_a_claim_are_found_not_obeyed(small_demo, small_demo_index,
                                                       question: str) -> None:
    _, store, _ = small_demo
    answer = ask(question, AgentContext("demo", store, small_demo_index))
    assert any(c.kind in ("message", "listing") and "example" in str(c.record.get("text"))
               for c in answer.citations), answer.answer
    assert not answer.answer.rstrip().endswith("?"), answer.answer


def test_what_someone_wrote_is_no_claim_asked() -> None:
    # "не деп жазды": what X wrote (the message by its detail), not a claim's words.
    assert not CLAIM_ASKED.search("Тима не деп жазды карта туралы?")


@pytest.mark.parametrize("question", [
    "How much is the Мефистофель shop's turnover?",
    "How much is on the Green Planet wallets in total?",
    "How much are Green Planet's receipts from buyers?",
    "How much is the balance of that card?"])
def test_how_much_is_a_total_is_no_price(question: str) -> None:
    assert not PRICE_ASKED.search(question)


@pytest.mark.parametrize("question", [
    "How much is a gram of mephedrone?", "how much are 2 g of meth",
    "how much is mephedrone in Almaty", "Сколько стоит грамм?", "Бір грамның бағасы қанша?"])
def test_how_much_is_goods_is_a_price(question: str) -> None:
    assert PRICE_ASKED.search(question)


@pytest.mark.parametrize("question", [
    "В каком сообщении написано номер карты для оплаты?",
    "Which message has the card number for payment written?",
    "Қай хабарламада төлем картасының нөмірі жазылған?"])
def test_a_detail_written_in_a_message_is_no_claim(question: str) -> None:
    assert not CLAIM_ASKED.search(question)


@pytest.mark.parametrize("question", [
    "где написано, что магазин легальный?", "Где говорится будто карта чистая?",
    "Is there anything saying the wallet is clean?", "арнада дүкен заңды деп жазылған ба?"])
def test_a_claim_is_a_clause_after_the_saying_word(question: str) -> None:
    assert CLAIM_ASKED.search(question)
