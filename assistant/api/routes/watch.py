"""Watching traced wallets over HTTP: the case's watchlist, a poll, and its alerts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Response
from pydantic import BaseModel

from assistant.api.deps import AuditDep, CaseDep, SettingsDep, StoreDep, UserDep
from assistant.services.watch import (
    WatchFromTrace,
    WatchRequest,
    add_watches,
    list_alerts,
    list_watches,
    poll,
    remove_watch,
    watch_beneficiaries,
)
from tools.watch import Alert, PollReport, Watch

router = APIRouter(prefix="/api/cases/{case}", tags=["watch"])


class WatchesPublic(BaseModel):
    data: list[Watch]
    count: int


class AlertsPublic(BaseModel):
    data: list[Alert]
    count: int


@router.get("/watches", response_model=WatchesPublic)
def watches(case: CaseDep, store: StoreDep) -> WatchesPublic:
    """The case's watched addresses, then the recipients followed for them."""
    found = list_watches(store, case)
    return WatchesPublic(data=found, count=len(found))


@router.post("/watches", response_model=WatchesPublic)
def watch(case: CaseDep, body: WatchRequest, store: StoreDep, user: UserDep,
          audit: AuditDep) -> WatchesPublic:
    """Watch addresses (checksums verified); 422 names a bad address or threshold."""
    added = add_watches(store, case, body, user.name)
    audit.append(case, user.name, "watch_add", {"addresses": [w.address for w in added],
                                                "note": body.note,
                                                "threshold": str(body.threshold)})
    return WatchesPublic(data=added, count=len(added))


@router.post("/watches/beneficiaries", response_model=WatchesPublic)
def watch_traced(case: CaseDep, body: WatchFromTrace, store: StoreDep, user: UserDep,
                 audit: AuditDep) -> WatchesPublic:
    """Trace, and watch the final beneficiaries found ("watch these beneficiaries")."""
    added = watch_beneficiaries(store, case, body, user.name)
    audit.append(case, user.name, "watch_add", {
        "addresses": [w.address for w in added], "from_trace": body.trace.model_dump(
            mode="json"), "threshold": str(body.threshold)})
    return WatchesPublic(data=added, count=len(added))


@router.delete("/watches/{address}", status_code=204)
def unwatch(case: CaseDep, address: Annotated[str, Path(max_length=120)], store: StoreDep,
            user: UserDep, audit: AuditDep) -> Response:
    """Stop watching an address (and the recipients followed for it)."""
    if not remove_watch(store, case, address):
        raise HTTPException(status_code=404, detail=f"{address!r} is not watched")
    audit.append(case, user.name, "watch_remove", {"address": address})
    return Response(status_code=204)


@router.post("/watches/poll", response_model=PollReport)
def poll_now(case: CaseDep, store: StoreDep, settings: SettingsDep, user: UserDep,
             audit: AuditDep) -> PollReport:
    """Poll the case's watched addresses now (what `tergeu watch run` does every interval)."""
    audit.append(case, user.name, "watch_poll", {})
    return poll(settings, store, case)


@router.get("/alerts", response_model=AlertsPublic)
def alerts(case: CaseDep, store: StoreDep, user: UserDep, audit: AuditDep,
           limit: Annotated[int, Query(ge=1, le=500)] = 100) -> AlertsPublic:
    """The case's alerts, newest first, each citing the transfer records that raised it."""
    found = list_alerts(store, case, limit)
    audit.append(case, user.name, "alerts_read", {"count": len(found)})
    return AlertsPublic(data=found, count=len(found))
