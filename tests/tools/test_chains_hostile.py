"""Fetching stays where it was pointed (issue 17, point 8): hostile API replies and addresses."""

import httpx
import pytest

from tools.chains import client as chains_client
from tools.chains.client import CachedFetcher, FetchError
from tools.chains.sources import ChainSources

ADDRESS = "TL24LCps5FKwp3PoU1MvrYrwhi5LU1tHre"
BAD_CHECKSUM = "TL24LCps5FKwp3PoU1MvrYrwhi5LU1tHrf"


class Recorder:
    def __init__(self, reply) -> None:
        self.reply = reply
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.reply(request)


def sources(tmp_path, reply) -> tuple[ChainSources, Recorder]:
    api = Recorder(reply)
    client = httpx.Client(transport=httpx.MockTransport(api), follow_redirects=True)
    return ChainSources(CachedFetcher(client, tmp_path / "cache", min_interval=0, attempts=1),
                        trongrid_url="https://api.trongrid.io", trongrid_key="KEY",
                        esplora_url="https://esplora.test/api",
                        etherscan_url="https://etherscan.test/api",
                        etherscan_key="EKEY"), api


def page(next_url):
    return {"data": [], "success": True, "meta": {"links": {"next": next_url}}}


@pytest.mark.parametrize("next_url", [
    "https://evil.test/v1/accounts/x/transactions/trc20",
    "http://api.trongrid.io/v1/accounts/" + ADDRESS + "/transactions/trc20",
    "https://api.trongrid.io:8443/v1/accounts/" + ADDRESS + "/transactions/trc20",
    "https://api.trongrid.io/internal-admin?x=1",
    "https://api.trongrid.io@evil.test/v1/accounts/" + ADDRESS + "/transactions/trc20",
])
def test_next_page_elsewhere_is_not_followed_and_the_key_stays_home(tmp_path, next_url):
    src, api = sources(tmp_path, lambda r: httpx.Response(200, json=page(next_url)))
    with pytest.raises(FetchError, match="next page points elsewhere") as err:
        list(src.pages(ADDRESS))
    assert "\n" not in str(err.value)
    assert [r.url.host for r in api.requests] == ["api.trongrid.io"]


def test_next_page_on_the_same_listing_is_followed(tmp_path):
    first = f"https://api.trongrid.io/v1/accounts/{ADDRESS}/transactions/trc20?limit=200"

    def reply(request):
        if "fingerprint" in str(request.url) or "/trc20" not in str(request.url):
            return httpx.Response(200, json={"data": [], "meta": {}})
        return httpx.Response(200, json=page(first + "&fingerprint=f"))

    src, api = sources(tmp_path, reply)
    assert len(list(src.pages(ADDRESS))) == 3
    assert all(r.headers["TRON-PRO-API-KEY"] == "KEY" for r in api.requests)


def test_a_redirect_is_not_followed_so_the_key_goes_nowhere_else(tmp_path):
    src, api = sources(tmp_path, lambda r: httpx.Response(
        302, headers={"Location": "https://evil.test/steal"}))
    with pytest.raises(FetchError, match="HTTP 302"):
        list(src.pages(ADDRESS))
    assert [r.url.host for r in api.requests] == ["api.trongrid.io"]


@pytest.mark.parametrize("address", [
    "1/../../internal-admin?x=", BAD_CHECKSUM, "0x" + "g" * 40, "bc1qnotachecksum000000000",
    "T" * 34, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",  # EIP-55 checksum wrong
])
def test_an_address_without_a_valid_checksum_never_reaches_a_url(tmp_path, address):
    src, api = sources(tmp_path, lambda r: httpx.Response(200, json=[]))
    with pytest.raises(FetchError, match="not fetched"):
        list(src.pages(address))
    assert api.requests == []


@pytest.mark.parametrize(("address", "body", "reason"), [
    (ADDRESS, [1, 2, 3], "not a TronGrid page"),
    (ADDRESS, {"data": "x"}, "not a TronGrid page"),
    (ADDRESS, {"data": [], "meta": {"links": {"next": 5}}}, "meta.links.next is not a URL"),
    ("bc1ql4k3tlur9sf0rlcy5hxd2qulwgnmyc9akehvth", {"error": "x"}, "not a list of Esplora"),
    ("bc1ql4k3tlur9sf0rlcy5hxd2qulwgnmyc9akehvth", [{"txid": 5}], "not a list of Esplora"),
    ("0x4e83362442b8d1bec281594cea3050c8eb01311c",
     {"status": "0", "result": "Max rate limit reached"}, "Max rate limit reached"),
    ("0x4e83362442b8d1bec281594cea3050c8eb01311c", [1], "not an object"),
])
def test_malformed_replies_are_a_one_line_fetch_error(tmp_path, address, body, reason):
    src, _ = sources(tmp_path, lambda r: httpx.Response(200, json=body))
    with pytest.raises(FetchError, match="unexpected reply") as err:
        list(src.pages(address))
    assert reason in str(err.value) and "\n" not in str(err.value)
    assert "EKEY" not in str(err.value)
    if "next" not in reason:  # a page of the wrong shape is not kept as evidence
        assert not list((tmp_path / "cache").glob("*.json"))


def test_a_reply_past_the_size_bound_is_refused_while_streaming(tmp_path, monkeypatch):
    monkeypatch.setattr(chains_client, "MAX_REPLY_BYTES", 1000)
    src, _ = sources(tmp_path, lambda r: httpx.Response(200, content=b"[" + b"0," * 5000 + b"0]"))
    with pytest.raises(FetchError, match="reply larger than"):
        list(src.pages("bc1ql4k3tlur9sf0rlcy5hxd2qulwgnmyc9akehvth"))
