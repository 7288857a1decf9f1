"""Account lookup: everything the case knows about a card, IBAN, phone, wallet, bot or ИИН."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import UTC, datetime
from decimal import Decimal

from pydantic import BaseModel, Field
from sqlalchemy.engine import Connection

from tools.holders import PaymentMatch, payment_matches, payments_into
from tools.identifiers import parse_identifier
from tools.ingest.amounts import stored_amount
from tools.ingest.bank import statement_prefix
from tools.shops import shop_names
from tools.store import CaseStore
from tools.store.accounts import (
    account_row,
    accounts_of_records,
    accounts_seen_with,
    bank_moves,
    cards_matching_mask,
    record_fields,
    records_with_account,
    sightings_of,
)
from tools.store.repository import as_utc
from tools.trace import TraceRequest, trace
from tools.trace.graph import CaseGraph, Move, from_units
from tools.trace.starts import WALLET_KINDS, wallets_of_account

MAX_MASK_MATCHES = 20
MAX_SIGHTINGS = 50
MAX_FEEDING_SENDERS = 50
# A statement's counterparties kept, largest first: enough to tell whom several accounts share.
MAX_COUNTERPARTIES = 25
# A span of days as `lookup_account` takes it: "09-01..09-15".
_DAYS = re.compile(r"\d{2}-\d{2}\.\.\d{2}-\d{2}")


class SeenIn(BaseModel):
    record_id: str = Field(description="The message, listing or statement row, to cite")
    kind: str
    shop: str | None
    shop_name: str | None
    seen_at: datetime | None
    chat: str | None = Field(default=None, description="The chat or statement it was in")


class Counterparty(BaseModel):
    account: str
    name: str | None
    total: str
    operations: int
    records: list[str]
    received_from: str = Field(default="0", description="What came from this party")
    sent_to: str = Field(default="0", description="What went to this party")


class BankActivity(BaseModel):
    holder_name: str | None = Field(default=None, description="The name on the account's side")
    holder_iin: str | None = Field(default=None, description="The ИИН on the account's side")
    total_in: str
    total_out: str
    operations: int
    incoming: int = Field(default=0, description="Operations into the account")
    outgoing: int = Field(default=0, description="Operations out of the account")
    distinct_payers: int
    first: datetime | None
    last: datetime | None
    first_row: str | None = Field(default=None, description="The record id of the earliest row")
    last_row: str | None = Field(default=None, description="The record id of the latest row")
    counterparties: list[Counterparty] = Field(description="Largest by total, in and out")
    period: str | None = Field(default=None, description="The month counted (YYYY-MM or MM), "
                                                         "or the days (MM-DD..MM-DD), when "
                                                         "not the whole statement")


class TraceSummary(BaseModel):
    traced: str
    token: str
    endpoints: list[tuple[str, str, str, str]] = Field(
        description="(address, reason, amount, last transfer's record id)")


class FedBy(BaseModel):
    shop: str = Field(description="A shop whose handed-out wallet sent money here")
    wallet: str
    record_id: str = Field(description="The largest transfer from that wallet, to cite")


class WalletParty(BaseModel):
    """A wallet's direct counterparty in its main token: what passed between the two."""

    address: str
    amount: str
    transfers: int
    record_id: str = Field(description="The largest transfer between the two, to cite")


class WalletFlows(BaseModel):
    """What a wallet received and sent of its main token, with its largest transfers, its
    direct counterparties each way, and the attribution tag the case holds for it."""

    token: str
    tag: str | None = None
    tag_category: str | None = None
    tag_record: str | None = None
    received: str
    sent: str
    balance: str = Field(description="Received less sent: what the transfers leave there")
    largest_in: list[str] = Field(description="Record ids of the largest incoming transfers")
    largest_out: list[str] = Field(description="Record ids of the largest outgoing transfers")
    transfers_in: int = 0
    transfers_out: int = 0
    senders: list[WalletParty] = Field(default_factory=list,
                                       description="Who paid it directly, largest first")
    recipients: list[WalletParty] = Field(default_factory=list,
                                          description="Whom it paid directly, largest first")


