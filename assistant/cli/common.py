"""What every command group shares: consoles, options, the bad-input exit, import summaries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:
    from pydantic import ValidationError

    from assistant.config import Settings
    from tools.models import IngestReport
    from tools.store import CaseStore

out = Console()
err = Console(stderr=True)

EXIT_BAD_INPUT = 2

CaseOpt = Annotated[str, typer.Option("--case", "-c", help="Case name, e.g. aurora")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table")]


def fail(message: str) -> typer.Exit:
    """Print `message` as one line on stderr; the exit (code 2) for the caller to raise."""
    err.print(message, markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_BAD_INPUT)


def option_error(exc: ValidationError, default: str = "ARGUMENT") -> typer.Exit:
    """The first problem of a request model built from options, named after its option."""
    first = exc.errors()[0]
    return fail(f"--{first['loc'][0] if first['loc'] else default}: {first['msg']}")


def os_user() -> str:
    """Who ran a command, as the operating system knows them (the CLI has no sign-in)."""
    import getpass

    try:
        return f"os:{getpass.getuser()}"
    except (KeyError, OSError):
        return "os:unknown"


def audit_cli(store: CaseStore, case: str, action: str, details: dict[str, object]) -> None:
    """An entry of the case's audit trail for a command, under the operating-system user:
    reading evidence from the command line leaves the same trace as through the API."""
    from assistant.wiring import audit_trail

    audit_trail(store.engine).append(case, os_user(), action, {"via": "cli", **details})


def print_summary(report: IngestReport) -> None:
    imported = [f for f in report.files if f.status == "imported"]
    dup_files = [f for f in report.files if f.status == "duplicate"]
    total = sum(report.imported_by_kind().values())
    out.print(f"case {report.case}: {len(imported)} file(s) imported, {total:,} records "
              f"in {report.seconds:.1f} s")
    for kind, n in sorted(report.imported_by_kind().items()):
        out.print(f"  {kind:<10} {n:>10,}")
    dup_records = sum(f.duplicate_records for f in report.files)
    accounts = sum(f.accounts for f in report.files)
    if accounts:
        out.print(f"  accounts seen (payment details, statement parties): {accounts:,}")
    for f in report.files:
        if f.status == "skipped":
            out.print(f"skipped {f.file}: {f.note}", markup=False)
    out.print(f"skipped as duplicate: {len(dup_files)} file(s), {dup_records:,} record(s)")
    if report.rejected:
        out.print(f"rejected: {len(report.rejected)} file(s) (see messages above)")


def update_search_index(settings: Settings, store: CaseStore, case: str,
                        quiet: bool = False) -> None:
    """Index the case's new messages and listings for search: a progress bar per pass (words,
    then meaning) on a terminal, with the time left at the speed so far."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from assistant.wiring import search_index

    idx = search_index(settings, store, case)
    if idx.status().ready:
        return
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), TimeRemainingColumn(), console=err,
                        disable=not err.is_terminal, transient=True)
    tasks: dict[str, TaskID] = {}

    def show(n: int, total: int) -> None:
        label = {"analysing": "indexing words", "embedding": "embedding passages"}.get(
            idx.stage, idx.stage)
        if label not in tasks:
            tasks[label] = progress.add_task(label, total=total)
        progress.update(tasks[label], completed=n, total=total)

    with progress:
        done = idx.update(show)
    if not quiet:
        out.print(f"search index: {done:,} messages and listings added", markup=False)
