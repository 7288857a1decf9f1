"""The path money took between two bank accounts: the chain of statement transfers, each hop
the payments from one account to the next (their total), cited by their rows."""

from __future__ import annotations

from collections import defaultdict, deque
from datetime import datetime
from decimal import Decimal

from pydantic import Field
from sqlalchemy import select

from tools.ingest.amounts import stored_amount
from tools.store import CaseStore
from tools.store.repository import as_utc
from tools.store.schema import transfers
from tools.trace.models import Hop
from tools.trace.paths import MoneyPath

MAX_BANK_HOPS = 4


class BankPath(MoneyPath):
    rows: list[list[str]] = Field(default_factory=list, description=(
        "Each hop's statement rows (the payments it totals), in time order"))
    routes: int = Field(default=1, description=(
        "How many chains of the same length `hops` holds, one after the other (through one "
        "account between, each such account's)"))


def bank_path(store: CaseStore, case: str, source: str, target: str,
              max_hops: int = MAX_BANK_HOPS) -> BankPath:
    """The shortest chain of statement transfers from account `source` to account `target`;
    each hop is every payment from one account to the next, with its total and first day."""
    result = BankPath(source=source, target=target, hops=[], token="KZT")
    if source == target:
        return result
    edges: dict[str, dict[str, list[tuple[str, Decimal, datetime | None]]]] = defaultdict(
        lambda: defaultdict(list))
    seen: set[tuple[str, str, str, str]] = set()
    with store.engine.connect() as conn:
        rows = conn.execute(select(transfers.c.record_id, transfers.c.from_address,
                                   transfers.c.to_address, transfers.c.amount, transfers.c.ts,
                                   transfers.c.tx)
                            .where(transfers.c.case == case, transfers.c.chain == "bank")).all()
    for rid, frm, to, amount, ts, tx in rows:
        value = stored_amount(amount)
        if not frm or not to or value is None:
            continue
        # One payment between two accounts whose statements are both in the case is a row in
        # each: counted once.
        key = (frm, to, str(value), f"{as_utc(ts)}" if ts else str(tx or rid))
        if key in seen:
            continue
        seen.add(key)
        edges[frm][to].append((rid, value, as_utc(ts)))
    parent: dict[str, str] = {}
    queue = deque([(source, 0)])
    visited = {source}
    while queue:
        node, depth = queue.popleft()
        if node == target or depth >= max_hops:
            continue
        for nxt in sorted(edges.get(node, {})):
            if nxt not in visited:
                visited.add(nxt)
                parent[nxt] = node
                queue.append((nxt, depth + 1))
    result.visited = len(visited)
    if target not in parent:
        return result
    chain = [target]
    while chain[-1] != source:
        chain.append(parent[chain[-1]])
    chain.reverse()
    pairs = list(zip(chain, chain[1:], strict=False))
    if len(chain) == 3:
        # One account between: every account that took the money between the two the same
        # way ("через кого": each of them, not the first found), the first found first.
        pairs += [pair for middle in sorted(edges[source]) if middle not in (chain[1], target)
                  and target in edges.get(middle, {})
                  for pair in ((source, middle), (middle, target))]
        result.routes = len(pairs) // 2
    for frm, to in pairs:
        payments = sorted(edges[frm][to], key=lambda p: (p[2] is None, str(p[2] or ""), p[0]))
        total = sum((p[1] for p in payments), Decimal(0))
        result.hops.append(Hop(record_id=payments[-1][0], tx="", time=payments[0][2],
                               from_address=frm, to_address=to, amount=str(total),
                               traced=str(total)))
        result.rows.append([p[0] for p in payments])
    return result
