"""Bringing a store written by an older version of Tergeu up to what the engine reads now.

Each migration runs once per database, in its own transaction, and is recorded by name in
`store_migrations`; evidence (the vault copies, record ids, sources) is never rewritten, only
what the engine derived from it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Connection, DateTime, Engine, MetaData, String, Table, select, update

from tools.store.schema import records, transfers
from tools.tokens import NATIVE, imitation_note, token_key

migration_metadata = MetaData()
applied = Table(
    "store_migrations",
    migration_metadata,
    Column("name", String(100), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
)

BATCH = 5000


def tokens_are_contracts(conn: Connection) -> int:
    """Transfers imported before tokens were keyed on their contract kept the symbol the
    contract chose ("USDT" of a look-alike contract traced as Tether's): re-key them as
    `symbol@contract` and label imitations, from the contract their record kept."""
    plain = ~transfers.c.token.contains("@") & ~transfers.c.token.startswith("TRC10:") \
        & transfers.c.token.not_in(sorted(NATIVE.values())) \
        & transfers.c.chain.in_(("tron", "eth"))
    changed, last = 0, -1
    # In pages by key: a store of a million transfers is not read into memory at once.
    while rows := conn.execute(
            select(transfers.c.seq, transfers.c.chain, transfers.c.token, records.c.case,
                   records.c.id, records.c.data)
            .join(records, (records.c.case == transfers.c.case)
                  & (records.c.id == transfers.c.record_id))
            .where(plain, transfers.c.seq > last).order_by(transfers.c.seq).limit(BATCH)).all():
        last = rows[-1].seq
        changed += sum(_rekey(conn, r) for r in rows)
    return changed


def _rekey(conn: Connection, r: Any) -> bool:
    """Re-key one transfer and label its record; whether it changed."""
    contract = r.data.get("token_contract")
    if not isinstance(contract, str):
        return False
    try:
        key = token_key(r.chain, r.token, contract)
    except ValueError:
        return False  # a contract of the wrong shape: the record stays as it was imported
    if key == r.token:
        return False
    conn.execute(update(transfers).where(transfers.c.seq == r.seq).values(token=key))
    data = {**r.data, "token_key": key}
    if note := imitation_note(r.chain, r.token, contract):
        data["token_note"] = note
    conn.execute(update(records).where((records.c.case == r.case) & (records.c.id == r.id))
                 .values(data=data))
    return True


def identifiers_indexed(conn: Connection) -> int:
    """Cases imported before the identifier index (deconfliction) existed: indexed from what
    they hold (tools/store/identifiers.py). Returns how many."""
    from tools.store.identifiers import backfill

    return len(backfill(conn))


MIGRATIONS: list[tuple[str, Callable[[Connection], int]]] = [
    ("tokens_are_contracts", tokens_are_contracts),
    ("identifiers_indexed", identifiers_indexed),
]


def migrate(engine: Engine) -> list[str]:
    """Run the migrations this database has not had yet; their names."""
    migration_metadata.create_all(engine)
    with engine.connect() as conn:
        done = set(conn.execute(select(applied.c.name)).scalars())
    ran = []
    for name, step in MIGRATIONS:
        if name in done:
            continue
        with engine.connect().execution_options(immediate=True) as conn, conn.begin():
            if conn.execute(select(applied.c.name).where(applied.c.name == name)).first():
                continue  # another process ran it meanwhile
            step(conn)
            conn.execute(applied.insert().values(name=name, at=datetime.now(UTC)))
        ran.append(name)
    return ran
