"""Errors raised by the case-data engine.

    TergeuError
    ├── IngestError            a file (or a place in it) cannot be imported
    │   └── UnknownFormatError no importer recognises the file's content
    └── RecordNotFoundError    no record with that id in the case
"""

from __future__ import annotations


class TergeuError(Exception):
    """Base of every error the engine raises on purpose."""


class IngestError(TergeuError):
    """Input at fault: names the file, the place in it (line, pointer, sheet row) and why."""

    def __init__(self, file: str, locator: str | None, reason: str) -> None:
        self.file = file
        self.locator = locator
        # One line, always: parsers' messages may draw pointers over several lines.
        reason = " ".join(reason.split())
        self.reason = reason
        where = f"{file}:{locator}" if locator else file
        super().__init__(f"{where}: {reason}")


class UnknownFormatError(IngestError):
    """The content matches none of the supported evidence formats."""

    def __init__(self, file: str, reason: str = "unknown format") -> None:
        super().__init__(file, None, reason)


class RecordNotFoundError(TergeuError):
    def __init__(self, case: str, record_id: str) -> None:
        self.case = case
        self.record_id = record_id
        super().__init__(f"no record {record_id!r} in case {case!r}")
