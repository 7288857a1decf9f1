"""Who holds a handed-out card or phone: the payment a shop asked for, found in a statement.

A shop's bot names the amount with the card or phone ("оплата 22 000 ₸ на карту …"); the buyer
pays it within minutes; the statement of the account behind the card shows an incoming row of
that amount at that time. A row of the same amount arriving shortly after the message, in the
statement of one account, links the card or phone to that account and its holder. A heuristic:
the match is evidence to check, with the message and the row to cite, not proof.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.engine import Connection

from tools.ingest.bank import statement_prefix
from tools.store import CaseStore
from tools.store.accounts import (
    bank_moves,
    bank_rows_between,
    record_fields,
    shop_sightings_between,
    sightings_of,
)

# A buyer pays within this long after the bot names the amount; a row stamped a little
# before the message allows for clocks that disagree.
PAY_WITHIN = timedelta(hours=2)
CLOCK_SKEW = timedelta(minutes=10)
# Statement rows are stored in the bank's local time; fetch a day either side, then compare
# each row's own offset-aware date.
_STORED_SLACK = timedelta(hours=14)
MAX_HANDOUTS = 50
# "22 000 ₸", "17000 тг", "12 000 тенге", "KZT 5000": an amount in tenge.
_TENGE = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+|\d{3,9})(?:[.,]\d{1,2})?\s*"
    r"(?:₸|тг\b|тенге|kzt\b|tg\b)|(?:₸|kzt)\s*(\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+|\d{3,9})",
    re.I)


class PaymentMatch(BaseModel):
    """A statement row paying the amount a shop's message asked for, shortly after it."""

    message_id: str = Field(description="The message that handed out the detail, to cite")
    asked: str = Field(description="The amount the message asked for, tenge")
    asked_at: datetime
    row_id: str = Field(description="The statement row of that amount, to cite")
    paid_at: datetime
    iban: str = Field(description="The account whose statement holds the row")
    holder: str | None = Field(description="The name on that account's side of the row")
    payer: str | None = None
    account: str = Field(default="", description="The handed-out card or phone (account id)")


# "59.41 USDT", "USDT 120", "0.0021 BTC": an amount in a token.
_TOKEN_AMOUNT = re.compile(
    r"(?<![\w.,])(\d{1,9}(?:[.,]\d{1,8})?)\s*(USDT|USDC|TRX|BTC|ETH)\b|"
    r"\b(USDT|USDC|TRX|BTC|ETH)\s*(\d{1,9}(?:[.,]\d{1,8})?)(?![\w.,])", re.I)


# An exchange rate ("1 USDT = 540 ₸", "Курс: 1 USDT = 535 тг"): no amount asked.
_RATE = re.compile(r"(?<![\d.,])1\s*(?:USDT|USDC|TRX|BTC|ETH)\s*=\s*[\d \u00a0\u202f.,]+\s*"
                   r"(?:₸|тг\b|тенге|kzt\b)", re.I)


def asked_amounts(text: str) -> list[tuple[Decimal, str]]:
    """The amounts a message asks for, in order of kind: tenge (`KZT`), then tokens
    ("59.41 USDT"); a token's name beside an address ("USDT TRC-20 T…") is not an amount, nor
    an exchange rate ("1 USDT = 540 ₸")."""
    text = _RATE.sub(" ", text)
    out = [(a, "KZT") for a in tenge_amounts(text)]
    for m in _TOKEN_AMOUNT.finditer(text[:4000]):
        raw, token = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        try:
            out.append((Decimal(raw.replace(",", ".")), token.upper()))
        except InvalidOperation:
            continue
    return out


def tenge_amounts(text: str) -> list[Decimal]:
    """The amounts in tenge a message names, in order."""
    out = []
    for m in _TENGE.finditer(text[:4000]):
        raw = re.sub(r"[ \u00a0\u202f.,]", "", m.group(1) or m.group(2))
        try:
            out.append(Decimal(raw))
        except InvalidOperation:
            continue
    return out


def _when(data: dict[str, Any], stored: datetime | None) -> datetime | None:
    raw = data.get("date")
    if isinstance(raw, str):
        try:
            ts = datetime.fromisoformat(raw)
        except ValueError:
            ts = None
        if ts is not None:
            return ts.astimezone(UTC) if ts.tzinfo else ts.replace(tzinfo=UTC)
    return stored.replace(tzinfo=UTC) if stored and stored.tzinfo is None else stored


