"""Ethereum importers: Etherscan tokentx/txlist JSON and the ERC-20 "Download CSV Export"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from tools.errors import IngestError
from tools.ingest.amounts import from_units, parse_amount, token_decimals
from tools.ingest.ids import token_transfer_id
from tools.ingest.jsonio import json_array_items
from tools.ingest.tabular import csv_rows
from tools.ingest.times import from_epoch
from tools.items import Item, TransferRow
from tools.tokens import token_identity

# Both header variants of Etherscan's ERC-20 export: the older names the hash "Txhash".
CSV_HASH_COLUMNS = ("Transaction Hash", "Txhash")
_ADDRESS = re.compile(r"0x[0-9a-f]{40}")
_TXID = re.compile(r"0x[0-9a-fA-F]{64}")


def _ts(seconds: Any) -> datetime | None:
    return from_epoch(seconds) if seconds not in (None, "") else None


def _token_item(loc: str, tx: str, contract: str, symbol: str, frm: str, to: str,
                amount: Decimal, ts: datetime | None, extra: dict[str, Any]) -> Item:
    frm, to, contract = frm.lower(), to.lower(), contract.lower()
    for address in (frm, to):
        if not _ADDRESS.fullmatch(address):
            raise ValueError(f"not an Ethereum address: {address[:50]!r}")
    if not _TXID.fullmatch(tx):
        raise ValueError(f"not a transaction hash: {tx[:80]!r}")
    # Traced by contract: a contract calling itself "USDT" is not Tether's USDT.
    symbol, key, note = token_identity("eth", str(symbol)[:256], contract)
    rid = token_transfer_id("eth", tx, contract, frm, to, amount)
    data = {"chain": "eth", "tx": tx, "token": symbol, "token_contract": contract, "from": frm,
            "to": to, "amount": str(amount), "time": ts.isoformat() if ts else None, **extra}
    if key != symbol:
        data["token_key"] = key
    if note:
        data["token_note"] = note
    return Item(rid, "transfer", loc, ts, data,
                transfer=TransferRow("eth", key, frm, to, amount, ts, tx))


def parse_etherscan_json(path: Path, name: str) -> Iterator[Item]:
    for loc, t in json_array_items(path, name, "result.item"):
        try:
            ts = _ts(t.get("timeStamp"))
            if "tokenDecimal" in t or "tokenSymbol" in t:
                decimals = token_decimals(t.get("tokenDecimal") or 0)
                amount = from_units(t["value"], decimals)
                yield _token_item(
                    loc, t["hash"], t["contractAddress"], t.get("tokenSymbol", ""), t["from"],
                    t["to"], amount, ts,
                    {"decimals": decimals, "amount_raw": t["value"],
                     "block": t.get("blockNumber")},
                )
            else:
                amount = from_units(t["value"], 18)
                status = "FAILED" if t.get("isError") == "1" else "SUCCESS"
                frm, to = t["from"].lower(), (t.get("to") or "").lower() or None
                data = {"chain": "eth", "tx": t["hash"], "token": "ETH", "from": frm, "to": to,
                        "amount": str(amount), "time": ts.isoformat() if ts else None,
                        "status": status, "block": t.get("blockNumber")}
                yield Item(f"eth:{t['hash']}", "transfer", loc, ts, data,
                           transfer=TransferRow("eth", "ETH", frm, to, amount, ts, t["hash"]))
        except (KeyError, ValueError, TypeError) as exc:
            raise IngestError(name, loc, f"bad Etherscan transaction: {exc}") from exc


def parse_etherscan_csv(path: Path, name: str) -> Iterator[Item]:
    rows = csv_rows(path, name)
    header_loc, header = next(rows, (None, None))
    if header is None:
        return
    col = {h.strip(): i for i, h in enumerate(header)}
    hash_col = next((c for c in CSV_HASH_COLUMNS if c in col), None)
    if hash_col is None:
        raise IngestError(name, header_loc, "no transaction hash column")
    for loc, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        try:
            def cell(key: str, row: list[str] = row) -> str:
                return row[col[key]].strip()

            amount = parse_amount(cell("TokenValue"), ".")
            usd = cell("USDValueDayOfTx") if "USDValueDayOfTx" in col else "N/A"
            yield _token_item(
                loc, cell(hash_col), cell("ContractAddress"), cell("TokenSymbol"), cell("From"),
                cell("To"), amount, _ts(cell("UnixTimestamp")),
                {"block": cell("Blockno"), "token_name": cell("TokenName"),
                 "usd_value": None if usd in ("", "N/A") else str(parse_amount(usd, "."))},
            )
        except (KeyError, IndexError, ValueError) as exc:
            raise IngestError(name, loc, f"bad Etherscan export row: {exc}") from exc
