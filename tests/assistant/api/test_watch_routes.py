"""The watchlist and its alerts over HTTP: per case, audited, cited, exact errors."""

from __future__ import annotations

import json
import time

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.config import Settings, get_settings
from assistant.users import Users
from assistant.wiring import audit_trail, open_store
from tests.utils.loopback import serving
from tests.utils.scripted_trongrid import (
    HOT,
    HOUR_MS,
    OTHER,
    PAYER,
    D,
    ScriptedTronGrid,
    W,
    tagpack,
    tron_address,
)
from tools.ingest.pipeline import ingest_paths

BENEFICIARY = tron_address("holds it")


@pytest.fixture
def api(tmp_path):
    grid = ScriptedTronGrid()
    past = int(time.time() * 1000) - 48 * HOUR_MS
    grid.add(PAYER, W, "1000", past)
    grid.add(OTHER, D, "50", past + 1000)
    grid.add(D, HOT, "50", past + 2000)
    with serving(grid.app()) as url:
        settings = Settings(home=tmp_path, chains={"trongrid_url": url},
                            watch={"min_interval": 0})
        store = open_store(settings)
        page = tmp_path / "payer.json"
        grid.add(PAYER, BENEFICIARY, "300", past + 3000)
        page.write_text(json.dumps({"data": grid.by_address[PAYER], "success": True,
                                    "meta": {"at": past, "page_size": 2}}))
        ingest_paths(store, "c", [tagpack(tmp_path / "ex.yaml"), page])
        users = Users(store.engine)
        tokens = {"alice": users.add("alice", "analyst", ["c"]),
                  "bob": users.add("bob", "prosecutor", ["other"])}
        app = create_app()
        app.dependency_overrides[get_settings] = lambda: settings

        def client(user: str = "alice") -> TestClient:
            return TestClient(app, headers={"Authorization": f"Bearer {tokens[user]}"})

        yield client, grid, store


def test_watch_poll_alert_and_remove(api):
    client, grid, store = api
    alice = client()
    bad = W[:-1] + ("A" if W[-1] != "A" else "B")
    resp = alice.post("/api/cases/c/watches", json={"addresses": [bad]})
    assert resp.status_code == 422
    assert resp.json() == {"detail": f"{bad!r}: not a valid TRON address: base58 checksum "
                                     "fails; not watched"}
    resp = alice.post("/api/cases/c/watches", json={"addresses": [W], "threshold": "500",
                                                   "note": "бенефициар"})
    assert resp.status_code == 200
    assert [(w["address"], w["threshold"], w["note"]) for w in resp.json()["data"]] == \
        [(W, "500", "бенефициар")]
    assert alice.post("/api/cases/c/watches/poll").json()["alerts"] == []
    tx = grid.add(W, D, "900")
    report = alice.post("/api/cases/c/watches/poll").json()
    assert report["followed"] == [D] and len(report["alerts"]) == 1
    body = alice.get("/api/cases/c/alerts").json()
    assert body["count"] == 1
    [alert] = body["data"]
    assert (alert["kind"], alert["exchange"], alert["deposit_address"], alert["amount"]) == \
        ("exchange", "Qazex exchange hot wallet", D, "900")
    trigger = alert["transfers"][0]
    assert (trigger["role"], trigger["tx"]) == ("trigger", tx)
    record = alice.get(f"/api/cases/c/records/{trigger['record_id'].replace('#', '%23')}")
    assert record.status_code == 200 and tx in record.json()["source_text"]
    watched = alice.get("/api/cases/c/watches").json()
    assert [(w["address"], w["followed_from"]) for w in watched["data"]] == [(W, None), (D, W)]

    assert alice.delete(f"/api/cases/c/watches/{W}").status_code == 204
    resp = alice.delete(f"/api/cases/c/watches/{W}")
    assert resp.status_code == 404 and resp.json() == {"detail": f"{W!r} is not watched"}
    assert alice.get("/api/cases/c/watches").json() == {"data": [], "count": 0}
    actions = [e.action for e in audit_trail(store.engine).entries("c")]
    assert {"watch_add", "watch_poll", "watch_alert", "alerts_read", "watch_remove"} <= \
        set(actions)


def test_watch_the_beneficiaries_of_a_trace(api):
    client, _grid, _store = api
    resp = client().post("/api/cases/c/watches/beneficiaries",
                         json={"trace": {"addresses": [PAYER]}, "threshold": "10"})
    assert resp.status_code == 200, resp.text
    assert BENEFICIARY in {w["address"] for w in resp.json()["data"]}
    resp = client().post("/api/cases/c/watches/beneficiaries",
                         json={"trace": {"addresses": [tron_address("nobody")]}})
    assert resp.status_code == 404


def test_only_users_of_the_case_see_its_watches_and_alerts(api):
    client, _grid, _store = api
    client().post("/api/cases/c/watches", json={"addresses": [W]})
    bob = client("bob")
    for method, path in (("GET", "/api/cases/c/watches"), ("GET", "/api/cases/c/alerts"),
                         ("POST", "/api/cases/c/watches/poll"),
                         ("DELETE", f"/api/cases/c/watches/{W}")):
        resp = bob.request(method, path)
        assert resp.status_code == 404 and resp.json() == {"detail": "no case 'c'"}, path
    assert client().get("/api/cases/c/watches").json()["count"] == 1
