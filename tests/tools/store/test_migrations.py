"""A store written by an older version is brought up to date when it is opened."""

import orjson
from sqlalchemy import delete, select, update

from tools.ingest.pipeline import ingest_paths
from tools.store import connect_store
from tools.store.migrations import applied
from tools.store.schema import records, transfers
from tools.trace import TraceRequest, load_case_graph, trace

USDT = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
FAKE = "TXLAQ63Xg1NAzckPwKHvzw7CSEmLMEqcdj"
SHOP = "TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW"
PAYEES = ["TYASr5UV6HEcXatwdFQfmLVUqQQQMUxHLS", "TMuA6YqfCeX8EhbfYEg5y7S4DqzSJireY9"]


def _as_an_old_version_wrote_it(store) -> None:
    """Fake 'USDT' keyed on its symbol, its records without the imitation label."""
    with store.engine.begin() as conn:
        conn.execute(update(transfers).values(token="USDT"))
        for rid, data in conn.execute(select(records.c.id, records.c.data)).all():
            old = {k: v for k, v in data.items() if k not in ("token_key", "token_note")}
            conn.execute(update(records).where(records.c.id == rid).values(data=old))
        conn.execute(delete(applied))


def test_fake_usdt_of_an_old_store_is_traced_apart_after_opening_it(tmp_path):
    url, vault = f"sqlite:///{tmp_path / 'old.db'}", tmp_path / "evidence"
    page = tmp_path / "page.json"
    page.write_bytes(orjson.dumps({"success": True, "data": [
        {"transaction_id": f"{n:064x}", "type": "Transfer", "from": SHOP, "to": to,
         "value": str(value * 10**6), "block_timestamp": 1700000000000 + n,
         "token_info": {"symbol": "USDT", "address": contract, "decimals": 6}}
        for n, (contract, to, value) in enumerate([(USDT, PAYEES[0], 1_000),
                                                   (FAKE, PAYEES[1], 900_000)])]}))
    store = connect_store(url, vault)
    ingest_paths(store, "c", [page])
    _as_an_old_version_wrote_it(store)
    with store.engine.connect() as conn:
        assert set(conn.execute(select(transfers.c.token)).scalars()) == {"USDT"}
    store.engine.dispose()

    reopened = connect_store(url, vault)
    result = trace(load_case_graph(reopened, "c"), TraceRequest(addresses=[SHOP]))
    assert result.traced == "1000"
    assert [e.address for e in result.endpoints] == [PAYEES[0]]
    assert [t.key for t in result.other_tokens] == [f"USDT@{FAKE}"]
    with reopened.engine.connect() as conn:
        datas = conn.execute(select(records.c.data)).scalars().all()
    fake = next(d for d in datas if d.get("token_contract") == FAKE)
    assert fake["token_note"] == f"USDT-named token, contract {FAKE}, not Tether"
    with reopened.engine.connect() as conn:
        assert sorted(conn.execute(select(applied.c.name)).scalars()) == [
            "identifiers_indexed", "tokens_are_contracts"]
