"""Rows of CSV and XLSX evidence, streamed, each with its locator (line or sheet row)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from tools.errors import IngestError

Row = tuple[str, list[Any]]


def text_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) or, failing that, Windows-1251 as Kazakh banks export."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the end of the sample is still UTF-8.
        if exc.start < len(head) - 4:
            return "cp1251"
    return "utf-8"


def _dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def csv_rows(path: Path, name: str) -> Iterator[Row]:
    """('line:N', cells) per CSV record; N is the physical line the record starts on."""
    with path.open("rb") as fb:
        head = fb.read(64 * 1024)
    encoding = text_encoding(head)
    with path.open("r", encoding=encoding, newline="") as f:
        dialect = _dialect(head.decode(encoding, errors="ignore")[:16384])
        reader = csv.reader(f, dialect)
        start = 1
        try:
            for row in reader:
                yield f"line:{start}", row
                start = reader.line_num + 1
        except (csv.Error, UnicodeDecodeError) as exc:
            raise IngestError(name, f"line:{start}", f"malformed CSV: {exc}") from exc


def xlsx_rows(path: Path, name: str) -> Iterator[Row]:
    """('sheet:NAME!row:N', cells) for every row of every sheet, read-only (streamed)."""
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise IngestError(name, None, f"unreadable spreadsheet: {exc}") from exc
    try:
        for sheet in book.worksheets:
            for n, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield f"sheet:{sheet.title}!row:{n}", ["" if v is None else v for v in row]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise IngestError(name, None, f"unreadable spreadsheet: {exc}") from exc
    finally:
        book.close()


def table_rows(path: Path, name: str) -> Iterator[Row]:
    with path.open("rb") as f:
        is_zip = f.read(4) == b"PK\x03\x04"
    return xlsx_rows(path, name) if is_zip else csv_rows(path, name)


def cell_text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))


def first_row_text(path: Path) -> list[str]:
    """The header cells of a CSV, for format detection."""
    with path.open("rb") as fb:
        head = fb.read(64 * 1024)
    text = head.decode(text_encoding(head), errors="ignore")
    first = text.splitlines()[0] if text else ""
    return next(csv.reader(io.StringIO(first), _dialect(text[:16384])), [])
