"""Guards of the agent loop against what real chat models do.

A model behind `openai:` or `ollama:` calls tools in parallel, passes a number where a string is
expected, invents arguments and tool names, retypes an address with one character changed,
answers without markers, or keeps calling tools. Each is met here, as LangChain agent
middleware and two helpers, so that the model gets an error it can act on and the user an
honest answer:

- `ToolCallGuard` (wrap_tool_call): an unknown tool name is answered with the tools that exist;
  a call repeated with the same arguments is refused (its result is already there);
  arguments are checked strictly against the tool's schema (no coercion, no invented fields);
  a tool result that found nothing for an identifier names the case's identifiers one or two
  characters away; the calls of one model turn take turns on the turn's ledger.
- `StepLimit` (before_model): at most `max_steps` model calls per question, then a partial
  answer made of the [n] facts the tools returned so far, in the question's language.
- `ModelCallGuard` (wrap_model_call): a model server that times out, is unreachable or
  answers 4xx/5xx raises `ModelServerError` (HTTP 503, an `error` event), never a hang; tool
  calls whose arguments are not JSON go on to `ToolCallGuard`, which says so to the model,
  rather than end the turn with no answer.
- `unmarked_answer`: the flag for an answer that cites none of the records the tools returned.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from langchain.agents.middleware import (
    AgentMiddleware,
    AgentState,
    ModelCallLimitMiddleware,
    ModelRequest,
    ModelResponse,
    hook_config,
)
from langchain.agents.middleware.model_call_limit import ModelCallLimitState
from langchain_core.messages import (
    AIMessage,
    AnyMessage,
    BaseMessage,
    HumanMessage,
    ToolCall,
    ToolMessage,
)
from langchain_core.tools import BaseTool
from langgraph.prebuilt.tool_node import ToolCallRequest
from langgraph.runtime import Runtime
from langgraph.types import Command
from pydantic import BaseModel, ValidationError
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from assistant.agent.claims import ANY_MARKER
from assistant.agent.ledger import Ledger
from assistant.agent.tools import AgentContext
from assistant.agent.understanding import language
from tools.errors import TergeuError
from tools.identifiers import parse_identifier
from tools.resources import prompt_yaml
from tools.store import CaseStore
from tools.store.accounts import account_values, has_account
from tools.trace import CaseGraph, load_case_graph
from tools.trace.starts import WALLET_KINDS

if TYPE_CHECKING:
    import openai

log = logging.getLogger(__name__)

DEFAULT_MAX_STEPS = 8
# Tool calls run from one model turn; more at once is a model looping inside one step.
MAX_CALLS_PER_STEP = 8
# Facts listed in a partial answer: enough to act on, short enough to read.
MAX_PARTIAL_FACTS = 30
# Seconds a tool call waits for the calls before it in the model's turn, then runs anyway.
TURN_WAIT = 60.0
# A retyped identifier: one character changed is distance 1, two swapped is 2.
MAX_TYPO_DISTANCE = 2
# Characters at each end compared before any edit distance: one changed character leaves the
# first or the last of them intact, and they cut the candidates to a handful.
_ENDS = 4
# The argument a tool call gets when the model's arguments were not JSON: its raw text.
UNPARSED_ARGUMENTS = "__unparsed_arguments__"
_FACT = re.compile(r"^\[\d+\] ")


class ModelServerError(TergeuError):
    """The chat model's server timed out, could not be reached or refused the request."""


@cache
def phrases() -> dict[str, dict[str, str]]:
    return prompt_yaml("guards.yaml")


# --- tool calls --------------------------------------------------------------------------------


def tool_error(call: ToolCall, text: str) -> ToolMessage:
    return ToolMessage(content=text, tool_call_id=call["id"], name=call["name"], status="error")


def unknown_tool_message(name: str, tools: Sequence[BaseTool]) -> str:
    """What the model is told when it calls a tool that does not exist."""
    names = [t.name for t in tools]
    best = process.extractOne(name, names, scorer=fuzz.WRatio, score_cutoff=60)
    listed = "\n".join(f"- {t.name}: {' '.join(t.description.split())[:200]}" for t in tools)
    guess = f"\nDid you mean {best[0]}?" if best else ""
    return (f"Error: there is no tool {name!r}. The tools are:\n{listed}{guess}\n"
            "Call one of them by its exact name, or answer from what the tools returned.")


