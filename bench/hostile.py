"""Hostile evidence against the running API while other users work: `python -m bench.hostile`.

    python -m bench.hostile [--bystanders 3] [--only NAME ...] [--manifest PATH ...]

Serves the small demo case (seed 1) with the API on loopback (64 MB per file, 128 MB per
request), keeps `--bystanders` users opening records and asking in their own conversations,
and sends every item of every `tests/data/hostile/*.yaml` manifest, each into a case of its
own. Prints per item: seconds, the server's peak resident memory during the item, the status
against the one expected, whether the case still works afterwards, and the bystanders'
requests that overlapped the item (failures, p95). Goal (issue 17): every item under 2 s and
500 MB, 0 crashes, 0 failed bystander requests.

Manifest items: `{name, kind: upload|text|trace_param|request, recipe: "module:function"
(with `args`) or file: path, expect: {...}}`; see `tests/data/hostile/api.yaml`.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import yaml

from assistant.config import Settings
from assistant.users import Users
from assistant.wiring import open_store
from tests.utils.agent_eval import questions
from tests.utils.loopback import free_port, wait_until_up
from tools.demo.generate import evidence_folders, generate_case
from tools.ingest.pipeline import ingest_paths

HOSTILE = Path(__file__).parents[1] / "tests" / "data" / "hostile"
LIMITS = {"TERGEU_MAX_UPLOAD_MB": "64", "TERGEU_MAX_UPLOAD_REQUEST_MB": "128"}
GOAL_SECONDS, GOAL_MB = 2.0, 500.0


@dataclass
class Item:
    name: str
    kind: str
    spec: dict[str, Any]
    manifest: Path

    def content(self) -> Any:
        """The recipe's result (bytes, text, chunks, a dict) or the file's bytes."""
        if isinstance(self.spec.get("recipe"), list):  # the engine's [[text, times], ...]
            from tests.utils.hostile import item_text, recipe_bytes

            if self.kind == "text":
                return item_text(self.spec)
            return recipe_bytes(self.spec["recipe"])
        if "recipe" in self.spec:
            return recipe(str(self.spec["recipe"]))(**(self.spec.get("args") or {}))
        if "file" in self.spec:
            path = Path(self.spec["file"])
            return (path if path.is_absolute() else self.manifest.parent / path).read_bytes()
        return self.spec.get("text") or self.spec.get("value")


def recipe(name: str) -> Callable[..., Any]:
    """`module:function`, or a bare function name found in a `tests/utils/hostile*` module."""
    if ":" in name:
        module, _, func = name.partition(":")
        return getattr(importlib.import_module(module), func)  # type: ignore[no-any-return]
    for path in sorted((Path(__file__).parents[1] / "tests" / "utils").glob("hostile*.py")):
        found = getattr(importlib.import_module(f"tests.utils.{path.stem}"), name, None)
        if callable(found):
            return found  # type: ignore[no-any-return]
    raise LookupError(f"no recipe {name!r} (module:function, or in tests/utils/hostile*.py)")


UPLOAD_TRIES = 12


def load_items(manifests: Iterable[Path]) -> list[Item]:
    items = []
    for manifest in manifests:
        data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or []
        # The engine's manifest is {items: [...]} (tests/data/hostile/ingest.yaml), ours a list.
        for spec in data["items"] if isinstance(data, dict) else data:
            items.append(Item(str(spec["name"]), str(spec.get("kind", "upload")), spec,
                              manifest))
    return items


@dataclass
class Outcome:
    item: Item
    seconds: float
    peak_mb: float
    status: int | None
    expected: str
    ok: bool
    note: str = ""
    crashed: bool = False
    bystanders: int = 0
    bystander_failures: int = 0
    bystander_p95: float = 0.0


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    bystander_requests: int = 0
    bystander_failures: list[str] = field(default_factory=list)
    bystander_p95: float = 0.0

    @property
    def crashes(self) -> int:
        return sum(o.crashed for o in self.outcomes)

    @property
    def wrong(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def bystanders_hurt(self) -> list[Outcome]:
        """Items during which a bystander's request failed or their p95 passed 1 s."""
        return [o for o in self.outcomes if o.bystander_failures or o.bystander_p95 > 1.0]

    @property
    def over_goal(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.seconds > GOAL_SECONDS or o.peak_mb > GOAL_MB]


# --- the server ------------------------------------------------------------------------------

