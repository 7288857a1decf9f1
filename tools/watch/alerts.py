"""Deciding the alerts new transfers raise for the watched addresses, once each.

Run after every poll (and safe to run at any time): the transfers the case gained since the
last run (`watch_state.evaluated_seq`) are read, the alerts they raise written, and the cursor
moved, in one transaction; a transfer raises at most one alert of a kind for an address (a
unique key on `trigger_key`), so a run repeated after a crash raises nothing twice.

Which alert a transfer of a watched address raises, most urgent first:
- exchange: it went to an address tagged as an exchange, or to a deposit address (one that
  sweeps into an exchange-tagged wallet), or a followed recipient of the watched address's
  money swept it into an exchange: the freeze window, naming exchange and deposit address;
- outflow: what the address sent in this run, not already an exchange alert, is more than its
  threshold;
- balance: the rest of what moved its balance of the watched token in this run.
Outflows and balance changes dated before the watch was added raise nothing (the first poll
brings in an address's history); money that reached an exchange raises an alert whenever it
moved: the exchange may still hold it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.engine import Connection

from tools.ingest.amounts import stored_amount
from tools.store.repository import as_utc
from tools.store.schema import transfers
from tools.store.transfers import tags, transfers_after
from tools.watch.schema import alert_records, alerts, watch_state, watches

CHAINS = ("tron", "eth", "btc")
Row = Any  # a row of `transfers_after`


def exchange_tags(conn: Connection, case: str) -> tuple[dict[str, str], set[str]]:
    """({address: exchange label} of exchange-tagged addresses, every tagged address)."""
    exchanges: dict[str, str] = {}
    tagged: set[str] = set()
    for _rid, data in tags(conn, case):
        address = data.get("address")
        if not isinstance(address, str):
            continue
        tagged.add(address)
        if data.get("category") == "exchange":
            exchanges[address] = str(data.get("label") or "exchange")
    return exchanges, tagged


def evaluated_seq(conn: Connection, case: str) -> int:
    return int(conn.execute(select(watch_state.c.evaluated_seq)
                            .where(watch_state.c.case == case)).scalar() or 0)


def _amount(text: str) -> Decimal:
    return stored_amount(text) or Decimal(0)


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f") if value else "0"


class _Run:
    """One evaluation: the alerts to write, and the triggers already used."""

    def __init__(self, conn: Connection, case: str) -> None:
        self.conn, self.case = conn, case
        self.exchanges, self.tagged = exchange_tags(conn, case)
        self.ids: list[int] = []
        self.now = datetime.now(UTC)
        # One query per address a run meets: a first poll brings a wallet's whole history.
        self._deposits: dict[str, tuple[str, list[str]] | None] = {}

    def used(self, keys: list[str]) -> set[str]:
        found: set[str] = set()
        for i in range(0, len(keys), 500):
            found.update(self.conn.execute(select(alert_records.c.trigger_key).where(
                alert_records.c.case == self.case,
                alert_records.c.trigger_key.in_(keys[i:i + 500]))).scalars())
        return found

    def deposit_of(self, address: str) -> tuple[str, list[str]] | None:
        """(exchange, sweep records) if `address` is an exchange's or sweeps into one."""
        if address in self.exchanges:
            return self.exchanges[address], []
        if not self.exchanges:
            return None
        if address in self._deposits:
            return self._deposits[address]
        sweep = self.conn.execute(
            select(transfers.c.record_id, transfers.c.to_address)
            .where(transfers.c.case == self.case, transfers.c.from_address == address,
                   transfers.c.to_address.in_(list(self.exchanges)))
            .order_by(transfers.c.seq).limit(1)).first()
        found = (self.exchanges[sweep.to_address], [sweep.record_id]) if sweep else None
        self._deposits[address] = found
        return found

    def balance(self, address: str, token: str) -> Decimal:
        """In minus out of `token` over every transfer of the case (what the case shows)."""
        total = Decimal(0)
        for col, sign in ((transfers.c.to_address, 1), (transfers.c.from_address, -1)):
            for amount in self.conn.execute(select(transfers.c.amount).where(
                    transfers.c.case == self.case, col == address,
                    transfers.c.token == token)).scalars():
                total += sign * _amount(amount)
        return total

    def raise_alert(self, kind: str, watch: Any, triggers: list[Row], context: list[str],
                    details: dict[str, Any]) -> None:
        keys = {r.record_id: f"{kind}|{watch.address}|{r.record_id}" for r in triggers}
        used = self.used(list(keys.values()))
        triggers = [r for r in triggers if keys[r.record_id] not in used]
        if not triggers:
            return
        amount = sum((_amount(r.amount) for r in triggers), Decimal(0))
        details = {"note": watch.note, "threshold": watch.threshold, **details}
        key = self.conn.execute(insert(alerts).values(
            case=self.case, kind=kind, address=watch.address, raised_at=self.now,
            token=watch.token, amount=_fmt(amount), details=details)).inserted_primary_key
        assert key is not None
        alert_id = int(key[0])
        cited = [{"alert_id": alert_id, "record_id": r.record_id, "case": self.case,
                  "kind": kind, "address": watch.address, "role": "trigger",
                  "trigger_key": keys[r.record_id]} for r in triggers]
        cited += [{"alert_id": alert_id, "record_id": rid, "case": self.case, "kind": kind,
                   "address": watch.address, "role": "context", "trigger_key": None}
                  for rid in dict.fromkeys(context) if rid not in keys]
        self.conn.execute(insert(alert_records), cited)
        self.ids.append(alert_id)


