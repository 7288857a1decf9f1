from tests.conftest import EVIDENCE, SAMPLES
from tools.ingest.pipeline import with_payment_details
from tools.ingest.telegram import parse_telegram_chat, parse_telegram_export


def detail_ids(item):
    return {(d.kind, d.value) for d in item.details}


def test_single_chat_text_as_list_service_and_forwarded_messages():
    got = {i.id: i for i in parse_telegram_chat(SAMPLES / "09_telegram_result_chatstyle.json", "c")}
    assert len(got) == 12
    assert got["tg:222/4"].text == "ну реально норм, @boris_k глянь"
    assert got["tg:222/6"].data["type"] == "service" and got["tg:222/6"].data["action"] == "pin_message"
    assert got["tg:222/7"].data["forwarded_from"] == "Какой-то канал"
    assert got["tg:222/3"].locator == "/messages/2"
    assert got["tg:222/1"].shop is None


def test_channel_posts_are_messages_and_listings():
    got = list(parse_telegram_chat(
        SAMPLES / "10_telegram_genuine_channel_messages_bmvavinash.json", "c"))
    assert [(i.kind, i.id) for i in got] == [
        ("message", "tg:1858370886/3305"), ("listing", "listing:tg:1858370886/3305"),
        ("message", "tg:1858370886/3307"), ("listing", "listing:tg:1858370886/3307"),
    ]
    assert got[1].locator == got[0].locator == "/messages/0"
    assert got[0].text.startswith("61% Off :  Barbie Chelsea Doll at 699")


def test_full_export_bot_chat_reveals_rotating_cards_and_phone():
    export = parse_telegram_export(EVIDENCE / "telegram_full_export.json", "e")
    got = {i.id: i for i in with_payment_details(export)}
    order = got["tg:900900/4"]
    assert order.locator == "/chats/list/0/messages/3"
    assert order.shop == "tg:900900"
    kinds = [k for k, _ in detail_ids(order)]
    assert sorted(kinds) == ["card", "phone"]
    rotated = got["tg:900900/6"]
    assert sorted(k for k, _ in detail_ids(rotated)) == ["card", "tron"]
    assert got["tg:555/1"].shop is None and got["tg:555/1"].locator == "/chats/list/2/messages/0"
    assert got["listing:tg:1900000001/101"].shop == "tg:1900000001"
    assert ("bot", "kristallshop_bot") in detail_ids(got["listing:tg:1900000001/101"])
