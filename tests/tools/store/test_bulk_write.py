"""Files written in batches: records the case holds already are skipped under the same ids and
sources, the first of equal records wins, and a file the store refuses is refused alone."""

import json
import random
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import func, select

from tests.utils.big_evidence import write_trc20_pages
from tools.ingest.pipeline import ingest_paths
from tools.items import Item
from tools.store.repository import BATCH, FileMeta
from tools.store.schema import files, records, transfers


def _page(path, data):
    path.write_text(json.dumps({"data": data, "success": True, "meta": {"page_size": len(data)}}))
    return path


def _sources(store, case):
    """Each record's id with the file and place it cites, and the transfers' record ids."""
    with store.engine.connect() as conn:
        cited = dict(conn.execute(
            select(records.c.id, files.c.name + "#" + records.c.locator)
            .join(files, files.c.id == records.c.file_id).where(records.c.case == case)).all())
        moved = sorted(conn.execute(select(transfers.c.record_id)
                                    .where(transfers.c.case == case)).scalars())
    return cited, moved


def test_a_file_repeating_records_of_the_case_adds_exactly_the_new_ones(store, tmp_path):
    write_trc20_pages(tmp_path / "pages", 30, 30, random.Random(3))
    data = json.loads((tmp_path / "pages" / "trc20_000000.json").read_text())["data"]
    first = _page(tmp_path / "first.json", data[:20])
    # Ten transfers the case holds, ten new ones, and one new transfer given twice.
    second = _page(tmp_path / "second.json", [*data[10:], data[25]])

    report = ingest_paths(store, "c", [first])
    assert report.files[0].records == {"transfer": 20}
    before, _ = _sources(store, "c")

    report = ingest_paths(store, "c", [second])
    (f,) = report.files
    assert f.status == "imported" and f.records == {"transfer": 10}
    assert f.duplicate_records == 11
    cited, moved = _sources(store, "c")
    assert len(cited) == 30 and moved == sorted(cited)
    # What the case held keeps its ids and sources; the new records cite the second file at
    # the place each first appears in it.
    assert {rid: src for rid, src in cited.items() if rid in before} == before
    assert sorted(src for rid, src in cited.items() if rid not in before) == sorted(
        f"second.json#/data/{i}" for i in range(10, 20))

    again = ingest_paths(store, "c", [first, second])
    assert [f.status for f in again.files] == ["duplicate", "duplicate"]
    assert _sources(store, "c") == (cited, moved)


def test_files_of_one_batch_keep_the_first_of_equal_records(store, tmp_path):
    write_trc20_pages(tmp_path / "pages", 12, 12, random.Random(4))
    data = json.loads((tmp_path / "pages" / "trc20_000000.json").read_text())["data"]
    a = _page(tmp_path / "a.json", data[:8])
    b = _page(tmp_path / "b.json", data[4:])

    report = ingest_paths(store, "c", [a, b])  # one batch: both files written together
    assert [(f.records, f.duplicate_records) for f in report.files] == [
        ({"transfer": 8}, 0), ({"transfer": 4}, 4)]
    cited, moved = _sources(store, "c")
    assert sorted(cited.values()) == sorted(
        [f"a.json#/data/{i}" for i in range(8)] + [f"b.json#/data/{i}" for i in range(4, 8)])
    assert moved == sorted(cited)
    with store.engine.connect() as conn:
        counted = dict(conn.execute(select(files.c.name, files.c.records)).all())
    assert counted == {"a.json": 8, "b.json": 4}


def _items(prefix, n, data=None):
    ts = datetime(2025, 1, 1, tzinfo=UTC)
    return [Item(f"{prefix}:{k}", "row", f"line:{k + 1}", ts, data or {"k": k}) for k in range(n)]


def test_a_file_the_store_refuses_is_refused_alone_and_the_batch_written(store):
    with store.writer() as writer:
        queued = [
            writer.add_file(FileMeta("c", "one.csv", "1" * 64, 10, "bank_statement"),
                            _items("one", 3)),
            # A value the store cannot hold (not JSON): this file's records must not land.
            writer.add_file(FileMeta("c", "bad.csv", "2" * 64, 10, "bank_statement"),
                            _items("bad", 2, {"k": {1, 2}})),
            writer.add_file(FileMeta("c", "three.csv", "3" * 64, 10, "bank_statement"),
                            _items("three", 2)),
        ]
        assert not any(q.done for q in queued)  # queued, not yet written
        writer.flush()
    assert [q.result.by_kind if q.result else None for q in queued] == [
        {"row": 3}, None, {"row": 2}]
    assert isinstance(queued[1].error, TypeError)
    with store.engine.connect() as conn:
        assert sorted(conn.execute(select(files.c.name)).scalars()) == ["one.csv", "three.csv"]
        ids = set(conn.execute(select(records.c.id)).scalars())
    assert ids == {"one:0", "one:1", "one:2", "three:0", "three:1"}


