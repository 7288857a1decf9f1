"""Account lookup on the small demo case, for every identifier form a prosecutor may paste."""

from decimal import Decimal

import pytest

from tools.identifiers import iin_is_valid, parse_identifier
from tools.lookup import lookup_account
from tools.trace import load_case_graph


@pytest.fixture(scope="module")
def demo(small_demo):
    truth, store, _ = small_demo
    return truth, store, load_case_graph(store, "demo")


def revealed(truth, kind):
    return [(rid, v) for rid, d in truth.messages.items() for k, v in d if k == kind]


def _spaced(card: str) -> str:
    return " ".join(card[i:i + 4] for i in range(0, 16, 4))


@pytest.mark.parametrize("form", [str, _spaced, lambda c: "-".join(_spaced(c).split())])
def test_card_in_any_spacing_names_the_shop_and_the_message(demo, form):
    truth, store, graph = demo
    record_id, card = revealed(truth, "card")[0]
    result = lookup_account(store, "demo", form(card), graph)
    [profile] = result.matches
    assert profile.value == card and record_id in {s.record_id for s in profile.seen_in}
    assert profile.shops == [record_id.split("/")[0]]
    assert profile.info["scheme"] in ("visa", "mastercard", "mir")
    assert profile.linked_wallets and profile.trace is not None


def test_masked_card_lists_every_match_with_the_mask(demo):
    truth, store, graph = demo
    card = revealed(truth, "card")[0][1]
    result = lookup_account(store, "demo", f"{card[:4]} **** **** {card[-4:]}", graph)
    assert result.mask == f"{card[:4]}{'_' * 8}{card[-4:]}"
    assert card in [m.value for m in result.matches]
    # A wider mask (first four digits and the last one) matches this card and others like it.
    wide = lookup_account(store, "demo", f"{card[:4]} **** **** ***{card[-1]}", graph)
    assert wide.error is None and card in [m.value for m in wide.matches]
    assert all(m.value.startswith(card[:4]) and m.value.endswith(card[-1]) for m in wide.matches)


@pytest.mark.parametrize("written", ["+7 {a} {b} {c} {d}", "8{n}", "8 ({a}) {b}-{c}-{d}"])
def test_phone_in_any_written_form(demo, written):
    truth, store, graph = demo
    record_id, phone = revealed(truth, "phone")[0]
    n = phone[2:]
    text = written.format(n=n, a=n[:3], b=n[3:6], c=n[6:8], d=n[8:])
    [profile] = lookup_account(store, "demo", text, graph).matches
    assert profile.value == phone and record_id in {s.record_id for s in profile.seen_in}


def test_dropper_iban_has_its_statement_activity_with_row_citations(demo):
    truth, store, graph = demo
    dropper = next(d for d in truth.droppers if d.country == "KZ")
    [profile] = lookup_account(store, "demo", dropper.iban, graph).matches
    b = profile.bank
    assert b is not None and b.operations > 3 and b.distinct_payers >= 2
    # A dropper passes on everything it receives (to the next dropper and to a P2P seller).
    assert Decimal(b.total_in) == Decimal(b.total_out)
    assert b.counterparties
    assert all(r.startswith(f"bank:{dropper.iban}/") for c in b.counterparties for r in c.records)
    assert b.first <= b.last


def test_wallet_lookup_carries_a_trace_summary(demo):
    truth, store, graph = demo
    wallet = truth.shops[0].payment_wallets[0]
    [profile] = lookup_account(store, "demo", wallet, graph).matches
    beneficiaries = {b.address for b in truth.beneficiaries}
    assert {a for a, reason, _, _ in profile.trace.endpoints if reason == "beneficiary"} <= beneficiaries


def test_bot_seen_in_several_channel_posts(demo):
    truth, store, graph = demo
    shop = truth.shops[0]
    [profile] = lookup_account(store, "demo", "@" + shop.bot, graph).matches
    assert len(profile.seen_in) >= 2 and profile.shops == [f"tg:{shop.channel_id}"]


