from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import DATA, EVIDENCE, SAMPLES
from tools.errors import IngestError
from tools.ingest.bank import parse_bank_statement
from tools.ingest.listings import parse_listings
from tools.ingest.mappings import load_mapping
from tools.ingest.tagpack import parse_tagpack

KASPI_HOLDER = "KZ45722S000054326792"


def test_kaspi_xlsx_after_title_block_signed_amounts_and_local_time():
    rows = list(parse_bank_statement(EVIDENCE / "kaspi_statement.xlsx", "k.xlsx"))
    assert len(rows) == 12
    first = rows[0]
    assert first.locator == "sheet:Выписка!row:12"
    assert first.id.startswith(f"bank:{KASPI_HOLDER}/")
    assert first.data["bank"] == "Kaspi Bank" and first.data["direction"] == "in"
    # An Excel date cell, read as Kazakhstan local time.
    assert first.ts.utcoffset() == timedelta(hours=5) and first.ts.date() == date(2025, 3, 1)
    out = rows[3]
    assert out.data["direction"] == "out" and out.transfer.from_address == KASPI_HOLDER
    assert out.transfer.amount == Decimal("180003.00")


def test_halyk_cp1251_semicolon_csv_credit_and_debit_columns():
    rows = list(parse_bank_statement(EVIDENCE / "halyk_statement.csv", "h.csv"))
    assert len(rows) == 10 and rows[0].locator == "line:11"
    assert rows[0].data["bank"] == "Halyk Bank"
    assert rows[0].transfer.amount == Decimal("8000.00") and rows[0].data["direction"] == "in"
    assert rows[3].data["direction"] == "out"


@pytest.mark.parametrize(("name", "bank"), [("home_credit_statement.csv", "Home Credit Bank"),
                                           ("vtb_statement.xlsx", "VTB Bank")])
def test_home_credit_and_vtb_layouts_without_title_block(name, bank):
    rows = list(parse_bank_statement(EVIDENCE / name, name))
    assert len(rows) == 8 and {r.data["bank"] for r in rows} == {bank}
    # No title block names the holder: it is the account present on every row.
    assert {r.data["account"] for r in rows} == {KASPI_HOLDER}
    assert all(r.data["direction"] in ("in", "out") for r in rows)


def test_any_other_bank_through_a_documented_mapping_file():
    mapping = load_mapping(DATA / "mapping" / "other_bank_mapping.yaml")
    rows = list(parse_bank_statement(DATA / "mapping" / "other_bank_statement.csv", "o", mapping))
    assert [(r.data["direction"], r.transfer.amount) for r in rows] == [
        ("out", Decimal("150000.00")), ("in", Decimal("20000.00"))]


def test_unreadable_amount_names_file_and_line(tmp_path):
    text = (EVIDENCE / "home_credit_statement.csv").read_text(encoding="utf-8").splitlines()
    cells = text[4].split(",")
    cells[4] = "много"
    text[4] = ",".join(cells)
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(text), encoding="utf-8")
    with pytest.raises(IngestError, match=r"^bad.csv:line:5: not an amount"):
        list(parse_bank_statement(bad, "bad.csv"))


def test_agora_listings_sample_imports_all_rows():
    rows = list(parse_listings(SAMPLES / "11_agora_listings_sample_mozzarellaV8.csv", "a"))
    assert len(rows) == 6
    cocaine = next(r for r in rows if "Cocaine" in r.data["title"])
    assert cocaine.id == "listing:agora/2014-12-22__CU2b9mFz0h.html"
    assert cocaine.data["price"] == "0.34198972" and cocaine.data["currency"] == "BTC"
    assert cocaine.data["category"] == "Drugs / Stimulants / Cocaine"
    assert cocaine.locator == "line:3"


def test_listings_jsonl_with_our_mapping():
    rows = list(parse_listings(EVIDENCE / "listings.jsonl", "l", jsonl=True))
    assert [r.id for r in rows] == ["listing:listings/L1", "listing:listings/L2",
                                    "listing:listings/L3"]
    assert rows[2].data["price"] == "15000" and rows[2].locator == "line:3"


def test_tagpack_tags_inherit_pack_fields_and_cite_their_line():
    tags = list(parse_tagpack(EVIDENCE / "tagpack_exchanges.yaml", "t.yaml"))
    assert len(tags) == 3
    hot, deposit, otc = tags
    assert hot.id == "tag:kazakhstan-case-exchange-deposit-and-hot-wallets/" \
                     "TXVj38D1XR3TPgSHTCZGC8wkLDAGqF1oqx"
    assert (hot.data["category"], hot.data["network"]) == ("exchange", "TRX")
    assert (otc.data["category"], otc.data["network"]) == ("otc_broker", "BTC")
    assert hot.locator == "line:11"


def test_malformed_tagpack_names_the_line(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\ntags:\n  - address: [unclosed\n")
    with pytest.raises(IngestError, match=r"bad.yaml:line:\d+: malformed YAML"):
        list(parse_tagpack(bad, "bad.yaml"))
