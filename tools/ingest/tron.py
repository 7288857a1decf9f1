"""TRON importers: TronGrid TRC-20 and account-transaction pages, TronScan token transfers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import base58

from tools.errors import IngestError
from tools.ingest.amounts import EXACT, from_units, token_decimals
from tools.ingest.ids import short_hash, token_transfer_id
from tools.ingest.jsonio import json_array_items
from tools.ingest.times import from_epoch
from tools.items import Item, TransferRow
from tools.limits import MAX_FRACTION_DIGITS
from tools.store.bulk import json_text
from tools.store.identifiers import wallet_pair
from tools.store.rows import RecordRow, RecordRows, StoredTransfer
from tools.tokens import clean_symbol, token_identity, valid_contract

USDT = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
# TRC-20 contracts whose transfer() calls are decoded from raw transactions (symbol, decimals).
KNOWN_TRC20 = {
    USDT: ("USDT", 6),
    "TEkxiTehnzSmSe2XqrBj4w32RUN966rdz8": ("USDC", 6),
}
_TRANSFER_SELECTOR = "a9059cbb"
_TXID = re.compile(r"[0-9a-fA-F]{64}")


def hex_to_base58(hex_address: str) -> str:
    """'41…' (21 bytes hex) to the base58check 'T…' form."""
    return base58.b58encode_check(bytes.fromhex(hex_address)).decode()


def _ts(ms: Any) -> datetime | None:
    return from_epoch(ms, per_second=1000) if ms is not None else None


def _transfer_item(loc: str, tx: str, token: str, symbol: str, decimals: int, frm: str,
                   to: str, raw: str | int, ts: datetime | None, status: str,
                   extra: dict[str, Any] | None = None) -> Item:
    amount = from_units(raw, decimals)
    if not (valid_contract("tron", frm) and valid_contract("tron", to)):
        bad = to if valid_contract("tron", frm) else frm
        raise ValueError(f"not a TRON address: {str(bad)[:50]!r}")
    if not isinstance(tx, str) or not _TXID.fullmatch(tx):
        raise ValueError(f"not a transaction id: {str(tx)[:80]!r}")
    if token == "TRX" or token.startswith("TRC10:"):
        symbol, key, note = clean_symbol(symbol), token, None
    else:
        # Traced by contract: a contract calling itself "USDT" is not Tether's USDT.
        symbol, key, note = token_identity("tron", str(symbol)[:256], token)
    rid = token_transfer_id("tron", tx, token, frm, to, amount)
    data = {
        "chain": "tron", "tx": tx, "token": symbol, "token_contract": token,
        "decimals": decimals, "from": frm, "to": to, "amount": str(amount),
        "amount_raw": str(raw), "time": ts.isoformat() if ts else None, "status": status,
        **(extra or {}),
    }
    if key != symbol:
        data["token_key"] = key
    if note:
        data["token_note"] = note
    transfer = TransferRow("tron", key, frm, to, amount, ts, tx)
    return Item(rid, "transfer", loc, ts, data, transfer=transfer)


def _reason(exc: Exception) -> str:
    return f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)


def _trc20_item(loc: str, t: dict[str, Any]) -> Item:
    info = t["token_info"]
    return _transfer_item(
        loc, t["transaction_id"], info["address"], info.get("symbol", ""),
        token_decimals(info["decimals"]), t["from"], t["to"], t["value"],
        _ts(t.get("block_timestamp")), "SUCCESS",
    )


# The common shape of a TronGrid transfer, read without the general checks' function calls:
# digit-string units of at most 38 digits, a millisecond time from 1970 to 2100, addresses
# already seen valid. Anything else goes through `_trc20_item`, which raises what it always did.
_SHORT_UNITS = re.compile(r"[0-9]{1,38}")
_MAX_MS = 4_102_444_800_000  # 2100-01-01
# Addresses (and token identities) remembered as checked, in a process; past this many the
# memory is cleared rather than grown.
_KNOWN_ADDRESSES = 100_000


class _Trc20Reader:
    """Caches of what the fast path checked once: token identities and addresses (a case's
    pages name the same tokens and wallets over and over). Shared by every file a process
    reads: entries are facts about strings, the same whoever asks."""

    def __init__(self) -> None:
        # (contract, symbol, decimals) → (contract, symbol shown, key, note, decimals)
        self.tokens: dict[tuple[str, str, Any], tuple[str, str, str, str | None, int]] = {}
        # Checked addresses, each kept as one string object: a worker's rows name the same
        # wallets over and over, and shared strings pickle (and come back) once per file.
        self.addresses: dict[str, str] = {}
        # (from, to) → the transfer's identifiers, one tuple per pair for the same reason.
        self.pairs: dict[tuple[str, str], tuple[str, ...]] = {}
        # (symbol, key, note) → the JSON text of the token and of what follows "status".
        self.token_json: dict[tuple[str, str, str | None], tuple[str, str]] = {}

    def token(self, info: Any) -> tuple[str, str, str, str | None, int] | None:
        if type(info) is not dict:
            return None
        contract, symbol, decimals = info.get("address"), info.get("symbol", ""), \
            info.get("decimals")
        if type(contract) is not str or type(symbol) is not str or type(decimals) not in (
                int, str):
            return None
        key = (contract, symbol, decimals)
        known = self.tokens.get(key)
        if known is None:
            if len(self.tokens) >= _KNOWN_ADDRESSES:
                self.tokens.clear()
                self.token_json.clear()
            try:
                places = token_decimals(decimals)
                if not valid_contract("tron", contract):
                    return None
                shown, token_key, note = token_identity("tron", symbol[:256], contract)
            except ValueError:
                return None
            known = self.tokens[key] = (contract, shown, token_key, note, places)
        return known

    def address(self, value: Any) -> str | None:
        """`value` if it is a TRON address (the first string object seen of it), else None."""
        known = self.addresses.get(value) if type(value) is str else None
        if known is not None:
            return known
        if not valid_contract("tron", value):
            return None
        if len(self.addresses) >= _KNOWN_ADDRESSES:
            self.addresses.clear()
        self.addresses[value] = value
        return value

    def pair(self, frm: str, to: str) -> tuple[str, ...]:
        """`wallet_pair` of two checked addresses (34 characters: always a pair)."""
        known = self.pairs.get((frm, to))
        if known is None:
            if len(self.pairs) >= _KNOWN_ADDRESSES:
                self.pairs.clear()
            known = self.pairs[(frm, to)] = wallet_pair("tron", frm, to) or ()
        return known

    def usual(self, t: Any) -> _Usual | None:
        """The parts of a transfer of the common shape, checked; None for anything else."""
        if type(t) is not dict or t.get("type", "Transfer") != "Transfer":
            return None
        token = self.token(t.get("token_info"))
        # Any until checked below: the addresses by `address`, the others by type.
        tx: Any = t.get("transaction_id")
        raw, ms = t.get("value"), t.get("block_timestamp")
        if (token is None or type(raw) is not str or type(ms) is not int
                or type(tx) is not str or not 0 <= ms < _MAX_MS
                or not _SHORT_UNITS.fullmatch(raw) or not _TXID.fullmatch(tx)
                or token[4] > MAX_FRACTION_DIGITS):  # rounded down by `from_units`
            return None
        frm, to = self.address(t.get("from")), self.address(t.get("to"))
        if frm is None or to is None:
            return None
        return token, tx, frm, to, raw, ms

    def item(self, loc: str, t: Any) -> Item | None:
        """The transfer of `t` if it has the common shape, else None (`_trc20_item` then)."""
        usual = self.usual(t)
        if usual is None:
            return None
        (contract, symbol, key, note, decimals), tx, frm, to, raw, ms = usual
        # As `from_units`: exact, no float (38 digits are within EXACT's precision).
        amount = Decimal(int(raw)).scaleb(-decimals, context=EXACT)
        ts = datetime.fromtimestamp(ms / 1000, UTC)
        rid = f"tron:{tx}#{short_hash(contract, frm, to, _canonical(raw, decimals))}"
        data = {
            "chain": "tron", "tx": tx, "token": symbol, "token_contract": contract,
            "decimals": decimals, "from": frm, "to": to, "amount": str(amount),
            "amount_raw": raw, "time": ts.isoformat(), "status": "SUCCESS",
        }
        if key != symbol:
            data["token_key"] = key
        if note:
            data["token_note"] = note
        return Item(rid, "transfer", loc, ts, data,
                    transfer=TransferRow("tron", key, frm, to, amount, ts, tx))

    def rows(self, n: int, loc: str, t: Any
             ) -> tuple[RecordRow, StoredTransfer, tuple[str, ...]] | None:
        """`item(loc, t)` as `record_rows` writes it (the `n`-th record of its file), built
        from the digits and the milliseconds without a Decimal, a datetime or a dict; None
        where `item` is None or the amount's text needs a Decimal's rules."""
        usual = self.usual(t)
        if usual is None:
            return None
        (contract, symbol, key, note, decimals), tx, frm, to, raw, ms = usual
        amount = _amount_text(raw, decimals)
        if amount is None:
            return None
        day, rest = divmod(ms, 86_400_000)
        on = _DAYS.get(day) or _day(day)
        seconds, millis = divmod(rest, 1000)
        hours, seconds = divmod(seconds, 3600)
        clock = f"{hours:02d}:{seconds // 60:02d}:{seconds % 60:02d}"
        when = f"{on} {clock}.{millis:03d}000"
        iso = f"{on}T{clock}.{millis:03d}000+00:00" if millis else f"{on}T{clock}+00:00"
        token_json, extra_json = self.json_parts(symbol, key, note)
        rid = f"tron:{tx}#{short_hash(contract, frm, to, _canonical(raw, decimals))}"
        # `json_text` of `item`'s data, written out: every value here is checked text of a
        # known alphabet (hex, base58, digits) except the token's, serialised by orjson.
        data = (f'{{"chain":"tron","tx":"{tx}","token":{token_json},"token_contract":'
                f'"{contract}","decimals":{decimals},"from":"{frm}","to":"{to}","amount":'
                f'"{amount}","amount_raw":"{raw}","time":"{iso}","status":"SUCCESS"'
                f'{extra_json}}}')
        # Checked TRON addresses are 34 characters: always a pair of identifiers.
        return ((rid, "transfer", loc, when, None, data),
                (n, "tron", key, frm, to, amount, when, tx), self.pair(frm, to))

    def json_parts(self, symbol: str, key: str, note: str | None) -> tuple[str, str]:
        """The token's JSON text in a transfer's data, and what follows "status"."""
        known = self.token_json.get((symbol, key, note))
        if known is None:
            if len(self.token_json) >= _KNOWN_ADDRESSES:
                self.token_json.clear()
            extra = ""
            if key != symbol:
                extra += f',"token_key":{json_text(key)}'
            if note:
                extra += f',"token_note":{json_text(note)}'
            known = self.token_json[(symbol, key, note)] = (json_text(symbol), extra)
        return known


# (token, tx, from, to, units, milliseconds) of a transfer of the common shape.
_Usual = tuple[tuple[str, str, str, str | None, int], str, str, str, str, int]


def _canonical(raw: str, decimals: int) -> str:
    """`canonical(amount)` of `raw` units (digits) with `decimals` places, from the digits."""
    digits = raw.lstrip("0")
    if not digits:
        return "0"
    if not decimals:
        return digits
    if len(digits) <= decimals:
        digits = "0" * (decimals - len(digits) + 1) + digits
    frac = digits[-decimals:].rstrip("0")
    return f"{digits[:-decimals]}.{frac}" if frac else digits[:-decimals]


def _amount_text(raw: str, decimals: int) -> str | None:
    """`str` of `Decimal(int(raw)).scaleb(-decimals)`, from the digits, which is also its
    `format(…, "f")`; None where `str` would use an exponent (a Decimal writes those)."""
    digits = raw.lstrip("0") or "0"
    if not decimals:
        return digits
    if digits != "0" and len(digits) - 1 - decimals < -6:
        return None
    if digits == "0" and decimals > 6:
        return None
    padded = digits.rjust(decimals + 1, "0")
    return f"{padded[:-decimals]}.{padded[-decimals:]}"


_DAYS: dict[int, str] = {}
_KNOWN_DAYS = 100_000  # past this many the memory is cleared rather than grown


def _day(day: int) -> str:
    """The date of `day` days after 1970-01-01, remembered (a case spans few days)."""
    if len(_DAYS) >= _KNOWN_DAYS:
        _DAYS.clear()
    text = _DAYS[day] = (date(1970, 1, 1) + timedelta(days=day)).isoformat()
    return text


_TRC20_READER = _Trc20Reader()


def trongrid_trc20_rows(path: Path, name: str) -> RecordRows | None:
    """A TronGrid TRC-20 page as a SQLite store's rows, built without an `Item` per transfer
    (what `parse_trongrid_trc20` gives, as `record_rows` writes it), or None if any of its
    transfers is not of the common shape (the page is then read by the general path)."""
    fast = _TRC20_READER
    out = RecordRows([], [], [])
    records, transfers, identifiers = out.records, out.transfers, out.identifiers
    for n, (loc, t) in enumerate(json_array_items(path, name, "data.item")):
        rows = fast.rows(n, loc, t)
        if rows is None:
            return None
        records.append(rows[0])
        transfers.append(rows[1])
        identifiers.append(rows[2])
    return out


def parse_trongrid_trc20(path: Path, name: str) -> Iterator[Item]:
    fast = _TRC20_READER
    for loc, t in json_array_items(path, name, "data.item"):
        item = fast.item(loc, t)
        if item is not None:
            yield item
            continue
        if t.get("type", "Transfer") != "Transfer":
            continue
        try:
            yield _trc20_item(loc, t)
        except (KeyError, TypeError, ValueError) as exc:
            raise IngestError(name, loc, f"bad TRC-20 transfer: {_reason(exc)}") from exc


def parse_tronscan_transfers(path: Path, name: str) -> Iterator[Item]:
    for loc, t in json_array_items(path, name, "token_transfers.item"):
        info = t.get("tokenInfo") or {}
        status = t.get("finalResult") or t.get("contractRet") or "SUCCESS"
        if t.get("revert"):
            status = "REVERT"
        try:
            yield _transfer_item(
                loc, t["transaction_id"], t["contract_address"], info.get("tokenAbbr", ""),
                token_decimals(info.get("tokenDecimal", 0)), t["from_address"], t["to_address"],
                t["quant"], _ts(t.get("block_ts")), status, {"confirmed": t.get("confirmed")},
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise IngestError(name, loc, f"bad TronScan transfer: {_reason(exc)}") from exc


def parse_trongrid_transactions(path: Path, name: str) -> Iterator[Item]:
    """Native TRX (and TRC-10) transfers; transfer() calls of known TRC-20 tokens decoded."""
    for loc, t in json_array_items(path, name, "data.item"):
        if "txID" not in t or "raw_data" not in t:
            raise IngestError(name, loc, "transaction without txID or raw_data")
        tx, raw = t["txID"], t["raw_data"]
        ts = _ts(t.get("block_timestamp") or raw.get("timestamp"))
        status = (t.get("ret") or [{}])[0].get("contractRet", "SUCCESS")
        for contract in raw.get("contract", []):
            value = contract.get("parameter", {}).get("value", {})
            kind = contract.get("type")
            try:
                if kind == "TransferContract":
                    yield _transfer_item(
                        loc, tx, "TRX", "TRX", 6, hex_to_base58(value["owner_address"]),
                        hex_to_base58(value["to_address"]), value["amount"], ts, status,
                    )
                elif kind == "TransferAssetContract":
                    asset = clean_symbol(str(value["asset_name"])[:64])
                    # TRC-10 precision is per token and absent here: amounts stay in units.
                    yield _transfer_item(
                        loc, tx, f"TRC10:{asset}", f"TRC10:{asset}", 0,
                        hex_to_base58(value["owner_address"]),
                        hex_to_base58(value["to_address"]), value["amount"], ts, status,
                    )
                elif kind == "TriggerSmartContract":
                    item = _decode_trc20_call(loc, tx, value, ts, status)
                    if item is not None:
                        yield item
            except (KeyError, ValueError) as exc:
                raise IngestError(name, loc, f"bad {kind} contract: {_reason(exc)}") from exc


def _decode_trc20_call(loc: str, tx: str, value: dict[str, Any], ts: datetime | None,
                       status: str) -> Item | None:
    data = value.get("data", "")
    token = hex_to_base58(value["contract_address"])
    if not data.startswith(_TRANSFER_SELECTOR) or token not in KNOWN_TRC20 or len(data) < 136:
        return None
    symbol, decimals = KNOWN_TRC20[token]
    to = hex_to_base58("41" + data[8 + 24 : 8 + 64])
    raw = int(data[8 + 64 : 8 + 128], 16)
    frm = hex_to_base58(value["owner_address"])
    return _transfer_item(loc, tx, token, symbol, decimals, frm, to, raw, ts, status)
