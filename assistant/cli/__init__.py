"""The `tergeu` command line, one module per command group.

Each command imports the engine parts it uses inside its body: `tergeu --help`, `stats` and
`record` must start without LangChain, Chroma, the embeddings, FastAPI or Streamlit
(`bench/startup.py` measures it, `tests/assistant/test_cli_startup.py` guards it).
"""

from __future__ import annotations

import typer

from assistant.cli import (
    admin,
    case,
    deconflict,
    demo,
    investigate,
    letters,
    mcp_server,
    servers,
    watch,
)

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Tergeu: investigate drug-trade money in case evidence.")

case.register(app)
investigate.register(app)
deconflict.register(app)
letters.register(app)
app.add_typer(demo.app, name="demo")
app.add_typer(admin.user_app, name="user")
app.add_typer(admin.audit_app, name="audit")
servers.register(app)
mcp_server.register(app)
watch.register(app)


EXIT_BUSY = 75  # sysexits' EX_TEMPFAIL: nothing is wrong with the input, try again later


def main() -> None:
    try:
        app()
    except Exception as exc:
        from sqlalchemy.exc import OperationalError

        from assistant.audit import is_lock_error

        # Another process (an import, the server's indexer) held SQLite's write lock for
        # longer than the store waits: a condition to retry, not a traceback.
        if isinstance(exc, OperationalError) and is_lock_error(exc):
            from assistant.cli.common import err

            err.print("the case store is busy: another process holds its write lock (an import "
                      "or indexing); nothing was changed, try again when it is done",
                      markup=False, highlight=False, soft_wrap=True)
            raise SystemExit(EXIT_BUSY) from None
        raise


__all__ = ["app", "main"]
