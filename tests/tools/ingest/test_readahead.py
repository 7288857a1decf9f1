"""Small files read by worker processes ahead of a large import (statements, chain pages and
chat exports, taken back as rows or items): the same records, the same errors, and the import
survives a worker that dies."""

import pickle
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

import tools.ingest.readahead as readahead
from tests.conftest import EVIDENCE, SAMPLES
from tests.utils.processes import die
from tools.errors import IngestError, UnknownFormatError
from tools.ingest.pipeline import ingest_paths
from tools.ingest.readahead import ReadAhead
from tools.store import CaseStore, connect_store
from tools.store.schema import accounts, case_identifiers, files, records, transfers

HANDMADE = Path(__file__).parents[2] / "data" / "eval" / "handmade" / "evidence"
# JSON of several formats: TronGrid pages of wallets that paid each other (the same transfers
# in two pages), TRX transactions, Etherscan, Esplora, TronScan, a Telegram export whose
# messages hand out payment details.
JSON_FILES = [*sorted((HANDMADE / "trongrid").glob("*.json")),
              SAMPLES / "01_trongrid_trc20_ledger.json",
              SAMPLES / "02_trongrid_trx_transactions_ledger.json",
              SAMPLES / "03_etherscan_tokentx_ryanc414.json",
              SAMPLES / "06_esplora_tx_confirmed_mempool_nonstandard.json",
              SAMPLES / "16_tronscan_token_transfers_captured.json",
              EVIDENCE / "telegram_full_export.json"]
STATEMENTS = [EVIDENCE / "halyk_statement.csv", EVIDENCE / "home_credit_statement.csv",
              EVIDENCE / "kaspi_statement.xlsx", EVIDENCE / "vtb_statement.xlsx",
              HANDMADE / "halyk_seitova_01092025_20102025.csv",
              HANDMADE / "kaspi_ospanova_15092025-20102025.csv",
              HANDMADE / "kaspi_vypiska_zhumabaev_sep2025.xlsx"]