def evaluate(engine: Engine, case: str) -> list[int]:
    """Raise the alerts of the transfers `case` gained since the last evaluation; returns the
    new alerts' ids (committed with the moved cursor, or neither)."""
    with engine.connect().execution_options(immediate=True) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            # One evaluator per case at a time: the API's "poll now" and a running poller.
            conn.execute(select(func.pg_advisory_xact_lock(
                func.hashtext(f"tergeu-watch:{case}"))))
        done = evaluated_seq(conn, case)
        rows = conn.execute(select(watches).where(watches.c.case == case)).all()
        watched = {w.address: w for w in rows if w.followed_from is None}
        followed = {w.address: w.followed_from for w in rows if w.followed_from is not None}
        run = _Run(conn, case)
        outs: dict[str, list[Row]] = defaultdict(list)
        ins: dict[str, list[Row]] = defaultdict(list)
        sweeps: list[Row] = []
        last = done
        for r in transfers_after(conn, case, done, CHAINS):
            last = r.seq
            w = watched.get(r.from_address)
            if w is not None and r.seq > w.since_seq and r.token == w.token:
                outs[w.address].append(r)
            w = watched.get(r.to_address)
            if w is not None and r.seq > w.since_seq and r.token == w.token:
                ins[w.address].append(r)
            if r.from_address in followed and r.to_address in run.exchanges:
                sweeps.append(r)
        for address in sorted(set(outs) | set(ins) | {followed[s.from_address] for s in sweeps}):
            if address in watched:
                _alerts_of(run, watched[address], outs[address], ins[address],
                           [s for s in sweeps if followed[s.from_address] == address])
        if last != done and conn.execute(
                update(watch_state).where(watch_state.c.case == case)
                .values(evaluated_seq=last)).rowcount == 0:
            conn.execute(insert(watch_state).values(case=case, evaluated_seq=last))
        return run.ids


def _alerts_of(run: _Run, w: Any, outs: list[Row], ins: list[Row], sweeps: list[Row]) -> None:
    claimed: set[str] = set()
    balance = run.balance(w.address, w.token)

    def facts(moved: list[Row]) -> dict[str, str]:
        change = sum((_amount(r.amount) * (1 if r.to_address == w.address else -1)
                      for r in moved), Decimal(0))
        return {"balance": _fmt(balance), "balance_change": _fmt(change)}

    # Straight to an exchange, or to an address known to sweep into one.
    for r in outs:
        if r.to_address is None or (found := run.deposit_of(r.to_address)) is None:
            continue
        exchange, sweep = found
        run.raise_alert("exchange", w, [r], sweep, {
            "exchange": exchange, "deposit_address": r.to_address, **facts([r])})
        claimed.add(r.record_id)
    # A followed recipient swept what it got from the watched address into an exchange.
    for s in sweeps:
        q = (select(transfers.c.record_id, transfers.c.amount, transfers.c.from_address,
                    transfers.c.to_address)
             .where(transfers.c.case == run.case, transfers.c.from_address == w.address,
                    transfers.c.to_address == s.from_address, transfers.c.token == w.token,
                    transfers.c.seq > w.since_seq))
        if s.ts is not None:  # only money that was there before the sweep left
            q = q.where(transfers.c.ts <= s.ts)
        hops = run.conn.execute(q.order_by(transfers.c.seq)).all()
        if hops:
            run.raise_alert("exchange", w, list(hops), [s.record_id], {
                "exchange": run.exchanges[s.to_address], "deposit_address": s.from_address,
                "swept_by": s.record_id, **facts(list(hops))})
            claimed.update(h.record_id for h in hops)
    # Outflows and balance changes dated before the watch began are history the first poll
    # brought in, not news (money that reached an exchange is news whenever it happened).
    began = as_utc(w.added_at)
    outs = [r for r in outs if r.ts is None or as_utc(r.ts) >= began]
    ins = [r for r in ins if r.ts is None or as_utc(r.ts) >= began]
    rest_out = [r for r in outs if r.record_id not in claimed]
    sent = sum((_amount(r.amount) for r in rest_out), Decimal(0))
    if rest_out and sent > _amount(w.threshold):
        run.raise_alert("outflow", w, rest_out, [], facts(rest_out))
        claimed.update(r.record_id for r in rest_out)
    rest = [r for r in [*ins, *outs] if r.record_id not in claimed]
    if rest and sum((_amount(r.amount) * (1 if r.to_address == w.address else -1)
                     for r in rest), Decimal(0)) != 0:
        run.raise_alert("balance", w, rest, [], facts(rest))


def recipients_to_follow(engine: Engine, case: str, most: int) -> list[tuple[str, str]]:
    """(recipient, watched address) of money the watched addresses sent since the last
    evaluation, to untagged addresses not watched yet: polled next, to see it reach an
    exchange. At most `most`."""
    with engine.connect() as conn:
        rows = conn.execute(select(watches).where(watches.c.case == case)).all()
        known = {w.address for w in rows}
        watched = {w.address: w for w in rows if w.followed_from is None}
        if not watched:
            return []
        _exchanges, tagged = exchange_tags(conn, case)
        found: dict[str, str] = {}
        for r in transfers_after(conn, case, evaluated_seq(conn, case), CHAINS):
            w = watched.get(r.from_address)
            if (w is not None and r.seq > w.since_seq and r.token == w.token and r.to_address
                    and r.to_address not in known and r.to_address not in tagged):
                found.setdefault(r.to_address, w.address)
                if len(found) >= most:
                    break
    return list(found.items())
