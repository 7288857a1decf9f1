"""The evidence vault: original files kept by SHA-256, and the bytes behind a record's locator."""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
import threading
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from tools.errors import TergeuError
from tools.ingest.tabular import text_encoding
from tools.jsonspan import pointer_span

CSV_FORMATS = {"bank_statement", "listings", "etherscan_csv"}


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def vault_path(evidence_dir: Path, sha256: str) -> Path:
    return evidence_dir / sha256[:2] / sha256


def keep_copy(evidence_dir: Path, path: Path, sha256: str, data: bytes | None = None) -> bool:
    """Copy the original into the vault (once); records cite this copy, never the input path.
    Whether this call made the copy (False: the vault held it already).

    `data`: the file's bytes if the caller read them already (written instead of copied)."""
    target = vault_path(evidence_dir, sha256)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        # A name of this writer's own: two imports (or two workers of one) keeping the same
        # file at once each write a whole copy and the last rename wins.
        tmp = target.with_suffix(f".{os.getpid()}-{threading.get_ident()}.part")
        try:
            if data is None:
                shutil.copyfile(path, tmp)
            else:
                tmp.write_bytes(data)
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)  # a name of its own: nothing else would remove it
            raise
        return True
    return False


_SHEET_ROW = re.compile(r"^sheet:(?P<sheet>.+)!row:(?P<row>\d+)$")


def source_excerpt(evidence_dir: Path, sha256: str, locator: str, fmt: str = "") -> str:
    """The text of the evidence at `locator`, read from the vault copy and checked by hash.

    `fmt` (the file's detected format) says how far a `line:N` record reaches: a CSV record
    may span quoted line breaks, a YAML tag runs over its indented lines.
    """
    path = vault_path(evidence_dir, sha256)
    if not path.exists():
        raise TergeuError(f"evidence file {sha256} is missing from the vault {evidence_dir}")
    if sha256_of(path) != sha256:
        raise TergeuError(f"evidence file {sha256} in the vault no longer matches its SHA-256")
    if locator.startswith("line:"):
        line = int(locator[5:])
        if fmt == "tagpack":
            return _yaml_item_at(path, line)
        if fmt in CSV_FORMATS:
            return _csv_record_at(path, line)
        return "".join(islice(_lines_from(path, line), 1)).rstrip("\r\n")
    if m := _SHEET_ROW.match(locator):
        return _sheet_row(path, m["sheet"], int(m["row"]))
    text = path.read_text(encoding="utf-8-sig")
    try:
        start, end = pointer_span(text, locator)
    except KeyError as exc:
        raise TergeuError(f"pointer {locator} not found in evidence file {sha256}") from exc
    return text[start:end]


def _lines_from(path: Path, line: int) -> Iterator[str]:
    with path.open(encoding=text_encoding(path.read_bytes()[:65536]), errors="replace",
                   newline="") as f:
        yield from islice(f, line - 1, None)


def _yaml_item_at(path: Path, line: int) -> str:
    """Line `line` (a '- address:' item) and the more-indented lines under it."""
    lines = _lines_from(path, line)
    first = next(lines, "").rstrip("\r\n")
    indent = len(first) - len(first.lstrip(" "))
    out = [first]
    for text in lines:
        text = text.rstrip("\r\n")
        if not text.strip() or len(text) - len(text.lstrip(" ")) <= indent:
            break
        out.append(text)
    return "\n".join(out)


def _csv_record_at(path: Path, line: int) -> str:
    """The physical lines of the CSV record starting at `line` (quoted fields may span lines)."""
    consumed: list[str] = []

    def feed() -> Iterator[str]:
        for text in _lines_from(path, line):
            consumed.append(text)
            yield text

    next(csv.reader(feed()), None)
    return "".join(consumed).rstrip("\r\n")


def _sheet_row(path: Path, sheet: str, row: int) -> str:
    from openpyxl import load_workbook  # XLSX excerpts only: keeps the CLI's start fast

    with path.open("rb") as fh:
        book = load_workbook(fh, read_only=True, data_only=True)
        try:
            cells = next(book[sheet].iter_rows(min_row=row, max_row=row, values_only=True), ())
            return " | ".join("" if c is None else str(c) for c in cells)
        finally:
            book.close()
