"""The case's vocabulary (shops, people, statements) is read once per change of its evidence."""

from pathlib import Path

from assistant.agent.names_kept import CaseNames, kept_names
from assistant.agent.understanding import case_names, current_vocabulary
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


def test_a_fresh_process_reads_the_names_as_kept_at_the_case_s_revision(tmp_path: Path):
    # (A fresh process is a fresh store object: the in-process memo does not hold it.)
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    ingest_paths(connect_store(url, tmp_path / "vault"), "c", [EVIDENCE])
    store = connect_store(url, tmp_path / "vault")
    reads = []

    def read() -> CaseNames:
        reads.append(1)
        return case_names(store, "c")

    first = kept_names(store, "c", store.revision("c"), read)
    again = kept_names(connect_store(url, tmp_path / "vault"), "c", store.revision("c"), read)

    assert first.shops and first.people and first.statements, "the hand-written case's names"
    assert again == first and len(reads) == 1
    kept_names(store, "c", (*store.revision("c"), "another"), read)
    assert len(reads) == 2, "another revision is read from the case"


def test_a_kept_file_that_is_not_ours_is_read_again_from_the_case(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    store = connect_store(url, tmp_path / "vault")
    ingest_paths(store, "c", [EVIDENCE / "Telegram Desktop"])
    right = case_names(store, "c")
    kept_names(store, "c", store.revision("c"), lambda: right)
    path = store.folder_beside("vocabulary", "c") / "names.json"
    for hostile in (b"{not json", b'{"revision": 5}', b"[]",
                    path.read_bytes().replace(b'"shops":{', b'"shops":{"x":7,')):
        path.write_bytes(hostile)
        assert kept_names(store, "c", store.revision("c"), lambda: right) == right
    assert path.read_bytes().startswith(b'{"revision"'), "written again"
