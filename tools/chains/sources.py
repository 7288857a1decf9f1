"""Where an address's history is fetched from: TronGrid, Esplora and Etherscan, page by page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from tools.chains.client import CachedFetcher, FetchError


@dataclass(frozen=True, slots=True)
class Page:
    url: str
    path: Path
    format: str


@dataclass(slots=True)
class ChainSources:
    """Base URLs and keys of the chain APIs (from settings), and the fetcher they share."""

    fetcher: CachedFetcher
    trongrid_url: str = "https://api.trongrid.io"
    trongrid_key: str | None = None
    esplora_url: str = "https://blockstream.info/api"
    etherscan_url: str = "https://api.etherscan.io/api"
    etherscan_key: str | None = None
    max_pages: int = 20

    def pages(self, address: str) -> Iterator[Page]:
        """Every page of `address`'s transfers, by the chain its format names."""
        if address.startswith("T") and len(address) == 34:
            yield from self.trongrid(address, "transactions/trc20", "trongrid_trc20")
            yield from self.trongrid(address, "transactions", "trongrid_transactions")
        elif address.startswith("0x"):
            yield from self.etherscan(address)
        elif address[:1] in ("1", "3") or address.lower().startswith("bc1"):
            yield from self.esplora(address)
        else:
            raise FetchError(f"{address}: not a TRON, Bitcoin or Ethereum address")

    def trongrid(self, address: str, endpoint: str, fmt: str) -> Iterator[Page]:
        headers = {"TRON-PRO-API-KEY": self.trongrid_key} if self.trongrid_key else {}
        url: str | None = (f"{self.trongrid_url}/v1/accounts/{address}/{endpoint}?"
                           + urlencode({"limit": 200}))
        for _ in range(self.max_pages):
            if url is None:
                break
            body, path = self.fetcher.get(url, headers)
            yield Page(url, path, fmt)
            meta = body.get("meta") or {}
            url = (meta.get("links") or {}).get("next")

    def esplora(self, address: str) -> Iterator[Page]:
        base = f"{self.esplora_url}/address/{address}/txs"
        url = base
        for _ in range(self.max_pages):
            body, path = self.fetcher.get(url)
            yield Page(url, path, "esplora")
            confirmed = [tx for tx in body if (tx.get("status") or {}).get("confirmed")]
            # Esplora pages confirmed history 25 at a time, after the last txid seen.
            if len(confirmed) < 25:
                break
            url = f"{base}/chain/{confirmed[-1]['txid']}"

    def etherscan(self, address: str) -> Iterator[Page]:
        for action in ("tokentx", "txlist"):
            for page in range(1, self.max_pages + 1):
                query = {"module": "account", "action": action, "address": address,
                         "page": page, "offset": 1000, "sort": "asc"}
                url = f"{self.etherscan_url}?{urlencode(query)}"
                if self.etherscan_key:
                    url += "&apikey=" + self.etherscan_key
                body, path = self.fetcher.get(url)
                yield Page(_without_key(url), path, "etherscan_json")
                if len(body.get("result") or []) < 1000:
                    break


def _without_key(url: str) -> str:
    """Evidence cites the URL, never the investigator's API key."""
    return url.split("&apikey=", 1)[0]
