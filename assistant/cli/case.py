"""Commands on a case's evidence: import files, count what is there, show one record."""

from __future__ import annotations

import json
import sys
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from assistant.cli.common import (
    EXIT_BAD_INPUT,
    CaseOpt,
    JsonOpt,
    audit_cli,
    err,
    fail,
    out,
    print_summary,
    update_search_index,
)
from tools.ingest import FORMATS

if TYPE_CHECKING:
    from tools.store import CaseStore


def ingest(
    case: CaseOpt,
    paths: Annotated[list[Path], typer.Argument(help="Evidence files or folders")],
    format: Annotated[str | None, typer.Option(
        help=f"Force a format: {', '.join(FORMATS)}")] = None,
    mapping: Annotated[Path | None, typer.Option(help="Column mapping YAML (docs/mappings.md)")]
    = None,
    index: Annotated[bool, typer.Option("--index/--no-index",
                                        help="Update the search index afterwards")] = True,
    exclusive: Annotated[bool, typer.Option(
        help="Nothing else uses the store meanwhile: a large first import skips the "
             "write-ahead log (faster; other processes wait until it ends)")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Import evidence; format detected from content. Exit 2 if any file was rejected."""
    from rich.progress import (
        BarColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from assistant.config import get_settings
    from assistant.services.ingest import import_evidence
    from assistant.wiring import open_store
    from tools.errors import IngestError
    from tools.ingest.mappings import load_mapping
    from tools.ingest.pipeline import expand_paths
    from tools.models import FileReport

    settings = get_settings()
    try:
        layout = load_mapping(mapping) if mapping else None
    except IngestError as exc:
        raise fail(str(exc)) from exc
    store = open_store(settings)
    files = expand_paths(paths)
    # The bar moves by bytes, not files: a case's files range from a 2 KB page to a 1 GB
    # export, and the time left is only honest in the unit the work is done in.
    file_bytes = [f.stat().st_size for f in files]
    sizes = deque(file_bytes)
    show_bar = err.is_terminal and not as_json
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(),
        TextColumn("{task.fields[files]:,}/{task.fields[of]:,} files · "
                   "{task.fields[records]:,} records · {task.fields[rate]:,.0f}/s"),
        TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
        console=err, disable=not show_bar, transient=True,
    )
    with progress:
        task = progress.add_task("importing", total=max(sum(sizes), 1), files=0,
                                 of=len(files), records=0, rate=0.0)

        def on_records(_name: str, n: int) -> None:
            t = progress.tasks[task]
            done = t.fields["records"] + n
            progress.update(task, records=done, rate=done / max(t.elapsed or 1e-9, 1e-9))

        def on_file(report: FileReport) -> None:
            # Reports come in the order of `files`, one each.
            progress.update(task, advance=sizes.popleft() if sizes else 0,
                            files=progress.tasks[task].fields["files"] + 1)
            if report.status == "rejected":
                err.print(report.error, markup=False, highlight=False, soft_wrap=True)

        audit_cli(store, case, "upload_received", {
            "files": [{"name": f.name, "bytes": n} for f, n in zip(files, file_bytes,
                                                                    strict=True)]})
        report = import_evidence(store, case, files, fmt=format, mapping=layout,
                                 on_progress=on_records, on_file=on_file, exclusive=exclusive)
    audit_cli(store, case, "upload", {"files": [
        {"name": f.file, "sha256": f.sha256, "status": f.status} for f in report.files]})
    if as_json:
        out.print_json(report.model_dump_json())
    else:
        print_summary(report)
    if index:
        update_search_index(settings, store, case, quiet=as_json)
    if report.rejected:
        raise typer.Exit(EXIT_BAD_INPUT)


FILES_SHOWN = 30


def stats(case: CaseOpt, as_json: JsonOpt = False) -> None:
    """Counts per record kind and payment-detail kind, and the case's files with SHA-256."""
    from rich.table import Table

    s = _case_store().stats(case)
    if as_json:
        out.print_json(s.model_dump_json())
        return
    table = Table(title=f"case {case}")
    table.add_column("kind")
    table.add_column("records", justify="right")
    for kind, n in sorted(s.records.items()):
        table.add_row(kind, f"{n:,}")
    for kind, n in sorted(s.accounts.items()):
        table.add_row(f"account:{kind}", f"{n:,}")
    out.print(table)
    formats = Table(title="files by format")
    for col in ("format", "files", "records"):
        formats.add_column(col, justify="left" if col == "format" else "right")
    by_format: dict[str, list[int]] = {}
    for f in s.files:
        counts = by_format.setdefault(f.format, [0, 0])
        counts[0] += 1
        counts[1] += f.records
    for fmt, (n_files, n_records) in sorted(by_format.items()):
        formats.add_row(fmt, f"{n_files:,}", f"{n_records:,}")
    out.print(formats)
    # A seized case holds thousands of files: a table of them all is no summary (and took
    # seconds to draw); --json lists every one.
    files = Table(title="files")
    for col in ("file", "format", "records", "sha256"):
        files.add_column(col)
    for f in s.files[:FILES_SHOWN]:
        files.add_row(f.name, f.format, f"{f.records:,}", f.sha256)
    out.print(files)
    if len(s.files) > FILES_SHOWN:
        out.print(f"… and {len(s.files) - FILES_SHOWN:,} more files: `tergeu stats --case {case} "
                  "--json` lists every file with its SHA-256", markup=False)


def record(
    case: CaseOpt,
    record_id: Annotated[str, typer.Argument(metavar="ID", help="Record id, e.g. tg:222/5")],
    as_json: JsonOpt = False,
) -> None:
    """A record, its source (file, SHA-256, locator) and the evidence text at that place."""
    from assistant.services.records import record_with_source
    from tools.errors import RecordNotFoundError, TergeuError

    store = _case_store()
    audit_cli(store, case, "record_opened", {"record": record_id})
    try:
        found = record_with_source(store, case, record_id)
    except RecordNotFoundError as exc:
        raise fail(str(exc)) from exc
    except TergeuError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(1) from exc
    rec = found.record
    if as_json:
        payload = {**rec.model_dump(), "accounts": found.accounts, "source_text": found.excerpt}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
        return
    out.print(f"[bold]{rec.id}[/] ({rec.kind})")
    for key, value in rec.fields.items():
        out.print(f"  {key}: ", end="")
        out.print(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False),
                  markup=False, highlight=False)
    if found.accounts:
        out.print("  payment details: " + ", ".join(found.accounts), markup=False)
    src = rec.source
    out.print(f"source: {src.file} sha256:{src.sha256} at {src.locator}", markup=False,
              soft_wrap=True)
    # Evidence text is shown verbatim: never interpreted as markup, never re-wrapped.
    out.print(found.excerpt, markup=False, highlight=False, soft_wrap=True)


def _case_store() -> CaseStore:
    """The case store alone, for commands that only read evidence: without the assistant's
    tables (users, conversations, audit) and the modules that define them, it opens faster."""
    from assistant.config import get_settings
    from tools.store import connect_store

    settings = get_settings()
    return connect_store(settings.store_url, settings.evidence_dir, settings.store_lock_wait)


def register(app: typer.Typer) -> None:
    app.command()(ingest)
    app.command()(stats)
    app.command()(record)
