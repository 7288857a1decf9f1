"""The FastAPI application: routes, health check, and API docs served without internet."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from assistant.api.deps import UserDep
from assistant.api.routes import audit, cases, investigate
from assistant.users import User


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
    app.include_router(audit.router)

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
