"""A way asked through a wallet ("from A to B via C", "через C", "C арқылы"): the one end the way
must pass (`assistant.agent.way_through`), traced from the start to it and on to the end."""

from __future__ import annotations

import pytest

from assistant.agent.understanding import Named
from assistant.agent.way_through import way_through
from tests.utils.answers import answered
from tools.store import CaseStore

A, B, C = ("TAb8oxA3xisVejSEDD2P8TiFUBtx5kVTZM", "TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr",
           "TK6KMfSVYQ9aAQek4z2RwwtNSKtspmH6k2")


def _ends(question: str) -> list[Named]:
    return sorted((Named("tron", w, question.index(w), question.index(w) + len(w))
                   for w in (A, B, C) if w in question), key=lambda e: e.start)


@pytest.mark.parametrize("question", [
    f"trace {A} -> {B} going through {C}",
    f"как шли деньги с {A} на {B} через кошелёк {C}?",
    f"{A} әмиянынан {B} әмиянына {C} арқылы жолы",
])
def test_the_end_said_to_be_passed_is_the_way_through(question: str) -> None:
    through = way_through(question, _ends(question))
    assert through is not None and through.value == C


@pytest.mark.parametrize("question", [
    f"compare {A}, {B} and {C}",
    f"{A} paid {B} via USDT",
])
def test_no_way_through_when_none_or_two_ends_are_named(question: str) -> None:
    assert way_through(question, _ends(question)) is None


@pytest.mark.parametrize("question", [
    f"route {A} to {B} via {C}, each hop",
    f"путь денег от {A} до {B} через {C}",
    f"{A} -> {B}: {C} арқылы өткен тізбек қандай?",
])
def test_a_way_through_a_wallet_passes_it(demo: CaseStore, question: str) -> None:
    text = answered(demo, "demo", question)
    # The hop on from the wallet passed, beside the wallet itself.
    assert "TQwD9v2mCvzFAWqCb1HP9PtBJ3cfBcujD5" in text and C in text
