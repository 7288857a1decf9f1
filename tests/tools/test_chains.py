"""Live expansion against recorded API responses served by httpx.MockTransport (no internet)."""

import json

import httpx
import pytest

from tests.conftest import SAMPLES
from tools.chains.client import CachedFetcher, FetchError
from tools.chains.expand import expand_address, trace_with_expansion
from tools.chains.sources import ChainSources
from tools.ingest.pipeline import ingest_paths
from tools.trace import TraceRequest

TRC20 = json.loads((SAMPLES / "01_trongrid_trc20_ledger.json").read_text())
TRX = json.loads((SAMPLES / "02_trongrid_trx_transactions_ledger.json").read_text())
ADDRESS = "TL24LCps5FKwp3PoU1MvrYrwhi5LU1tHre"


class Api:
    """Serves recorded TronGrid pages; counts requests; can answer 429 first."""

    def __init__(self, throttle: int = 0) -> None:
        self.requests: list[httpx.Request] = []
        self.throttle = throttle

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.throttle:
            self.throttle -= 1
            return httpx.Response(429, headers={"Retry-After": "0"})
        url = str(request.url)
        if ADDRESS not in url:
            return httpx.Response(200, json={"data": [], "success": True, "meta": {"at": 1}})
        if "/transactions/trc20" in url and "fingerprint=abc" not in url:
            first = {"data": TRC20["data"][:2], "success": True,
                     "meta": {"at": 1, "page_size": 2, "fingerprint": "abc",
                              "links": {"next": url + "&fingerprint=abc"}}}
            return httpx.Response(200, json=first)
        if "/transactions/trc20" in url:
            return httpx.Response(200, json={"data": TRC20["data"][2:], "success": True,
                                             "meta": {"at": 1, "page_size": 1}})
        if "/transactions" in url:
            return httpx.Response(200, json=TRX)
        return httpx.Response(404)


def sources(tmp_path, api) -> ChainSources:
    client = httpx.Client(transport=httpx.MockTransport(api))
    return ChainSources(CachedFetcher(client, tmp_path / "cache", min_interval=0),
                        trongrid_url="https://api.trongrid.io", trongrid_key="k")


def test_trongrid_pages_followed_and_imported_with_the_url_as_source(sqlite_store, tmp_path):
    api = Api()
    reports = expand_address(sqlite_store, "c", ADDRESS, sources(tmp_path, api))
    assert [r.status for r in reports] == ["imported"] * 3
    assert sum(sum(r.records.values()) for r in reports) == 5  # 3 TRC-20, 2 TRX (+1 duplicate)
    assert reports[2].duplicate_records == 1
    assert api.requests and all(r.headers["TRON-PRO-API-KEY"] == "k" for r in api.requests)
    rec = sqlite_store.get_record("c", "tron:3f8b651bdf4a301a08693a2fa4b0d5fd808927ad658aa279ba030215fecdd6b3#b46749f8")
    assert rec.source.file == f"https://api.trongrid.io/v1/accounts/{ADDRESS}/transactions?limit=200"


def test_pages_are_cached_on_disk(sqlite_store, tmp_path):
    api = Api()
    src = sources(tmp_path, api)
    list(src.pages(ADDRESS))
    asked = len(api.requests)
    list(src.pages(ADDRESS))
    assert len(api.requests) == asked == 3


def test_rate_limited_requests_are_retried(tmp_path):
    api = Api(throttle=2)
    body, path = sources(tmp_path, api).fetcher.get(
        f"https://api.trongrid.io/v1/accounts/{ADDRESS}/transactions")
    assert len(api.requests) == 3 and body["data"] and path.exists()


def test_upstream_failure_is_a_fetch_error_naming_the_url(tmp_path):
    api = Api(throttle=99)
    fetcher = sources(tmp_path, api).fetcher
    fetcher._get.retry.stop = lambda state: state.attempt_number >= 2  # type: ignore[attr-defined]
    with pytest.raises(FetchError, match="api.trongrid.io"):
        fetcher.get("https://api.trongrid.io/v1/accounts/x/transactions")


def test_esplora_and_etherscan_pages(tmp_path):
    esplora = json.loads((SAMPLES / "07_esplora_address_txs_style_mempool_random.json").read_text())
    tokentx = json.loads((SAMPLES / "03_etherscan_tokentx_ryanc414.json").read_text())

    def handler(request: httpx.Request) -> httpx.Response:
        if "blockstream" in str(request.url):
            return httpx.Response(200, json=esplora)
        action = request.url.params["action"]
        return httpx.Response(200, json=tokentx if action == "tokentx" else {"status": "0", "message": "No transactions found", "result": []})

    client = httpx.Client(transport=httpx.MockTransport(handler))
    src = ChainSources(CachedFetcher(client, tmp_path, min_interval=0), etherscan_key="SECRET")
    btc = list(src.pages("bc1ql4k3tlur9sf0rlcy5hxd2qulwgnmyc9akehvth"))
    assert [p.format for p in btc] == ["esplora"]
    eth = list(src.pages("0x4e83362442b8d1bec281594cea3050c8eb01311c"))
    assert [p.format for p in eth] == ["etherscan_json", "etherscan_json"]
    assert all("SECRET" not in p.url for p in eth)


def test_trace_fetches_where_the_case_data_stops(sqlite_store, tmp_path):
    # The case knows only that 1 USDT went from TVKG… to ADDRESS, where the data stops.
    page = {"data": [TRC20["data"][1]], "success": True, "meta": {"at": 1, "page_size": 1}}
    (tmp_path / "case.json").write_text(json.dumps(page))
    ingest_paths(sqlite_store, "c", [tmp_path / "case.json"])
    req = TraceRequest(addresses=["TVKG4gUar24bpAVrDv4GSzyDRtPkjPkogL"])
    offline, _ = trace_with_expansion(sqlite_store, "c", req, sources(tmp_path, Api()), 0)
    assert [(e.address, e.reason) for e in offline.endpoints] == [(ADDRESS, "beneficiary")]

    result, fetched = trace_with_expansion(sqlite_store, "c", req, sources(tmp_path, Api()))
    # ADDRESS's fetched history shows the USDT moving on; the next address has none.
    assert fetched == [ADDRESS, "TXVj38D1XR3TPgSHTCZGC8wkLDAGqF1oqx"]
    [end] = result.endpoints
    assert (end.address, end.reason, end.amount) == (
        "TXVj38D1XR3TPgSHTCZGC8wkLDAGqF1oqx", "beneficiary", "1")
    assert end.path[-1].record_id.startswith("tron:0130dfde")
