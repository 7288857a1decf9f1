"""`tergeu letter`: a freeze or information request letter to an exchange or a token issuer."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.common import CaseOpt, audit_cli, fail, option_error, out


def letter(
    case: CaseOpt,
    to: Annotated[str, typer.Option("--to", help="exchange | issuer")],
    address: Annotated[list[str], typer.Option(
        "--address", "-a", help="An address the letter is about (repeat for more)")],
    out_path: Annotated[Path, typer.Option(
        "--out", "-o", help="Where to write the DOCX; the PDF is written beside it")],
    lang: Annotated[str, typer.Option(help="ru | kk | en")] = "ru",
    trace_from: Annotated[list[str] | None, typer.Option(
        "--trace-from", help="Start wallet(s) of the trace that found the addresses: its "
                             "policy, hops and paths go into the letter")] = None,
    policy: Annotated[str, typer.Option(help="haircut | fifo | poison (with --trace-from)")
                      ] = "haircut",
    hops: Annotated[int, typer.Option(help="Transfers followed (with --trace-from)")] = 7,
) -> None:
    """Write a freeze and information request to an exchange, or a freeze request to a token's
    issuer, for ADDRESS(es): every fact cited and checked against the case's records."""
    from pydantic import ValidationError

    from assistant.config import get_settings
    from assistant.services.letters import draft_letter
    from assistant.wiring import open_store
    from tools.errors import NoTransfersError
    from tools.letters import LetterError, LetterRequest

    settings = get_settings()
    store = open_store(settings)
    try:
        req = LetterRequest.model_validate(dict(
            to=to, addresses=address, lang=lang,
            trace=dict(addresses=trace_from, policy=policy, hops=hops) if trace_from else None))
    except ValidationError as exc:
        raise option_error(exc, default="address") from exc
    if out_path.suffix.lower() != ".docx":
        raise fail(f"--out: {out_path} must end in .docx (the PDF is written beside it)")
    if not store.has_case(case):
        raise fail(f"no case {case!r}")
    audit_cli(store, case, "letter", req.model_dump(mode="json"))
    try:
        drafted = draft_letter(store, case, req, settings.letter_templates)
    except (LetterError, NoTransfersError) as exc:
        raise fail(str(exc)) from exc
    pdf_path = out_path.with_suffix(".pdf")
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_bytes(drafted.docx)
        pdf_path.write_bytes(drafted.pdf)
    except OSError as exc:
        raise fail(f"--out: {out_path}: {exc.strerror or exc}") from exc
    s = drafted.summary
    out.print(f"{out_path}\n{pdf_path}\nto {s.recipient}: {len(s.addresses)} address(es), "
              f"{s.statements} statements checked against {s.records} records from {s.files} "
              "evidence files (each re-hashed)", markup=False, highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command()(letter)