def test_iin_of_a_payer_finds_the_rows(demo):
    truth, store, graph = demo
    from sqlalchemy import select

    from tools.store.schema import accounts
    with store.engine.connect() as conn:
        iin = conn.execute(select(accounts.c.value).where(accounts.c.kind == "iin")).scalar()
    assert iin_is_valid(iin)
    [profile] = lookup_account(store, "demo", iin, graph).matches
    assert profile.seen_in and all(s.kind == "bank_row" for s in profile.seen_in)


@pytest.mark.parametrize(("text", "error"), [
    ("4400 4301 2345 6788", "Luhn checksum fails"),
    ("KZ13722S00013131565", "wrong length"),
    ("KZ12 3456 7890 1234 5678", "not a valid IBAN"),
    ("TXVj38D1XR3TPgSHTCZGC8wkLDAGqF1oqy", "base58 checksum fails"),
    ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "EIP-55"),
    ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "bech32 checksum fails"),
    ("950101300124", "control digit"),
    ("+7 123 456 78 90", "not a valid phone number"),
])
def test_invalid_identifiers_say_why(demo, text, error):
    _, store, graph = demo
    result = lookup_account(store, "demo", text, graph)
    assert result.error and error in result.error and result.matches == []


def test_valid_but_absent_is_not_an_error():
    ident = parse_identifier("4400 4301 2345 6789")
    assert ident.error is None and ident.kind == "card"


def test_card_handed_out_by_two_shops_lists_both(sqlite_store, tmp_path):
    import json

    from tools.ingest.pipeline import ingest_paths

    def chat(chat_id, name, when):
        return {"name": name, "type": "bot_chat", "id": chat_id, "messages": [
            {"id": 1, "type": "message", "date": when, "date_unixtime": "1740000000",
             "from": name, "from_id": f"user{chat_id}",
             "text": "Оплата на карту 4400 4301 2345 6789", "text_entities": []}]}

    export = {"about": "", "personal_information": {"user_id": 1},
              "chats": {"about": "", "list": [chat(11, "Shop A", "2025-02-19T10:00:00"),
                                              chat(22, "Shop B", "2025-02-20T10:00:00")]}}
    (tmp_path / "result.json").write_text(json.dumps(export, ensure_ascii=False))
    ingest_paths(sqlite_store, "c", [tmp_path / "result.json"])
    [profile] = lookup_account(sqlite_store, "c", "4400430123456789").matches
    assert profile.shops == ["tg:11", "tg:22"]
    assert [s.shop_name for s in profile.seen_in] == ["Shop A", "Shop B"]


def test_a_treasury_no_bot_handed_out_names_the_shops_whose_wallets_pay_into_it(demo):
    truth, store, graph = demo
    shop = truth.shops[0]
    [profile] = lookup_account(store, "demo", shop.treasury, graph).matches
    assert profile.shops == [] and profile.fed_by
    assert {f.shop for f in profile.fed_by} == {shop.name}
    assert {f.wallet for f in profile.fed_by} <= set(shop.payment_wallets)
    assert all(store.get_record("demo", f.record_id).kind == "transfer" for f in profile.fed_by)
    assert profile.flows is not None and profile.flows.received == profile.flows.sent


def test_a_card_named_by_a_statement_title_reaches_that_statement(tmp_path):
    """The card a bank statement's title block names ("карта 4400 **** **** 0260") is linked
    to that statement: a lookup of the full card number finds its IBAN and its flows."""
    from tests.conftest import DATA
    from tools.ingest.pipeline import ingest_paths
    from tools.store import connect_store

    evidence = DATA / "eval" / "handmade" / "evidence"
    store = connect_store(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "vault")
    assert not ingest_paths(store, "hm", [evidence]).rejected
    [profile] = lookup_account(store, "hm", "4400430278150260",
                               load_case_graph(store, "hm")).matches
    assert profile.statements == ["KZ14722S890317137311"]
    assert profile.bank is not None and profile.bank.holder_name
    assert "Жумабаев" in profile.bank.holder_name
    assert profile.bank.counterparties and Decimal(profile.bank.total_out) > 0
