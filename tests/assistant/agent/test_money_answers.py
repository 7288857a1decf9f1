"""Offline answers about money as people ask them: payments between two accounts the way the
question says, the shops a wallet's money came through and how much of each reached it, the
tenge the droppers paid exchangers, an exchange's own wallet, the beneficiary that got the
most, a path between a card and a statement party, and which way the money went as Russian and
Kazakh verbs say it."""

from __future__ import annotations

import pytest

from assistant.agent.translit import latin_russian
from tests.utils.answers import answered
from tools.store import CaseStore


@pytest.fixture(scope="module")
def handmade(handmade_store: CaseStore) -> CaseStore:
    return handmade_store



@pytest.mark.parametrize(("question", "said", "not_said"), [
    # Both paid each other: the payer the question marks (from/to, order), its rows only.
    ("total amount paid from KZ607229397298063513 to KZ43722S607598386756", "81 200.00",
     "187 000"),
    ("Сколько Кузнецов П. перевёл Тулегенову А.?", "187 000.00", "81 200"),
    ("сколько получил Тулегенов А. от Кузнецова П.?", "187 000.00", "81 200"),
])
def test_payments_between_two_accounts_go_the_way_asked(demo: CaseStore, question: str,
                                                        said: str, not_said: str) -> None:
    text = answered(demo, "demo", question)
    assert said in text and not_said not in text


def test_who_funded_a_wallet_names_the_shops_and_what_each_sent(demo: CaseStore) -> None:
    text = answered(demo, "demo", "источники поступлений на TS9G84FZzaPwaizoT1RFzMqRoGFdfGKQkH")
    for treasury in ("TKbWF1M7HjAkmeYH9XBprfpSCF4HCddSUY", "TAb8oxA3xisVejSEDD2P8TiFUBtx5kVTZM",
                     "TPQZAURGfsvRoNd8bB9RkhxQK1GEnAGQg6"):
        assert treasury in text
    assert "14 657.77" in text  # of the Polar Star treasury's money, by the path between them


def test_tenge_sent_to_exchangers_by_the_statements(demo: CaseStore) -> None:
    text = answered(demo, "demo", "How much tenge did the droppers send to crypto exchangers / "
                              "OTC sellers in total?")
    assert "1 810 000.00" in text and "KZ42722S971439875428" in text


def test_an_exchange_s_own_wallet_is_asked_what_case_money_reached_it(demo: CaseStore) -> None:
    text = answered(demo, "demo", "is TRcbqt5khukRMdsBQ5s7gSdxthmfLoNU8o an exchange? did case "
                              "money land there")
    assert "15 058.22" in text


def test_the_beneficiary_that_received_most_with_its_own_total(demo: CaseStore) -> None:
    text = answered(demo, "demo", "Which beneficiary wallet received the most, and how much in "
                              "total?")
    assert "TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr" in text and "58 421.71" in text


def test_a_path_from_a_card_to_a_statement_party(demo: CaseStore) -> None:
    text = answered(demo, "demo", "как деньги с карты 4400 4314 8396 0303 попали в ИП Крипто-Обмен")
    assert "KZ707228128657070499" in text and "34 040.00" in text and "146 840.00" in text


def test_what_a_wallet_sent_to_a_shop_s_treasury(demo: CaseStore) -> None:
    text = answered(demo, "demo", "сколько отправил TJ1hDW71dYcoxvk6JJVBSU4nALEAy9dZGp на казну "
                              "жасыл орман")
    assert "41 124.68" in text


