"""Small files of a large import read by worker processes ahead of it.

Spreadsheets and CSV files; into a SQLite store, JSON files too, taken back as the store's
rows (`tools.store.rows`) unless their records hand out payment details (a chat's: taken
back as items, which cost the loop about as much as parsing them).
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
# Names that say JSON or YAML are not opened to look for a zip (a seizure's TronGrid pages are
# thousands of files).
_TEXT_SUFFIXES = frozenset({".json", ".jsonl", ".yaml", ".yml"})
_JSON_SUFFIXES = frozenset({".json"})
# Below this many such files the workers' start (a second or so) is not repaid.
MIN_FILES = 40
# JSON files go ahead when they hold at least this much (TronGrid pages: about 40,000
# transfers, half a second of parsing): below it the workers' start costs more than it saves.
MIN_JSON_BYTES = 16 << 20
# What may be read ahead of the loop at once: the workers keep reading while the loop is busy
# with other files (a large chat export before the statements), and the records waiting are
# bounded (a statement makes about seven times its bytes in records: ≤ 16 MB, ≈ 120 MB).
WINDOW_FILES = 512
WINDOW_BYTES = 16 << 20


def _ahead_size(path: Path, json_files: bool) -> int | None:
    """The size of `path` if it goes ahead, else None."""
    try:
        size = path.stat().st_size
        if size > MAX_AHEAD_BYTES:
            return None
        suffix = path.suffix.lower()
        if suffix in _TABLE_SUFFIXES or (json_files and suffix in _JSON_SUFFIXES):
            return size
        if suffix in _TEXT_SUFFIXES:
            return None
        with path.open("rb") as fh:
            return size if fh.read(4) == b"PK\x03\x04" else None
    except OSError:
        return None  # reported as missing by the loop


def worker_count() -> int:
    """One worker per core, at most four: the importer mostly waits for them or for SQLite
    meanwhile (seed statements on 2 cores: 26 s with one worker, 20–21 s with two)."""
    return max(1, min(4, os.cpu_count() or 2))


class ReadAhead:
    """`read(path, *args)` of the chosen files run by worker processes, a window ahead of
    the loop that takes them in order (`take`). Closed with `close` (pending reads dropped)."""

    def __init__(self, files: Sequence[Path], chosen: dict[int, int], read: Callable[..., Any],
                 args: tuple[Any, ...], workers: int) -> None:
        """`chosen`: the files that go ahead, by their position in `files`, with their sizes."""
        self.read, self.args = read, args
        self.files, self.sizes = files, chosen
        self.chosen = list(chosen)
        self.pending: dict[int, Future[Any]] = {}
        self.pending_bytes = 0
        self.next = 0  # position in `chosen` of the next file to submit
        # Spawned, not forked: the importer has threads (the store's writer) whose locks a
        # forked child would inherit held.
        self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        self._fill()

    @classmethod
    def for_import(cls, files: Sequence[Path], read: Callable[..., Any],
                   args: tuple[Any, ...], json_files: bool = False) -> ReadAhead | None:
        """A read-ahead if enough of `files` go ahead to repay the workers, else None.
        `json_files`: small JSON files go ahead too, when there are enough of them (`read`
        gives their records as rows where it can: those cost the loop little to take)."""
        chosen = {i: size for i, p in enumerate(files)
                  if (size := _ahead_size(p, json_files)) is not None}
        json_bytes = sum(size for i, size in chosen.items()
                         if files[i].suffix.lower() in _JSON_SUFFIXES)
        if json_bytes < MIN_JSON_BYTES:
            chosen = {i: size for i, size in chosen.items()
                      if files[i].suffix.lower() not in _JSON_SUFFIXES}
        if len(chosen) < MIN_FILES:
            return None
        return cls(files, chosen, read, args, worker_count())

    def _fill(self) -> None:
        while self.next < len(self.chosen) and (not self.pending or (
                len(self.pending) < WINDOW_FILES and self.pending_bytes < WINDOW_BYTES)):
            i = self.chosen[self.next]
            try:
                self.pending[i] = self.pool.submit(self.read, self.files[i], *self.args)
            except BrokenProcessPool:
                self.next = len(self.chosen)  # the rest are read by the loop
                return
            self.pending_bytes += self.sizes[i]
            self.next += 1

    def take(self, i: int) -> Future[Any] | None:
        """The read of file `i` (its position in `files`), or None if it was not read ahead;
        files are taken in order."""
        future = self.pending.pop(i, None)
        if future is not None:
            self.pending_bytes -= self.sizes[i]
        self._fill()
        return future

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
