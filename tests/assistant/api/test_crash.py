"""The API killed in the middle of an import: after a restart the file is wholly in the case or
not at all, and the same upload then succeeds."""

import os
import random
import signal
import subprocess
import sys
import threading
import time

import httpx
from sqlalchemy import func, select

from assistant.config import Settings
from assistant.users import Users
from assistant.wiring import open_store
from tests.utils.big_evidence import write_trc20_pages
from tests.utils.loopback import free_port, wait_until_up
from tools.store.schema import files, records

# Large enough that the import is still running when the server is killed on an idle machine:
# 60,000 took 2 s of CPU once records were written in batches, too close to the 2.5 s wait.
TRANSFERS = 200_000


def _serve(home, port):
    env = {**os.environ, "TERGEU_HOME": str(home)}
    env.pop("TERGEU_DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until_up(f"http://127.0.0.1:{port}/healthz")
    return proc


def _counts(home):
    store = open_store(Settings(home=home))
    with store.engine.connect() as conn:
        n_files = conn.execute(select(func.count()).select_from(files)
                               .where(files.c.case == "crash")).scalar()
        n_records = conn.execute(select(func.count()).select_from(records)
                                 .where(records.c.case == "crash")).scalar()
    store.engine.dispose()
    return n_files, n_records


def test_killed_mid_import_keeps_all_or_nothing_and_the_upload_then_succeeds(tmp_path):
    home = tmp_path / "home"
    token = Users(open_store(Settings(home=home)).engine).add("ops", "admin", [])
    write_trc20_pages(tmp_path / "tron", TRANSFERS, TRANSFERS, random.Random(5))
    body = (tmp_path / "tron" / "trc20_000000.json").read_bytes()
    headers = {"Authorization": f"Bearer {token}"}
    port = free_port()
    url = f"http://127.0.0.1:{port}/api/cases/crash/files"

    server = _serve(home, port)
    outcome = {}

    def upload():
        try:
            outcome["status"] = httpx.post(url, headers=headers, timeout=120,
                                           files=[("uploads", ("trc20.json", body))]).status_code
        except httpx.HTTPError as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=upload)
    thread.start()
    time.sleep(2.5)
    assert "status" not in outcome, "the import finished before the kill: make the file larger"
    server.send_signal(signal.SIGKILL)
    server.wait()
    thread.join()
    assert "error" in outcome
    assert _counts(home) in ((0, 0), (1, TRANSFERS))

    server = _serve(home, port)
    try:
        resp = httpx.post(url, headers=headers, timeout=300,
                          files=[("uploads", ("trc20.json", body))])
        assert resp.status_code == 200, resp.text
        (f,) = resp.json()["files"]
        assert f["status"] in ("imported", "duplicate")
        assert _counts(home) == (1, TRANSFERS)
    finally:
        server.terminate()
        server.wait(timeout=20)
