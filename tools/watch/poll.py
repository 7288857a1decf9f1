"""One poll of a case's watchlist: new pages fetched, imported as evidence, alerts decided.

Each address's pages are imported and its cursor moved in one transaction, so a poller killed
mid-poll fetches again only what it had not kept; the alerts are decided afterwards from the
transfers the case gained (`tools.watch.alerts`), so none is lost or raised twice.
"""

from __future__ import annotations

import logging
import time

from tools.chains.client import FetchError
from tools.chains.sources import ChainSources
from tools.errors import IngestError
from tools.ingest.pipeline import ingest_file
from tools.store import CaseStore
from tools.store.repository import StoreWriter
from tools.watch.alerts import evaluate, recipients_to_follow
from tools.watch.models import AddressPoll, PollReport
from tools.watch.store import WatchError, WatchStore, mark_polled

log = logging.getLogger(__name__)

# Recipients of watched money followed per poll (each costs a request per poll after).
MAX_FOLLOW = 100
# Records never commit by count inside a poll: each address's pages commit with its cursor.
_NEVER = 1 << 62


def poll_case(store: CaseStore, watchlist: WatchStore, case: str, sources: ChainSources,
              max_follow: int = MAX_FOLLOW) -> PollReport:
    """Fetch what is new at every address `case` watches (and the recipients it follows),
    import it, follow new recipients of watched money, and raise the alerts it calls for."""
    started = time.perf_counter()
    report = PollReport(case=case, addresses=0, requests=0, imported=0)
    with store.writer(commit_every=_NEVER) as writer:
        for address, cursor in watchlist.cursors(case):
            _poll_address(writer, case, address, cursor, sources, report)
        if max_follow:
            follow = recipients_to_follow(store.engine, case, max_follow)
            for recipient, origin in follow:
                try:
                    watchlist.add(case, [recipient], "watch", followed_from=origin)
                except WatchError as exc:  # not an address a chain API can be asked about
                    log.info("not following %s: %s", recipient[:120], exc)
                    continue
                report.followed.append(recipient)
                _poll_address(writer, case, recipient, None, sources, report)
    report.alerts = watchlist.alerts(case, ids=evaluate(store.engine, case))
    report.alerts.sort(key=lambda a: a.id)
    report.seconds = time.perf_counter() - started
    return report


def _poll_address(writer: StoreWriter, case: str, address: str, cursor: str | None,
                  sources: ChainSources, report: PollReport) -> None:
    conn = writer.conn
    conn.commit()  # no read snapshot held from before: SQLite could not upgrade it to write
    result = AddressPoll(address=address)
    report.addresses += 1
    try:
        for page in sources.new_pages(address, cursor):
            report.requests += 1
            result.pages += 1
            # An empty page (its `meta.at` differs every time) is not kept as a case file.
            if page.items:
                fr = ingest_file(writer, case, page.path, fmt=page.format, name=page.url)
                result.imported += sum(fr.records.values())
            cursor = page.cursor
            # The page's records and where the next poll resumes: committed together.
            mark_polled(conn, case, address, cursor=cursor, last_error=None)
            conn.commit()
    except (FetchError, IngestError) as exc:
        conn.rollback()
        result.error = str(exc)[:500]
        log.warning("poll of %s in case %s: %s", address, case, result.error)
        mark_polled(conn, case, address, last_error=result.error)
        conn.commit()
        report.errors.append(result)
    report.imported += result.imported

