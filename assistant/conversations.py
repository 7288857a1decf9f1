"""Chat conversations kept in the case database, so follow-ups survive restarts and workers."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
)

from assistant.agent.ledger import Answer
from tools.store.repository import as_utc

metadata = MetaData()

turns = Table(
    "conversation_turns",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case", String(100), nullable=False),
    Column("session", String(100), nullable=False),
    Column("user", String(100), nullable=False),
    Column("asked_at", DateTime(timezone=True), nullable=False),
    Column("question", Text, nullable=False),
    Column("answer", JSON, nullable=False),
    Index("ix_turns_conversation", "case", "user", "session", "id"),
)


class Turn(BaseModel):
    """One question of a conversation and the answer it got."""

    asked_at: datetime
    question: str
    answer: Answer


class Conversations:
    """Turns per (case, user, session); a conversation is only ever read back by its user."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        metadata.create_all(engine)

    def history(self, case: str, user: str, session: str, last: int = 10) -> list[Turn]:
        """The conversation's latest `last` turns, oldest first."""
        q = (select(turns.c.asked_at, turns.c.question, turns.c.answer)
             .where(turns.c.case == case, turns.c.user == user, turns.c.session == session)
             .order_by(turns.c.id.desc()).limit(last))
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        return [Turn(asked_at=as_utc(r.asked_at), question=r.question,
                     answer=Answer.model_validate(r.answer)) for r in reversed(rows)]

    def append(self, case: str, user: str, session: str, question: str, answer: Answer) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(turns).values(
                case=case, user=user, session=session, asked_at=datetime.now(UTC),
                question=question, answer=answer.model_dump(mode="json")))
