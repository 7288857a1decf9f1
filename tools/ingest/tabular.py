"""Rows of CSV and XLSX evidence, streamed, each with its locator (line or sheet row)."""

from __future__ import annotations

import csv
import io
import threading
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

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


def _delimiter(sample: str) -> str:
    """The delimiter that splits the most sample rows into the same, largest number of cells.

    csv.Sniffer guesses wrong on statements whose title block has one cell per line.
    """
    lines = sample.splitlines()[:60]
    best, best_score = ",", 0
    for delim in (",", ";", "\t"):
        try:
            widths = Counter(len(r) for r in csv.reader(lines, delimiter=delim) if len(r) > 1)
        except csv.Error:
            continue
        if widths:
            width, count = widths.most_common(1)[0]
            if width * count > best_score:
                best, best_score = delim, width * count
    return best


def csv_rows(path: Path, name: str) -> Iterator[Row]:
    """('line:N', cells) per CSV record; N is the physical line the record starts on."""
    with path.open("rb") as fb:
        head = fb.read(64 * 1024)
    encoding = text_encoding(head)
    with path.open("r", encoding=encoding, newline="") as f:
        reader = csv.reader(f, delimiter=_delimiter(head.decode(encoding, errors="ignore")))
        start = 1
        try:
            for row in reader:
                yield f"line:{start}", row
                start = reader.line_num + 1
        except (csv.Error, UnicodeDecodeError) as exc:
            raise IngestError(name, f"line:{start}", f"malformed CSV: {exc}") from exc


_books = threading.local()


@contextmanager
def workbooks_kept() -> Iterator[None]:
    """Within this block a spreadsheet is opened once, however often its rows are read
    (format detection, then parsing), and closed at the end of the block. Opening one costs
    more than reading its rows: its styles and sheets are parsed first."""
    _books.open = {}
    try:
        yield
    finally:
        kept, _books.open = _books.open, None
        for fh, book in kept.values():
            book.close()
            fh.close()


def _workbook(path: Path, name: str) -> tuple[Any, IO[bytes] | None]:
    """The read-only workbook of `path`, and its file to close after reading, or None if both
    are kept open (`workbooks_kept`)."""
    # openpyxl (and numpy under it) is imported by XLSX work only: `tergeu record` on a chat
    # message must not pay for it.
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    kept: dict[Path, tuple[IO[bytes], Any]] | None = getattr(_books, "open", None)
    if kept is not None and path in kept:
        return kept[path][1], None
    # A file object, not a path: openpyxl refuses names without an .xlsx suffix.
    fh = path.open("rb")
    try:
        book = load_workbook(fh, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        fh.close()
        raise IngestError(name, None, f"unreadable spreadsheet: {exc}") from exc
    except BaseException:
        fh.close()
        raise
    if kept is None:
        return book, fh
    kept[path] = (fh, book)
    return book, None


def xlsx_rows(path: Path, name: str) -> Iterator[Row]:
    """('sheet:NAME!row:N', cells) for every row of every sheet, read-only (streamed)."""
    book, fh = _workbook(path, name)
    try:
        for sheet in book.worksheets:
            for n, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield f"sheet:{sheet.title}!row:{n}", ["" if v is None else v for v in row]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise IngestError(name, None, f"unreadable spreadsheet: {exc}") from exc
    finally:
        if fh is not None:
            book.close()
            fh.close()


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
    return next(csv.reader(io.StringIO(first), delimiter=_delimiter(text)), [])
