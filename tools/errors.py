"""Errors raised by the case-data engine.

    TergeuError
    ├── IngestError            a file (or a place in it) cannot be imported
    │   └── UnknownFormatError no importer recognises the file's content
    ├── RecordNotFoundError    no record with that id in the case
    ├── NoTransfersError       no start of a trace moved money in the case
    ├── LetterError            (tools.letters.facts) a letter cannot be written as asked
    │   └── UnsupportedLetterError (assistant.services.letters) a statement the records
    │                          do not support: the letter is not produced
    ├── FetchError             (tools.chains.client) a chain API failed or answered garbage
    ├── WatchError             (tools.watch.store) an address or threshold cannot be watched
    ├── UserError              (assistant.users) a user cannot be added, found or changed
    ├── ModelUnavailableError  (assistant.agent.core) TERGEU_LLM names no usable chat model
    ├── UnknownToolError       (assistant.services.agent_tools) no agent tool of that name
    ├── ToolArgumentsError     (assistant.services.agent_tools) arguments not the tool's schema
    └── CallRefused            (assistant.mcp.server) an MCP call without sign-in, or of a
                               case not the caller's (said as missing)

`tools.evidence` raises TergeuError itself when a record's original file is missing from the
vault, no longer matches its SHA-256, or lacks the record's JSON pointer.

Errors of one module only are defined beside it and drawn here; the CLI maps them to exit
codes (bad input: 2) and the API to HTTP statuses (404 for a missing record or no transfers).
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

    def __reduce__(self) -> tuple[type[IngestError], tuple[str, str | None, str]]:
        # Raised in a process that reads files ahead of an import, and re-raised in the
        # importing one: rebuilt from its fields, not from the message.
        return IngestError, (self.file, self.locator, self.reason)


class UnknownFormatError(IngestError):
    """The content matches none of the supported evidence formats."""

    def __init__(self, file: str, reason: str = "unknown format") -> None:
        super().__init__(file, None, reason)

    def __reduce__(self) -> tuple[type[UnknownFormatError], tuple[str, str]]:  # type: ignore[override]
        return UnknownFormatError, (self.file, self.reason)


class RecordNotFoundError(TergeuError):
    """No record with that id in the case."""

    def __init__(self, case: str, record_id: str) -> None:
        self.case = case
        self.record_id = record_id
        super().__init__(f"no record {record_id!r} in case {case!r}")


class NoTransfersError(TergeuError):
    """None of a trace's start wallets has a transfer in the case (and nothing was fetched)."""

    def __init__(self, case: str, given: list[str]) -> None:
        self.case = case
        self.given = given
        super().__init__(f"no transfers of {', '.join(given)} in case {case!r}")