class AccountProfile(BaseModel):
    id: str
    kind: str
    value: str
    display: str
    info: dict[str, object]
    first_seen: datetime | None
    last_seen: datetime | None
    shops: list[str] = Field(description="Shops that handed it out")
    seen_in: list[SeenIn]
    bank: BankActivity | None = None
    statements: list[str] = Field(default_factory=list, description=(
        "IBANs of statements whose title block names this card (same first and last four)"))
    paid_in: list[PaymentMatch] = Field(default_factory=list, description=(
        "Statement rows paying what a message handing this out asked for, just after it"))
    title_cards: list[str] = Field(default_factory=list, description=(
        "Handed-out cards this IBAN's statement title names (same first and last four)"))
    paid_for: list[PaymentMatch] = Field(default_factory=list, description=(
        "Cards and phones shops handed out whose asked amount came into this IBAN just after"))
    accounts_held: list[tuple[str, str]] = Field(default_factory=list, description=(
        "(IBAN, statement row to cite) of the accounts an ИИН holds"))
    linked_wallets: list[str] = Field(default_factory=list)
    trace: TraceSummary | None = None
    flows: WalletFlows | None = None
    fed_by: list[FedBy] = Field(default_factory=list, description=(
        "Shops whose handed-out wallets paid into this wallet (it is not handed out itself)"))
    seen_with: list[str] = Field(default_factory=list,
                                 description="Other accounts in the same messages or rows")


class LookupResult(BaseModel):
    query: str
    kind: str
    value: str
    error: str | None = Field(default=None, description="Why the identifier is not valid")
    mask: str | None = None
    matches: list[AccountProfile]


def lookup_account(store: CaseStore, case: str, query: str, graph: CaseGraph | None = None,
                   month: str | None = None, days: str | None = None) -> LookupResult:
    """Profile of the account `query` names; a masked card gives every match, ranked by how
    often shops handed it out. An invalid identifier says why instead of 'not found'.
    `month` ("2025-01", or "01" of any year): the statement's activity of that month only
    (the whole statement when it has none then). `days` ("09-01..09-15", month-day to
    month-day, ends included): the statement's activity of those days only, likewise."""
    ident = parse_identifier(query)
    result = LookupResult(query=query, kind=ident.kind, value=ident.value, error=ident.error,
                          matches=[])
    if ident.error:
        return result
    with store.engine.connect() as conn:
        if ident.kind == "card_mask":
            result.mask = ident.value
            ids = cards_matching_mask(conn, case, ident.value, MAX_MASK_MATCHES)
        else:
            ids = [ident.account_id]
        for account_id in ids:
            profile = _profile(conn, case, account_id, month, days)
            statements = _statements_naming(conn, case, account_id) \
                if account_id.startswith("card:") else []
            if profile is None and statements:
                profile = _card_from_statement(ident.value)
            if profile is not None and statements:
                profile.statements = statements
                profile.bank = _bank_activity(conn, case, statements[0], month, days)
            if profile is None and ident.kind in WALLET_KINDS and graph is not None \
                    and ident.value in graph.graph:
                profile = _wallet_only(ident.value, ident.kind, graph)
            if profile is not None:
                result.matches.append(profile)
    for profile in result.matches:
        _link_holder(store, case, profile)
    # A trace summary for one account; for the many matches of a mask, wallets only.
    for profile in result.matches:
        _add_wallet_links(store, case, profile, graph if len(result.matches) == 1 else None)
    return result


def _profile(conn: Connection, case: str, account_id: str, month: str | None = None,
             days: str | None = None) -> AccountProfile | None:
    acc = account_row(conn, case, account_id)
    if acc is None:
        return None
    rows = sightings_of(conn, case, account_id, MAX_SIGHTINGS)
    names = shop_names(conn, case) if any(r.shop for r in rows) else {}
    chats = {rid: str(data.get("chat_name") or "") or None
             for rid, data in record_fields(conn, case, [r.record_id for r in rows])}
    seen = [SeenIn(record_id=r.record_id, kind=r.kind, shop=r.shop,
                   shop_name=names.get(r.shop, r.shop) if r.shop else None,
                   seen_at=as_utc(r.seen_at), chat=chats.get(r.record_id)) for r in rows]
    seen_with = accounts_seen_with(conn, case, account_id, [r.record_id for r in rows])
    kind, value = account_id.split(":", 1)
    return AccountProfile(
        id=account_id, kind=kind, value=value, display=acc.display, info=acc.info,
        first_seen=as_utc(acc.first_seen), last_seen=as_utc(acc.last_seen),
        shops=sorted({s.shop for s in seen if s.shop}), seen_in=seen,
        bank=_bank_activity(conn, case, value, month, days) if kind == "iban" else None,
        seen_with=seen_with[:50],
    )


