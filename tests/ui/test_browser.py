"""The product in a real browser: Debian's Chromium driven by Playwright, on the real stack.

Signs in, asks two questions in Russian about the demo case, opens a citation and its source
excerpt, sees the trace graph, exports the report; screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import EVIDENCE
from tests.utils.loopback import free_port, wait_until_up

ARTIFACTS = Path(__file__).parents[1] / "artifacts"
APP = Path(__file__).parents[2] / "ui" / "app.py"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def ui_url(stack):
    if CHROMIUM is None:
        if os.environ.get("TERGEU_REQUIRE_BROWSER"):
            pytest.fail("Chromium is not installed (.ci/run installs Debian's chromium)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    port = free_port()
    env = {**os.environ, "TERGEU_API_URL": stack.api_url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--client.toolbarMode", "viewer"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/_stcore/health")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_investigation_in_the_browser(ui_url, stack):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    wallet = stack.truth.shops[0].payment_wallets[0]
    card = next(d.card for d in stack.truth.droppers
                if any(("card", d.card) == tuple(x) for v in stack.truth.messages.values()
                       for x in v))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.goto(ui_url)
        page.locator("input[type=password]").fill(stack.token)
        page.get_by_role("button", name="Войти").click()
        page.get_by_text("Спросите, например:").wait_for(timeout=30_000)
        page.screenshot(path=ARTIFACTS / "1-overview.png")

        box = page.get_by_placeholder("Вопрос по делу…")
        box.fill(f"Куда ушли деньги с {wallet}?")
        started = time.perf_counter()
        box.press("Enter")
        page.get_by_text(f"Куда ушли деньги с {wallet}:").first.wait_for(timeout=30_000)
        first_token = time.perf_counter() - started
        print(f"\nquestion to first streamed token in the browser: {first_token:.2f} s")
        page.locator("[data-testid=stGraphVizChart] svg").first.wait_for(timeout=30_000)
        assert page.locator("[data-testid=stGraphVizChart] svg g.node").count() >= 3
        page.screenshot(path=ARTIFACTS / "2-trace.png")

        page.get_by_role("button", name="[1]").first.click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_text("Фрагмент исходного файла").wait_for(timeout=30_000)
        assert "transaction_id" in dialog.locator("code").first.inner_text()
        page.screenshot(path=ARTIFACTS / "3-citation.png")
        page.keyboard.press("Escape")
        dialog.wait_for(state="hidden")

        box.fill(f"Кто стоит за картой {card}?")
        box.press("Enter")
        page.get_by_text("Что известно о").first.wait_for(timeout=30_000)
        # The answer streams, then the page reruns to show it with its citation markers.
        for _ in range(300):
            if page.get_by_role("button", name="[1]").count() == 2:
                break
            time.sleep(0.1)
        page.get_by_text("Доказательства").last.click()
        page.get_by_text("✓ проверено").filter(visible=True).first.wait_for(timeout=30_000)
        page.screenshot(path=ARTIFACTS / "4-evidence.png")

        sidebar = page.locator("[data-testid=stSidebar]")
        sidebar.get_by_text("Загрузить доказательства").first.click()
        garbage = ARTIFACTS / "garbage.json"
        garbage.write_text('{"not": "evidence"}')
        sidebar.locator("input[type=file]").set_input_files(
            [str(EVIDENCE / "listings.jsonl"), str(garbage)])
        sidebar.get_by_role("button", name="Импортировать").click()
        sidebar.get_by_text("Импортировано: 3 записей из 1 файлов").wait_for(timeout=30_000)
        sidebar.get_by_text("Отклонён garbage.json").wait_for(timeout=30_000)
        page.screenshot(path=ARTIFACTS / "5-upload.png")

        with page.expect_download() as download:
            page.get_by_role("button", name="Скачать PDF").click()
        pdf = Path(download.value.path()).read_bytes()
        with page.expect_download() as download:
            page.get_by_role("button", name="Скачать HTML").click()
        html = Path(download.value.path()).read_text(encoding="utf-8")
        browser.close()
    assert pdf.startswith(b"%PDF")
    assert "Отчёт по делу «demo»" in html and wallet in html and card[-4:] in html
    assert first_token < 3.0


def test_hostile_evidence_makes_no_link_in_the_page(ui_url, stack):
    """A case whose chat, shop, token, tag and file names are markdown links, HTML, autolinks,
    citation markers, formulas and right-to-left overrides: every link in the page is the
    UI's own, and the overrides are shown as ⟨U+202E⟩, not obeyed."""
    import httpx
    from playwright.sync_api import sync_playwright

    from assistant.config import Settings
    from assistant.users import Users
    from assistant.wiring import open_store
    from tests.utils.hostile_api import EVIL, HOSTILE_FILES

    token = Users(open_store(Settings(home=stack.home)).engine).add("hana", "analyst",
                                                                    ["hostile"])
    resp = httpx.post(f"{stack.api_url}/api/cases/hostile/files", timeout=60,
                      headers={"Authorization": f"Bearer {token}"},
                      files=[("uploads", (n, make())) for n, make in HOSTILE_FILES.items()])
    assert resp.status_code == 200 and not any(f["error"] for f in resp.json()["files"])
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        page.goto(ui_url)
        page.locator("input[type=password]").fill(token)
        page.get_by_role("button", name="Войти").click()
        page.get_by_text("Спросите, например:").wait_for(timeout=30_000)
        box = page.get_by_placeholder("Вопрос по делу…")
        box.fill("обзор дела")
        box.press("Enter")
        for _ in range(300):
            if page.get_by_role("button", name="[1]").count():
                break
            time.sleep(0.1)
        page.get_by_text("Доказательства").last.click()
        page.get_by_text("✓ проверено").filter(visible=True).first.wait_for(timeout=30_000)
        page.screenshot(path=ARTIFACTS / "6-hostile.png", full_page=True)
        links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        images = page.eval_on_selector_all("img[src]", "els => els.map(e => e.src)")
        text = page.inner_text("body")
        page.get_by_role("button", name="[1]").first.click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_text("Фрагмент исходного файла").wait_for(timeout=30_000)
        links += page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        text += page.inner_text("body")
        browser.close()
    foreign = [u for u in links + images if not u.startswith((ui_url, "data:", "blob:"))]
    assert foreign == [], foreign
    assert not [u for u in requested if EVIL in u]
    assert "Shop [2] see [1]" in text and "⟨U+202E⟩txt.exe" in text and "\u202e" not in text
