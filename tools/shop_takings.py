"""What each shop took in on-chain, and the buyers who paid more than one shop: payments into
the wallets each shop handed out and the treasury they sweep into, from wallets that are not
the shops' own."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Connection

from tools.store.overview import shops_of_accounts
from tools.trace.graph import CaseGraph, from_units


class ShopTakings(BaseModel):
    """Money paid into the wallets one shop handed out (its main token only)."""

    shop: str = Field(description="The shop's chat id")
    amount: str
    token: str
    payments: int
    payers: int
    record_ids: list[str] = Field(description="The payments it is the sum of, to cite; none "
                                  "when there are more than CITED_PAYMENTS")


class SharedPayer(BaseModel):
    """A wallet that paid the handed-out wallets of more than one shop."""

    address: str
    paid: dict[str, str] = Field(description="Shop chat id → amount paid it")
    token: str
    record_ids: list[str] = Field(description="The payments it is the sum of, to cite; none "
                                  "when there are more than CITED_PAYMENTS")


class Takings(BaseModel):
    takings: list[ShopTakings] = Field(description="Largest first")
    shared_payers: list[SharedPayer]


# A sum of at most this many payments is cited by them all; a larger one is a fact of the
# case as a whole (its transfers are in the trace and the store).
CITED_PAYMENTS = 12
MAX_SHARED_PAYERS = 20


def shop_takings(conn: Connection, case: str, graph: CaseGraph, shops: set[str],
                 wallets: list[str], treasury_of: dict[str, str], token: str | None) -> Takings:
    """Each of `shops` (chat ids; market boards left out by the caller) with what was paid
    in `token` (the case's traced token; each shop's largest if None) into the wallets it
    handed out (`wallets`: the account ids of every wallet a shop handed out) and the
    treasuries they sweep into (`treasury_of`: handed-out wallet → treasury), largest first;
    and the wallets that paid several shops. Moves between the shops' own wallets are the
    shops' own money moving, not takings; a wallet of more than one shop counts for none."""
    shop_of: dict[str, set[str]] = defaultdict(set)
    for account_id, shop in shops_of_accounts(conn, case, wallets):
        if shop in shops:
            shop_of[account_id.split(":", 1)[1]].add(shop)
    for wallet, treasury in treasury_of.items():
        shop_of[treasury] = shop_of[treasury] | shop_of.get(wallet, set())
    g: Any = graph.graph
    own = set(shop_of) | set(treasury_of)
    # A wallet two shops handed out, or a treasury two shops sweep into, is no one shop's:
    # what was paid into it is left out rather than counted for each.
    shop_of = {w: owners for w, owners in shop_of.items() if len(owners) == 1}
    # shop → token → payer → [(units, record id)]
    paid: dict[str, dict[str, dict[str, list[tuple[int, str]]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list)))
    for wallet, owners in shop_of.items():
        if wallet not in g:
            continue
        for payer, edge in g.pred[wallet].items():
            if payer in own:
                continue
            (shop,) = owners
            for move in edge["m"]:
                paid[shop][move.token][payer].append((move.units, move.record_id))
    takings = []
    for shop, by_token in paid.items():
        main = token if token is not None else max(
            by_token, key=lambda t: (sum(u for p in by_token[t].values() for u, _ in p), t))
        if main not in by_token:
            continue
        moves = [m for p in by_token[main].values() for m in p]
        moves.sort(reverse=True)
        takings.append(ShopTakings(
            shop=shop, token=main, amount=format(from_units(sum(u for u, _ in moves)), "f"),
            payments=len(moves), payers=len(by_token[main]),
            record_ids=_cited(moves)))
    takings.sort(key=lambda t: (-Decimal(t.amount), t.shop))
    if token is not None:
        paid = {shop: {token: by_token[token]} for shop, by_token in paid.items()
                if token in by_token}
    return Takings(takings=takings, shared_payers=_shared(paid))


def _shared(paid: dict[str, dict[str, dict[str, list[tuple[int, str]]]]]) -> list[SharedPayer]:
    shops_of_payer: dict[tuple[str, str], list[str]] = defaultdict(list)
    for shop, by_token in paid.items():
        for token, payers in by_token.items():
            for payer in payers:
                shops_of_payer[(payer, token)].append(shop)
    shared = []
    for (payer, token), shops in shops_of_payer.items():
        if len(shops) < 2:
            continue
        moves = {s: paid[s][token][payer] for s in sorted(shops)}
        shared.append(SharedPayer(
            address=payer, token=token,
            paid={s: format(from_units(sum(u for u, _ in m)), "f") for s, m in moves.items()},
            record_ids=_cited([m for ms in moves.values() for m in ms])))
    # The payers of the most shops first, then by what they paid in all.
    total = Counter({(p.address, p.token): sum(map(Decimal, p.paid.values())) for p in shared})
    shared.sort(key=lambda p: (-len(p.paid), -total[(p.address, p.token)], p.address))
    return shared[:MAX_SHARED_PAYERS]


def _cited(moves: list[tuple[int, str]]) -> list[str]:
    return [r for _, r in moves] if len(moves) <= CITED_PAYMENTS else []
