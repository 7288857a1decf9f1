"""Fuzzing every importer with thousands of damaged real samples per format.

    python -m bench.fuzz_importers [--examples 2000]

Each input must import whole or be refused with a one-line error naming the file (and place),
keeping nothing of it (tests/tools/test_fuzz_importers.py checks each; the test suite runs
60 per format). Prints, per format, how many imported and how many were refused.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from tests.tools.test_fuzz_importers import check_one
from tests.utils.fuzz import FUZZ_SAMPLES, damaged
from tools.store import connect_store


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--examples", type=int, default=2000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = connect_store(f"sqlite:///{Path(tmp) / 'db.sqlite'}", Path(tmp) / "evidence")
        print(f"{'format':<24}{'inputs':>8}{'imported':>10}{'refused':>9}{'seconds':>9}")
        for fmt in sorted(FUZZ_SAMPLES):
            seen: Counter[str] = Counter()
            t0 = time.perf_counter()
            _fuzz(store, fmt, seen, args.examples)()
            total = sum(seen.values())
            print(f"{fmt:<24}{total:>8}{seen['imported']:>10}{seen['rejected']:>9}"
                  f"{time.perf_counter() - t0:>9.1f}", flush=True)


def _fuzz(store, fmt: str, seen: Counter[str], examples: int):  # type: ignore[no-untyped-def]
    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=damaged(FUZZ_SAMPLES[fmt]))
    def run(data: bytes) -> None:
        seen[check_one(store, fmt, data, sum(seen.values()))] += 1

    return run

if __name__ == "__main__":
    main()