def _folder(tmp_path: Path) -> Path:
    """The statements and JSON files, a damaged spreadsheet, a CSV that is no statement, a
    page cut short and a page whose transfers another page holds already, in one folder."""
    folder = tmp_path / "seized"
    folder.mkdir()
    for p in STATEMENTS + JSON_FILES:
        shutil.copyfile(p, folder / p.name)
    (folder / "cut.xlsx").write_bytes(STATEMENTS[2].read_bytes()[:3000])
    (folder / "notes.csv").write_text("just,some\nwords,here\n", encoding="utf-8")
    page = JSON_FILES[0].read_bytes()
    (folder / "cut_trc20.json").write_bytes(page[:len(page) // 2])
    (folder / "zz_again_trc20.json").write_bytes(page.replace(b"{", b"{ "))
    return folder


def _store(tmp_path: Path, name: str) -> CaseStore:
    return connect_store(f"sqlite:///{tmp_path / name}.db", tmp_path / f"{name}-vault")


def _rows(store: CaseStore) -> list[tuple[object, ...]]:
    """Records, transfers (in their order), accounts (from the payment details on the items),
    identifier counts and files as stored."""
    with store.engine.connect() as conn:
        order = [tuple(r) for r in conn.execute(select(transfers.c.record_id)
                                                .order_by(transfers.c.seq))]
        return [repr(order), *sorted(map(repr, [
            *conn.execute(select(records.c.id, records.c.kind, records.c.file_id,
                                 records.c.locator, records.c.ts, records.c.text,
                                 records.c.data)),
            *conn.execute(select(transfers.c.seq, transfers.c.record_id, transfers.c.chain,
                                 transfers.c.token, transfers.c.from_address,
                                 transfers.c.to_address, transfers.c.amount, transfers.c.ts,
                                 transfers.c.tx)),
            *conn.execute(select(accounts.c.id, accounts.c.display, accounts.c.info,
                                 accounts.c.first_seen, accounts.c.last_seen)),
            *conn.execute(select(case_identifiers.c.id, case_identifiers.c.records)),
            *conn.execute(select(files.c.id, files.c.name, files.c.records))]))]


@pytest.fixture
def chosen(monkeypatch: pytest.MonkeyPatch) -> list[ReadAhead]:
    """Every read-ahead an import makes, with any number of files going ahead."""
    made: list[ReadAhead] = []
    original = ReadAhead.for_import.__func__  # type: ignore[attr-defined]

    def for_import(cls, *args, **kwargs):
        ahead = original(cls, *args, **kwargs)
        made.append(ahead)
        return ahead

    monkeypatch.setattr(readahead, "MIN_FILES", 1)
    monkeypatch.setattr(readahead, "MIN_JSON_BYTES", 0)
    monkeypatch.setattr(ReadAhead, "for_import", classmethod(for_import))
    return made


def test_files_read_ahead_import_as_read_in_the_loop(tmp_path, chosen, monkeypatch):
    folder = _folder(tmp_path)
    ahead = ingest_paths(_store(tmp_path, "ahead"), "c", [folder])
    assert chosen and len(chosen[0].chosen) == len(STATEMENTS) + len(JSON_FILES) + 4
    monkeypatch.setattr(readahead, "MIN_FILES", 10**9)
    here = ingest_paths(_store(tmp_path, "here"), "c", [folder])
    assert [f.model_dump() for f in ahead.files] == [f.model_dump() for f in here.files]
    rows = _rows(_store(tmp_path, "ahead"))
    assert len(rows) > 100 and rows == _rows(_store(tmp_path, "here"))
    assert any(r.startswith("('card:") or r.startswith("('iban:") for r in rows)
    assert any(r.startswith("('tron:T") for r in rows)  # wallets named by transfers counted
    again = next(f for f in ahead.files if f.file == "zz_again_trc20.json")
    assert again.status == "imported" and again.duplicate_records > 0
    assert not again.records  # every transfer of it was in another page
    rejected = {f.file: f.error for f in ahead.files if f.status == "rejected"}
    assert set(rejected) == {"cut.xlsx", "notes.csv", "cut_trc20.json"}
    assert rejected["cut.xlsx"].startswith("cut.xlsx: ")


def test_the_importer_reads_no_byte_of_a_file_read_ahead(tmp_path, chosen, monkeypatch):
    """The worker hashes, parses and keeps the file in the vault from one read; the
    importer's process only writes what it gives back."""
    import hashlib

    from tools.evidence import vault_path

    folder = _folder(tmp_path)
    store = _store(tmp_path, "ahead")
    real_open = Path.open

    def refuse(self, *args, **kwargs):
        if self.parent == folder:
            raise AssertionError(f"the importer opened {self.name}")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    report = ingest_paths(store, "c", [folder])
    monkeypatch.setattr(Path, "open", real_open)
    assert chosen and len(report.files) == len(STATEMENTS) + len(JSON_FILES) + 4
    for f in report.files:
        data = (folder / f.file).read_bytes()
        copy = vault_path(store.evidence_dir, hashlib.sha256(data).hexdigest())
        if f.status == "rejected":
            assert not copy.exists(), f.file  # a refused file leaves nothing behind
        else:
            assert f.sha256 == hashlib.sha256(data).hexdigest()
            assert copy.read_bytes() == data, f.file
    # Read ahead again: the files the case holds are duplicates, the refused ones refused.
    again = ingest_paths(store, "c", [folder])
    assert {f.file: f.status for f in again.files} == {
        f.file: "rejected" if f.status == "rejected" else "duplicate" for f in report.files}


def test_a_format_nobody_knows_refuses_each_file_read_ahead_or_not(tmp_path, chosen):
    folder = _folder(tmp_path)
    report = ingest_paths(_store(tmp_path, "bogus"), "c", [folder], fmt="bogus")
    assert len(report.files) == len(STATEMENTS) + len(JSON_FILES) + 4
    assert all(f.status == "rejected" and "unknown format 'bogus'" in (f.error or "")
               for f in report.files)


def test_the_demo_generators_own_files_read_ahead_are_skipped_with_why(tmp_path, chosen):
    from tools.demo.generate import generate_case

    case = tmp_path / "case"
    generate_case(case, seed=2, scale="small")
    report = ingest_paths(_store(tmp_path, "demo"), "c", [case / "ABOUT.txt", *STATEMENTS])
    assert chosen and report.files[0].status == "skipped"
    assert "description of the case" in (report.files[0].note or "")
    assert [f.status for f in report.files[1:]] == ["imported"] * len(STATEMENTS)


def test_a_few_small_json_files_are_read_in_the_loop(tmp_path, monkeypatch):
    monkeypatch.setattr(readahead, "MIN_FILES", 1)
    files = sorted(_folder(tmp_path).iterdir())
    ahead = ReadAhead.for_import(files, print, (), json_files=True)
    assert ahead is not None
    ahead.close()
    assert ahead.chosen and all(files[i].suffix != ".json" for i in ahead.chosen)
    monkeypatch.setattr(readahead, "MIN_JSON_BYTES", 1)
    ahead = ReadAhead.for_import(files, print, (), json_files=True)
    assert ahead is not None
    ahead.close()
    assert any(files[i].suffix == ".json" for i in ahead.chosen)


def test_the_import_reads_the_files_itself_when_a_worker_dies(tmp_path, monkeypatch):
    folder = _folder(tmp_path)
    dying: list[ReadAhead] = []

    def for_import(cls, files, read, args, json_files=False):
        dying.append(cls(files, dict.fromkeys(range(len(files)), 1), die, args, 1))
        return dying[-1]

    monkeypatch.setattr(ReadAhead, "for_import", classmethod(for_import))
    report = ingest_paths(_store(tmp_path, "dying"), "c", [folder])
    monkeypatch.undo()
    monkeypatch.setattr(readahead, "MIN_FILES", 10**9)
    here = ingest_paths(_store(tmp_path, "here"), "c", [folder])
    assert dying, "the dying read-ahead was not used"
    assert [(f.file, f.status, f.records) for f in report.files] == [
        (f.file, f.status, f.records) for f in here.files]
    assert _rows(_store(tmp_path, "dying")) == _rows(_store(tmp_path, "here"))


@pytest.mark.parametrize("error", [IngestError("a.xlsx", "sheet:S!row:4", "bad  amount"),
                                   IngestError("a.csv", None, "unreadable"),
                                   UnknownFormatError("b.bin", "empty file")])
def test_an_import_error_crosses_processes_whole(error):
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error) and str(again) == str(error)
    assert (again.file, again.locator, again.reason) == (error.file, error.locator, error.reason)


def test_a_file_read_ahead_comes_back_as_rows_unless_it_hands_out_payment_details():
    from tools.ingest.pipeline import read_whole_file
    from tools.store.rows import RecordRows

    page = read_whole_file(JSON_FILES[0], None, None, None, True)
    assert isinstance(page.items, RecordRows) and len(page.items) > 0
    assert len(page.items.transfers) == len(page.items)
    assert all(ids and all(i.startswith("tron:T") for i in ids) for ids in page.items.identifiers)
    chat = read_whole_file(EVIDENCE / "telegram_full_export.json", None, None, None, True)
    assert isinstance(chat.items, list) and any(i.details for i in chat.items)
    assert isinstance(read_whole_file(JSON_FILES[0], None, None).items, list)


def test_rows_are_converted_as_the_store_converts_values(sqlite_store):
    from tools.store.bulk import processor
    from tools.store.rows import sqlite_converters

    with sqlite_store.engine.connect() as conn:
        live = [processor(conn.dialect, c)
                for c in (records.c.ts, records.c.data, transfers.c.ts)]
    values = [datetime(2025, 3, 14, 11, 19, 52, 817000, tzinfo=UTC), datetime(999, 1, 2),
              {"a": 1, "b": "ü", "c": [1.5, None]}, {}, None]
    for ours, theirs in zip(sqlite_converters(), live, strict=True):
        for v in values:
            try:
                expected = theirs(v)
            except (TypeError, ValueError, AttributeError):
                continue
            assert ours(v) == expected


@pytest.mark.parametrize("page", [p for p in JSON_FILES if "trc20" in p.name])
def test_a_trongrid_page_read_straight_to_rows_is_what_its_items_make(page):
    from tools.ingest.pipeline import _Checked
    from tools.ingest.tron import parse_trongrid_trc20, trongrid_trc20_rows
    from tools.store.rows import record_rows

    straight = trongrid_trc20_rows(page, page.name)
    assert straight is not None and len(straight) > 0
    assert straight == record_rows(list(_Checked(parse_trongrid_trc20(page, page.name),
                                                 page.name)))


def test_a_trongrid_page_with_an_unusual_transfer_is_left_to_the_general_path(tmp_path):
    import orjson

    from tools.ingest.tron import trongrid_trc20_rows

    doc = orjson.loads(JSON_FILES[0].read_bytes())
    doc["data"][-1]["value"] = 1000  # a number, not a string of digits
    page = tmp_path / "page.json"
    page.write_bytes(orjson.dumps(doc))
    assert trongrid_trc20_rows(page, page.name) is None
