"""Money questions read by their shape (`assistant.agent.money_asks`) and answered from the
case: an account's statement asked by its name or by both its sides (a wallet's with its
counts and direct counterparties), the way between two named ends (a shop's wallet, a holder
and a payee; each statement payment of a hop), what passed between two wallets, where a
shop's money ends asked however the question is read, the droppers' tenge ends with no
account named, where the money went from an account however formally asked, exchanges with
what is left, and exchange totals that cite and name their deposits."""

from __future__ import annotations

import pytest

from assistant.agent.core import ask
from assistant.agent.tools import AgentContext
from tests.utils.answers import answered
from tools.store import CaseStore


@pytest.mark.parametrize("question", [
    "выписка по кошельку TS9G84FZzaPwaizoT1RFzMqRoGFdfGKQkH",
    "TS9G84FZzaPwaizoT1RFzMqRoGFdfGKQkH: сколько поступило, сколько отправлено?",
])
def test_a_wallet_s_statement_counts_its_transfers_and_names_its_payees(
        demo: CaseStore, question: str) -> None:
    text = answered(demo, "demo", question)
    for fact in ("16 869.37", "13 поступлений", "3 373.87", "13 495.49",
                 "THskVoeZ9vQfS8fJrtxnJh4XYqZN9d4sHz"):
        assert fact in text, fact


def test_a_treasury_s_ledger_lists_every_wallet_it_paid(demo: CaseStore) -> None:
    text = answered(demo, "demo", "ledger of TKbWF1M7HjAkmeYH9XBprfpSCF4HCddSUY — incoming total "
                              "and outgoing transfers?")
    for fact in ("15 533.02", "TJEdj76pLHqtDZUrmv7EPxDcQsuGk4wBj1",
                 "TF5fa2jNA3R8FzZvhyf5a86o8FT1GkVf4q", "TXvkQFZVc2Yit1Ca7WPCzEzniGnrmzjyt2"):
        assert fact in text, fact


def test_a_kazakh_statement_of_a_wallet(handmade_store: CaseStore) -> None:
    text = answered(handmade_store, "hm", "TEgBQ8X7bmhdAbCWYW5MrbG8xTFuNUQXUi көшірмесі: түскені, "
                                      "шыққаны")
    assert "1 255.00" in text and "3 түсім" in text and "TNhRX9QjBChihqZiNotkMQtQ15YrpwAhCg" \
        in text


def test_a_statement_with_its_holder_named_lists_where_money_left(demo: CaseStore) -> None:
    # The holder beside the account is one end: the statement, not the money's way back.
    text = answered(demo, "demo", "Иванов И., счёт KZ736013419254122482 — что поступило и что "
                              "списано")
    assert "222 600.00" in text and "178 080.00" in text and "44 520.00" in text


def test_the_way_from_a_shop_s_wallet_to_a_wallet(handmade_store: CaseStore) -> None:
    text = answered(handmade_store, "hm", "маршрут денег от кошелька Green Planet до "
                                      "TTY1HV5DRzLqNG5J3xor1WV5de71Xksn4S")
    for wallet in ("TAzfY2BQ9wSteTHxhLwPxJpecqXAJyQh8F", "TEgBQ8X7bmhdAbCWYW5MrbG8xTFuNUQXUi",
                   "TNhRX9QjBChihqZiNotkMQtQ15YrpwAhCg", "TW6wXMfg39tF88CdtGzkEEwWM8mdUTGjqJ",
                   "TYhZTB72iZEniKGjzKqcBQsiLQr47miEMi"):
        assert wallet in text, wallet


def test_a_bank_hop_of_several_payments_states_each(handmade_store: CaseStore) -> None:
    text = answered(handmade_store, "hm", "через какие переводы деньги Сеитовой дошли до Ли Вадима?")
    assert "120 000.00" in text and "45 000.00" in text


def test_the_way_between_two_holders_accounts(demo: CaseStore) -> None:
    text = answered(demo, "demo", "какой цепочкой деньги со счёта KZ43722S607598386756 попали к "
                              "Сулейменову Т.?")
    assert "KZ607229397298063513" in text and "187 000.00" in text and "324 800.00" in text


def test_how_much_one_wallet_got_of_another_s_money(demo: CaseStore) -> None:
    text = answered(demo, "demo", "TAb8oxA3xisVejSEDD2P8TiFUBtx5kVTZM ақшасынан "
                              "TS9G84FZzaPwaizoT1RFzMqRoGFdfGKQkH әмияны қанша алды?")
    assert "174.25" in text


