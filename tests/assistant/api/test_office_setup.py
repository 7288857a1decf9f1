"""The office setup: the API on PostgreSQL and a Chroma server, both real, on loopback.

PostgreSQL comes from TERGEU_TEST_POSTGRES_URL (.ci/run starts one); the Chroma server is the
`chroma run` of the chromadb package (the `chroma_server` fixture).
"""

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from assistant.api.app import create_app
from assistant.config import Settings, get_settings
from assistant.users import Users
from assistant.wiring import open_store, search_index
from tests.conftest import PG_URL
from tools.demo.generate import evidence_folders, generate_case
from tools.ingest.pipeline import ingest_paths


@pytest.fixture(scope="module")
def office(tmp_path_factory, request):
    if not PG_URL:
        pytest.skip("TERGEU_TEST_POSTGRES_URL not set (.ci/run sets it)")
    chroma_server = request.getfixturevalue("chroma_server")
    schema = f"o_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    home = tmp_path_factory.mktemp("office")
    settings = Settings(home=home, database_url=f"{PG_URL}?options=-csearch_path%3D{schema}",
                        chroma_url=chroma_server)
    store = open_store(settings)
    truth = generate_case(home / "case", seed=1)
    ingest_paths(store, "office", evidence_folders(home / "case"))
    search_index(settings, store, "office").update()
    token = Users(store.engine).add("office", "admin", [])
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: settings
    yield TestClient(app, headers={"Authorization": f"Bearer {token}"}), truth
    store.engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def test_chroma_server_holds_the_vectors(chroma_server, office):
    import chromadb

    client = chromadb.HttpClient(host="127.0.0.1", port=int(chroma_server.rsplit(":", 1)[1]))
    names = [c.name for c in client.list_collections()]
    assert any(n.startswith("tergeu_office") for n in names)


def test_the_api_answers_from_postgresql_and_the_chroma_server(office):
    client, truth = office
    wallet = truth.shops[0].payment_wallets[0]
    answer = client.post("/api/cases/office/ask",
                         json={"question": f"Куда ушли деньги с {wallet}?", "session": "o"}).json()
    assert answer["verified"] and answer["citations"]
    hits = client.get("/api/cases/office/search", params={"q": "шишки", "mode": "vector"}).json()
    assert hits["hits"] and all("cannabis" in h["drugs"] for h in hits["hits"][:3])
    assert client.get("/api/cases/office/sessions/o").json()[0]["answer"] == answer
    assert client.get("/api/cases/office/audit/verify").json()["breaks"] == []
