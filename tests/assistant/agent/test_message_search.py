"""The message a question asks for: the one holding the kind of thing it asks about (a
transaction hash, coordinates, a card), written by whom it names (a sender in any case ending,
the buyer, a shop's bot), in the kind of chat it names, after the message it quotes. And a
surname with initials written for several accounts, told apart by ИИН and asked back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.agent.core import ask
from assistant.agent.ledger import Answer
from assistant.agent.tools import AgentContext
from tests.conftest import DATA
from tests.utils.telegram_export import indexed_case
from tools.search.index import SearchIndex
from tools.store.accounts import records_of_kind

EXPORT = DATA / "eval" / "handmade" / "evidence" / "Telegram Desktop" / "DataExport_2025-10-26" \
    / "result.json"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    root: Path = tmp_path_factory.mktemp("message_search")
    return indexed_case(root, EXPORT)


def _ask(index: SearchIndex, question: str) -> Answer:
    return ask(question, AgentContext("c", index.store, index))


@pytest.mark.parametrize(("question", "message", "said"), [
    # A hash the buyer sent, not a shop's post about paying in USDT.
    ("в каком сообщении покупатель прислал хэш транзакции?", "tg:6120457731/34",
     "b7ab595a7ce715958e6957926a933defec6b41f1254d45d4b7a69db193ca1167"),
    # The coordinates the bot sent after the order quoted, not the order itself.
    ("сообщение с координатами клада по заказу SQ-4471", "tg:6120457731/10", "42.3419"),
    # A sender named in another case ending, with the card he wrote.
    ("покажи сообщение, где у Ержана номер карты", "tg:771234560/4", "4400430299163359"),
    # A card in a group chat, and who forwarded it.
    ("message in the group where a new card number was posted", "tg:1654321098/19", "Tima"),
    # A group chat writing about a shop: the shop is what it says, not who wrote it.
    ("в групповом чате кто-то писал про новую карту Гринча", "tg:1654321098/19", "Tima"),
    # A sender named and what he asked for, whatever the search by meaning ranks first.
    ("сообщение, где Ержан просит вернуть ему деньги", "tg:771234560/3", "верни"),
])
def test_the_message_asked_for(index: SearchIndex, question: str, message: str,
                               said: str) -> None:
    answer = _ask(index, question)
    assert answer.verified, answer.flags
    assert [c.id for c in answer.citations] == [message], answer.answer
    assert said in answer.answer


def test_a_message_of_the_bot_named_by_its_handle(index: SearchIndex) -> None:
    answer = _ask(index, "сообщение от @snowqueen_kz_bot, где даны координаты")
    assert answer.verified, answer.flags
    cited = [c for c in answer.citations]
    assert len(cited) == 1 and cited[0].id.startswith("tg:6120457731/")
    assert cited[0].record["from"] == cited[0].record["chat_name"]  # the bot wrote it


def test_a_surname_with_initials_of_several_accounts_is_told_apart_and_asked_back(small_demo
                                                                                  ) -> None:
    from tools.people import people_of_case

    _, store, _ = small_demo
    shared = [p for p in people_of_case(store, "demo").values()
              if p.abbreviated and len(p.accounts) > 1 and not p.own_accounts]
    assert shared, "the demo case writes some surname with initials for several accounts"
    person = max(shared, key=lambda p: len(p.accounts))
    answer = ask(f"Кто такой {person.name}?", AgentContext("demo", store))
    assert answer.verified, answer.flags
    assert f"для {len(person.accounts)} счетов" in answer.answer
    cited = {c.id for c in answer.citations}
    for account in person.accounts:
        assert account in answer.answer
        assert person.row_of[account] in cited  # each account by a row naming it
    assert "Уточните" in answer.answer
    # One person's statement is not read as if all these accounts were theirs.
    assert not any(s.startswith("lookup_account") for s in answer.steps)


def test_a_market_channel_s_ad_is_labelled_with_the_shop_it_names(index: SearchIndex) -> None:
    answer = _ask(index, "кто продаёт в Караганде?")
    assert answer.verified, answer.flags
    assert "МОЛНИЯ ·" in answer.answer  # the ad's shop, then the channel that posted it


def test_a_market_boards_ad_is_labelled_with_the_shop_whose_bot_it_advertises(index):
    answer = _ask(index, "кто продает шишки в Шымкенте")
    board = [line for line in answer.answer.splitlines() if "ШЫМКЕНТ ОБЪЯВЛЕНИЯ" in line]
    # The board's ads name the shops by their bots; the answer says whose they are, checked.
    assert any(line.split("] ", 1)[1].startswith("Green Planet 🌍 · ") for line in board)
    assert answer.verified, answer.flags


@pytest.mark.parametrize("question", [
    'сообщение где карта "меняется каждый день, не сохраняйте" с картой {digits}…',
    'the message saying "changes every day, don\'t save" with the card {digits}',
    '«меняется каждый день» деп жазылған хабарлама, картасы {digits}',
])
def test_digits_written_keep_the_messages_holding_them(small_demo, small_demo_index,
                                                       question: str) -> None:
    # Several messages say the same words; the first digits of one card tell them apart.
    _, store, _ = small_demo
    with store.engine.connect() as conn:
        texts = [str(data.get("text") or "") for _, data in records_of_kind(conn, "demo",
                                                                             "message")]
    texts = [t for t in texts if "меняется каждый день" in t]
    cards = [re.sub(r"\D", "", m.group(0)) for t in texts
             for m in re.finditer(r"\d{4}(?: ?\d{4}){3}", t)]
    digits = next(c[:4] for c in cards if sum(c[:4] in re.sub(r"\D", "", t)
                                              for t in texts) < len(texts))
    answer = ask(question.format(digits=digits), AgentContext("demo", store, small_demo_index))
    cited = [re.sub(r"\D", "", str(c.record)) for c in answer.citations]
    assert cited and all(digits in c for c in cited), answer.answer
