"""Watching traced wallets: `tergeu watch add|list|remove|run` and `tergeu alerts`."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Annotated

import typer

from assistant.cli.common import CaseOpt, JsonOpt, audit_cli, fail, os_user, out

if TYPE_CHECKING:
    from tools.watch import Alert, PollReport

watch_app = typer.Typer(no_args_is_help=True, help="Watch traced wallets; alert when their "
                        "money moves, above all into an exchange (the freeze window).")


@watch_app.command("add")
def add(
    case: CaseOpt,
    addresses: Annotated[list[str] | None, typer.Argument(help="Addresses to watch")] = None,
    note: Annotated[str | None, typer.Option(help="Why it is watched")] = None,
    threshold: Annotated[str | None, typer.Option(
        help="Alert when it sends out more than this many tokens in a poll (default 0)")] = None,
    beneficiaries_of: Annotated[list[str] | None, typer.Option(
        "--beneficiaries-of", help="Trace from this wallet (card, phone…) and watch the "
        "final beneficiaries found")] = None,
) -> None:
    """Watch addresses of a case (checksums verified), or the beneficiaries of a trace."""
    from assistant.config import get_settings
    from assistant.services.watch import (
        WatchFromTrace,
        WatchRequest,
        add_watches,
        watch_beneficiaries,
    )
    from assistant.wiring import open_store
    from tools.errors import NoTransfersError
    from tools.trace import TraceRequest
    from tools.watch.store import WatchError

    if not addresses and not beneficiaries_of:
        raise fail("give ADDRESS… or --beneficiaries-of WALLET")
    limit = _decimal(threshold)
    store = open_store(get_settings())
    try:
        watched = add_watches(store, case, WatchRequest(addresses=addresses, note=note,
                                                        threshold=limit), os_user()) \
            if addresses else []
        if beneficiaries_of:
            watched += watch_beneficiaries(store, case, WatchFromTrace(
                trace=TraceRequest(addresses=beneficiaries_of), note=note, threshold=limit),
                os_user())
    except (WatchError, NoTransfersError) as exc:
        raise fail(str(exc)) from exc
    audit_cli(store, case, "watch_add", {"addresses": [w.address for w in watched],
                                         "note": note, "threshold": threshold})
    for w in watched:
        out.print(f"watching {w.address} ({w.chain}, {w.token}, alert above {w.threshold})",
                  markup=False, highlight=False, soft_wrap=True)


def _decimal(text: str | None) -> Decimal | None:
    from tools.watch.store import WatchError, parse_threshold

    if text is None:
        return None
    try:
        return parse_threshold(text)
    except (WatchError, InvalidOperation) as exc:
        raise fail(f"--threshold: {exc}") from exc


@watch_app.command("list")
def list_(case: CaseOpt, as_json: JsonOpt = False) -> None:
    """The case's watched addresses, and the recipients followed for them."""
    from assistant.config import get_settings
    from assistant.services.watch import list_watches
    from assistant.wiring import open_store

    watches = list_watches(open_store(get_settings()), case)
    if as_json:
        out.print_json(data=[w.model_dump(mode="json") for w in watches])
        return
    if not watches:
        out.print(f"case {case}: nothing watched")
        return
    from rich.table import Table

    table = Table("address", "chain", "token", "threshold", "note / followed from", "polled",
                  "error")
    for w in watches:
        table.add_row(w.address, w.chain, w.token, w.threshold,
                      f"↳ {w.followed_from}" if w.followed_from else (w.note or ""),
                      f"{w.polled_at:%Y-%m-%d %H:%M:%S}" if w.polled_at else "never",
                      w.last_error or "")
    out.print(table)


@watch_app.command("remove")
def remove(case: CaseOpt,
           address: Annotated[str, typer.Argument(help="The watched address")]) -> None:
    """Stop watching an address (and the recipients followed for it)."""
    from assistant.config import get_settings
    from assistant.services.watch import remove_watch
    from assistant.wiring import open_store

    store = open_store(get_settings())
    if not remove_watch(store, case, address):
        raise fail(f"{address}: not watched in case {case!r}")
    audit_cli(store, case, "watch_remove", {"address": address})
    out.print(f"no longer watching {address}", markup=False, highlight=False, soft_wrap=True)


@watch_app.command("run")
def run(
    case: Annotated[str | None, typer.Option("--case", "-c", help="Only this case")] = None,
    once: Annotated[bool, typer.Option("--once", help="One poll, then exit")] = False,
    interval: Annotated[float | None, typer.Option(
        help="Seconds between polls (default TERGEU_WATCH__INTERVAL, 300)")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Poll the watched addresses through the chain APIs (TronGrid, Etherscan, Esplora):
    new transfers are imported as evidence, and alerts raised, audited and sent."""
    from assistant.config import get_settings
    from assistant.services.watch import run_poller
    from assistant.wiring import open_store

    settings = get_settings()
    if interval is not None and interval <= 0:
        raise fail("--interval: a number of seconds above 0")

    def show(report: PollReport) -> None:
        if as_json:
            out.print_json(data=report.model_dump(mode="json"))
            return
        out.print(f"case {report.case}: {report.addresses} address(es) polled, "
                  f"{report.requests} page(s), {report.imported} new transfer(s), "
                  f"{len(report.alerts)} alert(s) in {report.seconds:.1f} s",
                  markup=False, highlight=False, soft_wrap=True)
        for e in report.errors:
            out.print(f"  ! {e.address}: {e.error}", markup=False, highlight=False, soft_wrap=True)
        for a in report.alerts:
            out.print("  " + alert_line(a), markup=False, highlight=False, soft_wrap=True)

    try:
        run_poller(settings, open_store(settings), case, once,
                   interval or settings.watch.interval, show)
    except KeyboardInterrupt:
        raise typer.Exit(0) from None


def alert_line(a: Alert) -> str:
    """One line of an alert: what happened, where, and the records it cites."""
    when = f"{a.raised_at:%Y-%m-%d %H:%M:%S}"
    if a.kind == "exchange":
        what = (f"EXCHANGE {a.exchange}: {a.amount} {a.token} from {a.address} reached deposit "
                f"address {a.deposit_address}")
    elif a.kind == "outflow":
        what = f"OUTFLOW {a.amount} {a.token} from {a.address} (threshold {a.threshold})"
    else:
        what = f"BALANCE of {a.address}: {a.balance_change} {a.token}"
    triggers = ", ".join(t.record_id for t in a.transfers if t.role == "trigger")
    return f"#{a.id} {when} {what}; balance {a.balance} {a.token} [{triggers}]"


def alerts(case: CaseOpt, as_json: JsonOpt = False) -> None:
    """The case's alerts, newest first, each citing the transfer records that raised it."""
    from assistant.config import get_settings
    from assistant.services.watch import list_alerts
    from assistant.wiring import open_store

    store = open_store(get_settings())
    found = list_alerts(store, case)
    audit_cli(store, case, "alerts_read", {"count": len(found)})
    if as_json:
        out.print_json(data=[a.model_dump(mode="json") for a in found])
        return
    if not found:
        out.print(f"case {case}: no alerts")
    for a in found:
        out.print(alert_line(a), markup=False, highlight=False, soft_wrap=True)
        for t in a.transfers:
            when = f"{t.ts:%Y-%m-%d %H:%M:%S}" if t.ts else "time unknown"
            out.print(f"    {t.role:<8} {t.record_id}  {t.from_address} → {t.to_address}  "
                      f"{t.amount} {t.token}  {when}", markup=False, highlight=False,
                      soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.add_typer(watch_app, name="watch")
    app.command("alerts")(alerts)
