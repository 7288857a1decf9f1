"""Reading and writing one case's records, transfers and payment details."""

from __future__ import annotations

import hashlib
import logging
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain, groupby, islice
from pathlib import Path
from typing import Any, overload

import sqlalchemy.exc
from sqlalchemy import (
    Column,
    Engine,
    Index,
    Integer,
    MetaData,
    Table,
    bindparam,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.schema import CreateTable

from tools.errors import RecordNotFoundError
from tools.items import Item
from tools.models import CaseStats, FileInfo, Record, Source
from tools.store.bulk import driver_insert, processor, rollback_journal
from tools.store.identifiers import PendingIdentifiers
from tools.store.rows import RecordRows
from tools.store.schema import accounts, files, records, shop_links, sightings, transfers

log = logging.getLogger(__name__)

# Records written between commits when many files are imported in one run.
COMMIT_EVERY = 100_000


@dataclass(slots=True)
class FileMeta:
    case: str
    name: str
    sha256: str
    size: int
    format: str
    # The file's copy into the evidence vault, if being written: waited for (and what it
    # raises raised) before any record of the file is written.
    kept: Future[Any] | None = None

    def wait_kept(self) -> None:
        if self.kept is not None:
            self.kept.result()


@dataclass(slots=True)
class WriteResult:
    by_kind: dict[str, int]
    duplicates: int
    accounts: int


@overload
def as_utc(ts: datetime) -> datetime: ...
@overload
def as_utc(ts: None) -> None: ...
def as_utc(ts: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; everything the store holds is UTC."""
    if ts is not None and ts.tzinfo is None:
        return ts.replace(tzinfo=UTC)
    return ts


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _record_of_row(row: Any) -> Record:
    """A record read with its file's name, hash and format (`records` joined to `files`)."""
    return Record(
        id=row.id, kind=row.kind, case=row.case, fields=row.data,
        source=Source(file=row.name, sha256=row.sha256, locator=row.locator, format=row.format),
    )


class CaseStore:
    """The SQL case store. Each file's records are written all or nothing (a savepoint per file)."""

    def __init__(self, engine: Engine, evidence_dir: Path) -> None:
        self.engine = engine
        self.evidence_dir = evidence_dir

    def folder_beside(self, kind: str, key: str) -> Path:
        """A folder kept beside the evidence vault for what is derived from this store's `key`
        (a case's graph arrays, a search index's snapshot): one per store and key, so two
        stores sharing a home never share one."""
        url = self.engine.url.render_as_string(hide_password=True)
        digest = hashlib.sha256(f"{url}\n{key}".encode()).hexdigest()[:16]
        safe = re.sub(r"[^A-Za-z0-9_-]", "_", key)[:40]
        return self.evidence_dir.parent / kind / f"{safe}-{digest}"

    @contextmanager
    def writer(self, commit_every: int = COMMIT_EVERY, expected_records: int = 0,
               exclusive: bool = False, on_transfers: OnTransfers | None = None
               ) -> Iterator[StoreWriter]:
        """A writer for many files; committed every `commit_every` records and at the end.

        Its transactions take SQLite's write lock when they begin (`immediate`): an import
        reads (duplicate probes) before it writes, and a read transaction that another writer
        overtook cannot upgrade; it fails at once with "database is locked" instead of waiting.

        `expected_records`: about how many records the caller will write. On SQLite, an
        import of at least `BULK_LOAD_RECORDS` that is also at least as large as what the
        store holds is a bulk load (`StoreWriter.bulk_load`): one transaction, secondary
        indexes built once at its end. `exclusive` (the caller says nothing else will use
        the store meanwhile): a bulk load is written through a rollback journal when nothing
        else has the store open as it starts (`rollback_journal`).
        `on_transfers`: told of each run of transfers written (`StoreWriter.on_transfers`).
        """
        with (self.engine.connect().execution_options(immediate=True) as conn,
              rollback_journal(conn) if exclusive and _bulk_load_ahead(conn, expected_records)
              else nullcontext()):
            writer = StoreWriter(self, conn, commit_every, expected_records, on_transfers)
            try:
                yield writer
                # Shops are resolved once per import, from everything the case holds now.
                from tools.store.shops import rebuild_shops

                writer.flush()  # files queued and not yet written (callers flush and report)
                writer.end_bulk_load()
                writer.identifiers.flush(conn)
                for case in sorted(writer.cases):
                    rebuild_shops(conn, case)
            except BaseException:
                writer.close()  # its thread is done with the connection before the rollback
                conn.rollback()
                raise
            writer.close()
            conn.commit()
            if conn.dialect.name == "sqlite":
                # Fresh statistics (sampled: milliseconds on a million rows) let SQLite pick
                # the right index; without them an IBAN lookup scanned all transfers (3 s).
                conn.exec_driver_sql("PRAGMA analysis_limit=1000")
                conn.exec_driver_sql("ANALYZE")
                conn.commit()


    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction, holding SQLite's write lock from its start (see `writer`)."""
        with self.engine.connect().execution_options(immediate=True) as conn, conn.begin():
            yield conn

    def stats(self, case: str) -> CaseStats:
        def count_by_kind(conn: Connection, table: Table) -> dict[str, int]:
            q = select(table.c.kind, func.count()).where(table.c.case == case)
            return {kind: n for kind, n in conn.execute(q.group_by(table.c.kind))}

        with self.engine.connect() as conn:
            by_kind = count_by_kind(conn, records)
            by_account = count_by_kind(conn, accounts)
            file_rows = conn.execute(
                select(files).where(files.c.case == case).order_by(files.c.id)
            ).all()
        return CaseStats(
            case=case,
            records=by_kind,
            accounts=by_account,
            files=[
                FileInfo(name=f.name, sha256=f.sha256, format=f.format, size=f.size,
                         records=f.records, ingested_at=as_utc(f.ingested_at))
                for f in file_rows
            ],
        )

    def cases(self) -> list[str]:
        """Every case with at least one imported file, by name."""
        with self.engine.connect() as conn:
            return sorted(conn.execute(select(files.c.case).distinct()).scalars())

    def has_case(self, case: str) -> bool:
        """Whether any file was imported into `case`."""
        with self.engine.connect() as conn:
            q = select(files.c.id).where(files.c.case == case).limit(1)
            return conn.execute(q).first() is not None

    def get_record(self, case: str, record_id: str) -> Record:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(records, files.c.name, files.c.sha256, files.c.format)
                .join(files, files.c.id == records.c.file_id)
                .where(records.c.case == case, records.c.id == record_id)
            ).first()
        if row is None:
            raise RecordNotFoundError(case, record_id)
        return _record_of_row(row)

    def revision(self, case: str) -> tuple[Any, ...]:
        """What changes whenever a file's evidence joins or leaves `case`: how many files it
        holds, the last one's id and the last import's time, and its shops' links (resolved
        once an import ends, after its files are committed). What is derived from a case's
        records may be kept until it changes."""
        with self.engine.connect() as conn:
            held = conn.execute(
                select(func.count(), func.max(files.c.id), func.max(files.c.ingested_at))
                .where(files.c.case == case)).one()
            links = conn.execute(
                select(func.count(), func.sum(func.length(shop_links.c.shop)
                                              + func.length(shop_links.c.value)))
                .where(shop_links.c.case == case)).one()
        return (*held, *links)

    def records_with_accounts(self, case: str, record_ids: Sequence[str]
                              ) -> dict[str, tuple[Record, list[str]]]:
        """`get_record` and `accounts_of_record` of many records at once (two queries per
        few thousand ids, not two each); ids the case does not hold are left out."""
        out: dict[str, tuple[Record, list[str]]] = {}
        ids = list(dict.fromkeys(record_ids))
        with self.engine.connect() as conn:
            for start in range(0, len(ids), KEYS_PER_QUERY):
                part = ids[start:start + KEYS_PER_QUERY]
                for row in conn.execute(
                        select(records, files.c.name, files.c.sha256, files.c.format)
                        .join(files, files.c.id == records.c.file_id)
                        .where(records.c.case == case, records.c.id.in_(part))):
                    out[row.id] = (_record_of_row(row), [])
                for record_id, account_id in conn.execute(
                        select(sightings.c.record_id, sightings.c.account_id)
                        .where(sightings.c.case == case, sightings.c.record_id.in_(part))
                        .order_by(sightings.c.record_id, sightings.c.account_id)):
                    if record_id in out:
                        out[record_id][1].append(account_id)
        return out

    def accounts_of_record(self, case: str, record_id: str) -> list[str]:
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    select(sightings.c.account_id)
                    .where(sightings.c.case == case, sightings.c.record_id == record_id)
                    .order_by(sightings.c.account_id)
                ).scalars()
            )


