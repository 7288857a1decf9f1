"""Importing evidence files into a case: detect, parse, extract payment details, store."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from tools.errors import IngestError
from tools.evidence import keep_copy, sha256_of, vault_path
from tools.ingest.formats import FORMATS, detect_format, parser_for
from tools.ingest.mappings import ColumnMapping
from tools.items import Item
from tools.models import FileReport, IngestReport
from tools.payments import extract_payment_details
from tools.store.repository import CaseStore, FileMeta, StoreWriter

log = logging.getLogger(__name__)

OnProgress = Callable[[str, int], None]


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, folders walked recursively in name order; hidden files skipped."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file()
                              and not any(part.startswith(".") for part in f.relative_to(p).parts)))
        else:
            out.append(p)
    return out


def with_payment_details(items: Iterable[Item]) -> Iterator[Item]:
    for item in items:
        if item.kind in ("message", "listing") and item.text:
            item.details = extract_payment_details(item.text)
        yield item


def _counted(items: Iterable[Item], name: str, on_progress: OnProgress | None) -> Iterator[Item]:
    n = 0
    for item in items:
        yield item
        n += 1
        if on_progress and n % 1000 == 0:
            on_progress(name, 1000)
    if on_progress:
        on_progress(name, n % 1000)


def ingest_file(writer: StoreWriter, case: str, path: Path, *, fmt: str | None = None,
                mapping: ColumnMapping | None = None, on_progress: OnProgress | None = None,
                name: str | None = None) -> FileReport:
    """Import one file, all or nothing; raises IngestError and keeps nothing if it is bad.

    `name` is what records cite as their file: the file name, or the URL a page came from.
    """
    name = name or path.name
    if not path.is_file():
        raise IngestError(str(path), None, "no such file")
    sha = sha256_of(path)
    if writer.has_file(case, sha):
        return FileReport(file=name, sha256=sha, status="duplicate")
    if fmt is not None and fmt not in FORMATS:
        raise IngestError(name, None, f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    fmt = fmt or detect_format(path, mapping)
    items = _counted(with_payment_details(parser_for(fmt, mapping)(path, name)), name,
                     on_progress)
    meta = FileMeta(case=case, name=name, sha256=sha, size=path.stat().st_size, format=fmt)
    # The original is in the vault before its records exist, so no record cites a missing file.
    vault = writer.store.evidence_dir
    had_copy = vault_path(vault, sha).exists()
    keep_copy(vault, path, sha)
    try:
        result = writer.write_file(meta, items)
    except IngestError:
        if not had_copy:
            vault_path(vault, sha).unlink(missing_ok=True)
        raise
    log.info("imported %s as %s: %s", name, fmt, result.by_kind)
    return FileReport(file=name, sha256=sha, format=fmt, status="imported",
                      records=result.by_kind, duplicate_records=result.duplicates,
                      accounts=result.accounts)


def ingest_paths(store: CaseStore, case: str, paths: Iterable[Path], *, fmt: str | None = None,
                 mapping: ColumnMapping | None = None,
                 on_progress: OnProgress | None = None,
                 on_file: Callable[[FileReport], None] | None = None) -> IngestReport:
    """Import every file; a bad file is reported as rejected and the others still import."""
    started = time.perf_counter()
    report = IngestReport(case=case)
    with store.writer() as writer:
        for path in expand_paths(paths):
            try:
                file_report = ingest_file(writer, case, path, fmt=fmt, mapping=mapping,
                                          on_progress=on_progress)
            except IngestError as exc:
                file_report = FileReport(file=path.name, status="rejected", error=str(exc))
            report.files.append(file_report)
            if on_file:
                on_file(file_report)
    report.seconds = time.perf_counter() - started
    return report
