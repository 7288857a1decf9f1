"""Reading and writing the watchlist, its cursors and alerts (SQLite and PostgreSQL alike)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.engine import Connection

from tools.chains.sources import checked_address
from tools.errors import TergeuError
from tools.store.repository import as_utc
from tools.store.schema import transfers
from tools.watch.models import Alert, CitedTransfer, Watch
from tools.watch.schema import alert_records, alerts, metadata, watch_state, watches

# One request adds at most this many addresses (a trace's beneficiaries are tens).
MAX_ADD = 2000
MAX_NOTE = 1000
# Which token a watch follows unless told: what drug money on each chain is mostly held in.
DEFAULT_TOKEN = {"tron": "USDT", "eth": "USDT", "btc": "BTC"}


class WatchError(TergeuError):
    """A watch cannot be added or changed: names the address or value and why."""


def parse_threshold(text: str | Decimal | None) -> Decimal:
    """A threshold as an exact non-negative decimal (None: 0, every outflow alerts)."""
    if text is None:
        return Decimal(0)
    try:
        value = Decimal(str(text).strip().replace(" ", "").replace(",", "."))
    except InvalidOperation as exc:
        raise WatchError(f"threshold {str(text)[:40]!r}: not a number") from exc
    if not value.is_finite() or value < 0 or value.adjusted() > 30:
        raise WatchError(f"threshold {str(text)[:40]!r}: a non-negative amount of tokens")
    return value


def _watch(r: Any) -> Watch:
    return Watch(case=r.case, address=r.address, chain=r.chain, note=r.note,
                 threshold=r.threshold, token=r.token, followed_from=r.followed_from,
                 added_by=r.added_by, added_at=as_utc(r.added_at),
                 polled_at=as_utc(r.polled_at), last_error=r.last_error)


def last_seq(conn: Connection, case: str) -> int:
    """The newest transfer of the case (`transfers.seq`), 0 for none."""
    return int(conn.execute(select(func.max(transfers.c.seq))
                            .where(transfers.c.case == case)).scalar() or 0)


class WatchStore:
    """The watchlist of every case in one database (the case store's)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        metadata.create_all(engine)

    def add(self, case: str, addresses: list[str], user: str, note: str | None = None,
            threshold: str | Decimal | None = None, token: str | None = None,
            followed_from: str | None = None) -> list[Watch]:
        """Watch `addresses` in `case` (checksums verified); a watched address gets the new
        note and threshold, a followed one becomes watched. Raises WatchError."""
        if not addresses:
            raise WatchError("no address to watch")
        if len(addresses) > MAX_ADD:
            raise WatchError(f"{len(addresses):,} addresses: at most {MAX_ADD:,} at once")
        if note is not None and len(note) > MAX_NOTE:
            raise WatchError(f"note: at most {MAX_NOTE} characters")
        limit = str(parse_threshold(threshold))
        checked: dict[str, str] = {}
        for given in addresses:
            try:
                chain, address = checked_address(given.strip())
            except TergeuError as exc:
                raise WatchError(str(exc).replace("; not fetched", "; not watched")) from exc
            checked[address] = chain
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            since = last_seq(conn, case)
            if conn.execute(select(watch_state.c.case).where(watch_state.c.case == case)
                            ).first() is None:
                # The case's first watch: its transfers so far are evaluated already (none
                # raises an alert), so the first poll does not stream the whole case.
                conn.execute(insert(watch_state).values(case=case, evaluated_seq=since))
            held = {r.address: r for r in conn.execute(
                select(watches).where(watches.c.case == case,
                                      watches.c.address.in_(list(checked))))}
            for address, chain in checked.items():
                old = held.get(address)
                if old is None:
                    conn.execute(insert(watches).values(
                        case=case, address=address, chain=chain, note=note, threshold=limit,
                        token=token or DEFAULT_TOKEN[chain], followed_from=followed_from,
                        added_by=user, added_at=now, since_seq=since))
                elif followed_from is None:
                    values: dict[str, Any] = {"followed_from": None, "threshold": limit}
                    if old.followed_from is not None:
                        values.update(added_by=user, added_at=now)
                    if note is not None:
                        values["note"] = note
                    if token is not None:
                        values["token"] = token
                    conn.execute(update(watches).where(
                        watches.c.case == case, watches.c.address == address).values(**values))
            rows = conn.execute(select(watches).where(
                watches.c.case == case, watches.c.address.in_(list(checked)))).all()
        return [_watch(r) for r in rows]

    def remove(self, case: str, address: str) -> bool:
        """Stop watching `address` (and the recipients followed for it); False if unwatched."""
        with self.engine.begin() as conn:
            gone = conn.execute(delete(watches).where(
                watches.c.case == case, watches.c.address == address,
                watches.c.followed_from.is_(None))).rowcount
            if gone:
                conn.execute(delete(watches).where(watches.c.case == case,
                                                   watches.c.followed_from == address))
        return bool(gone)

    def of_case(self, case: str) -> list[Watch]:
        """The case's watches, watched ones first, then the followed recipients."""
        q = select(watches).where(watches.c.case == case)
        with self.engine.connect() as conn:
            rows = conn.execute(q.order_by(watches.c.followed_from.is_not(None),
                                           watches.c.added_at, watches.c.address)).all()
        return [_watch(r) for r in rows]

    def cursors(self, case: str) -> list[tuple[str, str | None]]:
        """(address, cursor) of every address a poll of `case` fetches."""
        with self.engine.connect() as conn:
            return [(r.address, r.cursor) for r in conn.execute(
                select(watches.c.address, watches.c.cursor).where(watches.c.case == case)
                .order_by(watches.c.address))]

    def cases(self) -> list[str]:
        with self.engine.connect() as conn:
            return sorted(conn.execute(select(watches.c.case).distinct()).scalars())

    # --- alerts ----------------------------------------------------------------------------

    def alerts(self, case: str, ids: list[int] | None = None, limit: int = 500) -> list[Alert]:
        """The case's alerts, newest first (or those of `ids`), with their cited transfers."""
        q = select(alerts).where(alerts.c.case == case)
        if ids is not None:
            q = q.where(alerts.c.id.in_(ids))
        with self.engine.connect() as conn:
            rows = conn.execute(q.order_by(alerts.c.id.desc()).limit(limit)).all()
            cited = _cited(conn, case, [r.id for r in rows])
        return [_alert(r, cited.get(r.id, [])) for r in rows]

    def count(self, case: str) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(alerts)
                                    .where(alerts.c.case == case)).scalar() or 0)

    def undone(self, column: str) -> list[Alert]:
        """Alerts not yet audited (`audited_at`) or delivered (`delivered_at`), oldest first."""
        q = select(alerts.c.case, alerts.c.id).where(alerts.c[column].is_(None))
        with self.engine.connect() as conn:
            pairs = conn.execute(q.order_by(alerts.c.id)).all()
        out: list[Alert] = []
        for c in sorted({p.case for p in pairs}):
            out += sorted(self.alerts(c, ids=[p.id for p in pairs if p.case == c],
                                      limit=len(pairs)), key=lambda a: a.id)
        return out

    def mark(self, alert_id: int, column: str, error: str | None = None) -> None:
        values: dict[str, Any] = {column: datetime.now(UTC)}
        if column == "delivered_at":
            values["delivery_error"] = None
        if error is not None:
            values = {"delivery_error": error[:500]}
        with self.engine.begin() as conn:
            conn.execute(update(alerts).where(alerts.c.id == alert_id).values(**values))


