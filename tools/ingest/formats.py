"""The evidence formats Tergeu reads, and detecting a file's format from its content."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from itertools import islice
from pathlib import Path

import ijson

from tools.errors import UnknownFormatError
from tools.ingest import bank, bitcoin, ethereum, listings, tagpack, telegram, tron
from tools.ingest.mappings import ColumnMapping, find_mapping
from tools.ingest.tabular import cell_text, first_row_text, table_rows, text_encoding
from tools.items import Item
from tools.limits import MAX_JSON_DEPTH
from tools.store.rows import RecordRows

HEAD_BYTES = 64 * 1024

Parser = Callable[[Path, str], Iterator[Item]]


@dataclass(frozen=True, slots=True)
class Head:
    """The first bytes of a file, as bytes and as text, for format detection."""

    raw: bytes
    text: str

    @property
    def is_zip(self) -> bool:
        return self.raw.startswith(b"PK\x03\x04")

    @property
    def json_start(self) -> str:
        stripped = self.text.lstrip("\ufeff \t\r\n")
        return stripped[:1]

    def has(self, *keys: str) -> bool:
        return all(f'"{k}"' in self.text for k in keys)


def read_head(path: Path, data: bytes | None = None) -> Head:
    """The head of `path`, or of its bytes `data` when they were read already."""
    if data is None:
        with path.open("rb") as f:
            raw = f.read(HEAD_BYTES)
    else:
        raw = data[:HEAD_BYTES]
    return Head(raw, raw.decode(text_encoding(raw), errors="ignore"))




def _json_format(head: Head) -> str | None:
    if head.json_start == "{":
        if head.has("token_transfers", "transaction_id"):
            return "tronscan_transfers"
        if head.has("data") and head.has("token_info", "transaction_id"):
            return "trongrid_trc20"
        if head.has("data") and head.has("txID", "raw_data"):
            return "trongrid_transactions"
        if head.has("status", "result") and (head.has("hash") or '"result":[]' in head.text
                                             or '"result": []' in head.text):
            return "etherscan_json"
        if head.has("chats", "list") or head.has("about", "personal_information"):
            return "telegram_export"
        if head.has("name", "type", "id", "messages"):
            return "telegram_chat"
        if head.has("txid", "vin", "vout"):
            return "esplora"
    if head.json_start == "[" and head.has("txid", "vin", "vout"):
        return "esplora"
    return None


def top_level_keys(path: Path, stop: frozenset[str] = frozenset({"messages", "chats"}),
                   max_keys: int = 100) -> set[str]:
    """Keys of a JSON object file's top level, streamed until one of `stop` (bounded work).

    A chat whose name is longer than the head pushes the keys that tell its format out of it;
    a shop picks its chat's name, so detection must not depend on the head alone.
    """
    keys: set[str] = set()
    depth = 0
    try:
        with path.open("rb") as f:
            for event, value in ijson.basic_parse(f):
                if event in ("start_map", "start_array"):
                    depth += 1
                    if depth > MAX_JSON_DEPTH:
                        break
                elif event in ("end_map", "end_array"):
                    depth -= 1
                elif event == "map_key" and depth == 1:
                    keys.add(value)
                    if value in stop or len(keys) >= max_keys:
                        break
    except ijson.JSONError:
        pass  # what was read so far decides; the parser names the damage later
    return keys


def detect_format(path: Path, mapping: ColumnMapping | None = None,
                  data: bytes | None = None) -> str:
    """The format name of `path` judged from its content; the file name plays no part.

    `data`: the file's bytes, if the caller read them already (one read per file)."""
    head = read_head(path, data)
    if head.is_zip:
        return _table_format(path, mapping)
    if not head.raw.strip():
        raise UnknownFormatError(path.name, "empty file")
    fmt = _json_format(head)
    if fmt:
        return fmt
    if head.json_start == "{" and len(head.raw) == HEAD_BYTES:
        keys = top_level_keys(path)
        if "chats" in keys:
            return "telegram_export"
        if {"name", "type", "id", "messages"} <= keys:
            return "telegram_chat"
    first_line = head.text.lstrip("\ufeff").split("\n", 1)[0]
    if head.json_start == "{" and first_line.rstrip().endswith("}"):
        return "listings_jsonl"
    if re.search(r"^tags:\s*$", head.text, re.M) and re.search(r"^\s*-\s*address:", head.text,
                                                                 re.M):
        return "tagpack"
    if head.json_start in ("{", "["):
        raise UnknownFormatError(path.name, "JSON of an unknown kind")
    header = [h.strip() for h in first_row_text(path)]
    if any(h in ethereum.CSV_HASH_COLUMNS for h in header) and "TokenValue" in header:
        return "etherscan_csv"
    return _table_format(path, mapping)


def _table_format(path: Path, mapping: ColumnMapping | None) -> str:
    for _, row in islice(table_rows(path, path.name), bank.HEADER_SEARCH_ROWS):
        found = find_mapping([cell_text(c) for c in row], mapping)
        if found is not None:
            return found.format
    raise UnknownFormatError(path.name, "no known layout (for another bank or market, "
                             "give a column mapping with --mapping)")


def parser_for(fmt: str, mapping: ColumnMapping | None) -> Parser:
    parsers: dict[str, Parser] = {
        "trongrid_trc20": tron.parse_trongrid_trc20,
        "trongrid_transactions": tron.parse_trongrid_transactions,
        "tronscan_transfers": tron.parse_tronscan_transfers,
        "etherscan_json": ethereum.parse_etherscan_json,
        "etherscan_csv": ethereum.parse_etherscan_csv,
        "esplora": bitcoin.parse_esplora,
        "telegram_chat": telegram.parse_telegram_chat,
        "telegram_export": telegram.parse_telegram_export,
        "bank_statement": partial(bank.parse_bank_statement, mapping=mapping),
        "listings": partial(listings.parse_listings, mapping=mapping),
        "listings_jsonl": partial(listings.parse_listings, mapping=mapping, jsonl=True),
        "tagpack": tagpack.parse_tagpack,
    }
    return parsers[fmt]


def rows_reader_for(fmt: str) -> Callable[[Path, str], RecordRows | None] | None:
    """The reader of a format's files straight to a SQLite store's rows, where one is worth
    having (a seizure's million TRC-20 transfers); None for the others (`record_rows` of their
    items then)."""
    return tron.trongrid_trc20_rows if fmt == "trongrid_trc20" else None


