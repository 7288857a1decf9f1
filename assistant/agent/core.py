"""Asking the case a question: one agent loop, any chat model, events streamed, verified."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Literal

from langchain.agents import create_agent
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from pydantic import BaseModel, SecretStr

from assistant.agent.claims import ANY_MARKER
from assistant.agent.guards import (
    DEFAULT_MAX_STEPS,
    STOPPED_NODE,
    agent_guards,
    unmarked_answer,
)
from assistant.agent.ledger import Answer, ClaimCheck, Repair, Verification
from assistant.agent.offline import LEDGER_MARKERS, OfflineChatModel
from assistant.agent.tools import AGENT_TOOLS, AgentContext
from assistant.agent.understanding import current_vocabulary
from tools.errors import TergeuError
from tools.resources import prompt_text

SYSTEM_PROMPT = prompt_text("system.md")
REPAIR_PROMPT = prompt_text("repair_claims.md")
REPAIR_STEP = "repair_claims"
# Ollama serves the OpenAI chat-completions protocol under /v1 of its own port.
OLLAMA_URL = "http://127.0.0.1:11434/v1"


class ModelUnavailableError(TergeuError):
    """The chat model named by TERGEU_LLM cannot be used here."""


def chat_model(name: str, base_url: str | None = None, api_key: str | None = None,
               timeout: float = 120.0) -> BaseChatModel:
    """`offline` (default), `openai:<model>` (any OpenAI-compatible server at `base_url`) or
    `ollama:<model>` (a local Ollama, through its OpenAI-compatible endpoint)."""
    if name == "offline":
        return OfflineChatModel()
    provider, _, model = name.partition(":")
    if provider not in ("openai", "ollama") or not model:
        raise ModelUnavailableError(
            f"TERGEU_LLM={name!r}: expected offline, openai:<model> or ollama:<model>")
    from langchain_openai import ChatOpenAI

    if provider == "ollama":
        base_url = base_url or OLLAMA_URL
    if not base_url:
        raise ModelUnavailableError(f"TERGEU_LLM={name!r} needs TERGEU_LLM_URL (the server's /v1)")
    return ChatOpenAI(model=model, base_url=base_url, api_key=SecretStr(api_key or "none"),
                      temperature=0, timeout=timeout, max_retries=2, streaming=True)


class StepEvent(BaseModel):
    """A tool call of the agent: `running` when the model asks for it, `done` with its result."""

    type: Literal["step"] = "step"
    tool: str
    call_id: str
    state: Literal["running", "done"]
    args: dict[str, Any] = {}
    summary: str = ""


class TokenEvent(BaseModel):
    """A piece of the answer's text as the model writes it."""

    type: Literal["token"] = "token"
    text: str


class AnswerEvent(BaseModel):
    """The whole answer with its verified citations: always the last event of a turn."""

    type: Literal["answer"] = "answer"
    answer: Answer


AgentEvent = StepEvent | TokenEvent | AnswerEvent


def history_messages(turns: Sequence[tuple[str, str]]) -> list[BaseMessage]:
    """Earlier (question, answer) turns of a conversation as chat messages."""
    return [m for q, a in turns for m in (HumanMessage(q), AIMessage(a))]


