"""The HTTP API on a real store: status codes, exact error details, cited records."""

import json
import re

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.config import Settings, get_settings
from assistant.users import Users
from tests.conftest import EVIDENCE, SAMPLES
from tests.utils.loopback import serving
from tests.utils.openai_server import ScriptedModel
from tools.demo.generate import evidence_folders, generate_case
from tools.ingest.pipeline import ingest_paths
from tools.store import connect_store


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    settings = Settings(home=home)
    store = connect_store(settings.store_url, settings.evidence_dir)
    truth = generate_case(home / "demo-case", seed=3)
    ingest_paths(store, "demo", evidence_folders(home / "demo-case"))
    users = Users(store.engine)
    TOKENS["alice"] = users.add("alice", "analyst", ["demo", "uploaded"])
    TOKENS["bob"] = users.add("bob", "prosecutor", ["other"])
    TOKENS["root"] = users.add("root", "admin", [])
    return home, truth


TOKENS: dict[str, str] = {}


def signed_in(home, user="alice", **settings) -> TestClient:
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: Settings(home=home[0], **settings)
    return TestClient(app, headers={"Authorization": f"Bearer {TOKENS[user]}"})


@pytest.fixture
def client(home):
    return signed_in(home)


def test_health_and_cases(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/api/cases").json() == {"data": ["demo"], "count": 1}
    assert client.get("/api/cases/demo").json()["records"]["transfer"] > 100
    missing = client.get("/api/cases/nope")
    assert (missing.status_code, missing.json()) == (404, {"detail": "no case 'nope'"})


def test_record_with_its_source_text(client, home):
    truth = home[1]
    record_id = next(iter(truth.messages))
    body = client.get(f"/api/cases/demo/records/{record_id}").json()
    assert body["id"] == record_id and body["source"]["file"] == "result.json"
    written = json.dumps(body["fields"]["text"], ensure_ascii=False)
    assert f'"text": {written}' in body["source_text"]
    assert body["accounts"]
    r = client.get("/api/cases/demo/records/tg:1/999")
    assert (r.status_code, r.json()) == (404, {"detail": "no record 'tg:1/999' in case 'demo'"})
    around = client.get("/api/cases/demo/records/tg:1/999/neighbours")
    assert (around.status_code, around.json()) == (404, r.json())


def test_trace_lookup_and_search(client, home):
    truth = home[1]
    shop = truth.shops[0]
    t = client.post("/api/cases/demo/trace", json={"addresses": [shop.treasury]}).json()
    assert {e["address"] for e in t["endpoints"] if e["reason"] == "beneficiary"} <= \
        {b.address for b in truth.beneficiaries}
    bad = client.post("/api/cases/demo/trace", json={"addresses": [shop.treasury], "hops": 99})
    assert bad.status_code == 422
    absent = "TXVj38D1XR3TPgSHTCZGC8wkLDAGqF1oqx"  # a valid address the case does not hold
    none = client.post("/api/cases/demo/trace", json={"addresses": [absent]})
    assert (none.status_code, none.json()) == (
        404, {"detail": f"no transfers of {absent} in case 'demo'"})
    card = next(d.card for d in truth.droppers)
    assert client.get("/api/cases/demo/lookup", params={"q": card}).json()["matches"]
    wrong = card[:-1] + str((int(card[-1]) + 1) % 10)
    invalid = client.get("/api/cases/demo/lookup", params={"q": wrong})
    assert invalid.status_code == 422
    assert invalid.json() == {"detail": f"{wrong}: not a valid card number: Luhn checksum fails"}
    hits = client.get("/api/cases/demo/search", params={"q": "шишки", "kind": "listing"}).json()
    assert hits["hits"] and hits["hits"][0]["source"]["locator"].startswith("/chats/list/")


def test_upload_imports_and_refuses_garbage(client):
    files = [("uploads", ("page.json", (SAMPLES / "01_trongrid_trc20_ledger.json").read_bytes())),
             ("uploads", ("tags.yaml", (EVIDENCE / "tagpack_exchanges.yaml").read_bytes()))]
    report = client.post("/api/cases/uploaded/files", files=files).json()
    assert [f["status"] for f in report["files"]] == ["imported", "imported"]
    assert client.get("/api/cases/uploaded").json()["records"] == {"tag": 3, "transfer": 3}
    bad = client.post("/api/cases/uploaded/files",
                      files=[("uploads", ("../../etc/x.json", b'{"data": [{"broken"'))])
    assert bad.status_code == 400 and bad.json()["detail"][0].startswith("x.json")


def test_real_http_server_on_loopback(home):
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: Settings(home=home[0])
    with serving(app) as url:
        assert httpx.get(f"{url}/healthz").json() == {"status": "ok"}
        assert httpx.get(f"{url}/api/cases").status_code == 401
        assert "/api/cases/{case}/lookup" in httpx.get(f"{url}/openapi.json").json()["paths"]


def test_ask_answers_with_verified_citations(client, home):
    truth = home[1]
    record_id, [(kind, value)] = next(iter(truth.messages.items()))
    body = client.post("/api/cases/demo/ask", json={"question": f"Кто стоит за {value}?"}).json()
    assert body["verified"] and record_id in [c["id"] for c in body["citations"]]
    assert all(c["verified"] for c in body["citations"])
    empty = client.post("/api/cases/demo/ask", json={"question": ""})
    assert empty.status_code == 422


def test_api_docs_need_no_internet(client):
    page = client.get("/docs").text
    assert "/static/swagger-ui/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert client.get("/static/swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert client.get("/openapi.json").json()["openapi"].startswith("3.0")


def _events(stream_text: str) -> list[tuple[str, dict]]:
    """Server-sent events as (event, data) pairs, parsed as a browser would."""
    out = []
    for block in stream_text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        out.append((fields["event"], json.loads(fields["data"])))
    return out


def test_ask_streams_steps_tokens_then_the_answer(client, home):
    truth = home[1]
    wallet = truth.shops[0].payment_wallets[0]
    with client.stream("POST", "/api/cases/demo/ask/stream",
                       json={"question": f"Куда ушли деньги с {wallet}?"}) as resp:
        assert resp.headers["content-type"].startswith("text/event-stream")
        events = _events(resp.read().decode())
    names = [e for e, _ in events]
    assert names[:2] == ["step", "step"] and names[-1] == "answer" and "token" in names
    assert events[0][1]["state"] == "running" and events[0][1]["args"]["address"] == wallet
    answer = events[-1][1]["answer"]
    assert answer["verified"]
    assert "".join(d["text"] for e, d in events if e == "token") == answer["answer"]


def test_conversation_is_kept_in_the_database(home):
    truth = home[1]
    wallet = truth.shops[0].payment_wallets[0]

    def fresh_client():
        # A new app and a new store: only the database carries the conversation over.
        from assistant import wiring

        wiring._stores.clear()
        wiring._conversations.clear()
        return signed_in(home)

    first = fresh_client().post("/api/cases/demo/ask", json={
        "question": f"Where did the money from {wallet} go?", "session": "conv-1"}).json()
    listed = re.findall(r"^- \[\d+\] (T\w{33})", first["answer"], re.M)
    client = fresh_client()
    follow = client.post("/api/cases/demo/ask", json={
        "question": "what do we know about the first one?", "session": "conv-1"}).json()
    assert listed and listed[0] in follow["answer"]
    turns = client.get("/api/cases/demo/sessions/conv-1").json()
    assert [t["question"] for t in turns] == [f"Where did the money from {wallet} go?",
                                              "what do we know about the first one?"]
    assert turns[1]["answer"]["citations"] == follow["citations"]
    assert client.get("/api/cases/demo/sessions/other").json() == []


def test_unknown_chat_model_is_503_before_any_event(home):
    resp = signed_in(home, llm="gpt-9").post("/api/cases/demo/ask/stream",
                                             json={"question": "обзор дела"})
    assert resp.status_code == 503 and "expected offline" in resp.json()["detail"]


def test_a_failing_model_server_is_503_or_an_error_event_and_audited(home):
    server = ScriptedModel([{"status": 502}] * 6)
    with serving(server.app()) as url:
        client = signed_in(home, llm="openai:m", llm_url=f"{url}/v1")
        resp = client.post("/api/cases/demo/ask", json={"question": "обзор дела"})
        with client.stream("POST", "/api/cases/demo/ask/stream",
                           json={"question": "обзор дела"}) as stream:
            events = _events(stream.read().decode())
    detail = "the model server answered HTTP 502: scripted failure"
    assert (resp.status_code, resp.json()) == (503, {"detail": detail})
    assert events == [("error", {"detail": detail})]
    log = signed_in(home, "root").get("/api/cases/demo/audit").json()
    # Reads are audited too (the admin's read of this trail among them): asks and errors only.
    asked = [(e["action"], e["details"]) for e in log if e["action"] in ("ask", "error")]
    assert asked[-2:] == [
        ("ask", {"question": "обзор дела", "session": None}), ("error", {"detail": detail})]


def test_the_agent_step_limit_is_a_setting(home, monkeypatch):
    monkeypatch.setenv("TERGEU_AGENT_MAX_STEPS", "3")
    assert Settings().agent_max_steps == 3
    wallet = home[1].shops[0].payment_wallets[0]
    server = ScriptedModel([{"tool_calls": [("trace_wallet", {"address": wallet})]}] * 5)
    with serving(server.app()) as url:
        client = signed_in(home, llm="openai:m", llm_url=f"{url}/v1", agent_max_steps=2)
        answer = client.post("/api/cases/demo/ask", json={
            "question": f"Where did the money from {wallet} go?"}).json()
    assert len(server.requests) == 2 and answer["verified"] and answer["citations"]
    assert answer["answer"].startswith("I stopped after 2 steps without finishing the answer.")


def test_overview_names_shops_and_beneficiaries(client, home):
    truth = home[1]
    body = client.get("/api/cases/demo/overview", params={"top": 3}).json()
    assert truth.shops and {s["name"] for s in body["shops"]} >= {s.name for s in truth.shops}
    assert len(body["top_droppers"]) == 3
    assert {b["address"] for b in body["beneficiaries"] if b["reason"] == "beneficiary"} == \
        {b.address for b in truth.beneficiaries}
    assert client.get("/api/cases/nope/overview").status_code == 404


OPEN = {"/healthz", "/docs", "/openapi.json"}


def _calls(app, record_id):
    """Every route of the app's OpenAPI document, as a request about case 'demo'."""
    bodies = {"ask": {"question": "обзор дела"}, "stream": {"question": "обзор дела"},
              "trace": {"addresses": ["TKbWF1M7HjAkmeYH9XBprfpSCF4HCddSUY"]},
              "exports": {"format": "pdf", "session": "s1", "sha256": "0" * 64, "bytes": 1},
              "completions": {"model": "demo", "messages": [{"role": "user", "content": "?"}]},
              "letters": {"to": "exchange", "addresses": ["TKbWF1M7HjAkmeYH9XBprfpSCF4HCddSUY"]},
              "watches": {"addresses": ["TKbWF1M7HjAkmeYH9XBprfpSCF4HCddSUY"]},
              "beneficiaries": {"trace": {"addresses": ["TKbWF1M7HjAkmeYH9XBprfpSCF4HCddSUY"]}},
              "poll": {}}
    for route, methods in app.openapi()["paths"].items():
        if route in OPEN:
            continue
        path = (route.replace("{case}", "demo").replace("{record_id}", record_id)
                .replace("{session}", "s1"))
        for method in methods:
            kwargs = {"params": {"q": "4400430000000000"}}
            if path.endswith("/files"):
                kwargs["files"] = [("uploads", ("a.json", b"{}"))]
            elif method == "post":
                kwargs["json"] = bodies[path.rsplit("/", 1)[1]]
            yield route, method.upper(), path, kwargs


def test_every_route_needs_a_token_and_hides_cases_not_assigned(home):
    truth = home[1]
    record_id = next(iter(truth.messages))
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: Settings(home=home[0])
    anonymous = TestClient(app)
    forged = TestClient(app, headers={"Authorization": "Bearer not-a-token"})
    bob = TestClient(app, headers={"Authorization": f"Bearer {TOKENS['bob']}"})
    calls = list(_calls(app, record_id))
    assert len(calls) >= 12
    for route, method, path, kwargs in calls:
        assert anonymous.request(method, path, **kwargs).status_code == 401, route
        assert forged.request(method, path, **kwargs).status_code == 401, route
        if "{case}" in route:
            resp = bob.request(method, path, **kwargs)
            assert resp.status_code == 404 and resp.json() == {"detail": "no case 'demo'"}, route
    assert bob.get("/api/cases").json() == {"data": [], "count": 0}
    assert bob.get("/api/me").json() == {"name": "bob", "role": "prosecutor", "cases": ["other"]}
    assert anonymous.get("/healthz").status_code == 200


def test_admin_sees_every_case_and_revocation_is_immediate(home):
    root = signed_in(home, "root")
    assert "demo" in root.get("/api/cases").json()["data"]
    store = connect_store(Settings(home=home[0]).store_url, home[0] / "evidence")
    from assistant.wiring import user_registry

    user_registry(store.engine).revoke("root")
    assert root.get("/api/cases").status_code == 401
    TOKENS["root"] = user_registry(store.engine).rotate("root")
    assert signed_in(home, "root").get("/api/cases").status_code == 200


def test_conversations_are_per_user(home):
    alice = signed_in(home)
    alice.post("/api/cases/demo/ask", json={"question": "обзор дела", "session": "shared"})
    assert len(alice.get("/api/cases/demo/sessions/shared").json()) == 1
    root = signed_in(home, "root")
    assert root.get("/api/cases/demo/sessions/shared").json() == []


def test_audit_log_records_questions_tool_calls_records_and_exports(home):
    truth = home[1]
    alice = signed_in(home)
    card = next(v for d in truth.messages.values() for k, v in d if k == "card")
    record_id = next(iter(truth.messages))
    question = f"Кто стоит за картой {card}?"
    alice.post("/api/cases/demo/ask", json={"question": question, "session": "exp-1"})
    alice.get(f"/api/cases/demo/records/{record_id}")
    report = {"format": "html", "session": "exp-1", "sha256": "ab" * 32, "bytes": 1234}
    assert alice.post("/api/cases/demo/audit/exports", json=report).status_code == 204
    assert alice.get("/api/cases/demo/audit").status_code == 403
    root = signed_in(home, "root")
    log = root.get("/api/cases/demo/audit").json()
    mine = [(e["action"], e["details"]) for e in log if e["user"] == "alice"]
    actions = [a for a, _ in mine]
    ask = len(actions) - 1 - actions[::-1].index("ask")  # this test's question, the last one
    assert actions[ask:ask + 3] == ["ask", "tool_call", "answer"]
    assert mine[ask + 1][1] == {"tool": "lookup_account", "args": {"identifier": card}}
    assert ("record_open", {"record": record_id}) in mine
    assert ("export", {**report, "questions": [question]}) in mine
    assert (log[-1]["user"], log[-1]["action"]) == ("root", "audit_read")  # reads are logged
    check = root.get("/api/cases/demo/audit/verify").json()
    after = root.get("/api/cases/demo/audit").json()
    assert check["breaks"] == [] and check["entries"] == len(log) + 1
    assert check["head"] == after[-2]["hash"] and after[-2]["action"] == "audit_verify"


def test_oversized_upload_is_refused_and_nothing_is_imported(home):
    small = signed_in(home, max_upload_mb=1)

    def files_of_case():
        resp = small.get("/api/cases/uploaded")
        return [] if resp.status_code == 404 else resp.json()["files"]

    before = files_of_case()
    files = [("uploads", ("l.jsonl", (EVIDENCE / "listings.jsonl").read_bytes())),
             ("uploads", ("huge.json", b"[" + b"0," * (700 << 10) + b"0]"))]
    resp = small.post("/api/cases/uploaded/files", files=files)
    assert resp.status_code == 413
    assert resp.json()["detail"] == "huge.json: larger than 1 MB, refused; nothing was imported"
    assert files_of_case() == before


def test_a_wrong_citing_model_gets_claims_flagged_in_the_json_and_the_audit(home):
    from tests.utils import wrong_citing
    from tests.utils.openai_server import ScriptedModel

    wallet = home[1].shops[0].payment_wallets[0]
    server = ScriptedModel(wrong_citing.script(wallet))
    with serving(server.app()) as url:
        client = signed_in(home, llm="openai:scripted", llm_url=f"{url}/v1")
        body = client.post("/api/cases/demo/ask",
                           json={"question": f"Where did the money from {wallet} go?"}).json()
    assert body["verified"] is False
    claims = body["claims"]
    assert [c["supported"] for c in claims] == [True, False, False]
    assert set(claims[0]) >= {"text", "markers", "supported", "reason"}
    assert claims[1]["reason"].startswith(claims[1]["text"].split()[2] + " is not in [")
    assert " is not in [" in claims[2]["reason"] and claims[0]["reason"] is None
    supporting = {c["n"]: c["claims"] for c in body["citations"]}
    assert supporting[claims[0]["markers"][0]] == [0]
    assert body["repair"]["answer"] == body["answer"]
    log = signed_in(home, "root").get("/api/cases/demo/audit").json()
    entry = next(e for e in reversed(log) if e["action"] == "answer")
    assert entry["details"]["verified"] is False and entry["details"]["repaired"] is True
    assert [c["status"] for c in entry["details"]["claims"]] == \
        ["supported", "unsupported", "unsupported"]
    assert entry["details"]["claims"][1]["reason"] == claims[1]["reason"]
