import shutil

import pytest

from tests.conftest import EVIDENCE, SAMPLES
from tools.errors import UnknownFormatError
from tools.ingest.formats import detect_format

EXPECTED = {
    SAMPLES / "01_trongrid_trc20_ledger.json": "trongrid_trc20",
    SAMPLES / "02_trongrid_trx_transactions_ledger.json": "trongrid_transactions",
    SAMPLES / "03_etherscan_tokentx_ryanc414.json": "etherscan_json",
    SAMPLES / "04_etherscan_txlist_ryanc414.json": "etherscan_json",
    SAMPLES / "05_etherscan_erc20_export_privatefolio.csv": "etherscan_csv",
    SAMPLES / "06_esplora_tx_confirmed_mempool_nonstandard.json": "esplora",
    SAMPLES / "07_esplora_address_txs_style_mempool_random.json": "esplora",
    SAMPLES / "08_mempool_api_tx_p2pkh.json": "esplora",
    SAMPLES / "09_telegram_result_chatstyle.json": "telegram_chat",
    SAMPLES / "10_telegram_genuine_channel_messages_bmvavinash.json": "telegram_chat",
    SAMPLES / "11_agora_listings_sample_mozzarellaV8.csv": "listings",
    SAMPLES / "16_tronscan_token_transfers_captured.json": "tronscan_transfers",
    EVIDENCE / "kaspi_statement.xlsx": "bank_statement",
    EVIDENCE / "halyk_statement.csv": "bank_statement",
    EVIDENCE / "home_credit_statement.csv": "bank_statement",
    EVIDENCE / "vtb_statement.xlsx": "bank_statement",
    EVIDENCE / "telegram_full_export.json": "telegram_export",
    EVIDENCE / "tagpack_exchanges.yaml": "tagpack",
    EVIDENCE / "listings.jsonl": "listings_jsonl",
}


@pytest.mark.parametrize(("path", "fmt"), EXPECTED.items(), ids=lambda v: getattr(v, "name", v))
def test_format_is_detected_from_content_not_name(tmp_path, path, fmt):
    disguised = tmp_path / "evidence.bin"
    shutil.copyfile(path, disguised)
    assert detect_format(disguised) == fmt


@pytest.mark.parametrize("name", ["14_bank_statement_csv_beangulp_chase_style.csv",
                                  "17_ru_drug_trade_lexicon_fragments.txt"])
def test_unknown_layouts_are_refused(name):
    with pytest.raises(UnknownFormatError):
        detect_format(SAMPLES / name)