def _statements_naming(conn: Connection, case: str, card_id: str) -> list[str]:
    """The statements whose title block names this card, masked: bank:<IBAN>/… rows carry the
    `card_mask` account of the first and last four digits."""
    card = card_id.split(":", 1)[1]
    mask = f"card_mask:{card[:4]}********{card[-4:]}"
    rows = records_with_account(conn, case, mask, 1000)
    return sorted({r.split("/", 1)[0].removeprefix("bank:") for r in rows
                   if r.startswith("bank:")})


def _link_holder(store: CaseStore, case: str, profile: AccountProfile) -> None:
    """A card or phone handed out with an amount, paid into one statement just after: that
    statement's account and flows join the profile (when no title block named one)."""
    if profile.kind == "iban":
        with store.engine.connect() as conn:
            profile.title_cards = _cards_in_title(conn, case, profile.value)
        profile.paid_for = payments_into(store, case, profile.value)
        return
    if profile.kind == "iin":
        with store.engine.connect() as conn:
            profile.accounts_held = _accounts_of_iin(conn, case, profile.value)
        return
    if profile.kind not in ("card", "phone") or not profile.seen_in:
        return
    profile.paid_in = payment_matches(store, case, profile.id)
    ibans = sorted({m.iban for m in profile.paid_in})
    if len(ibans) == 1 and not profile.statements:
        profile.statements = ibans
        with store.engine.connect() as conn:
            profile.bank = _bank_activity(conn, case, ibans[0])


def _accounts_of_iin(conn: Connection, case: str, iin: str) -> list[tuple[str, str]]:
    """The IBANs on the side of the rows an ИИН is written on, with a row of each."""
    rows = records_with_account(conn, case, f"iin:{iin}", MAX_SIGHTINGS)
    held: dict[str, str] = {}
    for rid, data in record_fields(conn, case, rows):
        for side in ("payer", "payee"):
            account = data.get(f"{side}_account")
            # Its own statement's row first: it names the holder on every row.
            if str(data.get(f"{side}_iin") or "") == iin and account and (
                    account not in held or rid.startswith(statement_prefix(str(account)))):
                held[str(account)] = rid
    return sorted(held.items())


def _cards_in_title(conn: Connection, case: str, iban: str) -> list[str]:
    """Handed-out cards with the first and last four of the card the statement of `iban`
    names in its title block."""
    rows = [r for r in records_with_account(conn, case, f"iban:{iban}", 50)
            if r.startswith(statement_prefix(iban))][:1]
    masks = {a for a in accounts_of_records(conn, case, rows) if a.startswith("card_mask:")}
    cards: list[str] = []
    for mask in sorted(masks):
        digits = mask.split(":", 1)[1]
        like = digits[:4] + "_" * (len(digits) - 8) + digits[-4:]
        cards += [c.split(":", 1)[1] for c in cards_matching_mask(conn, case, like, 5)]
    return cards


def _card_from_statement(card: str) -> AccountProfile:
    display = " ".join(card[i:i + 4] for i in range(0, len(card), 4))
    return AccountProfile(id=f"card:{card}", kind="card", value=card, display=display,
                          info={}, first_seen=None, last_seen=None, shops=[], seen_in=[])


def _wallet_only(address: str, kind: str, graph: CaseGraph) -> AccountProfile:
    """A wallet no message handed out but the case's transfers know (a layering hop, say)."""
    g = graph.graph
    moves = [m for _, _, d in g.in_edges(address, data=True) for m in d["m"]]
    moves += [m for _, _, d in g.out_edges(address, data=True) for m in d["m"]]
    times = [datetime.fromtimestamp(m.ts, UTC) for m in moves if m.ts]
    return AccountProfile(
        id=f"{kind}:{address}", kind=kind, value=address, display=address,
        info={"transfers": len(moves),
              "counterparties": len(g.pred[address]) + len(g.succ[address])},
        first_seen=min(times, default=None), last_seen=max(times, default=None), shops=[],
        seen_in=[])