@pytest.mark.parametrize("question", [
    "Green Planet ақшасы түпкі кімде қалды?",
    "where did Green Planet's money ultimately end up?",
])
def test_where_a_shop_s_money_ends(handmade_store: CaseStore, question: str) -> None:
    text = answered(handmade_store, "hm", question)
    for fact in ("TXmqWQTjQr4TveWQWEsAo1mJuDXg68vhzP", "TTY1HV5DRzLqNG5J3xor1WV5de71Xksn4S",
                 "Steppe"):
        assert fact in text, fact


def test_the_end_receivers_of_the_droppers_tenge(handmade_store: CaseStore) -> None:
    text = answered(handmade_store, "hm", "Who were the end receivers of the tenge that passed "
                                      "through the dropper accounts?")
    assert "Ли Вадим" in text and "580 000.00" in text


def test_where_money_credited_to_an_account_went_on(handmade_store: CaseStore) -> None:
    text = answered(handmade_store, "hm", "Прошу установить, куда были перечислены средства, "
                                      "поступившие на счёт KZ18722S274091263225")
    assert "100 000.00" in text and "Оспанов Руслан" in text


def test_a_shop_wallet_s_outflows_list_each_transfer(handmade_store: CaseStore) -> None:
    text = answered(handmade_store, "hm", "Snow Queen wallet outflows?")
    assert "505.00" in text and "270.00" in text and "TEgBQ8X7bmhdAbCWYW5MrbG8xTFuNUQXUi" in text


def test_cashed_out_and_what_is_left(demo: CaseStore) -> None:
    text = answered(demo, "demo", "TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr: how much went to exchanges "
                              "and what balance is left?")
    assert "11 684.34" in text and "46 737.37" in text


def test_an_exchange_deposit_s_total_is_cited(handmade_store: CaseStore) -> None:
    text = answered(handmade_store, "hm", "TBNVKLU9FHTFgksCNVKGU213MfHeB5poqa қай биржаға тиесілі?")
    assert "Qazex" in text and "TXp2ahMaKNMDfXb5wvEUWmK88re43DtP3T" in text


def test_a_holder_beside_the_account_keeps_a_chain_forward(demo: CaseStore) -> None:
    text = answered(demo, "demo", "Кузнецов П., счёт KZ43722S607598386756: куда ушли деньги, вся "
                              "цепочка")
    assert "829 200.00" in text


def test_a_shop_s_ends_with_what_of_its_treasury_reached_each(demo: CaseStore) -> None:
    text = answered(demo, "demo", "у кого в конечном счёте оседают деньги Жасыл Орман, сколько "
                              "дошло главному получателю?")
    assert "TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr" in text and "45 934.79" in text


def test_a_route_from_a_shop_s_own_wallet_to_an_exchange(handmade_store: CaseStore) -> None:
    # The shop named beside its wallet is that wallet's, not a second end.
    text = answered(handmade_store, "hm", "route from Green Planet's wallet "
                                      "TAzfY2BQ9wSteTHxhLwPxJpecqXAJyQh8F to Steppe Exchange")
    assert "TATFYSDYorLrd1o884wqW9LhRQ7CWyJAoC" in text and \
        "TNhRX9QjBChihqZiNotkMQtQ15YrpwAhCg" in text


def test_movement_from_a_wallet_to_its_ends_is_a_trace(handmade_store: CaseStore) -> None:
    text = answered(handmade_store, "hm", "Прошу отследить движение средств с адреса "
                                      "TEgBQ8X7bmhdAbCWYW5MrbG8xTFuNUQXUi до конечных получателей")
    assert "TXmqWQTjQr4TveWQWEsAo1mJuDXg68vhzP" in text and "520.00" in text


def test_who_paid_a_party_named_in_the_kazakh_dative(handmade_store: CaseStore) -> None:
    text = answered(handmade_store, "hm", "Ли Вадимге кімдер ақша аударды?")
    assert "Сеитова" in text and "165 000.00" in text and "Оспанова" in text


def test_what_is_left_beside_where_the_money_came_from(handmade_store: CaseStore) -> None:
    text = answered(handmade_store, "hm", "кошелек TTY1HV5DRzLqNG5J3xor1WV5de71Xksn4S: откуда пришло "
                                      "и какой остаток")
    assert "сальдо 465.00" in text and "TYhZTB72iZEniKGjzKqcBQsiLQr47miEMi" in text