# Records of small files (a TronGrid page holds 200) gathered and written together: a few
# statements per batch instead of a dozen per file. A file with more records than this is
# streamed in chunks of this size instead, so memory stays bounded whatever the file.
BATCH = 20_000
# Records whose accounts are merged into the case together. SQLite keeps a time as written,
# without its UTC offset, so first and last sightings compared in memory and against the
# store can differ by the offset: merged in slices of each file of this size, as they always
# were, the accounts come out as before.
ACCOUNT_SLICE = 2000
# Keys looked up per query: under every database's limit of bound parameters.
KEYS_PER_QUERY = 5000
# An import of this many records or more, into a SQLite store holding no more than that, is
# loaded without the transfers' address indexes, built once at the end: at a million
# records, random-key inserts into them cost as much as the rest of the writing.
BULK_LOAD_RECORDS = 20_000
# The indexes a bulk load leaves out until its end: the transfers' address indexes, whose keys
# come at random. The primary keys stay (they deduplicate), and so does (case, kind), written
# in order (at a million records, building it after cost more than keeping it).
BULK_LOAD_INDEXES = (transfers.indexes,)


def _is_bulk_load(expected_records: int, held: int | None) -> bool:
    """Whether an import of about `expected_records` into a store whose largest record rowid
    is `held` is a bulk load: large, and no smaller than the store."""
    return expected_records >= BULK_LOAD_RECORDS and (held or 0) <= expected_records