def _in_month(ts: datetime | None, month: str) -> bool:
    """Whether `ts` falls in `month` ("2025-01", or "01" of any year)."""
    if ts is None:
        return False
    return f"{ts:%Y-%m}" == month if "-" in month else f"{ts:%m}" == month


def _in_days(ts: datetime | None, days: str) -> bool:
    """Whether `ts` falls within `days` ("09-01..09-15": month-day to month-day, both ends
    included)."""
    first, _, last = days.partition("..")
    return ts is not None and first <= f"{ts:%m-%d}" <= (last or first)


def _bank_activity(conn: Connection, case: str, account: str, month: str | None = None,
                   days: str | None = None) -> BankActivity | None:
    moves = bank_moves(conn, case, account)
    if not moves:
        return None
    # A payment between two accounts whose statements are both in the case is a row in each;
    # the account's own statement is the one to count, the other statements fill in without it.
    own = [m for m in moves if m.record_id.startswith(statement_prefix(account))]
    moves = own or moves
    if month:
        # One month's activity ("за октябрь"): its rows, when the statement has any then.
        mine = [m for m in moves if _in_month(as_utc(m.ts), month)]
        month = month if mine else None
        moves = mine or moves
    elif days and _DAYS.fullmatch(days):
        # A span of days ("1-15 сентября"): its rows, when the statement has any then.
        mine = [m for m in moves if _in_days(as_utc(m.ts), days)]
        month = days if mine else None
        moves = mine or moves
    total_in = total_out = Decimal(0)
    by_party: dict[str, list] = defaultdict(lambda: [Decimal(0), 0, [], Decimal(0), Decimal(0)])
    payers = set()
    counts = Counter[bool]()
    for m in moves:
        amount = stored_amount(m.amount)
        if amount is None:  # an unbounded amount from an older store: left out, never a crash
            continue
        incoming = m.to_address == account
        counts[incoming] += 1
        party = m.from_address if incoming else m.to_address
        if incoming:
            total_in += amount
            payers.add(party)
        else:
            total_out += amount
        entry = by_party[party or "?"]
        entry[0] += amount
        entry[1] += 1
        entry[2].append(m.record_id)
        entry[3 if incoming else 4] += amount
    times = [as_utc(m.ts) for m in moves if m.ts is not None]
    dated = sorted((as_utc(m.ts), m.record_id) for m in moves if m.ts is not None)
    top = sorted(by_party.items(), key=lambda kv: (-kv[1][0], kv[0]))[:MAX_COUNTERPARTIES]
    first_rows = {v[2][0]: k for k, v in top}
    names: dict[str, str] = {}
    own_names: Counter[str] = Counter()
    own_iins: Counter[str] = Counter()
    for rid, data in record_fields(conn, case, list(first_rows)):
        party = first_rows[rid]
        side = "payee" if data.get("payee_account") == party else "payer"
        names[party] = data.get(f"{side}_name") or ""
        own_name = data.get("payer_name" if side == "payee" else "payee_name")
        if own_name:
            own_names[str(own_name)] += 1
        own_iin = data.get("payer_iin" if side == "payee" else "payee_iin")
        if own_iin:
            own_iins[str(own_iin)] += 1
    return BankActivity(
        holder_name=own_names.most_common(1)[0][0] if own_names else None,
        holder_iin=own_iins.most_common(1)[0][0] if own_iins else None,
        total_in=str(total_in), total_out=str(total_out), operations=len(moves),
        incoming=counts[True], outgoing=counts[False],
        distinct_payers=len(payers), first=min(times, default=None), last=max(times, default=None),
        first_row=dated[0][1] if dated else None, last_row=dated[-1][1] if dated else None,
        counterparties=[Counterparty(account=k, name=names.get(k) or None, total=str(v[0]),
                                     operations=v[1], records=v[2][:3], received_from=str(v[3]),
                                     sent_to=str(v[4])) for k, v in top],
        period=month,
    )


