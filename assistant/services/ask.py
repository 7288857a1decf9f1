"""Asking a case: the agent's events with the audit trail and the conversation around them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from assistant.config import Settings
from assistant.services.agent_tools import agent_context
from assistant.wiring import audit_trail, conversations, language_model
from tools.store import CaseStore

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.agent.core import AgentEvent
    from assistant.agent.ledger import Answer


def ask_case_stream(settings: Settings, store: CaseStore, case: str, question: str,
                    session: str | None = None, user: str = "local",
                    model: BaseChatModel | None = None,
                    history: Sequence[tuple[str, str]] | None = None,
                    via: str | None = None) -> Iterator[AgentEvent]:
    """The one code path of `tergeu ask` and the API's ask endpoints: the agent's events, the
    conversation's earlier turns read before and this turn saved after.

    `history` gives the earlier (question, answer) turns instead (a client that keeps the
    conversation itself, as OpenAI-style chat clients do); `via` names that client in the
    audit trail.

    The model is built before the first event, so a wrong TERGEU_LLM fails here, not mid-stream.
    """
    from assistant.agent.core import AnswerEvent, StepEvent, ask_stream
    from assistant.agent.guards import ModelServerError

    model = model or language_model(settings)
    ctx = agent_context(settings, store, case, user, via or "agent")
    talk = conversations(store.engine)
    audit = audit_trail(store.engine)
    if history is None:
        history = [(t.question, t.answer.answer)
                   for t in talk.history(case, user, session)] if session else []
    asked = {"question": question, "session": session, **({"via": via} if via else {})}

    def events() -> Iterator[AgentEvent]:
        audit.append(case, user, "ask", asked)
        try:
            for event in ask_stream(question, ctx, model, history,
                                    max_steps=settings.agent_max_steps):
                if isinstance(event, StepEvent) and event.state == "running":
                    audit.append(case, user, "tool_call",
                                 {"tool": event.tool, "args": event.args})
                if isinstance(event, AnswerEvent):
                    a = event.answer
                    audit.append(case, user, "answer", {
                        "verified": a.verified, "cited": [c.id for c in a.citations],
                        "claims": [{"markers": c.markers, "status": c.status,
                                    "reason": c.reason}
                                   for c in a.claims if c.status != "plain"],
                        "repaired": a.repair is not None})
                    if session:
                        talk.append(case, user, session, question, event.answer)
                yield event
        except ModelServerError as exc:
            audit.append(case, user, "error", {"detail": str(exc)})
            raise

    return events()


def ask_case(settings: Settings, store: CaseStore, case: str, question: str,
             session: str | None = None, user: str = "local",
             model: BaseChatModel | None = None,
             history: Sequence[tuple[str, str]] | None = None, via: str | None = None
             ) -> Answer:
    from assistant.agent.core import final_answer

    return final_answer(ask_case_stream(settings, store, case, question, session, user, model,
                                        history, via))
