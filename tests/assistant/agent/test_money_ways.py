"""Money questions as people type them who never read our rules: the language kept when two
names run together, money leaving said by its side's words, a balance by what still sits
there, a statement's sides by their totals, a payment means that is no way, the ends of what
came into a shop, who paid each exchange deposit, a way to a counterparty written in another
script or to a wallet named by its tag, the other routes the money split on, what each
beneficiary received in all, what a wallet sent each shop, a statement named as context with
a bounded day, and what passed between two people of one surname."""

from __future__ import annotations

import pytest

from assistant.agent.understanding import language
from tests.utils.answers import answered
from tools.store import CaseStore


def test_two_names_run_together_keep_the_question_s_language() -> None:
    # The first name's span reads on over the second ("Ахметовтан Нурлановқа"): the words
    # left are cut once, and they are Kazakh.
    question = "Ахметовтан Нурлановқа қанша ақша аударылды?"
    assert language(question, [(0, 21), (11, 21)]) == "kk"


def test_an_amount_between_two_people_answers_in_kazakh(demo: CaseStore) -> None:
    text = answered(demo, "demo", "Ахметовтан Нурлановқа ақша қанша аударылды?")
    assert "34 040.00" in text and "аударды" in text


@pytest.mark.parametrize("question", [
    "Chocolate Factory wallet TTnYimMG76YdupgjxDBsTsj5SaDLTPh2nm: outgoing transfers please",
    "исходящие переводы с TTnYimMG76YdupgjxDBsTsj5SaDLTPh2nm",
    "TTnYimMG76YdupgjxDBsTsj5SaDLTPh2nm әмиянынан шығыс аударымдар",
])
def test_money_leaving_said_by_its_side_is_traced_forward(handmade_store: CaseStore,
                                                          question: str) -> None:
    text = answered(handmade_store, "hm", question)
    assert "TBNVKLU9FHTFgksCNVKGU213MfHeB5poqa" in text and "161.00" in text


def test_funds_forwarded_where_is_forward(handmade_store: CaseStore) -> None:
    text = answered(handmade_store, "hm", "TATFYSDYorLrd1o884wqW9LhRQ7CWyJAoC: were the funds "
                                      "forwarded anywhere?")
    assert "TKYyoDH83rfJydrSfTDWxaWkgMTaenc2Uq" in text and "245.00" in text


def test_kazakh_to_whom_how_much_lists_the_payees(handmade_store: CaseStore) -> None:
    text = answered(handmade_store, "hm", "TC9Bkfo38jzEEwkLUydQbb59QkXjF4cNaU әмиянынан кімге қанша "
                                      "USDT жіберілді?")
    for fact in ("TDMHPGTxctG7rwSVkmiTPL22KZm9YdpSvQ", "60.00", "TAzfY2BQ9wSteTHxhLwPxJpecqXAJyQh8F",
                 "40.00", "23.00"):
        assert fact in text, fact


@pytest.mark.parametrize("question", [
    "how much is still sitting on TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr after the exchange "
    "deposits?",
    "сколько ещё лежит на TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr, не выведенное на биржу?",
])
def test_what_still_sits_on_a_wallet_is_its_balance(demo: CaseStore, question: str) -> None:
    assert "46 737.37" in answered(demo, "demo", question)


def test_a_wallet_s_totals_in_and_out(demo: CaseStore) -> None:
    text = answered(demo, "demo", "TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr — number of incoming "
                              "transfers, total in and total out")
    assert "58 421.71" in text and "11 684.34" in text and "17" in text


def test_paid_via_crypto_is_no_way_asked(demo: CaseStore) -> None:
    text = answered(demo, "demo", "A buyer paid Mefistofel via USDT to TWNNtbo2rawE8FHfntp1QCs2qGCwzxJTE2"
                              ". Where did it go after that?")
    assert "TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr" in text


def test_the_ends_of_what_came_into_a_shop_s_wallet(handmade_store: CaseStore) -> None:
    text = answered(handmade_store, "hm", "у кого в итоге оседает крипта, поступившая на кошелёк "
                                      "Снежной Королевы?")
    assert "TXmqWQTjQr4TveWQWEsAo1mJuDXg68vhzP" in text and \
        "TTY1HV5DRzLqNG5J3xor1WV5de71Xksn4S" in text


