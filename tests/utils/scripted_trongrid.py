"""A scripted TronGrid on loopback: TRC-20 transfer pages in the real format, history added
between polls, requests counted, and a request that can be held open (to kill a poller
while it waits on it).

Serves `/v1/accounts/{address}/transactions/trc20` with TronGrid's `limit`,
`min_timestamp`, `max_timestamp`, `only_confirmed`, `order_by=block_timestamp,asc|desc`
and `fingerprint` paging (`meta.links.next`), as api.trongrid.io answers it.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tools.ingest.tron import USDT, hex_to_base58

USDT_INFO = {"symbol": "USDT", "address": USDT, "decimals": 6, "name": "Tether USD"}


def tron_address(seed: str) -> str:
    """A valid (checksummed) TRON address derived from `seed`."""
    return hex_to_base58("41" + hashlib.sha256(seed.encode()).hexdigest()[:40])


def now_ms() -> int:
    return int(time.time() * 1000)


# The scene of the watch tests: a beneficiary W got drug money from PAYER; D is a deposit
# address of the exchange whose hot wallet HOT is tagged (it swept OTHER's coins before).
HOUR_MS = 3600_000
W = tron_address("beneficiary")
D = tron_address("deposit")
HOT = tron_address("hot wallet")
PAYER = tron_address("payer")
OTHER = tron_address("another customer")


def tagpack(path: Path) -> Path:
    """A GraphSense TagPack naming HOT an exchange's wallet."""
    path.write_text(f"""title: Exchanges
creator: test
category: exchange
network: TRX
tags:
  - address: {HOT}
    label: Qazex exchange hot wallet
""", encoding="utf-8")
    return path



@dataclass
class ScriptedTronGrid:
    transfers: list[dict[str, Any]] = field(default_factory=list)
    by_address: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: defaultdict(list))
    requests: list[str] = field(default_factory=list)
    # address -> (arrived, release): a request for it signals `arrived`, then waits.
    held: dict[str, tuple[threading.Event, threading.Event]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, frm: str, to: str, usdt: str | Decimal, ts_ms: int | None = None) -> str:
        """A USDT transfer `frm` → `to`; returns its transaction id."""
        with self.lock:
            n = len(self.transfers)
            tx = hashlib.sha256(f"{frm}{to}{usdt}{n}".encode()).hexdigest()
            item = {"transaction_id": tx, "token_info": USDT_INFO,
                    "block_timestamp": ts_ms if ts_ms is not None else now_ms() + n,
                    "from": frm, "to": to, "type": "Transfer",
                    "value": str(int(Decimal(str(usdt)) * 10**6))}
            self.transfers.append(item)
            self.by_address[frm].append(item)
            if to != frm:
                self.by_address[to].append(item)
        return tx

    def hold(self, address: str) -> threading.Event:
        """Hold the next request for `address` open; returns the event set when it arrives
        (`release(address)` lets it answer)."""
        arrived = threading.Event()
        self.held[address] = (arrived, threading.Event())
        return arrived

    def release(self, address: str) -> None:
        if address in self.held:
            self.held.pop(address)[1].set()

    def page(self, request: Request) -> JSONResponse:
        address = request.path_params["address"]
        self.requests.append(address)
        if address in self.held:
            arrived, release = self.held[address]
            arrived.set()
            release.wait(timeout=60)
        q = request.query_params
        limit = min(int(q.get("limit", 20)), 200)
        lo = int(q.get("min_timestamp", 0))
        hi = int(q.get("max_timestamp", 1 << 62))
        with self.lock:
            items = [t for t in self.by_address.get(address, [])
                     if lo <= t["block_timestamp"] <= hi]
        items.sort(key=lambda t: (t["block_timestamp"], t["transaction_id"]),
                   reverse=q.get("order_by", "block_timestamp,desc").endswith("desc"))
        start = int(q.get("fingerprint", 0))
        chunk = items[start:start + limit]
        meta: dict[str, Any] = {"at": now_ms(), "page_size": len(chunk)}
        if start + limit < len(items):
            meta["fingerprint"] = str(start + limit)
            nxt = request.url.include_query_params(fingerprint=str(start + limit))
            meta["links"] = {"next": str(nxt)}
        return JSONResponse({"data": chunk, "success": True, "meta": meta})

    async def script_add(self, request: Request) -> JSONResponse:
        """POST /_script/add [{from, to, usdt, ts_ms?}…]: transfers added from another process."""
        txs = [self.add(t["from"], t["to"], t["usdt"], t.get("ts_ms"))
               for t in await request.json()]
        return JSONResponse({"added": txs})

    def script_requests(self, request: Request) -> JSONResponse:
        return JSONResponse({"requests": len(self.requests)})

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/v1/accounts/{address}/transactions/trc20", self.page),
            Route("/_script/add", self.script_add, methods=["POST"]),
            Route("/_script/requests", self.script_requests)])


if __name__ == "__main__":  # a server of its own process: python -m … PORT
    import sys

    import uvicorn

    uvicorn.run(ScriptedTronGrid().app(), host="127.0.0.1", port=int(sys.argv[1]),
                log_level="error")
