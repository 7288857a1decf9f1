"""The `tergeu` command as a user runs it: a real process, a real store in TERGEU_HOME."""

import json
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EVIDENCE, SAMPLES
from tests.utils.big_evidence import write_trc20_pages


@pytest.fixture
def tergeu(tmp_path):
    env = {**os.environ, "TERGEU_HOME": str(tmp_path / "home")}
    env.pop("TERGEU_DATABASE_URL", None)

    def run(*args: str, **more_env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "assistant.cli", *args],
                              env={**env, **more_env}, capture_output=True, text=True,
                              timeout=120)

    return run


def test_ingest_summary_stats_and_record_with_its_source_text(tergeu):
    done = tergeu("ingest", "--case", "aurora", str(EVIDENCE))
    assert done.returncode == 0, done.stderr
    assert "bank_row" in done.stdout and "38" in done.stdout
    assert "skipped as duplicate: 0 file(s)" in done.stdout

    again = tergeu("ingest", "--case", "aurora", str(EVIDENCE))
    assert "skipped as duplicate: 7 file(s)" in again.stdout

    stats = json.loads(tergeu("stats", "--case", "aurora", "--json").stdout)
    assert stats["records"]["message"] == 12 and stats["accounts"]["card"] == 3
    assert {f["name"] for f in stats["files"]} >= {"kaspi_statement.xlsx", "listings.jsonl"}
    assert all(len(f["sha256"]) == 64 for f in stats["files"])

    rec = json.loads(tergeu("record", "--case", "aurora", "tg:900900/6", "--json").stdout)
    assert rec["source"]["file"] == "telegram_full_export.json"
    assert rec["source"]["locator"] == "/chats/list/0/messages/5"
    assert "Карта сменилась" in rec["source_text"]
    assert any(a.startswith("card:") for a in rec["accounts"])


def test_bad_file_one_line_error_exit_2_and_good_files_still_imported(tergeu, tmp_path):
    bad = tmp_path / "statement.csv"
    lines = (EVIDENCE / "home_credit_statement.csv").read_text(encoding="utf-8").splitlines()
    cells = lines[2].split(",")
    cells[0] = "31.02.2025 25:00:00"
    lines[2] = ",".join(cells)
    bad.write_text("\n".join(lines), encoding="utf-8")
    done = tergeu("ingest", "--case", "c", str(bad), str(SAMPLES / "01_trongrid_trc20_ledger.json"))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "statement.csv:line:3: unreadable date '31.02.2025 25:00:00'"]
    stats = json.loads(tergeu("stats", "--case", "c", "--json").stdout)
    assert stats["records"] == {"transfer": 3}
    assert [f["name"] for f in stats["files"]] == ["01_trongrid_trc20_ledger.json"]


def test_stats_of_a_case_of_many_files_counts_them_by_format_and_lists_a_few(tergeu, tmp_path):
    write_trc20_pages(tmp_path / "pages", 80, 2, random.Random(5))
    assert tergeu("ingest", "--case", "c", "--no-index", str(tmp_path / "pages")).returncode == 0
    shown = tergeu("stats", "--case", "c", COLUMNS="200").stdout
    every = json.loads(tergeu("stats", "--case", "c", "--json").stdout)["files"]
    assert len(every) == 40
    fmt = every[0]["format"]
    assert any([cell.strip() for cell in line.split("│")[1:4]] == [fmt, "40", "80"]
               for line in shown.splitlines() if line.count("│") >= 4), shown
    assert sum(f["name"][:20] in shown for f in every) == 30
    assert "… and 10 more files" in shown


def test_unknown_record_is_exit_2(tergeu):
    done = tergeu("record", "--case", "c", "tg:1/1")
    assert done.returncode == 2
    assert "no record 'tg:1/1' in case 'c'" in done.stderr


def test_corrupt_spreadsheet_is_refused_with_its_name(tergeu, tmp_path: Path):
    broken = tmp_path / "kaspi.xlsx"
    broken.write_bytes((EVIDENCE / "kaspi_statement.xlsx").read_bytes()[:3000])
    done = tergeu("ingest", "--case", "c", str(broken))
    assert done.returncode == 2
    assert done.stderr.startswith("kaspi.xlsx: ")
    assert len(done.stderr.strip().splitlines()) == 1


