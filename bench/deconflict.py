"""Deconfliction across many cases: how fast a lookup learns which other cases hold an identifier.

    python -m bench.deconflict [--cases 100] [--seed-case synthetic|real|none] [--n 500]

Builds (once, under bench/out/deconflict) one store with `--cases` small demo cases, each of
its own seed, and each naming a few identifiers of the case before it in other spellings
(a listings file: a card spaced, a phone as 8 (7xx), an IBAN in lower case, a beneficiary
wallet, a bot), so that every case has hits. Then one case of seed size:
- `synthetic` (default): 56,000 identifier rows written straight into the index, the mix of
  the seed case (15,000 cards, 2,000 phones, 22,000 IBANs, 10,000 ИИН, 6,912 wallets, 40 bots),
  300 of them shared with the small cases; this measures the index, not an import;
- `real`: the index rows of the case `python -m bench.demo_seed` imported (bench/out/demo),
  copied in as case `seed` (run that bench first: minutes, 500 MB of evidence);
- `none`: the small cases only.

Prints p50/p95 (wall clock, and CPU time, which a loaded machine moves less) of: the
engine's query for one identifier as written (parsed and normalised), the service's (the
contact from case metadata, both audit trails written), a whole lookup with its hits, and
the list of every shared identifier of a small case and of the seed case.
"""

from __future__ import annotations

import argparse
import random
import shutil
import time
from pathlib import Path

from sqlalchemy import func, insert, select

from bench.seed_case import DEMO, pct
from tests.utils.shared_evidence import shared_identifiers, write_shared_listings
from tools.demo.generate import evidence_folders, generate_case
from tools.demo.truth import Truth
from tools.ingest.pipeline import ingest_paths
from tools.store import CaseStore, connect_store
from tools.store.schema import case_identifiers

OUT = Path(__file__).parent / "out" / "deconflict"
SEED_MIX = {"card": 15_000, "phone": 2_000, "iban": 22_000, "iin": 10_000, "tron": 6_912,
            "bot": 40}


def build(cases: int) -> CaseStore:
    """The store with `cases` small cases; kept between runs (delete OUT to rebuild)."""
    store = connect_store(f"sqlite:///{OUT / 'tergeu.db'}", OUT / "evidence")
    have = set(store.cases())
    started = time.perf_counter()
    previous = None
    for n in range(1, cases + 1):
        name = f"case{n:03d}"
        folder = OUT / "cases" / name
        truth = Truth.model_validate_json((folder / "truth.json").read_text()) \
            if (folder / "truth.json").exists() else generate_case(folder, seed=1000 + n)
        if name not in have:
            ingest_paths(store, name, evidence_folders(folder))
            if previous is not None:
                listings = write_shared_listings(folder / "shared" / "listings.jsonl",
                                                 shared_identifiers(previous))
                ingest_paths(store, name, [listings])
        previous = truth
        shutil.rmtree(folder / "bank", ignore_errors=True)  # the vault holds them already
    print(f"{cases} small cases ready in {time.perf_counter() - started:.1f} s")
    return store


def add_seed_case(store: CaseStore, how: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(case_identifiers.delete().where(case_identifiers.c.case == "seed"))
        if how == "none":
            return
        if how == "real":
            if not (DEMO / "home" / "tergeu.db").exists():
                raise SystemExit("--seed-case real: run python -m bench.demo_seed first")
            real = connect_store(f"sqlite:///{DEMO / 'home' / 'tergeu.db'}",
                                 DEMO / "home" / "evidence")
            with real.engine.connect() as src:
                rows = [dict(r._mapping, case="seed") for r in src.execute(
                    select(case_identifiers).where(case_identifiers.c.case == "demo"))]
        else:
            rng = random.Random(7)
            ids = {f"{kind}:{kind}{rng.getrandbits(64):020d}" for kind, n in SEED_MIX.items()
                   for _ in range(n)}
            small = list(conn.execute(select(case_identifiers.c.id)
                                      .where(case_identifiers.c.case != "seed")).scalars())
            ids.update(rng.sample(small, min(300, len(small))))
            rows = [{"case": "seed", "id": i, "kind": i.split(":", 1)[0],
                     "records": rng.randint(1, 40)} for i in sorted(ids)]
        for k in range(0, len(rows), 5000):
            conn.execute(insert(case_identifiers), rows[k:k + 5000])
        conn.exec_driver_sql("ANALYZE")


def timed(fn, items) -> tuple[list[float], list[float], int]:  # type: ignore[no-untyped-def]
    """Wall and CPU milliseconds per call, and how many calls found something."""
    wall, cpu, hits = [], [], 0
    for item in items:
        t, c = time.perf_counter(), time.process_time()
        hits += bool(fn(item))
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - t) * 1000)
    return wall, cpu, hits


