"""POST /api/cases/{case}/letters: JSON with both files, each file alone, exact refusals, audit."""

import base64

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.config import Settings, get_settings
from assistant.users import Users
from assistant.wiring import audit_trail
from tests.utils.letters import pdf_text
from tools.demo.generate import evidence_folders, generate_case
from tools.ingest.pipeline import ingest_paths
from tools.letters.document import docx_text
from tools.store import connect_store


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    settings = Settings(home=home)
    store = connect_store(settings.store_url, settings.evidence_dir)
    truth = generate_case(home / "demo-case", seed=5)
    ingest_paths(store, "demo", evidence_folders(home / "demo-case"))
    token = Users(store.engine).add("alice", "prosecutor", ["demo"])
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: settings
    return TestClient(app, headers={"Authorization": f"Bearer {token}"}), truth, store


def test_letter_as_json_then_as_docx_and_pdf(api):
    client, truth, store = api
    body = {"to": "exchange", "lang": "en", "addresses": truth.exchanges[0].deposit_addresses,
            "trace": {"addresses": [truth.shops[0].treasury]}}
    out = client.post("/api/cases/demo/letters", json=body)
    assert out.status_code == 200, out.text
    data = out.json()
    assert data["summary"]["recipient"] == truth.exchanges[0].label
    assert data["summary"]["verified"] and all(c["supported"] for c in data["checks"])
    docx = base64.b64decode(data["docx"])
    assert truth.exchanges[0].deposit_addresses[0] in docx_text(docx)
    as_pdf = client.post("/api/cases/demo/letters", params={"format": "pdf"}, json=body)
    assert as_pdf.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''demo-exchange-en-" in as_pdf.headers["content-disposition"]
    assert truth.exchanges[0].label in pdf_text(as_pdf.content)
    as_docx = client.post("/api/cases/demo/letters", params={"format": "docx"}, json=body)
    assert as_docx.content.startswith(b"PK")
    entries = audit_trail(store.engine).entries("demo")
    letters = [e for e in entries if e.action == "letter"]
    assert [e.details["format"] for e in letters[-3:]] == ["json", "pdf", "docx"]
    assert letters[-1].details["addresses"] == truth.exchanges[0].deposit_addresses


def test_refusals_are_422_with_the_reason(api):
    client, truth, _ = api
    stranger = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"
    r = client.post("/api/cases/demo/letters", json={"to": "issuer", "addresses": [stranger]})
    assert (r.status_code, r.json()) == (422, {"detail": f"no transfer of {stranger} in case "
                                                         "'demo'"})
    bad = client.post("/api/cases/demo/letters", json={"to": "bank", "addresses": [stranger]})
    assert bad.status_code == 422
    missing = client.post("/api/cases/demo/letters", json={
        "to": "exchange", "addresses": truth.exchanges[0].deposit_addresses,
        "trace": {"addresses": [stranger]}})
    assert missing.status_code == 404
