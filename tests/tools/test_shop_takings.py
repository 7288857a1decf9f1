"""What each shop took in on-chain and the wallets that paid several shops, on the hand-written
case (its ground truth in tests/data/eval/handmade/FACTS.md) and on the demo."""

from decimal import Decimal
from pathlib import Path

import pytest

from tools.ingest.pipeline import ingest_paths
from tools.overview import case_overview
from tools.store import CaseStore, connect_store
from tools.trace import load_case_graph

HANDMADE = Path(__file__).parents[1] / "data" / "eval" / "handmade" / "evidence"


@pytest.fixture(scope="module")
def handmade(handmade_store: CaseStore) -> CaseStore:
    return handmade_store


def test_each_shop_took_in_what_its_buyers_paid_and_not_the_fake_usdt(handmade) -> None:
    o = case_overview(handmade, "hm", load_case_graph(handmade, "hm"))
    names = {s.shop: s.name for s in o.shops}
    took = {names[t.shop]: (Decimal(t.amount), t.token, t.payers) for t in o.takings}
    # FACTS.md: the buyers paid sq 775.95 (6 wallets), gp 480.75 (4), cf 161.50 (4); the
    # 5,000 "USDT" of a lookalike contract sent to gp's wallet is not money.
    assert took == {"Снежная Королева KZ": (Decimal("775.95"), "USDT", 6),
                    "Green Planet 🌍": (Decimal("480.75"), "USDT", 4),
                    "Шоколадная Фабрика 🍫 Шымкент": (Decimal("161.5"), "USDT", 4)}
    assert [names[t.shop] for t in o.takings][0] == "Снежная Королева KZ"
    # Each sum cited by the payments it adds up.
    assert [len(t.record_ids) for t in o.takings] == [7, 4, 4]


def test_the_buyers_who_paid_several_shops(handmade) -> None:
    o = case_overview(handmade, "hm", load_case_graph(handmade, "hm"))
    names = {s.shop: s.name for s in o.shops}
    shared = {p.address: {names[s] for s in p.paid} for p in o.shared_payers}
    sq, gp, cf = "Снежная Королева KZ", "Green Planet 🌍", "Шоколадная Фабрика 🍫 Шымкент"
    assert shared == {"TCePefhzE9QaK3Q7BMHrcMzU1VeP7kjBMp": {sq, gp, cf},
                      "TMt5VCQpbDSHt1uMjtJfvrgLma4k2z5yNX": {sq, gp, cf},
                      "TC9Bkfo38jzEEwkLUydQbb59QkXjF4cNaU": {sq, gp, cf},
                      "TFkaZKr1sBsfuUMpgntaM99HM197FHaTbB": {sq, gp},
                      "TEpg1PkmBr3dW89BStMP3M4ZifCLrnjJ7k": {sq, cf}}
    buyer3 = next(p for p in o.shared_payers if p.address.startswith("TFka"))
    assert {names[s]: Decimal(a) for s, a in buyer3.paid.items()} == {
        sq: Decimal("260"), gp: Decimal("80.75")}
    assert len(buyer3.record_ids) == 2  # one payment to each shop


def test_on_the_demo_the_wallets_paying_several_shops_are_its_p2p_sellers(small_demo) -> None:
    truth, store, _ = small_demo
    o = case_overview(store, "demo", load_case_graph(store, "demo"))
    assert o.takings and o.shared_payers
    assert {p.address for p in o.shared_payers} <= set(truth.p2p_sellers)


def test_the_case_s_statements_in_all_are_the_droppers_inflows(handmade) -> None:
    o = case_overview(handmade, "hm", load_case_graph(handmade, "hm"))
    # FACTS.md: the three droppers' statements take in 384 000, 141 000 and 246 000 and pay
    # out 375 000, 125 000 and 225 000, none of it to each other.
    assert (Decimal(o.statements_received), Decimal(o.statements_sent)) == (
        Decimal("771000"), Decimal("725000"))


def test_a_wallet_two_shops_handed_out_counts_for_neither(tmp_path: Path) -> None:
    import json
    import shutil

    evidence = tmp_path / "evidence"
    shutil.copytree(HANDMADE, evidence)
    export = next(evidence.rglob("result.json"))
    data = json.loads(export.read_text(encoding="utf-8"))
    green = next(c for c in data["chats"]["list"] if c["id"] == 6488201957)
    text = "USDT TRC20: TDMHPGTxctG7rwSVkmiTPL22KZm9YdpSvQ"  # Snow Queen's wallet
    green["messages"].append({**green["messages"][-1], "id": 999, "text": text,
                              "text_entities": [{"type": "plain", "text": text}]})
    export.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    store = connect_store(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "vault")
    assert not ingest_paths(store, "hm", [evidence]).rejected
    o = case_overview(store, "hm", load_case_graph(store, "hm"))
    names = {s.shop: s.name for s in o.shops}
    took = {names[t.shop]: Decimal(t.amount) for t in o.takings}
    assert "Снежная Королева KZ" not in took and took["Green Planet 🌍"] == Decimal("480.75")


def test_whom_the_statements_paid_most_is_the_end_of_the_bank_chain(handmade) -> None:
    o = case_overview(handmade, "hm", load_case_graph(handmade, "hm"))
    # FACTS.md: Ли Вадим got 580 000 from the three droppers; Тулегенов and Бекова 60 000 each
    # (equal sums in the order of their accounts).
    assert [(p.name.split()[0], Decimal(p.amount)) for p in o.payees] == [
        ("Ли", Decimal("580000")), ("Тулегенов", Decimal("60000")), ("Бекова", Decimal("60000"))]
    assert all(p.record_id.startswith("bank:") for p in o.payees)
