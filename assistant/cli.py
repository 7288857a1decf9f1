"""The `tergeu` command line: ingest evidence, inspect a case and its records."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, cast

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from assistant.config import Settings, get_settings
from assistant.users import Users
from assistant.wiring import (
    ask_case,
    audit_trail,
    chain_sources,
    open_store,
    search_index,
    user_registry,
)
from tools.chains.client import FetchError
from tools.chains.expand import trace_with_expansion
from tools.demo.generate import SCALES, evidence_folders, generate_case
from tools.errors import IngestError, RecordNotFoundError, TergeuError
from tools.evidence import source_excerpt
from tools.identifiers import parse_identifier
from tools.ingest.formats import FORMATS
from tools.ingest.mappings import load_mapping
from tools.ingest.pipeline import expand_paths, ingest_paths
from tools.lookup import AccountProfile, lookup_account
from tools.models import FileReport, IngestReport
from tools.search.index import Mode, SearchFilters
from tools.store import CaseStore
from tools.trace import TraceRequest, load_case_graph, trace
from tools.trace.starts import linked_wallets

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Tergeu: investigate drug-trade money in case evidence.")
out = Console()
err = Console(stderr=True)

EXIT_BAD_INPUT = 2

CaseOpt = Annotated[str, typer.Option("--case", "-c", help="Case name, e.g. aurora")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table")]


def _fail(message: str) -> typer.Exit:
    err.print(message, markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_BAD_INPUT)


@app.command()
def ingest(
    case: CaseOpt,
    paths: Annotated[list[Path], typer.Argument(help="Evidence files or folders")],
    format: Annotated[str | None, typer.Option(help=f"Force a format: {', '.join(FORMATS)}")]
    = None,
    mapping: Annotated[Path | None, typer.Option(help="Column mapping YAML (docs/mappings.md)")]
    = None,
    index: Annotated[bool, typer.Option("--index/--no-index",
                                        help="Update the search index afterwards")] = True,
    as_json: JsonOpt = False,
) -> None:
    """Import evidence; format detected from content. Exit 2 if any file was rejected."""
    settings = get_settings()
    try:
        layout = load_mapping(mapping) if mapping else None
    except IngestError as exc:
        raise _fail(str(exc)) from exc
    store = open_store(settings)
    files = expand_paths(paths)
    show_bar = err.is_terminal and not as_json
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("files · {task.fields[records]:,} records · {task.fields[rate]:,.0f}/s"),
        TimeElapsedColumn(), console=err, disable=not show_bar, transient=True,
    )
    with progress:
        task = progress.add_task("importing", total=len(files), records=0, rate=0.0)

        def on_records(_name: str, n: int) -> None:
            t = progress.tasks[task]
            done = t.fields["records"] + n
            progress.update(task, records=done, rate=done / max(t.elapsed or 1e-9, 1e-9))

        def on_file(report: FileReport) -> None:
            progress.advance(task)
            if report.status == "rejected":
                err.print(report.error, markup=False, highlight=False, soft_wrap=True)

        report = ingest_paths(store, case, files, fmt=format, mapping=layout,
                              on_progress=on_records, on_file=on_file)
    if as_json:
        out.print_json(report.model_dump_json())
    else:
        _print_summary(report)
    if index:
        _update_search_index(settings, store, case, quiet=as_json)
    if report.rejected:
        raise typer.Exit(EXIT_BAD_INPUT)


def _update_search_index(settings: Settings, store: CaseStore, case: str,
                         quiet: bool = False) -> None:
    idx = search_index(settings, store, case)
    pending = idx.pending()
    if not pending:
        return
    progress = Progress(TextColumn("indexing for search"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=err, disable=not err.is_terminal,
                        transient=True)
    with progress:
        task = progress.add_task("index", total=pending)
        done = idx.update(lambda n, _total: progress.update(task, completed=n))
    if not quiet:
        out.print(f"search index: {done:,} messages and listings added", markup=False)


@app.command()
def search(
    case: CaseOpt,
    text: Annotated[str, typer.Argument(help="What to look for, as people write it")],
    city: Annotated[str | None, typer.Option(help="City, any spelling")] = None,
    drug: Annotated[str | None, typer.Option(help="Drug, any slang")] = None,
    shop: Annotated[str | None, typer.Option(help="Shop id, e.g. tg:1900000000")] = None,
    since: Annotated[datetime | None, typer.Option(help="Not before")] = None,
    until: Annotated[datetime | None, typer.Option(help="Not after")] = None,
    payment: Annotated[str | None, typer.Option(help="card|phone|iban|tron|btc|eth")] = None,
    kind: Annotated[str | None, typer.Option(help="listing | message")] = None,
    mode: Annotated[str, typer.Option(help="hybrid | bm25 | vector")] = "hybrid",
    limit: Annotated[int, typer.Option(help="How many hits")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """Search listings and shop messages (slang, spelling variants, RU/KK/EN), with citations."""
    settings = get_settings()
    store = open_store(settings)
    try:
        filters = SearchFilters(city=city, drug=drug, shop=shop, since=since, until=until,
                                payment=payment, kind=kind)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise _fail(f"--{first['loc'][0]}: {first['msg']}") from exc
    if mode not in ("hybrid", "bm25", "vector"):
        raise _fail(f"--mode: unknown mode {mode!r}; known: hybrid, bm25, vector")
    _update_search_index(settings, store, case, quiet=True)
    result = search_index(settings, store, case).search(text, filters, k=limit,
                                                        mode=cast(Mode, mode))
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=1) + "\n")
        return
    if not result.hits:
        out.print("no hits", markup=False)
    for n, h in enumerate(result.hits, start=1):
        when = f"{h.time:%Y-%m-%d}" if h.time else ""
        tags = ", ".join(h.drugs + h.cities)
        out.print(f"{n:>2}. {h.record_id}  {when}  {tags}", markup=False, highlight=False)
        out.print(f"    {h.passage}", markup=False, highlight=False, soft_wrap=True)
        out.print(f"    {h.source.file} {h.source.locator}  score {h.score:.4f}", markup=False,
                  highlight=False)


def _print_summary(report: IngestReport) -> None:
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
    out.print(f"skipped as duplicate: {len(dup_files)} file(s), {dup_records:,} record(s)")
    if report.rejected:
        out.print(f"rejected: {len(report.rejected)} file(s) (see messages above)")


@app.command()
def stats(case: CaseOpt, as_json: JsonOpt = False) -> None:
    """Counts per record kind and payment-detail kind, and the case's files with SHA-256."""
    s = open_store(get_settings()).stats(case)
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
    files = Table(title="files")
    for col in ("file", "format", "records", "sha256"):
        files.add_column(col)
    for f in s.files:
        files.add_row(f.name, f.format, f"{f.records:,}", f.sha256)
    out.print(files)


