"""The evidence vault: original files kept by SHA-256, and the bytes behind a record's locator."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

from json_source_map import calculate
from openpyxl import load_workbook

from tools.errors import TergeuError


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def vault_path(evidence_dir: Path, sha256: str) -> Path:
    return evidence_dir / sha256[:2] / sha256


def keep_copy(evidence_dir: Path, path: Path, sha256: str) -> Path:
    """Copy the original into the vault (once); records cite this copy, never the input path."""
    target = vault_path(evidence_dir, sha256)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".part")
        shutil.copyfile(path, tmp)
        os.replace(tmp, target)
    return target


_SHEET_ROW = re.compile(r"^sheet:(?P<sheet>.+)!row:(?P<row>\d+)$")


def source_excerpt(evidence_dir: Path, sha256: str, locator: str) -> str:
    """The text of the evidence at `locator`, read from the vault copy and checked by hash."""
    path = vault_path(evidence_dir, sha256)
    if not path.exists():
        raise TergeuError(f"evidence file {sha256} is missing from the vault {evidence_dir}")
    if sha256_of(path) != sha256:
        raise TergeuError(f"evidence file {sha256} in the vault no longer matches its SHA-256")
    if locator.startswith("line:"):
        return _lines_at(path, int(locator[5:]))
    if m := _SHEET_ROW.match(locator):
        return _sheet_row(path, m["sheet"], int(m["row"]))
    text = path.read_text(encoding="utf-8-sig")
    entry = calculate(text).get(locator)
    if entry is None:
        raise TergeuError(f"pointer {locator} not found in evidence file {sha256}")
    return text[entry.value_start.position : entry.value_end.position]


def _lines_at(path: Path, line: int) -> str:
    """Line `line` and the more-indented lines under it (a YAML tag's body)."""
    out: list[str] = []
    with path.open(encoding="utf-8", errors="replace") as f:
        for n, text in enumerate(f, start=1):
            if n < line:
                continue
            text = text.rstrip("\r\n")
            if n == line:
                out.append(text)
                indent = len(text) - len(text.lstrip(" -"))
                continue
            if not text.strip() or len(text) - len(text.lstrip(" ")) < indent:
                break
            out.append(text)
    return "\n".join(out)


def _sheet_row(path: Path, sheet: str, row: int) -> str:
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        cells = next(book[sheet].iter_rows(min_row=row, max_row=row, values_only=True), ())
        return " | ".join("" if c is None else str(c) for c in cells)
    finally:
        book.close()
