"""The offline chat model: plans tool calls from the question by rules, answers from results.

A real LangChain chat model driven by the same agent loop as any LLM: it finds entities by
pattern and checksum, the intent by multilingual keywords, and writes the answer in the
question's language from prompts/offline_answers.yaml with the tools' [n] markers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import yaml
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    ToolMessage,
)
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from assistant.agent.tools import (
    CASE_OVERVIEW,
    LOOKUP_ACCOUNT,
    SEARCH_LISTINGS,
    SHOP_DETAILS,
    TRACE_WALLET,
)
from tools.identifiers import parse_identifier
from tools.payments import extract_payment_details
from tools.resources import prompts_dir
from tools.search.text import analyse

PROMPTS = prompts_dir()
_KAZAKH = re.compile(r"[әғқңөұүһі]", re.I)
_CYRILLIC = re.compile(r"[а-яё]", re.I)
_MASK = re.compile(
    r"\b\d{4}[ ]?[\d*xX]{2}[*xX•]{2}[ ]?[*xX•]{4}[ ]?\d{4}\b|\b\d{4} \*{4} \*{4} \d{4}\b")

_BACKWARD = ("откуда", "қайдан", "where from", "came from", "come from", "comes from",
             "source of", "пришли", "поступили")
_TRACE = ("куда", "қайда", "where", "went", "trace", "ушли", "деньги", "ақша", "money", "follow")
_OVERVIEW = ("обзор", "overview", "summary", "сводка", "шолу", "итог", "всего в деле")
_SELL = ("продает", "продаёт", "продают", "продаж", "купить", "sell", "buy", "сатады", "сатат",
         "сатып")
_SEARCH = _SELL + ("магазин", "shop", "дүкен", "найди", "find", "search", "listing", "объявлен",
                   "канал", "channel", "курьер", "кладмен", "пост", "post", "жарнама")
_SHOP = ("реквизит", "выдавал", "выдал", "handed out", "payment details", "деректеме", "берген",
         "берді")
_QUOTED = re.compile(r"[«\"“]([^»\"”]{2,60})[»\"”]")
_BOT = re.compile(r"@\w{3,}bot\b", re.I)


# Kazakh words of short questions that happen to have no Kazakh-only letter.
_KAZAKH_WORDS = re.compile(r"\b(тап|табу|кім|неше|бер|жаса|мен|және|бар|жоқ|ма|ме|ба|бе)\b", re.I)
_QUOTES = re.compile(r"[«“\"][^»”\"]*[»”\"]|@\w+")


def language(text: str) -> str:
    """ru, kk or en, from the question's own words (quoted names and @bots left out)."""
    words = _QUOTES.sub(" ", text)
    if _KAZAKH.search(words) or _KAZAKH_WORDS.search(words):
        return "kk"
    return "ru" if _CYRILLIC.search(words) else "en"


@cache
def phrases() -> dict[str, dict[str, str]]:
    return yaml.safe_load((PROMPTS / "offline_answers.yaml").read_text(encoding="utf-8"))


_ORDINALS = {
    1: ("first", "первый", "первого", "первом", "бірінші"),
    2: ("second", "второй", "второго", "втором", "екінші"),
    3: ("third", "третий", "третьего", "третьем", "үшінші"),
    4: ("fourth", "четвертый", "четвертого", "четвёртого", "төртінші"),
}
_ADDRESS = re.compile(r"\b(T[1-9A-HJ-NP-Za-km-z]{33}|0x[0-9a-fA-F]{40}|bc1[0-9a-z]{8,87})\b")


def resolve_reference(question: str, previous_answer: str) -> str:
    """'and the second one?' → the question with the second address of the previous answer."""
    q = question.lower()
    for n, words in _ORDINALS.items():
        if any(w in q for w in words):
            listed = [m for line in previous_answer.splitlines() if line.startswith("- [")
                      for m in _ADDRESS.findall(line)[:1]]
            if len(listed) >= n:
                return f"{question} {listed[n - 1]}"
    return question


def plan(question: str) -> list[dict[str, Any]]:
    """Tool calls for a question: by the entities in it and the words around them; none when
    the question is about nothing the tools know (the model then says it did not understand)."""
    q = question.lower()
    shop = _BOT.search(question) or _QUOTED.search(question)
    if shop and any(w in q for w in _SHOP):
        name = shop.group(1) if shop.re is _QUOTED else shop.group(0)
        return [{"name": SHOP_DETAILS, "args": {"shop": name}}]
    calls: list[dict[str, Any]] = []
    mask = _MASK.search(question)
    if mask:
        calls.append({"name": LOOKUP_ACCOUNT, "args": {"identifier": mask.group(0)}})
    for d in extract_payment_details(question):
        if d.kind in ("tron", "btc", "eth") and any(w in q for w in _TRACE + _BACKWARD):
            direction = "backward" if any(w in q for w in _BACKWARD) else "forward"
            calls.append({"name": TRACE_WALLET, "args": {"address": d.value,
                                                         "direction": direction}})
        else:
            calls.append({"name": LOOKUP_ACCOUNT, "args": {"identifier": d.value}})
    for word in re.findall(r"\b\d{12}\b", question):
        if parse_identifier(word).kind == "iin":
            calls.append({"name": LOOKUP_ACCOUNT, "args": {"identifier": word}})
    if calls:
        return calls
    if any(w in q for w in _OVERVIEW):
        return [{"name": CASE_OVERVIEW, "args": {}}]
    found = analyse(question)
    cities, drugs = found.of("cities"), found.of("drugs")
    if any(w in q for w in _SEARCH) or cities or drugs:
        args: dict[str, Any] = {"query": question}
        if len(cities) == 1:
            args["city"] = cities[0]
        if len(drugs) == 1:
            args["drug"] = drugs[0]
        if any(w in q for w in _SELL):
            args["listings_only"] = True
        return [{"name": SEARCH_LISTINGS, "args": args}]
    return []


