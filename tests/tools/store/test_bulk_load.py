"""Large imports at speed, with what they store unchanged: the TRC-20 fast path gives the
general path's records, the writer's C conversions give SQLAlchemy's text, and a bulk load
(one transaction, indexes built at its end) keeps the same records, or nothing if it fails."""

import json
import os
import random
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

import tools.store.repository as repository
from tests.utils.big_evidence import USDT, write_trc20_pages
from tools.demo import fake_ids
from tools.ingest.pipeline import ingest_paths
from tools.ingest.tron import _trc20_item, _Trc20Reader
from tools.items import Item, PaymentDetail, TransferRow
from tools.store.bulk import processor
from tools.store.identifiers import PendingIdentifiers, identifiers_of
from tools.store.schema import files, records, transfers

ROOT = Path(__file__).parents[3]


def _transfer(rng: random.Random) -> dict:
    """A TronGrid transfer of the usual shape or one of its rarer variants."""
    t = {"transaction_id": f"{rng.getrandbits(256):064x}", "token_info": dict(USDT),
         "block_timestamp": rng.randint(0, 2_000_000_000_000), "from": fake_ids.tron(rng),
         "to": fake_ids.tron(rng), "type": "Transfer", "value": str(rng.randint(0, 10**12))}
    variant = rng.randrange(12)
    if variant == 0:
        t["value"] = "000" + t["value"]
    elif variant == 1:
        t["value"] = str(rng.randint(10**38, 10**60))  # longer than the fast path reads
    elif variant == 2:
        t["token_info"] = {"symbol": "USDT", "address": fake_ids.tron(rng), "decimals": "18"}
    elif variant == 3:
        t["token_info"] = {"symbol": "SUN\u200bDOG@", "address": fake_ids.tron(rng),
                           "decimals": rng.choice([0, 2, 40, 255])}
    elif variant == 4:
        t["block_timestamp"] = str(t["block_timestamp"])
    elif variant == 5:
        t["value"] = int(t["value"])
    elif variant == 6:
        t["to"] = t["from"]
    elif variant == 7:
        del t["block_timestamp"]
    elif variant == 8:
        t["token_info"]["symbol"] = None
    return t


def _same(a: Item, b: Item) -> bool:
    return (a.id, a.kind, a.locator, a.ts, a.data, a.text, a.transfer) == (
        b.id, b.kind, b.locator, b.ts, b.data, b.text, b.transfer)


def test_trc20_fast_path_gives_the_general_paths_records():
    rng = random.Random(11)
    fast = _Trc20Reader()
    took = 0
    for k in range(3000):
        t = _transfer(rng)
        item = fast.item(f"/data/{k}", t)
        general = _trc20_item(f"/data/{k}", t)
        if item is not None:
            took += 1
            assert _same(item, general), t
    assert took > 1500  # the usual shape is read by the fast path
    # Token caches hold facts about strings: a second pass reads the same.
    rng = random.Random(11)
    for k in range(300):
        t = _transfer(rng)
        if (item := fast.item(f"/data/{k}", t)) is not None:
            assert _same(item, _trc20_item(f"/data/{k}", t))


def test_trc20_rows_are_what_record_rows_makes_of_the_general_paths_records():
    from tools.store.rows import record_rows

    rng = random.Random(12)
    fast = _Trc20Reader()
    took = 0
    for k in range(4000):
        t = _transfer(rng)
        if rng.random() < 0.3 and isinstance(t["token_info"].get("decimals"), int):
            # Amounts near the places where a Decimal's text turns to an exponent.
            t["token_info"] = {**t["token_info"], "decimals": rng.choice([0, 1, 6, 7, 8, 18])}
            t["value"] = rng.choice(["0", "1", "10", "100000", "1000000", "00"])
        rows = fast.rows(k, f"/data/{k}", t)
        if rows is None:
            continue
        took += 1
        expected = record_rows([_trc20_item(f"/data/{k}", t)])
        assert expected is not None, t
        record, transfer, identifiers = rows
        assert ([record], [transfer[1:]], [identifiers]) == (
            expected.records, [r[1:] for r in expected.transfers], expected.identifiers), t
    assert took > 1500


@pytest.mark.parametrize("bad", [
    {"value": "1x"}, {"value": 1.5}, {"value": True}, {"from": "T123"}, {"to": None},
    {"transaction_id": "zz"}, {"block_timestamp": 10**18}, {"block_timestamp": -5},
    {"token_info": {"symbol": "X", "address": "T1", "decimals": 6}},
    {"token_info": {"symbol": "X", "address": USDT["address"], "decimals": 256}},
    {"token_info": {"symbol": "X", "address": USDT["address"], "decimals": [6]}},
    {"token_info": None}, {"type": "Approval"},
])
def test_the_fast_path_leaves_anything_unusual_to_the_general_checks(bad):
    t = {**_transfer(random.Random(1)), **bad}
    assert _Trc20Reader().item("/data/0", t) is None