class Server:
    """The API in a process of its own (a crash must not take the bench with it)."""

    def __init__(self, home: Path, log: Path) -> None:
        self.home, self.log = home, log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.out: Any = None

    def start(self) -> None:
        env = {**os.environ, "TERGEU_HOME": str(self.home), **LIMITS}
        env.pop("TERGEU_DATABASE_URL", None)
        if self.out is not None:
            self.out.close()
        self.out = out = self.log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "assistant.api.app:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"],
            env=env, stdout=out, stderr=out)
        wait_until_up(f"{self.url}/healthz", seconds=60)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.proc is not None and self.alive():
            self.proc.terminate()
            self.proc.wait(timeout=30)
        if self.out is not None:
            self.out.close()
            self.out = None

    def reset_peak(self) -> None:
        """Start a new peak-memory window (Linux: `5` to clear_refs resets VmHWM)."""
        with contextlib.suppress(OSError):
            Path(f"/proc/{self.proc.pid}/clear_refs").write_text("5")  # type: ignore[union-attr]

    def peak_mb(self) -> float:
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text()  # type: ignore[union-attr]
        except OSError:
            return 0.0
        return next(int(line.split()[1]) for line in status.splitlines()
                    if line.startswith("VmHWM:")) / 1024


# --- bystanders ------------------------------------------------------------------------------

@dataclass
class Request:
    started: float
    ended: float
    problem: str | None


class Bystanders:
    """Users opening records and asking while the items run; every request timed."""

    def __init__(self, url: str, token: str, case: str, record_ids: list[str],
                 asked: list[str], users: int) -> None:
        self.url, self.token, self.case = url, token, case
        self.record_ids, self.asked, self.users = record_ids, asked, users
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._user, args=(k,), daemon=True)
                        for k in range(users)]

    def __enter__(self) -> Bystanders:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        for t in self.threads:
            t.join(timeout=120)

    def _user(self, k: int) -> None:
        session = f"bystander-{k}-{uuid.uuid4().hex[:6]}"
        with httpx.Client(base_url=self.url, timeout=60,
                          headers={"Authorization": f"Bearer {self.token}"}) as http:
            n = k
            while not self.stopping.is_set():
                t0 = time.perf_counter()
                try:
                    if n % 2:
                        resp = http.post(f"/api/cases/{self.case}/ask", json={
                            "question": self.asked[n % len(self.asked)], "session": session})
                    else:
                        rid = quote(self.record_ids[n % len(self.record_ids)], safe="/:")
                        resp = http.get(f"/api/cases/{self.case}/records/{rid}")
                    problem = None if resp.status_code == 200 else \
                        f"{resp.status_code}: {resp.text[:200]}"
                except httpx.HTTPError as exc:
                    problem = f"{type(exc).__name__}: {exc}"
                with self.lock:
                    self.requests.append(Request(t0, time.perf_counter(), problem))
                n += 1
                time.sleep(0.05)

    def during(self, start: float, end: float) -> list[Request]:
        with self.lock:
            return [r for r in self.requests if r.ended >= start and r.started <= end]


def p95(values: list[float]) -> float:
    return sorted(values)[math.ceil(0.95 * len(values)) - 1] if values else 0.0


# --- sending items ---------------------------------------------------------------------------

def _chunks(content: Any) -> Iterator[bytes]:
    if isinstance(content, bytes):
        yield content
    elif isinstance(content, dict | list):
        yield json.dumps(content, ensure_ascii=False).encode()
    elif isinstance(content, Path):
        yield content.read_bytes()
    elif isinstance(content, str):
        yield content.encode()
    else:
        for chunk in content:
            yield chunk if isinstance(chunk, bytes) else str(chunk).encode()


def _header_name(name: str) -> bytes:
    # As browsers and httpx send it: `"`, CR and LF percent-encoded, the rest as UTF-8.
    return name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A").encode()


def multipart(files: list[tuple[str, Callable[[], Any]]], boundary: str) -> Iterator[bytes]:
    """A multipart body streamed file by file (a file made by a recipe is never held whole)."""
    for name, make in files:
        yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"uploads\"; "
               "filename=\"").encode() + _header_name(name) + \
            b"\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        yield from _chunks(make())
        yield b"\r\n"
    yield f"--{boundary}--\r\n".encode()


def _text_chat(text: str) -> bytes:
    """A text item as evidence arrives: one message of a Telegram Desktop chat export."""
    return json.dumps({"name": "hostile text", "type": "personal_chat", "id": 4242, "messages": [
        {"id": 1, "type": "message", "date": "2025-03-02T20:00:00",
         "date_unixtime": "1740945600", "from": "x", "from_id": "user1", "text": text,
         "text_entities": [{"type": "plain", "text": text}]}]}, ensure_ascii=False).encode()


