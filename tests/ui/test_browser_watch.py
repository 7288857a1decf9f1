"""An alert in a real browser: a watched beneficiary's USDT reaches an exchange deposit
address on a scripted TronGrid; "poll now" in the page raises the alert, which names the
exchange and the deposit address and cites the transfer. The screenshot is the README's
(docs/watch-alert.png, rewritten when TERGEU_UPDATE_DOCS=1)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.ui.test_browser import APP, ARTIFACTS, CHROMIUM
from tests.utils.loopback import free_port, serving, wait_until_up
from tests.utils.scripted_trongrid import (
    HOT,
    HOUR_MS,
    OTHER,
    PAYER,
    D,
    ScriptedTronGrid,
    W,
    tagpack,
)

DOCS = Path(__file__).parents[2] / "docs"

pytestmark = pytest.mark.browser


def test_an_alert_in_the_browser(tmp_path):
    if CHROMIUM is None:
        if os.environ.get("TERGEU_REQUIRE_BROWSER"):
            pytest.fail("Chromium is not installed (.ci/run installs Debian's chromium)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    from assistant.api.app import create_app
    from assistant.config import Settings, get_settings
    from assistant.users import Users
    from assistant.wiring import open_store
    from tools.demo.generate import evidence_folders, generate_case
    from tools.ingest.pipeline import ingest_paths

    grid = ScriptedTronGrid()
    past = int(time.time() * 1000) - 48 * HOUR_MS
    grid.add(PAYER, W, "1000", past)
    grid.add(OTHER, D, "50", past + 1000)
    grid.add(D, HOT, "50", past + 2000)
    with serving(grid.app()) as grid_url:
        settings = Settings(home=tmp_path, chains={"trongrid_url": grid_url},
                            watch={"min_interval": 0})
        store = open_store(settings)
        generate_case(tmp_path / "demo-case", seed=1)
        ingest_paths(store, "demo", [*evidence_folders(tmp_path / "demo-case"),
                                     tagpack(tmp_path / "qazex.yaml")])
        token = Users(store.engine).add("ayana", "prosecutor", ["demo"])
        app = create_app()
        app.dependency_overrides[get_settings] = lambda: settings
        with serving(app) as api_url:
            auth = {"Authorization": f"Bearer {token}"}
            resp = httpx.post(f"{api_url}/api/cases/demo/watches", headers=auth, json={
                "addresses": [W], "threshold": "500", "note": "конечный получатель магазина"})
            assert resp.status_code == 200, resp.text
            assert httpx.post(f"{api_url}/api/cases/demo/watches/poll", headers=auth,
                              timeout=60).json()["alerts"] == []
            tx = grid.add(W, D, "900")

            port = free_port()
            proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port",
                 str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
                 "--browser.gatherUsageStats", "false", "--client.toolbarMode", "viewer"],
                env={**os.environ, "TERGEU_API_URL": api_url},
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            ui_url = f"http://127.0.0.1:{port}"
            try:
                wait_until_up(f"{ui_url}/_stcore/health")
                with sync_playwright() as p:
                    browser = p.chromium.launch(executable_path=CHROMIUM,
                                                args=["--no-sandbox", "--disable-gpu"])
                    page = browser.new_page(viewport={"width": 1400, "height": 1100})
                    page.goto(ui_url)
                    page.locator("input[type=password]").fill(token)
                    page.get_by_role("button", name="Войти").click()
                    page.get_by_text("Спросите, например:").wait_for(timeout=30_000)
                    page.get_by_text("Оповещения: 0").wait_for(timeout=30_000)
                    poll_now = page.get_by_role("button", name="Проверить сейчас")
                    for _ in range(20):  # the page may rerun once more after signing in
                        if poll_now.is_visible():
                            break
                        page.get_by_text("Наблюдение за кошельками (1)").click()
                        page.wait_for_timeout(500)
                    poll_now.click()
                    page.get_by_text("Опрошено адресов: 2, новых переводов: 3, оповещений: 1") \
                        .wait_for(timeout=30_000)
                    page.get_by_text("Окно заморозки").first.wait_for(timeout=30_000)
                    card = page.get_by_text("Биржа Qazex exchange hot wallet").first
                    card.wait_for(timeout=30_000)
                    card.scroll_into_view_if_needed()
                    text = page.inner_text("body")
                    ARTIFACTS.mkdir(exist_ok=True)
                    page.screenshot(path=ARTIFACTS / "7-alert.png", full_page=True)
                    # The fixed page header and chat box would cover the panel's ends in its screenshot.
                    page.add_style_tag(content="header[data-testid=stHeader],[data-testid=stBottom]{display:none}")
                    alert = page.locator("[data-testid=stExpander]").filter(
                        has_text="Оповещения по наблюдаемым кошелькам")
                    # The README's screenshot is refreshed on request, not by every run.
                    alert.screenshot(path=DOCS / "watch-alert.png"
                                     if os.environ.get("TERGEU_UPDATE_DOCS")
                                     else ARTIFACTS / "watch-alert.png")
                    # The freeze request to that exchange, from the alert itself.
                    alert.get_by_role("button", name="Подготовить письмо").click()
                    page.get_by_text(re.compile("Письмо для|Письмо не подготовлено")).first \
                        .wait_for(timeout=60_000)
                    drafted = page.inner_text("body")
                    page.screenshot(path=ARTIFACTS / "8-alert-letter.png", full_page=True)
                    browser.close()
            finally:
                proc.terminate()
                proc.wait(timeout=10)
    assert f"900 USDT с {W} поступили на адрес {D}" in text
    assert tx in text or any(tx in line for line in text.splitlines())
    assert "Письмо не подготовлено" not in drafted, drafted[drafted.find("Письмо"):][:300]
    assert "Письмо для Qazex" in drafted
