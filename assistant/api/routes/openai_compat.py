"""An OpenAI-compatible chat endpoint over the assistant, for existing chat clients.

`GET /v1/models` lists one model per case the token may see (the model's id is the case's
name); `POST /v1/chat/completions` asks that case, streamed or not, through the same ask
service as the API. The answer's text with its `[n]` markers is the message `content`; its
check is the extra top-level field `tergeu` (the `Answer` of `/api/cases/{case}/ask`:
`citations` with each record's `source` file, SHA-256 and locator, `claims` with their status,
`verified`, `flags`, `steps`). Streamed, the tool calls come as `reasoning_content` deltas
while the agent works, then the checked answer as `content`, and the last chunk carries
`tergeu`. The conversation is the client's: earlier user and assistant messages are the turns
the follow-up refers to; system messages are not passed on (the assistant's rules are its own).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator, Sequence
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.agent.guards import ModelServerError
from assistant.agent.ledger import Answer
from assistant.api.deps import ModelDep, SettingsDep, StoreDep, UserDep
from assistant.services.ask import ask_case, ask_case_stream
from assistant.users import CASE_NAME_PATTERN, User
from tools.store import CaseStore

router = APIRouter(prefix="/v1", tags=["openai-compatible"])

MAX_QUESTION = 2000
MAX_TURNS = 10  # earlier turns passed on, as a server-side conversation keeps
MAX_EARLIER = 20_000  # characters of one earlier message: a long cited answer is 5,000


class ModelCard(BaseModel):
    """A case, as a chat client lists a model."""

    id: str = Field(description="The case's name: pass it as `model`")
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "tergeu"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class TextPart(BaseModel):
    model_config = ConfigDict(extra="ignore")

    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[TextPart] | None = None

    @property
    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(p.text or "" for p in self.content if p.type == "text")
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    """OpenAI's request body; sampling settings (temperature, max_tokens, …) are ignored:
    the assistant's model runs as configured."""

    model_config = ConfigDict(extra="ignore")

    model: str = Field(pattern=CASE_NAME_PATTERN, description="The case to ask (see /v1/models)")
    messages: list[ChatMessage] = Field(min_length=1, max_length=200)
    stream: bool = False


class ChatChoiceMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class ChatChoice(BaseModel):
    index: int = 0
    message: ChatChoiceMessage
    finish_reason: Literal["stop"] = "stop"


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatChoice]
    tergeu: Answer = Field(description="The answer's check: citations with their sources, "
                                       "the status of each claim, verified, flags, steps")


def visible_cases(store: CaseStore, user: User) -> list[str]:
    return [c for c in store.cases() if user.may_see(c)]


@router.get("/models", response_model=ModelList)
def list_models(store: StoreDep, user: UserDep) -> ModelList:
    """One model per case the signed-in user may see."""
    return ModelList(data=[ModelCard(id=c) for c in visible_cases(store, user)])


@router.get("/models/{model}", response_model=ModelCard)
def get_model(model: Annotated[str, Path(pattern=CASE_NAME_PATTERN)], store: StoreDep,
              user: UserDep) -> ModelCard:
    _case(store, user, model)
    return ModelCard(id=model)


def _case(store: CaseStore, user: User, model: str) -> str:
    """The case a model names, if the user may see it; otherwise 404, as if it did not exist."""
    if not user.may_see(model) or not store.has_case(model):
        raise HTTPException(status_code=404, detail=f"no case {model!r}")
    return model


