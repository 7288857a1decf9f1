"""Asking the offline agent a first question in a test, as the bench asks it."""

from __future__ import annotations

from assistant.agent.core import ask
from assistant.agent.tools import AgentContext
from tools.store import CaseStore


def answered(store: CaseStore, case: str, question: str) -> str:
    """The verified answer's text; fails the test if the question is asked back."""
    answer = ask(question, AgentContext(case, store))
    assert answer.verified, answer.flags
    assert answer.steps, answer.answer  # answered, not asked back
    return answer.answer
