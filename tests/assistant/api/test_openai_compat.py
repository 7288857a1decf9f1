"""The OpenAI-compatible endpoint through the official `openai` client, on the API on loopback."""

from __future__ import annotations

import re

import openai
import pytest
from openai import OpenAI

from assistant.api.app import create_app
from assistant.config import Settings, get_settings
from assistant.wiring import audit_trail, open_store
from tests.utils.loopback import serving
from tests.utils.openai_server import ScriptedModel

SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _client(stack, token: str) -> OpenAI:
    return OpenAI(base_url=f"{stack.api_url}/v1", api_key=token, max_retries=0)


def _markers(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\[(\d+)\]", text)}


def _assert_checked(content: str, tergeu: dict) -> None:
    """[n] in the content, each a citation with its record's source; every claim checked."""
    assert tergeu["answer"] == content and tergeu["verified"], tergeu["flags"]
    cited = {c["n"]: c for c in tergeu["citations"]}
    assert _markers(content) and _markers(content) <= set(cited)
    for c in cited.values():
        assert c["verified"] and c["source"]["file"] and SHA256.match(c["source"]["sha256"])
        assert c["source"]["locator"]
    assert tergeu["claims"] and {c["status"] for c in tergeu["claims"]} <= {"supported", "plain"}


def test_models_are_the_cases_the_token_may_see(stack):
    assert [m.id for m in _client(stack, stack.token).models.list()] == ["demo"]
    assert _client(stack, stack.token).models.retrieve("demo").owned_by == "tergeu"
    stranger = _client(stack, stack.stranger)
    assert list(stranger.models.list()) == []
    with pytest.raises(openai.NotFoundError, match="no case 'demo'"):
        stranger.models.retrieve("demo")
    with pytest.raises(openai.AuthenticationError, match="unknown or revoked token"):
        _client(stack, "not-a-token").models.list()


def test_chat_answers_with_markers_and_citations(stack):
    record_id, [(_, value)] = next(iter(stack.truth.messages.items()))
    reply = _client(stack, stack.token).chat.completions.create(
        model="demo", messages=[{"role": "system", "content": "You are helpful."},
                                {"role": "user", "content": f"Кто стоит за {value}?"}])
    content = reply.choices[0].message.content
    assert reply.model == "demo" and reply.choices[0].finish_reason == "stop"
    _assert_checked(content, reply.tergeu)
    assert record_id in [c["id"] for c in reply.tergeu["citations"]]
    asked = [e for e in audit_trail(open_store(Settings(home=stack.home)).engine)
             .entries("demo") if e.action == "ask" and e.details.get("via") == "openai"]
    assert asked[-1].user == "ayana" and asked[-1].details["question"] == f"Кто стоит за {value}?"


def test_streamed_chat_gives_the_same_answer_steps_first_and_the_check_last(stack):
    wallet = stack.truth.shops[0].payment_wallets[0]
    client = _client(stack, stack.token)
    question = [{"role": "user", "content": f"Куда ушли деньги с {wallet}?"}]
    whole = client.chat.completions.create(model="demo", messages=question)
    chunks = list(client.chat.completions.create(model="demo", messages=question, stream=True))
    content = "".join(c.choices[0].delta.content or "" for c in chunks)
    reasoning = "".join((c.choices[0].delta.model_extra or {}).get("reasoning_content") or ""
                        for c in chunks)
    assert content == whole.choices[0].message.content
    assert reasoning.startswith(f'trace_wallet(address="{wallet}"') and "traced" in reasoning
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop" and not last.choices[0].delta.content
    _assert_checked(content, last.tergeu)
    assert len([c for c in chunks if c.choices[0].delta.content]) > 1  # in pieces


@pytest.mark.parametrize("stream", [False, True])
def test_a_follow_up_turn_reads_the_conversation_the_client_sends(stack, stream):
    wallet = stack.truth.shops[0].payment_wallets[0]
    client = _client(stack, stack.token)
    first_q = f"Where did the money from {wallet} go?"
    first = client.chat.completions.create(
        model="demo", messages=[{"role": "user", "content": first_q}])
    answer = first.choices[0].message.content
    listed = re.findall(r"^- \[\d+\] (T\w{33})", answer, re.M)
    turns = [{"role": "user", "content": first_q}, {"role": "assistant", "content": answer},
             {"role": "user", "content": [{"type": "text",
                                           "text": "what do we know about the first one?"}]}]
    if stream:
        chunks = list(client.chat.completions.create(model="demo", messages=turns, stream=True))
        content = "".join(c.choices[0].delta.content or "" for c in chunks)
        tergeu = chunks[-1].tergeu
    else:
        follow = client.chat.completions.create(model="demo", messages=turns)
        content, tergeu = follow.choices[0].message.content, follow.tergeu
    assert listed and listed[0] in content
    _assert_checked(content, tergeu)


def test_another_cases_token_and_bad_turns_get_nothing(stack):
    stranger = _client(stack, stack.stranger)
    question = [{"role": "user", "content": "обзор дела"}]
    with pytest.raises(openai.NotFoundError, match="no case 'demo'"):
        stranger.chat.completions.create(model="demo", messages=question)
    with pytest.raises(openai.NotFoundError, match="no case 'demo'"):
        list(stranger.chat.completions.create(model="demo", messages=question, stream=True))
    with pytest.raises(openai.AuthenticationError):
        _client(stack, "not-a-token").chat.completions.create(model="demo", messages=question)
    client = _client(stack, stack.token)
    with pytest.raises(openai.UnprocessableEntityError,
                       match="the last message must be the user's question"):
        client.chat.completions.create(model="demo", messages=[
            {"role": "user", "content": "обзор дела"}, {"role": "assistant", "content": "…"}])
    with pytest.raises(openai.UnprocessableEntityError, match="over 2,000 characters"):
        client.chat.completions.create(model="demo",
                                       messages=[{"role": "user", "content": "x" * 2001}])
    with pytest.raises(openai.UnprocessableEntityError, match="earlier message is over 20,000"):
        client.chat.completions.create(model="demo", messages=[
            {"role": "user", "content": "?"}, {"role": "assistant", "content": "x" * 20_001},
            {"role": "user", "content": "обзор дела"}])


def test_a_failing_model_server_is_an_error_the_client_raises(stack):
    server = ScriptedModel([{"status": 502}] * 6)
    with serving(server.app()) as model_url:
        app = create_app()
        app.dependency_overrides[get_settings] = lambda: Settings(
            home=stack.home, llm="openai:m", llm_url=f"{model_url}/v1")
        with serving(app) as url:
            client = OpenAI(base_url=f"{url}/v1", api_key=stack.token, max_retries=0)
            question = [{"role": "user", "content": "обзор дела"}]
            with pytest.raises(openai.InternalServerError,
                               match="the model server answered HTTP 502"):
                client.chat.completions.create(model="demo", messages=question)
            with pytest.raises(openai.APIError, match="the model server answered HTTP 502"):
                list(client.chat.completions.create(model="demo", messages=question,
                                                    stream=True))
