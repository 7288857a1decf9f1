"""Watching traced wallets: the watchlist, a poll, the poller loop and the alerts, for the
CLI, the API and the UI alike.

An alert, once committed by a poll, is put in the case's audit trail and sent to the
office's webhook (`TERGEU_WATCH__WEBHOOK_URL`); both are done from the alerts not yet marked
done, so a poller killed in between does them on its next run.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from decimal import Decimal

from pydantic import BaseModel, Field
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from assistant.config import Settings
from assistant.wiring import Memo, audit_trail, chain_sources
from tools.store import CaseStore
from tools.trace import TraceRequest
from tools.watch import Alert, PollReport, Watch, WatchStore, poll_case
from tools.watch.store import MAX_ADD, MAX_NOTE
from tools.watch.webhook import WebhookError, deliver

log = logging.getLogger(__name__)

POLLER = "watch-poller"  # who the audit trail names for what the poller does

_watchlists: Memo[WatchStore] = Memo()
# One poll of a case at a time in this process (the API's "poll now" and its poller).
_poll_locks: Memo[threading.Lock] = Memo()


class WatchRequest(BaseModel):
    addresses: list[str] = Field(min_length=1, max_length=MAX_ADD,
                                 description="Addresses to watch (TRON, Ethereum, Bitcoin)")
    note: str | None = Field(default=None, max_length=MAX_NOTE, description="Why it is watched")
    threshold: Decimal | None = Field(
        default=None, ge=0, description="An outflow above this many tokens raises an alert "
        "(default 0: every outflow)")


class WatchFromTrace(BaseModel):
    """Watch the final beneficiaries a trace finds."""

    trace: TraceRequest
    note: str | None = Field(default=None, max_length=MAX_NOTE)
    threshold: Decimal | None = Field(default=None, ge=0)


def watchlist(engine: Engine) -> WatchStore:
    """The watchlist of the store on `engine` (its tables created once per process)."""
    return _watchlists.get(engine, lambda: WatchStore(engine))


def add_watches(store: CaseStore, case: str, req: WatchRequest, user: str) -> list[Watch]:
    """Watch `req.addresses` in `case`. Raises WatchError (bad address or threshold)."""
    return watchlist(store.engine).add(case, req.addresses, user, note=req.note,
                                       threshold=req.threshold)


def watch_beneficiaries(store: CaseStore, case: str, req: WatchFromTrace, user: str
                        ) -> list[Watch]:
    """Trace `req.trace` and watch the final beneficiaries it finds ("watch these
    beneficiaries"); none found is a WatchError. Raises NoTransfersError as trace does."""
    from assistant.services.trace import trace_from
    from tools.watch.store import WatchError

    result = trace_from(store, case, req.trace).result
    found = [ep.address for ep in result.endpoints if ep.reason == "beneficiary"]
    if not found:
        raise WatchError("the trace found no final beneficiary to watch")
    note = req.note or f"beneficiary traced from {', '.join(req.trace.addresses)[:200]}"
    return watchlist(store.engine).add(case, found, user, note=note, threshold=req.threshold)


def remove_watch(store: CaseStore, case: str, address: str) -> bool:
    return watchlist(store.engine).remove(case, address)


def list_watches(store: CaseStore, case: str) -> list[Watch]:
    return watchlist(store.engine).of_case(case)


def list_alerts(store: CaseStore, case: str, limit: int = 500) -> list[Alert]:
    """The case's alerts, newest first, each with the transfers it cites."""
    return watchlist(store.engine).alerts(case, limit=limit)


def poll(settings: Settings, store: CaseStore, case: str) -> PollReport:
    """One poll of `case`'s watchlist: fetch, import, alert, then audit and send the alerts."""
    sources = chain_sources(settings)
    sources.fetcher.min_interval = settings.watch.min_interval
    try:
        with _poll_locks.get((str(store.engine.url), case), threading.Lock):
            report = poll_case(store, watchlist(store.engine), case, sources,
                               settings.watch.max_follow)
    finally:
        sources.fetcher.client.close()
    settle_alerts(settings, store)
    return report


def settle_alerts(settings: Settings, store: CaseStore) -> None:
    """Audit the alerts not yet in the audit trail and send the undelivered ones to the
    webhook; a webhook that fails leaves its alerts for the next poll."""
    wl = watchlist(store.engine)
    trail = audit_trail(store.engine)
    for alert in wl.undone("audited_at"):
        trail.append(alert.case, POLLER, "watch_alert", {
            "alert": alert.id, "kind": alert.kind, "address": alert.address,
            "amount": alert.amount, "token": alert.token, "exchange": alert.exchange,
            "deposit_address": alert.deposit_address, "records": alert.record_ids})
        wl.mark(alert.id, "audited_at")
    url = settings.watch.webhook_url
    if not url:
        return
    import httpx

    secret = settings.watch.webhook_secret
    with httpx.Client(timeout=15.0, headers={"User-Agent": "tergeu/0.1"}) as client:
        for alert in wl.undone("delivered_at"):
            try:
                deliver(client, url, alert, secret.get_secret_value() if secret else None)
            except WebhookError as exc:
                log.warning("alert %d: %s", alert.id, exc)
                wl.mark(alert.id, "delivered_at", error=str(exc))
                return  # the office is down: the rest wait for the next poll, in order
            wl.mark(alert.id, "delivered_at")


def run_poller(settings: Settings, store: CaseStore, case: str | None, once: bool,
               interval: float, on_report: Callable[[PollReport], None],
               stop: threading.Event | None = None) -> None:
    """Poll `case` (or every case with watches) now and then every `interval` seconds,
    until `stop` is set (or once). A case whose poll fails is reported, the others go on."""
    stop = stop or threading.Event()
    while True:
        started = time.monotonic()
        cases = [case] if case else watchlist(store.engine).cases()
        for c in cases:
            try:
                on_report(poll(settings, store, c))
            except OperationalError as exc:
                if once:
                    raise
                # The database is busy or away for a while: this case waits for the next round.
                log.warning("poll of case %s: %s", c, exc.orig or exc)
        if once or stop.wait(max(0.0, interval - (time.monotonic() - started))):
            return
