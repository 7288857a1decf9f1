"""The search index's side of the store: which records are indexed, their analysed documents,
and what a hit shows of its record (text, file, locator)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Select, and_, bindparam, delete, func, insert, select, update

from tools.store.schema import (
    files,
    records,
    search_docs,
    search_vectors,
    shop_links,
    shops,
    sightings,
)


def _pending(case: str, key: str, kinds: Sequence[str]) -> Select[Any]:
    return (
        select(records.c.id, records.c.kind, records.c.text, records.c.ts, records.c.data)
        .outerjoin(search_docs, and_(search_docs.c.case == key,
                                     search_docs.c.record_id == records.c.id))
        .where(records.c.case == case, records.c.kind.in_(list(kinds)),
               records.c.text.is_not(None), search_docs.c.record_id.is_(None))
    )


def count_pending(conn: Connection, case: str, key: str, kinds: Sequence[str]) -> int:
    """Records of `kinds` with text that the index `key` does not hold yet."""
    return conn.execute(select(func.count()).select_from(
        _pending(case, key, kinds).subquery())).scalar() or 0


def pending_records(conn: Connection, case: str, key: str, kinds: Sequence[str]
                    ) -> Sequence[Any]:
    """Those records: `id, kind, text, ts, data`, by id."""
    # Sorted here, not by SQL: ordered by id, SQLite walks every record of the case (a
    # million transfers) by the primary key instead of the records of these kinds (an index
    # of them): 6 s at seed scale to find that nothing is pending.
    return sorted(conn.execute(_pending(case, key, kinds)).all(), key=lambda r: r.id)


def count_indexed(conn: Connection, key: str) -> int:
    return conn.execute(select(func.count()).select_from(search_docs)
                        .where(search_docs.c.case == key)).scalar() or 0


def index_extent(conn: Connection, key: str) -> tuple[int, str | None, str | None]:
    """How many documents the index `key` holds, and its first and last record ids."""
    n, first, last = conn.execute(
        select(func.count(), func.min(search_docs.c.record_id), func.max(search_docs.c.record_id))
        .where(search_docs.c.case == key)).one()
    return int(n), first, last


def forget_index(conn: Connection, key: str) -> None:
    """Drop what the index `key` holds (to index everything again)."""
    conn.execute(delete(search_docs).where(search_docs.c.case == key))
    conn.execute(delete(search_vectors).where(search_vectors.c.case == key))


def payment_kinds(conn: Connection, case: str, record_ids: list[str]) -> dict[str, set[str]]:
    """The kinds of payment detail (card, phone, …) each record hands out."""
    paid: dict[str, set[str]] = {}
    for rid, account in conn.execute(
            select(sightings.c.record_id, sightings.c.account_id)
            .where(sightings.c.case == case, sightings.c.record_id.in_(record_ids))):
        paid.setdefault(rid, set()).add(account.split(":", 1)[0])
    return paid


def add_documents(conn: Connection, docs: list[dict[str, Any]]) -> None:
    conn.execute(insert(search_docs), docs)


def queue_vectors(conn: Connection, key: str, passages: dict[str, str]) -> None:
    """Record that each record (id → the passage it is embedded from) awaits its vector."""
    if passages:
        conn.execute(insert(search_vectors), [
            {"case": key, "record_id": rid, "text": text, "done": 0}
            for rid, text in passages.items()])


def vectors_todo(conn: Connection, key: str) -> list[tuple[str, str, str, str]]:
    """`(record_id, passage, kind, shop)` of every document of `key` still without a vector."""
    return [(r.record_id, r.text, r.kind, r.shop or "") for r in conn.execute(
        select(search_vectors.c.record_id, search_vectors.c.text, search_docs.c.kind,
               search_docs.c.shop)
        .join(search_docs, and_(search_docs.c.case == search_vectors.c.case,
                                search_docs.c.record_id == search_vectors.c.record_id))
        .where(search_vectors.c.case == key, search_vectors.c.done == 0))]


def mark_embedded(conn: Connection, key: str, done: Sequence[tuple[str, str]]) -> None:
    """Those records' vectors are in Chroma: `(record id, passage id)`, the id of the passage's
    vector there kept in place of its text (documents of one passage share one vector)."""
    if done:
        conn.execute(update(search_vectors).where(
            search_vectors.c.case == key, search_vectors.c.record_id == bindparam("rid"))
            .values(done=1, text=bindparam("pid")), [{"rid": r, "pid": p} for r, p in done])


def embedded_passages(conn: Connection, key: str) -> list[tuple[str, str]]:
    """`(record id, passage id)` of every document of `key` with its vector."""
    return [(r[0], r[1]) for r in conn.execute(
        select(search_vectors.c.record_id, search_vectors.c.text)
        .where(search_vectors.c.case == key, search_vectors.c.done == 1)
        .order_by(search_vectors.c.record_id))]


def has_vectors_without_passage(conn: Connection, key: str) -> bool:
    """Whether the index `key` has a vector recorded without its passage's id: Chroma held it
    under the record's id (before one vector per passage), and the index is to be made again."""
    return conn.execute(select(search_vectors.c.record_id).where(
        search_vectors.c.case == key, search_vectors.c.done == 1, search_vectors.c.text == "")
        .limit(1)).first() is not None


