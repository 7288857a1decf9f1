"""The watch panel and "watch these beneficiaries" in the Streamlit page (AppTest), against
the API on loopback."""

from pathlib import Path

import httpx
import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).parents[2] / "ui" / "app.py")


@pytest.fixture
def app(stack, monkeypatch):
    monkeypatch.setenv("TERGEU_API_URL", stack.api_url)
    at = AppTest.from_file(APP, default_timeout=60)
    yield at.run()
    if "api" in at.session_state:
        at.session_state["api"].close()


def test_watch_the_beneficiaries_under_a_trace(app, stack):
    at = app
    at.text_input[0].input(stack.token)
    at = at.button[0].click().run()
    assert any("Оповещения: 0" in m.value for m in at.sidebar.markdown)
    wallet = stack.truth.shops[0].payment_wallets[0]
    at.chat_input[0].set_value(f"Куда ушли деньги с {wallet}?").run()
    button = next(b for b in at.button if b.key == "watch-0-0")
    assert button.label == "Следить за этими получателями"
    at = button.click().run()
    assert any(s.value.startswith("Под наблюдением: ") for s in at.success)
    watched = httpx.get(f"{stack.api_url}/api/cases/demo/watches",
                        headers={"Authorization": f"Bearer {stack.token}"}).json()["data"]
    truth = {b.address for b in stack.truth.beneficiaries}
    assert watched and {w["address"] for w in watched} <= truth
    assert {w["note"] for w in watched} == {"Конечные получатели"}
    # ... and the watch panel lists them on the next run of the page.
    at = at.run()
    [panel] = [df.value for df in at.dataframe if "Порог" in df.value.columns]
    assert set(panel["Адрес"]) == {w["address"] for w in watched}
    assert set(panel["Порог"]) == {"0 USDT"}
    for w in watched:  # the stack is shared with other tests
        httpx.delete(f"{stack.api_url}/api/cases/demo/watches/{w['address']}",
                     headers={"Authorization": f"Bearer {stack.token}"})
