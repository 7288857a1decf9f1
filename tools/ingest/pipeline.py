"""Importing evidence files into a case: detect, parse, extract payment details, store."""

from __future__ import annotations

import csv
import gc
import hashlib
import logging
import os
import stat
import threading
import time
import zipfile
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from xml.etree.ElementTree import ParseError

import ijson
import sqlalchemy.exc
import yaml
from openpyxl.utils.exceptions import InvalidFileException

from tools.demo.marks import generator_file_note
from tools.errors import IngestError
from tools.evidence import keep_copy, sha256_of, vault_path
from tools.ingest import FORMATS
from tools.ingest.formats import detect_format, parser_for, rows_reader_for
from tools.ingest.jsonio import WHOLE_FILE_LIMIT, already_read
from tools.ingest.mappings import ColumnMapping
from tools.ingest.readahead import ReadAhead
from tools.ingest.tabular import workbooks_kept
from tools.items import Item
from tools.limits import MAX_ITEMS_PER_FILE, MAX_TEXT_CHARS
from tools.models import FileReport, IngestReport
from tools.payments import extract_payment_details
from tools.store.repository import (
    COMMIT_EVERY,
    CaseStore,
    FileMeta,
    OnTransfers,
    StagedFile,
    StoreWriter,
)
from tools.store.rows import RecordRows, record_rows

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


def add_payment_details(item: Item) -> None:
    """The payment details a message's or listing's text hands out, on the item."""
    if item.text and item.kind in ("message", "listing"):
        item.details = extract_payment_details(item.text)


def with_payment_details(items: Iterable[Item]) -> Iterator[Item]:
    for item in items:
        add_payment_details(item)
        yield item


# What damaged input makes parsers and the database raise. A file that raises one of these is
# refused with the reason and the place after the last good record; nothing of it is kept.
MALFORMED: tuple[type[BaseException], ...] = (
    ArithmeticError, AttributeError, LookupError, TypeError, ValueError, RecursionError,
    EOFError, csv.Error, zipfile.BadZipFile, yaml.YAMLError, ijson.JSONError,
    sqlalchemy.exc.StatementError, InvalidFileException, KeyError, zlib.error, ParseError,
)


class _Checked:
    """Items checked for what the store requires, with the payment details of their text,
    counted for the progress bar; remembers the last good one's locator. One loop for all
    three: a million transfers pass here."""

    def __init__(self, items: Iterable[Item], name: str,
                 on_progress: OnProgress | None = None) -> None:
        self.items, self.name, self.on_progress = items, name, on_progress
        self.last: str | None = None

    def __iter__(self) -> Iterator[Item]:
        name, on_progress, n = self.name, self.on_progress, 0
        for n, item in enumerate(self.items, 1):  # noqa: B007 - n counts after the loop
            problem = _problem(item)
            if problem:
                raise IngestError(name, item.locator if isinstance(item.locator, str)
                                  else self.last, problem)
            if n > MAX_ITEMS_PER_FILE:
                raise IngestError(name, item.locator,
                                  f"more than {MAX_ITEMS_PER_FILE:,} records in one file")
            if item.text is not None:
                _bound_text(item)
            self.last = item.locator
            add_payment_details(item)
            yield item
            if on_progress and n % 1000 == 0:
                on_progress(name, 1000)
        if on_progress:
            on_progress(name, n % 1000)


def _bound_text(item: Item) -> None:
    """Text past `MAX_TEXT_CHARS` is analysed and stored in part, whatever the importer; the
    whole stays in the vault's copy of the file and the record says how much was kept."""
    if item.text is not None and len(item.text) > MAX_TEXT_CHARS:
        item.data.setdefault("text_truncated", {"chars": len(item.text),
                                                "analysed": MAX_TEXT_CHARS})
        item.text = item.text[:MAX_TEXT_CHARS]
        if isinstance(item.data.get("text"), str):
            item.data["text"] = item.text


