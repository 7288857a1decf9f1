"""Asking the case a question: one agent loop, any chat model, citations verified."""

from __future__ import annotations

from pathlib import Path

from langchain.agents import create_agent
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langgraph.checkpoint.memory import InMemorySaver

from assistant.agent.ledger import Answer
from assistant.agent.offline import OfflineChatModel
from assistant.agent.tools import AGENT_TOOLS, AgentContext
from tools.errors import TergeuError

SYSTEM_PROMPT = (Path(__file__).parents[2] / "prompts" / "system.md").read_text(encoding="utf-8")


class ModelUnavailableError(TergeuError):
    """The chat model named by TERGEU_LLM cannot be used here."""


def chat_model(name: str) -> BaseChatModel:
    """`offline` (default), `openai:<model>` or `ollama:<model>` (see DESIGN.md)."""
    if name == "offline":
        return OfflineChatModel()
    raise ModelUnavailableError(
        f"TERGEU_LLM={name!r}: only 'offline' is wired in this version")


_checkpointer = InMemorySaver()


def ask(question: str, ctx: AgentContext, model: BaseChatModel | None = None,
        session: str | None = None) -> Answer:
    """Run the agent on `question` in `ctx`'s case; the answer's citations are verified.

    With `session`, earlier turns of that conversation are remembered (follow-up questions).
    """
    agent = create_agent(model or OfflineChatModel(), tools=AGENT_TOOLS,
                         system_prompt=SYSTEM_PROMPT, context_schema=AgentContext,
                         checkpointer=_checkpointer if session else None)
    config = {"configurable": {"thread_id": f"{ctx.case}:{session}"}} if session else None
    before = len(agent.get_state(config).values.get("messages", [])) if session else 0
    out = agent.invoke({"messages": [HumanMessage(question)]}, config=config, context=ctx)
    turn = out["messages"][before:]
    steps = [f"{m.name}: {str(m.content).splitlines()[0] if m.content else ''}"
             for m in turn if isinstance(m, ToolMessage)]
    final = next((m for m in reversed(turn) if isinstance(m, AIMessage)), None)
    text = str(final.content) if final else ""
    citations, flags = ctx.ledger.verify(text)
    return Answer(answer=text, citations=citations, steps=steps,
                  verified=not flags and all(c.verified for c in citations), flags=flags)