def test_sqlite_conversions_are_sqlalchemys(sqlite_store):
    with sqlite_store.engine.connect() as conn:
        for column in (records.c.ts, records.c.data, transfers.c.ts):
            fast = processor(conn.dialect, column)
            plain = column.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
            assert fast is not plain
            values = ([datetime(2025, 3, 14, 11, 19, 52, 817000, tzinfo=UTC),
                       datetime(999, 1, 2, 3, 4, 5), datetime(2025, 1, 1, 0, 0, 0, 1),
                       datetime(2025, 6, 1, 23, 59, 59, tzinfo=timezone(timedelta(hours=5))),
                       date(2025, 1, 2), None]
                      if column.name == "ts" else
                      [{"a": 1, "b": "ü", "c": [1.5, None]}, {}, [1, 2], "text", None, 3])
            assert [fast(v) for v in values] == [plain(v) for v in values]


def test_wallet_identifiers_are_counted_as_identifiers_of_counts_them():
    ts = datetime(2025, 1, 1, tzinfo=UTC)

    def item(rid, chain, frm, to, details=()):
        return Item(rid, "transfer", "/data/0", ts, {},
                    transfer=TransferRow(chain, "USDT", frm, to, Decimal(1), ts, "t"),
                    details=list(details))

    items = [item("a", "tron", "TA", "TB"), item("b", "tron", "TA", "TA"),
             item("c", "eth", "0xAB", "0xcd"), item("d", "bank", "KZ1", "KZ2"),
             item("e", "tron", "", "TB"), item("f", "tron", None, "TB"),
             item("g", "btc", "bc1q", "x" * 196), item("h", "btc", "bc1q", "x" * 197),
             item("i", "tron", "TA", "TC", [PaymentDetail("card", "4400", "4400")]),
             Item("j", "message", "/m/0", ts, {}, text="x",
                  details=[PaymentDetail("phone", "+77", "+77")])]
    expected: dict[str, int] = {}
    for i in items:
        for ident in identifiers_of(i):
            expected[ident] = expected.get(ident, 0) + 1
    assert dict(PendingIdentifiers.of_items(items)) == expected


def _dump(store, case="c"):
    """What the case holds: records with their sources, transfers in import order, files."""
    with store.engine.connect() as conn:
        recs = sorted(tuple(r) for r in conn.execute(
            select(records.c.id, records.c.kind, files.c.name, records.c.locator, records.c.ts,
                   records.c.data).join(files, files.c.id == records.c.file_id)
            .where(records.c.case == case)))
        moves = [tuple(r) for r in conn.execute(
            select(transfers.c.record_id, transfers.c.token, transfers.c.from_address,
                   transfers.c.to_address, transfers.c.amount, transfers.c.ts, transfers.c.tx)
            .where(transfers.c.case == case).order_by(transfers.c.seq))]
        names = sorted(conn.execute(select(files.c.name, files.c.records)
                                    .where(files.c.case == case)).all())
    return recs, moves, names


def _indexes(store):
    found = inspect(store.engine)
    return {t: sorted(i["name"] for i in found.get_indexes(t)) for t in ("records", "transfers")}


def _pages(tmp_path, n=600, per_page=40, seed=5):
    pages = tmp_path / "pages"
    write_trc20_pages(pages, n, per_page, random.Random(seed))
    # One transfer given again in a later page: the first place it appears is its source.
    first = json.loads((pages / "trc20_000000.json").read_text())["data"]
    (pages / "trc20_999999.json").write_text(json.dumps(
        {"data": [first[3], {**first[4], "transaction_id": "ab" * 32}], "success": True}))
    return pages


def test_a_bulk_load_stores_what_file_by_file_writing_stores(tmp_path, monkeypatch):
    from tools.store import connect_store

    pages = _pages(tmp_path)
    plain = connect_store(f"sqlite:///{tmp_path / 'plain.db'}", tmp_path / "ev1")
    monkeypatch.setattr(repository, "BULK_LOAD_RECORDS", 10**9)
    ingest_paths(plain, "c", [pages])
    bulk = connect_store(f"sqlite:///{tmp_path / 'bulk.db'}", tmp_path / "ev2")
    monkeypatch.setattr(repository, "BULK_LOAD_RECORDS", 100)
    commits: list[int] = []
    monkeypatch.setattr(repository, "BATCH", 50)
    monkeypatch.setattr(repository, "BULK_LOAD_BATCH", 50)  # many batches, none committed alone
    real_written = repository.StoreWriter._written

    def written(self, metas, tallies):
        commits.append(self.bulk_load)
        return real_written(self, metas, tallies)

    monkeypatch.setattr(repository.StoreWriter, "_written", written)
    report = ingest_paths(bulk, "c", [pages])
    assert commits and all(commits)  # every batch written as part of the bulk load
    assert report.files[-1].records == {"transfer": 1} and report.files[-1].duplicate_records == 1
    assert _dump(bulk) == _dump(plain)
    assert sum(len(r) for r in _dump(bulk)[:1]) == 601
    assert _indexes(bulk) == _indexes(plain)
    # Importing the same files again adds nothing and rebuilds nothing.
    again = ingest_paths(bulk, "c", [pages])
    assert {f.status for f in again.files} == {"duplicate"}
    assert _dump(bulk) == _dump(plain) and _indexes(bulk) == _indexes(plain)


