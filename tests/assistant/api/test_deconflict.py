"""Deconfliction through the API: a hit names the other case, its contact and a count; its
records only for a user assigned to both; both trails record it; and a user of one case gets
no record, text or amount of the other through any route."""

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.api.app import create_app
from assistant.config import Settings, get_settings
from assistant.services.deconflict import case_registry
from assistant.users import Users
from assistant.wiring import audit_trail
from tests.assistant.api.test_routes import _calls
from tests.utils.shared_evidence import shared_identifiers, write_shared_listings
from tools.demo.generate import evidence_folders, generate_case
from tools.ingest.pipeline import ingest_paths
from tools.store import connect_store
from tools.store.schema import records, transfers

TOKENS: dict[str, str] = {}


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """Case `demo` (seed 1) and case `other` (seed 2, plus listings naming demo's card,
    phone, IBAN, a beneficiary wallet and a bot in other spellings)."""
    home = tmp_path_factory.mktemp("home")
    settings = Settings(home=home)
    store = connect_store(settings.store_url, settings.evidence_dir)
    truth = generate_case(home / "a", seed=1)
    ingest_paths(store, "demo", evidence_folders(home / "a"))
    generate_case(home / "b", seed=2)
    ingest_paths(store, "other", evidence_folders(home / "b"))
    shared = shared_identifiers(truth)
    ingest_paths(store, "other", [write_shared_listings(home / "s" / "l.jsonl", shared)])
    users = Users(store.engine)
    TOKENS["alice"] = users.add("alice", "analyst", ["demo"])
    TOKENS["bob"] = users.add("bob", "prosecutor", ["other"])
    TOKENS["carol"] = users.add("carol", "analyst", ["demo", "other"])
    case_registry(store.engine).set_owner("demo", "Прокурор Ахметов А.", "+7 717 000 00 01")
    return home, truth, shared, store


def signed_in(home, user) -> TestClient:
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: Settings(home=home[0])
    return TestClient(app, headers={"Authorization": f"Bearer {TOKENS[user]}"})


def test_a_hit_names_the_case_its_contact_and_a_count_not_its_records(home):
    _, _, s, _ = home
    body = signed_in(home, "alice").get("/api/cases/demo/deconflict").json()
    assert body["count"] == 5 and body["cases"] == {"other": 5}
    ids = {h["id"] for h in body["shared"]}
    assert ids == {f"card:{s.card}", f"phone:{s.phone}", f"iban:{s.iban}",
                   f"tron:{s.beneficiary}", f"bot:{s.bot}"}
    for h in body["shared"]:
        assert h["also_in"] == [{"case": "other", "contact": "bob", "records": 1,
                                 "record_ids": None}]
    # From the other side: the owner recorded in the case metadata is the contact.
    other = signed_in(home, "bob").get("/api/cases/other/deconflict").json()
    assert {h["also_in"][0]["contact"] for h in other["shared"]} == \
        {"Прокурор Ахметов А., +7 717 000 00 01"}


def test_a_user_assigned_to_both_gets_the_other_cases_records(home):
    _, _, s, _ = home
    body = signed_in(home, "carol").get("/api/cases/demo/deconflict").json()
    card = next(h for h in body["shared"] if h["id"] == f"card:{s.card}")
    (hit,) = card["also_in"]
    assert hit["record_ids"] and all(r.startswith("listing:") for r in hit["record_ids"])


def test_lookup_trace_and_overview_carry_the_hits(home):
    _, truth, s, _ = home
    alice = signed_in(home, "alice")
    spaced = " ".join(s.card[i:i + 4] for i in range(0, 16, 4))
    look = alice.get("/api/cases/demo/lookup", params={"q": spaced}).json()
    assert look["matches"] and [h["id"] for h in look["also_in"]] == [f"card:{s.card}"]
    assert look["also_in"][0]["also_in"][0]["case"] == "other"
    shop = next(x for x in truth.shops if s.beneficiary in x.beneficiaries)
    trace = alice.post("/api/cases/demo/trace", json={"addresses": [shop.treasury]}).json()
    assert f"tron:{s.beneficiary}" in {h["id"] for h in trace["also_in"]}
    overview = alice.get("/api/cases/demo/overview").json()
    assert overview["shared_count"] == 5 and overview["shared_cases"] == {"other": 5}
    assert len(overview["also_in"]) == 5


def test_each_hit_is_in_both_cases_audit_trails(home):
    _, _, s, store = home
    signed_in(home, "alice").get("/api/cases/demo/lookup", params={"q": s.iban})
    mine = [e for e in audit_trail(store.engine).entries("demo") if e.user == "alice"]
    theirs = [e for e in audit_trail(store.engine).entries("other") if e.user == "alice"]
    assert mine[-1].action == "deconflict_hit" and mine[-1].details == {
        "other_case": "other", "identifiers": [f"iban:{s.iban}"], "count": 1, "via": "api"}
    assert theirs[-1].action == "deconflict_seen" and theirs[-1].details == {
        "from_case": "demo", "identifiers": [f"iban:{s.iban}"], "count": 1, "via": "api"}
    assert not audit_trail(store.engine).verify("other")