def test_through_whom_names_every_account_between(handmade_store: CaseStore) -> None:
    # All three droppers took the buyer's money to the P2P seller: each one, with its holder.
    text = answered(handmade_store, "hm", "через кого деньги Сарсенбаева дошли до Ли Вадима?")
    for holder in ("Жумабаев", "Сеитова", "Оспанова"):
        assert holder in text, holder


def test_the_end_recipients_of_money_credited_to_a_card(demo: CaseStore) -> None:
    # "поступивших на карту" says which money; the end recipients asked are where it went.
    text = answered(demo, "demo", "Прошу установить конечных получателей денежных средств, "
                              "поступивших на карту 4400 4314 8396 0303")
    assert "136 160.00" in text and "34 040.00" in text


def test_a_wallet_s_statement_asked_with_what_is_left_counts_its_transfers(
        demo: CaseStore) -> None:
    text = answered(demo, "demo", "по кошельку TS9G84FZzaPwaizoT1RFzMqRoGFdfGKQkH: сколько входящих, "
                              "что вывел и сколько осталось")
    assert "13 поступлений" in text and "13 495.49" in text


def test_a_shop_named_as_whose_the_account_is_adds_no_shop_wallets(demo: CaseStore) -> None:
    answer = ask("номер +7 747 937 16 48 (дроп Жасыл Орман) — куда ушли деньги с него?",
                 AgentContext("demo", demo))
    assert answer.verified and "324 800.00" in answer.answer
    assert not [c for c in answer.citations if c.id.startswith("tron:")], answer.answer


@pytest.mark.parametrize("question", [
    "Кому в итоге дошли деньги с казначейского кошелька Жасыл Орман "
    "(TPQZAURGfsvRoNd8bB9RkhxQK1GEnAGQg6)?",
    "whom did the money of the Жасыл Орман treasury wallet TPQZAURGfsvRoNd8bB9RkhxQK1GEnAGQg6 "
    "reach?",
    "Жасыл Орман қазынасының әмиянынан (TPQZAURGfsvRoNd8bB9RkhxQK1GEnAGQg6) ақша кімдерге "
    "жетті?",
])
def test_whom_a_treasury_s_money_reached_are_its_ends(demo: CaseStore, question: str) -> None:
    # The shop named beside its treasury is the wallet's holder, not a second end: where the
    # treasury's money went, on to its ends.
    text = answered(demo, "demo", question)
    assert "TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr" in text
    assert "TS9G84FZzaPwaizoT1RFzMqRoGFdfGKQkH" in text


@pytest.mark.parametrize("question", [
    "Кто выгодоприобретатель магазина Полярная Звезда?",
    "Who is the beneficial owner of the money of Полярная Звезда?",
    "Полярная Звезда дүкенінің түпкі пайда алушысы кім?",
])
def test_a_shop_s_beneficial_owner_is_its_beneficiary(demo: CaseStore, question: str) -> None:
    assert "TS9G84FZzaPwaizoT1RFzMqRoGFdfGKQkH" in answered(demo, "demo", question)


@pytest.mark.parametrize("question", [
    "how much drug money from TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr hit an exchange?",
    "сколько наркоденег с TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr ушло на биржу?",
    "TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr әмиянынан биржаға қанша есірткі ақшасы кетті?",
])
def test_the_case_s_money_from_a_wallet_to_exchanges_is_that_wallet_s(
        demo: CaseStore, question: str) -> None:
    # The wallet written as the source: its own money's exchanges, not the case's.
    text = answered(demo, "demo", question)
    assert "11 684.34" in text and "THskVoeZ9vQfS8fJrtxnJh4XYqZN9d4sHz" not in text


@pytest.mark.parametrize("question", [
    "TQsjWEsQvjDgaCGaWGBc3fPuTXGy5MeMen әмиянынан Полярная Звезда казынасына қанша түсті",
    "how much did TQsjWEsQvjDgaCGaWGBc3fPuTXGy5MeMen send to the Полярная Звезда treasury?",
    "сколько TQsjWEsQvjDgaCGaWGBc3fPuTXGy5MeMen перевёл в казну Полярная Звезда?",
])
def test_what_a_wallet_sent_a_shop_s_treasury(demo: CaseStore, question: str) -> None:
    text = answered(demo, "demo", question)
    assert "TKbWF1M7HjAkmeYH9XBprfpSCF4HCddSUY" in text and "5 535.00" in text