def _expected(item: Item) -> tuple[Callable[[int | None], bool], str]:
    """The statuses that pass: `expect.status`, else what the expected outcome implies (a
    file refused by its importer is a 400 when it is the upload's only file), else any < 500."""
    expect = item.spec.get("expect") or {}
    want = expect.get("status")
    outcome = expect.get("file_status") or expect.get("outcome")
    if isinstance(want, str):  # the engine manifest's outcome words
        outcome, want = want, {"error": 422, "ok": 200}.get(want)
    if want is None and (outcome == "rejected" or expect.get("rejected") is True):
        want = 400
    elif want is None and outcome in ("imported", "duplicate"):
        want = 200
    if want is None and item.kind == "trace_param":
        want = 422
    if want is None:
        return (lambda s: s is not None and s < 500), "<500"
    allowed = set(want) if isinstance(want, list) else {int(want)}
    return (lambda s: s in allowed), "/".join(map(str, sorted(allowed)))


def send(item: Item, http: httpx.Client, case: str, wallet: str,
         as_user: str | None = None) -> tuple[int | None, str]:
    """Send one item; (HTTP status, a note on what else was checked or went wrong)."""
    spec = item.spec
    expect = spec.get("expect") or {}
    if item.kind in ("upload", "text"):
        if item.kind == "text":
            text = item.content()
            files = [("text.json", lambda: _text_chat(str(text)))]
        else:
            files = [(str(spec.get("filename", item.name)), item.content)
                     for _ in range(int(spec.get("copies", 1)))]
        boundary = uuid.uuid4().hex
        for _ in range(UPLOAD_TRIES):
            resp = http.post(f"/api/cases/{case}/files", content=multipart(files, boundary),
                             headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
            # A store busy with the last item's import says when to come back, as a client does.
            if resp.status_code != 503 or "retry-after" not in resp.headers:
                break
            time.sleep(min(float(resp.headers["retry-after"]), 5.0))
        note = ""
        if resp.status_code == 200 and expect.get("file_status"):
            got = [f["status"] for f in resp.json()["files"]]
            if got != [expect["file_status"]] * len(got):
                note = f"files {got}, expected {expect['file_status']}"
        if resp.status_code == 200 and expect.get("case_works", True):
            for path in (f"/api/cases/{case}/overview", f"/api/cases/{case}"):
                check = http.get(path)
                if check.status_code != 200:
                    note += f" {path} → {check.status_code}: {check.text[:120]}"
        elif resp.status_code >= 400:
            note = str(resp.json().get("detail", ""))[:100] if resp.headers.get(
                "content-type", "").startswith("application/json") else resp.text[:100]
        # The engine manifest's exact reasons are checked through the engine
        # (tests/tools/test_hostile.py); here the status, and that a refusal names the file.
        wanted = expect.get("error") or expect.get("error_contains") or expect.get("detail")
        if wanted is None and expect.get("reason_contains") and resp.status_code == 400:
            wanted = str(spec.get("filename", item.name))
        if isinstance(wanted, str) and wanted not in resp.text:
            note = f"files: error without {wanted!r}: {resp.text[:100]}"
        return resp.status_code, note.strip()
    if item.kind == "trace_param":
        value = item.content()
        param = spec.get("param") or spec.get("params") or spec.get("body") or (
            {spec["field"]: value} if "field" in spec else value if isinstance(value, dict)
            else {"min_amount": value})
        # The item's start address belongs to its own test case: here, the demo's wallet.
        resp = http.post("/api/cases/demo/trace", json={**param, "addresses": [wallet]})
        return resp.status_code, resp.text[:100] if resp.status_code >= 400 else ""
    if item.kind == "request":
        headers = {"Authorization": "" if not spec.get("auth", True)
                   else f"Bearer {as_user}" if as_user else http.headers["Authorization"]}
        body = item.content() if "recipe" in spec or "file" in spec else None
        if body is not None:
            headers["Content-Type"] = "application/json"
        resp = http.request(spec.get("method", "GET"), spec["path"].replace("{case}", case),
                            json=spec.get("json"), content=body, headers=headers)
        return resp.status_code, resp.text[:100] if resp.status_code >= 400 else ""
    return None, f"unknown kind {item.kind!r}: skipped"


# --- the run ---------------------------------------------------------------------------------

def run(manifests: list[Path] | None = None, bystanders: int = 3, only: list[str] | None = None,
        out: Callable[[str], None] = print) -> Report:
    manifests = manifests or sorted(HOSTILE.glob("*.yaml"))
    items = [i for i in load_items(manifests) if not only or i.name in only]
    report = Report()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        store = open_store(Settings(home=home))
        truth = generate_case(home / "case", seed=1)
        ingest_paths(store, "demo", evidence_folders(home / "case"))
        users = Users(store.engine)
        admin = users.add("hostile", "admin", [])
        tokens = {"bystander": users.add("bystander", "analyst", ["demo"])}
        wallet = truth.shops[0].payment_wallets[0]
        store.engine.dispose()
        server = Server(home, Path(tmp) / "server.log")
        server.start()
        out(f"{len(items)} items from {', '.join(m.name for m in manifests)}; API {server.url}, "
            f"{bystanders} bystanders")
        out(f"{'item':<36} {'kind':<11} {'s':>6} {'peak MB':>8} {'status':>7} {'want':>8}  "
            f"{'bystanders (n, failed, p95 s)':<30} note")
        try:
            with Bystanders(server.url, tokens["bystander"], "demo", list(truth.messages)[:20],
                            [q.text for q in questions(truth)][:6], bystanders) as crowd, \
                    httpx.Client(base_url=server.url, timeout=120,
                                 headers={"Authorization": f"Bearer {admin}"}) as http:
                time.sleep(1.0)  # the bystanders' first requests load the model and the graph
                for n, item in enumerate(items):
                    report.outcomes.append(
                        _run_item(item, n, server, crowd, http, tokens, wallet, out))
                time.sleep(0.5)
            everything = crowd.requests
            report.bystander_requests = len(everything)
            report.bystander_failures = [r.problem for r in everything if r.problem]
            report.bystander_p95 = p95([r.ended - r.started for r in everything])
        finally:
            server.stop()
    slow = ", ".join(o.item.name for o in report.over_goal) or "none"
    out(f"\n{len(report.outcomes)} items: {len(report.wrong)} not as expected, "
        f"{report.crashes} crashes, over {GOAL_SECONDS:.0f} s or {GOAL_MB:.0f} MB: {slow}; "
        f"slowest {max((o.seconds for o in report.outcomes), default=0):.2f} s, highest peak "
        f"{max((o.peak_mb for o in report.outcomes), default=0):.0f} MB")
    hurt = ", ".join(o.item.name for o in report.bystanders_hurt) or "none"
    out(f"bystanders: {report.bystander_requests} requests, "
        f"{len(report.bystander_failures)} failed, p95 {report.bystander_p95:.2f} s; items "
        f"during which one failed or their p95 passed 1 s: {hurt}")
    for problem in report.bystander_failures[:5]:
        out(f"  bystander failure: {problem}")
    return report


def _run_item(item: Item, n: int, server: Server, crowd: Bystanders, http: httpx.Client,
              tokens: dict[str, str], wallet: str, out: Callable[[str], None]) -> Outcome:
    case = f"h{n:03d}"
    check, want = _expected(item)
    server.reset_peak()
    user = item.spec.get("user")
    started = time.perf_counter()
    try:
        status, note = send(item, http, case, wallet, tokens[user] if user else None)
    except httpx.HTTPError as exc:
        status, note = None, f"{type(exc).__name__}: {exc}"
    except (LookupError, OSError, TypeError, ValueError) as exc:  # the manifest's fault
        status, note = None, f"item not runnable: {type(exc).__name__}: {exc}"
    ended = time.perf_counter()
    crashed = not server.alive()
    peak = server.peak_mb() if not crashed else 0.0
    if crashed:
        note = f"SERVER DIED ({note})"
        server.start()
    seen = crowd.during(started, ended)
    outcome = Outcome(item, ended - started, peak, status, want,
                      ok=check(status) and not note.startswith(("files", "/api", "SERVER",
                                                                "item not"))
                      and " → " not in note, note=note, crashed=crashed,
                      bystanders=len(seen), bystander_failures=sum(bool(r.problem) for r in seen),
                      bystander_p95=p95([r.ended - r.started for r in seen]))
    flag = ("" if outcome.ok else "  ✗ status") + (
        "  ✗ bystanders" if outcome.bystander_failures or outcome.bystander_p95 > 1.0 else "")
    out(f"{item.name[:36]:<36} {item.kind:<11} {outcome.seconds:6.2f} {peak:8.0f} "
        f"{status if status is not None else '-':>7} {want:>8}  "
        f"{outcome.bystanders:>3}, {outcome.bystander_failures}, {outcome.bystander_p95:5.2f}"
        f"{'':<16} {note[:80]}{flag}")
    return outcome


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bystanders", type=int, default=3)
    ap.add_argument("--only", nargs="*", help="Item names to run (default: all)")
    ap.add_argument("--manifest", nargs="*", type=Path, help="Manifests (default: all)")
    args = ap.parse_args()
    report = run(args.manifest, args.bystanders, args.only)
    bad = report.wrong or report.crashes or report.bystander_failures
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