def argument_problems(tool: BaseTool, args: dict[str, Any]) -> list[str]:
    """What is wrong with `args` for `tool`: unknown names, missing or mistyped values.

    Strict: a number is not taken for a string (an identifier's leading zero would be lost),
    nor the string "true" for a boolean, nor "sideways" for a direction.
    """
    schema = tool.tool_call_schema
    if not (isinstance(schema, type) and issubclass(schema, BaseModel)):
        return []
    fields = schema.model_fields
    problems = [f"{name}: there is no such argument" for name in args if name not in fields]
    try:
        schema.model_validate({k: v for k, v in args.items() if k in fields}, strict=True)
    except ValidationError as exc:
        seen = set()
        for e in exc.errors(include_url=False):
            where = str(e["loc"][0]) if e["loc"] else "arguments"
            if where in seen:  # a union reports each of its members; one line is enough
                continue
            seen.add(where)
            got = "" if e["type"] == "missing" else \
                f", got {json.dumps(e['input'], ensure_ascii=False)[:80]}"
            problems.append(f"{where}: {e['msg']}{got}")
    return problems


def signature(tool: BaseTool) -> str:
    """The tool's arguments as the model should write them: name, type, required or default."""
    parts = []
    props = tool.tool_call_schema.model_json_schema()  # type: ignore[union-attr]
    required = set(props.get("required", []))
    for name, p in props.get("properties", {}).items():
        kinds = [p] + p.get("anyOf", [])
        enum = next((k["enum"] for k in kinds if "enum" in k), None)
        kind = " or ".join(json.dumps(v) for v in enum) if enum else \
            " or ".join(k["type"] for k in kinds if "type" in k)
        extra = "required" if name in required else f"default {json.dumps(p.get('default'))}"
        parts.append(f"{name} ({kind}, {extra})")
    return ", ".join(parts) or "no arguments"


def bad_arguments_message(tool: BaseTool, problems: list[str]) -> str:
    lines = "\n".join(f"- {p}" for p in problems)
    return (f"Error: {tool.name} was not run, its arguments are wrong:\n{lines}\n"
            f"{tool.name} takes: {signature(tool)}. Call it again with corrected arguments; "
            "copy identifiers exactly from the question or a tool result.")


def near_identifiers(store: CaseStore, case: str, text: str,
                     max_distance: int = MAX_TYPO_DISTANCE,
                     case_graph: Callable[[], CaseGraph] | None = None) -> list[tuple[int, str]]:
    """The case's identifiers of the same kind at most `max_distance` edits from `text`, when
    `text` itself is not in the case: (distance, identifier), nearest first, at most three.
    `case_graph`: the case's graph as the caller holds it (else loaded)."""
    ident = parse_identifier(text)
    if ident.kind in ("unknown", "bot", "card_mask") or len(ident.value) < 2 * _ENDS:
        return []
    value = ident.value
    graph = (case_graph or (lambda: load_case_graph(store, case)))().graph \
        if ident.kind in WALLET_KINDS else None
    if graph is not None and value in graph:
        return []
    with store.engine.connect() as conn:
        if has_account(conn, case, ident.account_id):
            return []
        known = account_values(conn, case, ident.kind)

    def pool() -> Iterator[str]:
        yield from known
        if graph is not None:
            yield from (n for n in graph if isinstance(n, str))

    return nearest(value, pool(), max_distance)


def nearest(value: str, candidates: Iterable[str], max_distance: int = MAX_TYPO_DISTANCE
            ) -> list[tuple[int, str]]:
    """The candidates at most `max_distance` edits from `value`, nearest first, at most three.
    Only those of about its length sharing its first or last characters are measured."""
    head, tail, size = value[:_ENDS], value[-_ENDS:], len(value)
    near = set()
    for candidate in candidates:
        if abs(len(candidate) - size) <= max_distance and \
                (candidate.startswith(head) or candidate.endswith(tail)):
            d = Levenshtein.distance(value, candidate, score_cutoff=max_distance)
            if d <= max_distance:
                near.add((d, candidate))
    return sorted(near)[:3]


def near_miss_hint(ctx: AgentContext, args: dict[str, Any]) -> str:
    """For each identifier argument not in the case: the case's identifiers it nearly is."""
    hints = []
    for value in args.values():
        if not isinstance(value, str):
            continue
        for distance, known in near_identifiers(ctx.store, ctx.case, value,
                                                case_graph=lambda: ctx.case_graph):
            chars = "one character" if distance == 1 else f"{distance} characters"
            hints.append(f"{value} is not in the case, but {known} is: {chars} different. If "
                         f"{known} was meant, call again with it copied exactly, and tell the "
                         "user which one you used; never retype an identifier.")
    return "\n".join(hints)


def _messages(request: ToolCallRequest) -> list[AnyMessage]:
    return request.state.get("messages", []) if isinstance(request.state, dict) else []


def call_position(request: ToolCallRequest) -> int:
    """Where the call stands among the tool calls of its model turn (0 when unknown).
    By id within the turn: some servers number calls call_0, call_1… afresh every turn."""
    turn = next((m for m in reversed(_messages(request)) if isinstance(m, AIMessage)), None)
    ids = [c["id"] for c in turn.tool_calls] if turn else []
    return ids.index(request.tool_call["id"]) if request.tool_call["id"] in ids else 0


