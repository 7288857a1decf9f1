"""`tergeu letter` as a user runs it: a real process over a real TronGrid sample."""

import os
import subprocess
import sys

import pytest

from tests.conftest import SAMPLES
from tests.utils.letters import pdf_text
from tools.letters.document import docx_text

HOLDER = "TL24LCps5FKwp3PoU1MvrYrwhi5LU1tHre"


@pytest.fixture
def tergeu(tmp_path):
    env = {**os.environ, "TERGEU_HOME": str(tmp_path / "home")}
    env.pop("TERGEU_DATABASE_URL", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "assistant.cli", *args], env=env,
                              capture_output=True, text=True, timeout=120)

    assert run("ingest", "--case", "s", str(SAMPLES / "01_trongrid_trc20_ledger.json")
               ).returncode == 0
    return run


def test_letter_to_the_issuer_writes_docx_and_pdf(tergeu, tmp_path):
    out = tmp_path / "letters" / "freeze.docx"
    out.parent.mkdir()
    done = tergeu("letter", "--case", "s", "--to", "issuer", "-a", HOLDER, "--lang", "kk",
                  "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:2] == [str(out), str(out.with_suffix(".pdf"))]
    assert "statements checked against" in done.stdout
    text = docx_text(out.read_bytes())
    assert HOLDER in text and "Tether, USDT эмитенті" in text
    assert HOLDER in pdf_text(out.with_suffix(".pdf").read_bytes())


def test_bad_letters_exit_2_with_one_line(tergeu, tmp_path):
    stranger = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"
    missing = tergeu("letter", "--case", "s", "--to", "exchange", "-a", stranger,
                     "--out", str(tmp_path / "x.docx"))
    assert (missing.returncode, missing.stderr.strip()) == (
        2, f"no transfer of {stranger} in case 's'")
    pdf = tergeu("letter", "--case", "s", "--to", "issuer", "-a", HOLDER,
                 "--out", str(tmp_path / "x.pdf"))
    assert pdf.returncode == 2 and "must end in .docx" in pdf.stderr
    wrong = tergeu("letter", "--case", "s", "--to", "bank", "-a", HOLDER,
                   "--out", str(tmp_path / "x.docx"))
    assert wrong.returncode == 2 and wrong.stderr.startswith("--to:")