def conversation(messages: Sequence[ChatMessage]) -> tuple[str, list[tuple[str, str]]]:
    """The question (the last user message) and the earlier (question, answer) turns."""
    said = [m for m in messages if m.role in ("user", "assistant")]
    if not said or said[-1].role != "user" or not said[-1].text.strip():
        raise HTTPException(status_code=422,
                            detail="messages: the last message must be the user's question")
    question = said[-1].text.strip()
    if len(question) > MAX_QUESTION:
        raise HTTPException(status_code=422,
                            detail=f"messages: the question is over {MAX_QUESTION:,} characters")
    if any(len(m.text) > MAX_EARLIER for m in said[:-1]):
        raise HTTPException(status_code=422, detail=f"messages: an earlier message is over "
                                                    f"{MAX_EARLIER:,} characters")
    turns: list[tuple[str, str]] = []
    asked: str | None = None
    for m in said[:-1]:
        if m.role == "user":
            asked = m.text if asked is None else f"{asked}\n{m.text}"
        elif asked is not None:
            turns.append((asked, m.text))
            asked = None
    return question, turns[-MAX_TURNS:]


@router.post("/chat/completions", response_model=ChatCompletion,
             responses={200: {"content": {"text/event-stream": {}},
                              "description": "With `stream`: chat.completion.chunk events, "
                                             "then `data: [DONE]`"}})
def chat_completions(body: ChatCompletionRequest, store: StoreDep, settings: SettingsDep,
                     model: ModelDep, user: UserDep) -> Any:
    """Ask the case named by `model`; the answer as OpenAI's chat completion, its check in
    `tergeu`. 404 for a case the user may not see; 503 when the model server fails (streamed:
    an `error` chunk)."""
    case = _case(store, user, body.model)
    question, history = conversation(body.messages)
    reply_id, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
    if body.stream:
        events = ask_case_stream(settings, store, case, question, None, user.name, model,
                                 history, via="openai")
        return StreamingResponse(_chunks(events, reply_id, created, case),
                                 media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache"})
    answer = ask_case(settings, store, case, question, None, user.name, model, history,
                      via="openai")
    return ChatCompletion(id=reply_id, created=created, model=case,
                          choices=[ChatChoice(message=ChatChoiceMessage(content=answer.answer))],
                          tergeu=answer)


def _chunks(events: Iterator[Any], reply_id: str, created: int, case: str) -> Iterator[str]:
    """The agent's events as chat.completion.chunk server-sent events."""
    from assistant.agent.core import AnswerEvent, StepEvent

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        body = {"id": reply_id, "object": "chat.completion.chunk", "created": created,
                "model": case, "choices": [{"index": 0, "delta": delta,
                                            "finish_reason": finish}], **extra}
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    try:
        for event in events:
            if isinstance(event, StepEvent):
                line = (f"{event.tool}({_args(event.args)})…" if event.state == "running"
                        else f" {event.summary}")
                yield chunk({"reasoning_content": line + ("" if event.state == "running"
                                                          else "\n")})
            elif isinstance(event, AnswerEvent):
                for piece in _pieces(event.answer.answer):
                    yield chunk({"content": piece})
                yield chunk({}, "stop", tergeu=event.answer.model_dump(mode="json"))
    except ModelServerError as exc:
        yield f"data: {json.dumps({'error': {'message': str(exc), 'type': 'model_server'}})}\n\n"
    yield "data: [DONE]\n\n"


def _args(args: dict[str, Any]) -> str:
    return ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in args.items())


def _pieces(text: str, size: int = 40) -> Iterator[str]:
    """The answer in pieces a client renders as it comes, cut after whitespace."""
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        space = text.rfind(" ", start + 1, end) if end < len(text) else -1
        end = space + 1 if space > start else end
        yield text[start:end]
        start = end


def error_response(exc: StarletteHTTPException) -> JSONResponse:
    """An HTTP error as OpenAI's clients read it (`error.message`), with the API's `detail`."""
    detail = exc.detail
    kinds = {401: "authentication_error", 404: "not_found_error", 422: "invalid_request_error",
             503: "model_server_error"}
    body = {"detail": detail, "error": {
        "message": detail if isinstance(detail, str) else json.dumps(detail, ensure_ascii=False),
        "type": kinds.get(exc.status_code, "error"), "code": exc.status_code}}
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)
