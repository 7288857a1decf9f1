"""Deconfliction on the command line: the identifiers a case shares with other cases, and the
owner and contact a hit names."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated

import typer

from assistant.cli.common import CaseOpt, JsonOpt, fail, os_user, out

if TYPE_CHECKING:
    from assistant.users import User
    from tools.store import CaseStore


def cli_viewer(case: str) -> User:
    """Whoever runs the command sees what a user of this case alone sees: the other case,
    its contact and a count, not its records (open that case to see them)."""
    from assistant.users import User

    return User(name=os_user(), role="analyst", cases=[case])


def print_hits(store: CaseStore, case: str, identifiers: Iterable[str]) -> None:
    """Under a lookup or a trace: "also in case X (contact: …), N records", audited."""
    from assistant.services.deconflict import hit_line, identifier_hits

    for h in identifier_hits(store, cli_viewer(case), case, identifiers, "cli"):
        for other in h.also_in:
            out.print("  " + hit_line(h, other), markup=False, highlight=False, soft_wrap=True)


def deconflict(case: CaseOpt, as_json: JsonOpt = False) -> None:
    """Every identifier of the case that another case holds too, whom to contact there and
    how many of its records name it (never their content). Each hit is audited in both cases."""
    from assistant.config import get_settings
    from assistant.services.deconflict import deconflict_case, hit_line
    from assistant.wiring import open_store

    store = open_store(get_settings())
    if not store.has_case(case):
        raise fail(f"no case {case!r}")
    report = deconflict_case(store, cli_viewer(case), case, "cli")
    if as_json:
        sys.stdout.write(report.model_dump_json(indent=1) + "\n")
        return
    if not report.shared:
        out.print(f"case {case}: no identifier is in another case", markup=False)
        return
    per_case = ", ".join(f"{c} {n}" for c, n in sorted(report.cases.items()))
    out.print(f"case {case}: {report.count} identifier(s) also in other cases ({per_case})",
              markup=False, highlight=False)
    for h in report.shared:
        for other in h.also_in:
            out.print("  " + hit_line(h, other), markup=False, highlight=False, soft_wrap=True)


def case_owner(
    case: CaseOpt,
    owner: Annotated[str | None, typer.Argument(help="The prosecutor in charge")] = None,
    contact: Annotated[str, typer.Option(help="Phone or e-mail to reach them")] = "",
) -> None:
    """Record who owns a case and how to reach them (the contact deconfliction hits name);
    without OWNER, show it."""
    from assistant.case_info import CaseInfoError
    from assistant.config import get_settings
    from assistant.services.deconflict import case_registry
    from assistant.wiring import open_store

    registry = case_registry(open_store(get_settings()).engine)
    if owner is None:
        out.print(f"case {case}: contact {registry.get(case).who_to_contact}", markup=False)
        return
    try:
        info = registry.set_owner(case, owner, contact)
    except CaseInfoError as exc:
        raise fail(str(exc)) from exc
    out.print(f"case {case}: contact {info.who_to_contact}", markup=False)


def register(app: typer.Typer) -> None:
    app.command()(deconflict)
    app.command("case-owner")(case_owner)