def _contents_of(store, case):
    """What must never reach a user of another case: its record ids, texts and amounts."""
    with store.engine.connect() as conn:
        ids = set(conn.execute(select(records.c.id).where(records.c.case == case)).scalars())
        texts = {t for t in conn.execute(select(records.c.text).where(
            records.c.case == case)).scalars() if t and len(t) > 40}
        amounts = {a for a in conn.execute(select(transfers.c.amount).where(
            transfers.c.case == case)).scalars() if len(a.replace(".", "")) >= 8}
    return ids, texts, amounts


def test_a_user_of_one_case_never_receives_anything_of_the_other(home):
    """Every route of the OpenAPI document, and questions about the shared identifiers."""
    _, truth, s, store = home
    ids, texts, amounts = _contents_of(store, "other")
    own = _contents_of(store, "demo")
    ids -= own[0]
    amounts -= own[2]  # an amount both cases hold (by chance) is demo's too
    assert len(ids) > 100 and texts and amounts
    alice = signed_in(home, "alice")
    record_id = next(iter(truth.messages))
    calls = list(_calls(alice.app, record_id))
    assert any(path.endswith("/deconflict") for _, _, path, _ in calls)
    shop = next(x for x in truth.shops if s.beneficiary in x.beneficiaries)
    extra = [("GET", "/api/cases/demo/lookup", {"params": {"q": q}})
             for q in (s.card, s.phone, s.iban, s.beneficiary, "@" + s.bot)]
    extra += [("POST", "/api/cases/demo/trace", {"json": {"addresses": [shop.treasury]}})]
    extra += [("POST", "/api/cases/demo/ask", {"json": {"question": q}}) for q in (
        f"Кто стоит за картой {s.card}?", f"что известно о {s.iban}", "обзор дела",
        f"куда ушли деньги с {shop.treasury}?")]
    seen = 0
    for method, path, kwargs in [(m, p, k) for _, m, p, k in calls] + extra:
        resp = alice.request(method, path, **kwargs)
        if resp.status_code >= 400:
            continue
        seen += 1
        text = resp.text
        decoded = json.dumps(resp.json(), ensure_ascii=False) \
            if resp.headers.get("content-type", "").startswith("application/json") else text
        for what in (ids, texts, amounts):
            leaked = [x for x in what if x in decoded or x in text]
            assert not leaked, (path, leaked[:3])
    assert seen >= 15


def test_answers_name_the_other_case_and_stay_verified(home):
    _, truth, s, _ = home
    alice = signed_in(home, "alice")
    spaced = " ".join(s.card[i:i + 4] for i in range(0, 16, 4))
    answer = alice.post("/api/cases/demo/ask",
                        json={"question": f"Кто стоит за картой {spaced}?"}).json()
    assert "есть и в деле other (контакт: bob), записей: 1" in answer["answer"]
    assert answer["verified"], [c for c in answer["claims"] if c["status"] != "supported"]
    shop = next(x for x in truth.shops if s.beneficiary in x.beneficiaries)
    traced = alice.post("/api/cases/demo/ask", json={
        "question": f"Where did the money from {shop.treasury} go?"}).json()
    assert f"{s.beneficiary}: also in case other (contact: bob), 1 records" in traced["answer"]
    assert traced["verified"]


def test_every_agent_tool_as_mcp_runs_it_names_the_other_case_and_nothing_of_it(home):
    """The tools the MCP server and the agent share, each on the shared identifiers."""
    from assistant.services.agent_tools import agent_tools, run_agent_tool

    h, truth, s, store = home
    ids, texts, amounts = _contents_of(store, "other")
    own = _contents_of(store, "demo")
    ids, amounts = ids - own[0], amounts - own[2]
    shop = next(x for x in truth.shops if s.beneficiary in x.beneficiaries)
    calls = {
        "lookup_account": [{"identifier": q} for q in (s.card, s.phone, s.iban, "@" + s.bot)],
        "trace_wallet": [{"address": shop.treasury}],
        "case_overview": [{}],
        "shop_details": [{"shop": "@" + s.bot}],
        "find_person": [{"name": "Иванов"}],
        "money_path": [{"source": shop.treasury, "target": s.beneficiary}],
        "get_record": [{"record_id": next(iter(ids))}],
        "search_listings": [{"query": "меф"}],
        "draft_letter": [{"addresses": [s.beneficiary], "trace_from": [shop.treasury]}],
    }
    assert set(calls) == set(agent_tools())
    texts_seen = []
    for name, arg_list in calls.items():
        for args in arg_list:
            run = run_agent_tool(Settings(home=h), store, "demo", name, args, "alice")
            whole = run.model_dump_json()
            asked = {str(v) for v in args.values()}  # "no record X" echoes what was asked
            for what in (ids, texts, amounts):
                assert not [x for x in what - asked if x in whole], (name, args)
            texts_seen.append(run.text)
    said = "\n".join(texts_seen)
    assert f"card {s.card}: also in case other (contact: bob), 1 records" in said
    assert f"tron {s.beneficiary}: also in case other (contact: bob), 1 records" in said
    assert "no record" in said  # get_record of the other case's record: not found here
    seen = [e for e in audit_trail(store.engine).entries("other")
            if e.action == "deconflict_seen" and e.details["via"] == "mcp"]
    assert seen and all(e.user == "alice" for e in seen)
