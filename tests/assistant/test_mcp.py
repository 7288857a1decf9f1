"""`tergeu mcp` through the MCP SDK's own client: streamable HTTP on a real uvicorn server on
loopback, and stdio with the server launched as `python -m assistant.cli mcp`."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx
import httpx2
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from assistant.agent.tools import Runtime, ToolOutput
from assistant.audit import SERVER
from assistant.config import Settings
from assistant.mcp.server import ASK, LIST_CASES, Gatekeeper, call, http_app, mcp_tools
from assistant.services.agent_tools import agent_tools
from assistant.wiring import audit_trail, open_store
from tests.utils.loopback import serving
from tools.people import people_of_case

ROOT = Path(__file__).resolve().parents[2]
SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _examples(stack) -> dict[str, dict[str, Any]]:
    """A call of each agent tool that the demo case answers with records."""
    truth = stack.truth
    shop = next(s for s in truth.shops if s.beneficiaries)
    store = open_store(Settings(home=stack.home))
    person = next(p for p in people_of_case(store, "demo").values() if p.records)
    return {
        "trace_wallet": {"address": shop.treasury},
        "money_path": {"source": shop.treasury, "target": shop.beneficiaries[0]},
        "lookup_account": {"identifier": truth.droppers[0].card},
        "find_person": {"name": person.name},
        "search_listings": {"query": "шишки", "listings_only": True},
        "shop_details": {"shop": shop.name},
        "get_record": {"record_id": next(iter(truth.messages))},
        "case_overview": {},
    }


@asynccontextmanager
async def _http_client(url: str, token: str | None) -> AsyncIterator[Client]:
    """The SDK's client on streamable HTTP, every request carrying `token`."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx2.AsyncClient(headers=headers, timeout=300) as http, \
            Client(streamable_http_client(f"{url}/mcp", http_client=http)) as client:
        yield client


def _assert_cited(result, case: str = "demo") -> dict[str, Any]:
    """A tool result with [n] markers, a Sources block, and each marker's record and source."""
    text = result.content[0].text
    assert not result.is_error, text
    data = result.structured_content
    assert data["case"] == case and data["citations"], text
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", text.split("Sources:")[0])}
    assert markers and markers <= {c["n"] for c in data["citations"]}
    for c in data["citations"]:
        assert c["id"] and c["source"]["file"] and SHA256.match(c["source"]["sha256"])
        assert f"[{c['n']}] {c['kind']} {c['id']} — {c['source']['file']}" in text
    return data


@pytest.fixture(scope="module")
def mcp_url(stack):
    with serving(http_app(Settings(home=stack.home))) as url:
        yield url


def test_http_lists_the_agents_tools_and_answers_each_with_citations(stack, mcp_url):
    examples = _examples(stack)

    async def session() -> None:
        async with _http_client(mcp_url, stack.token) as client:
            listed = {t.name: t for t in (await client.list_tools()).tools}
            # The registry's tools, whatever they are, each with the case to run in.
            assert set(agent_tools()) | {LIST_CASES, ASK} == set(listed)
            for name in agent_tools():
                assert listed[name].input_schema["required"][0] == "case", name
                assert listed[name].annotations.read_only_hint
            cases = await client.call_tool(LIST_CASES, {})
            assert cases.structured_content == {"cases": ["demo"]}
            for name, args in examples.items():
                result = await client.call_tool(name, {"case": "demo", **args})
                data = _assert_cited(result)
                assert data["tool"] == name
            record = examples["get_record"]["record_id"]
            got = await client.call_tool("get_record", {"case": "demo", "record_id": record})
            assert [c["id"] for c in got.structured_content["citations"]] == [record]
            huge = await client.call_tool("lookup_account", {"case": "demo",
                                                             "identifier": "4" * 5000})
            assert huge.is_error
            assert huge.content[0].text == "lookup_account: arguments over 4,096 characters"
            bad = await client.call_tool("trace_wallet", {"case": "demo", "direction": "up"})
            assert bad.is_error and "address" in bad.content[0].text

    anyio.run(session)
    engine = open_store(Settings(home=stack.home)).engine
    calls = [e.details for e in audit_trail(engine).entries("demo")
             if e.user == "ayana" and e.action == "tool_call" and e.details.get("via") == "mcp"]
    assert {c["tool"] for c in calls} >= set(examples)
    assert calls[-1] == {"tool": "trace_wallet", "args": {"direction": "up"}, "via": "mcp"}
    listed = [e.details for e in audit_trail(engine).entries(SERVER) if e.user == "ayana"]
    assert listed[-1]["tool"] == LIST_CASES and listed[-1]["cases"] == ["demo"]


def test_listing_the_tools_leaves_the_agent_s_own_schemas_as_they_were():
    # The MCP listing adds the case to each tool's arguments; the agent's error messages and
    # a real model's tool list read the same tools' schemas.
    def schemas() -> dict[str, str]:
        return {name: json.dumps(tool.tool_call_schema.model_json_schema(), sort_keys=True)
                for name, tool in agent_tools().items()}

    before = schemas()
    listed = mcp_tools()
    assert all("case" in t.input_schema["properties"] for t in listed if t.name != LIST_CASES)
    assert schemas() == before and not any('"case"' in s for s in before.values())


def test_a_tool_added_to_the_agent_is_served_without_more_code(stack, monkeypatch):
    from langchain.tools import tool

    from assistant.agent import tools as agent

    record_id = next(iter(stack.truth.messages))

    @tool("first_message", response_format="content_and_artifact")
    def first_message(runtime: Runtime, note: str = "") -> tuple[str, ToolOutput]:
        """The first message that revealed payment details."""
        out = ToolOutput("first_message", None)
        return f"[{out.cite(runtime.context, record_id)}] the first one {note}", out

    monkeypatch.setattr(agent, "AGENT_TOOLS", [*agent.AGENT_TOOLS, first_message])
    listed = {t.name: t for t in mcp_tools()}
    assert listed["first_message"].description == first_message.description
    assert listed["first_message"].input_schema["required"] == ["case"]
    assert set(listed["first_message"].input_schema["properties"]) == {"case", "note"}
    store = open_store(Settings(home=stack.home))
    result = call(Settings(home=stack.home), Gatekeeper(store), stack.token, "test",
                  "first_message", {"case": "demo", "note": "x"})
    assert _assert_cited(result)["citations"][0]["id"] == record_id


def test_http_ask_gives_the_chats_answer_with_claim_statuses(stack, mcp_url):
    record_id, [(_, value)] = next(iter(stack.truth.messages.items()))

    async def session() -> Any:
        async with _http_client(mcp_url, stack.token) as client:
            return await client.call_tool(ASK, {"case": "demo",
                                                "question": f"Кто стоит за {value}?",
                                                "session": "mcp-1"})

    result = anyio.run(session)
    data = result.structured_content
    assert not result.is_error and data["verified"]
    assert record_id in [c["id"] for c in data["citations"]]
    assert {c["status"] for c in data["claims"]} <= {"supported", "plain"}
    text = result.content[0].text
    assert text.startswith(data["answer"]) and "Sources:" in text and "Check: verified" in text
    asked = [e for e in audit_trail(open_store(Settings(home=stack.home)).engine)
             .entries("demo") if e.action == "ask" and e.details.get("via") == "mcp"]
    assert asked and asked[-1].details["session"] == "mcp-1"


def test_http_another_cases_token_gets_nothing(stack, mcp_url):
    examples = _examples(stack)

    async def session() -> list[Any]:
        async with _http_client(mcp_url, stack.stranger) as client:
            results = [await client.call_tool(LIST_CASES, {})]
            for name, args in [*examples.items(), (ASK, {"question": "обзор дела"})]:
                results.append(await client.call_tool(name, {"case": "demo", **args}))
            return results

    listed, *calls = anyio.run(session)
    assert listed.structured_content == {"cases": []}
    for result in calls:
        assert result.is_error and result.content[0].text == "no case 'demo'"
        assert result.structured_content is None
    refused = [e for e in audit_trail(open_store(Settings(home=stack.home)).engine)
               .entries(SERVER) if e.user == "stranger" and e.details.get("via") == "mcp"]
    assert refused and refused[-1].details["case"] == "demo"


def test_http_without_a_users_token_is_401(stack, mcp_url):
    hello = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        r = httpx.post(f"{mcp_url}/mcp", json=hello, headers=headers)
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert r.json()["detail"] in ("sign in: Authorization: Bearer <token>",
                                      "unknown or revoked token")
    assert httpx.get(f"{mcp_url}/healthz").json() == {"status": "ok"}

    async def session() -> None:
        async with _http_client(mcp_url, "not-a-token") as client:
            await client.list_tools()

    with pytest.raises(Exception):  # noqa: B017 - the SDK's error for a refused connection
        anyio.run(session)


def _stdio(stack, token: str) -> Client:
    return Client(StdioServerParameters(
        command=sys.executable, args=["-m", "assistant.cli", "mcp"], cwd=str(ROOT),
        env={"PYTHONPATH": str(ROOT), "TERGEU_HOME": str(stack.home), "TERGEU_TOKEN": token}))


def test_stdio_serves_the_same_tools_to_the_token_given_at_start(stack):
    card = stack.truth.droppers[0].card

    async def session() -> tuple[Any, ...]:
        async with _stdio(stack, stack.token) as client:
            names = {t.name for t in (await client.list_tools()).tools}
            overview = await client.call_tool("case_overview", {"case": "demo"})
            lookup = await client.call_tool("lookup_account", {"case": "demo",
                                                               "identifier": card})
        async with _stdio(stack, stack.stranger) as client:
            cases = await client.call_tool(LIST_CASES, {})
            refused = await client.call_tool("case_overview", {"case": "demo"})
        return names, overview, lookup, cases, refused

    names, overview, lookup, cases, refused = anyio.run(session)
    assert names == set(agent_tools()) | {LIST_CASES, ASK}
    _assert_cited(overview)
    assert card.replace(" ", "")[-4:] in _assert_cited(lookup)["text"].replace(" ", "")
    assert cases.structured_content == {"cases": []}
    assert refused.is_error and refused.content[0].text == "no case 'demo'"


def test_stdio_refuses_to_start_without_a_users_token(stack):
    import subprocess

    for token in ("", "not-a-token"):
        run = subprocess.run([sys.executable, "-m", "assistant.cli", "mcp"], cwd=ROOT,
                             capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                             env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT),
                                  "TERGEU_HOME": str(stack.home), "TERGEU_TOKEN": token})
        assert run.returncode == 2 and run.stdout == ""
        assert run.stderr.strip() in (
            "--token (or TERGEU_TOKEN): the token `tergeu user add` printed",
            "--token: unknown or revoked token")
