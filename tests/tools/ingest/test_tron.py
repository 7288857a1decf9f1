import json
import random
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import SAMPLES
from tools.demo import fake_ids
from tools.errors import IngestError
from tools.ingest import jsonio
from tools.ingest.tron import (
    hex_to_base58,
    parse_trongrid_transactions,
    parse_trongrid_trc20,
    parse_tronscan_transfers,
)


def items(parser, name):
    return list(parser(SAMPLES / name, name))


def test_trc20_page_amounts_are_exact_decimals_for_any_token():
    got = items(parse_trongrid_trc20, "01_trongrid_trc20_ledger.json")
    assert [(i.data["token"], i.transfer.amount) for i in got] == [
        ("USDT", Decimal("41.677389")), ("USDT", Decimal("1")),
        ("SUNDOG", Decimal("13.409316")),
    ]
    assert all(isinstance(i.transfer.amount, Decimal) for i in got)
    first = got[0]
    assert first.locator == "/data/0"
    assert first.id.startswith("tron:0130dfde9281a48378109039ef512229d5359fbee2a8adbb17ad73aebc67ea99#")
    assert (first.data["from"], first.data["to"]) == (
        "TL24LCps5FKwp3PoU1MvrYrwhi5LU1tHre", "TXVj38D1XR3TPgSHTCZGC8wkLDAGqF1oqx")


def test_native_trx_hex_addresses_become_base58():
    assert hex_to_base58("416e3b44b96104b26f84057974a1f0c9880f7c9b13") == \
        "TL24LCps5FKwp3PoU1MvrYrwhi5LU1tHre"
    got = items(parse_trongrid_transactions, "02_trongrid_trx_transactions_ledger.json")
    trx = next(i for i in got if i.data["token"] == "TRX")
    assert trx.transfer.amount == Decimal("150.46632")
    assert trx.data["from"] == "TL24LCps5FKwp3PoU1MvrYrwhi5LU1tHre"
    assert trx.data["to"].startswith("T") and len(trx.data["to"]) == 34


def test_usdt_call_in_raw_transaction_has_the_same_id_as_in_the_trc20_page():
    trc20 = {i.id for i in items(parse_trongrid_trc20, "01_trongrid_trc20_ledger.json")}
    raw = items(parse_trongrid_transactions, "02_trongrid_trx_transactions_ledger.json")
    decoded = [i for i in raw if i.data["token"] == "USDT"]
    assert len(decoded) == 1 and decoded[0].id in trc20


def test_tronscan_transfers():
    got = items(parse_tronscan_transfers, "16_tronscan_token_transfers_captured.json")
    assert [str(i.transfer.amount) for i in got] == ["411.910000", "45.000000"]
    assert got[1].locator == "/token_transfers/1"


def _big_page(tmp_path: Path, n: int) -> Path:
    rng = random.Random(1)
    data = [{
        "transaction_id": fake_ids.tx_hash(rng), "block_timestamp": 1738601505000 + k,
        "token_info": {"symbol": "USDT", "address": "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
                       "decimals": 6, "name": "Tether USD"},
        "from": fake_ids.tron(rng), "to": fake_ids.tron(rng), "type": "Transfer",
        "value": str(rng.randint(1, 10**12)),
    } for k in range(n)]
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"data": data, "success": True, "meta": {"page_size": n}}))
    return path


def test_streamed_and_whole_file_reading_give_identical_records(tmp_path, monkeypatch):
    path = _big_page(tmp_path, 3000)
    whole = [(i.id, i.locator, i.transfer.amount) for i in parse_trongrid_trc20(path, "p")]
    monkeypatch.setattr(jsonio, "WHOLE_FILE_LIMIT", 0)
    streamed = [(i.id, i.locator, i.transfer.amount) for i in parse_trongrid_trc20(path, "p")]
    assert streamed == whole and len(whole) == 3000


@pytest.mark.parametrize("stream", [False, True])
def test_truncated_page_names_file_and_place(tmp_path, monkeypatch, stream):
    path = _big_page(tmp_path, 50)
    path.write_bytes(path.read_bytes()[:-300])
    if stream:
        monkeypatch.setattr(jsonio, "WHOLE_FILE_LIMIT", 0)
    with pytest.raises(IngestError) as exc:
        list(parse_trongrid_trc20(path, "page.json"))
    assert exc.value.file == "page.json"
    assert exc.value.locator.startswith("/data/" if stream else "line:")
