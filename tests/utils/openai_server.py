"""A small OpenAI-compatible chat server for tests: answers with scripted tool calls and text.

It speaks `/v1/chat/completions` as OpenAI does (plain JSON or streamed chunks ending in
`[DONE]`), so `openai:<model>` runs its real HTTP path against it on loopback.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

# A reply: {"tool_calls": [(name, args)]} (args a dict, or a string sent as is: broken JSON),
# {"text": "..."} or {"status": 503} (the server
# fails); a callable gets the request's messages (so a reply can quote what the tools returned).
Reply = dict[str, Any] | Callable[[list[dict[str, Any]]], dict[str, Any]]


class ScriptedModel:
    """Replies in script order; every request is kept for the test to inspect."""

    def __init__(self, script: list[Reply], delay: float = 0.0) -> None:
        self.script = list(script)
        self.delay = delay
        self.requests: list[dict[str, Any]] = []

    def next_reply(self, messages: list[dict[str, Any]]) -> dict[str, Any]:
        reply = self.script.pop(0) if self.script else {"text": "(script exhausted)"}
        return reply(messages) if callable(reply) else reply

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/v1/chat/completions")
        async def completions(request: Request) -> Any:
            body = await request.json()
            self.requests.append(body)
            if self.delay:
                time.sleep(self.delay)  # a model's thinking time, blocking as a GPU would
            reply = self.next_reply(body["messages"])
            if "status" in reply:
                return JSONResponse({"error": {"message": "scripted failure", "type": "server"}},
                                    status_code=reply["status"])
            if body.get("stream"):
                return StreamingResponse(_chunks(body["model"], reply),
                                         media_type="text/event-stream")
            return JSONResponse(_completion(body["model"], reply))

        return app


def _tool_calls(reply: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"id": f"call_{i}", "type": "function",
             "function": {"name": name, "arguments": args if isinstance(args, str)
                          else json.dumps(args, ensure_ascii=False)}}
            for i, (name, args) in enumerate(reply.get("tool_calls", []))]


def _completion(model: str, reply: dict[str, Any]) -> dict[str, Any]:
    calls = _tool_calls(reply)
    message: dict[str, Any] = {"role": "assistant", "content": reply.get("text")}
    if calls:
        message["tool_calls"] = calls
    return {"id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "message": message,
                         "finish_reason": "tool_calls" if calls else "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}


def _chunks(model: str, reply: dict[str, Any]) -> Iterator[str]:
    def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
        return "data: " + json.dumps({
            "id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 0,
            "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }, ensure_ascii=False) + "\n\n"

    yield chunk({"role": "assistant", "content": ""})
    calls = _tool_calls(reply)
    for i, call in enumerate(calls):
        yield chunk({"tool_calls": [{"index": i, **call}]})
    for piece in re.findall(r"\S+\s*|\s+", reply.get("text") or ""):
        yield chunk({"content": piece})
    yield chunk({}, "tool_calls" if calls else "stop")
    yield "data: [DONE]\n\n"
