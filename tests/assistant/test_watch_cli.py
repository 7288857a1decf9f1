"""`tergeu watch` as a prosecutor runs it, against a scripted TronGrid and an office webhook
on loopback: one cited alert for an outflow into an exchange deposit, and a poller killed
mid-poll (or mid-delivery) neither loses nor repeats an alert."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

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


class Office:
    """The office's webhook receiver: alert ids as they arrive; one POST can be held open."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.holding = False

    async def hook(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.received.append(body)
        if self.holding:
            self.holding = False
            self.arrived.set()
            while not self.release.is_set():
                await _sleep(0.05)
        return JSONResponse({"ok": True})

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/hook", self.hook, methods=["POST"])])


async def _sleep(s: float) -> None:
    import asyncio

    await asyncio.sleep(s)


@pytest.fixture
def world(tmp_path):
    grid, office = ScriptedTronGrid(), Office()
    past = int(time.time() * 1000) - 48 * HOUR_MS
    grid.add(PAYER, W, "1000", past)
    grid.add(OTHER, D, "50", past + 1000)
    grid.add(D, HOT, "50", past + 2000)
    with serving(grid.app()) as grid_url, serving(office.app()) as office_url:
        env = {**os.environ, "TERGEU_HOME": str(tmp_path / "home"),
               "TERGEU_CHAINS__TRONGRID_URL": grid_url, "TERGEU_WATCH__MIN_INTERVAL": "0",
               "TERGEU_WATCH__WEBHOOK_URL": f"{office_url}/hook"}
        env.pop("TERGEU_DATABASE_URL", None)
        yield grid, office, env, tmp_path


def tergeu(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], env=env,
                          capture_output=True, text=True, timeout=120)


def poller(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "assistant.cli", "watch", "run", "--case",
                             "c", "--interval", "0.2"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def killed_when(proc: subprocess.Popen[bytes], event: threading.Event) -> None:
    assert event.wait(60), "the poller never got there"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)


def alerts(env: dict[str, str]) -> list[dict]:
    done = tergeu(env, "alerts", "--case", "c", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_killed_poller_neither_loses_nor_repeats_an_alert(world):
    grid, office, env, tmp = world
    assert tergeu(env, "ingest", "--case", "c", str(tagpack(tmp / "ex.yaml"))).returncode == 0
    done = tergeu(env, "watch", "add", "--case", "c", W, "--threshold", "500", "--note",
                  "beneficiary of shop 1")
    assert done.returncode == 0, done.stderr
    assert f"watching {W} (tron, USDT, alert above 500)" in done.stdout
    first = tergeu(env, "watch", "run", "--case", "c", "--once")
    assert first.returncode == 0 and "0 alert(s)" in first.stdout, first.stdout + first.stderr

    # Killed while fetching the recipient it follows: W's new page is kept, no alert yet.
    tx = grid.add(W, D, "900")
    arrived = grid.hold(D)
    killed_when(poller(env), arrived)
    grid.release(D)
    assert alerts(env) == []
    again = tergeu(env, "watch", "run", "--case", "c", "--once")
    assert "1 alert(s)" in again.stdout, again.stdout + again.stderr
    assert f"EXCHANGE Qazex exchange hot wallet: 900 USDT from {W} reached deposit address " \
           f"{D}" in again.stdout
    assert "0 alert(s)" in tergeu(env, "watch", "run", "--case", "c", "--once").stdout
    [alert] = alerts(env)
    assert [(t["tx"], t["role"]) for t in alert["transfers"]] == [(tx, "trigger"),
                                                                   (alert["transfers"][1]["tx"],
                                                                    "context")]
    assert [b["alert"]["id"] for b in office.received] == [alert["id"]]

    # Killed while the office's webhook holds the delivery open: delivered after the restart.
    grid.add(W, D, "60")
    office.holding = True
    killed_when(poller(env), office.arrived)
    office.release.set()
    assert tergeu(env, "watch", "run", "--case", "c", "--once").returncode == 0
    found = alerts(env)
    assert [a["kind"] for a in found] == ["exchange", "exchange"]
    assert {b["alert"]["id"] for b in office.received} == {a["id"] for a in found}

    from assistant.config import Settings
    from assistant.wiring import audit_trail, open_store

    trail = audit_trail(open_store(Settings(home=Path(env["TERGEU_HOME"]))).engine)
    raised = [e.details["alert"] for e in trail.entries("c") if e.action == "watch_alert"]
    assert sorted(raised) == sorted(a["id"] for a in found)


def test_watch_list_remove_and_bad_input(world):
    grid, office, env, tmp = world
    bad = W[:-1] + ("A" if W[-1] != "A" else "B")
    done = tergeu(env, "watch", "add", "--case", "c", bad)
    assert done.returncode == 2 and "not watched" in done.stderr and "\n" not in \
        done.stderr.strip()
    done = tergeu(env, "watch", "add", "--case", "c", W, "--threshold", "lots")
    assert done.returncode == 2 and "--threshold" in done.stderr
    assert tergeu(env, "watch", "add", "--case", "c", W, tron_address("x")).returncode == 0
    listed = json.loads(tergeu(env, "watch", "list", "--case", "c", "--json").stdout)
    assert {w["address"] for w in listed} == {W, tron_address("x")}
    assert tergeu(env, "watch", "run", "--case", "c", "--once").returncode == 0
    done = tergeu(env, "watch", "add", "--case", "c", "--beneficiaries-of", PAYER,
                  "--threshold", "100")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"watching {W} (tron, USDT, alert above 100)"]
    done = tergeu(env, "watch", "add", "--case", "c", "--beneficiaries-of", OTHER)
    assert done.returncode == 2 and "no transfers" in done.stderr.lower(), done.stderr
    assert tergeu(env, "watch", "remove", "--case", "c", W).returncode == 0
    done = tergeu(env, "watch", "remove", "--case", "c", W)
    assert done.returncode == 2 and "not watched in case 'c'" in done.stderr
