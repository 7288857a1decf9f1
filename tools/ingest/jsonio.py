"""Reading JSON evidence: small files whole (fast), large ones streamed (bounded memory)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import ijson
import orjson

from tools.errors import IngestError
from tools.limits import MAX_ITEMS_PER_FILE, MAX_JSON_DEPTH, MAX_JSON_TOKEN_BYTES

# Above this size a JSON file is streamed item by item instead of loaded whole.
WHOLE_FILE_LIMIT = 32 * 1024 * 1024
# Bytes read at a time when streaming: values up to this long are lexed in one or two reads.
READ_BUFFER = 16 * 1024 * 1024


_read = threading.local()


@contextmanager
def already_read(path: Path, data: bytes) -> Iterator[None]:
    """Within this block `load_json(path)` parses `data`, the bytes the importer read (and
    hashed) already, instead of reading the file again."""
    _read.file = (path, data)
    try:
        yield
    finally:
        _read.file = None


def load_json(path: Path, name: str) -> Any:
    read = getattr(_read, "file", None)
    data = read[1] if read is not None and read[0] == path else path.read_bytes()
    try:
        # orjson refuses nesting past 1024 levels itself; the whole file is small here.
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise IngestError(name, f"line:{exc.lineno}", f"malformed JSON: {exc.msg}") from exc


class _TokenBound:
    """A file as the parser reads it, refusing to go on when one JSON value runs past
    `MAX_JSON_TOKEN_BYTES` (no event for that many bytes read).

    yajl lexes a value that spans read buffers again from its start on each new buffer: a
    5 MB string took 3 s with 64 KB buffers, and the time grows with the square of the length.
    """

    def __init__(self, f: IO[bytes], name: str, where: Callable[[], str | None]) -> None:
        self.f, self.name, self.where = f, name, where
        self.unparsed = 0

    def read(self, size: int = -1) -> bytes:
        data = self.f.read(size)
        self.unparsed += len(data)
        if self.unparsed > MAX_JSON_TOKEN_BYTES:
            raise IngestError(self.name, self.where(), "a JSON value longer than "
                              f"{MAX_JSON_TOKEN_BYTES >> 20} MB")
        return data


def bounded_parse(f: IO[bytes], name: str, where: Callable[[], str | None]
                  ) -> Iterator[tuple[str, str, Any]]:
    """(prefix, event, value) as `ijson.parse`, refusing nesting past `MAX_JSON_DEPTH` and
    values longer than `MAX_JSON_TOKEN_BYTES`.

    `ijson.parse` keeps a prefix string per level, so memory grows with the square of the
    depth (100,000 levels took 24 GB); here the depth is checked on each container's start,
    before its prefix exists. `where()` gives the locator for the error.
    """
    path: list[str] = []
    reader = _TokenBound(f, name, where)
    for event, value in ijson.basic_parse(reader, use_float=False, buf_size=READ_BUFFER):
        reader.unparsed = 0
        if event == "map_key":
            prefix = ".".join(path[:-1])
            path[-1] = value
        elif event in ("start_map", "start_array"):
            if len(path) >= MAX_JSON_DEPTH:
                raise IngestError(name, where(), f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
            prefix = ".".join(path)
            path.append("item" if event == "start_array" else "")
        elif event in ("end_map", "end_array"):
            path.pop()
            prefix = ".".join(path)
        else:
            prefix = ".".join(path)
        yield prefix, event, value


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
        if len(items) > MAX_ITEMS_PER_FILE:
            raise IngestError(name, base or "/",
                              f"more than {MAX_ITEMS_PER_FILE:,} items in one file")
        for i, item in enumerate(items):
            yield f"{base}/{i}", item
        return
    index = 0
    base = array_pointer(prefix)
    builder: ijson.ObjectBuilder | None = None
    with path.open("rb") as f:
        try:
            for at, event, value in bounded_parse(f, name, lambda: f"{base}/{index}"):  # noqa: B023
                if builder is None:
                    if at == prefix and event in ("start_map", "start_array"):
                        builder = ijson.ObjectBuilder()
                        builder.event(event, value)
                    elif at == prefix:
                        yield f"{base}/{index}", value
                        index += 1
                    continue
                builder.event(event, value)
                if at == prefix and event in ("end_map", "end_array"):
                    if index >= MAX_ITEMS_PER_FILE:
                        raise IngestError(name, f"{base}/{index}",
                                          f"more than {MAX_ITEMS_PER_FILE:,} items in one file")
                    yield f"{base}/{index}", builder.value
                    builder = None
                    index += 1
        except ijson.JSONError as exc:
            raise IngestError(name, f"{base}/{index}", f"malformed JSON: {exc}") from exc