def test_an_import_behind_another_writer_says_the_store_is_busy(tergeu, tmp_path: Path):
    assert tergeu("ingest", "--case", "c", str(SAMPLES / "01_trongrid_trc20_ledger.json"))\
        .returncode == 0
    before = json.loads(tergeu("stats", "--case", "c", "--json").stdout)
    holder = sqlite3.connect(tmp_path / "home" / "tergeu.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another import, holding the write lock
    try:
        done = tergeu("ingest", "--case", "c", str(EVIDENCE), TERGEU_STORE_LOCK_WAIT="1")
    finally:
        holder.rollback()
        holder.close()
    assert done.returncode == 75
    assert done.stderr.startswith("the case store is busy")
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert json.loads(tergeu("stats", "--case", "c", "--json").stdout) == before


def test_demo_writes_and_loads_the_small_case_once(tergeu, tmp_path):
    first = tergeu("demo")
    assert first.returncode == 0, first.stderr
    assert "demo case written to" in first.stdout and "transfer" in first.stdout
    second = tergeu("demo")
    assert second.returncode == 0 and "0 file(s) imported" in second.stdout
    stats = json.loads(tergeu("stats", "--case", "demo", "--json").stdout)
    truth = json.loads((tmp_path / "home" / "demo-case" / "truth.json").read_text())
    assert stats["records"]["transfer"] == truth["counts"]["transfer"]


def test_demo_generate_unknown_scale_is_exit_2(tergeu, tmp_path):
    done = tergeu("demo", "generate", "--out", str(tmp_path / "x"), "--scale", "huge")
    assert done.returncode == 2
    assert done.stderr.strip() == "--scale: unknown scale 'huge'; known: small, medium, seed"


def test_trace_from_shop_treasury_reaches_the_truth_beneficiaries(tergeu, tmp_path):
    assert tergeu("demo").returncode == 0
    truth = json.loads((tmp_path / "home" / "demo-case" / "truth.json").read_text())
    shop = truth["shops"][0]
    done = tergeu("trace", "--case", "demo", shop["treasury"], "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    ends = {e["address"]: e for e in result["endpoints"]}
    beneficiaries = {b["address"] for b in truth["beneficiaries"]}
    assert set(ends) & beneficiaries
    for e in result["endpoints"]:
        assert e["path"] and e["path"][0]["from_address"] == shop["treasury"]
    text = tergeu("trace", "--case", "demo", shop["treasury"], "--policy", "fifo")
    assert "forward trace, fifo, 7 hops" in text.stdout


def test_trace_bad_options_and_unknown_address_are_exit_2(tergeu):
    assert tergeu("demo").returncode == 0
    bad = tergeu("trace", "--case", "demo", "TXVj38D1XR3TPgSHTCZGC8wkLDAGqF1oqx", "--hops", "99")
    assert bad.returncode == 2 and bad.stderr.startswith("--hops: ")
    unknown = tergeu("trace", "--case", "demo", "TXVj38D1XR3TPgSHTCZGC8wkLDAGqF1oqx")
    assert unknown.returncode == 2
    assert "no transfers of TXVj38D1XR3TPgSHTCZGC8wkLDAGqF1oqx in case 'demo'" in unknown.stderr


def test_trace_from_a_dropper_card_follows_its_shops_wallets(tergeu, tmp_path):
    assert tergeu("demo").returncode == 0
    truth = json.loads((tmp_path / "home" / "demo-case" / "truth.json").read_text())
    dropper = truth["droppers"][0]
    shop = next(s for s in truth["shops"] if s["id"] == dropper["shop"])
    card = " ".join(dropper["card"][i:i + 4] for i in range(0, 16, 4))
    done = tergeu("trace", "--case", "demo", card, "--json")
    assert done.returncode == 0, done.stderr
    assert f"handed out by {shop['id']}" in done.stderr
    assert set(json.loads(done.stdout)["request"]["addresses"]) == set(shop["payment_wallets"])


def test_lookup_prints_the_profile_or_why_the_identifier_is_invalid(tergeu, tmp_path):
    assert tergeu("demo").returncode == 0
    truth = json.loads((tmp_path / "home" / "demo-case" / "truth.json").read_text())
    record_id, [(kind, card)] = next((r, d) for r, d in truth["messages"].items() if d[0][0] == "card")
    done = tergeu("lookup", "--case", "demo", card)
    assert done.returncode == 0 and record_id in done.stdout and "handed out by" in done.stdout
    as_json = json.loads(tergeu("lookup", "--case", "demo", card, "--json").stdout)
    assert as_json["matches"][0]["id"] == f"card:{card}"
    bad = tergeu("lookup", "--case", "demo", card[:-1] + str((int(card[-1]) + 1) % 10))
    assert bad.returncode == 2 and "Luhn checksum fails" in bad.stderr
    absent = tergeu("lookup", "--case", "demo", "4400 4301 2345 6789")
    assert absent.returncode == 0 and "valid, but not in case 'demo'" in absent.stdout


def test_search_cites_hits_and_refuses_bad_options(tergeu, tmp_path):
    done = tergeu("demo")
    assert done.returncode == 0 and "search index:" in done.stdout
    hits = json.loads(tergeu("search", "--case", "demo", "шишки", "--kind", "listing",
                             "--json").stdout)["hits"]
    assert hits and all(h["kind"] == "listing" and h["source"]["locator"] for h in hits)
    assert "cannabis" in hits[0]["drugs"]
    text = tergeu("search", "--case", "demo", "меф", "--limit", "2")
    assert text.returncode == 0 and " 1. " in text.stdout and "result.json /chats/list/" in text.stdout
    bad = tergeu("search", "--case", "demo", "меф", "--mode", "magic")
    assert bad.returncode == 2 and "--mode: unknown mode 'magic'" in bad.stderr


def test_ask_prints_the_answer_and_its_citations(tergeu, tmp_path):
    assert tergeu("demo").returncode == 0
    done = tergeu("ask", "--case", "demo", "обзор дела")
    assert done.returncode == 0 and done.stdout.startswith("Обзор дела")
    truth = json.loads((tmp_path / "home" / "demo-case" / "truth.json").read_text())
    wallet = truth["shops"][0]["payment_wallets"][0]
    answer = json.loads(tergeu("ask", "--case", "demo", f"куда ушли деньги с {wallet}?",
                               "--json").stdout)
    assert answer["verified"] and answer["citations"]
    assert answer["answer"].startswith(f"Куда ушли деньги с {wallet}")


def test_users_get_a_token_once_and_revocation_takes_it_away(tergeu, tmp_path):
    from assistant.config import Settings
    from assistant.users import Users
    from assistant.wiring import open_store

    added = tergeu("user", "add", "aigerim", "--role", "prosecutor", "--case", "aurora")
    token = added.stdout.strip()
    assert added.returncode == 0 and len(token) >= 40
    again = tergeu("user", "add", "aigerim")
    assert again.returncode == 2 and again.stderr.strip() == "user 'aigerim' exists"
    bad = tergeu("user", "add", "x", "--role", "boss")
    assert bad.returncode == 2 and "one of prosecutor, analyst, admin" in bad.stderr
    users = Users(open_store(Settings(home=tmp_path / "home")).engine)
    assert users.authenticate(token).cases == ["aurora"]
    assert token not in (tmp_path / "home" / "tergeu.db").read_bytes().decode("latin-1")
    assert tergeu("user", "revoke", "aigerim").returncode == 0
    assert users.authenticate(token) is None
    assert tergeu("user", "list").stdout.split() == ["aigerim", "prosecutor", "aurora"]


def test_audit_verify_names_a_tampered_entry(tergeu, tmp_path):
    from sqlalchemy import update

    from assistant.audit import audit_log
    from assistant.config import Settings
    from assistant.wiring import audit_trail, open_store

    store = open_store(Settings(home=tmp_path / "home"))
    log = audit_trail(store.engine)  # the trail has a database of its own beside the store
    for q in ("обзор дела", "куда ушли деньги", "кто стоит за картой"):
        log.append("aurora", "aigerim", "ask", {"question": q})
    ok = tergeu("audit", "verify")
    assert ok.returncode == 0 and ok.stdout.startswith("aurora: 3 entries, head ")
    assert ok.stdout.strip().endswith("intact")
    with log.engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.n == 2).values(user="someone"))
    bad = tergeu("audit", "verify", "--case", "aurora")
    assert bad.returncode == 2 and bad.stderr.strip() == "aurora: entry 2 edited"
    shown = tergeu("audit", "show", "--case", "aurora", "--json").stdout.splitlines()
    assert len(shown) == 3 and '"question":"обзор дела"' in shown[0]