@pytest.mark.parametrize(("question", "said"), [
    # "кімдерге жіберілді": to whom it was sent, not asked which way.
    ("TYhZTB72iZEniKGjzKqcBQsiLQr47miEMi әмиянынан қаражат кімдерге жіберілді?",
     ["TXmqWQTjQr4TveWQWEsAo1mJuDXg68vhzP", "520.00"]),
    # "кто закинул на": who paid in.
    ("кто закинул USDT на кошелек покупателя TC9Bkfo38jzEEwkLUydQbb59QkXjF4cNaU",
     ["TU6bnFkMmNyBkh7bjZf4rcnGxxmCUzVWzA", "130.00"]),
    # "кому уходили деньги": the statement's payees.
    ("по счёту KZ14722S890317137311 кому уходили деньги", ["Ли Вадим", "315 000.00"]),
    # Where it went: the wallets paid directly first (60 to one, 40 to another).
    ("даурен со своего кошелька TC9Bkfo38jzEEwkLUydQbb59QkXjF4cNaU куда крипту скидывал",
     ["60.00", "40.00"]),
])
def test_the_way_the_money_went_as_the_verbs_say(handmade: CaseStore, question: str,
                                                 said: list[str]) -> None:
    text = answered(handmade, "hm", question)
    for fact in said:
        assert fact in text


def test_the_end_of_the_bank_chain_is_who_received_and_passed_nothing_on(
        handmade: CaseStore) -> None:
    text = answered(handmade, "hm", "кто в конце банковской цепочки по дропам, кому ушло больше "
                                "всего")
    assert "Ли Вадим" in text and "580 000.00" in text
    assert "USDT" not in text  # the bank's chain, not the crypto beneficiaries


def test_what_a_wallet_paid_to_a_shop_s_wallet(handmade: CaseStore) -> None:
    text = answered(handmade, "hm", "how much usdt did TC9Bkfo38jzEEwkLUydQbb59QkXjF4cNaU pay to "
                                "the snow queen wallet")
    assert "TDMHPGTxctG7rwSVkmiTPL22KZm9YdpSvQ" in text and "60.00" in text


def test_russian_typed_in_latin_letters_is_answered_in_russian(handmade: CaseStore) -> None:
    text = answered(handmade, "hm", "kto popolnyal koshelek TDMHPGTxctG7rwSVkmiTPL22KZm9YdpSvQ")
    assert text.startswith("Откуда пришли деньги")
    assert "TU2GeXWAxy4qXGowLfikyRX8xNw3DxeWg6" in text


def test_a_party_s_payments_in_other_statements_are_listed_from_its_side(
        handmade: CaseStore) -> None:
    # Sarsenbaev has no statement of his own: his payments are rows of the payees'; each is
    # money out of his account, listed by its day.
    text = answered(handmade, "hm", "Покажите все поступления от Сарсенбаева Д.Е. по всем выпискам.")
    for amount in ("18 000.00", "34 000.00", "22 000.00", "30 000.00", "12 000.00", "33 000.00"):
        assert amount in text


def test_a_day_s_operations_are_every_party_of_that_day(demo: CaseStore) -> None:
    # Nine parties; the one that paid 8 000 on that day is the ninth by size.
    text = answered(demo, "demo", "Есенова М. шотында 2025 жылғы 27 ақпанда қандай операциялар "
                              "болды?")
    for amount in ("194 920.00", "37 600.00", "44 520.00", "8 000.00"):
        assert amount in text
    assert "66 000.00" not in text  # a party of another day


def test_payments_between_two_accounts_both_ways_when_asked_between(demo: CaseStore) -> None:
    text = answered(demo, "demo", "Кузнецов П. мен Тулегенов А. арасында қанша ақша аударылды?")
    assert "187 000.00" in text and "81 200.00" in text


def test_what_someone_received_and_from_whom(demo: CaseStore) -> None:
    text = answered(demo, "demo", "what did Ivanov I. receive and from whom?")
    assert "received from" in text and "sent to" not in text


