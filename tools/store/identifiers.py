"""The index of every case's identifiers, kept at import and read across cases (deconfliction).

An identifier is what the accounts table calls an account id, `kind:value` in normalised form
(card digits, E.164 phone, IBAN in capitals, TRON/BTC address as written, Ethereum in lower
case, bot handle in lower case, ИИН), plus the wallets of a case's chain transfers. A masked
card is never indexed: "4400 43** **** 0260" is many cards, and a hit on it would be a guess.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, and_, func, select, union_all

from tools.items import Item
from tools.store.schema import case_identifiers, files, sightings, transfers

# Kinds of account compared across cases; `card_mask` is left out on purpose (see above).
INDEXED_KINDS = frozenset({"card", "iban", "phone", "tron", "btc", "eth", "bot", "iin"})
# Transfers of these chains name wallets; bank transfers' parties are accounts already.
WALLET_CHAINS = frozenset({"tron", "btc", "eth"})
MAX_ID_CHARS = 200
# Chains whose wallet ids are the address as written (Ethereum's are lower-cased).
_PLAIN_WALLET_CHAINS = WALLET_CHAINS - {"eth"}


def wallet_id(chain: str, address: str) -> str:
    """The identifier of a chain address, in the form lookups normalise it to."""
    return f"{chain}:{address.lower() if chain == 'eth' else address}"


def identifiers_of(item: Item) -> set[str]:
    """The identifiers one record names: its payment details and its transfer's wallets."""
    ids = {d.account_id for d in item.details if d.kind in INDEXED_KINDS}
    t = item.transfer
    if t is not None and t.chain in WALLET_CHAINS:
        ids.update(wallet_id(t.chain, a) for a in (t.from_address, t.to_address) if a)
    return {i for i in ids if len(i) <= MAX_ID_CHARS}


def _upsert(conn: Connection, case: str, counts: Counter[str]) -> None:
    """Add `counts` to the case's rows, creating the identifiers not seen before."""
    rows = [{"case": case, "id": i, "kind": i.split(":", 1)[0], "records": n}
            for i, n in sorted(counts.items())]
    if not rows:
        return
    stmt: Any
    if conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(case_identifiers)
    else:  # PostgreSQL, the only other store (its dialect module loads only when used)
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        stmt = postgresql_insert(case_identifiers)
    stmt = stmt.on_conflict_do_update(
        index_elements=[case_identifiers.c.case, case_identifiers.c.id],
        set_={"records": case_identifiers.c.records + stmt.excluded.records})
    conn.execute(stmt, rows)


def record_identifiers(item: Item) -> tuple[str, ...]:
    """`identifiers_of(item)`; at once for a chain transfer without payment details (a chain
    page's, a million of them), which names its two wallets."""
    t = item.transfer
    if (t is None or item.details or t.chain not in _PLAIN_WALLET_CHAINS
            or type(t.from_address) is not str or type(t.to_address) is not str):
        return tuple(sorted(identifiers_of(item)))
    return wallet_pair(t.chain, t.from_address, t.to_address) or tuple(
        sorted(identifiers_of(item)))


def wallet_pair(chain: str, frm: str, to: str) -> tuple[str, ...] | None:
    """The identifiers of a transfer between two wallets of a chain that writes addresses
    as they are (not Ethereum's), or None when either does not make one."""
    if not (0 < len(frm) < MAX_ID_CHARS - len(chain) and 0 < len(to) < MAX_ID_CHARS - len(chain)):
        return None
    return (f"{chain}:{frm}",) if frm == to else (f"{chain}:{frm}", f"{chain}:{to}")


class PendingIdentifiers:
    """Identifier counts of imported files, written to the index before the import commits.

    Written once per commit rather than per file: a TronGrid page of 200 transfers names the
    same few wallets as the next page, and an upsert per page cost a tenth of the import.
    A file adds its counts only once it is whole (a rejected file's never count)."""

    def __init__(self) -> None:
        self.pending: dict[str, Counter[str]] = {}

    @staticmethod
    def of_items(items: Sequence[Item]) -> Counter[str]:
        """The identifiers of newly written records, each record once per identifier."""
        return Counter(itertools.chain.from_iterable(map(record_identifiers, items)))

    def add(self, case: str, counts: Counter[str]) -> None:
        self.pending.setdefault(case, Counter()).update(counts)

    def flush(self, conn: Connection) -> None:
        for case, counts in sorted(self.pending.items()):
            _upsert(conn, case, counts)
        self.pending.clear()


