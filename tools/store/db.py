"""Opening the case store's database from a SQLAlchemy URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, create_engine, event

from tools.store.bulk import json_text
from tools.store.migrations import migrate
from tools.store.repository import CaseStore
from tools.store.schema import metadata


def create_store_engine(url: str, lock_wait: float = 30.0) -> Engine:
    """An engine for `url`; SQLite gets WAL and foreign keys, the parent folder is created."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    # Concurrent API requests write (audit, conversations): a writer waits `lock_wait` seconds
    # (30 by default) for the SQLite write lock instead of failing after the module's 5 s.
    connect_args = {"timeout": lock_wait} if url.startswith("sqlite") else {}
    engine = create_engine(url, json_serializer=json_text, json_deserializer=orjson.loads,
                           connect_args=connect_args)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # SQLAlchemy, not the sqlite3 module, must own BEGIN, or SAVEPOINTs (one per
            # imported file) do not work: the SQLAlchemy pysqlite recipe.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            # 64 MB of page cache; more did not speed up a million-record import (bench/).
            cur.execute("PRAGMA cache_size=-65536")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Connection) -> None:
            # A transaction that reads then writes (the audit chain) asks for `immediate`:
            # it waits for the write lock up front instead of failing to upgrade a read.
            immediate = conn.get_execution_options().get("immediate")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def connect_store(url: str, evidence_dir: Path, lock_wait: float = 30.0) -> CaseStore:
    """Open (and create if new) the store at `url`, keeping evidence copies in `evidence_dir`."""
    engine = create_store_engine(url, lock_wait)
    metadata.create_all(engine)
    # Indexes added since a store was created are added to it too.
    for table in metadata.sorted_tables:
        for index in table.indexes:
            index.create(engine, checkfirst=True)
    migrate(engine)
    return CaseStore(engine, evidence_dir)
