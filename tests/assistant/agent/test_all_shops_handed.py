"""Payment details asked of the case's shops together, no shop named, in any language and
wording: every shop's hand-outs of the kinds asked (of the day asked), not a search of the
messages, nor a question back about which shop; and a shop asked for kinds it never handed
out says so."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.agent.all_shops_handed import asked_of_all_shops
from assistant.agent.core import ask
from assistant.agent.ledger import Answer
from assistant.agent.tools import AgentContext
from tools.ingest.pipeline import ingest_paths
from tools.search.index import SearchIndex
from tools.store import CaseStore, connect_store

_WALLETS = ("TAzfY2BQ9wSteTHxhLwPxJpecqXAJyQh8F", "TDMHPGTxctG7rwSVkmiTPL22KZm9YdpSvQ",
            "TTnYimMG76YdupgjxDBsTsj5SaDLTPh2nm")


def _ask(case: tuple[CaseStore, SearchIndex], question: str) -> Answer:
    store, index = case
    answer = ask(question, AgentContext("hm", store, index))
    assert answer.verified, answer.flags
    return answer


@pytest.mark.parametrize("question", [
    "which crypto wallets did the bots give out",
    "list every tron address the shops gave buyers",
    "какие криптокошельки выдавали боты?",
    "все карты, которые присылали магазины",
    "дүкендер қандай USDT әмияндарын берді?",
    "боттар қолданған карталар",
    "перечень всех реквизитов по всем магазинам с разбивкой по типам",
    "what did the bots hand out?",
])
def test_details_asked_of_the_shops_together(question: str) -> None:
    assert asked_of_all_shops(question)


@pytest.mark.parametrize("question", [
    "which wallets did the shops send money to?",
    "куда ушли деньги с кошельков магазинов",
    "дүкендердің бенефициарлары кім",
    "какие магазины есть в деле",
    "what did the bot give out?",  # one bot, no day: which one is asked back
    "Сколько в деле магазинов, сколько карт выдавалось?",  # counts: the case's overview
    "how many wallets did the shops hand out?",
    "Магазины не использовали Telegram?",  # Russian "не" is "not", not Kazakh "what"
    "what language do the bots use?",
    "which cards did the buyer use to pay the shops?",  # the buyers' own cards
])
def test_not_asked_of_the_shops_together(question: str) -> None:
    assert not asked_of_all_shops(question)


def test_one_bot_unnamed_with_a_day_is_any_shops_bot() -> None:
    assert asked_of_all_shops("какие реквизиты дал бот 14.01.2025", dated=True)
    assert asked_of_all_shops("what did the bot hand out on 8 October?", dated=True)
    assert asked_of_all_shops("бот 11 қазанда қандай деректеме берді?", dated=True)


@pytest.mark.parametrize("question", [
    "which crypto wallets did the bots give out",
    "какие криптокошельки выдавали боты?",
    "дүкендер қандай USDT әмияндарын берді?",
])
def test_every_shops_wallets_whatever_the_language(handmade, question: str) -> None:
    answer = _ask(handmade, question)
    for wallet in _WALLETS:
        assert wallet in answer.answer, answer.answer
    assert "Уточните" not in answer.answer and "Which shop" not in answer.answer


@pytest.mark.parametrize("question", [
    "какие реквизиты дал бот 11 октября?",
    "what did the bots hand out on 11 October?",
    "боттар 11 қазанда қандай деректеме берді?",
])
def test_a_day_keeps_the_shops_that_handed_out_that_day(handmade, question: str) -> None:
    answer = _ask(handmade, question)
    assert "TDMHPGTxctG7rwSVkmiTPL22KZm9YdpSvQ" in answer.answer, answer.answer
    assert "Green Planet" not in answer.answer and "Шоколад" not in answer.answer


@pytest.mark.parametrize(("question", "word"), [
    ("did Green Planet give out any phones or wallets?", "no phone"),
    ("Green Planet телефоны давал?", "телефон"),
    ("Green Planet телефон нөмірін берді ме?", "телефон"),
])
def test_a_kind_the_shop_never_handed_out_is_said(handmade, question: str, word: str) -> None:
    answer = _ask(handmade, question)
    first = answer.answer.casefold()
    assert word in first and ("no " in first or "не выдавал" in first or "бермеген" in first), \
        answer.answer


@pytest.mark.parametrize("question", [
    "сколько раз бот выдавал номер +7 747 318 5209?",
    "how many times did the bot give out +77473185209?",
    "+77473185209 нөмірін бот неше рет берді?",
])
def test_how_many_times_a_detail_was_handed_out_is_counted(handmade, question: str) -> None:
    answer = _ask(handmade, question).answer
    assert any(f" {n} " in answer for n in ("2", "3")), answer
    assert "2025-10-05" in answer


@pytest.mark.parametrize(("question", "times"), [
    ("сколько раз бот выдавал карту?", True), ("how many times was it given?", True),
    ("қанша рет берілді?", True), ("сколько разных магазинов в деле?", False),
    ("сколько разом ушло?", False),
])
def test_how_many_times_is_told_from_a_count_of_other_things(question: str, times: bool) -> None:
    from assistant.agent.offline import _TIMES_ASKED

    assert bool(_TIMES_ASKED.search(question)) is times


def _bot_chat_handing_out(card: str, times: int) -> dict:
    """A Telegram Desktop export of one bot chat giving `card` for payment `times` times."""
    messages = []
    for n in range(times):
        day = f"2025-10-{n + 1:02d}T12:00:00"
        messages += [
            {"id": 2 * n + 1, "type": "message", "date": day, "from": "Покупатель",
             "from_id": "user1", "text": "хочу 1г"},
            {"id": 2 * n + 2, "type": "message", "date": day, "from": "Снежок бот",
             "from_id": "user77", "text": f"Оплата на карту {card}, сумма {15 + n} 000 ₸"},
        ]
    return {"name": "Снежок бот", "type": "bot_chat", "id": 77, "messages": messages}


@pytest.mark.parametrize("question", [
    "сколько раз бот выдавал карту 4400430012345671?",
    "how many times was the card 4400 4300 1234 5671 handed out?",
    "4400430012345671 картасы неше рет берілді?",
])
def test_a_detail_handed_out_more_often_than_cited_is_counted_whole(
        tmp_path: Path, question: str) -> None:
    # Seven hand-outs; an answer cites the first five, and counted only those.
    export = tmp_path / "result.json"
    export.write_text(json.dumps(_bot_chat_handing_out("4400 4300 1234 5671", 7),
                                 ensure_ascii=False), encoding="utf-8")
    store = connect_store(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "vault")
    ingest_paths(store, "c", [export])
    answer = ask(question, AgentContext("c", store))
    assert answer.verified, answer.flags
    assert re.search(r"(?<![\d.])7(?![\d.])", answer.answer), answer.answer
    assert not re.search(r"(?<![\d.])5(?![\d.])", answer.answer.split("\n")[0]), answer.answer