def test_a_bulk_load_that_fails_half_way_leaves_the_store_as_it_was(
        sqlite_store, tmp_path, monkeypatch):
    held = tmp_path / "held"
    write_trc20_pages(held, 50, 50, random.Random(9))
    ingest_paths(sqlite_store, "c", [held])
    before, indexes = _dump(sqlite_store), _indexes(sqlite_store)
    monkeypatch.setattr(repository, "BULK_LOAD_RECORDS", 100)
    monkeypatch.setattr(repository, "BATCH", 50)
    monkeypatch.setattr(repository, "BULK_LOAD_BATCH", 50)
    seen = []

    def stop_after_some(report):
        seen.append(report)
        if len(seen) == 5:
            raise KeyboardInterrupt  # the analyst presses Ctrl-C half-way

    with pytest.raises(KeyboardInterrupt):
        # Committing every 60 records is asked for; a bulk load commits once, at its end.
        ingest_paths(sqlite_store, "c", [_pages(tmp_path)], on_file=stop_after_some,
                     commit_every=60)
    assert all(f.status == "imported" for f in seen)  # files were written, then undone
    assert _dump(sqlite_store) == before
    assert _indexes(sqlite_store) == indexes


KILLED = """
import sys, os
from pathlib import Path
import tools.store.repository as repository
from tools.ingest.pipeline import ingest_paths
from tools.store import connect_store
repository.BULK_LOAD_RECORDS, repository.BATCH, repository.BULK_LOAD_BATCH = 100, 50, 50
store = connect_store(sys.argv[1], Path(sys.argv[2]))
n = 0
def on_file(report):
    global n
    n += 1
    if n == 6:
        os._exit(9)  # killed: no rollback, no clean-up
ingest_paths(store, "c", [Path(sys.argv[3])], on_file=on_file, commit_every=60,
             exclusive=True)
"""


def test_a_bulk_load_killed_half_way_leaves_the_store_as_it_was(sqlite_store, tmp_path):
    held = tmp_path / "held"
    write_trc20_pages(held, 50, 50, random.Random(9))
    ingest_paths(sqlite_store, "c", [held])
    before, indexes = _dump(sqlite_store), _indexes(sqlite_store)
    sqlite_store.engine.dispose()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", KILLED, str(sqlite_store.engine.url),
                           str(sqlite_store.evidence_dir), str(_pages(tmp_path))], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 9, done.stderr
    # It had the store to itself: it wrote through a rollback journal, left behind hot.
    db = Path(sqlite_store.engine.url.database)
    assert db.with_name(db.name + "-journal").stat().st_size > 0
    assert _dump(sqlite_store) == before
    assert _journal_mode(sqlite_store) == "wal"
    assert _indexes(sqlite_store) == indexes
    # The files are imported whole by the next run.
    report = ingest_paths(sqlite_store, "c", [tmp_path / "pages"])
    assert {f.status for f in report.files} == {"imported"}


def _journal_mode(store):
    with store.engine.connect() as conn:
        return conn.exec_driver_sql("PRAGMA journal_mode").scalar()


def _journal_during_load(store, tmp_path, monkeypatch, exclusive=True):
    """The journal mode a bulk load of TRC-20 pages writes in, and the mode after it."""
    monkeypatch.setattr(repository, "BULK_LOAD_RECORDS", 100)
    modes = []
    real_written = repository.StoreWriter._written

    def written(self, metas, tallies):
        # On the writer's own connection and thread (another connection would be shut out).
        modes.append(self.conn.exec_driver_sql("PRAGMA journal_mode").scalar())
        return real_written(self, metas, tallies)

    monkeypatch.setattr(repository.StoreWriter, "_written", written)
    report = ingest_paths(store, "c", [_pages(tmp_path)], exclusive=exclusive)
    assert {f.status for f in report.files} == {"imported"}
    return set(modes), _journal_mode(store)


def test_a_bulk_load_into_a_store_nobody_else_has_open_skips_the_write_ahead_log(
        sqlite_store, tmp_path, monkeypatch):
    sqlite_store.engine.dispose()  # the pool's idle connections count as "open elsewhere"
    during, after = _journal_during_load(sqlite_store, tmp_path, monkeypatch)
    assert during == {"delete"} and after == "wal"
    assert len(_dump(sqlite_store)[1]) == 601


