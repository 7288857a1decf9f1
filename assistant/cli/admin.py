"""Administration: users with their roles and cases, and the hash-chained audit trail."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from assistant.cli.common import EXIT_BAD_INPUT, CaseOpt, JsonOpt, err, fail, out

if TYPE_CHECKING:
    from assistant.audit import AuditLog
    from assistant.users import Users

user_app = typer.Typer(help="Users, roles and case assignments; tokens to sign in with.",
                       no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit trail of questions, tool calls, records "
                        "opened and exports.", no_args_is_help=True)


def _users() -> Users:
    from assistant.config import get_settings
    from assistant.wiring import open_store, user_registry

    return user_registry(open_store(get_settings()).engine)


def _audit() -> AuditLog:
    from assistant.config import get_settings
    from assistant.wiring import audit_trail, open_store

    return audit_trail(open_store(get_settings()).engine)


@contextmanager
def _user_change() -> Iterator[None]:
    from tools.errors import TergeuError

    try:
        yield
    except TergeuError as exc:
        raise fail(str(exc)) from exc


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


@user_app.command("list")
def user_list() -> None:
    """Users with their roles and cases."""
    for u in _users().all():
        out.print(f"{u.name}\t{u.role}\t{', '.join(u.cases) or '-'}", markup=False)


@audit_app.command("verify")
def audit_verify(
    case: Annotated[str | None, typer.Option("--case", "-c", help="One case (default: all)")]
    = None,
) -> None:
    """Check every case's chain; name each edited, deleted or reordered entry (exit 2)."""
    log = _audit()
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
    for e in _audit().entries(case):
        if as_json:
            sys.stdout.write(e.model_dump_json() + "\n")
        else:
            out.print(f"{e.n}\t{e.at:%Y-%m-%d %H:%M:%S}\t{e.user}\t{e.action}\t"
                      f"{json.dumps(e.details, ensure_ascii=False)}", markup=False,
                      highlight=False, soft_wrap=True)
