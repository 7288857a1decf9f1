"""`tergeu demo`: write the built-in demo case and load it, or generate one at any scale."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.common import EXIT_BAD_INPUT, fail, out, print_summary, update_search_index

app = typer.Typer(help="The built-in demo case: generate it, or (no subcommand) load it.")

DEMO_CASE = "demo"
DEMO_USER = "demo"
# tools.demo.truth.Scale, spelled out so `--help` builds no pydantic model (a test compares).
SCALES = ("small", "medium", "seed")


@app.callback(invoke_without_command=True)
def demo(ctx: typer.Context) -> None:
    """Write the small demo case (once) into TERGEU_HOME and ingest it as case 'demo'."""
    if ctx.invoked_subcommand is not None:
        return
    from assistant.config import get_settings
    from assistant.services.ingest import import_evidence
    from assistant.wiring import open_store, user_registry
    from tools.demo.generate import evidence_folders, generate_case

    settings = get_settings()
    folder = settings.home / "demo-case"
    if not (folder / "truth.json").exists():
        truth = generate_case(folder, seed=1, scale="small")
        out.print(f"demo case written to {folder}: {len(truth.shops)} shops, "
                  f"{len(truth.droppers)} dropper accounts, {truth.counts['transfer']:,} "
                  "USDT transfers", markup=False)
    store = open_store(settings)
    report = import_evidence(store, DEMO_CASE, evidence_folders(folder))
    print_summary(report)
    update_search_index(settings, store, DEMO_CASE)
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


@app.command("generate")
def demo_generate(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the case into")],
    seed: Annotated[int, typer.Option(help="Same seed, same case")] = 1,
    scale: Annotated[str, typer.Option(help="small | medium | seed")] = "small",
) -> None:
    """Write a whole demo case in real evidence formats, with truth.json."""
    from tools.demo.generate import generate_case

    if scale not in SCALES:
        raise fail(f"--scale: unknown scale {scale!r}; known: {', '.join(SCALES)}")
    started = time.perf_counter()
    truth = generate_case(out_dir, seed=seed, scale=scale)  # type: ignore[arg-type]  # checked above
    took = time.perf_counter() - started
    out.print(f"{scale} case (seed {seed}) in {out_dir} after {took:.1f} s: "
              f"{len(truth.shops)} shops, {len(truth.droppers):,} dropper accounts, "
              f"{len(truth.messages):,} messages with payment details, "
              f"{truth.counts['transfer']:,} USDT transfers, {truth.counts['bank_row']:,} "
              "statement rows", markup=False)
