"""Bulk inserts at the driver's speed: SQL compiled by SQLAlchemy for the connection's dialect,
values converted by the columns' own type processors, rows handed to the driver's executemany.

Core's executemany builds and processes a parameter dict per row; on a million transfers that
cost more than the database's own work. Here the rows are tuples built by the caller with the
same conversions (`processor`), so the stored values are exactly what Core would store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Connection, Table, insert

Convert = Callable[[Any], Any]


def _same(value: Any) -> Any:
    return value


def processor(conn: Connection, column: Column[Any]) -> Convert:
    """What SQLAlchemy does to a Python value of `column` before the driver sees it (JSON
    serialised, SQLite datetimes as text); the identity where it does nothing."""
    dialect = conn.dialect
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return process if process is not None else _same


@dataclass(frozen=True, slots=True)
class DriverInsert:
    """An INSERT of some columns of a table, compiled once for one dialect."""

    sql: str
    columns: tuple[str, ...]
    # Where each column's value goes in the driver's positional parameters; None if named.
    order: tuple[int, ...] | None

    def run(self, conn: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
        """Insert `rows` (tuples in `columns` order, values already converted)."""
        if not rows:
            return
        params: list[Any]
        if self.order is None:
            params = [dict(zip(self.columns, r, strict=True)) for r in rows]
        elif self.order == tuple(range(len(self.columns))):
            params = list(rows)
        else:
            params = [tuple(r[i] for i in self.order) for r in rows]
        conn.exec_driver_sql(self.sql, params)


def driver_insert(conn: Connection, table: Table, columns: Sequence[str], *,
                  ignore_existing: bool = False) -> DriverInsert:
    """The INSERT of `columns` into `table` as the connection's driver takes it.

    `ignore_existing`: rows whose primary key the table holds already are skipped (ON
    CONFLICT DO NOTHING), on SQLite and PostgreSQL."""
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
        return DriverInsert(compiled.string, names, tuple(names.index(p) for p in positions))
    return DriverInsert(compiled.string, names, None)
