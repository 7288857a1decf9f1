"""`tergeu deconflict` and `tergeu case-owner` as a user runs them, and the hits under a lookup."""

import json
import os
import subprocess
import sys

import pytest

from tests.utils.shared_evidence import shared_identifiers, write_shared_listings
from tools.demo.generate import evidence_folders, generate_case


@pytest.fixture
def tergeu(tmp_path):
    env = {**os.environ, "TERGEU_HOME": str(tmp_path / "home")}
    env.pop("TERGEU_DATABASE_URL", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "assistant.cli", *args], env=env,
                              capture_output=True, text=True, timeout=120)

    return run


def test_deconflict_lists_the_shared_identifiers_with_the_contact(tergeu, tmp_path):
    truth = generate_case(tmp_path / "a", seed=1)
    s = shared_identifiers(truth)
    listings = write_shared_listings(tmp_path / "b" / "listings.jsonl", s)
    assert tergeu("ingest", "--no-index", "--case", "aurora",
                  *map(str, evidence_folders(tmp_path / "a"))).returncode == 0
    assert tergeu("ingest", "--no-index", "--case", "borealis", str(listings)).returncode == 0
    owner = tergeu("case-owner", "--case", "aurora", "Ахметов А.", "--contact", "+7 717 0001")
    assert owner.stdout.strip() == "case aurora: contact Ахметов А., +7 717 0001"

    done = tergeu("deconflict", "--case", "borealis")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "case borealis: 5 identifier(s) also in other cases (aurora 5)"
    assert f"  card {s.card}: also in case aurora (contact: Ахметов А., +7 717 0001), " \
           "1 record" in lines
    as_json = json.loads(tergeu("deconflict", "--case", "borealis", "--json").stdout)
    assert as_json["count"] == 5
    assert all(h["also_in"][0]["record_ids"] is None for h in as_json["shared"])

    spaced = " ".join(s.card[i:i + 4] for i in range(0, 16, 4))
    look = tergeu("lookup", "--case", "aurora", spaced)
    assert f"card {s.card}: also in case borealis (contact: —), 1 record" in look.stdout

    shown = tergeu("audit", "show", "--case", "aurora", "--json").stdout
    trail = [json.loads(line) for line in shown.splitlines() if line.strip()]
    seen = [e for e in trail if e["action"] == "deconflict_seen"]
    assert seen and seen[0]["details"]["from_case"] == "borealis"
    assert seen[0]["details"]["via"] == "cli" and seen[0]["user"].startswith("os:")
    assert tergeu("deconflict", "--case", "nope").returncode == 2
    bad = tergeu("case-owner", "--case", "a/b", "X")
    assert (bad.returncode, bad.stderr.strip()) == (
        2, "case 'a/b': letters, digits, '.', '-' and '_' only")
