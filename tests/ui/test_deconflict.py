"""The deconfliction panel (AppTest) against the API on loopback: the other case, its contact
and a count in the user's language, and no record of the other case."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.deconflict import hit_rows

APP = str(Path(__file__).parents[2] / "ui" / "app.py")


@pytest.fixture(scope="module")
def two_cases(tmp_path_factory):
    from assistant.api.app import create_app
    from assistant.config import Settings, get_settings
    from assistant.services.deconflict import case_registry
    from assistant.users import Users
    from assistant.wiring import open_store
    from tests.utils.loopback import serving
    from tests.utils.shared_evidence import shared_identifiers, write_shared_listings
    from tools.demo.generate import evidence_folders, generate_case
    from tools.ingest.pipeline import ingest_paths

    home = tmp_path_factory.mktemp("dc_home")
    settings = Settings(home=home)
    store = open_store(settings)
    truth = generate_case(home / "a", seed=1)
    ingest_paths(store, "demo", evidence_folders(home / "a"))
    shared = shared_identifiers(truth)
    ingest_paths(store, "b-7", [write_shared_listings(home / "s" / "l.jsonl", shared)])
    case_registry(store.engine).set_owner("b-7", "Serikov", "serikov@prokuror.kz")
    token = Users(store.engine).add("ayana", "analyst", ["demo"])
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: settings
    with serving(app) as url:
        yield url, token, shared, truth


def test_the_panel_names_the_other_case_and_its_contact(two_cases, monkeypatch):
    url, token, shared, truth = two_cases
    monkeypatch.setenv("TERGEU_API_URL", url)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input[0].input(token)
    at = at.button[0].click().run()
    try:
        assert "Совпадения с другими делами: 5" in [e.label for e in at.expander]
        frame = at.dataframe[-1].value
        assert set(frame["Дело"]) == {"b-7"}
        assert set(frame["Контакт"]) == {"Serikov, serikov@prokuror.kz"}
        assert f"карта {shared.card}" not in set(frame["Реквизит"])  # kinds as the API says
        assert f"card {shared.card}" in set(frame["Реквизит"])
        assert "Записи (вы назначены на оба дела)" not in frame.columns
        # A traced answer lists the other cases holding its endpoints under its graph.
        shop = next(x for x in truth.shops if shared.beneficiary in x.beneficiaries)
        at.chat_input[0].set_value(f"Куда ушли деньги с {shop.treasury}?").run()
        under_trace = at.dataframe[-1].value
        assert (f"tron {shared.beneficiary}", "b-7") in set(
            zip(under_trace["Реквизит"], under_trace["Дело"], strict=True))
        answer = at.chat_message[1].markdown[0].value
        assert "есть и в деле b\\-7" in answer or "есть и в деле b-7" in answer, answer
    finally:
        at.session_state["api"].close()


def test_rows_carry_record_ids_only_when_the_api_gives_them():
    hits = [{"kind": "card", "value": "4400", "also_in": [
        {"case": "b", "contact": "x", "records": 2, "record_ids": ["listing:1", "listing:2"]},
        {"case": "c", "contact": "y", "records": 1, "record_ids": None}]}]
    rows = hit_rows(hits, "en")
    assert rows[0]["Records (you are assigned to both)"] == "listing:1, listing:2"
    assert "Records (you are assigned to both)" not in rows[1]
