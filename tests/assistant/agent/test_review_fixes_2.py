"""Probe."""
from __future__ import annotations

from assistant.agent.core import ask
from assistant.agent.tools import AgentContext


def test_probe(demo):
    for q in ("who is the end recipient that got the most, and the sum?",
              "which beneficiary paid into which exchange deposit address?"):
        a = ask(q, AgentContext("demo", demo))
        print(a.verified, a.flags)
        print(a.answer)
        print([(c.n, c.id, c.record.get("amount"), c.record.get("to")) for c in a.citations])
