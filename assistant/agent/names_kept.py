"""A case's names for linking questions, kept beside the store for as long as its evidence
stays the same.

Reading them scans the case (the messages that may name a payment's recipient, the statements'
parties): about a second of CPU at the size of the real case, which every cold `tergeu ask`
paid before its question was read. A process now reads them from a small file written by the
first process that read them at the case's current revision (`CaseStore.revision`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import orjson

from tools.store import CaseStore

# Bumped when what `CaseNames` holds, or how it is read from the case, changes.
FORMAT = 2


@dataclass
class CaseNames:
    """The names a case knows (see `understanding.Vocabulary`, which adds lookups)."""

    shops: dict[str, list[str]]
    people: list[str]
    recipients: list[tuple[str, str, str]]
    statements: list[str]
    tags: list[tuple[str, str]]
    # Each statement's account → its holder and bank.
    statement_holders: dict[str, tuple[str, str]]


def kept_names(store: CaseStore, case: str, revision: Sequence[Any],
               read: Callable[[], CaseNames]) -> CaseNames:
    """The case's names at `revision`: from the file beside the store if it was written at
    that revision, else `read()` and written there (a store whose folder cannot be written
    is read each time)."""
    path = store.folder_beside("vocabulary", case) / "names.json"
    key = [FORMAT, *(str(part) for part in revision)]
    kept = _kept(path, key)
    if kept is not None:
        return kept
    names = read()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(orjson.dumps({"revision": key, "names": asdict(names)}))
        os.replace(tmp, path)  # whole or not at all, whoever reads it meanwhile
    except OSError:
        pass  # not kept: read again by the next process, as before this file existed
    return names


def _kept(path: Any, key: list[Any]) -> CaseNames | None:
    """The names written at `key`, or None (no file, another revision, or not ours)."""
    try:
        kept = orjson.loads(path.read_bytes())
        if kept.get("revision") != key:
            return None
        n = kept["names"]
        return CaseNames(shops={str(k): [str(x) for x in v] for k, v in n["shops"].items()},
                         people=[str(x) for x in n["people"]],
                         recipients=[(str(a), str(b), str(c)) for a, b, c in n["recipients"]],
                         statements=[str(x) for x in n["statements"]],
                         tags=[(str(a), str(b)) for a, b in n["tags"]],
                         statement_holders={str(k): (str(h), str(b)) for k, (h, b)
                                            in n["statement_holders"].items()})
    except (OSError, orjson.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError):
        return None  # read from the case instead, and written again
