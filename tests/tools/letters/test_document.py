"""Letter documents: the shipped templates, values kept as text, the PDF laid out from the
DOCX and read back by a PDF reader."""

import io

import pytest
from docx import Document

from tests.utils.letters import pdf_text
from tools.letters.compose import amount
from tools.letters.document import (
    docx_has_active_content,
    docx_text,
    docx_to_pdf,
    render_docx,
    template_bytes,
)
from tools.letters.facts import LetterError

CONTEXT = {"to": "exchange", "case": "c-1", "date": "2026-11-26", "token": "USDT",
           "recipient": "Exchange A", "recipient_refs": "[1]", "recipient_note": "",
           "addresses": [{"address": "TXVj38D1XR3TPgSHTCZGC8wkLDAGqF1oqx", "attribution": "x",
                          "received": "1 USDT", "sent": "0 USDT", "held": "1 USDT",
                          "traced": "", "refs": "[1]"}],
           "transfers": [], "custody": [], "cited": [], "method": ["m"], "heuristics": ["h"]}


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_each_language_has_a_template_that_fills_in(lang):
    doc = render_docx(template_bytes(lang), CONTEXT)
    text = docx_text(doc)
    assert "TXVj38D1XR3TPgSHTCZGC8wkLDAGqF1oqx" in text and "{{" not in text
    assert "{%" not in text and "2026-11-26" in text


def test_values_are_text_never_markup():
    hostile = dict(CONTEXT, recipient='</w:t></w:r><w:fldSimple w:instr="HYPERLINK x"/><w:r>'
                                      '<w:t>', recipient_note="{{ 7 * 7 }} {% raw %}")
    doc = render_docx(template_bytes("en"), hostile)
    assert docx_has_active_content(doc) == []
    text = docx_text(doc)
    assert '<w:fldSimple w:instr="HYPERLINK x"/>' in text and "{{ 7 * 7 }}" in text


def test_a_broken_office_template_is_named(tmp_path):
    doc = Document(io.BytesIO(template_bytes("en")))
    doc.paragraphs[0].text = "{% for %}"
    doc.save(str(tmp_path / "en.docx"))
    with pytest.raises(LetterError, match="the letter template cannot be filled in"):
        render_docx(template_bytes("en", tmp_path), CONTEXT)


def test_pdf_shows_what_the_docx_says():
    doc = render_docx(template_bytes("ru"), CONTEXT)
    pdf = pdf_text(docx_to_pdf(doc))
    assert "Правовое основание" in pdf
    assert "TXVj38D1XR3TPgSHTCZGC8wkLDAGqF1oqx" in pdf.replace("\r", "").replace("\n", "")


def test_amounts_are_exact_and_grouped():
    assert amount("58421.713504", "ru") == "58\u00a0421,713504"
    assert amount("58421.713504", "en") == "58\u00a0421.713504"
    assert amount("1000000", "kk") == "1\u00a0000\u00a0000"
    assert amount("-12.50", "en") == "-12.5"
