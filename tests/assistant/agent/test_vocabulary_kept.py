"""The case's vocabulary (shops, people, statements) is read once per change of its evidence."""

from pathlib import Path

from assistant.agent.understanding import current_vocabulary
from tests.conftest import DATA
from tools.ingest.pipeline import ingest_paths
from tools.store import connect_store

EVIDENCE = DATA / "eval" / "handmade" / "evidence"


def test_the_vocabulary_is_kept_until_evidence_joins_the_case(tmp_path: Path):
    store = connect_store(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "vault")
    ingest_paths(store, "c", [EVIDENCE / "trongrid"])
    before = current_vocabulary(store, "c")
    assert current_vocabulary(store, "c") is before
    assert not before.shops, "transfers name no shop"

    ingest_paths(store, "c", [EVIDENCE / "Telegram Desktop"])
    after = current_vocabulary(store, "c")

    assert after is not before and after.shops, "the chats' shops are known at once"
    assert current_vocabulary(store, "c") is after