def _add_wallet_links(store: CaseStore, case: str, profile: AccountProfile,
                      graph: CaseGraph | None) -> None:
    if profile.kind in WALLET_KINDS:
        wallets = [profile.value]
        if graph is not None and profile.value in graph.graph:
            profile.flows = wallet_flows(graph, profile.value)
            if not profile.shops:
                profile.fed_by = _shops_feeding(store, case, graph, profile.value)
    elif profile.kind in ("card", "phone", "iban"):
        wallets, _shops = wallets_of_account(store, case, profile.id)
        profile.linked_wallets = wallets
    else:
        return
    if graph is not None and wallets and any(w in graph.graph for w in wallets):
        result = trace(graph, TraceRequest(addresses=wallets))
        profile.trace = TraceSummary(traced=result.traced, token=result.token, endpoints=[
            (e.address, e.reason, e.amount, e.path[-1].record_id)
            for e in result.endpoints[:5] if e.path])



def _shops_feeding(store: CaseStore, case: str, graph: CaseGraph, address: str
                   ) -> list[FedBy]:
    """The shops whose handed-out wallets sent money straight to `address` (a shop's
    treasury is a wallet no bot hands out): each with the largest such transfer, to cite."""
    g = graph.graph
    senders = sorted(g.predecessors(address), key=lambda p: -max(
        m.units for m in g.edges[p, address]["m"]))[:MAX_FEEDING_SENDERS]
    fed: dict[str, FedBy] = {}
    with store.engine.connect() as conn:
        names = shop_names(conn, case)
        for sender in senders:
            kind = parse_identifier(sender).kind
            for row in sightings_of(conn, case, f"{kind}:{sender}", 5):
                if row.shop and names.get(row.shop, row.shop) not in fed:
                    move = max(g.edges[sender, address]["m"], key=lambda m: m.units)
                    name = names.get(row.shop, row.shop)
                    fed[name] = FedBy(shop=name, wallet=sender, record_id=move.record_id)
    return list(fed.values())


def wallet_flows(graph: CaseGraph, address: str) -> WalletFlows | None:
    """Totals in and out of `address` in its most used token, with its direct counterparties."""
    g = graph.graph
    moves_in = [(p, m) for p, _, d in g.in_edges(address, data=True) for m in d["m"]]
    moves_out = [(q, m) for _, q, d in g.out_edges(address, data=True) for m in d["m"]]
    tokens: dict[str, int] = defaultdict(int)
    for _, m in moves_in + moves_out:
        tokens[m.token] += 1
    if not tokens:
        return None
    token = max(tokens, key=lambda t: tokens[t])
    ins = sorted(((p, m) for p, m in moves_in if m.token == token), key=lambda pm: -pm[1].units)
    outs = sorted(((q, m) for q, m in moves_out if m.token == token),
                  key=lambda pm: -pm[1].units)
    received, sent = sum(m.units for _, m in ins), sum(m.units for _, m in outs)
    node = g.nodes[address]
    return WalletFlows(token=token, tag=node.get("tag"), tag_category=node.get("category"),
                       tag_record=node.get("tag_record"),
                       received=format(from_units(received), "f"),
                       sent=format(from_units(sent), "f"),
                       balance=format(from_units(received - sent), "f"),
                       largest_in=[m.record_id for _, m in ins[:3]],
                       largest_out=[m.record_id for _, m in outs[:3]],
                       transfers_in=len(ins), transfers_out=len(outs),
                       senders=_parties(ins), recipients=_parties(outs))


def _parties(moves: list[tuple[str, Move]], limit: int = 8) -> list[WalletParty]:
    """The counterparties of `moves` (largest sum first): each one's sum, count and its
    largest transfer."""
    by: dict[str, list[Move]] = defaultdict(list)
    for party, m in moves:
        by[party].append(m)
    ranked = sorted(by.items(), key=lambda kv: -sum(m.units for m in kv[1]))[:limit]
    return [WalletParty(address=a, amount=format(from_units(sum(m.units for m in ms)), "f"),
                        transfers=len(ms), record_id=max(ms, key=lambda m: m.units).record_id)
            for a, ms in ranked]
