"""Importing evidence into a case: the files' records, then the case's trace graph topped up
from the transfers the import wrote (the CLI, the demo and the API's uploads alike)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from tools.ingest.mappings import ColumnMapping
from tools.ingest.pipeline import OnProgress, fewer_collections, ingest_paths
from tools.models import FileReport, IngestReport
from tools.store import CaseStore
from tools.store.repository import COMMIT_EVERY


def import_evidence(store: CaseStore, case: str, files: Sequence[Path], *,
                    fmt: str | None = None, mapping: ColumnMapping | None = None,
                    on_progress: OnProgress | None = None,
                    on_file: Callable[[FileReport], None] | None = None,
                    commit_every: int = COMMIT_EVERY, exclusive: bool = False) -> IngestReport:
    """Import `files` into `case` (`ingest_paths`: a bad file is rejected, the others still
    import), then merge the transfers imported into the case's trace graph once, here,
    rather than in the next command that traces. The graph takes the transfers as they are
    written (`GraphFeed`), so a large import's are not read back from the store."""
    from tools.trace.graph import GraphFeed, load_case_graph

    feed = GraphFeed(case)
    try:
        report = ingest_paths(store, case, files, fmt=fmt, mapping=mapping,
                              on_progress=on_progress, on_file=on_file,
                              commit_every=commit_every, exclusive=exclusive,
                              on_transfers=feed.add)
    finally:
        feed.stop()
    if report.imported_by_kind().get("transfer"):
        with fewer_collections():
            load_case_graph(store, case, feed)
    return report