@app.command()
def record(
    case: CaseOpt,
    record_id: Annotated[str, typer.Argument(metavar="ID", help="Record id, e.g. tg:222/5")],
    as_json: JsonOpt = False,
) -> None:
    """A record, its source (file, SHA-256, locator) and the evidence text at that place."""
    settings = get_settings()
    store = open_store(settings)
    try:
        rec = store.get_record(case, record_id)
        excerpt = source_excerpt(settings.evidence_dir, rec.source.sha256, rec.source.locator,
                                 rec.source.format or "")
    except RecordNotFoundError as exc:
        raise _fail(str(exc)) from exc
    except TergeuError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(1) from exc
    accounts = store.accounts_of_record(case, record_id)
    if as_json:
        payload = {**rec.model_dump(), "accounts": accounts, "source_text": excerpt}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
        return
    out.print(f"[bold]{rec.id}[/] ({rec.kind})")
    for key, value in rec.fields.items():
        out.print(f"  {key}: ", end="")
        out.print(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False),
                  markup=False, highlight=False)
    if accounts:
        out.print("  payment details: " + ", ".join(accounts), markup=False)
    src = rec.source
    out.print(f"source: {src.file} sha256:{src.sha256} at {src.locator}", markup=False,
              soft_wrap=True)
    # Evidence text is shown verbatim: never interpreted as markup, never re-wrapped.
    out.print(excerpt, markup=False, highlight=False, soft_wrap=True)