_HELD = "SELECT max(rowid) FROM records"


def _bulk_load_ahead(conn: Connection, expected_records: int) -> bool:
    """`_is_bulk_load` asked before the writer's transaction begins (through the driver,
    which reads outside any transaction): whether to switch the journal for it."""
    driver = conn.connection.dbapi_connection
    if conn.dialect.name != "sqlite" or driver is None or expected_records < BULK_LOAD_RECORDS:
        return False
    cursor = driver.execute(_HELD)
    try:
        return _is_bulk_load(expected_records, cursor.fetchone()[0])
    finally:
        cursor.close()


# Records of small files written together in a bulk load: the primary key's pages are written
# in longer runs of key order (a million records: 12% less SQLite time than by 20,000).
BULK_LOAD_BATCH = 50_000


@dataclass(slots=True)
class StagedFile:
    """A file read whole, waiting for its batch: `result` once written, or `error`, what the
    store refused in it (nothing of the file is kept then)."""

    meta: FileMeta
    items: list[Item] | RecordRows
    result: WriteResult | None = None
    error: Exception | None = None

    @property
    def done(self) -> bool:
        return self.result is not None or self.error is not None


@dataclass(slots=True)
class _Tally:
    """What one file's written records come to, added up over its chunks."""

    by_kind: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0
    accounts: set[str] = field(default_factory=set)
    identifiers: Counter[str] = field(default_factory=Counter)

    def result(self) -> WriteResult:
        return WriteResult(dict(self.by_kind), self.duplicates, len(self.accounts))


# What the store raises for a value of a file it cannot hold: that file is refused alone. An
# OperationalError (the store busy or gone) is nobody's file's fault and is raised as it is.
REFUSED: tuple[type[Exception], ...] = (
    sqlalchemy.exc.StatementError, ValueError, TypeError, ArithmeticError, LookupError,
    AttributeError,
)


RECORD_COLUMNS = ("case", "id", "kind", "file_id", "locator", "ts", "text", "data")
ACCOUNT_COLUMNS = ("case", "id", "kind", "value", "display", "info", "first_seen", "last_seen")
SIGHTING_COLUMNS = ("case", "account_id", "record_id", "shop", "seen_at")
TRANSFER_COLUMNS = ("case", "record_id", "chain", "token", "from_address", "to_address",
                    "amount", "ts", "tx")

# A batch's records before they join the case: loaded at the driver's speed without an index,
# then moved into `records` by one INSERT … SELECT that skips the ids the case holds already.
# Temporary: each connection has its own, gone when it closes.
records_staging = Table(
    "records_staging",
    MetaData(),
    Column("ord", Integer, nullable=False),
    *(Column(c, records.c[c].type) for c in RECORD_COLUMNS),
    prefixes=["TEMPORARY"],
)


def _move_new_records() -> Any:
    """INSERT INTO records SELECT … FROM records_staging (in staging order) ON CONFLICT
    (case, id) DO NOTHING RETURNING id, on PostgreSQL (SQLite inserts directly, see
    `StoreWriter._insert_sqlite`): only the ids the case did not hold come back, and of equal
    ids the first staged (the dialect module loads only when used)."""
    from sqlalchemy.dialects.postgresql import insert as postgresql_insert

    staged = records_staging.c
    rows = select(*(staged[c] for c in RECORD_COLUMNS)).order_by(staged.ord)
    return (postgresql_insert(records).from_select(list(RECORD_COLUMNS), rows)
            .on_conflict_do_nothing(index_elements=[records.c.case, records.c.id])
            .returning(records.c.id))


