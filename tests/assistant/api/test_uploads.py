"""Uploads counted while they stream, limited per file and per request, names checked; every
attempt in the audit trail with names, sizes and hashes before anything is imported."""

import hashlib
import socket
import time

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.config import Settings, get_settings
from assistant.users import Users
from assistant.wiring import audit_trail, open_store
from tests.conftest import SAMPLES
from tests.utils.loopback import serving

PAGE = (SAMPLES / "01_trongrid_trc20_ledger.json").read_bytes()


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    home = tmp_path_factory.mktemp("uploads")
    store = open_store(Settings(home=home))
    users = Users(store.engine)
    return home, store, users.add("dana", "analyst", ["up"]), users.add("root", "admin", [])


def client_of(office, token_index=2, **settings) -> TestClient:
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: Settings(home=office[0], **settings)
    return TestClient(app, headers={"Authorization": f"Bearer {office[token_index]}"})


def audit_of(office, case="up"):
    return [(e.user, e.action, e.details) for e in audit_trail(office[1].engine).entries(case)]


def _response_after_sending(url: str, token: str, head: bytes, body: bytes) -> tuple[bytes, float]:
    """Send `head` and `body` over a raw socket, then only read: (status line, seconds)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(head.replace(b"TOKEN", token.encode()) + body)
        started = time.perf_counter()
        reply = s.recv(65536)
    return reply.split(b"\r\n", 1)[0], time.perf_counter() - started


PART = (b'--XX\r\nContent-Disposition: form-data; name="uploads"; filename="big.json"\r\n'
        b"Content-Type: application/json\r\n\r\n")


@pytest.mark.timing
def test_an_oversized_file_is_refused_at_the_limit_not_after_the_whole_body(office):
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: Settings(home=office[0], max_upload_mb=1,
                                                              max_upload_request_mb=100)
    with serving(app) as url:
        # Declared as 300 MB and chunked: the server answers once 1 MB of the file has come.
        head = (b"POST /api/cases/up/files HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer TOKEN\r\n"
                b"Content-Type: multipart/form-data; boundary=XX\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b"0" * (64 << 10)
        body = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in [PART] + [chunk] * 20)
        status, seconds = _response_after_sending(url, office[2], head, body)
        assert status == b"HTTP/1.1 413 Request Entity Too Large" and seconds < 2
        # Declared over the per-request limit: refused before a byte of the body.
        head = (b"POST /api/cases/up/files HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer TOKEN\r\n"
                b"Content-Type: multipart/form-data; boundary=XX\r\n"
                b"Content-Length: 314572800\r\n\r\n")
        status, seconds = _response_after_sending(url, office[2], head, b"")
        assert status == b"HTTP/1.1 413 Request Entity Too Large" and seconds < 2
    refused = [d for u, a, d in audit_of(office) if a == "upload_refused"]
    assert refused[0]["files"][0]["file"] == "big.json"
    assert (1 << 20) < refused[0]["files"][0]["bytes"] < (2 << 20)
    assert refused[1] == {"status": 413, "files": [], "reason": (
        "an upload of 300 MB: larger than 100 MB per request, refused; nothing was imported")}


def test_the_request_as_a_whole_and_the_number_of_files_are_limited(office):
    small = client_of(office, max_upload_mb=1, max_upload_request_mb=1, max_upload_files=2)
    half = b" " * (600 << 10)
    resp = small.post("/api/cases/up/files", files=[("uploads", ("a.json", half)),
                                                     ("uploads", ("b.json", half))])
    assert resp.status_code == 413
    assert resp.json()["detail"].endswith("per request, refused; nothing was imported")
    many = small.post("/api/cases/up/files", files=[("uploads", (f"{n}.json", b"{}"))
                                                    for n in range(3)])
    assert (many.status_code, many.json()) == (413, {
        "detail": "more than 2 files in one upload; nothing was imported"})
    assert small.get("/api/cases/up").status_code == 404  # nothing imported


@pytest.mark.parametrize(("name", "detail"), [
    ("..", "..: not a file name"),
    ("x" * 251 + ".json", "x" * 60 + "…: a file name of 256 bytes; at most 255"),
    ("invoice\u202enosj.exe", "invoice⟨U+202E⟩nosj.exe: a file name with control or "
                              "right-to-left characters (U+202E); rename the file"),
    ("a\nb.json", "a⟨U+000A⟩b.json: a file name with control or right-to-left characters "
                   "(U+000A); rename the file"),
])
def test_bad_names_are_refused_with_the_reason(office, name, detail):
    resp = client_of(office).post("/api/cases/up/files", files=[("uploads", (name, PAGE))])
    assert (resp.status_code, resp.json()) == (400, {"detail": detail})


def test_received_files_are_audited_before_import_and_folders_dropped(office):
    resp = client_of(office).post("/api/cases/up/files",
                                  files=[("uploads", ("../../case/page.json", PAGE))])
    assert resp.status_code == 200 and resp.json()["files"][0]["file"] == "page.json"
    log = [(a, d) for u, a, d in audit_of(office) if u == "dana"]
    received = log.index(("upload_received", {"files": [{
        "file": "page.json", "sent_as": "../../case/page.json", "bytes": len(PAGE),
        "sha256": hashlib.sha256(PAGE).hexdigest()}]}))
    assert log[received + 1][0] == "upload"
    record = client_of(office).get("/api/cases/up").json()["files"][0]
    assert record["name"] == "page.json"


def test_anonymous_uploads_are_refused_before_the_body_is_read(office):
    anonymous = TestClient(create_app())
    anonymous.app.dependency_overrides[get_settings] = lambda: Settings(home=office[0])
    resp = anonymous.post("/api/cases/up/files", files=[("uploads", ("a.json", PAGE))])
    assert resp.status_code == 401


def test_fields_that_are_not_files_and_damaged_bodies_are_400(office):
    dana = client_of(office)
    field = dana.post("/api/cases/up/files", data={"note": "x"},
                      files=[("uploads", ("a.json", PAGE))])
    assert (field.status_code, field.json()) == (400, {"detail": "note: only files are accepted"})
    plain = dana.post("/api/cases/up/files", content=b"{}",
                      headers={"Content-Type": "application/json"})
    assert (plain.status_code, plain.json()) == (400, {
        "detail": "expected multipart/form-data with files in 'uploads'"})
    empty = dana.post("/api/cases/up/files", content=b"--XX--\r\n",
                      headers={"Content-Type": "multipart/form-data; boundary=XX"})
    assert (empty.status_code, empty.json()) == (400, {"detail": "no files in the upload"})


def test_an_upload_of_transfers_leaves_the_trace_graph_on_disk_with_them(tmp_path):
    from tools.trace.compact import CompactGraph
    from tools.trace.graph import graph_folder

    home = tmp_path / "home"
    store = open_store(Settings(home=home))
    token = Users(store.engine).add("dana", "analyst", ["g"])
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: Settings(home=home)
    client = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    resp = client.post("/api/cases/g/files", files=[("uploads", ("page.json", PAGE))])
    assert resp.status_code == 200 and resp.json()["files"][0]["records"]["transfer"] > 0
    # The next process maps the merged graph instead of reading the store again.
    kept = CompactGraph.open(graph_folder(store, "g"))
    assert kept is not None
    assert kept[0].number_of_moves() == resp.json()["files"][0]["records"]["transfer"]