def ask_stream(question: str, ctx: AgentContext, model: BaseChatModel | None = None,
               history: Sequence[tuple[str, str]] = (),
               callbacks: list[BaseCallbackHandler] | None = None,
               max_steps: int = DEFAULT_MAX_STEPS) -> Iterator[AgentEvent]:
    """Run the agent on `question` in `ctx`'s case, yielding steps and tokens as they happen,
    then the answer; `history` holds the conversation's earlier turns (follow-up questions),
    `callbacks` observe the run (timing, tracing), `max_steps` bounds the model calls."""
    model = model or OfflineChatModel()
    if isinstance(model, OfflineChatModel) and model.vocabulary is None:
        # The offline model links names in the question to the case's shops and people.
        model = model.model_copy(update={"vocabulary": current_vocabulary(ctx.store,
                                                                          ctx.case)})
    agent = create_agent(model, tools=AGENT_TOOLS,
                         system_prompt=SYSTEM_PROMPT, context_schema=AgentContext,
                         middleware=agent_guards(AGENT_TOOLS, max_steps))
    turn: list[BaseMessage] = []
    inputs = {"messages": [*history_messages(history), HumanMessage(question)]}
    for mode, data in agent.stream(inputs, {"callbacks": callbacks or []}, context=ctx,
                                   stream_mode=["updates", "messages"]):
        if mode == "messages":
            chunk, meta = data
            # The model's text as it streams, and the step limit's answer in one piece.
            if (isinstance(chunk, AIMessageChunk) and meta.get("langgraph_node") == "model"
                    and chunk.text) or meta.get("langgraph_node") == STOPPED_NODE:
                yield TokenEvent(text=chunk.text)
            continue
        for update in data.values():
            for m in (update or {}).get("messages", []) if isinstance(update, dict) else []:
                turn.append(m)
                if isinstance(m, AIMessage):
                    for call in m.tool_calls:
                        yield StepEvent(tool=call["name"], call_id=call["id"] or "",
                                        state="running", args=call["args"])
                elif isinstance(m, ToolMessage):
                    first = str(m.content).splitlines()[0] if m.content else ""
                    yield StepEvent(tool=m.name or "", call_id=m.tool_call_id, state="done",
                                    summary=first)
    steps = [f"{m.name}: {str(m.content).splitlines()[0] if m.content else ''}"
             for m in turn if isinstance(m, ToolMessage)]
    final = next((m for m in reversed(turn) if isinstance(m, AIMessage) and not m.tool_calls),
                 None)
    text = final.text if final else ""
    # The offline model numbers its markers [1], [2], … and says what each is on the ledger:
    # the check reads the ledger's numbers, the answer keeps the model's.
    ledger = final.additional_kwargs.get(LEDGER_MARKERS) if final else None
    if ledger:
        text = ANY_MARKER.sub(lambda m: f"[{ledger.get(m[1], m[1])}]", text)
    check = ctx.ledger.verify(text, question)
    check.flags += unmarked_answer(text, ctx.ledger)
    repair = None
    wrong = [c for c in check.claims if not c.supported]
    if wrong and model is not None and not isinstance(model, OfflineChatModel):
        yield StepEvent(tool=REPAIR_STEP, call_id=REPAIR_STEP, state="running",
                        args={"claims": len(wrong)})
        messages = [SystemMessage(SYSTEM_PROMPT), *inputs["messages"], *turn]
        repaired = repair_claims(model, messages, text, wrong, callbacks)
        repair = Repair(answer=text, claims=check.claims)
        text, check = repaired, ctx.ledger.verify(repaired, question)
        check.flags += unmarked_answer(text, ctx.ledger)
        still = sum(not c.supported for c in check.claims)
        steps.append(f"{REPAIR_STEP}: {len(wrong)} claims sent back, {still} still unsupported")
        yield StepEvent(tool=REPAIR_STEP, call_id=REPAIR_STEP, state="done",
                        summary=steps[-1].split(": ", 1)[1])
    if ledger:
        text, check = renumbered(text, check)
    yield AnswerEvent(answer=_answer(text, check, steps, repair))




def renumbered(text: str, check: Verification) -> tuple[str, Verification]:
    """The answer's markers numbered [1], [2], … in the order they first appear (as the
    offline model numbers them), its citations, claims and flags with them: the ledger numbers
    every record the tools returned, the answer cites some. Left as it is when a marker names
    no record of the turn."""
    cited = {c.n for c in check.citations}
    order = list(dict.fromkeys(int(m[1]) for m in ANY_MARKER.finditer(text)))
    if set(order) != cited or order == sorted(order) and order == list(range(1, len(order) + 1)):
        return text, check
    new = {old: i for i, old in enumerate(order, 1)}

    def sub(s: str) -> str:
        return ANY_MARKER.sub(lambda m: f"[{new.get(int(m[1]), int(m[1]))}]", s)

    citations = sorted((c.model_copy(update={"n": new[c.n], "reason": c.reason and sub(c.reason)})
                        for c in check.citations), key=lambda c: c.n)
    claims = [c.model_copy(update={"text": sub(c.text), "reason": c.reason and sub(c.reason),
                                   "markers": [new.get(n, n) for n in c.markers]})
              for c in check.claims]
    return sub(text), Verification(citations, claims, [sub(f) for f in check.flags])


def _answer(text: str, check: Verification, steps: list[str], repair: Repair | None) -> Answer:
    return Answer(answer=text, citations=check.citations, steps=steps, verified=check.verified,
                  flags=check.flags, claims=check.claims, repair=repair)


_REPLY_LINE = re.compile(r"^\s*(\d{1,3})\s*[:.)]\s*(.+?)\s*$", re.M)


def repair_claims(model: BaseChatModel, messages: list[BaseMessage], text: str,
                  wrong: Sequence[ClaimCheck],
                  callbacks: list[BaseCallbackHandler] | None = None) -> str:
    """`text` with each claim of `wrong` replaced by the model's correction, asked once from
    the same tool results; a claim the model does not give back stays as it was (flagged)."""
    listed = "\n".join(f"{i}: {c.text}\n   reason: {c.reason}" for i, c in enumerate(wrong, 1))
    reply = model.invoke([*messages, HumanMessage(REPAIR_PROMPT.format(claims=listed))],
                         {"callbacks": callbacks or []})
    fixes = {int(m[1]): m[2] for m in _REPLY_LINE.finditer(reply.text)}
    for i, claim in enumerate(wrong, 1):
        fixed = fixes.get(i, "").strip()
        if fixed and claim.text in text:
            text = text.replace(claim.text, fixed, 1)
    return text


def ask(question: str, ctx: AgentContext, model: BaseChatModel | None = None,
        history: Sequence[tuple[str, str]] = ()) -> Answer:
    """The answer of `ask_stream`, without the events on the way."""
    return final_answer(ask_stream(question, ctx, model, history))


def final_answer(events: Iterable[AgentEvent]) -> Answer:
    """The answer a stream of agent events ends with."""
    for event in events:
        if isinstance(event, AnswerEvent):
            return event.answer
    raise AssertionError("the agent's events end with an answer")  # pragma: no cover
