"""Neighbours of a record: the chat around a message, money in and out around a transfer."""

from sqlalchemy import select

from tools.neighbours import record_neighbours
from tools.store.schema import transfers


def test_message_neighbours_are_the_same_chat_in_time_order(small_demo):
    truth, store, _ = small_demo
    record_id = sorted(truth.messages)[1]
    chat = record_id.rsplit("/", 1)[0]
    n = record_neighbours(store, "demo", record_id, n=2)
    around = n.before + [n.record] + n.after
    assert len(n.before) == 2 and len(n.after) == 2
    assert all(r.id.startswith(chat + "/") and r.kind == "message" for r in around)
    times = [r.fields["date"] for r in around]
    assert times == sorted(times)


def test_transfer_neighbours_bring_money_in_and_take_it_on(small_demo):
    truth, store, _ = small_demo
    treasury = truth.shops[0].treasury
    with store.engine.connect() as conn:
        record_id, frm, to = conn.execute(
            select(transfers.c.record_id, transfers.c.from_address, transfers.c.to_address)
            .where(transfers.c.from_address == treasury).order_by(transfers.c.ts)).first()
    n = record_neighbours(store, "demo", record_id)
    assert n.before and all(r.fields["to"] == frm for r in n.before)
    assert n.after and all(r.fields["from"] == to for r in n.after)