@app.command("trace")
def trace_cmd(
    case: CaseOpt,
    addresses: Annotated[list[str], typer.Argument(metavar="ADDRESS...", help="Start address(es)")],
    direction: Annotated[str, typer.Option(help="forward | backward")] = "forward",
    policy: Annotated[str, typer.Option(help="haircut | fifo | poison")] = "haircut",
    hops: Annotated[int, typer.Option(help="Transfers to follow from a start (1-20)")] = 7,
    token: Annotated[str | None, typer.Option(help="Token symbol (default: the start's)")] = None,
    since: Annotated[datetime | None, typer.Option(help="Ignore transfers before")] = None,
    until: Annotated[datetime | None, typer.Option(help="Ignore transfers after")] = None,
    min_amount: Annotated[str | None, typer.Option(help="Ignore smaller transfers")] = None,
    include_poisoning: Annotated[bool, typer.Option(
        help="Also follow zero-value transfers and dust from look-alike addresses")] = False,
    expand: Annotated[bool | None, typer.Option(
        "--expand/--no-expand",
        help="Fetch histories where case data stops (TronGrid/Esplora/Etherscan)")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Follow money from ADDRESS forward (where it came to rest) or backward (where from)."""
    settings = get_settings()
    store = open_store(settings)
    starts: list[str] = []
    for given in addresses:
        linked = linked_wallets(store, case, given)
        if linked.via_shops:
            err.print(f"{given}: handed out by {', '.join(linked.via_shops)}; tracing their "
                      f"wallets {', '.join(linked.wallets) or '(none known)'}", markup=False)
        starts.extend(linked.wallets)
    try:
        req = TraceRequest(addresses=starts, direction=direction, policy=policy, hops=hops,
                           token=token, since=since, until=until, min_amount=min_amount,
                           include_poisoning=include_poisoning)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise _fail(f"--{first['loc'][0] if first['loc'] else 'ADDRESS'}: {first['msg']}") from exc
    cg = load_case_graph(store, case)
    unknown = [a for a in starts if a not in cg.graph]
    if len(unknown) == len(starts) and not expand:
        raise _fail(f"no transfers of {', '.join(unknown)} in case {case!r}")
    if expand if expand is not None else settings.chains.live_expansion:
        try:
            result, fetched = trace_with_expansion(store, case, req, chain_sources(settings),
                                                   settings.chains.max_fetches)
        except FetchError as exc:
            err.print(str(exc), markup=False)
            raise typer.Exit(1) from exc
        if fetched:
            err.print(f"fetched {len(fetched)} address histories: {', '.join(fetched)}",
                      markup=False)
    else:
        result = trace(cg, req)
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=1) + "\n")
        return
    out.print(f"{req.direction} trace, {req.policy}, {req.hops} hops: {result.traced} "
              f"{result.token} followed from {len(starts)} address(es); "
              f"{result.addresses_visited:,} addresses, {result.transfers_considered:,} "
              "transfers considered", markup=False)
    table = Table()
    for col in ("endpoint", "why", result.token, "share", "hops", "last transfer"):
        table.add_column(escape(col))
    for ep in result.endpoints[:30]:
        last = ep.path[-1].record_id if ep.path else ""
        why = ep.reason + (f": {ep.label}" if ep.label else "")
        table.add_row(ep.address, why, ep.amount, f"{ep.share:.1%}", str(len(ep.path)), last)
    out.print(table)
    if len(result.endpoints) > 30:
        out.print(f"… {len(result.endpoints) - 30} more endpoints (--json for all)")
    for p in result.patterns[:10]:
        out.print(f"{p.kind}: {p.note} — {', '.join(p.record_ids[:3])}"
                  f"{' …' if len(p.record_ids) > 3 else ''}", markup=False, soft_wrap=True)
    for other in result.other_tokens[:5]:
        out.print(f"not traced: {other.label} ({other.transfers} transfers; --token "
                  f"{other.key.rsplit('@', 1)[-1]} to trace it)", markup=False, soft_wrap=True)
    if result.poisoning_excluded:
        out.print(f"left out: {result.poisoning_excluded} zero-value or look-alike dust "
                  "transfers (probable address poisoning; --include-poisoning to follow them)",
                  markup=False)


@app.command()
def lookup(
    case: CaseOpt,
    identifier: Annotated[str, typer.Argument(
        help="Card (or masked card 4400 43** **** 0260), IBAN, phone, wallet, @bot or ИИН")],
    as_json: JsonOpt = False,
) -> None:
    """Everything the case knows about an account: shops, messages, statements, wallets."""
    store = open_store(get_settings())
    ident = parse_identifier(identifier)
    graph = load_case_graph(store, case) if ident.kind != "unknown" and not ident.error else None
    result = lookup_account(store, case, identifier, graph)
    if result.error:
        raise _fail(f"{identifier}: {result.error}")
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=1) + "\n")
        return
    if not result.matches:
        out.print(f"{result.kind} {result.value}: valid, but not in case {case!r}", markup=False)
        return
    if result.mask:
        out.print(f"{len(result.matches)} card(s) match {result.mask}", markup=False)
    for p in result.matches:
        _print_profile(p)


def _print_profile(p: AccountProfile) -> None:
    info = ", ".join(f"{k}: {v}" for k, v in p.info.items())
    out.print(f"[bold]{p.display}[/] ({p.kind}{'; ' + info if info else ''})")
    out.print(f"  seen {p.first_seen:%Y-%m-%d} – {p.last_seen:%Y-%m-%d}" if p.first_seen else
              "  seen: no dates", markup=False)
    if p.shops:
        out.print("  handed out by: " + ", ".join(p.shops), markup=False)
    for s in p.seen_in[:10]:
        when = f"{s.seen_at:%Y-%m-%d %H:%M}" if s.seen_at else ""
        out.print(f"    {when} {s.record_id} {s.shop_name or ''}", markup=False)
    if b := p.bank:
        out.print(f"  statements: in {b.total_in}, out {b.total_out}, {b.operations} operations, "
                  f"{b.distinct_payers} distinct payers", markup=False)
        for c in b.counterparties[:5]:
            ops = f"{c.operations} operation{'s' if c.operations > 1 else ''}"
            out.print(f"    {c.account}: {c.total} over {ops} ({', '.join(c.records)})",
                      markup=False, soft_wrap=True)
    if p.linked_wallets:
        out.print("  wallets of the same shops: " + ", ".join(p.linked_wallets), markup=False)
    if t := p.trace:
        ends = "; ".join(f"{a} {r} {amt}" for a, r, amt, _rec in t.endpoints)
        out.print(f"  money traced: {t.traced} {t.token} → {ends}", markup=False)
    if p.seen_with:
        out.print("  seen with: " + ", ".join(p.seen_with[:10]), markup=False)


demo_app = typer.Typer(help="The built-in demo case: generate it, or (no subcommand) load it.")
app.add_typer(demo_app, name="demo")

DEMO_CASE = "demo"
DEMO_USER = "demo"


@demo_app.callback(invoke_without_command=True)
def demo(ctx: typer.Context) -> None:
    """Write the small demo case (once) into TERGEU_HOME and ingest it as case 'demo'."""
    if ctx.invoked_subcommand is not None:
        return
    settings = get_settings()
    folder = settings.home / "demo-case"
    if not (folder / "truth.json").exists():
        truth = generate_case(folder, seed=1, scale="small")
        out.print(f"demo case written to {folder}: {len(truth.shops)} shops, "
                  f"{len(truth.droppers)} dropper accounts, {truth.counts['transfer']:,} "
                  "USDT transfers", markup=False)
    store = open_store(settings)
    report = ingest_paths(store, DEMO_CASE, evidence_folders(folder))
    _print_summary(report)
    _update_search_index(settings, store, DEMO_CASE)
    if report.rejected:
        raise typer.Exit(EXIT_BAD_INPUT)
    # A fresh token each time: only its hash is kept, so the old one cannot be shown again.
    registry = user_registry(store.engine)
    if registry.get(DEMO_USER) is None:
        token = registry.add(DEMO_USER, "analyst", [DEMO_CASE])
    else:
        token = registry.rotate(DEMO_USER)
    out.print(f"demo user {DEMO_USER!r} (analyst, case {DEMO_CASE!r}), sign in with token: "
              f"{token}", markup=False, highlight=False, soft_wrap=True)


@demo_app.command("generate")
def demo_generate(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the case into")],
    seed: Annotated[int, typer.Option(help="Same seed, same case")] = 1,
    scale: Annotated[str, typer.Option(help="small | medium | seed")] = "small",
) -> None:
    """Write a whole demo case in real evidence formats, with truth.json."""
    if scale not in SCALES:
        raise _fail(f"--scale: unknown scale {scale!r}; known: {', '.join(SCALES)}")
    started = time.perf_counter()
    truth = generate_case(out_dir, seed=seed, scale=scale)  # type: ignore[arg-type]
    took = time.perf_counter() - started
    out.print(f"{scale} case (seed {seed}) in {out_dir} after {took:.1f} s: "
              f"{len(truth.shops)} shops, {len(truth.droppers):,} dropper accounts, "
              f"{len(truth.messages):,} messages with payment details, "
              f"{truth.counts['transfer']:,} USDT transfers, {truth.counts['bank_row']:,} "
              "statement rows", markup=False)


@app.command()
def ask(
    case: CaseOpt,
    question: Annotated[str, typer.Argument(help="The question, in Russian, Kazakh or English")],
    as_json: JsonOpt = False,
    session: Annotated[str | None, typer.Option(
        help="Conversation id: follow-up questions remember its earlier turns")] = None,
) -> None:
    """Ask the case a question; the answer cites the records behind each fact."""
    settings = get_settings()
    try:
        answer = ask_case(settings, open_store(settings), case, question, session)
    except TergeuError as exc:
        raise _fail(str(exc)) from exc
    if as_json:
        sys.stdout.write(answer.model_dump_json(indent=1) + "\n")
        return
    out.print(answer.answer, markup=False, highlight=False, soft_wrap=True)
    for c in answer.citations:
        mark = "✓" if c.verified else "✗"
        out.print(f"[{c.n}] {mark} {c.id} — {c.source.file} {c.source.locator}", markup=False,
                  highlight=False, soft_wrap=True)
    for flag in answer.flags:
        err.print(f"unverified: {flag}", markup=False)


user_app = typer.Typer(help="Users, roles and case assignments; tokens to sign in with.",
                       no_args_is_help=True)
app.add_typer(user_app, name="user")


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="User name")],
    role: Annotated[str, typer.Option(help="prosecutor | analyst | admin")] = "analyst",
    cases: Annotated[list[str] | None, typer.Option("--case", "-c",
                                                    help="Assigned case (repeat)")] = None,
) -> None:
    """Add a user and print its token (shown this once; only a hash is kept)."""
    with _user_change():
        out.print(_users().add(name, role, cases or []), markup=False, highlight=False)


@user_app.command("token")
def user_token(name: Annotated[str, typer.Argument(help="User name")]) -> None:
    """Issue a new token for the user; the old one stops working at once."""
    with _user_change():
        out.print(_users().rotate(name), markup=False, highlight=False)


@user_app.command("revoke")
def user_revoke(name: Annotated[str, typer.Argument(help="User name")]) -> None:
    """Revoke the user's token at once (`tergeu user token` issues a new one)."""
    with _user_change():
        _users().revoke(name)


def _users() -> Users:
    return user_registry(open_store(get_settings()).engine)


@contextmanager
def _user_change() -> Iterator[None]:
    try:
        yield
    except TergeuError as exc:
        raise _fail(str(exc)) from exc


@user_app.command("list")
def user_list() -> None:
    """Users with their roles and cases."""
    for u in _users().all():
        out.print(f"{u.name}\t{u.role}\t{', '.join(u.cases) or '-'}", markup=False)


audit_app = typer.Typer(help="The hash-chained audit trail of questions, tool calls, records "
                        "opened and exports.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(
    case: Annotated[str | None, typer.Option("--case", "-c", help="One case (default: all)")]
    = None,
) -> None:
    """Check every case's chain; name each edited, deleted or reordered entry (exit 2)."""
    log = audit_trail(open_store(get_settings()).engine)
    broken = False
    for c in [case] if case else log.cases():
        entries = log.entries(c)
        breaks = log.verify(c)
        head = entries[-1].hash if entries else "-"
        out.print(f"{c}: {len(entries)} entries, head {head}: "
                  f"{'BROKEN' if breaks else 'intact'}", markup=False, highlight=False)
        for b in breaks:
            err.print(f"{c}: {b.problem}", markup=False, highlight=False)
        broken = broken or bool(breaks)
    if broken:
        raise typer.Exit(EXIT_BAD_INPUT)


@audit_app.command("show")
def audit_show(case: CaseOpt, as_json: JsonOpt = False) -> None:
    """The case's audit log, oldest first (JSON lines with --json, for export)."""
    for e in audit_trail(open_store(get_settings()).engine).entries(case):
        if as_json:
            sys.stdout.write(e.model_dump_json() + "\n")
        else:
            out.print(f"{e.n}\t{e.at:%Y-%m-%d %H:%M:%S}\t{e.user}\t{e.action}\t"
                      f"{json.dumps(e.details, ensure_ascii=False)}", markup=False,
                      highlight=False, soft_wrap=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(
        help="Worker processes (each holds its own case graphs and search indexes; "
             "conversations and the audit trail are in the database)")] = 1,
) -> None:
    """Run the HTTP API (OpenAPI at /docs, health at /healthz)."""
    import uvicorn

    uvicorn.run("assistant.api.app:create_app", factory=True, host=host, port=port,
                workers=workers, log_level="info")


@app.command("ui")
def ui_command(
    host: Annotated[str, typer.Option(help="Interface the UI listens on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="UI port")] = 8501,
    api: Annotated[bool, typer.Option("--api", help="Start the API too (on --api-port)")] = False,
    api_port: Annotated[int, typer.Option(help="Port of the API started by --api")] = 8000,
) -> None:
    """Run the Streamlit chat (it talks to the API at TERGEU_API_URL)."""
    import os
    import subprocess

    import ui

    env = dict(os.environ)
    if api:
        env["TERGEU_API_URL"] = f"http://127.0.0.1:{api_port}"
    children = []
    try:
        if api:
            children.append(subprocess.Popen(
                [sys.executable, "-m", "assistant.cli", "serve", "--port", str(api_port)],
                env=env))
        children.append(subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(Path(ui.__file__).parent / "app.py"),
             "--server.address", host, "--server.port", str(port), "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--global.developmentMode", "false",
             "--client.toolbarMode", "viewer"],
            env=env))
        raise typer.Exit(children[-1].wait())
    finally:
        for child in children:
            child.terminate()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
