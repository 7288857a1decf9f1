"""A search index's in-memory snapshot kept on disk, so a new process searches in a second.

Building the snapshot reads every analysed document, the shops' spellings and the orders
payment messages answer, and indexes BM25: 9 s for the seed case's 111,400 documents, paid by
every CLI command that searches. The snapshot is written beside the store after it is built
and read back by the next process while the index holds the same documents (its `marker`).
Plain files only (JSON, NumPy arrays without pickles, bm25s's own format): the folder is a
cache under the same trust as the store, rebuilt whenever anything in it does not read back.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from tools.store import CaseStore

log = logging.getLogger(__name__)

_FIELDS = ("role", "short", "fold", "speaks_for", "ts")


def snapshot_folder(store: CaseStore, key: str) -> Path:
    """Where the snapshot of the index `key` is kept: one folder per store and index."""
    return store.folder_beside("search", key)


def snapshot_marker(index_format: str, extent: tuple[int, str | None, str | None],
                    spellings: list[Any]) -> str:
    """What a kept snapshot must match: the index format, the documents the index holds (how
    many, the first and last record ids) and the shops' spellings (a new import adds
    documents or renames shops)."""
    held = hashlib.sha256(orjson.dumps([list(extent), [list(s) for s in spellings]]))
    return f"{index_format}|{extent[0]}|{held.hexdigest()}"


def save_snapshot(folder: Path, marker: str, parts: dict[str, Any], bm25: Any) -> None:
    """Write `parts` (see `read_snapshot`) and the BM25 index; a failure to write is logged and
    leaves the next process to build the snapshot again."""
    tmp = folder.with_name(f"{folder.name}.{os.getpid()}.tmp")
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        # Column names come as SQLAlchemy's own str subclass, which orjson does not take.
        docs = [{str(k): v.isoformat() if isinstance(v, datetime) else v for k, v in d.items()}
                for d in parts["docs"]]
        masks = parts["masks"]
        (tmp / "snapshot.json").write_bytes(orjson.dumps({
            "docs": docs, "role": parts["role"].tolist(),
            "speaks_for": parts["speaks_for"].tolist(),
            "posts": [[i, p] for i, p in parts["posts"].items()],
            "masks": [list(k) for k in masks],
            "vocab": sorted(parts["vocab"])}))
        np.save(tmp / "short.npy", parts["short"])
        np.save(tmp / "ts.npy", parts["ts"])
        np.save(tmp / "fold.npy", parts["fold"].astype(np.int64))
        np.save(tmp / "masks.npy", np.packbits(
            np.stack(list(masks.values())) if masks else np.zeros((0, 0), bool), axis=-1))
        bm25.save(tmp / "bm25", show_progress=False)
        (tmp / "marker").write_text(marker)
        old = folder.with_name(f"{folder.name}.{os.getpid()}.old")
        if folder.exists():
            folder.rename(old)
        tmp.rename(folder)
        shutil.rmtree(old, ignore_errors=True)
    except (OSError, TypeError, ValueError) as exc:
        log.warning("search snapshot not written to %s: %s", folder, exc)
        shutil.rmtree(tmp, ignore_errors=True)


def read_snapshot(folder: Path, marker: str) -> tuple[dict[str, Any], Any] | None:
    """The parts and BM25 index kept under `folder` for `marker`; None when there are none,
    they are of other documents, or they do not read back whole."""
    import bm25s

    try:
        if (folder / "marker").read_text() != marker:
            return None
        raw = orjson.loads((folder / "snapshot.json").read_bytes())
        docs = raw["docs"]
        for d in docs:
            d["ts"] = datetime.fromisoformat(d["ts"]) if d["ts"] else None
        n = len(docs)
        keys = [tuple(k) for k in raw["masks"]]
        bits = np.load(folder / "masks.npy", allow_pickle=False)
        masks = ({k: np.unpackbits(row, count=n).astype(bool) for k, row in zip(
            keys, bits, strict=True)} if keys else {})
        parts = {
            "docs": docs, "masks": masks,
            "role": np.array(raw["role"], dtype=object),
            "speaks_for": np.array(raw["speaks_for"], dtype=object),
            "short": np.load(folder / "short.npy", allow_pickle=False),
            "ts": np.load(folder / "ts.npy", allow_pickle=False),
            "fold": np.load(folder / "fold.npy", allow_pickle=False).astype(object),
            "posts": {int(i): p for i, p in raw["posts"]},
            "vocab": set(raw["vocab"])}
        bm25 = bm25s.BM25.load(folder / "bm25", show_progress=False)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        if not isinstance(exc, FileNotFoundError):
            log.warning("search snapshot at %s not read, building it again: %s", folder, exc)
        return None
    if any(len(parts[f]) != n for f in _FIELDS):
        return None
    return parts, bm25
