"""Whose a shop's handed-out details are: the holder asked beside the shop's hand-outs looks
each detail up (the one its last digits point at) and says its holder and account; a wallet
asked about says its role (the shop's treasury, a final beneficiary)."""

from __future__ import annotations

import pytest

from assistant.agent.core import ask
from assistant.agent.holders_asked import details_pointed_at, holders_asked
from assistant.agent.tools import AgentContext


@pytest.mark.parametrize("question", [
    "какие телефоны давала Полярная Звезда и чьи они?", "на кого оформлены карты магазина?",
    "Жасыл Орман берген телефон кімдікі?", "who holds the card ending 5538 the bot gave?",
    "whose are the cards Mefistofel handed out?"])
def test_a_holder_asked_in_any_language(question: str) -> None:
    assert holders_asked(question)


@pytest.mark.parametrize("question", ["кто платил магазину?", "who sent money to the shop?",
                                      "дүкенге кім төледі?"])
def test_who_paid_asks_no_holder(question: str) -> None:
    assert not holders_asked(question)


def test_the_detail_its_last_digits_point_at() -> None:
    handed = [("card", "4400 4301 8876 5538"), ("phone", "+7 705 284 1190"),
              ("tron", "TTnYimMG76YdupgjxDBsTsj5SaDLTPh2nm"), ("card", "4400 4301 8876 5538")]
    assert details_pointed_at("card ending 5538?", handed, 4) == ["4400 4301 8876 5538"]
    assert details_pointed_at("чьи реквизиты?", handed, 4) == [
        "4400 4301 8876 5538", "+7 705 284 1190"]


@pytest.mark.parametrize(("question", "holders"), [
    ("какие телефоны давала Полярная Звезда и чьи они?", ["Иванов"]),
    ("Жасыл Орман берген телефондар кімдікі?", ["Кузнецов", "Тулегенов"]),
    ("whose are the cards Mefistofel handed out?", ["Ахметов", "Нурланов"])])
def test_the_holders_of_a_shops_hand_outs(demo, question: str, holders: list[str]) -> None:
    answer = ask(question, AgentContext("demo", demo))
    assert all(h in answer.answer for h in holders), answer.answer
    assert answer.verified, answer.flags


@pytest.mark.parametrize("question", [
    "Who does the phone 8 (775) 899-57-90 from the Zhasyl Orman chat belong to?",
    "чей номер 8 775 899 57 90, который давал Жасыл Орман?",
    "Жасыл Орман берген 87758995790 нөмірі кімдікі?"])
def test_a_phones_holder_with_the_account_it_is_of(demo, question: str) -> None:
    answer = ask(question, AgentContext("demo", demo))
    assert "Кузнецов" in answer.answer and "KZ43722S607598386756" in answer.answer, \
        answer.answer


@pytest.mark.parametrize("question", [
    "what is TS9G84FZzaPwaizoT1RFzMqRoGFdfGKQkH? whose wallet is it",
    "чей кошелек TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr?",
    "TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr әмияны кімдікі?"])
def test_a_wallet_keeping_the_shops_money_is_a_beneficiary(demo, question: str) -> None:
    answer = ask(question, AgentContext("demo", demo))
    assert "бенефициар" in answer.answer or "beneficiary" in answer.answer, answer.answer
    assert answer.verified, answer.flags


@pytest.mark.parametrize("question", [
    "TKbWF1M7HjAkmeYH9XBprfpSCF4HCddSUY әмияны кімдікі?",
    "who owns TAb8oxA3xisVejSEDD2P8TiFUBtx5kVTZM?", "чей кошелёк TKbWF1M7HjAkmeYH9XBprfpSCF4HCddSUY?"])
def test_a_wallet_collecting_a_shops_wallet_is_its_treasury(demo, question: str) -> None:
    answer = ask(question, AgentContext("demo", demo))
    assert any(w in answer.answer for w in ("treasury", "казна", "қазына")), answer.answer
    assert "бенефициар" not in answer.answer and "beneficiary" not in answer.answer
