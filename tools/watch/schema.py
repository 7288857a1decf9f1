"""Tables of the watchlist, its poll cursors and the alerts it raised (in the case store).

They live in the case store's database, beside `transfers`, so that reading new transfers,
writing the alerts they raise and moving the evaluation cursor is one transaction: a poller
killed at any point has either raised an alert and moved past its transfers, or neither.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

watches = Table(
    "watches",
    metadata,
    Column("case", String(100), primary_key=True),
    Column("address", String(120), primary_key=True),
    Column("chain", String(10), nullable=False),
    Column("note", Text),
    # Exact decimal as text, like transfers' amounts; an outflow above it raises an alert.
    Column("threshold", String(80), nullable=False),
    # The token key watched (`transfers.token`: "USDT", "BTC", "symbol@contract").
    Column("token", String(100), nullable=False),
    # Watched by a user (None), or followed automatically: a recipient of that watched
    # address's money, polled to see whether it sweeps into an exchange.
    Column("followed_from", String(120)),
    Column("added_by", String(100), nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    # Transfers imported before the watch began (`transfers.seq`) raise no alert.
    Column("since_seq", BigInteger, nullable=False),
    # Where the next poll of this address resumes (`Page.cursor`); None: the whole history.
    Column("cursor", String(40)),
    Column("polled_at", DateTime(timezone=True)),
    Column("last_error", Text),
    Index("ix_watches_followed", "case", "followed_from"),
)

# The last transfer (`transfers.seq`) whose alerts have been decided, per case.
watch_state = Table(
    "watch_state",
    metadata,
    Column("case", String(100), primary_key=True),
    Column("evaluated_seq", BigInteger, nullable=False),
)

alerts = Table(
    "watch_alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case", String(100), nullable=False),
    # outflow | exchange | balance
    Column("kind", String(20), nullable=False),
    Column("address", String(120), nullable=False),
    Column("raised_at", DateTime(timezone=True), nullable=False),
    Column("token", String(100), nullable=False),
    Column("amount", String(80), nullable=False),
    Column("details", JSON, nullable=False),
    # Audit trail entry and webhook delivery are done after the alert is committed (an
    # outbox): a poller killed in between does them on its next run.
    Column("audited_at", DateTime(timezone=True)),
    Column("delivered_at", DateTime(timezone=True)),
    Column("delivery_error", Text),
    Index("ix_watch_alerts_case", "case", "id"),
)

# The transfer records an alert cites; `trigger` ones raise it, and a record triggers at
# most one alert of a kind for a watched address.
alert_records = Table(
    "watch_alert_records",
    metadata,
    Column("alert_id", Integer, primary_key=True),
    Column("record_id", String(300), primary_key=True),
    Column("case", String(100), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("address", String(120), nullable=False),
    Column("role", String(10), nullable=False),
    Column("trigger_key", String(500)),
    UniqueConstraint("case", "trigger_key", name="uq_watch_alert_trigger"),
)
