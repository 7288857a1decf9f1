"""Malformed evidence for fuzzing the importers: real sample files, broken the ways files break.

Byte-level damage (truncation, flipped and inserted bytes, a chunk cut out) for every format,
and structural damage for JSON (a key removed, a value replaced by any JSON value) so inputs
still parse but no longer say what the importer expects.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from tests.conftest import EVIDENCE, SAMPLES

FUZZ_SAMPLES = {
    "trongrid_trc20": SAMPLES / "01_trongrid_trc20_ledger.json",
    "trongrid_transactions": SAMPLES / "02_trongrid_trx_transactions_ledger.json",
    "etherscan_tokentx": SAMPLES / "03_etherscan_tokentx_ryanc414.json",
    "etherscan_csv": SAMPLES / "05_etherscan_erc20_export_privatefolio.csv",
    "esplora": SAMPLES / "07_esplora_address_txs_style_mempool_random.json",
    "telegram_chat": SAMPLES / "09_telegram_result_chatstyle.json",
    "agora_csv": SAMPLES / "11_agora_listings_sample_mozzarellaV8.csv",
    "tronscan": SAMPLES / "16_tronscan_token_transfers_captured.json",
    "halyk_csv": EVIDENCE / "halyk_statement.csv",
    "kaspi_xlsx": EVIDENCE / "kaspi_statement.xlsx",
    "listings_jsonl": EVIDENCE / "listings.jsonl",
    "tagpack": EVIDENCE / "tagpack_exchanges.yaml",
}

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=6)


def _paths(obj: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(obj, dict):
        for k, v in list(obj.items())[:30]:
            out += _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj[:5]):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def damaged_json(draw: st.DrawFn, original: bytes) -> bytes:
    doc = json.loads(original)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        if draw(st.booleans()) and isinstance(parent, dict):
            parent.pop(path[-1], None)
        else:
            parent[path[-1]] = draw(_json_values)
    return json.dumps(doc, ensure_ascii=False).encode()


@st.composite
def damaged_bytes(draw: st.DrawFn, original: bytes) -> bytes:
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        how = draw(st.sampled_from(["truncate", "flip", "insert", "cut"]))
        if how == "truncate":
            del data[at:]
        elif how == "flip":
            data[at] = draw(st.integers(0, 255))
        elif how == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        else:
            del data[at:at + draw(st.integers(1, 64))]
    return bytes(data)


def damaged(path: Path) -> st.SearchStrategy[bytes]:
    original = path.read_bytes()
    if path.suffix == ".json":
        return st.one_of(damaged_json(original), damaged_bytes(original))
    return damaged_bytes(original)
