"""The agent's own overhead around a language model: time that is neither the model's nor the
tools', against the model's time, with an OpenAI-compatible model served on loopback.

    python -m bench.agent_overhead [--questions 30] [--model-delay 0.3]

The model server (tests/utils/openai_server.py) takes `--model-delay` seconds per call, as a
GPU would, then answers with a tool call and, on the second call, a cited answer; the agent
talks to it over real HTTP through `openai:<model>`. Goal (issue 6): overhead < 10% of the
model's time.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler

from assistant.agent.core import ask_stream, chat_model
from assistant.agent.tools import AgentContext
from bench.seed_case import pct
from tests.utils.loopback import serving
from tests.utils.openai_server import ScriptedModel
from tools.demo.generate import evidence_folders, generate_case
from tools.ingest.pipeline import ingest_paths
from tools.store import connect_store


class Timer(BaseCallbackHandler):
    """Wall time spent inside model calls and inside tool calls."""

    def __init__(self) -> None:
        self.started: dict[Any, tuple[str, float]] = {}
        self.spent = {"model": 0.0, "tool": 0.0}

    def on_chat_model_start(self, serialized: Any, messages: Any, *, run_id: Any,
                            **kw: Any) -> None:
        self.started[run_id] = ("model", time.perf_counter())

    def on_tool_start(self, serialized: Any, input_str: str, *, run_id: Any, **kw: Any) -> None:
        self.started[run_id] = ("tool", time.perf_counter())

    def _end(self, run_id: Any) -> None:
        if run_id in self.started:
            kind, t0 = self.started.pop(run_id)
            self.spent[kind] += time.perf_counter() - t0

    def on_llm_end(self, response: Any, *, run_id: Any, **kw: Any) -> None:
        self._end(run_id)

    def on_tool_end(self, output: Any, *, run_id: Any, **kw: Any) -> None:
        self._end(run_id)


def _cite(messages: list[dict[str, Any]]) -> dict[str, Any]:
    tool_text = next(m["content"] for m in reversed(messages) if m["role"] == "tool")
    fact = next((ln for ln in tool_text.splitlines() if ln.startswith("[")), tool_text)
    return {"text": f"По материалам дела: {fact}"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--questions", type=int, default=30)
    ap.add_argument("--model-delay", type=float, default=0.3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        truth = generate_case(root / "case", seed=1)
        store = connect_store(f"sqlite:///{root / 'db.sqlite'}", root / "evidence")
        ingest_paths(store, "demo", evidence_folders(root / "case"))
        cards = [d.card for d in truth.droppers]
        server = ScriptedModel([], delay=args.model_delay)
        rows = []
        with serving(server.app()) as url:
            model = chat_model("openai:scripted", f"{url}/v1")
            for i in range(args.questions + 1):
                card = cards[i % len(cards)]
                server.script += [{"tool_calls": [("lookup_account", {"identifier": card})]},
                                  _cite]
                timer = Timer()
                t0 = time.perf_counter()
                events = list(ask_stream(f"Кто стоит за картой {card}?",
                                         AgentContext("demo", store), model, callbacks=[timer]))
                total = time.perf_counter() - t0
                assert events[-1].answer.verified, events[-1].answer.flags
                if i:  # the first question warms the graph and the HTTP connection
                    rows.append((total, timer.spent["model"], timer.spent["tool"]))
    total = sum(r[0] for r in rows)
    model_t = sum(r[1] for r in rows)
    tools_t = sum(r[2] for r in rows)
    overhead = total - model_t - tools_t
    print(f"{len(rows)} questions, 2 model calls each, model delay {args.model_delay:.2f} s")
    print(f"per question: total p50 {pct([r[0] for r in rows], 50):.3f} s, "
          f"p95 {pct([r[0] for r in rows], 95):.3f} s")
    print(f"model {model_t:.2f} s ({model_t / total:.1%}), tools {tools_t:.2f} s "
          f"({tools_t / total:.1%}), agent overhead {overhead:.2f} s")
    print(f"agent overhead / model time: {overhead / model_t:.2%} (goal < 10%)")


if __name__ == "__main__":
    main()
