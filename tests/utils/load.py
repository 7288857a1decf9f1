"""Concurrent users asking questions over HTTP: latencies, errors and the server's memory."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)  # the server's, sampled over the run


def rss_mb(pids: list[int]) -> float:
    """Resident memory of these processes and their children, from /proc."""
    total = 0
    seen = set(pids)
    queue = list(pids)
    while queue:
        pid = queue.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        total += next(int(line.split()[1]) for line in status.splitlines()
                      if line.startswith("VmRSS:"))
        for c in map(int, children):
            if c not in seen:
                seen.add(c)
                queue.append(c)
    return total / 1024


def run_load(url: str, token: str, case: str, questions: list[str], users: int,
             seconds: float, per_user: int | None = None, server_pid: int | None = None
             ) -> LoadResult:
    """`users` threads ask random `questions` until `seconds` pass (or `per_user` each)."""
    result = LoadResult()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def user(k: int) -> None:
        rng = random.Random(k)
        with httpx.Client(base_url=url, timeout=120,
                          headers={"Authorization": f"Bearer {token}"}) as http:
            asked = 0
            while time.monotonic() < deadline and (per_user is None or asked < per_user):
                q = rng.choice(questions)
                t0 = time.perf_counter()
                try:
                    resp = http.post(f"/api/cases/{case}/ask",
                                     json={"question": q, "session": f"load-{k}"})
                    ok = resp.status_code == 200 and resp.json()["answer"]
                    problem = None if ok else f"{resp.status_code}: {resp.text[:200]}"
                except httpx.HTTPError as exc:
                    problem = f"{type(exc).__name__}: {exc}"
                with lock:
                    result.latencies.append(time.perf_counter() - t0)
                    if problem:
                        result.errors.append(f"{q!r}: {problem}")
                asked += 1

    threads = [threading.Thread(target=user, args=(k,)) for k in range(users)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        if server_pid:
            result.rss_mb.append(rss_mb([server_pid]))
        time.sleep(2)
    for t in threads:
        t.join()
    return result
