"""The `tergeu` command line, one module per command group.

Each command imports the engine parts it uses inside its body: `tergeu --help`, `stats` and
`record` must start without LangChain, Chroma, the embeddings, FastAPI or Streamlit
(`bench/startup.py` measures it, `tests/assistant/test_cli_startup.py` guards it).
"""

from __future__ import annotations

import typer

from assistant.cli import admin, case, deconflict, demo, investigate, servers

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Tergeu: investigate drug-trade money in case evidence.")

case.register(app)
investigate.register(app)
deconflict.register(app)
app.add_typer(demo.app, name="demo")
app.add_typer(admin.user_app, name="user")
app.add_typer(admin.audit_app, name="audit")
servers.register(app)


def main() -> None:
    app()


__all__ = ["app", "main"]