def rebuild_case(conn: Connection, case: str) -> None:
    """The case's index from what it holds (a store written before the index existed)."""
    conn.execute(case_identifiers.delete().where(case_identifiers.c.case == case))
    counts: Counter[str] = Counter()
    for account_id, n in conn.execute(
            select(sightings.c.account_id, func.count()).where(sightings.c.case == case)
            .group_by(sightings.c.account_id)):
        if account_id.split(":", 1)[0] in INDEXED_KINDS and len(account_id) <= MAX_ID_CHARS:
            counts[account_id] += n
    sides = union_all(*(
        select(transfers.c.chain, column.label("address"), func.count().label("n"))
        .where(transfers.c.case == case, transfers.c.chain.in_(WALLET_CHAINS),
               column.is_not(None))
        .group_by(transfers.c.chain, column)
        for column in (transfers.c.from_address, transfers.c.to_address))).subquery()
    for chain, address, n in conn.execute(select(sides.c.chain, sides.c.address, sides.c.n)):
        wid = wallet_id(chain, address)
        if len(wid) <= MAX_ID_CHARS:
            counts[wid] += n
    _upsert(conn, case, counts)


def cases_without_index(conn: Connection) -> list[str]:
    """Cases with files but not one indexed identifier (imported before the index existed)."""
    indexed = select(case_identifiers.c.case).where(
        case_identifiers.c.case == files.c.case).exists()
    return sorted(conn.execute(select(files.c.case).distinct().where(~indexed)).scalars())


def backfill(conn: Connection) -> list[str]:
    """Index every case that has none yet; returns them. A case with no identifier at all
    (listings without payment details) is rebuilt each time: a cheap no-op."""
    cases = cases_without_index(conn)
    for case in cases:
        rebuild_case(conn, case)
    return cases


def cases_holding(conn: Connection, ids: Iterable[str], but: str
                  ) -> list[tuple[str, str, int, str, int]]:
    """(id, kind, records here, other case, records there) for each of `but`'s identifiers
    among `ids` that another case holds too."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    here = case_identifiers.alias("here")
    there = case_identifiers.alias("there")
    found: list[tuple[str, str, int, str, int]] = []
    for start in range(0, len(wanted), 500):
        q = (select(here.c.id, here.c.kind, here.c.records, there.c.case, there.c.records)
             .join(there, and_(there.c.id == here.c.id, there.c.case != here.c.case))
             .where(here.c.case == but, here.c.id.in_(wanted[start:start + 500])))
        found.extend(tuple(r) for r in conn.execute(q))
    return sorted(found)


def shared_with_any(conn: Connection, case: str) -> list[tuple[str, str, int, str, int]]:
    """The same as `cases_holding` for every identifier of `case`."""
    here = case_identifiers.alias("here")
    there = case_identifiers.alias("there")
    q = (select(here.c.id, here.c.kind, here.c.records, there.c.case, there.c.records)
         .join(there, and_(there.c.id == here.c.id, there.c.case != here.c.case))
         .where(here.c.case == case).order_by(here.c.id, there.c.case))
    return [tuple(r) for r in conn.execute(q)]


def records_naming(conn: Connection, case: str, identifier: str, limit: int) -> list[str]:
    """Ids of records of `case` that name `identifier` (its sightings, its transfers)."""
    kind, _, value = identifier.partition(":")
    ids = list(conn.execute(select(sightings.c.record_id).where(
        sightings.c.case == case, sightings.c.account_id == identifier)
        .order_by(sightings.c.record_id).limit(limit)).scalars())
    if kind in WALLET_CHAINS and len(ids) < limit:
        for column in (transfers.c.from_address, transfers.c.to_address):
            ids.extend(conn.execute(select(transfers.c.record_id).where(
                transfers.c.case == case, column == value)
                .order_by(transfers.c.seq).limit(limit - len(ids))).scalars())
    return list(dict.fromkeys(ids))[:limit]