def _cited(conn: Connection, case: str, ids: list[int]) -> dict[int, list[CitedTransfer]]:
    if not ids:
        return {}
    rows = conn.execute(
        select(alert_records.c.alert_id, alert_records.c.role, transfers.c.record_id,
               transfers.c.from_address, transfers.c.to_address, transfers.c.amount,
               transfers.c.token, transfers.c.ts, transfers.c.tx)
        .join(transfers, (transfers.c.case == alert_records.c.case)
              & (transfers.c.record_id == alert_records.c.record_id))
        .where(alert_records.c.case == case, alert_records.c.alert_id.in_(ids))
        .order_by(alert_records.c.alert_id, alert_records.c.role.desc(), transfers.c.ts,
                  transfers.c.seq)).all()
    # Triggers first (role "trigger" sorts after "context"), each role in time order.
    out: dict[int, list[CitedTransfer]] = {}
    seen: set[tuple[int, str]] = set()
    for r in rows:
        if (r.alert_id, r.record_id) in seen:
            continue
        seen.add((r.alert_id, r.record_id))
        out.setdefault(r.alert_id, []).append(CitedTransfer(
            record_id=r.record_id, role=r.role, from_address=r.from_address,
            to_address=r.to_address, amount=r.amount, token=r.token, ts=as_utc(r.ts), tx=r.tx))
    return out


def _alert(r: Any, cited: list[CitedTransfer]) -> Alert:
    d = r.details
    return Alert(id=r.id, case=r.case, kind=r.kind, address=r.address,
                 raised_at=as_utc(r.raised_at), token=r.token, amount=r.amount,
                 exchange=d.get("exchange"), deposit_address=d.get("deposit_address"),
                 balance=d.get("balance"), balance_change=d.get("balance_change"),
                 threshold=d.get("threshold"), note=d.get("note"), transfers=cited,
                 delivered_at=as_utc(r.delivered_at), delivery_error=r.delivery_error)


def mark_polled(conn: Connection, case: str, address: str, **values: object) -> None:
    """Record a poll of `address` now, with what changed (where the next one resumes, the
    error it met)."""
    conn.execute(update(watches).where(watches.c.case == case, watches.c.address == address)
                 .values(polled_at=datetime.now(UTC), **values))


__all__ = ["WatchError", "WatchStore", "last_seq", "mark_polled", "parse_threshold"]
