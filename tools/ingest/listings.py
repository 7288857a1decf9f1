"""Listings (market or channel offers) from CSV or JSONL through a column mapping."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from tools.errors import IngestError
from tools.ingest.amounts import parse_amount
from tools.ingest.bank import Layout, find_header, parse_date
from tools.ingest.ids import short_hash
from tools.ingest.mappings import ColumnMapping, find_mapping
from tools.ingest.tabular import Row, cell_text, csv_rows
from tools.items import Item
from tools.shop_links import market_shop_id

NA = {"", "NA", "N/A", "null", "None"}


def jsonl_rows(path: Path, name: str) -> Iterator[tuple[str, dict[str, Any]]]:
    with path.open("rb") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                obj = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise IngestError(name, f"line:{n}", f"malformed JSON line: {exc.msg}") from exc
            if not isinstance(obj, dict):
                raise IngestError(name, f"line:{n}", "expected a JSON object")
            yield f"line:{n}", obj


def _jsonl_as_table(path: Path, name: str, mapping: ColumnMapping | None
                    ) -> tuple[Layout, Iterator[Row]]:
    objects = jsonl_rows(path, name)
    first = next(objects, None)
    if first is None:
        raise IngestError(name, None, "empty listings file")
    keys = list(first[1])
    found = find_mapping(keys, mapping)
    if found is None or found.format != "listings":
        raise IngestError(name, first[0], "no listings mapping fits these keys "
                          "(give a column mapping with --mapping)")

    def rows() -> Iterator[Row]:
        for loc, obj in itertools.chain([first], objects):
            yield loc, [obj.get(k, "") for k in keys]

    return Layout(found, {k: i for i, k in enumerate(keys)}), rows()


def _text(layout: Layout, row: list[Any], key: str) -> str:
    column = layout.mapping.columns.get(key)
    if isinstance(column, list):
        parts = [cell_text(row[layout.index[c]]) for c in column if layout.index[c] < len(row)]
        return " / ".join(p for p in parts if p not in NA)
    value = layout.text(row, key)
    return "" if value in NA else value


def parse_listings(path: Path, name: str, mapping: ColumnMapping | None = None,
                   jsonl: bool = False) -> Iterator[Item]:
    """One `listing` record per row: `listing:<source>/<id column, or row hash>`."""
    if jsonl:
        layout, rows = _jsonl_as_table(path, name, mapping)
    else:
        rows = csv_rows(path, name)
        layout, _title = find_header(rows, name, mapping, "listings")
    m = layout.mapping
    for loc, row in rows:
        if not any(cell_text(c) for c in row):
            continue
        try:
            fields = {k: _text(layout, row, k) for k in m.columns}
            fields.update({k: v for k, v in m.constants.items() if not fields.get(k)})
            key = fields.get("id") or short_hash(*(cell_text(c) for c in row))
            if fields.get("price"):
                fields["price"] = str(parse_amount(fields["price"], m.decimal))
            ts = parse_date(fields["date"], m) if fields.get("date") else None
        except ValueError as exc:
            raise IngestError(name, loc, str(exc)) from exc
        text = fields.get("text") or fields.get("title") or ""
        vendor = fields.get("vendor")
        yield Item(f"listing:{m.source}/{key}", "listing", loc, ts,
                   {**fields, "market": m.name}, text=text,
                   shop=market_shop_id(m.source, vendor) if vendor else None)
