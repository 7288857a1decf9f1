import json

import pytest

from tests.conftest import EVIDENCE, SAMPLES
from tools.jsonspan import pointer_span

JSON_FILES = [*sorted(SAMPLES.glob("*.json")), EVIDENCE / "telegram_full_export.json"]


def _pointers(value, prefix=""):
    yield prefix, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _pointers(v, f"{prefix}/{k.replace('~', '~0').replace('/', '~1')}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _pointers(v, f"{prefix}/{i}")


@pytest.mark.parametrize("path", JSON_FILES, ids=lambda p: p.name)
def test_every_pointer_spans_exactly_its_value(path):
    text = path.read_text(encoding="utf-8")
    for pointer, value in _pointers(json.loads(text)):
        start, end = pointer_span(text, pointer)
        assert json.loads(text[start:end]) == value, pointer


def test_brackets_and_escaped_quotes_inside_strings_do_not_confuse_it():
    text = '{"a": ["x]\\"}", {"b": "{["}], "a/b": 7, "c": [1, 2]}'
    assert text[slice(*pointer_span(text, "/a/1/b"))] == '"{["'
    assert text[slice(*pointer_span(text, "/a~1b"))] == "7"
    assert text[slice(*pointer_span(text, "/c/1"))] == "2"
    with pytest.raises(KeyError):
        pointer_span(text, "/c/2")