@pytest.mark.parametrize(("question", "read"), [
    ("kto popolnyal koshelek TDMHPGTxctG7rwSVkmiTPL22KZm9YdpSvQ",
     "кто пополнял кошелёк TDMHPGTxctG7rwSVkmiTPL22KZm9YdpSvQ"),
    ("skolko deneg prishlo na schet KZ14722S890317137311",
     "сколько денег пришло на счёт KZ14722S890317137311"),
    ("chya karta 4400 4302 7815 0260", "чья карта 4400 4302 7815 0260"),
    # English stays English, whatever names it holds.
    ("who funded TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr?", None),
    ("Schmidt transfers to Kaspi", None),
])
def test_russian_typed_in_latin_letters_is_read_in_cyrillic(question: str,
                                                            read: str | None) -> None:
    assert latin_russian(question) == read


def _on_one_line(text: str, *said: str) -> bool:
    return any(all(s in line for s in said) for line in text.splitlines())


@pytest.mark.parametrize("question", [
    "next hops of TDRCeTsTEUR1SXsZQcKBiMk9zRr1mF96J5",
    "кому TDRCeTsTEUR1SXsZQcKBiMk9zRr1mF96J5 переводил деньги?",
    "TDRCeTsTEUR1SXsZQcKBiMk9zRr1mF96J5 ақшаны кімге жіберді?",
])
def test_where_money_went_names_every_wallet_paid_directly(demo: CaseStore, question: str
                                                           ) -> None:
    # A chain hop pays a beneficiary directly besides passing the rest on: both are its
    # first hops, each with what it got, though the beneficiary is also the end of the rest.
    text = answered(demo, "demo", question)
    assert _on_one_line(text, "TJbp3Wd2wAQLANDJgVUbJZeHHGVhncEmhB", "22 695.61")
    assert _on_one_line(text, "TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr", "1 194.51")


@pytest.mark.parametrize("question", [
    "where did TS1dGEFZBtfADkXmf4vgoMdWr55HDD3Hva send its USDT?",
    "куда ушли деньги с TS1dGEFZBtfADkXmf4vgoMdWr55HDD3Hva",
    "TS1dGEFZBtfADkXmf4vgoMdWr55HDD3Hva әмиянынан ақша қайда кетті?",
])
def test_one_wallet_paid_in_a_few_transfers_is_said_with_each_amount(demo: CaseStore,
                                                                     question: str) -> None:
    text = answered(demo, "demo", question)
    assert "TPQZAURGfsvRoNd8bB9RkhxQK1GEnAGQg6" in text
    assert "130.69" in text and "23.76" in text


@pytest.mark.parametrize("question", [
    "top funders of TS9G84FZzaPwaizoT1RFzMqRoGFdfGKQkH",
    "кто напрямую платил на TS9G84FZzaPwaizoT1RFzMqRoGFdfGKQkH?",
    "TS9G84FZzaPwaizoT1RFzMqRoGFdfGKQkH әмиянына кім ақша салды?",
])
def test_who_paid_a_wallet_names_its_payers_beyond_the_listed_origins(demo: CaseStore,
                                                                      question: str) -> None:
    text = answered(demo, "demo", question)
    assert _on_one_line(text, "TPyHLsKTmmQePuGSKA1B71JxixC6bWvJPY", "3 832.47")


@pytest.mark.parametrize("question", [
    "did any shop treasury send directly to an exchange?",
    "хоть один магазин выводил с казны напрямую на биржу?",
    "кез келген дүкен қазынасы биржаға тікелей ақша жіберді ме?",
])
def test_any_shop_paying_an_exchange_directly_is_asked_of_all_shops(demo: CaseStore,
                                                                    question: str) -> None:
    # Any shop is all of them (not asked back which); none paid an exchange itself.
    text = answered(demo, "demo", question)
    assert "15 058.22" in text
    assert text.split("15 058.22", 1)[1].splitlines()[1].startswith(("No,", "Нет,", "Жоқ,"))


@pytest.mark.parametrize("question", [
    "бенефы мефистофеля",
    "benefs of Mefistofel",
    "Мефистофель бенефтері кім?",
])
def test_beneficiaries_shortened_as_investigators_write_it(demo: CaseStore, question: str
                                                           ) -> None:
    text = answered(demo, "demo", question)
    assert "11 611.68" in text and "174.25" in text


