"""Generating and ingesting the demo case at the size of the real one (`--scale seed`).

    python -m bench.demo_seed [--scale seed|medium] [--seed 1]

Prints generation time and peak memory, what the case holds, then ingestion time, records/s
and peak memory; each step runs in its own process.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

from bench.ingest_speed import run_measured
from tools.demo.generate import evidence_folders

OUT = Path(__file__).parent / "out" / "demo"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="seed")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    shutil.rmtree(OUT, ignore_errors=True)
    env = {**os.environ, "TERGEU_HOME": str(OUT / "home")}
    env.pop("TERGEU_DATABASE_URL", None)
    case = OUT / "case"
    seconds, mb = run_measured([sys.executable, "-m", "assistant.cli", "demo", "generate",
                                "--out", str(case), "--scale", args.scale,
                                "--seed", str(args.seed)], env)
    truth = json.loads((case / "truth.json").read_text())
    droppers = truth["droppers"]
    files = sum(1 for p in case.rglob("*") if p.is_file())
    size = sum(p.stat().st_size for p in case.rglob("*") if p.is_file()) / 1e6
    held = sum(float(b["held_usdt"]) for b in truth["beneficiaries"])
    wallets = sum(len(s["payment_wallets"]) for s in truth["shops"])
    print(f"generate --scale {args.scale}: {seconds:.0f} s, peak {mb:.0f} MB; {files:,} files, "
          f"{size:,.0f} MB")
    print(f"  {len(truth['shops'])} shops, {len(droppers):,} dropper accounts "
          f"({sum(d['country'] == 'KZ' for d in droppers):,} Kazakh, "
          f"{sum(d['country'] != 'KZ' for d in droppers):,} foreign), {wallets} crypto accounts, "
          f"{len(truth['beneficiaries'])} beneficiaries holding {held:,.0f} USDT")
    print(f"  {truth['counts']['transfer']:,} USDT transfers, {truth['counts']['bank_row']:,} "
          f"statement rows, {len(truth['messages']):,} messages with payment details")
    folders = [str(f) for f in evidence_folders(case)]
    # The search index is built and measured by bench.search_speed, not here.
    seconds, mb = run_measured([sys.executable, "-m", "assistant.cli", "ingest", "--case",
                                "demo", "--no-index", *folders], env)
    records = sum(truth["counts"][k] for k in ("transfer", "bank_row", "listing", "tag"))
    print(f"ingest: {seconds:.0f} s, peak {mb:.0f} MB, about {records / seconds:,.0f} records/s")


if __name__ == "__main__":
    main()
