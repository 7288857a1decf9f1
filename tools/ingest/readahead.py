"""Small spreadsheet and CSV files of a large import read by worker processes ahead of it.

A bank statement's import is mostly openpyxl and the statement parser, which hold Python's
lock; the store's writer thread and the importer wait for it meanwhile. Read by another
process, a statement costs the importer only the unpickling of its records (about a tenth).
Which files go ahead is a scheduling choice, not a format rule: a file read here gives what
reading it in the import loop gives, and every file is still detected by its content.

The workers are spawned: like any use of `multiprocessing`, a program that imports files
this way must guard its entry point (`if __name__ == "__main__":`), as `tergeu` does. If a
worker dies, the files not yet read are read by the import loop itself.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

# Files this small whose content is a zip (XLSX) or whose name says CSV go ahead.
MAX_AHEAD_BYTES = 8 << 20
_TABLE_SUFFIXES = frozenset({".csv", ".tsv", ".txt", ".xlsx", ".xlsm"})
# Below this many such files the workers' start (a second or so) is not repaid.
MIN_FILES = 40
# Files read ahead of the loop at most, per worker (bounds the memory of records waiting).
WINDOW_PER_WORKER = 8


def _goes_ahead(path: Path) -> bool:
    try:
        size = path.stat().st_size
        if size > MAX_AHEAD_BYTES:
            return False
        if path.suffix.lower() in _TABLE_SUFFIXES:
            return True
        with path.open("rb") as fh:
            return fh.read(4) == b"PK\x03\x04"
    except OSError:
        return False  # reported as missing by the loop


def worker_count() -> int:
    """One worker per core beside the importer's own, at least one, at most four."""
    return max(1, min(4, (os.cpu_count() or 2) - 1))


class ReadAhead:
    """`read(path, *args)` of the chosen files run by worker processes, a window ahead of
    the loop that takes them in order (`take`). Closed with `close` (pending reads dropped)."""

    def __init__(self, files: Sequence[Path], chosen: list[int], read: Callable[..., Any],
                 args: tuple[Any, ...], workers: int) -> None:
        self.read, self.args = read, args
        self.files, self.chosen = files, chosen
        self.pending: dict[int, Future[Any]] = {}
        self.next = 0  # position in `chosen` of the next file to submit
        self.window = workers * WINDOW_PER_WORKER
        # Spawned, not forked: the importer has threads (the store's writer) whose locks a
        # forked child would inherit held.
        self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        self._fill()

    @classmethod
    def for_import(cls, files: Sequence[Path], read: Callable[..., Any],
                   args: tuple[Any, ...]) -> ReadAhead | None:
        """A read-ahead if enough of `files` go ahead to repay the workers, else None."""
        chosen = [i for i, p in enumerate(files) if _goes_ahead(p)]
        if len(chosen) < MIN_FILES:
            return None
        return cls(files, chosen, read, args, worker_count())

    def _fill(self) -> None:
        while self.next < len(self.chosen) and len(self.pending) < self.window:
            i = self.chosen[self.next]
            try:
                self.pending[i] = self.pool.submit(self.read, self.files[i], *self.args)
            except BrokenProcessPool:
                self.next = len(self.chosen)  # the rest are read by the loop
                return
            self.next += 1

    def take(self, i: int) -> Future[Any] | None:
        """The read of file `i` (its position in `files`), or None if it was not read ahead;
        files are taken in order."""
        future = self.pending.pop(i, None)
        self._fill()
        return future

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