def _problem(item: Item) -> str | None:
    if not (isinstance(item.id, str) and item.id and isinstance(item.locator, str)):
        return "a record without an id"
    t = item.transfer
    if t is None:
        return None
    if (type(t.tx) is str and t.tx and type(t.amount) is Decimal and t.amount.is_finite()
            and type(t.from_address) is str and type(t.to_address) is str):
        return None  # the usual transfer, checked at once
    if not (isinstance(t.tx, str) and t.tx):
        return "a transfer without a transaction id"
    if not isinstance(t.amount, Decimal) or not t.amount.is_finite():
        return f"a transfer amount that is not a number: {t.amount!r}"
    frm, to = t.from_address, t.to_address
    if (frm is not None and not isinstance(frm, str)) or (
            to is not None and not isinstance(to, str)):
        return "a transfer address that is not text"
    return None


def ingest_file(writer: StoreWriter, case: str, path: Path, *, fmt: str | None = None,
                mapping: ColumnMapping | None = None, on_progress: OnProgress | None = None,
                name: str | None = None) -> FileReport:
    """Import one file, all or nothing; raises IngestError and keeps nothing if it is bad.

    `name` is what records cite as their file: the file name, or the URL a page came from.
    """
    queued = _queue_file(writer, case, path, fmt=fmt, mapping=mapping, on_progress=on_progress,
                         name=name)
    if isinstance(queued, FileReport):
        return queued
    writer.flush()
    return queued.report()


@dataclass(slots=True)
class _Queued:
    """A file read and queued in the writer's next batch; its report once the batch is written."""

    staged: StagedFile
    fmt: str
    last: str | None  # the locator of its last record, for an error the store raises
    vault_copy: Path | None  # its copy in the vault if this import made it, else None

    def report(self) -> FileReport:
        """The file's report; raises IngestError (its vault copy removed) if it was refused."""
        meta, exc = self.staged.meta, self.staged.error
        if exc is not None:
            if self.vault_copy is not None:
                self.vault_copy.unlink(missing_ok=True)
            if not isinstance(exc, MALFORMED):
                raise exc
            where = f"after {self.last}" if self.last else None
            raise IngestError(meta.name, where, f"malformed {self.fmt}: {_reason(exc)}") from exc
        result = self.staged.result
        assert result is not None  # a file is reported once its batch is written
        log.info("imported %s as %s: %s", meta.name, self.fmt, result.by_kind)
        return FileReport(file=meta.name, sha256=meta.sha256, format=self.fmt,
                          status="imported", records=result.by_kind,
                          duplicate_records=result.duplicates, accounts=result.accounts)


