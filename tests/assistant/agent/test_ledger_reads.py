"""The ledger reads the records a tool cites in one go, and a record once."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from langchain.tools import ToolRuntime
from sqlalchemy import event, select

from assistant.agent.ledger import Ledger
from assistant.agent.tools import AgentContext, trace_wallet
from tools.errors import RecordNotFoundError
from tools.store.schema import records


@contextmanager
def _queries(store) -> Iterator[list[str]]:
    """The SELECTs sent to `store` meanwhile."""
    seen: list[str] = []

    def spy(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", spy)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", spy)


def _ids(store, n: int) -> list[str]:
    with store.engine.connect() as conn:
        return list(conn.execute(select(records.c.id).where(records.c.case == "hm")
                                 .order_by(records.c.id).limit(n)).scalars())


def test_records_read_ahead_are_cited_without_a_query_each(handmade_store):
    ids = _ids(handmade_store, 30)
    one_by_one = Ledger()
    plain = [one_by_one.cite(handmade_store, "hm", r) for r in ids]

    ledger = Ledger()
    with _queries(handmade_store) as seen:
        ledger.prefetch(handmade_store, "hm", ids)
        ahead = len(seen)
        cited = [ledger.cite(handmade_store, "hm", r) for r in ids]

    assert ahead <= 2 and len(seen) == ahead, "two queries for all thirty, none per citation"
    assert cited == plain and ledger.details == one_by_one.details


def test_a_record_cited_again_is_not_read_again(handmade_store):
    first, second = _ids(handmade_store, 2)
    ledger = Ledger()
    n, record = ledger.cite(handmade_store, "hm", first)
    ledger.cite(handmade_store, "hm", second)
    with _queries(handmade_store) as seen:
        again = ledger.cite(handmade_store, "hm", first)
    assert again == (n, record) and seen == []


def test_an_id_read_ahead_that_the_case_lacks_still_fails_when_cited(handmade_store):
    ledger = Ledger()
    ledger.prefetch(handmade_store, "hm", ["tg:1/999999"])
    with pytest.raises(RecordNotFoundError):
        ledger.cite(handmade_store, "hm", "tg:1/999999")


@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_a_trace_s_direct_transfers_are_read_together(demo, direction: str):
    # This wallet paid and was paid by dozens of transfers, each of the largest cited.
    ctx = AgentContext("demo", demo)
    runtime = ToolRuntime(state={}, context=ctx, config={}, stream_writer=None,
                          tool_call_id="t", store=None)
    with _queries(demo) as seen:
        _, out = trace_wallet.func("TRcbqt5khukRMdsBQ5s7gSdxthmfLoNU8o", runtime, direction)
    cited = len(out.markers)
    record_reads = [s for s in seen if "FROM records" in s]

    assert cited > 30 and out.direct
    assert len(record_reads) < cited / 4, "a few reads for all the cited records"