@pytest.mark.parametrize("question", [
    "TS9G84FZzaPwaizoT1RFzMqRoGFdfGKQkH бенефициары қай дүкендерден ақша алды?",
    "от каких магазинов получал деньги бенефициар TS9G84FZzaPwaizoT1RFzMqRoGFdfGKQkH?",
    "the beneficiary TS9G84FZzaPwaizoT1RFzMqRoGFdfGKQkH got money from which shops?",
])
def test_a_wallet_s_sources_asked_by_which_are_traced_back(demo: CaseStore, question: str
                                                          ) -> None:
    text = answered(demo, "demo", question)
    assert "14 657.77" in text and "2 037.34" in text and "174.25" in text


@pytest.mark.parametrize("question", [
    "which exchange deposit addresses got the shops' money and when?",
    "на какие депозитные адреса бирж ушли деньги магазинов и когда?",
    "дүкендердің ақшасы биржаның қай депозит мекенжайларына қашан түсті?",
])
def test_the_day_money_reached_a_deposit_is_cited_by_the_arriving_transfer(
        demo: CaseStore, question: str) -> None:
    # (Not by the sweep that emptied the deposit, a day later.)
    text = answered(demo, "demo", question)
    assert "THskVoeZ9vQfS8fJrtxnJh4XYqZN9d4sHz" in text and "(2025-03-10)[" in text


@pytest.mark.parametrize("question", [
    "total that reached TS9G84FZzaPwaizoT1RFzMqRoGFdfGKQkH from TKbWF1M7HjAkmeYH9XBprfpSCF4HCddSUY "
    "through the chains",
    "сколько на TS9G84FZzaPwaizoT1RFzMqRoGFdfGKQkH дошло с TKbWF1M7HjAkmeYH9XBprfpSCF4HCddSUY?",
    "TS9G84FZzaPwaizoT1RFzMqRoGFdfGKQkH әмиянына TKbWF1M7HjAkmeYH9XBprfpSCF4HCddSUY әмиянынан "
    "қанша жетті?",
])
def test_money_between_two_wallets_goes_from_the_one_marked_as_source(demo: CaseStore,
                                                                      question: str) -> None:
    # The receiving wallet named first: the way is still from the one the question says
    # the money came from.
    assert "14 657.77" in answered(demo, "demo", question)


@pytest.mark.parametrize("question", [
    "биржаның ыстық әмияны қайсы, белгі қайдан алынған",
    "биржа әмияны қайсысы?",
    "which wallet is the exchange hot wallet, and where does that tag come from?",
])
def test_which_wallet_is_the_exchange_s_is_answered_from_the_case(demo: CaseStore,
                                                                  question: str) -> None:
    # "қайсы" asks which of the case's, as "which" does: not asked back which account.
    text = answered(demo, "demo", question)
    assert "TRcbqt5khukRMdsBQ5s7gSdxthmfLoNU8o" in text and "Exchange A" in text


@pytest.mark.parametrize("question", [
    "куда ушли деньги с TRcbqt5khukRMdsBQ5s7gSdxthmfLoNU8o?",
    "where did the money from TRcbqt5khukRMdsBQ5s7gSdxthmfLoNU8o go",
    "TRcbqt5khukRMdsBQ5s7gSdxthmfLoNU8o әмиянынан ақша қайда кетті?",
])
def test_every_end_stated_is_one_the_trace_tool_bound(demo: CaseStore, question: str) -> None:
    # Among this wallet's first ends is one with no path (its own balance): an end beyond
    # the tool's list, whose last hop is cited on another end's path, was stated with an
    # amount no record or derivation gave ("unverified").
    text = answered(demo, "demo", question)
    assert _on_one_line(text, "TSzumxBTqYxhRhJPUrTkrNfpJc5yWPrzqA", "5 693.16") or \
        _on_one_line(text, "TSzumxBTqYxhRhJPUrTkrNfpJc5yWPrzqA", "5,693.16")
