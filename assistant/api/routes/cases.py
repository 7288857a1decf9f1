"""Cases, their records (with the evidence text at the locator) and evidence upload."""

from __future__ import annotations

import tempfile
from pathlib import Path as FsPath
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from assistant.api.deps import (
    AssignedCaseDep,
    AuditDep,
    CaseDep,
    SettingsDep,
    StoreDep,
    UserDep,
)
from assistant.api.memory import release_freed_memory
from assistant.api.routes.deconflict import OVERVIEW_HITS, OverviewPublic
from assistant.api.uploads import UploadLimits, receive_files
from assistant.services.deconflict import deconflict_case
from assistant.services.ingest import import_evidence, top_up_graph
from assistant.services.overview import overview as case_overview_of
from assistant.services.records import record_with_source
from assistant.wiring import search_index
from tools.models import CaseStats, IngestReport, Record
from tools.neighbours import Neighbours, record_neighbours

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
def case_stats(case: CaseDep, store: StoreDep, user: UserDep, audit: AuditDep) -> CaseStats:
    """The case's records and accounts by kind, and its files."""
    audit.append(case, user.name, "case_open", {})
    return store.stats(case)


@router.get("/{case}/records/{record_id:path}/neighbours", response_model=Neighbours)
def get_neighbours(case: CaseDep, record_id: Annotated[str, Path()], store: StoreDep,
                   user: UserDep, audit: AuditDep,
                   n: Annotated[int, Query(ge=1, le=20)] = 3) -> Neighbours:
    """The chat around a message, the statement rows around a row, the transfers that brought
    money to a transfer's sender and took it on from its receiver."""
    audit.append(case, user.name, "record_open", {"record": record_id, "neighbours": n})
    return record_neighbours(store, case, record_id, n)


@router.get("/{case}/records/{record_id:path}", response_model=RecordPublic)
def get_record(case: CaseDep, record_id: Annotated[str, Path()], store: StoreDep,
               user: UserDep, audit: AuditDep) -> RecordPublic:
    """A record, its source (file, SHA-256, locator) and the evidence text at the locator."""
    audit.append(case, user.name, "record_open", {"record": record_id})
    found = record_with_source(store, case, record_id)
    return RecordPublic(**found.record.model_dump(), accounts=found.accounts,
                        source_text=found.excerpt)


_MULTIPART = {"requestBody": {"required": True, "content": {"multipart/form-data": {
    "schema": {"type": "object", "required": ["uploads"], "properties": {"uploads": {
        "type": "array", "items": {"type": "string", "format": "binary"}}}}}}}}


@router.post("/{case}/files", response_model=IngestReport, openapi_extra=_MULTIPART)
async def upload_files(request: Request, case: AssignedCaseDep, store: StoreDep,
                       background: BackgroundTasks, settings: SettingsDep, user: UserDep,
                       audit: AuditDep) -> IngestReport:
    """Upload evidence files (multipart, field `uploads`) and import them (format detected
    from content); messages and listings become searchable shortly after (they are indexed
    after the response).

    Each file may be `TERGEU_MAX_UPLOAD_MB`, the request `TERGEU_MAX_UPLOAD_REQUEST_MB`; the
    first byte past either is answered 413 and nothing is imported. Names: folders are
    dropped; `..`, names over 255 bytes and names with control or right-to-left characters
    are refused (400). Every attempt is in the audit trail with names, sizes and SHA-256,
    before anything is imported."""
    limits = UploadLimits(file_bytes=settings.max_upload_mb << 20,
                          request_bytes=settings.max_upload_request_mb << 20,
                          files=settings.max_upload_files)
    with tempfile.TemporaryDirectory() as tmp:
        received, refused = await receive_files(request.headers, request.stream(),
                                                FsPath(tmp), limits)
        sent = [f.audit() for f in received]
        if refused is not None:
            await run_in_threadpool(audit.append, case, user.name, "upload_refused", {
                "status": refused.status, "reason": refused.detail, "files": sent})
            raise HTTPException(status_code=refused.status, detail=refused.detail)
        await run_in_threadpool(audit.append, case, user.name, "upload_received",
                                {"files": sent})
        report = await run_in_threadpool(
            import_evidence, store, case, [f.path for f in received], commit_every=1,
            update_graph=False)
        await run_in_threadpool(release_freed_memory)
    await run_in_threadpool(audit.append, case, user.name, "upload", {"files": [
        {"file": f.file, "sha256": f.sha256, "status": f.status} for f in report.files]})
    # Embedding thousands of messages takes minutes, and rewriting a large case's graph
    # seconds: the import's answer waits for neither.
    background.add_task(top_up_graph, store, case, report)
    background.add_task(search_index(settings, store, case).update)
    background.add_task(release_freed_memory)
    if report.rejected and len(report.rejected) == len(report.files):
        raise HTTPException(status_code=400, detail=[f.error for f in report.rejected])
    return report


@router.get("/{case}/overview", response_model=OverviewPublic)
def overview(case: CaseDep, store: StoreDep, user: UserDep, audit: AuditDep,
             top: Annotated[int, Query(ge=1, le=100)] = 10) -> OverviewPublic:
    """Shops, the droppers' accounts used most, where the shops' money came to rest, and the
    identifiers other cases hold too (`also_in`, the first 20; all: `/deconflict`)."""
    audit.append(case, user.name, "overview", {"top": top})
    shared = deconflict_case(store, user, case, "api", OVERVIEW_HITS)
    return OverviewPublic(**dict(case_overview_of(store, case, top)), also_in=shared.shared,
                          shared_count=shared.count, shared_cases=shared.cases)
