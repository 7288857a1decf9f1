"""Records read many at a time, and the revision that says a case's evidence changed."""

from pathlib import Path

from sqlalchemy import delete, select

from tests.conftest import DATA
from tools.ingest.pipeline import ingest_paths
from tools.store import connect_store
from tools.store.schema import records, shop_links, sightings

TRONGRID = DATA / "eval" / "handmade" / "evidence" / "trongrid"


def test_many_records_read_at_once_are_those_read_one_by_one(handmade_store):
    with handmade_store.engine.connect() as conn:
        seen = set(conn.execute(select(sightings.c.record_id).where(sightings.c.case == "hm"))
                   .scalars())
        ids = list(conn.execute(select(records.c.id).where(records.c.case == "hm")
                                .order_by(records.c.id).limit(60)).scalars())
    ids += sorted(seen)[:20]
    assert ids and seen & set(ids), "the case has records and some name accounts"

    read = handmade_store.records_with_accounts("hm", [*ids, "tg:0/0", ids[0]])

    assert set(read) == set(ids), "an id the case lacks is left out, a repeated one read once"
    for record_id in ids:
        record, accounts = read[record_id]
        assert record == handmade_store.get_record("hm", record_id)
        assert accounts == handmade_store.accounts_of_record("hm", record_id)
    assert any(accounts for _, accounts in read.values())


def test_a_case_revision_changes_when_a_file_joins_it_and_only_its_own(tmp_path: Path):
    store = connect_store(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "vault")
    pages = sorted(TRONGRID.glob("*.json"))
    empty = store.revision("a")
    assert empty[0] == 0

    ingest_paths(store, "a", pages[:1])
    one = store.revision("a")
    assert one != empty and one[0] == 1
    assert store.revision("a") == one, "reading it changes nothing"

    ingest_paths(store, "b", pages[1:2])
    assert store.revision("a") == one, "another case's file is not this case's"

    ingest_paths(store, "a", pages[1:3])
    assert store.revision("a")[0] == 3 and store.revision("a") != one


def test_a_case_revision_changes_when_its_shops_are_resolved(tmp_path: Path):
    # An import commits its files one by one and resolves the shops once at its end: a
    # question asked in between must not keep what it read for good.
    store = connect_store(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "vault")
    ingest_paths(store, "a", [DATA / "eval" / "handmade" / "evidence" / "Telegram Desktop"])
    resolved = store.revision("a")
    with store.engine.begin() as conn:
        conn.execute(delete(shop_links).where(shop_links.c.case == "a"))
    assert store.revision("a") != resolved