# (first sequence number or None, transfer rows): see `StoreWriter.on_transfers`.
OnTransfers = Callable[[int | None, list[tuple[Any, ...]]], None]


def _last_seq(conn: Connection) -> int:
    return int(conn.exec_driver_sql("SELECT max(seq) FROM transfers").scalar() or 0)


def _record_key(row: tuple[Any, ...]) -> str:
    return str(row[1])


def _count_rows(case: str, tally: _Tally, rows: RecordRows, new: set[str],
                moves: list[tuple[Any, ...]]) -> None:
    """`_count_items` for a file read as rows (no payment details, so no accounts)."""
    fresh = []
    for n, r in enumerate(rows.records):
        if r[0] in new:
            new.discard(r[0])  # a later record of the same id is a duplicate
            fresh.append(n)
    records_ = rows.records
    if len(fresh) == len(records_):
        moves.extend([(case, records_[t[0]][0], *t[1:]) for t in rows.transfers])
        tally.by_kind.update(r[1] for r in records_)
        tally.identifiers.update(chain.from_iterable(rows.identifiers))
    else:
        kept = set(fresh)
        moves.extend([(case, records_[t[0]][0], *t[1:]) for t in rows.transfers
                      if t[0] in kept])
        tally.by_kind.update(records_[n][1] for n in fresh)
        tally.identifiers.update(chain.from_iterable(rows.identifiers[n] for n in fresh))
    tally.duplicates += len(records_) - len(fresh)


class _Bulk:
    """The driver-level inserts of one connection and the value conversions they need."""

    def __init__(self, conn: Connection) -> None:
        self.sqlite = conn.dialect.name == "sqlite"
        self.staging = driver_insert(conn, records_staging, ("ord", *RECORD_COLUMNS))
        self.records = driver_insert(conn, records, RECORD_COLUMNS, ignore_existing=True)
        self.transfers = driver_insert(conn, transfers, TRANSFER_COLUMNS)
        self.record_ts = processor(conn.dialect, records.c.ts)
        self.record_data = processor(conn.dialect, records.c.data)
        self.transfer_ts = processor(conn.dialect, transfers.c.ts)
        self.accounts = driver_insert(conn, accounts, ACCOUNT_COLUMNS)
        self.sightings = driver_insert(conn, sightings, SIGHTING_COLUMNS)
        self.account_info = processor(conn.dialect, accounts.c.info)
        self.account_ts = processor(conn.dialect, accounts.c.first_seen)
        self.sighting_ts = processor(conn.dialect, sightings.c.seen_at)
        # Whether a time is stored alike in both tables (a transfer's text is its record's).
        self.same_ts = repr(records.c.ts.type) == repr(transfers.c.ts.type)


