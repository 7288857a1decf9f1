"""The freeze request box (AppTest) against the API on loopback: addresses prefilled from the
overview, a letter drafted, its DOCX and PDF offered; a refusal shown with the API's reason."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.letters import default_addresses

APP = str(Path(__file__).parents[2] / "ui" / "app.py")


@pytest.fixture
def signed_in(stack, monkeypatch):
    monkeypatch.setenv("TERGEU_API_URL", stack.api_url)
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.text_input[0].input(stack.token)
    yield at.button[0].click().run()
    if "api" in at.session_state:
        at.session_state["api"].close()


def test_a_letter_to_the_exchange_is_drafted_and_offered_as_docx_and_pdf(signed_in, stack):
    at = signed_in
    deposits = stack.truth.exchanges[0].deposit_addresses
    box = at.text_area(key="letter_addr_exchange")
    assert set(box.value.split()) <= set(deposits) and box.value
    at.button(key="letter_button").click().run()
    assert not at.error, [e.value for e in at.error]
    done = at.success[0].value
    assert done.startswith(f"Письмо для {stack.truth.exchanges[0].label}") and "проверено" in done
    letter = at.session_state["letter"]
    assert letter["summary"]["verified"] and letter["docx"] and letter["pdf"]
    labels = [d.proto.label for d in at.get("download_button")]
    assert {"Скачать DOCX", "Скачать PDF"} <= set(labels)


def test_a_refused_letter_shows_why(signed_in):
    at = signed_in
    at.text_area(key="letter_addr_exchange").input("TJRabPrwbZy45sbavfcjinPJC18kjpRTv8").run()
    at.button(key="letter_button").click().run()
    assert at.error[0].value.startswith("Письмо не подготовлено: no transfer of")


def test_default_addresses_follow_the_recipient():
    overview = {"beneficiaries": [{"address": "A", "reason": "beneficiary"},
                                  {"address": "B", "reason": "exchange_deposit"}]}
    assert default_addresses(overview, "exchange") == ["B"]
    assert default_addresses(overview, "issuer") == ["A"]
    assert default_addresses(None, "issuer") == []
