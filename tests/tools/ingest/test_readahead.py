"""Statements read by worker processes ahead of a large import: the same records, the same
errors, and the import survives a worker that dies."""

import pickle
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

import tools.ingest.readahead as readahead
from tests.conftest import EVIDENCE
from tests.utils.processes import die
from tools.errors import IngestError, UnknownFormatError
from tools.ingest.pipeline import ingest_paths
from tools.ingest.readahead import ReadAhead
from tools.store import CaseStore, connect_store
from tools.store.schema import accounts, records, transfers

HANDMADE = Path(__file__).parents[2] / "data" / "eval" / "handmade" / "evidence"
STATEMENTS = [EVIDENCE / "halyk_statement.csv", EVIDENCE / "home_credit_statement.csv",
              EVIDENCE / "kaspi_statement.xlsx", EVIDENCE / "vtb_statement.xlsx",
              HANDMADE / "halyk_seitova_01092025_20102025.csv",
              HANDMADE / "kaspi_ospanova_15092025-20102025.csv",
              HANDMADE / "kaspi_vypiska_zhumabaev_sep2025.xlsx"]


def _folder(tmp_path: Path) -> Path:
    """The statements, a damaged spreadsheet and a CSV that is no statement, in one folder."""
    folder = tmp_path / "seized"
    folder.mkdir()
    for p in STATEMENTS:
        shutil.copyfile(p, folder / p.name)
    (folder / "cut.xlsx").write_bytes(STATEMENTS[2].read_bytes()[:3000])
    (folder / "notes.csv").write_text("just,some\nwords,here\n", encoding="utf-8")
    return folder


def _store(tmp_path: Path, name: str) -> CaseStore:
    return connect_store(f"sqlite:///{tmp_path / name}.db", tmp_path / f"{name}-vault")


def _rows(store: CaseStore) -> list[tuple[object, ...]]:
    """Records, transfers and accounts (from the payment details on the items) as stored."""
    with store.engine.connect() as conn:
        return sorted(map(repr, [
            *conn.execute(select(records.c.id, records.c.kind, records.c.locator,
                                 records.c.ts, records.c.data)),
            *conn.execute(select(transfers.c.record_id, transfers.c.from_address,
                                 transfers.c.to_address, transfers.c.amount, transfers.c.ts)),
            *conn.execute(select(accounts.c.id, accounts.c.display, accounts.c.info,
                                 accounts.c.first_seen, accounts.c.last_seen))]))


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
    monkeypatch.setattr(ReadAhead, "for_import", classmethod(for_import))
    return made


def test_statements_read_ahead_import_as_read_in_the_loop(tmp_path, chosen, monkeypatch):
    folder = _folder(tmp_path)
    ahead = ingest_paths(_store(tmp_path, "ahead"), "c", [folder])
    assert chosen and len(chosen[0].chosen) == len(STATEMENTS) + 2
    monkeypatch.setattr(readahead, "MIN_FILES", 10**9)
    here = ingest_paths(_store(tmp_path, "here"), "c", [folder])
    assert [f.model_dump(exclude={"sha256"}) for f in ahead.files] == [
        f.model_dump(exclude={"sha256"}) for f in here.files]
    rows = _rows(_store(tmp_path, "ahead"))
    assert len(rows) > 100 and rows == _rows(_store(tmp_path, "here"))
    assert any(r.startswith("('card:") or r.startswith("('iban:") for r in rows)
    rejected = {f.file: f.error for f in ahead.files if f.status == "rejected"}
    assert set(rejected) == {"cut.xlsx", "notes.csv"}
    assert rejected["cut.xlsx"].startswith("cut.xlsx: ")


def test_the_import_reads_the_files_itself_when_a_worker_dies(tmp_path, monkeypatch):
    folder = _folder(tmp_path)
    dying: list[ReadAhead] = []

    def for_import(cls, files, read, args):
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
