"""Bitcoin importer: Esplora / mempool.space `/tx/:txid` and `/address/:a/txs` JSON."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from tools.errors import IngestError
from tools.ingest.amounts import from_units
from tools.ingest.jsonio import json_array_items, load_json
from tools.ingest.times import from_epoch
from tools.items import Item, TransferRow


def _transactions(path: Path, name: str, single: bool) -> Iterator[tuple[str, Any]]:
    if single:
        yield "", load_json(path, name)
    else:
        yield from json_array_items(path, name, "item")


def parse_esplora(path: Path, name: str) -> Iterator[Item]:
    """One `transfer` record per output, `btc:<txid>:<vout>`, carrying the spent inputs."""
    with path.open("rb") as f:
        single = f.read(4096).lstrip()[:1] == b"{"
    for loc, tx in _transactions(path, name, single):
        try:
            yield from _outputs(loc, tx)
        except (KeyError, TypeError, ValueError) as exc:
            raise IngestError(name, loc or "/", f"bad Esplora transaction: {exc}") from exc


def _outputs(loc: str, tx: dict[str, Any]) -> Iterator[Item]:
    txid = tx["txid"]
    status = tx.get("status") or {}
    ts = from_epoch(status["block_time"]) if status.get("block_time") else None
    inputs: list[dict[str, Any]] = []
    for vin in tx["vin"]:
        prev = vin.get("prevout") or {}
        inputs.append({
            "spends": None if vin.get("is_coinbase") else f"btc:{vin['txid']}:{vin['vout']}",
            "address": prev.get("scriptpubkey_address") or None,
            "value": str(from_units(prev.get("value", 0), 8)),
        })
    # Value moves from the inputs jointly; the largest input stands for them in the transfer
    # table, and all of them stay in the record for tracing policies that split by input.
    funded = [i for i in inputs if i["address"]]
    main_input = max(funded, key=lambda i: Decimal(str(i["value"])))["address"] if funded else None
    for n, out in enumerate(tx["vout"]):
        amount = from_units(out.get("value", 0), 8)
        to = out.get("scriptpubkey_address") or None
        data = {
            "chain": "btc", "tx": txid, "vout": n, "to": to, "amount": str(amount),
            "script_type": out.get("scriptpubkey_type"), "inputs": inputs,
            "fee": str(from_units(tx.get("fee", 0), 8)), "confirmed": bool(status.get("confirmed")),
            "block_height": status.get("block_height"), "time": ts.isoformat() if ts else None,
        }
        if out.get("scriptpubkey_type") == "op_return":
            data["op_return"] = out.get("scriptpubkey", "")
        yield Item(f"btc:{txid}:{n}", "transfer", f"{loc}/vout/{n}", ts, data,
                   transfer=TransferRow("btc", "BTC", main_input, to, amount, ts, txid))
