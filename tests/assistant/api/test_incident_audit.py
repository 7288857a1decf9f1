"""The audit trail an incident needs: refused requests with the user (or a token fingerprint),
every read route, admins' reads of the trail, exports recorded by the server from the
conversation it kept (bounded, rate-limited); and audit writes that never wait for an import."""

import hashlib
import threading
import time
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from assistant.api.app import create_app
from assistant.audit import SERVER, AuditLog
from assistant.config import Settings, get_settings
from assistant.users import Users
from assistant.wiring import audit_trail, open_store
from tests.conftest import SAMPLES
from tools.ingest.pipeline import ingest_paths

PAGE = SAMPLES / "01_trongrid_trc20_ledger.json"


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    home = tmp_path_factory.mktemp("incident")
    store = open_store(Settings(home=home))
    ingest_paths(store, "inc", [PAGE])
    users = Users(store.engine)
    tokens = {"dana": users.add("dana", "analyst", ["inc"]),
              "erik": users.add("erik", "prosecutor", ["other"]),
              "root": users.add("root", "admin", [])}
    return home, store, tokens


def as_user(office, name: str | None) -> TestClient:
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: Settings(home=office[0])
    headers = {"Authorization": f"Bearer {office[2][name]}"} if name else {}
    return TestClient(app, headers=headers)


def entries(office, chain):
    return [(e.user, e.action, e.details) for e in audit_trail(office[1].engine).entries(chain)]


def test_refused_requests_are_in_the_server_chain(office):
    as_user(office, None).get("/api/cases/inc")
    forged = as_user(office, None)
    forged.headers["Authorization"] = "Bearer stolen-or-revoked"
    forged.get("/api/cases/inc/overview")
    as_user(office, "erik").get("/api/cases/inc/records/x")
    as_user(office, "dana").get("/api/cases/inc/audit")
    denied = [(u, d["status"], d["path"], d["case"], d["token_sha256"])
              for u, a, d in entries(office, SERVER) if a == "denied"]
    fingerprint = hashlib.sha256(b"stolen-or-revoked").hexdigest()[:16]
    assert denied[-4:] == [("-", 401, "/api/cases/inc", "inc", None),
                           ("-", 401, "/api/cases/inc/overview", "inc", fingerprint),
                           ("erik", 404, "/api/cases/inc/records/x", "inc", None),
                           ("dana", 403, "/api/cases/inc/audit", "inc", None)]
    root = as_user(office, "root")
    log = root.get("/api/audit").json()
    assert log[-1]["action"] == "audit_read" and log[-1]["user"] == "root"
    assert root.get("/api/audit/verify").json()["breaks"] == []
    assert as_user(office, "dana").get("/api/audit").status_code == 403


def test_every_read_route_is_logged(office):
    dana = as_user(office, "dana")
    for path in ("/api/cases/inc", "/api/cases/inc/overview", "/api/cases/inc/sessions/s9"):
        assert dana.get(path).status_code == 200, path
    dana.get("/api/cases/inc/lookup", params={"q": "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"})
    actions = [a for u, a, _ in entries(office, "inc") if u == "dana"]
    assert actions[:4] == ["case_open", "overview", "session_read", "tool_call"]


def test_exports_are_recorded_from_the_servers_conversation_bounded_and_rate_limited(office):
    dana = as_user(office, "dana")
    note = {"format": "pdf", "session": "rep-1", "sha256": "c" * 64, "bytes": 10}
    gone = dana.post("/api/cases/inc/audit/exports", json=note)
    assert (gone.status_code, gone.json()) == (404, {"detail": "no conversation 'rep-1'"})
    forged = dana.post("/api/cases/inc/audit/exports",
                       json={**note, "questions": ["x" * 100_000]})
    assert forged.status_code == 404  # extra fields are ignored, never logged
    assert dana.post("/api/cases/inc/audit/exports",
                     json={**note, "sha256": "not-a-hash"}).status_code == 422
    dana.post("/api/cases/inc/ask", json={"question": "обзор дела", "session": "rep-1"})
    codes = [dana.post("/api/cases/inc/audit/exports", json=note).status_code
             for _ in range(21)]
    assert codes == [204] * 20 + [429]
    exports = [d for u, a, d in entries(office, "inc") if a == "export"]
    assert len(exports) == 20 and exports[0]["questions"] == ["обзор дела"]


