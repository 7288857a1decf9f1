"""Wallet addresses written short ("TDMH...", "TDMH…SvQ") read as the one address of the case
they fit (`assistant.agent.short_addresses`), and asked about like one written whole."""

from __future__ import annotations

import pytest

from assistant.agent.short_addresses import short_addresses
from tests.utils.answers import answered
from tools.store import CaseStore

_CASE = ["TDMHPGTxctG7rwSVkmiTPL22KZm9YdpSvQ", "TDMXaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
         "TTY1HV5DRzLqNG5J3xor1WV5de71Xksn4S", "TTY1zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"]


def _complete(prefix: str, suffix: str, limit: int) -> list[str]:
    return [a for a in _CASE if a.startswith(prefix) and a.endswith(suffix)][:limit]


@pytest.mark.parametrize("question", ["кто платил на TDMH...?", "who paid TDMH… ?",
                                      "TDMHPG…SvQ әмиянына кім төледі?", "TDMH.. wallet"])
def test_a_short_address_is_the_one_of_the_case_it_fits(question: str) -> None:
    assert [a for a, _, _ in short_addresses(question, _complete)] == [
        "TDMHPGTxctG7rwSVkmiTPL22KZm9YdpSvQ"]


def test_its_last_letters_tell_apart_addresses_beginning_alike() -> None:
    assert [a for a, _, _ in short_addresses("TTY1…zzz", _complete)] == [
        "TTY1zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"]


@pytest.mark.parametrize("question", ["who paid TTY1...?", "кто платил на TTY1… и TD…?",
                                      "T12...", "TDMH without an ellipsis"])
def test_a_short_address_several_fit_or_too_short_is_none(question: str) -> None:
    assert list(short_addresses(question, _complete)) == []


@pytest.mark.parametrize("question", [
    "Снежная Королеваның TDMH... әмиянына кімдер төледі? толық тізім керек",
    "кто платил на кошелёк TDMH… магазина?",
    "who paid into TDMHPG...SvQ?",
])
def test_who_paid_a_wallet_written_short(handmade_store: CaseStore, question: str) -> None:
    text = answered(handmade_store, "hm", question)
    for fact in ("TU2GeXWAxy4qXGowLfikyRX8xNw3DxeWg6", "212.80",
                 "TFkaZKr1sBsfuUMpgntaM99HM197FHaTbB", "TEpg1PkmBr3dW89BStMP3M4ZifCLrnjJ7k"):
        assert fact in text, fact


def _folding_complete(prefix: str, suffix: str, limit: int) -> list[str]:
    """A database's LIKE that folds letter case."""
    return [a for a in _CASE if a.casefold().startswith(prefix.casefold()) and
            a.casefold().endswith(suffix.casefold())][:limit]


@pytest.mark.parametrize("question", ["Сравни TDMH… и TDMHP…", "compare TDMH... with TDMHPG…SvQ",
                                      "TDMH… және TDMHPG… салыстыр"])
def test_one_address_written_short_twice_is_named_once(question: str) -> None:
    assert [a for a, _, _ in short_addresses(question, _complete)] == [
        "TDMHPGTxctG7rwSVkmiTPL22KZm9YdpSvQ"]


def test_a_short_address_fits_letter_for_letter() -> None:
    assert list(short_addresses("who paid TDMHpg…?", _folding_complete)) == []
    assert list(short_addresses("кто платил на TTY1…ZZZ?", _folding_complete)) == []


def test_at_most_four_pieces_of_a_long_question_are_looked_up() -> None:
    asked: list[str] = []

    def counting(prefix: str, suffix: str, limit: int) -> list[str]:
        asked.append(prefix)
        return _complete(prefix, suffix, limit)

    list(short_addresses(" ".join(["TAAA…"] * 300), counting))
    assert len(asked) == 4


@pytest.mark.parametrize("question", ["TDMH әмиянынан қанша кетті?", "сколько ушло с кошелька TDMH",
                                      "TDMH -> TTY1z total?", "what did TDMH wallet receive"])
def test_bare_beginnings_beside_a_wallet_word_or_an_arrow(question: str) -> None:
    assert "TDMHPGTxctG7rwSVkmiTPL22KZm9YdpSvQ" in [
        a for a, _, _ in short_addresses(question, _complete)]


@pytest.mark.parametrize("question", ["The Tron wallet", "TDMH without an ellipsis",
                                      "USDT TRC20 кошелек"])
def test_words_and_a_lone_bare_beginning_are_no_address(question: str) -> None:
    assert list(short_addresses(question, _complete)) == []


@pytest.mark.parametrize("question", [
    "TDMH әмиянынан TEgB әмиянына қанша USDT барды?",
    "how much went from the TDMH wallet to the TEgB wallet?",
    "сколько с TDMH ушло на TEgB -> ?",
])
def test_an_amount_between_wallets_written_by_their_beginnings(handmade_store: CaseStore,
                                                               question: str) -> None:
    text = answered(handmade_store, "hm", question)
    assert "TEgBQ8X7bmhdAbCWYW5MrbG8xTFuNUQXUi" in text and "775" in text


def test_last_letters_copied_with_one_wrong_still_name_the_one_address() -> None:
    assert [a for a, _, _ in short_addresses("кто платил на TDMH…YSvQ?", _complete)] == [
        "TDMHPGTxctG7rwSVkmiTPL22KZm9YdpSvQ"]