@pytest.mark.parametrize("question", [
    "how much usdt did TMt5VCQpbDSHt1uMjtJfvrgLma4k2z5yNX send to the snow queen wallet",
    "сколько TMt5VCQpbDSHt1uMjtJfvrgLma4k2z5yNX перевёл на кошелёк Снежной Королевы?",
    "TMt5VCQpbDSHt1uMjtJfvrgLma4k2z5yNX Снежная Королева әмиянына қанша жіберді?",
])
def test_what_one_wallet_sent_another_directly_is_the_transfer(
        handmade_store: CaseStore, question: str) -> None:
    # (Not the trace's smaller share of the sender's mixed money.)
    text = answered(handmade_store, "hm", question)
    assert "130.00" in text and "0.46" not in text


@pytest.mark.parametrize("question", [
    "через какой депозитный адрес деньги заводили на Qazex и когда?",
    "Qazex-ке ақша қай депозит мекенжайы арқылы және қашан түсті?",
    "which deposit address fed Qazex, and on what date?",
])
def test_an_exchange_s_deposit_and_when(handmade_store: CaseStore, question: str) -> None:
    text = answered(handmade_store, "hm", question)
    assert "TBNVKLU9FHTFgksCNVKGU213MfHeB5poqa" in text and "2025-10-19" in text


@pytest.mark.parametrize("question", [
    "Чем отличаются адреса TBNVKLU9FHTFgksCNVKGU213MfHeB5poqa и "
    "TATFYSDYorLrd1o884wqW9LhRQ7CWyJAoC?",
    "what is the difference between TBNVKLU9FHTFgksCNVKGU213MfHeB5poqa and "
    "TATFYSDYorLrd1o884wqW9LhRQ7CWyJAoC",
    "TBNVKLU9FHTFgksCNVKGU213MfHeB5poqa мен TATFYSDYorLrd1o884wqW9LhRQ7CWyJAoC айырмашылығы "
    "неде?",
])
def test_how_two_wallets_differ_is_each_one_s_profile(
        handmade_store: CaseStore, question: str) -> None:
    text = answered(handmade_store, "hm", question)
    for fact in ("Qazex", "Steppe", "161.00", "245.00"):
        assert fact in text, fact


@pytest.mark.parametrize("question", [
    "How much tenge went from the dropper statements to crypto exchangers in total "
    "(Kripto-Obmen, Bekzhanov P2P, Suleimenov OTC)?",
    "How much tenge went from the dropper statements to crypto exchangers altogether?",
    "Сколько всего тенге ушло обменникам Крипто-Обмен, Бекжанову и Сулейменову?",
])
def test_tenge_to_the_exchangers_in_all(demo: CaseStore, question: str) -> None:
    assert "1 810 000.00" in answered(demo, "demo", question)


@pytest.mark.parametrize("question", [
    "Сколько всего тенге ушло обменникам Бекжанову и Сулейменову?",
    "Бекжанов пен Сулейменов айырбастаушыларға барлығы қанша теңге түсті?",
])
def test_tenge_to_some_exchangers_named_is_each_one_s(demo: CaseStore, question: str) -> None:
    # (The statements' total is of all of them: the named ones' own, not another's.)
    text = answered(demo, "demo", question)
    assert "965 360.00" in text and "324 800.00" in text and "519 840.00" not in text


@pytest.mark.parametrize("question", [
    "Бекжанов Р. P2P USDT сатушысына дроптардан жалпы қанша теңге түсті",
    "How much tenge did Бекжанов Р. (P2P USDT) receive from the droppers in total?",
])
def test_tenge_to_one_exchanger_named_is_its_statement(demo: CaseStore, question: str) -> None:
    assert "965 360.00" in answered(demo, "demo", question)


@pytest.mark.parametrize("question", [
    "Halyk дропының шотына қанша ақша түсті?",
    "Сколько денег пришло на счёт дропа в Халыке?",
    "How much came into the Halyk dropper's account?",
])
def test_one_account_of_several_asked_is_asked_back_not_the_exchangers(
        demo: CaseStore, question: str) -> None:
    answer = ask(question, AgentContext("demo", demo))
    assert not answer.steps and "?" in answer.answer, answer.answer  # which account


@pytest.mark.parametrize("question", [
    "next hops from TYhZTB72iZEniKGjzKqcBQsiLQr47miEMi?",
    "следующие получатели TYhZTB72iZEniKGjzKqcBQsiLQr47miEMi",
    "TYhZTB72iZEniKGjzKqcBQsiLQr47miEMi келесі алушылары кім?",
])
def test_a_wallet_s_next_hops_are_where_its_money_went(handmade_store: CaseStore,
                                                      question: str) -> None:
    text = answered(handmade_store, "hm", question)
    assert "TATFYSDYorLrd1o884wqW9LhRQ7CWyJAoC" in text and "265.00" in text