def _question_turns(request: ToolCallRequest) -> list[AIMessage]:
    """The model's turns since the question, the current one last."""
    messages = _messages(request)
    start = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=0)
    return [m for m in messages[start:] if isinstance(m, AIMessage)]


def call_order(request: ToolCallRequest) -> int:
    """The call's place among all tool calls of the question, in the model's order."""
    turns = _question_turns(request)
    return sum(len(m.tool_calls) for m in turns[:-1]) + call_position(request)


def repeated_call(request: ToolCallRequest) -> str | None:
    """The id of an earlier call of this question to the same tool with the same arguments:
    the case does not change while a question is answered, so neither would the result."""
    turns = _question_turns(request)
    if not turns:
        return None
    earlier = [c for m in turns[:-1] for c in m.tool_calls] + \
        turns[-1].tool_calls[:call_position(request)]
    call = request.tool_call
    return next((c["id"] for c in earlier
                 if c["name"] == call["name"] and c["args"] == call["args"]), None)


class ToolCallGuard(AgentMiddleware[AgentState[Any], AgentContext, Any]):
    """Every tool call checked before it runs; identifiers not in the case get near misses."""

    def __init__(self, tools: Sequence[BaseTool]) -> None:
        super().__init__()
        self.known = list(tools)
        # Parallel calls of one model turn run in threads, in no fixed order. The ledger
        # numbers records as they come, so the calls take turns in the model's order: no two
        # race for the same [n], and [1] is always the first call's first record.
        self.turn = threading.Condition()
        self.finished = 0  # calls of the question done, counted in the model's order

    def wrap_tool_call(self, request: ToolCallRequest,
                       handler: Callable[[ToolCallRequest], ToolMessage | Command]
                       ) -> ToolMessage | Command:
        order = call_order(request)
        with self.turn:
            if not self.turn.wait_for(lambda: self.finished >= order, timeout=TURN_WAIT):
                log.warning("tool call %d ran before an earlier call finished", order)
        try:
            with self.turn:  # held while the tool writes the ledger, whatever the order
                return self.checked_call(request, handler)
        finally:
            with self.turn:
                self.finished = max(self.finished, order + 1)
                self.turn.notify_all()

    def checked_call(self, request: ToolCallRequest,
                     handler: Callable[[ToolCallRequest], ToolMessage | Command]
                     ) -> ToolMessage | Command:
        call = request.tool_call
        if request.tool is None:
            log.info("model called an unknown tool %s", call["name"])
            return tool_error(call, unknown_tool_message(call["name"], self.known))
        if call_position(request) >= MAX_CALLS_PER_STEP:
            return tool_error(call, f"Error: {call['name']} was not run: at most "
                              f"{MAX_CALLS_PER_STEP} tool calls are run at once. Answer from "
                              "what the tools returned, or make the calls that matter most.")
        if (first := repeated_call(request)) is not None:
            return tool_error(call, f"Error: {call['name']} was already called with these "
                              f"arguments for this question (call {first}); its result is "
                              "above. Use it, or try another identifier or tool.")
        if UNPARSED_ARGUMENTS in call["args"]:
            raw = str(call["args"][UNPARSED_ARGUMENTS])[:200]
            return tool_error(call, f"Error: {call['name']} was not run, its arguments are not "
                              f"a JSON object: {raw}\n{call['name']} takes: "
                              f"{signature(request.tool)}. Send them again as JSON.")
        problems = argument_problems(request.tool, call["args"])
        if problems:
            log.info("model called %s with %d bad arguments", call["name"], len(problems))
            log.debug("bad arguments of %s: %s", call["name"], problems)  # may name evidence
            return tool_error(call, bad_arguments_message(request.tool, problems))
        result = handler(request)
        # Whatever the tool found: an identifier argument not in the case gets its near misses.
        if isinstance(result, ToolMessage) and result.status != "error":
            ctx = cast(AgentContext, request.runtime.context)
            hint = near_miss_hint(ctx, call["args"])
            if hint:
                content = f"{result.content}\n{hint}" if isinstance(result.content, str) \
                    else [*result.content, {"type": "text", "text": hint}]
                result = result.model_copy(update={"content": content})
        return result


# --- the step limit ---------------------------------------------------------------------------


