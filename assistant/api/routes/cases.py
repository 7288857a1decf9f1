"""Cases, their records (with the evidence text at the locator) and evidence upload."""

from __future__ import annotations

import tempfile
from pathlib import Path as FsPath
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, HTTPException, Path, Query, UploadFile
from pydantic import BaseModel

from assistant.api.deps import (
    AssignedCaseDep,
    AuditDep,
    CaseDep,
    SettingsDep,
    StoreDep,
    UserDep,
)
from assistant.services.overview import overview as case_overview_of
from assistant.services.records import record_with_source
from assistant.wiring import search_index
from tools.errors import RecordNotFoundError, TergeuError
from tools.ingest.pipeline import ingest_paths
from tools.models import CaseStats, IngestReport, Record
from tools.neighbours import Neighbours, record_neighbours
from tools.overview import CaseOverview

router = APIRouter(prefix="/api/cases", tags=["cases"])


class CasesPublic(BaseModel):
    data: list[str]
    count: int


class RecordPublic(Record):
    accounts: list[str]
    source_text: str


@router.get("", response_model=CasesPublic)
def list_cases(store: StoreDep, user: UserDep) -> CasesPublic:
    """The cases the signed-in user is assigned to (an admin: all)."""
    cases = [c for c in store.cases() if user.may_see(c)]
    return CasesPublic(data=cases, count=len(cases))


@router.get("/{case}", response_model=CaseStats)
def case_stats(case: CaseDep, store: StoreDep) -> CaseStats:
    return store.stats(case)


@router.get("/{case}/records/{record_id:path}/neighbours", response_model=Neighbours)
def get_neighbours(case: CaseDep, record_id: Annotated[str, Path()], store: StoreDep,
                   user: UserDep, audit: AuditDep,
                   n: Annotated[int, Query(ge=1, le=20)] = 3) -> Neighbours:
    """The chat around a message, the statement rows around a row, the transfers that brought
    money to a transfer's sender and took it on from its receiver."""
    audit.append(case, user.name, "record_open", {"record": record_id, "neighbours": n})
    try:
        return record_neighbours(store, case, record_id, n)
    except RecordNotFoundError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc


@router.get("/{case}/records/{record_id:path}", response_model=RecordPublic)
def get_record(case: CaseDep, record_id: Annotated[str, Path()], store: StoreDep,
               user: UserDep, audit: AuditDep) -> RecordPublic:
    """A record, its source (file, SHA-256, locator) and the evidence text at the locator."""
    audit.append(case, user.name, "record_open", {"record": record_id})
    try:
        found = record_with_source(store, case, record_id)
    except RecordNotFoundError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    except TergeuError as exc:
        raise HTTPException(status_code=500, detail=str(exc)) from exc
    return RecordPublic(**found.record.model_dump(), accounts=found.accounts,
                        source_text=found.excerpt)


@router.post("/{case}/files", response_model=IngestReport)
def upload_files(case: AssignedCaseDep,
                 uploads: list[UploadFile], store: StoreDep, background: BackgroundTasks,
                 settings: SettingsDep, user: UserDep, audit: AuditDep) -> IngestReport:
    """Upload evidence files and import them (format detected from content); messages and
    listings become searchable shortly after (they are indexed after the response)."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for n, up in enumerate(uploads):
            # The uploaded name is kept (records cite it) but never used as a path.
            name = FsPath(up.filename or f"upload-{n}").name or f"upload-{n}"
            target = FsPath(tmp) / f"{n:04d}" / name
            target.parent.mkdir()
            _save_upload(up, target, name, settings.max_upload_mb << 20)
            paths.append(target)
        report = ingest_paths(store, case, paths)
    audit.append(case, user.name, "upload", {"files": [
        {"file": f.file, "sha256": f.sha256, "status": f.status} for f in report.files]})
    # Embedding thousands of messages takes minutes: the import's answer does not wait for it.
    background.add_task(search_index(settings, store, case).update)
    if report.rejected and len(report.rejected) == len(report.files):
        raise HTTPException(status_code=400, detail=[f.error for f in report.rejected])
    return report


def _save_upload(up: UploadFile, target: FsPath, name: str, limit: int) -> None:
    """Copy an upload to disk, refusing it (413, nothing imported) past `limit` bytes."""
    size = 0
    with target.open("wb") as fh:
        while chunk := up.file.read(1 << 20):
            size += len(chunk)
            if size > limit:
                raise HTTPException(status_code=413, detail=(
                    f"{name}: larger than {limit >> 20} MB, refused; nothing was imported"))
            fh.write(chunk)


@router.get("/{case}/overview", response_model=CaseOverview)
def overview(case: CaseDep, store: StoreDep,
             top: Annotated[int, Query(ge=1, le=100)] = 10) -> CaseOverview:
    """Shops, the droppers' accounts used most, and where the shops' money came to rest."""
    return case_overview_of(store, case, top)