def test_audit_details_are_bounded(office):
    log = AuditLog(office[1].engine)
    entry = log.append("inc", "dana", "tool_call", {"args": "x" * 100_000})
    assert entry.details["bytes"] > 100_000 and len(entry.details["truncated"]) <= 64 << 10


@pytest.mark.timing
def test_audited_reads_do_not_wait_for_an_import(office):
    """A writer holding the case store's lock (as an import does) does not hold up a record
    view and its audit entry: the trail has a database file of its own."""
    store = office[1]
    record_id = _record_ids(store)[0]
    held, release = threading.Event(), threading.Event()

    def importer():
        with store.engine.connect().execution_options(immediate=True) as conn, conn.begin():
            held.set()
            release.wait(10)

    thread = threading.Thread(target=importer)
    thread.start()
    try:
        assert held.wait(5)
        started = time.perf_counter()
        resp = as_user(office, "dana").get(f"/api/cases/inc/records/{quote(record_id, safe='/:')}")
        assert resp.status_code == 200 and time.perf_counter() - started < 1
    finally:
        release.set()
        thread.join()


def _record_ids(store):
    from sqlalchemy import select

    from tools.store.schema import records
    with store.engine.connect() as conn:
        return list(conn.execute(select(records.c.id).where(records.c.case == "inc")).scalars())


def test_a_lock_that_persists_is_a_503_not_a_500(office, monkeypatch):
    def locked(*args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(AuditLog, "append", locked)
    resp = as_user(office, "dana").get("/api/cases/inc")
    assert resp.status_code == 503 and resp.headers["retry-after"] == "30"
    assert resp.json() == {"detail": "the case store is busy with an import; try again in a "
                                     "minute"}


def test_a_trail_kept_in_an_older_store_is_moved_to_the_activity_database(tmp_path):
    from assistant.wiring import activity_engine
    from tools.store.db import create_store_engine

    old = create_store_engine(f"sqlite:///{tmp_path / 'tergeu.db'}")
    before = AuditLog(old)
    for q in ("обзор дела", "кто стоит за картой"):
        before.append("aurora", "aigerim", "ask", {"question": q})
    moved = AuditLog(activity_engine(old))
    assert (tmp_path / "tergeu-activity.db").exists()
    assert moved.entries("aurora") == before.entries("aurora") and not moved.verify("aurora")


def test_a_body_past_1_mb_is_refused_before_it_is_parsed(office):
    dana = as_user(office, "dana")
    big = b'{"question": "' + b"x" * (2 << 20) + b'"}'
    resp = dana.post("/api/cases/inc/ask", content=big,
                     headers={"Content-Type": "application/json"})
    assert (resp.status_code, resp.json()) == (413, {"detail": "request body over 1024 KB"})

    def streamed():  # no Content-Length: counted as it comes
        yield b'{"question": "'
        for _ in range(40):
            yield b"x" * (64 << 10)
        yield b'"}'

    resp = dana.post("/api/cases/inc/trace", content=streamed(),
                     headers={"Content-Type": "application/json"})
    assert resp.status_code == 413


def test_refusals_past_the_rate_are_counted_not_each_logged():
    from assistant.api.limits import DeniedLog

    log = DeniedLog(n=2, seconds=60)
    assert [log.admit("10.0.0.9") for _ in range(5)] == [0, 0, None, None, None]
    assert log.admit("10.0.0.8") == 0
    log.seen["10.0.0.9"].clear()  # the minute has passed
    assert log.admit("10.0.0.9") == 3
