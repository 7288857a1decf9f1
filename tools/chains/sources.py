"""Where an address's history is fetched from: TronGrid, Esplora and Etherscan, page by page.

What comes back is written by whoever runs (or sits in front of) the API, and the addresses
asked about come from evidence, so: an address goes into a URL only after its checksum is
verified; pagination is followed only on the configured host; an API key is sent only to its
own host; a reply of the wrong shape is a `FetchError` with a one-line reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from tools.chains.client import CachedFetcher, FetchError
from tools.identifiers import parse_identifier

CHAIN_KINDS = ("tron", "btc", "eth")


@dataclass(frozen=True, slots=True)
class Page:
    url: str
    path: Path
    format: str
    # Where a poll resumes after this page (`ChainSources.new_pages`); None: from the start.
    cursor: str | None = None
    # The transactions the page lists, as fetched: read here, not parsed again from the file.
    items: list[Any] = field(default_factory=list, repr=False, compare=False)


def checked_address(address: str) -> tuple[str, str]:
    """(chain, address) once the address's checksum is verified; FetchError otherwise."""
    ident = parse_identifier(address)
    if ident.kind not in CHAIN_KINDS or ident.error is not None:
        why = ident.error or "not a TRON, Bitcoin or Ethereum address"
        raise FetchError(f"{address[:80]!r}: {why}; not fetched")
    return ident.kind, ident.value


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


