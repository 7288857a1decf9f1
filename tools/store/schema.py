"""SQLAlchemy table definitions of the case store (SQLite and PostgreSQL alike)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

metadata = MetaData()

files = Table(
    "files",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case", String(100), nullable=False),
    Column("name", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("format", String(50), nullable=False),
    Column("records", Integer, nullable=False),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("case", "sha256", name="uq_files_case_sha256"),
)

records = Table(
    "records",
    metadata,
    Column("case", String(100), primary_key=True),
    Column("id", String(300), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("file_id", Integer, ForeignKey("files.id"), nullable=False),
    Column("locator", Text, nullable=False),
    Column("ts", DateTime(timezone=True)),
    # Searchable text of messages and listings; None for transfers and rows.
    Column("text", Text),
    Column("data", JSON, nullable=False),
    Index("ix_records_case_kind", "case", "kind"),
    # The records with text, by kind: what the search index counts as pending without reading
    # a million transfers' rows (a partial index; neither store reads rows to count).
    Index("ix_records_texts", "case", "kind", "id", sqlite_where=text("text IS NOT NULL"),
          postgresql_where=text("text IS NOT NULL")),
)

# One row per value movement, chain or bank, kept apart from `records` so that tracing
# can load the money graph without parsing every record's JSON.
transfers = Table(
    "transfers",
    metadata,
    # A sequential key: a second random-key index (record_id is unique through `records`
    # already) would cost a quarter of the import time on large cases.
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("case", String(100), nullable=False),
    Column("record_id", String(300), nullable=False),
    Column("chain", String(10), nullable=False),
    Column("token", String(100), nullable=False),
    Column("from_address", String(120)),
    Column("to_address", String(120)),
    # Exact decimal as text: SQLite has no exact numeric type, and floats lose cents.
    Column("amount", String(80), nullable=False),
    Column("ts", DateTime(timezone=True)),
    Column("tx", String(100), nullable=False),
    Index("ix_transfers_from", "case", "from_address"),
    Index("ix_transfers_to", "case", "to_address"),
    # Statement rows by time, to find the row that paid what a shop asked for: a partial
    # index of the bank's rows only, so a million chain transfers cost it nothing.
    Index("ix_transfers_bank_ts", "case", "ts", sqlite_where=text("chain = 'bank'"),
          postgresql_where=text("chain = 'bank'")),
)

accounts = Table(
    "accounts",
    metadata,
    Column("case", String(100), primary_key=True),
    Column("id", String(200), primary_key=True),
    Column("kind", String(10), nullable=False),
    Column("value", String(120), nullable=False),
    Column("display", String(200), nullable=False),
    Column("info", JSON, nullable=False),
    Column("first_seen", DateTime(timezone=True)),
    Column("last_seen", DateTime(timezone=True)),
)

sightings = Table(
    "sightings",
    metadata,
    Column("case", String(100), primary_key=True),
    Column("account_id", String(200), primary_key=True),
    Column("record_id", String(300), primary_key=True),
    Column("shop", String(200)),
    Column("seen_at", DateTime(timezone=True)),
    Index("ix_sightings_record", "case", "record_id"),
    # Wallets linked to a card go through the shops that handed both out.
    Index("ix_sightings_shop", "case", "shop"),
)

# Every identifier a case holds, normalised as accounts are (`kind:value`: card digits, E.164
# phones, IBANs, wallets, bots, ИИН; masked cards never), with the wallets of its chain
# transfers, and how many of its records name it. Filled at import (tools/store/identifiers.py);
# read across cases by deconfliction (tools/deconflict.py) through the index on the id.
case_identifiers = Table(
    "case_identifiers",
    metadata,
    Column("case", String(100), primary_key=True),
    Column("id", String(200), primary_key=True),
    Column("kind", String(10), nullable=False),
    Column("records", Integer, nullable=False),
    Index("ix_case_identifiers_id", "id", "case"),
)

# What the search index holds per message or listing; the tokens let BM25 be rebuilt in
# seconds, the embeddings live in Chroma under the same record id.
search_docs = Table(
    "search_docs",
    metadata,
    # The case, or "case/listing" for an index of some kinds of records only.
    Column("case", String(100), primary_key=True),
    Column("record_id", String(300), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("tokens", Text, nullable=False),
    Column("cities", Text, nullable=False),
    Column("drugs", Text, nullable=False),
    Column("shop", String(200)),
    Column("payment", Text, nullable=False),
    Column("ts", DateTime(timezone=True)),
)

# The passages each indexed document is embedded from. A document is searchable by BM25 as
# soon as its `search_docs` row exists; its vector follows (`done`), so a case can be searched
# while it is embedded, and the embedding of a big case survives a restart. Documents that are
# not embedded (a buyer's button presses) have no row here.
search_vectors = Table(
    "search_vectors",
    metadata,
    Column("case", String(100), primary_key=True),
    Column("record_id", String(300), primary_key=True),
    Column("text", Text, nullable=False),
    Column("done", Integer, nullable=False, default=0),
    Index("ix_search_vectors_todo", "case", "done"),
)

# Shops as resolved at import (tools/shop_links.py has the rules, tools/store/shops.py fills
# these after every import): each shop, and the chats, bot handles and names that are its.
shops = Table(
    "shops",
    metadata,
    Column("case", String(100), primary_key=True),
    # The id of the shop's first chat (`tg:<chat id>`, or `<market source>:<vendor>`).
    Column("id", String(200), primary_key=True),
    Column("name", Text, nullable=False),
)

shop_links = Table(
    "shop_links",
    metadata,
    Column("case", String(100), primary_key=True),
    Column("shop", String(200), primary_key=True),
    # chat: a chat id (label: its display name); bot: a handle without @, lower case;
    # alias: a display name as compared (tools.shop_links.name_key; label: as written).
    Column("kind", String(10), primary_key=True),
    Column("value", String(300), primary_key=True),
    Column("label", Text, nullable=False),
    Column("chat_type", String(30)),
    Index("ix_shop_links_value", "case", "kind", "value"),
)
