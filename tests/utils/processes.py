"""Functions run in worker processes by tests (importable by a spawned child)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def die(_path: Path, *_args: Any) -> None:
    """A worker that dies without a word, as one killed for memory does."""
    os._exit(3)


def size_or_refusal(path: Path, *_args: Any) -> int:
    """A file's size, or ValueError for a file whose name says "bad" (one file's failure)."""
    if "bad" in path.name:
        raise ValueError(f"{path.name} refused")
    return path.stat().st_size
