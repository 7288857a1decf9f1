"""The small demo case, generated and ingested, matches its truth.json."""

from collections import defaultdict
from decimal import Decimal

import pytest
from sqlalchemy import select

from tools.demo.generate import generate_case
from tools.demo.truth import Truth
from tools.store.schema import records, sightings, transfers


@pytest.fixture(scope="module")
def case(small_demo):
    return small_demo


def test_same_seed_same_bytes_other_seed_other_case(tmp_path):
    a, b, c = (generate_case(tmp_path / n, seed=s) for n, s in (("a", 3), ("b", 3), ("c", 4)))
    assert a == b and a != c
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


def test_small_is_a_few_hundred_records_of_every_kind(case):
    truth, _store, report = case
    imported = report.imported_by_kind()
    assert imported["transfer"] == truth.counts["transfer"]
    assert imported["bank_row"] == truth.counts["bank_row"]
    assert imported["listing"] == truth.counts["listing"]
    assert imported["tag"] == truth.counts["tag"]
    assert 200 <= sum(imported.values()) <= 1500


def test_every_revealed_payment_detail_is_found_in_its_message(case):
    truth, store, _ = case
    with store.engine.connect() as conn:
        seen = defaultdict(set)
        for s in conn.execute(select(sightings.c.record_id, sightings.c.account_id)):
            seen[s.record_id].add(s.account_id)
    for record_id, details in truth.messages.items():
        expected = {f"{kind}:{value}" for kind, value in details}
        assert seen[record_id] == expected, record_id
    # No payment detail was invented: every card, phone, IBAN and wallet a shop handed out is
    # in the truth (statements add the accounts and ИИН of their parties, with no shop).
    revealed = {f"{k}:{v}" for details in truth.messages.values() for k, v in details}
    with store.engine.connect() as conn:
        found = set(conn.execute(
            select(sightings.c.account_id).where(sightings.c.shop.is_not(None),
                                                 ~sightings.c.account_id.like("bot:%"))
        ).scalars())
    assert found == revealed


def test_droppers_rotate_and_each_kz_dropper_has_its_statement(case):
    truth, store, _ = case
    for shop in truth.shops:
        cards = {d.card for d in truth.droppers if d.shop == shop.id}
        assert len(cards) >= 2, "a shop hands out several cards"
    with store.engine.connect() as conn:
        holders = {rid.split("/")[0].removeprefix("bank:") for rid in conn.execute(
            select(records.c.id).where(records.c.kind == "bank_row")).scalars()}
    assert holders == {d.iban for d in truth.droppers if d.country == "KZ"}


def _flows(store):
    with store.engine.connect() as conn:
        rows = conn.execute(select(transfers.c.from_address, transfers.c.to_address,
                                   transfers.c.amount, transfers.c.ts)
                            .where(transfers.c.chain == "tron")).all()
    return rows


def test_beneficiaries_received_exactly_the_drug_money_in_truth(case):
    truth, store, _ = case
    rows = _flows(store)
    for b in truth.beneficiaries:
        inflow = sum(Decimal(r.amount) for r in rows if r.to_address == b.address)
        outflow = sum(Decimal(r.amount) for r in rows if r.from_address == b.address)
        assert inflow == Decimal(b.received_usdt)
        assert outflow == Decimal(b.to_exchange_usdt)
        assert inflow - outflow == Decimal(b.held_usdt)
    exchange_in = sum(Decimal(e.drug_usdt) for e in truth.exchanges)
    assert exchange_in == sum(Decimal(b.to_exchange_usdt) for b in truth.beneficiaries)


def test_money_leaves_case_wallets_only_after_it_arrived(case):
    truth, store, _ = case
    watched = {s.treasury for s in truth.shops} | {b.address for b in truth.beneficiaries}
    watched |= {w for s in truth.shops for w in s.payment_wallets}
    watched |= {d for e in truth.exchanges for d in e.deposit_addresses}
    balance = defaultdict(Decimal)
    for r in sorted(_flows(store), key=lambda r: r.ts):
        balance[r.to_address] += Decimal(r.amount)
        balance[r.from_address] -= Decimal(r.amount)
        if r.from_address in watched:
            assert balance[r.from_address] >= 0, r


def test_unrelated_traffic_runs_through_busy_exchange_wallets(case):
    truth, store, _ = case
    rows = _flows(store)
    hot = {e.hot_wallet for e in truth.exchanges}
    through_hot = sum(1 for r in rows if r.from_address in hot or r.to_address in hot)
    assert through_hot > len(rows) / 3


def test_listings_drug_trade_and_not(case):
    truth, store, _ = case
    with store.engine.connect() as conn:
        listing_text = dict(conn.execute(select(records.c.id, records.c.text)
                                         .where(records.c.kind == "listing")).all())
    assert set(truth.drug_listings) | set(truth.other_listings) == set(listing_text)
    slang = ("меф", "Меф", "альф", "Альф", "шишк", "Шишк", "гашиш", "Гашиш", "Соль", "соль",
             "амф", "Амф", "кладмен", "дроп", "курьер", "Курьер")
    assert truth.drug_listings
    assert all(any(w in listing_text[i] for w in slang + ("@",)) for i in truth.drug_listings)
    assert any("курьер" in listing_text[i].lower() for i in truth.other_listings), \
        "an ordinary courier job, for search to get wrong"


def test_truth_file_round_trips(tmp_path):
    truth = generate_case(tmp_path / "c", seed=2)
    assert Truth.model_validate_json((tmp_path / "c" / "truth.json").read_text()) == truth


def test_generator_files_are_recognised_by_content_not_name(tmp_path):
    from tools.demo.generate import generate_case
    from tools.demo.marks import generator_file_note

    generate_case(tmp_path / "case", seed=3, scale="small")
    assert generator_file_note(tmp_path / "case" / "ABOUT.txt")
    assert generator_file_note(tmp_path / "case" / "truth.json")
    assert generator_file_note(tmp_path / "case" / "telegram" / "result.json") is None
    other = tmp_path / "truth.json"
    other.write_text('{"transfers": []}', encoding="utf-8")
    assert generator_file_note(other) is None