def _reply_error(url: str, what: str) -> FetchError:
    return FetchError(f"{url}: unexpected reply: {what}")


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
        chain, address = checked_address(address)
        if chain == "tron":
            yield from self.trongrid(address, "transactions/trc20", "trongrid_trc20")
            yield from self.trongrid(address, "transactions", "trongrid_transactions")
        elif chain == "eth":
            yield from self.etherscan(address)
        else:
            yield from self.esplora(address)

    def new_pages(self, address: str, cursor: str | None) -> Iterator[Page]:
        """A poll: the pages of `address`'s transfers after `cursor` (what the last poll's last
        page returned as its `cursor`; None for the whole history), fetched afresh, oldest
        first where the API can order. Each page carries the cursor to resume after it.

        TRON: TronGrid TRC-20 transfers, confirmed only, from `min_timestamp` (ms) on;
        Ethereum: Etherscan token transfers from `startblock` on; Bitcoin: Esplora's newest
        page (it lists unconfirmed transactions first), the store drops what it holds.
        """
        chain, address = checked_address(address)
        after = _cursor_int(cursor)
        if chain == "tron":
            query: dict[str, str | int] = {"only_confirmed": "true",
                                           "order_by": "block_timestamp,asc"}
            if after is not None:
                query["min_timestamp"] = after
            for page in self.trongrid(address, "transactions/trc20", "trongrid_trc20",
                                      query=query, fresh=True):
                stamps = [t.get("block_timestamp") for t in page.items if isinstance(t, dict)]
                last = max((s for s in stamps if isinstance(s, int)), default=None)
                if last is not None:
                    cursor = str(last + 1)
                yield replace(page, cursor=cursor)
        elif chain == "eth":
            for page in self.etherscan(address, actions=("tokentx",), startblock=after or 0,
                                       fresh=True):
                blocks = [int(t["blockNumber"]) for t in page.items
                          if isinstance(t, dict) and str(t.get("blockNumber", "")).isdigit()]
                if blocks:
                    cursor = str(max(blocks) + 1)
                yield replace(page, cursor=cursor)
        else:
            for page in self.esplora(address, fresh=True, max_pages=1):
                yield replace(page, cursor=cursor)

    def trongrid(self, address: str, endpoint: str, fmt: str,
                 query: dict[str, str | int] | None = None, fresh: bool = False
                 ) -> Iterator[Page]:
        headers = {"TRON-PRO-API-KEY": self.trongrid_key} if self.trongrid_key else {}
        first = (f"{self.trongrid_url}/v1/accounts/{address}/{endpoint}?"
                 + urlencode({"limit": 200, **(query or {})}))
        own_path = urlsplit(first).path
        url: str | None = first
        for _ in range(self.max_pages):
            if url is None:
                break
            body, path = self.fetcher.get(url, headers, fresh=fresh)
            if not isinstance(body, dict) or not isinstance(body.get("data", []), list):
                path.unlink(missing_ok=True)  # not evidence: fetch it again next time
                raise _reply_error(url, "not a TronGrid page ({'data': [...]})")
            yield Page(url, path, fmt, items=body.get("data", []))
            meta = body.get("meta") or {}
            links = meta.get("links") if isinstance(meta, dict) else None
            nxt = links.get("next") if isinstance(links, dict) else None
            if nxt is None:
                break
            if not isinstance(nxt, str) or len(nxt) > 4000:
                raise _reply_error(url, "meta.links.next is not a URL")
            # Only the next page of the same listing on the configured host: the key goes with it.
            if _origin(nxt) != _origin(first) or urlsplit(nxt).path != own_path:
                raise FetchError(f"{url}: next page points elsewhere "
                                 f"({_origin(nxt)[1] or '?'}{urlsplit(nxt).path[:80]}); "
                                 "not followed")
            url = nxt

    def esplora(self, address: str, fresh: bool = False, max_pages: int | None = None
                ) -> Iterator[Page]:
        base = f"{self.esplora_url}/address/{address}/txs"
        url = base
        for _ in range(max_pages or self.max_pages):
            body, path = self.fetcher.get(url, fresh=fresh)
            if not isinstance(body, list) or not all(
                    isinstance(tx, dict) and isinstance(tx.get("txid"), str) for tx in body):
                path.unlink(missing_ok=True)
                raise _reply_error(url, "not a list of Esplora transactions")
            yield Page(url, path, "esplora", items=body)
            confirmed = [tx for tx in body if _confirmed(tx)]
            # Esplora pages confirmed history 25 at a time, after the last txid seen.
            if len(confirmed) < 25:
                break
            txid = confirmed[-1]["txid"]
            if not (len(txid) == 64 and all(c in "0123456789abcdef" for c in txid)):
                raise _reply_error(url, "a txid that is not 64 hex digits")
            url = f"{base}/chain/{txid}"

    def etherscan(self, address: str, actions: tuple[str, ...] = ("tokentx", "txlist"),
                  startblock: int = 0, fresh: bool = False) -> Iterator[Page]:
        for action in actions:
            for page in range(1, self.max_pages + 1):
                query: dict[str, str | int] = {"module": "account", "action": action,
                                               "address": address, "page": page,
                                               "offset": 1000, "sort": "asc"}
                if startblock:
                    query["startblock"] = startblock
                url = f"{self.etherscan_url}?{urlencode(query)}"
                if self.etherscan_key:
                    url += "&" + urlencode({"apikey": self.etherscan_key})
                body, path = self.fetcher.get(url, fresh=fresh)
                shown = _without_key(url)
                result = body.get("result") if isinstance(body, dict) else None
                if not isinstance(result, list):
                    # Etherscan answers errors with a string in `result` ("Max rate limit…").
                    what = str(result)[:120] if isinstance(body, dict) else "not an object"
                    path.unlink(missing_ok=True)  # not evidence: fetch it again next time
                    raise _reply_error(shown, f"no list of transactions ({what})")
                yield Page(shown, path, "etherscan_json", items=result)
                if len(result) < 1000:
                    break


def _cursor_int(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    if not cursor.isdigit() or len(cursor) > 20:
        raise FetchError(f"poll cursor {cursor[:40]!r}: not a number")
    return int(cursor)


def _confirmed(tx: dict[str, Any]) -> bool:
    status = tx.get("status")
    return isinstance(status, dict) and bool(status.get("confirmed"))


def _without_key(url: str) -> str:
    """Evidence cites the URL, never the investigator's API key."""
    return url.split("&apikey=", 1)[0]
