"""Start-up time of the `tergeu` command: `--help`, `stats` and `record`, next to `python -c pass`.

    python -m bench.startup [--n 7]

Each run is a fresh process (`python -m assistant.cli …`, what the `tergeu` script runs);
the median and the fastest of `--n` runs are printed. `stats` and `record` read a case made
of tests/data/evidence in a temporary TERGEU_HOME (imported once, before timing).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EVIDENCE = Path(__file__).resolve().parents[1] / "tests" / "data" / "evidence"
COMMANDS = {
    "python -c pass": ["-c", "pass"],
    "tergeu --help": ["-m", "assistant.cli", "--help"],
    "tergeu stats": ["-m", "assistant.cli", "stats", "--case", "bench"],
    "tergeu record": ["-m", "assistant.cli", "record", "--case", "bench", "tg:900900/6"],
}


def timed(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, *args], env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "TERGEU_HOME": home}
        env.pop("TERGEU_DATABASE_URL", None)
        subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", "--case", "bench",
                        "--no-index", str(EVIDENCE)], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        print(f"{'command':<16} {'median':>8} {'fastest':>8}   ({args.n} fresh processes each)")
        for name, argv in COMMANDS.items():
            runs = [timed(argv, env) for _ in range(args.n)]
            print(f"{name:<16} {statistics.median(runs):>7.2f}s {min(runs):>7.2f}s")


if __name__ == "__main__":
    main()
