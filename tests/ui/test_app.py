"""The Streamlit pages (AppTest) against the API on loopback: sign-in, overview, a cited answer."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).parents[2] / "ui" / "app.py")


@pytest.fixture
def app(stack, monkeypatch):
    monkeypatch.setenv("TERGEU_API_URL", stack.api_url)
    at = AppTest.from_file(APP, default_timeout=60)
    yield at.run()
    # The app keeps one API client per browser session; a test's session ends here.
    if "api" in at.session_state:
        at.session_state["api"].close()


def sign_in(at: AppTest, token: str) -> AppTest:
    at.text_input[0].input(token)
    return at.button[0].click().run()


def test_a_wrong_token_is_refused_in_russian(app):
    at = sign_in(app, "not-a-token")
    assert "Токен не принят: unknown or revoked token" in at.error[0].value
    assert not at.chat_input


def test_signed_in_user_sees_the_case_overview_and_suggestions(app, stack):
    at = sign_in(app, stack.token)
    assert at.selectbox(key="case").value == "demo"
    assert "Вы вошли как ayana (analyst)" in [c.value for c in at.sidebar.caption]
    shops = {s.name for s in stack.truth.shops}
    table = at.dataframe[0].value
    assert shops and shops <= set(table["Магазин"])
    suggestions = [b.label for b in at.button if b.key and b.key.startswith("suggest-")]
    assert suggestions[0] == "Обзор дела"
    assert any(stack.truth.shops[0].payment_wallets[0] in s or "Куда ушли" in s
               for s in suggestions)


def test_question_gets_a_streamed_answer_with_citation_markers(app, stack):
    at = sign_in(app, stack.token)
    card = next(d.card for d in stack.truth.droppers
                if any(("card", d.card) == tuple(x) for v in stack.truth.messages.values()
                       for x in v))
    at.chat_input[0].set_value(f"Кто стоит за картой {card}?").run()
    answer = at.chat_message[1].markdown[0].value
    assert answer.startswith("Что известно о") and "**\\[1\\]**" in answer
    markers = [b.label for b in at.button if b.key and b.key.startswith("m-0-")]
    assert markers[:2] == ["[1]", "[2]"]
    assert "✓ проверено" in at.markdown[-1].value or any(
        "✓ проверено" in m.value for m in at.markdown)


def test_language_switch_and_a_user_without_cases(app, stack):
    at = sign_in(app, stack.stranger)
    at.selectbox(key="lang").select("en").run()
    assert at.warning[0].value == "No case is assigned to you."
    assert at.sidebar.button[0].label == "Sign out"


def test_a_wrong_citing_model_shows_each_claim_marked_with_its_reason(stack, monkeypatch):
    from assistant.api.app import create_app
    from assistant.config import Settings, get_settings
    from tests.utils import wrong_citing
    from tests.utils.loopback import serving
    from tests.utils.openai_server import ScriptedModel

    wallet = stack.truth.shops[0].payment_wallets[0]
    server = ScriptedModel(wrong_citing.script(wallet))
    with serving(server.app()) as llm_url:
        api = create_app()
        api.dependency_overrides[get_settings] = lambda: Settings(
            home=stack.home, llm="openai:scripted", llm_url=f"{llm_url}/v1")
        with serving(api) as api_url:
            monkeypatch.setenv("TERGEU_API_URL", api_url)
            at = sign_in(AppTest.from_file(APP, default_timeout=60).run(), stack.token)
            at.chat_input[0].set_value(f"Куда ушли деньги с {wallet}?").run()
            at.session_state["api"].close()
    answer = at.chat_message[1].markdown[0].value
    assert answer.count(":green[✓]") == 1 and answer.count(":red[✗ НЕ подтверждено: ") == 2
    assert " нет в **\\[" in answer and " содержит " in answer
    warning = at.chat_message[1].warning[0].value
    assert warning.startswith("Подтверждено утверждений: 1 из 3")
    table = at.chat_message[1].dataframe[0].value
    assert list(table.columns) == ["Адрес", "Почему здесь", "Метка", "Сумма", "Доля"]
    assert "None" not in table.to_string() and "beneficiary" not in set(table["Почему здесь"])


def test_the_overview_lists_shops_known_only_by_ads_and_not_the_board_advertising_them(
        monkeypatch, stack):
    from assistant.config import Settings
    from assistant.users import Users
    from assistant.wiring import open_store
    from tests.conftest import DATA
    from tools.ingest.pipeline import ingest_paths

    store = open_store(Settings(home=stack.home))
    assert not ingest_paths(store, "hm", [DATA / "eval" / "handmade" / "evidence"]).rejected
    token = Users(store.engine).add("dana", "analyst", ["hm"])
    monkeypatch.setenv("TERGEU_API_URL", stack.api_url)
    at = sign_in(AppTest.from_file(APP, default_timeout=60).run(), token)
    shops = list(at.dataframe[0].value["Магазин"])
    assert "⚡ МОЛНИЯ ⚡ — @molniya_krg_bot (только реклама)" in shops
    assert not any("Барахолка" in s for s in shops) and len(shops) == 4
    assert any("Доски объявлений" in c.value and "Барахолка" in c.value for c in at.caption)
    at.session_state["api"].close()