def partial_answer(messages: Sequence[AnyMessage], steps: int) -> str:
    """What the tools of the question's run found, as a list of their [n] facts, introduced
    in the question's language by a sentence saying the run was stopped."""
    start = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=0)
    facts: list[str] = []
    for m in messages[start + 1:]:
        if isinstance(m, ToolMessage) and m.status != "error":
            facts += [line for line in str(m.content).splitlines()
                      if _FACT.match(line) and line not in facts]
    lang = language(messages[start].text if messages else "")
    if not facts:
        return phrases()["step_limit_nothing"][lang].format(steps=steps)
    listed = "\n".join(f"- {fact}" for fact in facts[:MAX_PARTIAL_FACTS])
    return f"{phrases()['step_limit'][lang].format(steps=steps)}\n{listed}"


# The graph node whose message is the step limit's answer (its text is streamed as tokens).
STOPPED_NODE = "StepLimit.before_model"


class StepLimit(ModelCallLimitMiddleware[Any, AgentContext]):
    """At most `max_steps` model calls per question; then, instead of another call, the
    partial answer of what the tools found so far."""

    def __init__(self, max_steps: int = DEFAULT_MAX_STEPS) -> None:
        super().__init__(run_limit=max_steps, exit_behavior="end")
        self.max_steps = max_steps

    @hook_config(can_jump_to=["end"])
    def before_model(self, state: ModelCallLimitState[Any], runtime: Runtime[AgentContext]
                     ) -> dict[str, Any] | None:
        if state.get("run_model_call_count", 0) < self.max_steps:
            return None
        log.info("agent stopped after %d model calls", self.max_steps)
        text = partial_answer(state["messages"], self.max_steps)
        # The opening sentence's step count is the run's own, not a fact of the case to cite.
        runtime.context.ledger.bind(text.splitlines()[0])
        return {"jump_to": "end", "messages": [AIMessage(text)]}


# --- the model server ---------------------------------------------------------------------------


def is_server_error(exc: BaseException) -> bool:
    """An error of the OpenAI client. The offline model never loads the client (2 s of a cold
    CLI's start), and an error of a module not loaded cannot have been raised."""
    client = sys.modules.get("openai")
    return client is not None and isinstance(exc, client.APIError)


def describe_server_error(exc: openai.APIError) -> str:
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return "the model server did not answer in time (TERGEU_LLM_TIMEOUT); try again later"
    if isinstance(exc, openai.APIConnectionError):
        return f"the model server cannot be reached ({exc.request.url}): check TERGEU_LLM_URL"
    if isinstance(exc, openai.APIStatusError):
        said = exc.body.get("message") if isinstance(exc.body, dict) else None
        return f"the model server answered HTTP {exc.status_code}: {str(said or exc.message)[:200]}"
    return f"the model server failed: {exc.message[:200]}"


def with_unparsed_calls(message: BaseMessage) -> BaseMessage:
    """`message` with its invalid tool calls (arguments that are not JSON) made into calls
    carrying the raw text, for `ToolCallGuard` to answer with an error."""
    if not isinstance(message, AIMessage) or not message.invalid_tool_calls:
        return message
    unparsed = [ToolCall(name=c["name"] or "", id=c["id"] or f"unparsed_{i}", type="tool_call",
                         args={UNPARSED_ARGUMENTS: c["args"] or ""})
                for i, c in enumerate(message.invalid_tool_calls)]
    return message.model_copy(update={"tool_calls": [*message.tool_calls, *unparsed],
                                      "invalid_tool_calls": []})


class ModelCallGuard(AgentMiddleware[AgentState[Any], AgentContext, Any]):
    """A failing model server becomes one clear `ModelServerError`; broken tool calls go on."""

    def wrap_model_call(self, request: ModelRequest[AgentContext],
                        handler: Callable[[ModelRequest[AgentContext]], ModelResponse[Any]]
                        ) -> ModelResponse[Any]:
        try:
            response = handler(request)
        except Exception as exc:
            if not is_server_error(exc):
                raise
            log.warning("model server error: %s", exc)
            raise ModelServerError(describe_server_error(cast("openai.APIError", exc))) from exc
        return ModelResponse(result=[with_unparsed_calls(m) for m in response.result],
                             structured_response=response.structured_response)


def agent_guards(tools: Sequence[BaseTool], max_steps: int = DEFAULT_MAX_STEPS
                 ) -> list[AgentMiddleware[Any, AgentContext, Any]]:
    """The middleware of one question's agent (a new set per question: the step count and the
    ledger's turn-taking are the question's own)."""
    return [ModelCallGuard(), StepLimit(max_steps), ToolCallGuard(tools)]


# --- the answer ----------------------------------------------------------------------------------


def unmarked_answer(text: str, ledger: Ledger) -> list[str]:
    """Flags for an answer that is empty, or cites none of the records the tools returned."""
    if not text.strip():
        return ["the model gave no answer"]
    if ledger.records and not ANY_MARKER.search(text):
        return [f"the answer cites none of the {len(ledger.records)} records the tools "
                "returned: its facts are unchecked"]
    return []
