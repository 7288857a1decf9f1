"""Freeze and information request letters on the demo case: what the letter says, read back
from the DOCX (python-docx) and the PDF (pypdfium2), matches the records and the truth the
demo generator wrote; a letter with an unsupported fact is refused."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import yaml

from assistant.services.letters import (
    UnsupportedLetterError,
    check_letter,
    draft_letter,
)
from tests.utils.letters import docx_tables, pdf_text, table_with
from tools.evidence import vault_path
from tools.letters import LetterError, LetterRequest, compose, gather
from tools.letters.document import docx_has_active_content, docx_text
from tools.trace import TraceRequest, load_case_graph

TODAY = datetime(2026, 11, 26, tzinfo=UTC)


def _number(cell: str) -> Decimal:
    """'46 737,370804 USDT на 2025-03-11' → 46737.370804."""
    first = cell.split(" USDT")[0]
    return Decimal(re.sub(r"\s", "", first).replace(",", "."))


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_exchange_letter_names_the_exchange_and_matches_the_records(small_demo):
    truth, store, _ = small_demo
    exchange = truth.exchanges[0]
    shop = truth.shops[0]
    req = LetterRequest(to="exchange", lang="en", addresses=exchange.deposit_addresses,
                        trace=TraceRequest(addresses=[shop.treasury]))
    letter = draft_letter(store, "demo", req, today=TODAY)
    assert letter.summary.recipient == exchange.label  # named from the hot wallet's tag
    assert letter.summary.verified and all(c.supported for c in letter.checks)
    text = docx_text(letter.docx)
    assert f"To: {exchange.label} [1]" in text and "2026-11-26" in text
    # The legal basis is left for the prosecutor, never invented.
    assert "Legal basis: [article" in text and "to be filled in by the prosecutor" in text
    assert "preserve all records" in text and "who owns the deposit accounts" in text
    tables = docx_tables(letter.docx)
    cited = {row[0]: row[1] for row in table_with(tables, "Place in the file")}
    transfers = table_with(tables, "Transaction hash")
    assert transfers
    for tx, when, amount, frm, to, refs in transfers:
        record = store.get_record("demo", cited[refs])
        assert record.fields["tx"] == tx and record.fields["from"] == frm
        assert record.fields["to"] == to and record.fields["time"].startswith(when[:10])
        assert Decimal(record.fields["amount"]) == _number(amount)
    rows = {r[0]: r for r in table_with(tables, "Attribution")}
    assert set(rows) == set(exchange.deposit_addresses)
    for _address, attribution, *_ in rows.values():
        assert attribution.startswith(f"deposit address of {exchange.label} (heuristic:")
    # Chain of custody: the SHA-256 of each original file as the generator wrote it.
    originals = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                 for p in (store.evidence_dir.parent / "case").rglob("*") if p.is_file()}
    custody = table_with(tables, "SHA-256")
    assert custody and all(originals[file] == sha for file, sha, *_ in custody)
    # The PDF says the same, as a PDF reader extracts it.
    pdf = _squeezed(pdf_text(letter.pdf))
    for tx, _when, _amount, frm, to, _refs in transfers:
        assert tx in pdf and frm in pdf and to in pdf
    for _file, sha, *_ in custody:
        assert sha in pdf
    assert _squeezed(f"To: {exchange.label}") in pdf


def test_issuer_letter_states_what_is_still_at_each_beneficiary(small_demo):
    truth, store, _ = small_demo
    addresses = [b.address for b in truth.beneficiaries]
    letter = draft_letter(store, "demo", LetterRequest(to="issuer", lang="ru",
                                                       addresses=addresses), today=TODAY)
    assert letter.summary.recipient.startswith("Tether, эмитент USDT (контракт TR7NHqje")
    rows = {r[0]: r for r in table_with(docx_tables(letter.docx), "Остаток на адресе")}
    for b in truth.beneficiaries:
        assert _number(rows[b.address][4]) == Decimal(b.held_usdt)
    text = docx_text(letter.docx)
    assert "Отслеживание не проводилось" in text and "заблокировать" in text


def test_kazakh_letter(small_demo):
    truth, store, _ = small_demo
    letter = draft_letter(store, "demo", LetterRequest(
        to="exchange", lang="kk", addresses=truth.exchanges[0].deposit_addresses[:1],
        trace=TraceRequest(addresses=[truth.shops[0].treasury], policy="fifo", hops=9,
                           since=datetime(2025, 1, 1, tzinfo=UTC))), today=TODAY)
    text = docx_text(letter.docx)
    assert "Қаражатты бұғаттау және ақпарат беру туралы" in text
    assert "биржа депозит мекенжайы" in text
    assert "Бөлу ережесі: FIFO" in text and "Тереңдігі: бастапқы мекенжайдан 9 аударымға" in text
    assert "Кезең: 2025-01-01 — …" in text


def test_a_fact_the_records_do_not_state_stops_the_letter(small_demo):
    truth, store, _ = small_demo
    req = LetterRequest(to="exchange", lang="en",
                        addresses=truth.exchanges[0].deposit_addresses[:1])
    facts = gather(store, load_case_graph(store, "demo"), "demo", req)
    content = compose(facts, "en", TODAY)
    check_letter(store, "demo", content)  # as composed: supported
    wrong = content.model_copy(deep=True)
    wrong.transfers[0].cells["amount"] = "999.99 USDT"
    with pytest.raises(UnsupportedLetterError) as exc:
        check_letter(store, "demo", wrong)
    assert "999.99 is not in [" in str(exc.value) and "the letter is not produced" in str(
        exc.value)
    swapped = content.model_copy(deep=True)
    swapped.transfers[0].cells["to"] = truth.shops[0].treasury
    with pytest.raises(UnsupportedLetterError, match=truth.shops[0].treasury):
        check_letter(store, "demo", swapped)


def test_refusals_name_what_is_wrong(small_demo):
    truth, store, _ = small_demo
    stranger = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"
    with pytest.raises(LetterError, match=f"no transfer of {stranger} in case 'demo'"):
        draft_letter(store, "demo", LetterRequest(to="exchange", addresses=[stranger]))


def test_an_evidence_file_changed_in_the_vault_stops_the_letter(tmp_path, small_demo):
    from tools.demo.generate import evidence_folders
    from tools.ingest.pipeline import ingest_paths
    from tools.store import connect_store

    truth, demo_store, _ = small_demo
    store = connect_store(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "evidence")
    ingest_paths(store, "c", evidence_folders(demo_store.evidence_dir.parent / "case"))
    address = truth.exchanges[0].deposit_addresses[0]
    record = store.get_record("c", next(iter(
        load_case_graph(store, "c").graph.pred[address].values()))["m"][0].record_id)
    copy = vault_path(store.evidence_dir, record.source.sha256)
    copy.write_bytes(copy.read_bytes() + b" ")
    with pytest.raises(LetterError, match="no longer matches its SHA-256"):
        draft_letter(store, "c", LetterRequest(to="exchange", addresses=[address]))


def test_the_office_template_is_used(tmp_path, small_demo):
    from docx import Document

    from tools.letters.document import template_bytes

    truth, store, _ = small_demo
    doc = Document(__import__("io").BytesIO(template_bytes("en")))
    doc.paragraphs[0].text = "Prosecutor's Office of Astana, 1 Beibitshilik St."
    doc.save(str(tmp_path / "en.docx"))
    req = LetterRequest(to="exchange", lang="en",
                        addresses=truth.exchanges[0].deposit_addresses[:1])
    letter = draft_letter(store, "demo", req, templates=tmp_path, today=TODAY)
    assert docx_text(letter.docx).startswith("Prosecutor's Office of Astana")
    ru = draft_letter(store, "demo", req.model_copy(update={"lang": "ru"}), templates=tmp_path)
    assert "Правовое основание" in docx_text(ru.docx)  # no ru.docx there: the shipped one


HOSTILE = "Exch\u202eange <w:fldSimple w:instr=\"HYPERLINK http://evil\"/> =HYPERLINK(\"x\")"


def test_hostile_labels_stay_text(tmp_path):
    """A tag label with a bidi override, WordprocessingML and a spreadsheet formula: text in
    the DOCX (no field, no hyperlink) and in the PDF, the override spelled out."""
    from tests.conftest import SAMPLES
    from tools.ingest.pipeline import ingest_paths
    from tools.store import connect_store

    store = connect_store(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "evidence")
    tags = tmp_path / "tags.yaml"
    tags.write_text(yaml.safe_dump({
        "title": "hostile", "creator": "test", "lastmod": "2025-01-01", "category": "exchange",
        "network": "TRX", "currency": "USDT",
        "tags": [{"address": "TL24LCps5FKwp3PoU1MvrYrwhi5LU1tHre", "label": HOSTILE}]}),
        encoding="utf-8")
    report = ingest_paths(store, "h", [SAMPLES / "01_trongrid_trc20_ledger.json", tags])
    assert not report.rejected, [f.error for f in report.rejected]
    letter = draft_letter(store, "h", LetterRequest(
        to="exchange", lang="en", addresses=["TL24LCps5FKwp3PoU1MvrYrwhi5LU1tHre"]))
    assert docx_has_active_content(letter.docx) == []
    text = docx_text(letter.docx)
    assert "Exch⟨U+202E⟩ange <w:fldSimple" in text and "\u202e" not in text
    pdf = pdf_text(letter.pdf)
    assert "\u202e" not in pdf and "‹U+202E›" in pdf and "<w:fldSimple" in pdf
    assert b"/Annots" not in letter.pdf and b"/URI" not in letter.pdf  # no link in the PDF


def test_an_etherscan_token_without_an_issuer(tmp_path):
    """A real Etherscan token export (MKR): no issuer freezes it, so the issuer letter is
    refused; the exchange letter leaves the unnamed exchange as a placeholder."""
    from tests.conftest import SAMPLES
    from tools.ingest.pipeline import ingest_paths
    from tools.store import connect_store

    store = connect_store(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "evidence")
    ingest_paths(store, "e", [SAMPLES / "03_etherscan_tokentx_ryanc414.json"])
    address = "0x4E83362442B8D1BEC281594CEA3050C8EB01311C"  # as a user may paste it
    with pytest.raises(LetterError, match="MKR token, contract 0x9f8f72aa.* has no known "
                                          "issuer"):
        draft_letter(store, "e", LetterRequest(to="issuer", addresses=[address]))
    letter = draft_letter(store, "e", LetterRequest(to="exchange", lang="en",
                                                    addresses=[address]))
    text = docx_text(letter.docx)
    assert "To: [Name of the exchange — not named in the case file; to be filled in]" in text
    assert address.lower() in text