@pytest.mark.parametrize("question", [
    "which beneficiary paid into which exchange deposit address?",
    "какой бенефициар на какой депозитный адрес биржи заводил деньги?",
])
def test_who_paid_each_exchange_deposit(demo: CaseStore, question: str) -> None:
    text = answered(demo, "demo", question)
    assert "TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr" in text and \
        "TS9G84FZzaPwaizoT1RFzMqRoGFdfGKQkH" in text


@pytest.mark.parametrize("question", [
    "path of the money from account KZ987226202786838738 to IP Kripto-Obmen",
    "путь денег от Ахметова до Крипто-Обмена",
])
def test_the_way_to_a_counterparty_in_another_script_or_case(demo: CaseStore,
                                                             question: str) -> None:
    text = answered(demo, "demo", question)
    assert "146 840.00" in text and "KZ707228128657070499" in text


def test_the_way_to_a_wallet_named_by_its_tag(handmade_store: CaseStore) -> None:
    text = answered(handmade_store, "hm", "path of funds from TNhRX9QjBChihqZiNotkMQtQ15YrpwAhCg to "
                                      "the Steppe hot wallet")
    for wallet in ("TW6wXMfg39tF88CdtGzkEEwWM8mdUTGjqJ", "TYhZTB72iZEniKGjzKqcBQsiLQr47miEMi",
                   "TATFYSDYorLrd1o884wqW9LhRQ7CWyJAoC", "TKYyoDH83rfJydrSfTDWxaWkgMTaenc2Uq"):
        assert wallet in text, wallet
    assert " 0.00 USDT" not in text  # (none of its traced money: the hops say what passed)


def test_the_other_routes_the_money_split_on(demo: CaseStore) -> None:
    text = answered(demo, "demo", "через какие кошельки шли деньги с "
                              "TKbWF1M7HjAkmeYH9XBprfpSCF4HCddSUY на "
                              "TS9G84FZzaPwaizoT1RFzMqRoGFdfGKQkH")
    for wallet in ("TXvkQFZVc2Yit1Ca7WPCzEzniGnrmzjyt2", "TJEdj76pLHqtDZUrmv7EPxDcQsuGk4wBj1",
                   "TF5fa2jNA3R8FzZvhyf5a86o8FT1GkVf4q"):
        assert wallet in text, wallet


@pytest.mark.parametrize("question", [
    "Ақшаның ең көбін кім алды бұл істе? соңғы алушы мен сомасы",
    "who is the end recipient that got the most, and the sum?",
])
def test_what_each_beneficiary_received_in_all(demo: CaseStore, question: str) -> None:
    text = answered(demo, "demo", question)
    assert "TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr" in text and "58 421.71" in text


def test_what_a_wallet_sent_each_shop(handmade_store: CaseStore) -> None:
    text = answered(handmade_store, "hm", "сколько TFkaZKr1sBsfuUMpgntaM99HM197FHaTbB перевёл "
                                      "Снежной Королеве и сколько Green Planet?")
    assert "260.00" in text and "80.75" in text


def test_a_statement_named_as_context_and_a_bounded_day(handmade_store: CaseStore) -> None:
    text = answered(handmade_store, "hm", "Есть выписка по Жумабаеву. Кому он переводил деньги "
                                      "после 15 сентября?")
    for fact in ("90 000.00", "75 000.00", "60 000.00"):
        assert fact in text, fact
    assert "150 000.00" not in text  # (12 September: before the day asked)
    assert "получено от" not in text  # whom he paid, not who paid him


def test_what_passed_between_two_people_of_one_surname(handmade_store: CaseStore) -> None:
    text = answered(handmade_store, "hm", "how much did Ospanova send to Ruslan Ospanov?")
    assert "25 000.00" in text and "KZ619656791689515324" in text
    assert "100 000.00" not in text  # (what she paid someone else)


@pytest.mark.parametrize("question", [
    "list Seitova's outgoing transfers",
    "исходящие платежи Сеитовой",
])
def test_one_side_s_payments_listed_each_by_its_row(handmade_store: CaseStore,
                                                    question: str) -> None:
    text = answered(handmade_store, "hm", question)
    for fact in ("120 000.00", "45 000.00", "60 000.00"):
        assert fact in text, fact
    assert "received from" not in text and "получено от" not in text  # the side asked
