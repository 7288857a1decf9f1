"""A new user's ordinary work, timed on an earlier commit and on this tree in the same run.

    python -m bench.before_after [--base REV] [--reps 5] [--scale small]

Checks REV out into a temporary git worktree (default: the commit before issue 17's bounds,
`b980896`), writes the demo case once, and runs the same `tergeu` commands from both trees,
each in a fresh process as a user runs them, alternating base and head so that a busy machine
slows both alike: import the case (with its search index), stats, a record with its source, a
trace, a lookup, a search and a question. Prints each command's median wall time per tree and
the ratio head / base. Both trees run in this Python environment (this tree's dependencies).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tools.demo.generate import evidence_folders, generate_case

ROOT = Path(__file__).resolve().parents[1]
BASE = "b980896"


@dataclass(frozen=True)
class Tree:
    name: str
    path: Path
    home: Path

    def run(self, *args: str, check: bool = True) -> float:
        env = {**os.environ, "TERGEU_HOME": str(self.home), "PYTHONPATH": str(self.path)}
        env.pop("TERGEU_DATABASE_URL", None)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "assistant.cli", *args], cwd=self.path,
                              env=env, capture_output=True, text=True, timeout=1800)
        seconds = time.perf_counter() - started
        if check and done.returncode != 0:
            raise SystemExit(f"{self.name}: tergeu {' '.join(args)} → exit {done.returncode}: "
                             f"{done.stderr.strip()[-300:]}")
        return seconds


def commands(case: Path) -> list[tuple[str, list[str]]]:
    truth = json.loads((case / "truth.json").read_text())
    shop = truth["shops"][0]
    wallet = shop["payment_wallets"][0]
    card = truth["droppers"][0]["card"]
    return [
        ("stats", ["stats", "--case", "demo"]),
        ("record", ["record", "--case", "demo", truth["drug_listings"][0]]),
        ("trace", ["trace", "--case", "demo", wallet]),
        ("lookup", ["lookup", "--case", "demo", card]),
        ("search", ["search", "--case", "demo", "меф Караганда"]),
        ("ask", ["ask", "--case", "demo", f"Куда ушли деньги с {wallet}?"]),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", default=BASE, help="The earlier commit (default: %(default)s)")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--scale", default="small")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="tergeu-before-after-") as tmp:
        root = Path(tmp)
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q",
                        str(root / "base"), args.base], check=True)
        try:
            measure(root, args.base, args.reps, args.scale)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                            str(root / "base")], check=False)


def measure(root: Path, base: str, reps: int, scale: str) -> None:
    case = root / "case"
    generate_case(case, seed=1, scale=scale)  # type: ignore[arg-type]
    folders = [str(p) for p in evidence_folders(case)]
    trees = [Tree(f"base {base}", root / "base", root / "home-base"),
             Tree("head", ROOT, root / "home-head")]
    times: dict[tuple[str, str], list[float]] = {}
    for rep in range(reps):
        for tree in trees if rep % 2 == 0 else trees[::-1]:
            home = tree.home.with_name(f"{tree.home.name}-import-{rep}")
            t = Tree(tree.name, tree.path, home)
            times.setdefault(("import (with index)", tree.name), []).append(
                t.run("ingest", "--case", "demo", *folders))
    for tree in trees:
        tree.run("ingest", "--case", "demo", *folders)
    for label, argv in commands(case):
        for rep in range(reps):
            for tree in trees if rep % 2 == 0 else trees[::-1]:
                times.setdefault((label, tree.name), []).append(tree.run(*argv))
    print(f"{os.cpu_count()} cores, demo scale {scale}, {reps} runs each, median wall seconds "
          "of a fresh `tergeu` process")
    print(f"{'command':<22} {trees[0].name:>16} {'head':>10} {'head/base':>10}")
    for label in dict.fromkeys(k[0] for k in times):
        b = statistics.median(times[(label, trees[0].name)])
        h = statistics.median(times[(label, trees[1].name)])
        print(f"{label:<22} {b:>16.2f} {h:>10.2f} {h / b:>10.2f}")


if __name__ == "__main__":
    main()
