"""Bounds on evidence structure: depth, items, field and text length (issue 17, point 1)."""

import time
import tracemalloc

import orjson
import pytest

from tools.errors import IngestError
from tools.ingest import jsonio
from tools.ingest.telegram import parse_telegram_chat
from tools.ingest.tron import parse_trongrid_trc20
from tools.limits import MAX_FIELD_CHARS, MAX_JSON_DEPTH, MAX_TEXT_CHARS


def deep_action_chat(tmp_path, depth):
    path = tmp_path / "deep.json"
    path.write_bytes(b'{"name":"x","type":"personal_chat","id":1,"messages":[{"id":1,'
                     b'"type":"service","action":' + b"[" * depth + b"]" * depth + b"}]}")
    return path


@pytest.mark.timing
def test_action_nested_100000_levels_is_refused_fast_in_bounded_memory(tmp_path):
    path = deep_action_chat(tmp_path, 100_000)
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(IngestError) as err:
            list(parse_telegram_chat(path, "deep.json"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(err.value) == f"deep.json:/messages/0: JSON nested deeper than {MAX_JSON_DEPTH} levels"
    assert time.perf_counter() - start < 1
    assert peak < 20 * 2**20


def test_nesting_within_the_bound_imports_and_the_field_is_kept_bounded(tmp_path):
    path = deep_action_chat(tmp_path, MAX_JSON_DEPTH - 5)
    (item,) = parse_telegram_chat(path, "deep.json")
    assert orjson.dumps(item.data["action"]).startswith(b"[[")


def test_long_text_is_analysed_within_a_window_with_a_note(tmp_path):
    path = tmp_path / "long.json"
    text = "ы" * (MAX_TEXT_CHARS + 10)
    path.write_bytes(orjson.dumps({"name": "n" * (MAX_FIELD_CHARS * 3), "type": "personal_chat",
                                   "id": 1, "messages": [{"id": 1, "text": text}]}))
    (item,) = parse_telegram_chat(path, "long.json")
    assert len(item.text) == MAX_TEXT_CHARS
    assert item.data["text_truncated"] == {"chars": MAX_TEXT_CHARS + 10, "analysed": MAX_TEXT_CHARS}
    assert len(item.data["chat_name"]) < MAX_FIELD_CHARS + 100
    assert "cut: 3,000 characters" in item.data["chat_name"]


def test_message_id_that_is_not_short_is_refused(tmp_path):
    path = tmp_path / "id.json"
    path.write_bytes(orjson.dumps({"name": "x", "type": "personal_chat", "id": 1,
                                   "messages": [{"id": "9" * 500, "text": "hi"}]}))
    with pytest.raises(IngestError, match=r"^id.json:/messages/0: chat or message id is not"):
        list(parse_telegram_chat(path, "id.json"))


def test_streamed_chain_page_refuses_deep_nesting_and_too_many_items(tmp_path, monkeypatch):
    monkeypatch.setattr(jsonio, "WHOLE_FILE_LIMIT", 0)
    path = tmp_path / "page.json"
    path.write_bytes(b'{"data":[{"x":' + b"[" * 100_000 + b"]" * 100_000 + b"}]}")
    with pytest.raises(IngestError, match=r"^page.json:/data/0: JSON nested deeper than"):
        list(parse_trongrid_trc20(path, "page.json"))
    monkeypatch.setattr(jsonio, "MAX_ITEMS_PER_FILE", 2)
    path.write_bytes(orjson.dumps({"data": [{"type": "Approval"}] * 3}))
    with pytest.raises(IngestError, match=r"^page.json:/data/2: more than 2 items in one file"):
        list(parse_trongrid_trc20(path, "page.json"))
