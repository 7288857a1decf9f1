"""The agent's tools run one at a time for another program (the MCP server), audited and cited.

The registry is the agent's own (`AGENT_TOOLS`): a tool added to the agent is offered here
with its description and argument schema, no code of this module changed. A call runs the
tool's function with a fresh `AgentContext`, exactly as the agent loop would, and hands back
its text (facts prefixed by `[n]`) with every record it put on the ledger: id, kind, fields and
`Source(file, sha256, locator)` — the citations of the chat, without the claim check an answer
gets (a tool's result is records, not claims).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, ValidationError

from assistant.config import Settings
from assistant.wiring import audit_trail, search_index
from tools.errors import TergeuError
from tools.models import Source
from tools.store import CaseStore

if TYPE_CHECKING:
    from langchain_core.tools import BaseTool

    from assistant.agent.ledger import Citation
    from assistant.agent.tools import AgentContext

# Identifiers, names and queries: a call's arguments, as JSON, are never near this.
MAX_ARGUMENTS = 4096


class UnknownToolError(TergeuError):
    """No tool of the agent has that name."""


class ToolArgumentsError(TergeuError):
    """The arguments do not fit the tool's schema: names the first argument and why."""


class ToolCitation(BaseModel):
    """A record a tool returned, numbered as its text cites it."""

    n: int = Field(description="The [n] marker of the tool's text")
    id: str
    kind: str
    record: dict[str, Any] = Field(description="The record's fields")
    source: Source


class ToolRun(BaseModel):
    """A tool's result: its text for a model, and the records its markers stand for."""

    case: str
    tool: str
    text: str
    citations: list[ToolCitation]


def agent_context(settings: Settings, store: CaseStore, case: str, user: str,
                  via: str) -> AgentContext:
    """What the agent's tools work with for one question or call: the case's store and
    search index, and its deconfliction as the agent may see it."""
    from assistant.agent.tools import AgentContext
    from assistant.services.deconflict import agent_deconfliction

    return AgentContext(case=case, store=store,
                        open_search=lambda: search_index(settings, store, case),
                        deconflict=agent_deconfliction(store, case, user, via))


def agent_tools() -> dict[str, BaseTool]:
    """The agent's tools by name, read from its registry at each call."""
    from assistant.agent.tools import AGENT_TOOLS

    return {t.name: t for t in AGENT_TOOLS}


def arguments_model(tool: BaseTool) -> type[BaseModel]:
    """The model of the arguments the model gives the tool (the runtime left out)."""
    schema = tool.tool_call_schema
    if not (isinstance(schema, type) and issubclass(schema, BaseModel)):  # pragma: no cover
        raise TypeError(f"tool {tool.name}: arguments not a pydantic model")
    return schema


def tool_arguments_schema(tool: BaseTool) -> dict[str, Any]:
    """The JSON schema of the arguments the model gives the tool (the runtime left out): a
    copy, the caller's to change (langchain keeps one per tool, which the agent's own
    messages and the models' tool lists read too)."""
    return copy.deepcopy(arguments_model(tool).model_json_schema())


def run_agent_tool(settings: Settings, store: CaseStore, case: str, name: str,
                   args: dict[str, Any], user: str, via: str = "mcp") -> ToolRun:
    """Run the agent's tool `name` on `case` for `user`, audited as a `tool_call`.

    The caller has checked that `user` may see `case` and that it exists.

    Raises:
        UnknownToolError: no tool of that name.
        ToolArgumentsError: `args` do not fit the tool's schema.
        TergeuError: the tool's own failures (a record missing from the vault, …).
    """
    from langchain.tools import ToolRuntime

    from assistant.agent.tools import Runtime

    # Every call is on the trail, the ones refused for a wrong name or arguments too.
    audit_trail(store.engine).append(case, user, "tool_call",
                                     {"tool": name, "args": args, "via": via})
    if len(json.dumps(args, ensure_ascii=False)) > MAX_ARGUMENTS:
        raise ToolArgumentsError(f"{name}: arguments over {MAX_ARGUMENTS:,} characters")
    tool = agent_tools().get(name)
    if tool is None:
        raise UnknownToolError(f"no tool {name!r}; tools: {', '.join(sorted(agent_tools()))}")
    try:
        checked = arguments_model(tool).model_validate(args)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "arguments"
        raise ToolArgumentsError(f"{name}: {where}: {first['msg']}") from exc
    given = {k: getattr(checked, k) for k in type(checked).model_fields}
    ctx = agent_context(settings, store, case, user, via)
    runtime: Runtime = ToolRuntime(state={}, context=ctx, config={}, stream_writer=lambda _: None,
                          tool_call_id=None, store=None)
    # The tool's own function, its runtime given as the agent loop gives it.
    text, _ = tool.func(**given, runtime=runtime)  # type: ignore[attr-defined]
    citations = [ToolCitation(n=n, id=rec.id, kind=rec.kind, record=rec.fields,
                              source=rec.source)
                 for n, rec in sorted(ctx.ledger.records.items())]
    return ToolRun(case=case, tool=name, text=text, citations=citations)


def sources_block(citations: Sequence[ToolCitation | Citation]) -> str:
    """The citations as lines a model or a person reads: `[n] kind id — file (sha256…) at
    locator`; the text's markers point here."""
    lines = [f"[{c.n}] {c.kind} {c.id} — {c.source.file} (sha256 {c.source.sha256[:12]}…) "
             f"at {c.source.locator}" for c in citations]
    return "Sources:\n" + "\n".join(lines) if lines else ""
