"""The seed-scale demo case the latency benchmarks share (made by bench.demo_seed once)."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from tools.store import CaseStore, connect_store

DEMO = Path(__file__).parent / "out" / "demo"


def seed_case(root: Path = DEMO) -> tuple[dict[str, Any], CaseStore]:
    """(truth.json as a dict, the store it was ingested into) of the case in `root` (`case/`
    and `home/`, as bench.demo_seed and bench.seed_end_to_end leave them); the default one is
    generated when missing."""
    if root == DEMO and not (DEMO / "case" / "truth.json").exists():
        subprocess.run([sys.executable, "-m", "bench.demo_seed"], check=True)
    truth = json.loads((root / "case" / "truth.json").read_text())
    store = connect_store(f"sqlite:///{root / 'home' / 'tergeu.db'}", root / "home" / "evidence")
    return truth, store


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]
