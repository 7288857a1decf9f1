"""Freeze and information request letters over HTTP: DOCX and PDF, every fact checked."""

from __future__ import annotations

import base64
from typing import Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from assistant.agent.ledger import ClaimCheck
from assistant.api.deps import AuditDep, CaseDep, SettingsDep, StoreDep, UserDep
from assistant.services.letters import LetterSummary, draft_letter
from tools.letters import LetterRequest

router = APIRouter(prefix="/api/cases/{case}", tags=["letters"])

MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "pdf": "application/pdf"}


class LetterFiles(BaseModel):
    summary: LetterSummary
    checks: list[ClaimCheck] = Field(description="Each statement and the records it cites")
    docx: str = Field(description="The DOCX, base64")
    pdf: str = Field(description="The PDF, base64")


@router.post("/letters", response_model=LetterFiles,
             responses={200: {"content": {m: {} for m in MEDIA.values()}}})
def letter(case: CaseDep, req: LetterRequest, store: StoreDep, settings: SettingsDep,
           user: UserDep, audit: AuditDep,
           format: Literal["json", "docx", "pdf"] = Query(  # noqa: B008
               default="json", description="json (both files, base64), docx or pdf")
           ) -> LetterFiles | Response:
    """A freeze and information request to an exchange, or a freeze request to a token's
    issuer, for the addresses: every fact cited [n] and checked against the case's records,
    the evidence files re-hashed. 422 when a fact is not supported or the letter cannot be
    written as asked (the detail says why); 404 when the trace asked for has no start."""
    audit.append(case, user.name, "letter", {**req.model_dump(mode="json"), "format": format})
    drafted = draft_letter(store, case, req, settings.letter_templates)
    if format == "json":
        return LetterFiles(summary=drafted.summary, checks=drafted.checks,
                           docx=base64.b64encode(drafted.docx).decode(),
                           pdf=base64.b64encode(drafted.pdf).decode())
    name = f"{drafted.summary.filename}.{format}"
    body = drafted.docx if format == "docx" else drafted.pdf
    return Response(body, media_type=MEDIA[format], headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})
