"""A file's records as a SQLite store's rows, built by the process that read the file."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite

from tools.items import Item
from tools.store.bulk import Convert, json_text, processor
from tools.store.identifiers import record_identifiers
from tools.store.schema import records, transfers

# (id, kind, locator, time, text, data): a row of `records` without its case and file.
RecordRow = tuple[str, str, str, Any, str | None, Any]
# (position of its record in the file, chain, token, from, to, amount, time, tx): a row of
# `transfers` without its case and record id.
StoredTransfer = tuple[int, str, str, str | None, str | None, str, Any, str]

@dataclass(slots=True)
class RecordRows:
    """The records of one file as rows of `records` and `transfers`, their values converted
    as a SQLite store converts them (times as text, data as JSON text), with the identifiers
    each record names.

    A file read by a worker process comes back as these instead of `Item`s: a tuple of text
    per record pickles and unpickles in a fraction of an object tree's time, and the writer
    inserts them without converting anything (a million TRC-20 transfers: seconds of the
    importer's own time, not tens)."""

    records: list[RecordRow]
    transfers: list[StoredTransfer]
    identifiers: list[tuple[str, ...]]

    def __len__(self) -> int:
        return len(self.records)


@cache
def sqlite_converters() -> tuple[Convert, Convert, Convert]:
    """The conversions of records' time and data and transfers' time of a SQLite store
    (`tools.store.db` configures its dialect alike: JSON through `json_text`)."""
    dialect = SQLiteDialect_pysqlite(json_serializer=json_text)
    return (processor(dialect, records.c.ts), processor(dialect, records.c.data),
            processor(dialect, transfers.c.ts))


def record_rows(items: list[Item]) -> RecordRows | None:
    """`items` (checked, in file order) as rows of a SQLite store, or None if any of them
    hands out payment details (those are written from their items, with their accounts)."""
    if any(i.details for i in items):
        return None
    ts, data, transfer_ts = sqlite_converters()
    out = RecordRows([], [], [])
    for n, i in enumerate(items):
        when = ts(i.ts)
        out.records.append((i.id, i.kind, i.locator, when, i.text, data(i.data)))
        out.identifiers.append(record_identifiers(i))
        if (t := i.transfer) is not None:
            out.transfers.append((
                n, t.chain, t.token, t.from_address, t.to_address, format(t.amount, "f"),
                when if t.ts is i.ts else transfer_ts(t.ts), t.tx))
    return out
