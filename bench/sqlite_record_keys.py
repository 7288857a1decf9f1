"""What the records table's random primary key costs a bulk load in SQLite itself, no Tergeu code:
a million transfer-shaped rows (records and transfers, indexes built after) written in one
transaction with hash ids, as the store's ids are, then with ids in key order.

    python -m bench.sqlite_record_keys [--rows 1000000]

Prints CPU seconds (this process) and wall seconds of each load, and the file's size. The gap
between the two is what a load pays for inserting into the (case, id) key at random places; a
unique index built after the load (sorted once) would not pay it.
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import sqlite3
import tempfile
import time
from pathlib import Path

_DATA = ('{"chain":"tron","tx":"%s","token":"USDT","token_contract":'
         '"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t","decimals":6,"from":'
         '"TXmqWQTjQr4TveWQWEsAo1mJuDXg68vhzP","to":"TTY1HV5DRzLqNG5J3xor1WV5de71Xksn4S",'
         '"amount":"12.500000","amount_raw":"12500000","time":"2025-01-01T10:00:00+00:00",'
         '"status":"SUCCESS"}')
_SCHEMA = (
    'CREATE TABLE records ("case" VARCHAR(100), id VARCHAR(300), kind VARCHAR(20), '
    "file_id INTEGER, locator TEXT, ts DATETIME, text TEXT, data JSON, "
    'PRIMARY KEY ("case", id))',
    'CREATE TABLE transfers (seq INTEGER PRIMARY KEY, "case" VARCHAR(100), record_id '
    "VARCHAR(300), chain VARCHAR(10), token VARCHAR(100), from_address VARCHAR(120), "
    "to_address VARCHAR(120), amount VARCHAR(80), ts DATETIME, tx VARCHAR(100))",
)
_INDEXES = ('CREATE INDEX ix_records_case_kind ON records ("case", kind)',
            'CREATE INDEX ix_transfers_from ON transfers ("case", from_address)',
            'CREATE INDEX ix_transfers_to ON transfers ("case", to_address)')


def _rows(n: int, ordered: bool) -> list[tuple[tuple, tuple]]:
    out = []
    for i in range(n):
        h = hashlib.sha256(str(i).encode()).hexdigest()
        rid = f"tron:{i:064d}#{h[:8]}" if ordered else f"tron:{h}#{h[:8]}"
        when = "2025-01-01 10:00:00.000000"
        out.append((("seed", rid, "transfer", 1, f"/data/{i % 200}", when, None, _DATA % h),
                    ("seed", rid, "tron", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
                     "TXmqWQTjQr4TveWQWEsAo1mJuDXg68vhzP", "TTY1HV5DRzLqNG5J3xor1WV5de71Xksn4S",
                     "12.500000", when, h)))
    return out


def _load(path: Path, rows: list[tuple[tuple, tuple]]) -> tuple[float, float]:
    con = sqlite3.connect(path)
    con.execute("PRAGMA cache_size=-65536")  # as tools/store/db.py
    con.execute("PRAGMA journal_mode=DELETE")
    for sql in _SCHEMA:
        con.execute(sql)
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    con.execute("BEGIN")
    for s in range(0, len(rows), 10_000):
        chunk = rows[s:s + 10_000]
        con.executemany("INSERT INTO records VALUES (?,?,?,?,?,?,?,?)", [r for r, _ in chunk])
        con.executemany('INSERT INTO transfers ("case", record_id, chain, token, from_address, '
                        "to_address, amount, ts, tx) VALUES (?,?,?,?,?,?,?,?,?)",
                        [t for _, t in chunk])
    for sql in _INDEXES:
        con.execute(sql)
    con.commit()
    con.close()
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return cpu, time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for ordered in (False, True):
            path = Path(tmp) / f"keys-{ordered}.db"
            cpu, wall = _load(path, _rows(args.rows, ordered))
            label = "ids in key order" if ordered else "hash ids (as the store's)"
            print(f"{args.rows:,} records + transfers, {label}: {cpu:.1f} s CPU, {wall:.1f} s "
                  f"wall, {path.stat().st_size / 2**20:.0f} MB")


if __name__ == "__main__":
    main()