def report(what: str, wall: list[float], cpu: list[float], hits: int) -> None:
    print(f"{what:<50} n={len(wall):>4}  p50 {pct(wall, 50):6.2f} ms  "
          f"p95 {pct(wall, 95):6.2f} ms  (CPU p50 {pct(cpu, 50):6.2f}, "
          f"p95 {pct(cpu, 95):6.2f})  found {hits}")


def main() -> None:
    from assistant.services.deconflict import deconflict_case, identifier_hits
    from assistant.services.lookup import lookup
    from assistant.users import User
    from tools.deconflict import case_shared_identifiers, shared_identifiers

    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=100)
    ap.add_argument("--seed-case", choices=("synthetic", "real", "none"), default="synthetic")
    ap.add_argument("--n", type=int, default=500)
    args = ap.parse_args()
    store = build(args.cases)
    add_seed_case(store, args.seed_case)
    with store.engine.connect() as conn:
        per_case = dict(conn.execute(select(case_identifiers.c.case, func.count())
                                     .group_by(case_identifiers.c.case)).all())
        rng = random.Random(1)
        small = [c for c in per_case if c != "seed"]
        sample = [(c, i) for c in rng.choices(small, k=args.n) for i in conn.execute(
            select(case_identifiers.c.id).where(case_identifiers.c.case == c)
            .order_by(func.random()).limit(1)).scalars()]
    total = sum(per_case.values())
    print(f"index: {total:,} identifiers in {len(per_case)} cases "
          f"(seed: {per_case.get('seed', 0):,})")
    # As people write them: the value part (a card's digits, a wallet, +7…), parsed again.
    written = [(c, i.split(":", 1)[1] if not i.startswith("bot:") else "@" + i[4:])
               for c, i in sample]
    report("engine: one identifier as written", *timed(
        lambda ci: shared_identifiers(store, ci[0], [ci[1]]), written))
    if per_case.get("seed"):
        with store.engine.connect() as conn:
            own = list(conn.execute(select(case_identifiers.c.id).where(
                case_identifiers.c.case == "seed").order_by(func.random())
                .limit(args.n)).scalars())
        report("engine: one id of the seed case", *timed(
            lambda i: shared_identifiers(store, "seed", [i]), own))
    viewer = {c: User(name="bench", role="analyst", cases=[c]) for c in small}
    report("service: hits with contact, audited in both cases", *timed(
        lambda ci: identifier_hits(store, viewer[ci[0]], ci[0], [ci[1]], "api"),
        sample[:200]))
    with store.engine.connect() as conn:  # cards two small cases hold: lookups with a hit
        cards = [(c, i.split(":", 1)[1]) for i, c in conn.execute(
            select(case_identifiers.c.id, func.min(case_identifiers.c.case))
            .where(case_identifiers.c.kind == "card", case_identifiers.c.case != "seed")
            .group_by(case_identifiers.c.id).having(func.count() > 1).limit(3))]
    for c, _ in cards[:3]:
        lookup(store, c, cards[0][1])  # the case graphs, as a running server holds them
    report("lookup of a card alone (graph held)", *timed(
        lambda ci: lookup(store, ci[0], ci[1]).matches, cards[:3] * 10))
    report("lookup of a card with its hits (graph held)", *timed(
        lambda ci: lookup(store, ci[0], ci[1]).matches and identifier_hits(
            store, viewer[ci[0]], ci[0], [f"card:{ci[1]}"], "api"), cards[:3] * 10))
    report("engine: every shared identifier of a small case", *timed(
        lambda c: case_shared_identifiers(store, c), rng.choices(small, k=100)))
    if per_case.get("seed"):
        report("engine: every shared identifier of the seed case", *timed(
            lambda c: case_shared_identifiers(store, c), ["seed"] * 20))
    report("service: deconflict a small case (audited)", *timed(
        lambda c: deconflict_case(store, viewer[c], c, "cli").shared, rng.choices(small, k=50)))


if __name__ == "__main__":
    main()