def test_a_bulk_load_not_told_it_has_the_store_to_itself_keeps_the_write_ahead_log(
        sqlite_store, tmp_path, monkeypatch):
    sqlite_store.engine.dispose()
    during, after = _journal_during_load(sqlite_store, tmp_path, monkeypatch, exclusive=False)
    assert during == {"wal"} and after == "wal"


def test_a_bulk_load_while_another_reader_has_the_store_open_stays_in_wal_mode(
        sqlite_store, tmp_path, monkeypatch):
    import sqlite3

    sqlite_store.engine.dispose()
    reader = sqlite3.connect(sqlite_store.engine.url.database)
    assert reader.execute("SELECT count(*) FROM records").fetchone() == (0,)
    during, after = _journal_during_load(sqlite_store, tmp_path, monkeypatch)
    assert during == {"wal"} and after == "wal"
    # The reader was never shut out, and sees the load once it is committed.
    assert reader.execute("SELECT count(*) FROM transfers").fetchone() == (601,)
    reader.close()


def test_imports_into_a_store_larger_than_them_keep_the_indexes(sqlite_store, tmp_path,
                                                                monkeypatch):
    held = tmp_path / "held"
    write_trc20_pages(held, 300, 100, random.Random(9))
    ingest_paths(sqlite_store, "c", [held])
    monkeypatch.setattr(repository, "BULK_LOAD_RECORDS", 10)
    monkeypatch.setattr(repository, "BATCH", 50)
    monkeypatch.setattr(repository, "BULK_LOAD_BATCH", 50)
    with sqlite_store.writer(expected_records=200) as writer:  # smaller than what is held
        writer.add_file(repository.FileMeta("c", "x.csv", "7" * 64, 1, "bank_statement"),
                        [Item(f"r:{k}", "row", f"line:{k}", None, {}) for k in range(60)])
        assert writer.bulk_load is False
    with sqlite_store.writer(expected_records=5000) as writer:
        writer.add_file(repository.FileMeta("c", "y.csv", "8" * 64, 1, "bank_statement"),
                        [Item(f"s:{k}", "row", f"line:{k}", None, {}) for k in range(60)])
        assert writer.bulk_load is True


def test_the_api_path_never_bulk_loads(store, tmp_path, monkeypatch):
    monkeypatch.setattr(repository, "BULK_LOAD_RECORDS", 1)
    decided = []
    real = repository.StoreWriter._start_writing

    def start(self):
        real(self)
        decided.append(self.bulk_load)

    monkeypatch.setattr(repository.StoreWriter, "_start_writing", start)
    ingest_paths(store, "c", [_pages(tmp_path, n=80)], commit_every=1)
    assert decided and not any(decided)


def test_merged_arrays_read_back_every_move_as_given():
    from tools.trace.compact import CompactGraph, Move, NewMove

    rng = random.Random(2)
    wallets = [fake_ids.tron(rng) for _ in range(30)]
    moves = []
    for seq in range(1, 400):
        tx = f"{rng.getrandbits(256):064x}"
        rid = rng.choice([f"tron:{tx}#{rng.getrandbits(32):08x}", f"bank:{seq}", f"tron:{tx}"])
        mant = rng.choice([rng.randint(0, 10**9), 10**30 + seq, -(2**63), 2**63 - 1])
        moves.append(NewMove(seq, rng.choice(wallets), rng.choice(wallets), seq * 1.5, mant,
                             rng.randint(0, 18), rid, tx, rng.choice(["USDT", "TRX", "X@T1"])))
    half = len(moves) // 2
    g = CompactGraph().merged(moves[:half], ["Ttagged"]).merged(moves[half:])
    assert g.number_of_moves() == len(moves) and "Ttagged" in g.index
    got = sorted((m for u in g.index for v in g.succ[u] for m in g.succ[u][v]["m"]),
                 key=lambda m: m.ts)
    assert got == [Move(m.ts, m.mant * 10**m.exp, m.record_id, m.tx, m.token) for m in moves]


def test_imports_collect_garbage_less_often_and_give_the_thresholds_back(store, tmp_path):
    import gc

    from tools.ingest.pipeline import fewer_collections

    before = gc.get_threshold()
    during = []
    with fewer_collections():  # an import already running in the process (another thread)
        ingest_paths(store, "c", [_pages(tmp_path, n=80)],
                     on_file=lambda _report: during.append(gc.get_threshold()))
        assert gc.get_threshold() == fewer_collections.THRESHOLDS  # the other still runs
    assert during and set(during) == {fewer_collections.THRESHOLDS}
    assert gc.get_threshold() == before
