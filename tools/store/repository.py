"""Reading and writing one case's records, transfers and payment details."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import overload

from sqlalchemy import Engine, Table, func, insert, select, update
from sqlalchemy.engine import Connection

from tools.errors import RecordNotFoundError
from tools.items import Item
from tools.models import CaseStats, FileInfo, Record, Source
from tools.store.identifiers import PendingIdentifiers
from tools.store.schema import accounts, files, records, sightings, transfers

CHUNK = 2000
# Records written between commits when many files are imported in one run.
COMMIT_EVERY = 100_000


@dataclass(slots=True)
class FileMeta:
    case: str
    name: str
    sha256: str
    size: int
    format: str


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


class CaseStore:
    """The SQL case store. Each file's records are written all or nothing (a savepoint per file)."""

    def __init__(self, engine: Engine, evidence_dir: Path) -> None:
        self.engine = engine
        self.evidence_dir = evidence_dir

    @contextmanager
    def writer(self, commit_every: int = COMMIT_EVERY) -> Iterator[StoreWriter]:
        """A writer for many files; committed every `commit_every` records and at the end.

        Its transactions take SQLite's write lock when they begin (`immediate`): an import
        reads (duplicate probes) before it writes, and a read transaction that another writer
        overtook cannot upgrade; it fails at once with "database is locked" instead of waiting.
        """
        with self.engine.connect().execution_options(immediate=True) as conn:
            writer = StoreWriter(self, conn, commit_every)
            try:
                yield writer
                # Shops are resolved once per import, from everything the case holds now.
                from tools.store.shops import rebuild_shops

                writer.identifiers.flush(conn)
                for case in sorted(writer.cases):
                    rebuild_shops(conn, case)
            except BaseException:
                conn.rollback()
                raise
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
        return Record(
            id=row.id, kind=row.kind, case=row.case, fields=row.data,
            source=Source(file=row.name, sha256=row.sha256, locator=row.locator, format=row.format),
        )

    def accounts_of_record(self, case: str, record_id: str) -> list[str]:
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    select(sightings.c.account_id)
                    .where(sightings.c.case == case, sightings.c.record_id == record_id)
                    .order_by(sightings.c.account_id)
                ).scalars()
            )


class StoreWriter:
    """Writes files through one connection; a bad file rolls back to its own savepoint only.

    Committing once per file would rewrite every touched index page per file; batching files
    under one transaction and a savepoint each keeps "nothing of a bad file is kept" and loads
    many small files (TronGrid pages hold 200 transfers) an order of magnitude faster.
    """

    def __init__(self, store: CaseStore, conn: Connection, commit_every: int) -> None:
        self.store = store
        self.conn = conn
        self.commit_every = commit_every
        self._uncommitted = 0
        self.cases: set[str] = set()
        # Identifier counts of the files written since the last commit, flushed before it.
        self.identifiers = PendingIdentifiers()

    def has_file(self, case: str, sha256: str) -> bool:
        q = select(files.c.id).where(files.c.case == case, files.c.sha256 == sha256)
        return self.conn.execute(q).first() is not None

    def write_file(self, meta: FileMeta, items: Iterable[Item]) -> WriteResult:
        """Write a file's items; records already in the case are counted as duplicates."""
        by_kind: dict[str, int] = {}
        duplicates = 0
        account_ids: set[str] = set()
        found: Counter[str] = Counter()
        conn = self.conn
        with conn.begin_nested():
            key = conn.execute(
                insert(files).values(
                    case=meta.case, name=meta.name, sha256=meta.sha256, size=meta.size,
                    format=meta.format, records=0, ingested_at=datetime.now(UTC),
                )
            ).inserted_primary_key
            assert key is not None  # a single-row insert always returns its key
            file_id = key[0]
            for chunk in _chunks(items, CHUNK):
                fresh = self._fresh_items(meta.case, chunk)
                duplicates += len(chunk) - len(fresh)
                if not fresh:
                    continue
                self._insert_items(meta.case, file_id, fresh)
                account_ids.update(self._upsert_accounts(meta.case, fresh))
                found.update(self.identifiers.of_items(fresh))
                for item in fresh:
                    by_kind[item.kind] = by_kind.get(item.kind, 0) + 1
            conn.execute(
                update(files).where(files.c.id == file_id).values(records=sum(by_kind.values()))
            )
        self.cases.add(meta.case)
        self.identifiers.add(meta.case, found)  # the file is whole: its identifiers count
        self._uncommitted += sum(by_kind.values()) + 1
        if self._uncommitted >= self.commit_every:
            self.identifiers.flush(conn)
            conn.commit()
            self._uncommitted = 0
        return WriteResult(by_kind, duplicates, len(account_ids))

    def _fresh_items(self, case: str, chunk: list[Item]) -> list[Item]:
        conn = self.conn
        unique: dict[str, Item] = {}
        for item in chunk:
            unique.setdefault(item.id, item)
        existing = set(
            conn.execute(
                select(records.c.id).where(records.c.case == case, records.c.id.in_(unique))
            ).scalars()
        )
        return [item for rid, item in unique.items() if rid not in existing]

    def _insert_items(self, case: str, file_id: int, items: list[Item]) -> None:
        conn = self.conn
        conn.execute(
            insert(records),
            [
                {
                    "case": case, "id": i.id, "kind": i.kind, "file_id": file_id,
                    "locator": i.locator, "ts": as_utc(i.ts), "text": i.text, "data": i.data,
                }
                for i in items
            ],
        )
        moves = [
            {
                "case": case, "record_id": i.id, "chain": t.chain, "token": t.token,
                "from_address": t.from_address, "to_address": t.to_address,
                "amount": format(t.amount, "f"), "ts": as_utc(t.ts), "tx": t.tx,
            }
            for i in items
            if (t := i.transfer) is not None
        ]
        if moves:
            conn.execute(insert(transfers), moves)

    def _upsert_accounts(self, case: str, items: list[Item]) -> set[str]:
        conn = self.conn
        seen: dict[str, dict] = {}
        rows = []
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
                    rows.append({"case": case, "account_id": aid, "record_id": item.id,
                                 "shop": item.shop, "seen_at": ts})
        if not seen:
            return set()
        known = {
            r.id: r
            for r in conn.execute(
                select(accounts.c.id, accounts.c.first_seen, accounts.c.last_seen).where(
                    accounts.c.case == case, accounts.c.id.in_(seen)
                )
            )
        }
        new_rows = []
        for aid, acc in seen.items():
            if aid not in known:
                new_rows.append({"case": case, "id": aid, "kind": acc["kind"],
                                 "value": acc["value"], "display": acc["display"],
                                 "info": acc["info"], "first_seen": acc["first"],
                                 "last_seen": acc["last"]})
                continue
            old = known[aid]
            first = min(filter(None, (as_utc(old.first_seen), acc["first"])), default=None)
            last = max(filter(None, (as_utc(old.last_seen), acc["last"])), default=None)
            if (first, last) != (as_utc(old.first_seen), as_utc(old.last_seen)):
                conn.execute(
                    update(accounts)
                    .where(accounts.c.case == case, accounts.c.id == aid)
                    .values(first_seen=first, last_seen=last)
                )
        if new_rows:
            conn.execute(insert(accounts), new_rows)
        conn.execute(insert(sightings), rows)
        return set(seen)

