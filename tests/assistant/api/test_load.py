"""Fifty users at once on the API over loopback (bounded: two questions each): no errors.
`python -m bench.load_api` runs the two-minute version on the medium case. And one user's
2 MB chat upload does not hold the others up (`python -m bench.hostile` for every hostile item).
"""

import math
import random
import threading
import time
from urllib.parse import quote

import httpx
import pytest

from assistant.config import Settings
from assistant.users import Users
from assistant.wiring import open_store
from tests.utils.agent_eval import questions
from tests.utils.big_evidence import write_telegram
from tests.utils.load import run_load


def test_fifty_concurrent_users_get_answers_without_errors(stack):
    asked = [q.text for q in questions(stack.truth)]
    result = run_load(stack.api_url, stack.token, "demo", asked, users=50, seconds=120,
                      per_user=2)
    assert len(result.latencies) == 100
    assert result.errors == []


@pytest.mark.timing
def test_a_2mb_chat_upload_does_not_hold_up_another_user(stack, tmp_path):
    chat = tmp_path / "result.json"
    write_telegram(chat, 12_000, random.Random(2))
    body = chat.read_bytes()
    assert len(body) > 2 << 20
    uploader = Users(open_store(Settings(home=stack.home)).engine).add(
        "bulk", "analyst", ["bulk"])
    record = quote(next(iter(stack.truth.messages)), safe="/:")
    asked = [q.text for q in questions(stack.truth)][:4]
    outcome: dict = {}

    def upload() -> None:
        started = time.perf_counter()
        outcome["status"] = httpx.post(
            f"{stack.api_url}/api/cases/bulk/files", timeout=300,
            headers={"Authorization": f"Bearer {uploader}"},
            files=[("uploads", ("result.json", body))]).status_code
        outcome["seconds"] = time.perf_counter() - started

    latencies, errors = [], []
    thread = threading.Thread(target=upload)
    with httpx.Client(base_url=stack.api_url, timeout=60,
                      headers={"Authorization": f"Bearer {stack.token}"}) as http:
        thread.start()
        k = 0
        while thread.is_alive() or k < 6:
            t0 = time.perf_counter()
            if k % 2:
                resp = http.post("/api/cases/demo/ask", json={
                    "question": asked[k // 2 % len(asked)], "session": "bystander"})
            else:
                resp = http.get(f"/api/cases/demo/records/{record}")
            latencies.append(time.perf_counter() - t0)
            if resp.status_code != 200:
                errors.append(f"{resp.status_code}: {resp.text[:200]}")
            k += 1
    thread.join()
    p95 = sorted(latencies)[math.ceil(0.95 * len(latencies)) - 1]  # nearest rank
    print(f"\n2 MB chat upload: {outcome['seconds']:.1f} s; the other user's "
          f"{len(latencies)} requests meanwhile: p95 {p95:.2f} s, max {max(latencies):.2f} s")
    assert outcome["status"] == 200 and errors == []
    # Held up, the first request (sent as the upload starts) would wait about as long as the
    # upload itself. Beside it, sharing the server's two cores and Python's lock, a request
    # took 0.5–0.65 of the upload's time on a slow machine (1.34 s of 3.0, 1.74 s of 2.7).
    assert p95 < max(1.0, 0.75 * outcome["seconds"])
