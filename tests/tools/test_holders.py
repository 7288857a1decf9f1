"""Who holds a handed-out card or phone: the amount a shop's message asked for, found in a
statement just after it; on the hand-written case, whose truth is in its FACTS.md."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tools.holders import asked_amounts, payment_matches, payments_into, tenge_amounts
from tools.lookup import lookup_account
from tools.store import CaseStore
from tools.trace import load_case_graph


@pytest.fixture(scope="module")
def handmade(handmade_store: CaseStore) -> CaseStore:
    return handmade_store


def test_tenge_amounts_in_the_ways_bots_write_them() -> None:
    assert tenge_amounts("💳 Оплата на карту: 4405 6384 0110 7040\nСумма: 22 000 ₸") == [
        Decimal(22000)]
    assert tenge_amounts("перевод на каспи +7 707 475 77 10 (17 000 ₸)") == [Decimal(17000)]
    assert tenge_amounts("к оплате 5000 тг, KZT 12 500") == [Decimal(5000), Decimal(12500)]
    assert tenge_amounts("карта 4400 4302 7815 0260, 60 USDT") == []


def test_a_phone_no_record_names_is_linked_by_the_payment_it_asked_for(handmade: CaseStore
                                                                         ) -> None:
    # FACTS: +77052841190 handed out with "Динара О." for CH-0917 (12 000 ₸, 19.09); the
    # buyer's 12 000 is in Оспанова's statement at 21:13:51 local, 13 minutes later.
    matches = payment_matches(handmade, "hm", "phone:+77052841190")
    assert {m.iban for m in matches} == {"KZ18722S274091263225"}
    first = matches[0]
    assert first.message_id == "tg:5931177604/8" and first.asked == "12000"
    assert first.holder and first.holder.startswith("Оспанова Динара")
    assert 0 < (first.paid_at - first.asked_at).total_seconds() < 3600


def test_no_statement_row_no_holder(handmade: CaseStore) -> None:
    # Paid by receipt photo only, no statement in the case: nothing may be inferred.
    assert payment_matches(handmade, "hm", "card:4405639120478811") == []
    assert payment_matches(handmade, "hm", "phone:+77473185209") == []


def test_an_account_names_the_details_paid_into_it(handmade: CaseStore) -> None:
    paid = {m.account for m in payments_into(handmade, "hm", "KZ18722S274091263225")}
    assert paid == {"phone:+77052841190", "card:4400430188765538"}


def test_lookup_links_masks_iins_and_titles(handmade: CaseStore) -> None:
    graph = load_case_graph(handmade, "hm")
    [masked] = lookup_account(handmade, "hm", "4405 39** **** 7785", graph).matches
    assert masked.value == "4405392055617785"
    assert masked.statements == ["KZ456011065602164235"]
    [iin] = lookup_account(handmade, "hm", "991125317715", graph).matches
    assert [iban for iban, _ in iin.accounts_held] == ["KZ14722S890317137311"]
    [iban] = lookup_account(handmade, "hm", "KZ456011065602164235", graph).matches
    assert iban.title_cards == ["4405392055617785"]
    assert iban.bank is not None and iban.bank.holder_iin == "010407605321"
    assert (iban.bank.incoming, iban.bank.outgoing) == (13, 3)
    [phone] = lookup_account(handmade, "hm", "8 705 284 1190", graph).matches
    assert phone.statements == ["KZ18722S274091263225"]
    assert phone.bank is not None and "Оспанова" in (phone.bank.holder_name or "")


def test_asked_amounts_in_tenge_and_tokens_not_a_token_named_beside_an_address():
    assert asked_amounts("крипта: USDT TRC-20 TPayYcLXwdzYCD6PLCF4iQv2zLbsMBy3Zz — 33.66 USDT") \
        == [(Decimal("33.66"), "USDT")]
    assert asked_amounts("Kaspi аударым нөмірге 8 (775) 899-57-90 — 32 000 ₸") \
        == [(Decimal("32000"), "KZT")]
    assert asked_amounts("USDT 120,5 на кошелёк") == [(Decimal("120.5"), "USDT")]
    assert asked_amounts("USDT TRC-20 only, no sum") == []
