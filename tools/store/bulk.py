"""Bulk inserts at the driver's speed: SQL compiled by SQLAlchemy for the connection's dialect,
values converted by the columns' own type processors, rows handed to the driver's executemany.

Core's executemany builds and processes a parameter dict per row; on a million transfers that
cost more than the database's own work. Here the rows are tuples built by the caller with the
same conversions (`processor`), so the stored values are exactly what Core would store.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from typing import Any

import orjson
from sqlalchemy import JSON, Column, Connection, Dialect, Table, insert
from sqlalchemy.dialects import sqlite

Convert = Callable[[Any], Any]
log = logging.getLogger(__name__)


def json_text(value: object) -> str:
    """The store's JSON serializer (the engine's, `tools.store.db`)."""
    return orjson.dumps(value).decode()


def _same(value: Any) -> Any:
    return value


def processor(dialect: Dialect, column: Column[Any]) -> Convert:
    """What SQLAlchemy does to a Python value of `column` before the driver of `dialect` sees
    it (JSON serialised, SQLite datetimes as text); the identity where it does nothing.

    On SQLite the two conversions a million records each need are done by C methods where
    the value has the usual type (the same text as SQLAlchemy's, checked in the tests)."""
    impl = column.type.dialect_impl(dialect)
    process = impl.bind_processor(dialect)
    if process is None:
        return _same
    if dialect.name == "sqlite" and isinstance(impl, sqlite.DATETIME) and (
            impl._storage_format == _SQLITE_DATETIME):
        return _sqlite_datetime(process)
    if dialect.name == "sqlite" and isinstance(impl, JSON) and not impl.none_as_null:
        serializer = getattr(dialect, "_json_serializer", None)
        if serializer is not None:
            return _json_object(serializer, process)
    return process


# SQLAlchemy's text of a SQLite datetime: what `datetime.isoformat(" ", "microseconds")`
# writes before the UTC offset.
_SQLITE_DATETIME = ("%(year)04d-%(month)02d-%(day)02d "
                    "%(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d")


def _sqlite_datetime(process: Convert) -> Convert:
    def convert(value: Any) -> Any:
        if type(value) is datetime:
            return value.isoformat(" ", "microseconds")[:26]
        return process(value)

    return convert


def _json_object(serializer: Callable[[Any], str], process: Convert) -> Convert:
    def convert(value: Any) -> Any:
        return serializer(value) if type(value) is dict else process(value)

    return convert


@dataclass(frozen=True, slots=True)
class DriverInsert:
    """An INSERT of some columns of a table, compiled once for one dialect."""

    sql: str
    columns: tuple[str, ...]
    # Where each column's value goes in the driver's positional parameters; None if named.
    order: tuple[int, ...] | None
    # `sql` is a COPY … FROM STDIN (psycopg on PostgreSQL) rather than an INSERT.
    copy: bool = False
    # The same INSERT with `rows_per_statement` rows in its VALUES (SQLite), or None.
    many_sql: str | None = None
    rows_per_statement: int = 1

    def run(self, conn: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
        """Insert `rows` (tuples in `columns` order, values already converted)."""
        if not rows:
            return
        if self.copy:
            # PostgreSQL's COPY, through the connection's own driver (in its transaction):
            # rows streamed in one statement instead of a round trip of statements per batch.
            cursor: Any = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            with cursor, cursor.copy(self.sql) as copy:
                for r in rows:
                    copy.write_row(r)
            return
        params: list[Any]
        if self.order is None:
            params = [dict(zip(self.columns, r, strict=True)) for r in rows]
        elif self.order == tuple(range(len(self.columns))):
            params = list(rows)
        else:
            params = [tuple(r[i] for i in self.order) for r in rows]
        per = self.rows_per_statement
        whole = len(params) - len(params) % per if self.many_sql is not None else 0
        if whole:
            # Binding and stepping a statement per row cost SQLite's Python driver more than
            # the insert itself: 100 rows a statement wrote a million records in 2.6 s, not 4.2.
            flat = chain.from_iterable
            conn.exec_driver_sql(self.many_sql,  # type: ignore[arg-type]
                                 [tuple(flat(params[s:s + per])) for s in range(0, whole, per)])
        if whole < len(params):
            conn.exec_driver_sql(self.sql, params[whole:])


def driver_insert(conn: Connection, table: Table, columns: Sequence[str], *,
                  ignore_existing: bool = False) -> DriverInsert:
    """The INSERT of `columns` into `table` as the connection's driver takes it.

    `ignore_existing`: rows whose primary key the table holds already are skipped (ON
    CONFLICT DO NOTHING), on SQLite and PostgreSQL. Otherwise, on PostgreSQL through psycopg,
    the rows go in by COPY."""
    if not ignore_existing and conn.dialect.name == "postgresql" and (
            conn.dialect.driver == "psycopg"):
        quoted = conn.dialect.identifier_preparer.quote
        listed = ", ".join(quoted(c) for c in columns)
        return DriverInsert(f"COPY {quoted(table.name)} ({listed}) FROM STDIN", tuple(columns),
                            None, copy=True)
    stmt: Any = insert(table)
    if ignore_existing:
        if conn.dialect.name == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            stmt = sqlite_insert(table)
        else:  # PostgreSQL, the only other store
            from sqlalchemy.dialects.postgresql import insert as postgresql_insert

            stmt = postgresql_insert(table)
        stmt = stmt.on_conflict_do_nothing(index_elements=list(table.primary_key.columns))
    compiled = stmt.compile(dialect=conn.dialect, column_keys=list(columns))
    names = tuple(columns)
    if compiled.positional:
        positions = compiled.positiontup or []
        if sorted(positions) != sorted(names):
            raise ValueError(f"unexpected parameters {positions} for {names}")
        order = tuple(names.index(p) for p in positions)
        if conn.dialect.name == "sqlite":
            return DriverInsert(compiled.string, names, order,
                                **_many_rows(compiled.string, len(names)))
        return DriverInsert(compiled.string, names, order)
    return DriverInsert(compiled.string, names, None)


# Rows per multi-row INSERT on SQLite: past about 20 the gain flattens (bench/ingest_speed).
ROWS_PER_STATEMENT = 100
# SQLite's default limit on a statement's parameters before 3.32 (32,766 since): within
# either, whatever SQLite the interpreter has.
_MAX_PARAMETERS = 999


def _many_rows(sql: str, width: int) -> dict[str, Any]:
    """`many_sql` and `rows_per_statement` for a single-row SQLite INSERT `sql` of `width`
    question-mark parameters; nothing if its VALUES group is not found once."""
    group = "(" + ", ".join(["?"] * width) + ")"
    if sql.count(f"VALUES {group}") != 1:
        return {}
    per = max(1, min(ROWS_PER_STATEMENT, _MAX_PARAMETERS // width))
    return {"many_sql": sql.replace(f"VALUES {group}", "VALUES " + ", ".join([group] * per)),
            "rows_per_statement": per}


@contextmanager
def rollback_journal(conn: Connection) -> Iterator[bool]:
    """A SQLite bulk load written through a rollback journal rather than the write-ahead log;
    yields whether the store switched (it is back in WAL mode after the block).

    In WAL mode every page of a large transaction is written twice (to the log, then copied
    into the database by the checkpoint); a rollback journal keeps only the old content of
    pages the transaction changes, and the pages a load appends to the file have none: a
    million transfers commit in about half the time. It is as safe against a crash (the
    journal rolls an unfinished load back when the store is next opened; `synchronous=FULL`
    meanwhile, as SQLite advises for a rollback journal). The cost: until the load ends, a
    process that opens the store waits for it (up to its lock wait, then "database is
    locked"), where in WAL mode it would read the store as it was. So only an import told
    that nothing else uses the store (`tergeu ingest --exclusive`) asks for it, and while
    any other connection has the store open as it starts it stays in WAL mode.
    Call before the connection's transaction begins."""
    driver = conn.connection.dbapi_connection
    if conn.dialect.name != "sqlite" or driver is None or conn.in_transaction():
        yield False
        return
    wait = driver.execute("PRAGMA busy_timeout").fetchone()[0]
    driver.execute("PRAGMA busy_timeout=0")  # another connection open: no waiting, no switch
    try:
        mode = driver.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.OperationalError:
        mode = "wal"
    finally:
        driver.execute(f"PRAGMA busy_timeout={int(wait)}")
    log.info("bulk load %s", "through a rollback journal" if mode == "delete"
             else "in WAL mode: the store is open elsewhere")
    if mode == "delete":
        driver.execute("PRAGMA synchronous=FULL")
    try:
        yield mode == "delete"
    finally:
        if mode == "delete":
            if conn.in_transaction():
                conn.rollback()
            try:
                driver.execute("PRAGMA synchronous=NORMAL")
                driver.execute("PRAGMA journal_mode=WAL")
            except sqlite3.OperationalError as exc:
                # The load is committed (or rolled back) already; the next connection to
                # open the store puts it back in WAL mode (`create_store_engine`).
                log.warning("store left in rollback-journal mode for now: %s", exc)
