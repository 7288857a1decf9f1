"""Fuzzing every importer with damaged real samples: a clear one-line error naming the file, or
an import; never a crash, never part of a rejected file kept. (`python -m bench.fuzz_importers`
runs thousands per format.)"""

import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import func, select

from tests.utils.fuzz import FUZZ_SAMPLES, damaged
from tools.ingest.pipeline import ingest_paths
from tools.store import connect_store
from tools.store.schema import records


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    return connect_store(f"sqlite:///{root / 'db.sqlite'}", root / "evidence")


def check_one(store, fmt: str, data: bytes, n: int) -> str:
    """Import `data` as a file named like the sample; returns 'imported' or 'rejected'."""
    sample = FUZZ_SAMPLES[fmt]
    case = f"{fmt}-{n}"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / sample.name
        path.write_bytes(data)
        report = ingest_paths(store, case, [path])
    (f,) = report.files
    with store.engine.connect() as conn:
        kept = conn.execute(select(func.count()).select_from(records)
                            .where(records.c.case == case)).scalar()
    if f.status == "rejected":
        assert re.fullmatch(rf"{re.escape(sample.name)}(:[^\n]+?)?: [^\n]+", f.error or ""), \
            f.error
        assert kept == 0, f"{kept} records kept of a rejected file"
    return f.status


@pytest.mark.parametrize("fmt", sorted(FUZZ_SAMPLES))
def test_damaged_evidence_is_refused_clearly_or_imported_whole(fuzz_store, fmt):
    counter = iter(range(10**9))

    @settings(max_examples=int(os.environ.get("TERGEU_FUZZ_EXAMPLES", "60")), deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=damaged(FUZZ_SAMPLES[fmt]))
    def run(data):
        check_one(fuzz_store, fmt, data, next(counter))

    run()


def test_zip_bomb_is_refused_before_it_is_unpacked(fuzz_store, tmp_path):
    import zipfile

    bomb = tmp_path / "statement.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (80 << 20))
    report = ingest_paths(fuzz_store, "bomb", [bomb])
    (f,) = report.files
    assert f.status == "rejected"
    assert re.fullmatch(r"statement\.xlsx: refused: unpacks to 80 MB from \d+ KB \(a zip bomb\?\)",
                        f.error), f.error