class StoreWriter:
    """Writes files through one connection; a bad file rolls back to its own savepoint only.

    Committing once per file would rewrite every touched index page per file; batching files
    under one transaction keeps "nothing of a bad file is kept" and loads many small files
    (TronGrid pages hold 200 transfers) an order of magnitude faster. Small files are written
    `BATCH` records at a time (`add_file`, `flush`): one statement per table per batch, and
    records deduplicated by the insert itself (ON CONFLICT DO NOTHING on the case's record
    key, RETURNING what was new) rather than by a probe of the key before it.

    A batch is written by a thread of the writer's own while the next files are read and
    parsed: the database's work runs outside Python's lock, on the second core. One batch is
    written at a time, in order, and nothing else uses the connection meanwhile (`wait`).
    """

    def __init__(self, store: CaseStore, conn: Connection, commit_every: int,
                 expected_records: int = 0, on_transfers: OnTransfers | None = None) -> None:
        self.store = store
        # Told, on SQLite, of each run of transfer rows once its file is whole in the
        # transaction: (the sequence number of its first row, or None if unknown; the rows,
        # in `TRANSFER_COLUMNS` order). The trace graph takes them instead of reading back.
        # It must not raise: the files are written by then (a raise would write them again).
        self.on_transfers = on_transfers
        self._written_transfers: list[tuple[int | None, list[tuple[Any, ...]]]] = []
        self.conn = conn
        self.commit_every = commit_every
        self.expected_records = expected_records
        # Decided before the first write (`_start_writing`): None until then.
        self.bulk_load: bool | None = None
        self._dropped: list[Index] = []
        self._uncommitted = 0
        self.cases: set[str] = set()
        # Identifier counts of the files written since the last commit, flushed before it.
        self.identifiers = PendingIdentifiers()
        self._staged: list[StagedFile] = []
        self._staged_files: set[tuple[str, str]] = set()  # (case, SHA-256) of `_staged`
        self._bulk: _Bulk | None = None
        self._staged_records = 0
        self._thread: ThreadPoolExecutor | None = None
        self._files_thread: ThreadPoolExecutor | None = None  # see `in_background`
        self._writing: Future[None] | None = None  # the batch the thread is writing
        self._writing_files: set[tuple[str, str]] = set()
        # The SHA-256 of each case's files, as this transaction knows them; forgotten at every
        # commit, after which another writer may have added files.
        self._known_files: dict[str, set[str]] = {}
        event.listen(conn, "commit", self._forget_files)
        event.listen(conn, "rollback", self._forget_files)

    def _forget_files(self, _conn: Connection) -> None:
        self._known_files.clear()

    def has_file(self, case: str, sha256: str) -> bool:
        """Whether the case holds (or this writer has queued) a file with this SHA-256."""
        if (case, sha256) in self._staged_files or (case, sha256) in self._writing_files:
            return True
        known = self._known_files.get(case)
        if known is None:
            self.wait()  # the connection is the writing thread's until its batch is written
            q = select(files.c.sha256).where(files.c.case == case)
            known = self._known_files[case] = set(self.conn.execute(q).scalars())
        return sha256 in known

    def write_file(self, meta: FileMeta, items: Iterable[Item]) -> WriteResult:
        """Write a file's items now; records already in the case are counted as duplicates."""
        staged = self.add_file(meta, items)
        self.flush()
        if staged.error is not None:
            raise staged.error
        assert staged.result is not None  # a flushed file has its result or its error
        return staged.result

    def add_file(self, meta: FileMeta, items: Iterable[Item] | RecordRows) -> StagedFile:
        """Read a file's items (or take its rows, read by another process) and queue the
        file for the next batch (`flush`).

        Raises what reading the items raises; nothing of the file is queued then. A file of
        more than `BATCH` items is written at once, in chunks (the queued files before it
        first), and raises what the store refuses in it; nothing of it is kept then. Rows
        are queued whole, whatever their number (their file was small enough to read ahead).
        """
        if isinstance(items, RecordRows):
            return self._queue(StagedFile(meta, items))
        it = iter(items)
        head = list(islice(it, BATCH + 1))
        staged = StagedFile(meta, head)
        if len(head) <= BATCH:
            return self._queue(staged)
        self.flush()
        self._start_writing()
        meta.wait_kept()
        with self._whole_files():
            tally, file_id = _Tally(), self._insert_files([meta])[0]
            for chunk in _chunks(chain(head, it), BATCH):
                self._write_chunk(meta.case, [(tally, file_id, chunk)])
            self._set_counts([(file_id, tally)])
        staged.result = self._written([meta], [tally])[0]
        return staged

    def _queue(self, staged: StagedFile) -> StagedFile:
        self._staged.append(staged)
        self._staged_files.add((staged.meta.case, staged.meta.sha256))
        self._staged_records += len(staged.items) + 1
        batch = BULK_LOAD_BATCH if self.bulk_load else BATCH
        if self._staged_records >= min(batch, self.commit_every):
            self._write_in_background()
        return staged

    def flush(self) -> None:
        """Write the queued files, each whole or (what the store refuses in it) not at all,
        and wait until they are written."""
        self._write_in_background()
        self.wait()

    def wait(self) -> None:
        """Wait for the batch being written; raises what the store raised that is no file's
        fault (busy or gone). The connection is free for this thread afterwards."""
        writing, self._writing = self._writing, None
        if writing is not None:
            try:
                writing.result()
            except sqlalchemy.exc.OperationalError:
                raise
            except Exception as exc:
                # Not the fault of the file being read now (what a file's own values cause is
                # kept on that file): never to be reported as this file's damage.
                raise RuntimeError(f"writing a batch of files failed: {exc}") from exc
            finally:
                self._writing_files = set()

    def close(self) -> None:
        """Wait for the batch being written, whatever it raises, and end the writing thread."""
        try:
            self.wait()
        except Exception:  # noqa: BLE001 - the import failed already; the transaction is rolled back
            log.debug("a batch being written when the import failed", exc_info=True)
        finally:
            if self._thread is not None:
                self._thread.shutdown()
                self._thread = None
            if self._files_thread is not None:
                self._files_thread.shutdown()
                self._files_thread = None

    def in_background(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        """`fn(*args)` run by a thread of the writer's for file work (copies into the vault):
        its system calls overlap the parsing of the next files. Ended with the writer."""
        if self._files_thread is None:
            self._files_thread = ThreadPoolExecutor(1, thread_name_prefix="tergeu-files")
        return self._files_thread.submit(fn, *args)

    def _start_writing(self) -> None:
        """Before the first write: whether this import is a bulk load, and if so its
        secondary indexes dropped, in this transaction (the connection is free).

        A bulk load is one transaction: no commit until the end, where the indexes are built
        again. Whatever stops it (a crash, a kill, an error) leaves the store as it was
        before, indexes included; nothing of it is kept. Other processes read the store as it
        was meanwhile, and wait for their own writes until it commits."""
        if self.bulk_load is not None:
            return
        conn = self.conn
        self.bulk_load = False
        if conn.dialect.name != "sqlite" or self.expected_records < BULK_LOAD_RECORDS or \
                not _is_bulk_load(self.expected_records, conn.exec_driver_sql(_HELD).scalar()):
            return
        self.bulk_load = True
        self.commit_every = sys.maxsize
        for indexes in BULK_LOAD_INDEXES:
            for index in sorted(indexes, key=lambda i: str(i.name)):
                if index.dialect_options["sqlite"]["where"] is None:  # partial ones are small
                    conn.exec_driver_sql(f'DROP INDEX IF EXISTS "{index.name}"')
                    self._dropped.append(index)
        log.info("bulk load of about %s records: indexes %s built at the end",
                 self.expected_records, [i.name for i in self._dropped])

    def end_bulk_load(self) -> None:
        """The indexes a bulk load dropped, built again (in its transaction)."""
        self.wait()
        dropped, self._dropped = self._dropped, []
        for index in dropped:
            index.create(self.conn, checkfirst=True)

    def _write_in_background(self) -> None:
        """Hand the queued files to the writing thread (once the batch before is written)."""
        self.wait()
        staged, self._staged, self._staged_records = self._staged, [], 0
        self._writing_files, self._staged_files = self._staged_files, set()
        if not staged:
            return
        self._start_writing()
        if self._thread is None:
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="tergeu-store-writer")
        self._writing = self._thread.submit(self._write_queued, staged)

    def _write_queued(self, staged: list[StagedFile]) -> None:
        for case, run in groupby(staged, key=lambda s: s.meta.case):
            group = list(run)
            try:
                self._write_batch(case, group)
            except sqlalchemy.exc.OperationalError:
                raise
            except REFUSED:
                # A file holds what the store cannot: each file alone, to refuse only that one.
                for one in group:
                    try:
                        self._write_batch(case, [one])
                    except sqlalchemy.exc.OperationalError:
                        raise
                    except REFUSED as exc:
                        one.error = exc

    def _write_batch(self, case: str, group: list[StagedFile]) -> None:
        for s in group:
            s.meta.wait_kept()
        with self._whole_files():
            tallies = [_Tally() for _ in group]
            file_ids = self._insert_files([s.meta for s in group])
            self._write_chunk(case, [(t, f, s.items) for t, f, s in
                                     zip(tallies, file_ids, group, strict=True)])
            self._set_counts(list(zip(file_ids, tallies, strict=True)))
        for s, result in zip(group, self._written([s.meta for s in group], tallies),
                             strict=True):
            s.result = result
            s.items = []  # written: the memory is the next batch's

    @contextmanager
    def _whole_files(self) -> Iterator[None]:
        """A savepoint for files written whole or not at all; the transfers they wrote are
        told (`on_transfers`) once it is released, forgotten if it is rolled back."""
        try:
            with self.conn.begin_nested():
                yield
        except BaseException:
            self._written_transfers.clear()
            raise
        written, self._written_transfers = self._written_transfers, []
        if self.on_transfers is not None:
            for first, rows in written:
                self.on_transfers(first, rows)

    def _written(self, metas: list[FileMeta], tallies: list[_Tally]) -> list[WriteResult]:
        """Account for files now whole in the transaction; commit when enough is pending."""
        for m, t in zip(metas, tallies, strict=True):
            self.cases.add(m.case)
            self._known_files.setdefault(m.case, set()).add(m.sha256)
            self.identifiers.add(m.case, t.identifiers)  # the file is whole: its ids count
            self._uncommitted += sum(t.by_kind.values()) + 1
        if self._uncommitted >= self.commit_every:
            self.identifiers.flush(self.conn)
            self.conn.commit()
            self._uncommitted = 0
        return [t.result() for t in tallies]

    def _insert_files(self, metas: list[FileMeta]) -> list[int]:
        """The rows of `metas` in `files` (their record counts set once written); their ids."""
        now = datetime.now(UTC)
        rows = [{"case": m.case, "name": m.name, "sha256": m.sha256, "size": m.size,
                 "format": m.format, "records": 0, "ingested_at": now} for m in metas]
        stmt = insert(files).returning(files.c.id, sort_by_parameter_order=True)
        return list(self.conn.execute(stmt, rows).scalars())

    def _set_counts(self, written: list[tuple[int, _Tally]]) -> None:
        self.conn.execute(
            update(files).where(files.c.id == bindparam("file_id"))
            .values(records=bindparam("n")),
            [{"file_id": f, "n": sum(t.by_kind.values())} for f, t in written])

    def _insert_staged(self, rows: list[tuple[Any, ...]]) -> set[str]:
        """The records of `rows` the case did not hold, inserted; their ids (PostgreSQL).
        Staged in a temporary table, then moved by one INSERT … SELECT … ON CONFLICT DO
        NOTHING RETURNING."""
        conn, bulk = self.conn, self._bulk
        assert bulk is not None
        conn.execute(CreateTable(records_staging, if_not_exists=True))
        bulk.staging.run(conn, [(n, *r) for n, r in enumerate(rows)])
        new = set(conn.execute(_move_new_records()).scalars())
        conn.execute(delete(records_staging))
        return new

    def _insert_sqlite(self, rows: list[tuple[Any, ...]]) -> set[str]:
        """The same as `_insert_staged`, on SQLite without the staging: the rows go straight
        into `records` through the driver (ON CONFLICT DO NOTHING), and SQLite's count of
        changed rows says whether all were new, as they are when a case is first loaded.
        Otherwise the ids are looked up once: a record is new if it holds the first row given
        for its id (its file was added in this transaction, at that place)."""
        conn, bulk = self.conn, self._bulk
        assert bulk is not None
        driver = conn.connection.dbapi_connection
        assert driver is not None  # an open connection
        before = driver.total_changes
        # In key order: the primary key's index is written page by page rather than at random
        # (the order of equal ids kept: the first is the one inserted).
        bulk.records.run(conn, sorted(rows, key=_record_key))
        if driver.total_changes - before == len(rows):
            return {r[1] for r in rows}
        first: dict[str, tuple[int, str]] = {}
        for r in rows:
            first.setdefault(r[1], (r[3], r[4]))
        case, ids, new = rows[0][0], list(first), set[str]()
        for start in range(0, len(ids), KEYS_PER_QUERY):
            q = select(records.c.id, records.c.file_id, records.c.locator).where(
                records.c.case == case, records.c.id.in_(ids[start:start + KEYS_PER_QUERY]))
            new.update(rid for rid, file_id, locator in conn.execute(q)
                       if first[rid] == (file_id, locator))
        return new

    def _write_chunk(self, case: str,
                     parts: list[tuple[_Tally, int, list[Item] | RecordRows]]) -> None:
        """Write the records of one or more files (in order) that the case does not hold yet.

        The first of equal ids is kept, within the chunk as against the case: staged in order,
        moved by one insert that keeps the first row of a key and returns the ids it added."""
        conn = self.conn
        if not any(items for _, _, items in parts):
            return
        if self._bulk is None:
            self._bulk = _Bulk(conn)
        bulk = self._bulk
        ts, data = bulk.record_ts, bulk.record_data
        rows: list[tuple[Any, ...]] = []
        for _, file_id, items in parts:
            if isinstance(items, RecordRows):
                if not bulk.sqlite:  # a caller's mistake, not a file's damage (REFUSED)
                    raise RuntimeError("rows converted for SQLite given to another store")
                rows.extend([(case, rid, kind, file_id, locator, when, text, value)
                             for rid, kind, locator, when, text, value in items.records])
            else:
                rows.extend([(case, i.id, i.kind, file_id, i.locator, ts(as_utc(i.ts)), i.text,
                              data(i.data)) for i in items])
        new = self._insert_sqlite(rows) if bulk.sqlite else self._insert_staged(rows)
        moves: list[tuple[Any, ...]] = []
        at = 0
        for tally, _, items in parts:
            if isinstance(items, RecordRows):
                _count_rows(case, tally, items, new, moves)
                at += len(items)
            else:
                at = self._count_items(case, tally, items, new, moves, rows, at)
        told = self.on_transfers is not None and bulk.sqlite and bool(moves)
        before = _last_seq(conn) if told else 0
        bulk.transfers.run(conn, moves)
        if told:
            # Rows get the next free sequence numbers in order: known if they took a run.
            follows = _last_seq(conn) - before == len(moves)
            self._written_transfers.append((before + 1 if follows else None, moves))

    def _count_items(self, case: str, tally: _Tally, items: list[Item], new: set[str],
                     moves: list[tuple[Any, ...]], rows: list[tuple[Any, ...]], at: int) -> int:
        """A file's items that are new (`new`, their ids removed from it) counted in
        `tally`, their transfers added to `moves`, their accounts written; `rows[at:]` are
        their records' rows. Where the next file's rows start."""
        bulk = self._bulk
        assert bulk is not None
        # A transfer's time is its record's, as stored: converted once.
        transfer_ts, same_ts = bulk.transfer_ts, bulk.same_ts
        fresh = []
        for start in range(0, len(items), ACCOUNT_SLICE):
            fresh_slice = []
            for i in items[start:start + ACCOUNT_SLICE]:
                if i.id in new:
                    new.discard(i.id)  # a later item of the same id is a duplicate
                    fresh_slice.append(i)
                    if (t := i.transfer) is not None:
                        moves.append((
                            case, i.id, t.chain, t.token, t.from_address, t.to_address,
                            format(t.amount, "f"),
                            rows[at][5] if same_ts and t.ts is i.ts
                            else transfer_ts(as_utc(t.ts)), t.tx))
                at += 1
            if any(i.details for i in fresh_slice):
                self._upsert_accounts(case, fresh_slice)
            fresh.extend(fresh_slice)
        tally.duplicates += len(items) - len(fresh)
        tally.by_kind.update(i.kind for i in fresh)
        tally.accounts.update(d.account_id for i in fresh for d in i.details)
        tally.identifiers.update(PendingIdentifiers.of_items(fresh))
        return at

    def _upsert_accounts(self, case: str, items: list[Item]) -> set[str]:
        """The accounts `items` give (new ones inserted, the first and last time of the known
        ones widened) and a sighting of each in each item; their ids. In one statement per
        table, through the driver: a seizure's chats and statements sight tens of thousands."""
        conn, bulk = self.conn, self._bulk
        assert bulk is not None
        seen: dict[str, dict] = {}
        sighted: list[tuple[Any, ...]] = []
        sighting_ts = bulk.sighting_ts
        for item in items:
            ts = as_utc(item.ts)
            for d in item.details:
                aid = d.account_id
                acc = seen.setdefault(
                    aid,
                    {"kind": d.kind, "value": d.value, "display": d.display, "info": d.info,
                     "first": ts, "last": ts, "records": set()},
                )
                if ts is not None:
                    acc["first"] = min(filter(None, (acc["first"], ts)))
                    acc["last"] = max(filter(None, (acc["last"], ts)))
                if item.id not in acc["records"]:
                    acc["records"].add(item.id)
                    sighted.append((case, aid, item.id, item.shop, sighting_ts(ts)))
        if not seen:
            return set()
        wanted = list(seen)
        known = {
            r.id: r
            for start in range(0, len(wanted), KEYS_PER_QUERY)
            for r in conn.execute(
                select(accounts.c.id, accounts.c.first_seen, accounts.c.last_seen).where(
                    accounts.c.case == case,
                    accounts.c.id.in_(wanted[start:start + KEYS_PER_QUERY]))
            )
        }
        new_rows: list[tuple[Any, ...]] = []
        widened: list[dict[str, Any]] = []
        info, at = bulk.account_info, bulk.account_ts
        for aid, acc in seen.items():
            if aid not in known:
                new_rows.append((case, aid, acc["kind"], acc["value"], acc["display"],
                                 info(acc["info"]), at(acc["first"]), at(acc["last"])))
                continue
            old = known[aid]
            first = min(filter(None, (as_utc(old.first_seen), acc["first"])), default=None)
            last = max(filter(None, (as_utc(old.last_seen), acc["last"])), default=None)
            if (first, last) != (as_utc(old.first_seen), as_utc(old.last_seen)):
                widened.append({"c": case, "aid": aid, "first": first, "last": last})
        if widened:
            conn.execute(update(accounts)
                         .where(accounts.c.case == bindparam("c"),
                                accounts.c.id == bindparam("aid"))
                         .values(first_seen=bindparam("first"), last_seen=bindparam("last")),
                         widened)
        bulk.accounts.run(conn, new_rows)
        bulk.sightings.run(conn, sighted)
        return set(seen)

