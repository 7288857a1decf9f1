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


def seed_case() -> tuple[dict[str, Any], CaseStore]:
    """(truth.json as a dict, the store it was ingested into); generates it when missing."""
    if not (DEMO / "case" / "truth.json").exists():
        subprocess.run([sys.executable, "-m", "bench.demo_seed"], check=True)
    truth = json.loads((DEMO / "case" / "truth.json").read_text())
    store = connect_store(f"sqlite:///{DEMO / 'home' / 'tergeu.db'}", DEMO / "home" / "evidence")
    return truth, store


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]
