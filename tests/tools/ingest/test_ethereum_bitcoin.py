from decimal import Decimal

import pytest

from tests.conftest import SAMPLES
from tools.errors import IngestError
from tools.ingest.bitcoin import parse_esplora
from tools.ingest.ethereum import parse_etherscan_csv, parse_etherscan_json


def test_etherscan_tokentx_amount_scaled_by_token_decimals():
    got = list(parse_etherscan_json(SAMPLES / "03_etherscan_tokentx_ryanc414.json", "t"))
    assert got[0].transfer.amount == Decimal("5901.522149285533025181")
    assert got[0].data["token"] == "MKR" and got[0].locator == "/result/0"


def test_etherscan_txlist_native_eth_and_same_hash_twice():
    got = list(parse_etherscan_json(SAMPLES / "04_etherscan_txlist_ryanc414.json", "t"))
    assert [i.transfer.amount for i in got] == [Decimal("10000"), Decimal("5")]
    assert got[0].id == got[1].id == \
        "eth:0xad1c27dd8d0329dbc400021d7477b34ac41e84365bd54b45a4019a15deb10c0d"


def test_etherscan_csv_export_thousands_separators_and_na():
    got = list(parse_etherscan_csv(SAMPLES / "05_etherscan_erc20_export_privatefolio.csv", "e"))
    by_symbol = {i.data["token"]: i for i in got}
    assert by_symbol["MANA"].transfer.amount == Decimal("3067.671")
    assert by_symbol["SPANK"].transfer.amount == Decimal("2500")
    assert by_symbol["INSP"].data["usd_value"] is None
    assert by_symbol["SAI"].data["usd_value"] in ("1021.98", "1003.30")
    assert got[0].locator == "line:2"


def test_etherscan_csv_newer_header_variant(tmp_path):
    text = (SAMPLES / "05_etherscan_erc20_export_privatefolio.csv").read_text()
    newer = tmp_path / "export.csv"
    newer.write_text(text.replace('"Txhash"', '"Transaction Hash"', 1))
    old = [i.id for i in parse_etherscan_csv(SAMPLES / "05_etherscan_erc20_export_privatefolio.csv", "o")]
    assert [i.id for i in parse_etherscan_csv(newer, "n")] == old


def test_etherscan_csv_bad_amount_names_the_line(tmp_path):
    lines = (SAMPLES / "05_etherscan_erc20_export_privatefolio.csv").read_text().splitlines()
    lines[3] = lines[3].replace('"939"', '"lots"')
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines))
    with pytest.raises(IngestError, match=r"bad.csv:line:4"):
        list(parse_etherscan_csv(bad, "bad.csv"))


def test_esplora_op_return_output_has_no_address_and_inputs_keep_prevouts():
    [out] = list(parse_esplora(SAMPLES / "06_esplora_tx_confirmed_mempool_nonstandard.json", "x"))
    assert out.id == "btc:f859a4e6692c3f15a279449eac191ecb9d17d2d6c003bbae9a55e5da07147eab:0"
    assert out.data["to"] is None and out.data["op_return"] == "6a05616e6e6578"
    assert out.data["inputs"][0]["address"].startswith("bc1p")
    assert out.data["inputs"][0]["spends"].endswith(":0")
    assert out.locator == "/0/vout/0"


def test_esplora_address_txs_array_one_record_per_output():
    got = list(parse_esplora(SAMPLES / "07_esplora_address_txs_style_mempool_random.json", "x"))
    first = [i for i in got if i.data["tx"].startswith("13f00724")]
    assert [i.transfer.amount for i in first] == [Decimal("0.00344697"), Decimal("0.00265396")]
    assert first[1].locator == "/0/vout/1"
    assert first[0].transfer.from_address == "bc1ql4k3tlur9sf0rlcy5hxd2qulwgnmyc9akehvth"


def test_mempool_single_tx_p2pkh():
    got = list(parse_esplora(SAMPLES / "08_mempool_api_tx_p2pkh.json", "x"))
    assert got[0].transfer.from_address == "1stAprEZapjCYGUACUcXohQqSHF9MU5Kj"
