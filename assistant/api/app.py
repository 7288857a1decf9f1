"""The FastAPI application: routes, health check, error mapping."""

from __future__ import annotations

from fastapi import FastAPI

from assistant.api.routes import cases, investigate


def create_app() -> FastAPI:
    app = FastAPI(title="Tergeu", version="0.1.0",
                  description="Investigating drug-trade money: cases, evidence records with "
                              "citations, tracing, account lookup and listing search.")
    app.include_router(cases.router)
    app.include_router(investigate.router)

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
