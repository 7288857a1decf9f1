"""Reading JSON evidence: small files whole (fast), large ones streamed (bounded memory)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ijson
import orjson

from tools.errors import IngestError

# Above this size a JSON file is streamed item by item instead of loaded whole.
WHOLE_FILE_LIMIT = 32 * 1024 * 1024


def load_json(path: Path, name: str) -> Any:
    try:
        return orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise IngestError(name, f"line:{exc.lineno}", f"malformed JSON: {exc.msg}") from exc


def array_pointer(prefix: str) -> str:
    """The RFC 6901 pointer of the array at ijson `prefix` ('data.item' → '/data')."""
    parts = [p for p in prefix.split(".") if p and p != "item"]
    return "/" + "/".join(parts) if parts else ""


def _at(doc: Any, prefix: str) -> Any:
    for part in prefix.split("."):
        if part in ("", "item"):
            continue
        doc = doc.get(part) if isinstance(doc, dict) else None
    return doc


def json_array_items(path: Path, name: str, prefix: str) -> Iterator[tuple[str, Any]]:
    """(pointer, item) for every item of the array at ijson `prefix`, e.g. 'data.item'."""
    if path.stat().st_size <= WHOLE_FILE_LIMIT:
        doc = load_json(path, name)
        items = _at(doc, prefix) if prefix != "item" else doc
        base = array_pointer(prefix)
        if not isinstance(items, list):
            raise IngestError(name, base or "/", "expected a list")
        for i, item in enumerate(items):
            yield f"{base}/{i}", item
        return
    index = 0
    base = array_pointer(prefix)
    with path.open("rb") as f:
        try:
            for index, item in enumerate(ijson.items(f, prefix, use_float=False)):  # noqa: B007
                yield f"{base}/{index}", item
        except ijson.JSONError as exc:
            raise IngestError(name, f"{base}/{index + 1}", f"malformed JSON: {exc}") from exc
