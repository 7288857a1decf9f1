"""The FastAPI application: routes, health check, and API docs served without internet."""

from __future__ import annotations

import hashlib
import logging

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exception_handlers import http_exception_handler
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from swagger_ui_bundle import swagger_ui_path

from assistant.agent.guards import ModelServerError
from assistant.api.deps import UserDep
from assistant.api.limits import BodyLimit, DeniedLog
from assistant.api.routes import (
    audit,
    cases,
    deconflict,
    investigate,
    letters,
    openai_compat,
    watch,
)
from assistant.audit import SERVER, is_lock_error
from assistant.config import get_settings
from assistant.users import User
from assistant.wiring import audit_trail, shared_store
from tools.errors import NoTransfersError, RecordNotFoundError, TergeuError
from tools.letters.facts import LetterError
from tools.watch.store import WatchError

log = logging.getLogger(__name__)

DENIED = (401, 403, 404)
MAX_JSON_BODY = 1 << 20  # a question is 2,000 characters; a trace request a few addresses
BUSY = "the case store is busy with an import; try again in a minute"
# The errors a request can meet, by the HTTP status that says them; the first type that
# matches wins. A model server that times out, cannot be reached or answers an error is the
# server's failure, not the user's (503); any other error of the engine (evidence missing from
# the vault, say) is a 500 that still says what went wrong.
ERROR_STATUS: dict[type[Exception], int] = {NoTransfersError: 404, RecordNotFoundError: 404,
                                            WatchError: 422, LetterError: 422,
                                            ModelServerError: 503, TergeuError: 500}


def create_app() -> FastAPI:
    # FastAPI's default /docs loads Swagger UI from a CDN: a blank page on a closed network.
    app = FastAPI(title="Tergeu", version="0.1.0", docs_url=None, redoc_url=None,
                  description="Investigating drug-trade money: cases, evidence records with "
                              "citations, tracing, account lookup and listing search.")
    # The bundled Swagger UI (4.15) reads OpenAPI 3.0 documents, not 3.1.
    app.openapi_version = "3.0.3"
    app.mount("/static/swagger-ui", StaticFiles(directory=swagger_ui_path), name="swagger-ui")
    app.include_router(cases.router)
    app.include_router(investigate.router)
    app.include_router(deconflict.router)
    app.include_router(letters.router)
    app.include_router(audit.router)
    app.include_router(audit.server_router)
    app.include_router(openai_compat.router)
    app.include_router(watch.router)
    app.add_middleware(BodyLimit, limit=MAX_JSON_BODY)
    app.state.denied_log = DeniedLog()

    @app.exception_handler(StarletteHTTPException)
    async def denied_is_audited(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code in DENIED:
            await run_in_threadpool(audit_denied, request, exc)
        if request.url.path.startswith(openai_compat.router.prefix + "/"):
            return openai_compat.error_response(exc)  # what OpenAI clients show as the reason
        return await http_exception_handler(request, exc)

    async def error_status(request: Request, exc: Exception) -> Response:
        # What the case cannot answer as asked, said by its type (ERROR_STATUS), audited and
        # shaped like any other refusal.
        status = next(code for kind, code in ERROR_STATUS.items() if isinstance(exc, kind))
        return await denied_is_audited(request, StarletteHTTPException(status, str(exc)))

    for kind in ERROR_STATUS:
        app.add_exception_handler(kind, error_status)

    @app.exception_handler(OperationalError)
    async def busy_is_503(request: Request, exc: OperationalError) -> Response:
        # SQLite's "database is locked" after its waits and our retries: never a bare 500.
        if not is_lock_error(exc):
            raise exc
        log.warning("%s %s: %s", request.method, request.url.path, exc.orig)
        return JSONResponse({"detail": BUSY}, status_code=503, headers={"Retry-After": "30"})

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json", title="Tergeu API",
            swagger_js_url="/static/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/swagger-ui/favicon-32x32.png")

    @app.get("/api/me", response_model=User, tags=["users"])
    def me(user: UserDep) -> User:
        """The signed-in user: name, role and assigned cases."""
        return user

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def audit_denied(request: Request, exc: StarletteHTTPException) -> None:
    """A refused request into the server's chain: who (the user, or a fingerprint of the token
    presented), from where, what was asked and why it was refused. Never the token itself.
    At most 60 a minute per client address; past that they are counted, and the count is
    in the client's next entry (`not_logged_before`)."""
    client = request.client.host if request.client else None
    left_out = request.app.state.denied_log.admit(client or "-")
    if left_out is None:
        return  # this client's refusals are past the rate kept; counted in its next entry
    settings = request.app.dependency_overrides.get(get_settings, get_settings)()
    user = getattr(request.state, "user", None)
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    details = {
        "status": exc.status_code, "method": request.method, "path": request.url.path[:500],
        "case": request.path_params.get("case"), "detail": str(exc.detail)[:500],
        "client": client, "not_logged_before": left_out,
        "token_sha256": (hashlib.sha256(token.encode()).hexdigest()[:16]
                         if user is None and scheme.lower() == "bearer" and token else None),
    }
    audit_trail(shared_store(settings).engine).append(SERVER, user or "-", "denied", details)
