"""Running the HTTP API and the Streamlit chat."""

from __future__ import annotations

import sys
from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(
        help="Worker processes (each holds its own case graphs and search indexes; "
             "conversations and the audit trail are in the database)")] = 1,
) -> None:
    """Run the HTTP API (OpenAPI at /docs, health at /healthz)."""
    import uvicorn

    uvicorn.run("assistant.api.app:create_app", factory=True, host=host, port=port,
                workers=workers, log_level="info")


def ui(
    host: Annotated[str, typer.Option(help="Interface the UI listens on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="UI port")] = 8501,
    api: Annotated[bool, typer.Option("--api", help="Start the API too (on --api-port)")] = False,
    api_port: Annotated[int, typer.Option(help="Port of the API started by --api")] = 8000,
) -> None:
    """Run the Streamlit chat (it talks to the API at TERGEU_API_URL)."""
    import os
    import subprocess
    from importlib.resources import as_file, files

    env = dict(os.environ)
    if api:
        env["TERGEU_API_URL"] = f"http://127.0.0.1:{api_port}"
    children = []
    with as_file(files("ui").joinpath("app.py")) as script:
        try:
            if api:
                children.append(subprocess.Popen(
                    [sys.executable, "-m", "assistant.cli", "serve", "--port", str(api_port)],
                    env=env))
            children.append(subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", str(script),
                 "--server.address", host, "--server.port", str(port), "--server.headless",
                 "true", "--browser.gatherUsageStats", "false", "--global.developmentMode",
                 "false", "--client.toolbarMode", "viewer"],
                env=env))
            raise typer.Exit(children[-1].wait())
        finally:
            for child in children:
                child.terminate()


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command("ui")(ui)