@cache
def _glossary(lang: str) -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(g["en"]), g[lang]) for g in phrases()["glossary"]]  # type: ignore[index]


def say(fact: str, lang: str) -> str:
    """A tool's English fact in `lang`: words replaced, identifiers, numbers and quotes kept."""
    if lang == "en":
        return fact
    head, sep, quote = fact.partition(": ") if " — " in fact else (fact, "", "")
    for pattern, replacement in _glossary(lang):
        head = pattern.sub(replacement, head)
    return head + sep + quote


def compose(question: str, results: list[ToolMessage]) -> str:
    """The answer in the question's language: an opening line per tool, then its cited facts."""
    lang = language(question)
    p = phrases()
    parts: list[str] = []
    for msg in results:
        lines = str(msg.content).splitlines()
        facts = [ln for ln in lines if ln.startswith("[")][:12 if msg.name == SHOP_DETAILS else 6]
        if msg.name == CASE_OVERVIEW:
            parts.append(p["overview_intro"][lang].format(case=""))
            parts.extend(f"- {say(ln, lang)}" for ln in lines)
            continue
        if not facts:
            parts.append(p["nothing_found"][lang].format(query=question))
            continue
        if msg.name == TRACE_WALLET:
            m = re.match(r"traced (\S+) (\S+) (\w+) from (\S+)", lines[0])
            if m:
                parts.append(p[f"trace_{m[3]}_intro"][lang].format(
                    traced=m[1], token=m[2], address=m[4]))
        elif msg.name == LOOKUP_ACCOUNT:
            parts.append(p["lookup_intro"][lang].format(value=lines[0].split(":")[0]))
        elif msg.name == SEARCH_LISTINGS:
            parts.append(p["search_intro"][lang].format(query=question))
        elif msg.name == SHOP_DETAILS:
            parts.append(p["shop_intro"][lang].format(shop=lines[0].split(" (")[0][5:]))
        parts.extend(f"- {say(fact, lang)}" for fact in facts)
        if msg.name == TRACE_WALLET:
            parts.append(p["heuristic_note"][lang])
    return "\n".join(parts)


class OfflineChatModel(BaseChatModel):
    """Rule-based and deterministic; needs no network and no model weights."""

    @property
    def _llm_type(self) -> str:
        return "tergeu-offline"

    def bind_tools(self, tools: Any, **kwargs: Any) -> OfflineChatModel:  # type: ignore[override]
        return self

    def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:
        humans = [i for i, m in enumerate(messages) if isinstance(m, HumanMessage)]
        question = str(messages[humans[-1]].content) if humans else ""
        if len(humans) > 1:
            # A follow-up may point into the previous answer ("the second one").
            earlier = [m for m in messages[: humans[-1]] if isinstance(m, AIMessage) and m.content]
            if earlier:
                question = resolve_reference(question, str(earlier[-1].content))
        last = messages[-1]
        if isinstance(last, HumanMessage):
            calls = plan(question)
            if not calls:
                reply = AIMessage(content=phrases()["not_understood"][language(question)])
            else:
                reply = AIMessage(content="", tool_calls=[
                    {**c, "id": f"call_{i}", "type": "tool_call"} for i, c in enumerate(calls)])
        else:
            turn = []
            for m in reversed(messages):
                if not isinstance(m, ToolMessage):
                    break
                turn.append(m)
            reply = AIMessage(content=compose(question, list(reversed(turn))))
        return ChatResult(generations=[ChatGeneration(message=reply)])

    def _stream(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        reply = self._generate(messages).generations[0].message
        assert isinstance(reply, AIMessage)
        if reply.tool_calls:
            yield ChatGenerationChunk(message=AIMessageChunk(content="", tool_call_chunks=[
                {"name": c["name"], "args": json.dumps(c["args"], ensure_ascii=False),
                 "id": c["id"], "index": i, "type": "tool_call_chunk"}
                for i, c in enumerate(reply.tool_calls)]))
            return
        # Word by word, as a language model streams: the UI shows the answer as it comes.
        for piece in re.findall(r"\S+\s*|\s+", reply.text):
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
            if run_manager:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk
