"""Chat models by name: `openai:<model>` over real HTTP against a loopback OpenAI-style server."""

import re

import pytest

from assistant.agent.core import ModelUnavailableError, ask_stream, chat_model
from assistant.agent.tools import AGENT_TOOLS, AgentContext
from tests.utils.loopback import serving
from tests.utils.openai_server import ScriptedModel


def _cite_first_fact(messages):
    """What a careful model writes: the first fact the tool returned, with its marker."""
    tool_text = next(m["content"] for m in reversed(messages) if m["role"] == "tool")
    fact = next(line for line in tool_text.splitlines() if line.startswith("["))
    return {"text": f"По материалам дела: {fact}"}


@pytest.fixture(scope="module")
def demo(small_demo):
    truth, store, _ = small_demo
    return truth, store


def test_openai_model_calls_tools_and_streams_a_verified_answer(demo):
    truth, store = demo
    record_id, [(_, card)] = next((r, d) for r, d in truth.messages.items() if d[0][0] == "card")
    server = ScriptedModel([{"tool_calls": [("lookup_account", {"identifier": card})]},
                            _cite_first_fact])
    with serving(server.app()) as url:
        model = chat_model("openai:scripted-7b", f"{url}/v1", "test-key")
        events = list(ask_stream(f"Кто стоит за картой {card}?", AgentContext("demo", store),
                                 model))
    answer = events[-1].answer
    assert answer.verified and record_id in [c.id for c in answer.citations]
    assert answer.answer.startswith("По материалам дела: [1]")
    assert "".join(e.text for e in events if e.type == "token").strip() == answer.answer.strip()
    step = next(e for e in events if e.type == "step" and e.state == "running")
    assert (step.tool, step.args) == ("lookup_account", {"identifier": card})
    first, second = server.requests
    assert first["model"] == "scripted-7b" and first["stream"] is True
    assert {t["function"]["name"] for t in first["tools"]} == {t.name for t in AGENT_TOOLS}
    assert first["messages"][0]["role"] == "system" and "[n]" in first["messages"][0]["content"]
    assert second["messages"][-1]["role"] == "tool" and record_id in second["messages"][-1]["content"]


def test_an_openai_model_stating_what_no_record_says_is_flagged(demo):
    truth, store = demo
    wallet = truth.shops[0].payment_wallets[0]
    server = ScriptedModel([{"tool_calls": [("trace_wallet", {"address": wallet})]},
                            {"text": f"All of it, 987654.321 USDT, went to {wallet[::-1]} [1]. "
                                     "See also [42]."}])
    with serving(server.app()) as url:
        events = list(ask_stream("Where did it go?", AgentContext("demo", store),
                                 chat_model("openai:m", f"{url}/v1")))
    answer = events[-1].answer
    assert not answer.verified
    assert any("987654.321" in f for f in answer.flags)
    assert any(f.startswith("[42]") for f in answer.flags)


def test_model_names():
    assert type(chat_model("offline")).__name__ == "OfflineChatModel"
    ollama = chat_model("ollama:qwen3:8b")
    assert ollama.model_name == "qwen3:8b" and re.match(r"http://127\.0\.0\.1:11434/v1",
                                                         str(ollama.openai_api_base))
    with pytest.raises(ModelUnavailableError, match="TERGEU_LLM_URL"):
        chat_model("openai:gpt-x")
    with pytest.raises(ModelUnavailableError, match="expected offline"):
        chat_model("anthropic:claude")
