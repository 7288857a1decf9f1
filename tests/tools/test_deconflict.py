"""Deconfliction's index: identifiers of one case found in another whatever their spelling,
masked cards never, and nothing probed that the asking case does not hold."""

import pytest
from sqlalchemy import select

from tests.utils.shared_evidence import shared_identifiers, write_shared_listings
from tools.deconflict import (
    case_shared_identifiers,
    identifier_id,
    records_in_cases,
)
from tools.deconflict import shared_identifiers as shared_of
from tools.demo.generate import evidence_folders, generate_case
from tools.ingest.pipeline import ingest_paths
from tools.store.identifiers import backfill, rebuild_case
from tools.store.schema import case_identifiers


@pytest.fixture
def two_cases(store, tmp_path):
    truth_a = generate_case(tmp_path / "a", seed=1)
    ingest_paths(store, "a", evidence_folders(tmp_path / "a"))
    generate_case(tmp_path / "b", seed=2)
    ingest_paths(store, "b", evidence_folders(tmp_path / "b"))
    shared = shared_identifiers(truth_a)
    ingest_paths(store, "b", [write_shared_listings(tmp_path / "s" / "l.jsonl", shared)])
    return store, shared


def test_every_spelling_of_a_shared_identifier_is_a_hit_and_a_mask_is_none(two_cases):
    store, s = two_cases
    found = {h.id: h for h in case_shared_identifiers(store, "b")}
    expected = {f"card:{s.card}", f"phone:{s.phone}", f"iban:{s.iban}",
                f"tron:{s.beneficiary}", f"bot:{s.bot}"}
    assert set(found) == expected  # seeds 1 and 2 share nothing else
    for h in found.values():
        assert [o.case for o in h.others] == ["a"] and h.records == 1
        assert h.others[0].records >= 1
    # The beneficiary is in case a's transfers only: every transfer naming it is counted.
    wanted = ("a", f"tron:{s.beneficiary}")
    assert found[wanted[1]].others[0].records == len(
        records_in_cases(store, [wanted], 10_000)[wanted])
    assert not any(h.kind == "card_mask" for h in found.values())
    assert identifier_id(s.masked) is None
    # From case a's side, the same hits, asked as people write them.
    asked = shared_of(store, "a", [s.card[:4] + " " + s.card[4:], "8" + s.phone[2:],
                                   s.iban.lower(), "@" + s.bot.upper(), s.masked])
    assert {h.id for h in asked} == {f"card:{s.card}", f"phone:{s.phone}", f"iban:{s.iban}",
                                     f"bot:{s.bot}"}
    assert all(h.others[0].case == "b" for h in asked)


def test_an_identifier_the_case_does_not_hold_is_not_looked_for_elsewhere(two_cases):
    store, s = two_cases
    with store.engine.connect() as conn:
        only_a = conn.execute(select(case_identifiers.c.id).where(
            case_identifiers.c.case == "a", case_identifiers.c.kind == "card")).scalars().all()
    probe = next(c for c in only_a if c != f"card:{s.card}")
    assert shared_of(store, "b", [probe]) == []  # b does not hold it: no probing of a


def test_the_index_rebuilt_from_the_store_equals_the_one_kept_at_import(two_cases):
    store, _ = two_cases
    with store.engine.begin() as conn:
        kept = sorted(conn.execute(select(case_identifiers)).all())
        rebuild_case(conn, "a")
        rebuild_case(conn, "b")
        assert sorted(conn.execute(select(case_identifiers)).all()) == kept
        conn.execute(case_identifiers.delete().where(case_identifiers.c.case == "b"))
        assert backfill(conn) == ["b"]
        assert sorted(conn.execute(select(case_identifiers)).all()) == kept
    assert len(kept) > 100


def test_reimporting_counts_nothing_twice(two_cases, tmp_path):
    store, s = two_cases
    before = case_shared_identifiers(store, "b")
    ingest_paths(store, "b", [tmp_path / "s" / "l.jsonl"])  # a duplicate file
    assert case_shared_identifiers(store, "b") == before


def test_a_rejected_file_leaves_nothing_in_the_index(sqlite_store, tmp_path):
    good = ('{"id": "L1", "title": "t", "text": "Оплата 4400437453783831", "price": "1", '
            '"currency": "KZT", "city": "Алматы", "vendor": "V", "date": "2025-03-01"}')
    bad = tmp_path / "listings.jsonl"
    bad.write_text(good + "\n{\"id\": \"L2\", \"title\": \n", encoding="utf-8")
    report = ingest_paths(sqlite_store, "x", [bad])
    assert [f.status for f in report.files] == ["rejected"]
    with sqlite_store.engine.connect() as conn:
        assert conn.execute(select(case_identifiers)).all() == []
    fine = tmp_path / "ok" / "listings.jsonl"
    fine.parent.mkdir()
    fine.write_text(good + "\n", encoding="utf-8")
    ingest_paths(sqlite_store, "x", [fine])
    with sqlite_store.engine.connect() as conn:
        assert conn.execute(select(case_identifiers.c.id, case_identifiers.c.records)).all() \
            == [("card:4400437453783831", 1)]


def test_a_store_written_before_the_index_is_indexed_when_opened(tmp_path):
    from sqlalchemy import delete

    from tools.store import connect_store
    from tools.store.migrations import applied

    url, vault = f"sqlite:///{tmp_path / 'old.db'}", tmp_path / "evidence"
    store = connect_store(url, vault)
    generate_case(tmp_path / "a", seed=1)
    ingest_paths(store, "a", evidence_folders(tmp_path / "a"))
    with store.engine.begin() as conn:
        kept = sorted(conn.execute(select(case_identifiers)).all())
        conn.execute(delete(case_identifiers))
        conn.execute(delete(applied).where(applied.c.name == "identifiers_indexed"))
    store.engine.dispose()
    reopened = connect_store(url, vault)
    with reopened.engine.connect() as conn:
        assert sorted(conn.execute(select(case_identifiers)).all()) == kept != []
