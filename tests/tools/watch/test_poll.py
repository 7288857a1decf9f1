"""Polling watched wallets against a scripted TronGrid on loopback: evidence kept, one alert
per event with the transfers that raised it, nothing lost or repeated."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.utils.loopback import serving
from tests.utils.scripted_trongrid import (
    HOT,
    HOUR_MS,
    OTHER,
    PAYER,
    D,
    ScriptedTronGrid,
    W,
    tagpack,
    tron_address,
)
from tools.chains.client import CachedFetcher
from tools.chains.sources import ChainSources
from tools.evidence import vault_path
from tools.ingest.pipeline import ingest_paths
from tools.store import CaseStore
from tools.trace import TraceRequest, load_case_graph, trace
from tools.watch import WatchStore, poll_case
from tools.watch.store import WatchError


@pytest.fixture
def grid():
    g = ScriptedTronGrid()
    past = int(time.time() * 1000) - 48 * HOUR_MS
    g.add(PAYER, W, "1000", past)              # the drug money arrives (history)
    g.add(OTHER, D, "50", past + 1000)         # D is a deposit address: it swept before
    g.add(D, HOT, "50", past + 2000)
    with serving(g.app()) as url:
        g.url = url  # type: ignore[attr-defined]
        yield g


@pytest.fixture
def src(grid, tmp_path):
    with httpx.Client(timeout=10) as client:
        fetcher = CachedFetcher(client, tmp_path / "fetched", min_interval=0, attempts=2)
        yield ChainSources(fetcher, trongrid_url=grid.url)


def test_outflow_to_an_exchange_deposit_raises_one_cited_alert_in_one_poll(
        store: CaseStore, grid, src, tmp_path):
    ingest_paths(store, "c", [tagpack(tmp_path / "exchanges.yaml")])
    watchlist = WatchStore(store.engine)
    watchlist.add("c", [W], "ayana", note="beneficiary of shop 1", threshold="500")

    first = poll_case(store, watchlist, "c", src)
    assert first.imported == 1 and first.alerts == [] and not first.errors
    assert poll_case(store, watchlist, "c", src).imported == 0  # nothing new, nothing kept

    tx = grid.add(W, D, "900")
    report = poll_case(store, watchlist, "c", src)
    assert report.followed == [D]
    assert [a.kind for a in report.alerts] == ["exchange"]
    alert = report.alerts[0]
    assert (alert.address, alert.exchange, alert.deposit_address) == \
        (W, "Qazex exchange hot wallet", D)
    assert alert.amount == "900" and alert.token == "USDT" and alert.balance == "100"
    trigger = [t for t in alert.transfers if t.role == "trigger"]
    assert [(t.tx, t.from_address, t.to_address) for t in trigger] == [(tx, W, D)]
    context = [t for t in alert.transfers if t.role == "context"]
    assert [(t.from_address, t.to_address) for t in context] == [(D, HOT)]
    # The cited transfer is evidence like any other: the fetched page is in the vault.
    record = store.get_record("c", trigger[0].record_id)
    assert record.source.file.startswith(f"{grid.url}/v1/accounts/{W}/transactions/trc20")
    assert vault_path(store.evidence_dir, record.source.sha256).is_file()
    # ... and the trace graph grew: the money is followed to the exchange.
    result = trace(load_case_graph(store, "c"), TraceRequest(addresses=[W]))
    assert {ep.address for ep in result.endpoints} >= {D}

    again = poll_case(store, watchlist, "c", src)
    assert again.alerts == [] and watchlist.count("c") == 1


def test_outflow_above_threshold_and_balance_change(store: CaseStore, grid, src):
    watchlist = WatchStore(store.engine)
    watchlist.add("c", [W], "ayana", threshold="300")
    poll_case(store, watchlist, "c", src)
    far = tron_address("somewhere")
    grid.add(W, far, "200")
    grid.add(W, far, "150")  # split under the threshold, together above it
    report = poll_case(store, watchlist, "c", src)
    assert [(a.kind, a.amount, a.balance, a.balance_change) for a in report.alerts] == \
        [("outflow", "350", "650", "-350")]
    assert len(report.alerts[0].transfers) == 2
    grid.add(PAYER, W, "25")
    grid.add(W, far, "10")
    report = poll_case(store, watchlist, "c", src)
    assert [(a.kind, a.balance_change, a.balance) for a in report.alerts] == \
        [("balance", "15", "665")]


def test_a_page_the_api_garbles_is_an_error_of_that_address_only(store, grid, src):
    watchlist = WatchStore(store.engine)
    bad = tron_address("bad")
    grid.by_address[bad].append({"transaction_id": "zz", "type": "Transfer", "block_timestamp": 1})
    watchlist.add("c", [W, bad], "ayana")
    report = poll_case(store, watchlist, "c", src)
    assert [e.address for e in report.errors] == [bad]
    assert "bad TRC-20 transfer" in (report.errors[0].error or "")
    assert report.imported == 1
    held = {w.address: w for w in watchlist.of_case("c")}
    assert held[bad].last_error and held[W].last_error is None


def test_watching_checks_addresses_and_thresholds(sqlite_store):
    watchlist = WatchStore(sqlite_store.engine)
    with pytest.raises(WatchError, match="not watched"):
        watchlist.add("c", [W[:-1] + ("A" if W[-1] != "A" else "B")], "ayana")
    with pytest.raises(WatchError, match="threshold 'lots': not a number"):
        watchlist.add("c", [W], "ayana", threshold="lots")
    with pytest.raises(WatchError, match="non-negative"):
        watchlist.add("c", [W], "ayana", threshold="-1")
    [w] = watchlist.add("c", [W], "ayana", note="n1", threshold="1 000,5")
    assert (w.threshold, w.token, w.chain) == ("1000.5", "USDT", "tron")
    assert watchlist.remove("c", W) and not watchlist.remove("c", W)
    assert watchlist.of_case("c") == []


def test_a_followed_recipient_sweeping_into_an_exchange_raises_the_exchange_alert(
        store: CaseStore, grid, src, tmp_path):
    ingest_paths(store, "c", [tagpack(tmp_path / "exchanges.yaml")])
    watchlist = WatchStore(store.engine)
    watchlist.add("c", [W], "ayana", threshold="100")
    poll_case(store, watchlist, "c", src)
    fresh = tron_address("a deposit never seen before")
    hop = grid.add(W, fresh, "700")
    report = poll_case(store, watchlist, "c", src)
    assert report.followed == [fresh]
    assert [(a.kind, a.amount) for a in report.alerts] == [("outflow", "700")]
    sweep = grid.add(fresh, HOT, "700")
    report = poll_case(store, watchlist, "c", src)
    [alert] = report.alerts
    assert (alert.kind, alert.exchange, alert.deposit_address, alert.amount) == \
        ("exchange", "Qazex exchange hot wallet", fresh, "700")
    assert [(t.tx, t.role) for t in alert.transfers] == [(hop, "trigger"), (sweep, "context")]
    assert poll_case(store, watchlist, "c", src).alerts == []
