import shutil

from sqlalchemy import func, select

from tests.conftest import EVIDENCE, SAMPLES
from tools.evidence import source_excerpt
from tools.ingest.pipeline import ingest_paths
from tools.store.schema import accounts, files, records, sightings, transfers

SAMPLE_EVIDENCE = sorted([*SAMPLES.glob("*.json"), *SAMPLES.glob("*.csv")])


def counts(store):
    with store.engine.connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar()
                     for t in (files, records, transfers, accounts, sightings))


def test_samples_and_fixtures_import_and_reimport_changes_nothing(store):
    paths = [*SAMPLE_EVIDENCE, EVIDENCE]
    report = ingest_paths(store, "aurora", paths)
    assert [f.file for f in report.files if f.status == "rejected"] == [
        "14_bank_statement_csv_beangulp_chase_style.csv"]
    by_kind = report.imported_by_kind()
    assert by_kind["transfer"] >= 20 and by_kind["bank_row"] == 38
    assert by_kind["message"] == 26 and by_kind["tag"] == 3
    before = counts(store)
    again = ingest_paths(store, "aurora", paths)
    assert {f.status for f in again.files} == {"duplicate", "rejected"}
    assert counts(store) == before


def test_same_transfer_in_two_exports_is_one_record(store):
    ingest_paths(store, "c", [SAMPLES / "01_trongrid_trc20_ledger.json"])
    report = ingest_paths(store, "c", [SAMPLES / "02_trongrid_trx_transactions_ledger.json"])
    assert report.files[0].duplicate_records == 1
    assert report.files[0].records == {"transfer": 2}


def test_bad_file_keeps_nothing_and_the_others_still_import(store, tmp_path):
    good = tmp_path / "good.json"
    shutil.copyfile(SAMPLES / "16_tronscan_token_transfers_captured.json", good)
    bad = tmp_path / "bad.json"
    text = (SAMPLES / "01_trongrid_trc20_ledger.json").read_text()
    bad.write_text(text.replace('"value": "1000000"', '"value": "1x"'))
    report = ingest_paths(store, "c", [bad, good])
    assert [f.status for f in report.files] == ["rejected", "imported"]
    assert report.files[0].error.startswith("bad.json:/data/1:")
    assert counts(store)[:3] == (1, 2, 2)


def test_accounts_link_to_records_and_shop_with_first_and_last_seen(store):
    ingest_paths(store, "c", [EVIDENCE / "telegram_full_export.json"])
    with store.engine.connect() as conn:
        cards = conn.execute(select(accounts).where(accounts.c.kind == "card")).all()
        seen = conn.execute(select(sightings).where(sightings.c.record_id == "tg:900900/4")).all()
    assert len(cards) == 2
    assert {s.shop for s in seen} == {"tg:900900"} and len(seen) == 2
    assert all(c.first_seen is not None and c.first_seen <= c.last_seen for c in cards)


def test_record_source_excerpt_is_the_evidence_at_the_locator(store):
    ingest_paths(store, "c", [SAMPLES / "09_telegram_result_chatstyle.json",
                              EVIDENCE / "kaspi_statement.xlsx",
                              EVIDENCE / "tagpack_exchanges.yaml",
                              SAMPLES / "11_agora_listings_sample_mozzarellaV8.csv"])
    def excerpt(rid):
        rec = store.get_record("c", rid)
        return source_excerpt(store.evidence_dir, rec.source.sha256, rec.source.locator,
                              rec.source.format)

    assert '"text": "Посмотрю вечером."' in excerpt("tg:222/5")
    tag = excerpt("tag:kazakhstan-case-exchange-deposit-and-hot-wallets/"
                  "TL24LCps5FKwp3PoU1MvrYrwhi5LU1tHre")
    assert tag.splitlines()[0].strip() == "- address: TL24LCps5FKwp3PoU1MvrYrwhi5LU1tHre"
    assert "court order 2025-118" in tag and "OTC" not in tag
    assert excerpt("listing:agora/2014-12-22__CU2b9mFz0h.html").startswith(
        '"2014-12-22__CU2b9mFz0h.html","2014-12-22","kriminale2"')
    with store.engine.connect() as conn:
        bank_id = conn.execute(select(records.c.id).where(
            records.c.locator == "sheet:Выписка!row:12")).scalar()
    assert "KZ45722S000054326792" in excerpt(bank_id)
