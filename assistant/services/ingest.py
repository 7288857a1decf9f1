"""Importing evidence into a case: the files' records, then the case's trace graph topped up
from the transfers the import wrote (the CLI, the demo and the API's uploads alike)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import OperationalError

# The collector's thresholds raised while the graph is merged, as they are while importing.
from tools.ingest.pipeline import OnProgress, fewer_collections, ingest_paths
from tools.models import FileReport, IngestReport
from tools.store import CaseStore
from tools.store.repository import COMMIT_EVERY

if TYPE_CHECKING:
    from tools.ingest.mappings import ColumnMapping
    from tools.trace.graph import GraphFeed

log = logging.getLogger(__name__)


def import_evidence(store: CaseStore, case: str, files: Sequence[Path], *,
                    fmt: str | None = None, mapping: ColumnMapping | None = None,
                    on_progress: OnProgress | None = None,
                    on_file: Callable[[FileReport], None] | None = None,
                    commit_every: int = COMMIT_EVERY, exclusive: bool = False,
                    update_graph: bool = True) -> IngestReport:
    """Import `files` into `case`; a bad file is rejected, the others still import.

    Args:
        store, case, files, fmt, mapping, on_progress, on_file, commit_every, exclusive:
            as `tools.ingest.pipeline.ingest_paths` takes them.
        update_graph: merge the transfers imported into the case's trace graph now, from
            what the import wrote (`GraphFeed`: a large import's transfers are not read back
            from the store), rather than in the next command that traces. The API leaves it
            to a background task (`top_up_graph`) so an upload's answer does not wait for a
            large case's arrays to be rewritten.
    """
    from tools.trace.graph import GraphFeed

    feed = GraphFeed(case) if update_graph else None
    try:
        report = ingest_paths(store, case, files, fmt=fmt, mapping=mapping,
                              on_progress=on_progress, on_file=on_file,
                              commit_every=commit_every, exclusive=exclusive,
                              on_transfers=feed.add if feed is not None else None)
    finally:
        if feed is not None:
            feed.stop()
    if feed is not None:
        top_up_graph(store, case, report, feed)
    return report


def top_up_graph(store: CaseStore, case: str, report: IngestReport,
                 feed: GraphFeed | None = None) -> None:
    """Merge the transfers `report` says were imported into the case's trace graph kept on
    disk (from `feed` where it holds them); nothing if there were none. The records are
    committed already: if this fails, the next command that traces merges them instead, so
    the failure is logged, not raised."""
    from tools.trace.graph import load_case_graph

    if not report.imported_by_kind().get("transfer"):
        return
    try:
        with fewer_collections():
            load_case_graph(store, case, feed)
    except (OperationalError, OSError, ValueError, OverflowError):
        log.warning("the trace graph of %s was not topped up after the import; the next "
                    "trace will", case, exc_info=True)