def count_passages(conn: Connection, key: str) -> int:
    """The distinct passages the embedded documents of `key` are."""
    return conn.execute(select(func.count(search_vectors.c.text.distinct()))
                        .where(search_vectors.c.case == key, search_vectors.c.done == 1)
                        ).scalar() or 0


def count_vectors(conn: Connection, key: str) -> tuple[int, int]:
    """(documents of `key` with their vector, documents still waiting for one)."""
    counts = {int(done): int(n) for done, n in conn.execute(
        select(search_vectors.c.done, func.count()).where(search_vectors.c.case == key)
        .group_by(search_vectors.c.done))}
    return int(counts.get(1, 0)), int(counts.get(0, 0))


def documents(conn: Connection, key: str) -> list[dict[str, Any]]:
    """Every analysed document of the index `key`, by record id."""
    return [dict(r._mapping) for r in conn.execute(
        select(search_docs).where(search_docs.c.case == key)
        .order_by(search_docs.c.record_id)).all()]


def hit_sources(conn: Connection, case: str, record_ids: list[str]) -> dict[str, Any]:
    """For each record: `id, text, locator` and its file's `name, sha256, format`."""
    return {r.id: r for r in conn.execute(
        select(records.c.id, records.c.text, records.c.locator, files.c.name,
               files.c.sha256, files.c.format)
        .join(files, files.c.id == records.c.file_id)
        .where(records.c.case == case, records.c.id.in_(record_ids)))}


def record_texts(conn: Connection, case: str, record_ids: Sequence[str],
                 batch: int = 500) -> list[Any]:
    """`id, text, data` of those records, read in batches of ids."""
    out: list[Any] = []
    for at in range(0, len(record_ids), batch):
        out += conn.execute(select(records.c.id, records.c.text, records.c.data).where(
            records.c.case == case, records.c.id.in_(list(record_ids[at : at + batch])))).all()
    return out


def shop_links_of(conn: Connection, case: str) -> tuple[dict[str, str], dict[str, str]]:
    """(chat id → shop id, @bot handle → shop id) as resolved at import."""
    chats: dict[str, str] = {}
    bots: dict[str, str] = {}
    for shop, kind, value in conn.execute(
            select(shop_links.c.shop, shop_links.c.kind, shop_links.c.value)
            .where(shop_links.c.case == case, shop_links.c.kind.in_(["chat", "bot"]))):
        (chats if kind == "chat" else bots)[value] = shop
    return chats, bots


def has_older_documents(conn: Connection, key: str, marker: str) -> bool:
    """Whether the index `key` was analysed before `marker` (the format) was. One document
    tells: an index is forgotten whole when its format is old, so all of it shares one (a
    scan for a document without the marker read every document on every update)."""
    tokens = conn.execute(select(search_docs.c.tokens).where(search_docs.c.case == key)
                          .limit(1)).scalar()
    return tokens is not None and marker not in tokens


def shop_spellings(conn: Connection, case: str) -> list[tuple[str, str, str, str]]:
    """(shop id, shop name, link kind, link label or handle) of every chat, alias and @bot."""
    return [(r[0], r[1], r[2], r[3]) for r in conn.execute(
        select(shop_links.c.shop, shops.c.name, shop_links.c.kind, shop_links.c.label)
        .join(shops, (shops.c.case == shop_links.c.case) & (shops.c.id == shop_links.c.shop))
        .where(shop_links.c.case == case).order_by(shop_links.c.shop, shop_links.c.value))]
