"""What a poll asks each chain API for (recorded replies through httpx.MockTransport): fresh
pages, never the cache, from where the last poll stopped."""

from __future__ import annotations

import json

import httpx

from tests.conftest import SAMPLES
from tools.chains.client import CachedFetcher
from tools.chains.sources import ChainSources


def test_etherscan_and_esplora_polls_resume_and_are_never_cached(tmp_path):
    esplora = json.loads((SAMPLES / "07_esplora_address_txs_style_mempool_random.json")
                         .read_text())
    tokentx = json.loads((SAMPLES / "03_etherscan_tokentx_ryanc414.json").read_text())
    asked: list[httpx.URL] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.url)
        if "blockstream" in str(request.url):
            return httpx.Response(200, json=esplora)
        return httpx.Response(200, json=tokentx)

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        src = ChainSources(CachedFetcher(client, tmp_path, min_interval=0),
                           etherscan_key="SECRET")
        eth = "0x4e83362442b8d1bec281594cea3050c8eb01311c"
        [page] = list(src.new_pages(eth, None))
        last = max(int(t["blockNumber"]) for t in tokentx["result"])
        assert page.cursor == str(last + 1) and page.format == "etherscan_json"
        assert "SECRET" not in page.url and asked[-1].params["action"] == "tokentx"
        assert "startblock" not in asked[-1].params
        [again] = list(src.new_pages(eth, page.cursor))
        assert asked[-1].params["startblock"] == str(last + 1) and len(asked) == 2
        btc = "bc1ql4k3tlur9sf0rlcy5hxd2qulwgnmyc9akehvth"
        for _ in range(2):  # the same URL, asked both times: a poll never reads the cache
            [page] = list(src.new_pages(btc, None))
        assert page.format == "esplora" and page.cursor is None and len(asked) == 4
