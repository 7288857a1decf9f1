"""A token is its contract; probable address poisoning is left out (issue 17, point 3)."""

import orjson
import pytest

from tools.ingest.pipeline import ingest_paths
from tools.tokens import imitated_symbol, token_key, token_label
from tools.trace import TraceRequest, load_case_graph, trace

USDT = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
FAKE = "TXLAQ63Xg1NAzckPwKHvzw7CSEmLMEqcdj"
SHOP = "TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW"
REAL_PAYEE = "TYASr5UV6HEcXatwdFQfmLVUqQQQMUxHLS"
FAKE_PAYEE = "TMuA6YqfCeX8EhbfYEg5y7S4DqzSJireY9"
# Same 4 characters after 'T' and same last 4 as REAL_PAYEE: a poisoner's look-alike.
LOOKALIKE = "TYASrXXXXXXXXXXXXXXXXXXXXXXXXUxHLS"


def row(n, contract, symbol, frm, to, value):
    return {"transaction_id": f"{n:064x}", "type": "Transfer", "from": frm, "to": to,
            "value": str(value), "block_timestamp": 1700000000000 + n * 1000,
            "token_info": {"symbol": symbol, "address": contract, "decimals": 6}}


@pytest.fixture
def case(sqlite_store, tmp_path):
    rows = [
        row(1, USDT, "USDT", SHOP, REAL_PAYEE, 1_000 * 10**6),
        row(2, FAKE, "USDT", SHOP, FAKE_PAYEE, 900_000 * 10**6),
        row(3, USDT, "USDT", LOOKALIKE, SHOP, 0),
        row(4, USDT, "USDT", LOOKALIKE, SHOP, 10_000),  # 0.01 USDT of dust
        row(5, USDT, "USDT", SHOP, LOOKALIKE, 0),  # a zero-value transferFrom in the shop's name
    ]
    page = tmp_path / "page.json"
    page.write_bytes(orjson.dumps({"data": rows, "success": True}))
    assert ingest_paths(sqlite_store, "c", [page]).files[0].status == "imported"
    return sqlite_store, load_case_graph(sqlite_store, "c")


def test_a_token_borrowing_usdt_is_traced_apart_and_shown_as_what_it_is(case):
    store, cg = case
    result = trace(cg, TraceRequest(addresses=[SHOP]))
    assert result.token == "USDT" and result.traced == "1000"
    assert [(e.address, e.amount) for e in result.endpoints] == [(REAL_PAYEE, "1000")]
    (other,) = result.other_tokens
    assert other.key == f"USDT@{FAKE}"
    assert other.label == f"USDT-named token, contract {FAKE}, not Tether"
    fake = trace(cg, TraceRequest(addresses=[SHOP], token=FAKE))
    assert fake.token == other.label and fake.token_contract == FAKE
    assert [(e.address, e.amount) for e in fake.endpoints] == [(FAKE_PAYEE, "900000")]
    assert trace(cg, TraceRequest(addresses=[SHOP], token="USDT")).traced == "1000"
    record = store.get_record("c", fake.endpoints[0].path[0].record_id)
    assert record.fields["token_note"] == other.label


def test_zero_value_and_look_alike_dust_are_left_out_unless_asked(case):
    _, cg = case
    backward = trace(cg, TraceRequest(addresses=[SHOP], direction="backward"))
    assert backward.endpoints == [] and backward.poisoning_excluded == 3
    forward = trace(cg, TraceRequest(addresses=[SHOP]))
    assert LOOKALIKE not in {e.address for e in forward.endpoints}
    asked = trace(cg, TraceRequest(addresses=[SHOP], direction="backward",
                                   include_poisoning=True))
    assert asked.poisoning_excluded == 0 and asked.traced == "0.01"
    assert [e.address for e in asked.endpoints] == [LOOKALIKE]


def test_token_keys_and_labels():
    assert token_key("tron", "USDT", USDT) == "USDT"
    assert token_key("tron", "Tether USD", USDT) == "USDT"  # the contract decides, not the name
    assert token_key("tron", "US\u202eDT@x", FAKE) == f"USDTx@{FAKE}"
    assert token_key("eth", "USDT", "0xDAC17F958D2EE523A2206206994597C13D831EC7") == "USDT"
    assert imitated_symbol("UЅDТ") == "USDT" and imitated_symbol("usdt ") == "USDT"
    assert token_label(f"FOO@{FAKE}") == f"FOO token, contract {FAKE}"
    with pytest.raises(ValueError):
        token_key("tron", "USDT", "1/../../admin")
