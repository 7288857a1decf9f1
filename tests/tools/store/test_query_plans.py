"""Queries every process runs on a large case reach their rows by an index that bounds them, not
by a walk over the case's million transfers (SQLite keeps no statistics: its plan is the same
for a small store as for the seed case, so a small store shows it)."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import event

from tools.search.index import DEFAULT_KINDS
from tools.store.accounts import bank_rows_between
from tools.store.search_docs import count_pending, pending_records
from tools.store.transfers import transfers_after


def _plan_of(store, call: Callable[[Any], object]) -> str:
    """SQLite's plan for the last statement `call(conn)` sent."""
    seen = []

    def spy(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    with store.engine.connect() as conn:
        event.listen(store.engine, "before_cursor_execute", spy)
        try:
            call(conn)
        finally:
            event.remove(store.engine, "before_cursor_execute", spy)
        statement, parameters = seen[-1]
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    return " | ".join(r[-1] for r in rows)


def test_new_transfers_are_found_by_the_key_range_not_the_address_index(sqlite_store):
    plan = _plan_of(sqlite_store, lambda conn: list(transfers_after(conn, "c", 10, ("tron",))))
    assert "INTEGER PRIMARY KEY (rowid>?)" in plan, plan
    assert "ix_transfers" not in plan and "TEMP B-TREE" not in plan, plan


def test_pending_documents_are_counted_through_the_records_kinds(sqlite_store):
    plan = _plan_of(sqlite_store, lambda conn: count_pending(conn, "c", "c", DEFAULT_KINDS))
    assert "ix_records_" in plan, plan
    assert "sqlite_autoindex_records_1 (case=?)" not in plan, plan


def test_statement_rows_by_time_are_read_through_the_bank_rows_index(sqlite_store):
    plan = _plan_of(sqlite_store, lambda conn: bank_rows_between(
        conn, "c", datetime(2025, 1, 1), datetime(2025, 1, 2)))
    assert "ix_transfers_bank_ts" in plan, plan


def test_pending_documents_are_read_through_the_records_kinds(sqlite_store):
    plan = _plan_of(sqlite_store,
                    lambda conn: pending_records(conn, "c", "c", DEFAULT_KINDS))
    assert "ix_records_" in plan, plan
    assert "sqlite_autoindex_records_1 (case=?)" not in plan, plan