def _queue_file(writer: StoreWriter, case: str, path: Path, *, fmt: str | None,
                mapping: ColumnMapping | None, on_progress: OnProgress | None,
                name: str | None, ahead: Future[AheadFile] | None = None
                ) -> FileReport | _Queued:
    """Check, read and queue one file; a report at once if it is skipped or a duplicate.

    Raises IngestError if the file is bad (nothing of it kept). A file too large to queue is
    written at once, in chunks. `ahead`: the file as a worker process read it (`ReadAhead`,
    under its file name), taken instead of reading it here."""
    name = name or path.name
    if ahead is not None:
        try:
            read = ahead.result()
        except BrokenProcessPool:
            # A worker died (killed, out of memory): this file is read here instead.
            log.warning("the process reading %s ahead died; reading it here", name)
        else:
            return _queue_ahead(writer, case, path, name, fmt, read, on_progress)
    st = _regular_file(path)
    if note := generator_file_note(path):
        return FileReport(file=name, status="skipped", note=note)
    size = st.st_size
    # A file up to the size JSON is parsed whole at is read once: hashed, detected, parsed
    # and kept from the same bytes (a TronGrid page is opened once, not six times).
    data = path.read_bytes() if size <= WHOLE_FILE_LIMIT else None
    sha = hashlib.sha256(data).hexdigest() if data is not None else sha256_of(path)
    if writer.has_file(case, sha):
        return FileReport(file=name, sha256=sha, status="duplicate")
    if fmt is not None and fmt not in FORMATS:
        raise IngestError(name, None, f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    refuse_zip_bomb(path, name, None if data is None else data[:4])
    # A spreadsheet is opened once for detection and parsing (workbooks_kept).
    with workbooks_kept():
        fmt, checked = _reading(path, name, fmt, mapping, data, on_progress)
        return _queue_read(writer, case, path, name, fmt, checked, checked, sha, size, data)


def _regular_file(path: Path) -> os.stat_result:
    """`path`'s status; IngestError unless it is a regular file."""
    try:
        st = path.stat()
    except (OSError, ValueError):
        st = None
    if st is None or not stat.S_ISREG(st.st_mode):
        raise IngestError(str(path), None, "no such file")
    return st


@dataclass(slots=True)
class AheadFile:
    """A file as a worker process read it ahead of the import loop (`read_ahead_file`):
    hashed, parsed and, if it parsed, kept in the vault, all from the same bytes; or the
    error that refuses it (a file the case holds already is a duplicate all the same)."""

    sha256: str
    size: int
    whole: WholeFile | None
    error: IngestError | None = None
    made_copy: bool = False  # the vault copy is this read's (removed if the file is refused)
    skipped: str | None = None  # why it is not evidence (the demo generator's own file)


def read_ahead_file(path: Path, fmt: str | None, mapping: ColumnMapping | None,
                    as_rows: bool, vault: Path) -> AheadFile:
    """Read a (small) file for the import loop in a worker: the file is opened once here and
    the importer's process touches none of its bytes (a seizure's thousands of pages cost
    that process a stat, a read, a hash and a copy each, every one of them a wait for
    Python's lock while its store writer runs). Raises IngestError if there is no such file."""
    st = _regular_file(path)
    name = path.name
    if note := generator_file_note(path):
        return AheadFile("", st.st_size, None, skipped=note)
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    try:
        whole = read_whole_file(path, fmt, mapping, name, as_rows, data)
    except IngestError as exc:
        return AheadFile(sha, len(data), None, exc)
    return AheadFile(sha, len(data), whole, made_copy=keep_copy(vault, path, sha, data))


def _queue_ahead(writer: StoreWriter, case: str, path: Path, name: str, fmt: str | None,
                 read: AheadFile, on_progress: OnProgress | None) -> FileReport | _Queued:
    """`_queue_file` of a file a worker read (`read_ahead_file`)."""
    if read.skipped is not None:
        return FileReport(file=name, status="skipped", note=read.skipped)
    if writer.has_file(case, read.sha256):
        return FileReport(file=name, sha256=read.sha256, status="duplicate")
    if read.error is not None:
        raise read.error
    whole = read.whole
    assert whole is not None
    if on_progress:
        on_progress(name, len(whole.items))
    return _queue_read(writer, case, path, name, whole.fmt, whole.items, whole, read.sha256,
                       read.size, None, copied=read.made_copy)


def _reading(path: Path, name: str, fmt: str | None, mapping: ColumnMapping | None,
             data: bytes | None, on_progress: OnProgress | None = None) -> tuple[str, _Checked]:
    """The file's format (as given, or detected) and its items as they are read and checked;
    raises IngestError if no format reads it. Within `workbooks_kept`."""
    try:
        fmt = fmt or detect_format(path, mapping, data)
    except MALFORMED as exc:
        raise IngestError(name, None, f"unreadable: {_reason(exc)}") from exc
    return fmt, _Checked(parser_for(fmt, mapping)(path, name), name, on_progress)


@dataclass(slots=True)
class WholeFile:
    """A file detected, parsed and checked whole (by a `ReadAhead` worker): its format, its
    items or (`as_rows`) their rows, and the locator of its last one."""

    fmt: str
    items: list[Item] | RecordRows
    last: str | None


def read_whole_file(path: Path, fmt: str | None, mapping: ColumnMapping | None,
                    name: str | None = None, as_rows: bool = False,
                    data: bytes | None = None) -> WholeFile:
    """Detect, parse and check all of a (small) file, as the import loop does item by item;
    raises the IngestError the loop would. `name`: what its records cite (its file name).
    `as_rows`: the items as a SQLite store's rows where none hands out payment details.
    `data`: the file's bytes if read already (JSON is parsed from them)."""
    name = name or path.name
    refuse_zip_bomb(path, name, None if data is None else data[:4])
    with workbooks_kept(), already_read(path, data) if data is not None else nullcontext():
        fmt, checked = _reading(path, name, fmt, mapping, data)
        if as_rows and (read_rows := rows_reader_for(fmt)) is not None:
            try:
                rows = read_rows(path, name)
            except MALFORMED:
                rows = None  # read again below, which says where and why
            if rows is not None:
                return WholeFile(fmt, rows, rows.records[-1][2] if rows else None)
        try:
            items = list(checked)
        except MALFORMED as exc:
            where = f"after {checked.last}" if checked.last else None
            raise IngestError(name, where, f"malformed {fmt}: {_reason(exc)}") from exc
    try:
        rows = record_rows(items) if as_rows else None
    except MALFORMED:
        rows = None  # a value the store converts otherwise: the writer judges the items
    return WholeFile(fmt, items if rows is None else rows, checked.last)


def _queue_read(writer: StoreWriter, case: str, path: Path, name: str, fmt: str,
                items: Iterable[Item] | RecordRows, place: WholeFile | _Checked, sha: str,
                size: int, data: bytes | None, copied: bool | None = None) -> _Queued:
    """`_queue_file` once the file is hashed and new to the case: its items, read whole or
    being read; `place.last` is the locator of the last one read. `copied`: the file is in
    the vault already, kept there by the worker that read it (True) or before (False)."""
    meta = FileMeta(case=case, name=name, sha256=sha, size=size, format=fmt)
    # The original is in the vault before its records exist, so no record cites a missing file:
    # copied by a thread while the file is parsed, and waited for before its records are
    # written (`FileMeta.kept`).
    vault = writer.store.evidence_dir
    copy = vault_path(vault, sha)
    had_copy = copy.exists() if copied is None else not copied
    if copied is None and not had_copy:
        meta.kept = writer.in_background(keep_copy, vault, path, sha, data)
    try:
        try:
            with already_read(path, data) if data is not None else nullcontext():
                staged = writer.add_file(meta, items)
        except MALFORMED as exc:
            if isinstance(exc, sqlalchemy.exc.OperationalError):
                raise  # the store is busy or gone: not the file's fault (the API answers 503)
            where = f"after {place.last}" if place.last else None
            raise IngestError(name, where, f"malformed {fmt}: {_reason(exc)}") from exc
    except IngestError:
        if meta.kept is not None:
            meta.kept.exception()  # written (or failed) before it is removed, or it would stay
        if not had_copy:
            copy.unlink(missing_ok=True)
        raise
    return _Queued(staged, fmt, place.last, None if had_copy else copy)


# A zip (XLSX) is refused when it would unpack to more than this, or when it unpacks to much
# with a ratio no office file has: the shape of a zip bomb.
MAX_UNZIPPED = 1 << 30
MAX_RATIO, RATIO_FLOOR = 200, 50 << 20


def refuse_zip_bomb(path: Path, name: str, magic: bytes | None = None) -> None:
    """Raise IngestError if `path` is a zip that would unpack to too much (before parsing).

    `magic`: the file's first 4 bytes, if read already."""
    if magic is None:
        with path.open("rb") as fh:
            magic = fh.read(4)
    if magic != b"PK\x03\x04":
        return
    try:
        with zipfile.ZipFile(path) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise IngestError(name, None, f"unreadable zip: {exc}") from exc
    packed = max(path.stat().st_size, 1)
    if unpacked > MAX_UNZIPPED or (unpacked > RATIO_FLOOR and unpacked / packed > MAX_RATIO):
        raise IngestError(name, None, f"refused: unpacks to {unpacked >> 20:,} MB from "
                          f"{packed >> 10:,} KB (a zip bomb?)")


def _reason(exc: BaseException) -> str:
    """What a prosecutor can act on, then the technical detail for whoever fixes the file."""
    text = " ".join(str(getattr(exc, "orig", None) or exc).split())[:200]
    if isinstance(exc, AttributeError | KeyError | TypeError | LookupError):
        plain = "a field is missing or of the wrong type"
    elif isinstance(exc, sqlalchemy.exc.StatementError):
        plain = "a value the case store cannot hold"
    else:
        plain = "the file is damaged or cut short"
    return f"{plain} ({type(exc).__name__}: {text})" if text else plain


class _FewerCollections:
    """Python's cyclic garbage collector run every 50,000 new objects instead of 700 while
    evidence is imported: a million records make tens of millions of short-lived objects and
    no cycles, and the default thresholds spent a fifth of an import's CPU walking them (3.2 s
    of 16 s at 300,000 transfers; 0.7 s after). Process-wide, so counted: the thresholds come
    back when the last import running in the process ends."""

    THRESHOLDS = (50_000, 20, 100)

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.saved: tuple[int, int, int] = gc.get_threshold()

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self.lock:
            if not self.running:
                self.saved = gc.get_threshold()
                gc.set_threshold(*self.THRESHOLDS)
            self.running += 1
        try:
            yield
        finally:
            with self.lock:
                self.running -= 1
                if not self.running:
                    gc.set_threshold(*self.saved)


fewer_collections = _FewerCollections()


# About how many bytes of evidence make one record (a TronGrid transfer ~430, a statement
# row ~150, a Telegram message ~300-1,000): what tells a large import from a small one.
BYTES_PER_RECORD = 400


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # reported as missing when its turn comes


def ingest_paths(store: CaseStore, case: str, paths: Iterable[Path], *, fmt: str | None = None,
                 mapping: ColumnMapping | None = None,
                 on_progress: OnProgress | None = None,
                 on_file: Callable[[FileReport], None] | None = None,
                 commit_every: int = COMMIT_EVERY, exclusive: bool = False,
                 on_transfers: OnTransfers | None = None) -> IngestReport:
    """Import every file; a bad file is reported as rejected and the others still import.

    Files are committed once `commit_every` records are pending: the API passes 1 (each file
    its own transaction), so other writers wait for one file at most, not a whole upload.
    Otherwise a large import into a SQLite store is a bulk load, committed once at the end
    (`CaseStore.writer`); `exclusive`: nothing else uses the store meanwhile (a bulk load
    then skips SQLite's write-ahead log: `rollback_journal`). `on_transfers`: told of the
    transfers written (`StoreWriter.on_transfers`)."""
    started = time.perf_counter()
    report = IngestReport(case=case)
    # Files in the order given; each reported once its batch is written.
    waiting: deque[tuple[Path, FileReport | _Queued]] = deque()

    def report_written() -> None:
        while waiting and (isinstance(waiting[0][1], FileReport) or waiting[0][1].staged.done):
            path, entry = waiting.popleft()
            try:
                file_report = entry if isinstance(entry, FileReport) else entry.report()
            except IngestError as exc:
                file_report = FileReport(file=path.name, status="rejected", error=str(exc))
            report.files.append(file_report)
            if on_file:
                on_file(file_report)

    files = expand_paths(paths)
    expected = sum(map(_size, files)) // BYTES_PER_RECORD if commit_every > 1 else 0
    # A large import's small files are read by worker processes ahead of the loop (into a
    # SQLite store as its rows); the API's file-by-file imports (commit_every 1) are small
    # and read here.
    # (A format nobody knows: each file is refused by the loop, with the known ones named.)
    as_rows = store.engine.dialect.name == "sqlite"
    ahead = (ReadAhead.for_import(files, read_ahead_file,
                                  (fmt, mapping, as_rows, store.evidence_dir),
                                  json_files=as_rows)
             if commit_every > 1 and (fmt is None or fmt in FORMATS) else None)
    with fewer_collections(), store.writer(commit_every, expected_records=expected,
                                           exclusive=exclusive,
                                           on_transfers=on_transfers) as writer:
        try:
            for i, path in enumerate(files):
                try:
                    entry = _queue_file(writer, case, path, fmt=fmt, mapping=mapping,
                                        on_progress=on_progress, name=None,
                                        ahead=ahead.take(i) if ahead else None)
                except IngestError as exc:
                    entry = FileReport(file=path.name, status="rejected", error=str(exc))
                waiting.append((path, entry))
                report_written()
        finally:
            if ahead is not None:
                ahead.close()
        writer.flush()
        report_written()
    report.seconds = time.perf_counter() - started
    return report
