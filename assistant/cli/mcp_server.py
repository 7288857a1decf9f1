"""`tergeu mcp`: the assistant's tools for MCP clients, on stdio or streamable HTTP."""

from __future__ import annotations

from typing import Annotated

import typer

from assistant.cli.common import fail


def mcp(
    http: Annotated[bool, typer.Option(
        "--http", help="Serve streamable HTTP at /mcp (each request signs in with its own "
                       "Authorization: Bearer token) instead of stdio")] = False,
    host: Annotated[str, typer.Option(help="Interface to listen on (--http)")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (--http)")] = 8001,
    token: Annotated[str | None, typer.Option(
        envvar="TERGEU_TOKEN", show_default=False,
        help="stdio: the token `tergeu user add` printed; the session sees that user's "
             "cases")] = None,
) -> None:
    """Serve trace, lookup, search, shop details, record, overview and ask over the Model
    Context Protocol, with the API's tokens, case scoping and audit trail."""
    from assistant.config import get_settings

    settings = get_settings()
    if http:
        import uvicorn

        from assistant.mcp.server import http_app

        uvicorn.run(http_app(settings, host), host=host, port=port, log_level="info")
        return
    from assistant.mcp.server import serve_stdio
    from assistant.wiring import open_store, user_registry

    if not token:
        raise fail("--token (or TERGEU_TOKEN): the token `tergeu user add` printed")
    if user_registry(open_store(settings).engine).authenticate(token) is None:
        raise fail("--token: unknown or revoked token")
    serve_stdio(settings, token)


def register(app: typer.Typer) -> None:
    app.command("mcp")(mcp)