def test_a_file_larger_than_a_batch_is_written_in_chunks(store):
    n = BATCH + 5
    with store.writer() as writer:
        small = writer.add_file(FileMeta("c", "small.csv", "4" * 64, 1, "bank_statement"),
                                _items("big", 3))
        big = writer.add_file(FileMeta("c", "big.csv", "5" * 64, 1, "bank_statement"),
                              _items("big", n))
        # The queued file went first; the big one was written at once, its first 3 ids being
        # the small file's.
        assert small.result is not None and small.result.by_kind == {"row": 3}
        assert big.result is not None and big.result.by_kind == {"row": n - 3}
        assert big.result.duplicates == 3
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(records)).scalar() == n


def test_files_queued_while_a_batch_is_written_are_deduplicated_against_it(store, tmp_path):
    pages = tmp_path / "pages"
    write_trc20_pages(pages, 22_000, 1000, random.Random(6))  # the first batch fills at page 20
    first = json.loads((pages / "trc20_000000.json").read_text())["data"]
    (pages / "trc20_900000.json").write_bytes((pages / "trc20_000000.json").read_bytes())
    extra = random.Random(7)
    fresh = [{**first[0], "transaction_id": f"{extra.getrandbits(256):064x}"} for _ in range(3)]
    _page(pages / "trc20_900001.json", [*first[:5], *fresh])

    report = ingest_paths(store, "c", [pages])
    statuses = {f.file: (f.status, sum(f.records.values()), f.duplicate_records)
                for f in report.files}
    assert statuses["trc20_900000.json"] == ("duplicate", 0, 0)
    assert statuses["trc20_900001.json"] == ("imported", 3, 5)
    assert [f.file for f in report.files] == sorted(p.name for p in pages.iterdir())
    cited, moved = _sources(store, "c")
    assert len(cited) == 22_003 and moved == sorted(cited)
    assert all(src.startswith("trc20_000000.json#") for rid, src in cited.items()
               if rid.split(":")[1].split("#")[0] in {t["transaction_id"] for t in first[:5]})


def test_text_that_looks_like_copy_syntax_is_stored_as_written(store):
    """PostgreSQL takes batches by COPY: tabs, line breaks, backslashes and '\\N' in a
    record are data, not COPY's separators or its NULL."""
    from tools.items import TransferRow
    from tools.store.bulk import driver_insert

    hostile = "a\tb\nc\\d \\N \\. end\r"
    item = Item("msg:1", "message", f"/x\t{hostile}", datetime(2025, 1, 1, tzinfo=UTC),
                {"text": hostile, "from": "\\N"}, text=hostile,
                transfer=TransferRow("tron", "USDT", "T\\N", "T\t1", Decimal("1.5"),
                                     datetime(2025, 1, 1, tzinfo=UTC), "tx\\N"))
    with store.writer() as writer:
        writer.write_file(FileMeta(case="c", name="f", sha256="0" * 64, size=1,
                                   format="telegram_chat"), [item])
        uses_copy = driver_insert(writer.conn, transfers, ["case", "record_id"]).copy
    assert uses_copy == (store.engine.dialect.name == "postgresql")
    with store.engine.connect() as conn:
        row = conn.execute(select(records.c.locator, records.c.text, records.c.data)
                           .where(records.c.id == "msg:1")).one()
        moved = conn.execute(select(transfers.c.from_address, transfers.c.to_address,
                                    transfers.c.tx)).one()
    assert tuple(row) == (f"/x\t{hostile}", hostile, {"text": hostile, "from": "\\N"})
    assert tuple(moved) == ("T\\N", "T\t1", "tx\\N")


def test_rows_go_in_many_to_a_statement_in_their_order(sqlite_store):
    from tools.store.bulk import driver_insert

    columns = ("case", "record_id", "chain", "token", "from_address", "to_address", "amount",
               "ts", "tx")
    rows = [("c", f"r{n}", "tron", "USDT", f"T{n}", f"T{n + 1}", f"{n}.5", None, f"tx{n}")
            for n in range(251)]  # two whole statements of 100 and 51 rows one by one
    with sqlite_store.engine.begin() as conn:
        insert = driver_insert(conn, transfers, columns)
        assert insert.rows_per_statement == 100 and insert.many_sql is not None
        insert.run(conn, rows)
        stored = conn.execute(select(*(transfers.c[c] for c in columns))
                              .order_by(transfers.c.seq)).all()
    assert [tuple(r) for r in stored] == rows