def payment_matches(store: CaseStore, case: str, account_id: str) -> list[PaymentMatch]:
    """Statement rows that received what a message handing out `account_id` (a card or phone)
    asked for, within `PAY_WITHIN` of it; the message and row of each, oldest first."""
    out: list[PaymentMatch] = []
    with store.engine.connect() as conn:
        handouts = [r.record_id for r in sightings_of(conn, case, account_id, MAX_HANDOUTS)
                    if r.shop]
        for message_id, data in record_fields(conn, case, handouts):
            asked_at = _when(data, None)
            amounts = set(tenge_amounts(str(data.get("text") or "")))
            if asked_at is None or not amounts:
                continue
            out += [m.model_copy(update={"account": account_id})
                    for m in _rows_paying(conn, case, message_id, asked_at, amounts)]
    return sorted(out, key=lambda m: (m.asked_at, m.row_id))


MAX_ROWS = 2_000


def payments_into(store: CaseStore, case: str, iban: str) -> list[PaymentMatch]:
    """The other way: cards and phones shops handed out whose asked amount came into the
    statement of `iban` just after (`payment_matches` of each), oldest first."""
    with store.engine.connect() as conn:
        rows = [r for r in bank_moves(conn, case, iban)
                if r.to_address == iban and r.record_id.startswith(statement_prefix(iban))
                and r.ts is not None][:MAX_ROWS]
        if not rows:
            return []
        start = min(r.ts for r in rows) - PAY_WITHIN - _STORED_SLACK
        end = max(r.ts for r in rows) + _STORED_SLACK
        handed = shop_sightings_between(conn, case, start, end, ("card:", "phone:"))
        amounts = {_decimal(r.amount) for r in rows}
        fields = dict(record_fields(conn, case, sorted({h.record_id for h in handed})))
        # Every handout is matched against this statement's rows, read once: a seed-sized
        # case hands out thousands of cards in a statement's months.
        paying = _Rows(rows, dict(record_fields(conn, case, [r.record_id for r in rows])))
    out: list[PaymentMatch] = []
    for h in handed:
        data = fields.get(h.record_id, {})
        asked = set(tenge_amounts(str(data.get("text") or ""))) & amounts
        asked_at = _when(data, None)
        if asked and asked_at is not None:
            out += [m.model_copy(update={"account": h.account_id})
                    for m in paying.matching(h.record_id, asked_at, asked)]
    return sorted(out, key=lambda m: (m.asked_at, m.row_id))


def _rows_paying(conn: Connection, case: str, message_id: str, asked_at: datetime,
                 amounts: set[Decimal]) -> list[PaymentMatch]:
    naive = asked_at.replace(tzinfo=None)
    rows = [r for r in bank_rows_between(conn, case, naive - _STORED_SLACK,
                                         naive + PAY_WITHIN + _STORED_SLACK)
            if _decimal(r.amount) in amounts and r.to_address
            and r.record_id.startswith(statement_prefix(r.to_address))]
    if not rows:
        return []
    fields = dict(record_fields(conn, case, [r.record_id for r in rows]))
    return _Rows(rows, fields).matching(message_id, asked_at, amounts)


class _Rows:
    """Incoming statement rows (`record_id, to_address, amount, ts`) with their fields."""

    def __init__(self, rows: list[Any], fields: dict[str, dict[str, Any]]) -> None:
        self.rows, self.fields = rows, fields

    def matching(self, message_id: str, asked_at: datetime, amounts: set[Decimal]
                 ) -> list[PaymentMatch]:
        """The rows of an asked amount paid within `PAY_WITHIN` of the message."""
        found = []
        for r in self.rows:
            if _decimal(r.amount) not in amounts:
                continue
            data = self.fields.get(r.record_id, {})
            paid_at = _when(data, r.ts)
            if paid_at is None or not (asked_at - CLOCK_SKEW <= paid_at
                                       <= asked_at + PAY_WITHIN):
                continue
            found.append(PaymentMatch(
                message_id=message_id, asked=format(_decimal(r.amount), "f"),
                asked_at=asked_at, row_id=r.record_id, paid_at=paid_at, iban=r.to_address,
                holder=data.get("payee_name") or None, payer=data.get("payer_name") or None))
        return found


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)).normalize()
    except InvalidOperation:
        return None
