"""The UI's tests run against the real API on loopback, over the small demo case (seed 1)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.api.app import create_app
from assistant.config import Settings, get_settings
from assistant.users import Users
from assistant.wiring import open_store, search_index
from tests.utils.loopback import serving
from tools.demo.generate import generate_case
from tools.demo.truth import Truth
from tools.ingest.pipeline import ingest_paths


@dataclass
class Stack:
    api_url: str
    home: Path
    truth: Truth
    token: str  # analyst of case "demo"
    stranger: str  # prosecutor of another case


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    home = tmp_path_factory.mktemp("ui_home")
    settings = Settings(home=home)
    store = open_store(settings)
    truth = generate_case(home / "demo-case", seed=1)
    ingest_paths(store, "demo", [home / "demo-case" / f for f in ("telegram", "bank", "tron",
                                                                   "tags")])
    search_index(settings, store, "demo").update()
    users = Users(store.engine)
    token = users.add("ayana", "analyst", ["demo"])
    stranger = users.add("stranger", "prosecutor", ["other"])
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: settings
    with serving(app) as url:
        yield Stack(url, home, truth, token, stranger)
