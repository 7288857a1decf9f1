"""Strict amounts: refused at ingest and as trace parameters; a stored absurd amount never
breaks a case (issue 17, point 2)."""

import time
from datetime import UTC, datetime

import orjson
import pytest
from pydantic import ValidationError
from sqlalchemy import insert

from tools.errors import IngestError
from tools.ingest.amounts import from_units, parse_amount, parse_decimal, stored_amount
from tools.ingest.pipeline import ingest_paths
from tools.lookup import lookup_account
from tools.overview import case_overview
from tools.store.schema import transfers
from tools.trace import TraceRequest, load_case_graph, trace

USDT = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
A = "TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW"
B = "TYASr5UV6HEcXatwdFQfmLVUqQQQMUxHLS"


def trc20_page(value) -> bytes:
    return orjson.dumps({"data": [{
        "transaction_id": "ab" * 32, "token_info": {"symbol": "USDT", "address": USDT,
                                                    "decimals": 6, "name": "Tether USD"},
        "block_timestamp": 1700000000000, "from": A, "to": B, "type": "Transfer",
        "value": value}], "success": True, "meta": {"page_size": 1}})


@pytest.mark.parametrize("value", ["1e999999", "1e20000", "NaN", "Infinity", "-5", "abc",
                                   "1.5", " 7", 1.5, True, str(2**256 + 1), "9" * 5000])
@pytest.mark.timing
def test_trongrid_value_that_is_not_plain_units_is_refused_with_the_place(tmp_path, value):
    path = tmp_path / "page.json"
    path.write_bytes(trc20_page(value))
    from tools.ingest.tron import parse_trongrid_trc20
    start = time.perf_counter()
    with pytest.raises(IngestError, match=r"^page.json:/data/0: bad TRC-20 transfer: "):
        list(parse_trongrid_trc20(path, "page.json"))
    assert time.perf_counter() - start < 0.5


def test_units_up_to_2_256_and_any_uint8_decimals_are_amounts():
    assert from_units(str(2**256), 0) == 2**256
    assert from_units(1, 255) == 0  # rounded down to 30 places; the raw units stay in the record
    assert from_units("1500000", 6) == parse_decimal("1.5")


@pytest.mark.parametrize("text", ["1e5", "2,5E-3", "NaN", "inf", "x" * 100, "1" * 200])
def test_human_amounts_refuse_exponents_junk_and_too_many_digits(text):
    with pytest.raises(ValueError):
        parse_amount(text)


@pytest.mark.timing
@pytest.mark.parametrize("bad", ["1e400000", "NaN", "abc", "Infinity", "-1", "1" * 100, "0x10"])
def test_trace_request_refuses_a_min_amount_that_is_not_a_plain_decimal(bad):
    start = time.perf_counter()
    with pytest.raises(ValidationError, match="min_amount"):
        TraceRequest(addresses=[A], min_amount=bad)
    assert time.perf_counter() - start < 0.1


def test_stored_amounts_are_read_strictly_but_older_forms_still_count():
    assert stored_amount("1E-18") is not None and stored_amount("12.5") == parse_decimal("12.5")
    assert stored_amount("1e999999") is None and stored_amount("NaN") is None


@pytest.mark.timing
def test_a_stored_absurd_amount_leaves_trace_lookup_and_overview_working(sqlite_store, tmp_path):
    page = tmp_path / "page.json"
    page.write_bytes(trc20_page("1000000000"))
    assert ingest_paths(sqlite_store, "c", [page]).files[0].status == "imported"
    with sqlite_store.engine.begin() as conn:  # as an older store without strict amounts held it
        for n, amount in enumerate(["1e999999", "1e20000", "NaN"]):
            conn.execute(insert(transfers).values(
                case="c", record_id=f"tron:bad{n}", chain="tron", token="USDT", from_address=A,
                to_address=B, amount=amount, ts=datetime(2024, 1, 1, tzinfo=UTC), tx=f"bad{n}"))
    start = time.perf_counter()
    cg = load_case_graph(sqlite_store, "c")
    result = trace(cg, TraceRequest(addresses=[A]))
    assert result.traced == "1000" and [e.address for e in result.endpoints] == [B]
    assert sorted(cg.skipped) == ["tron:bad0", "tron:bad1", "tron:bad2"]
    assert lookup_account(sqlite_store, "c", A, cg) is not None
    case_overview(sqlite_store, "c", cg)
    assert time.perf_counter() - start < 2