def test_generated_demo_folder_imports_as_it_is(tergeu, tmp_path):
    folder = tmp_path / "D"
    assert tergeu("demo", "generate", "--out", str(folder)).returncode == 0
    done = tergeu("ingest", "--case", "x", "--no-index", str(folder))
    assert done.returncode == 0, done.stderr
    assert "skipped ABOUT.txt: the demo generator's description" in done.stdout
    assert "skipped truth.json: the demo generator's answer key" in done.stdout
    stats = json.loads(tergeu("stats", "--case", "x", "--json").stdout)
    names = {f["name"] for f in stats["files"]}
    assert names and "result.json" in names and "exchanges.yaml" in names
    assert not names & {"ABOUT.txt", "truth.json"}


def test_commands_that_read_evidence_are_in_the_audit_trail_under_the_os_user(tergeu):
    import getpass

    assert tergeu("ingest", "--case", "aurora", "--no-index", str(EVIDENCE)).returncode == 0
    assert tergeu("record", "--case", "aurora", "tg:900900/6").returncode == 0
    assert tergeu("lookup", "--case", "aurora", "KZ09 722S 0000 0000 0001").returncode in (0, 2)
    shown = [json.loads(line) for line in
             tergeu("audit", "show", "--case", "aurora", "--json").stdout.splitlines()]
    actions = [(e["action"], e["user"], e["details"].get("via")) for e in shown]
    me = f"os:{getpass.getuser()}"
    assert actions[:2] == [("upload_received", me, "cli"), ("upload", me, "cli")]
    assert ("record_opened", me, "cli") in actions and ("lookup", me, "cli") in actions
    upload = next(e for e in shown if e["action"] == "upload")
    assert upload["details"]["files"] and all(len(f["sha256"]) == 64
                                              for f in upload["details"]["files"])
    assert tergeu("audit", "verify", "--case", "aurora").returncode == 0
