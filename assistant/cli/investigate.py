"""Investigating a case: search listings and messages, trace money, look up an account, ask."""

from __future__ import annotations

import sys
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import typer

from assistant.cli.common import (
    CaseOpt,
    JsonOpt,
    audit_cli,
    err,
    fail,
    option_error,
    os_user,
    out,
)
from assistant.cli.deconflict import print_hits

if TYPE_CHECKING:
    from assistant.services.trace import StartResolution
    from tools.lookup import AccountProfile


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
    from pydantic import ValidationError

    from assistant.cli.common import update_search_index
    from assistant.config import get_settings
    from assistant.services.search import SearchRequest
    from assistant.services.search import search as search_case
    from assistant.wiring import open_store, search_index
    from tools.search.index import SearchFilters

    settings = get_settings()
    store = open_store(settings)
    try:
        filters = SearchFilters.model_validate(dict(
            city=city, drug=drug, shop=shop, since=since, until=until, payment=payment,
            kind=kind))
    except ValidationError as exc:
        raise option_error(exc) from exc
    if mode not in ("hybrid", "bm25", "vector"):
        raise fail(f"--mode: unknown mode {mode!r}; known: hybrid, bm25, vector")
    try:
        req = SearchRequest.model_validate(dict(text=text, filters=filters, mode=mode,
                                                limit=limit))
    except ValidationError as exc:
        raise option_error(exc) from exc
    update_search_index(settings, store, case, quiet=True)
    audit_cli(store, case, "search", req.model_dump(mode="json"))
    result = search_case(search_index(settings, store, case), req)
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
        also = [rid for rid in h.record_ids if rid != h.record_id]
        matched = [f for f in h.facets if ":" in f]
        if also or matched:
            out.print(f"    {h.role}, {', '.join(h.classes) or 'no offer'}; matched "
                      f"{', '.join(matched) or 'words only'}"
                      + (f"; also {', '.join(also)}" if also else ""),
                      markup=False, highlight=False, soft_wrap=True)


def trace(
    case: CaseOpt,
    addresses: Annotated[list[str], typer.Argument(
        metavar="ADDRESS...", help="Start wallet(s), or a dropper's card, phone or IBAN")],
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
    from pydantic import ValidationError
    from rich.markup import escape
    from rich.table import Table

    from assistant.config import get_settings
    from assistant.services.trace import resolve_starts, trace_from
    from assistant.wiring import chain_sources, open_store
    from tools.chains.client import FetchError
    from tools.errors import NoTransfersError
    from tools.trace import TraceRequest

    settings = get_settings()
    store = open_store(settings)
    try:
        req = TraceRequest.model_validate(dict(
            addresses=addresses, direction=direction, policy=policy, hops=hops, token=token,
            since=since, until=until, min_amount=min_amount,
            include_poisoning=include_poisoning))
    except ValidationError as exc:
        raise option_error(exc, default="ADDRESS") from exc
    live = expand if expand is not None else settings.chains.live_expansion
    audit_cli(store, case, "trace", req.model_dump(mode="json"))
    starts = resolve_starts(store, case, req.addresses)
    _print_starts(starts)
    try:
        outcome = trace_from(store, case, req, chain_sources(settings) if live else None,
                             settings.chains.max_fetches, starts)
    except NoTransfersError as exc:
        raise fail(str(exc)) from exc
    except FetchError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(1) from exc
    if outcome.fetched:
        err.print(f"fetched {len(outcome.fetched)} address histories: "
                  f"{', '.join(outcome.fetched)}", markup=False)
    result = outcome.result
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=1) + "\n")
        return
    n_starts = sum(len(s.wallets) for s in outcome.starts)
    out.print(f"{req.direction} trace, {req.policy}, {req.hops} hops: {result.traced} "
              f"{result.token} followed from {n_starts} address(es); "
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
    print_hits(store, case, [*req.addresses, *(e.address for e in result.endpoints)])
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


def _print_starts(starts: list[StartResolution]) -> None:
    for s in starts:
        if s.via_shops:
            err.print(f"{s.given}: handed out by {', '.join(s.via_shops)}; tracing their "
                      f"wallets {', '.join(s.wallets) or '(none known)'}", markup=False)


def lookup(
    case: CaseOpt,
    identifier: Annotated[str, typer.Argument(
        help="Card (or masked card 4400 43** **** 0260), IBAN, phone, wallet, @bot or ИИН")],
    as_json: JsonOpt = False,
) -> None:
    """Everything the case knows about an account: shops, messages, statements, wallets."""
    from assistant.config import get_settings
    from assistant.services.lookup import lookup as lookup_case
    from assistant.wiring import open_store

    store = open_store(get_settings())
    audit_cli(store, case, "lookup", {"identifier": identifier})
    result = lookup_case(store, case, identifier)
    if result.error:
        raise fail(f"{identifier}: {result.error}")
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
    print_hits(store, case, [p.id for p in result.matches])


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
        # Proportional splits leave 18 decimals; a summary line shows cents (`tergeu trace`
        # gives the exact amounts).
        ends = "; ".join(f"{a} {r} {Decimal(amt):.2f}" for a, r, amt, _rec in t.endpoints)
        out.print(f"  money traced: {Decimal(t.traced):.2f} {t.token} → {ends}", markup=False)
    if p.seen_with:
        out.print("  seen with: " + ", ".join(p.seen_with[:10]), markup=False)


def ask(
    case: CaseOpt,
    question: Annotated[str, typer.Argument(help="The question, in Russian, Kazakh or English")],
    as_json: JsonOpt = False,
    session: Annotated[str | None, typer.Option(
        help="Conversation id: follow-up questions remember its earlier turns")] = None,
) -> None:
    """Ask the case a question; the answer cites the records behind each fact."""
    from assistant.config import get_settings
    from assistant.services.ask import ask_case
    from assistant.wiring import open_store
    from tools.errors import TergeuError

    settings = get_settings()
    try:
        answer = ask_case(settings, open_store(settings), case, question, session,
                          user=os_user())
    except TergeuError as exc:
        raise fail(str(exc)) from exc
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


def register(app: typer.Typer) -> None:
    app.command()(search)
    app.command("trace")(trace)
    app.command()(lookup)
    app.command()(ask)
