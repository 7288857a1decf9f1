"""Russian typed in Latin letters is read as Russian; English stays English."""

import pytest

from assistant.agent.translit import latin_russian
from assistant.agent.understanding import language


@pytest.mark.parametrize(("typed", "read"), [
    ("kuda ushli dengi s karty 4400 4302 7815 0260",
     "куда ушли деньги с карты 4400 4302 7815 0260"),
    ("kto popolnyal koshelek TDMHPGTxctG7rwSVkmiTPL22KZm9YdpSvQ",
     "кто пополнял кошелёк TDMHPGTxctG7rwSVkmiTPL22KZm9YdpSvQ"),
    ("skolko deneg prishlo na schet KZ14722S890317137311",
     "сколько денег пришло на счёт KZ14722S890317137311"),
    ("kakie magaziny est v dele", "какие магазины есть в деле"),
])
def test_russian_in_latin_letters_is_read_in_cyrillic(typed: str, read: str) -> None:
    assert latin_russian(typed) == read
    assert language(typed) == "ru"


def test_names_handles_and_identifiers_stay_as_typed() -> None:
    read = latin_russian("pokazhi soobshchenie gde @greenplanet_operator_bot vydal Zhumabaevu "
                         "kartu 4400430278150260")
    assert read == ("покажи сообщение где @greenplanet_operator_bot выдал Zhumabaevu карту "
                    "4400430278150260")


@pytest.mark.parametrize("question", [
    "where did the money from TDMHPGTxctG7rwSVkmiTPL22KZm9YdpSvQ go?",
    "who is behind the card 4400 4302 7815 0260",
    "on which date did the shop hand out a new card?",
    "I want a summary of the case", "Green Planet shop details", "tell me about Sarsenbaev Dauren",
    "no transfers to Qazex?", "to whom did Kim send money",
])
def test_english_is_not_read_as_russian(question: str) -> None:
    assert latin_russian(question) is None
    assert language(question) == "en"


def test_quoted_words_and_names_inside_a_sentence_stay_as_typed() -> None:
    assert latin_russian('pokazhi soobshcheniya so slovom "dengi"') == \
        'покажи сообщения со slovom "dengi"'
    assert latin_russian("Kaspi perevod Dana kuda ushli dengi") == \
        "Kaspi перевод Dana куда ушли деньги"


def test_a_long_question_is_read_within_the_question_limit() -> None:
    assert latin_russian("a" * 100_000 + " kuda ushli dengi") is None
