"""Bank statements (CSV, XLSX) in the Kaspi, Halyk, Home Credit and VTB layouts or a mapping."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any

from stdnum import iban

from tools.errors import IngestError
from tools.identifiers import iin_is_valid
from tools.ingest.amounts import parse_amount
from tools.ingest.ids import short_hash
from tools.ingest.mappings import ColumnMapping, find_mapping
from tools.ingest.tabular import Row, cell_text, table_rows
from tools.items import Item, PaymentDetail, TransferRow

HEADER_SEARCH_ROWS = 30
# Rows read ahead to find whose statement it is when the title block does not say.
HOLDER_SAMPLE_ROWS = 200
_IBAN_IN_TITLE = re.compile(r"KZ\d{2}[0-9A-Z]{16}")
# "карта 4400 **** **** 0260", "Card: 4400-43XX-XXXX-0260": the statement's own card.
_CARD_IN_TITLE = re.compile(r"(?<!\d)(\d{4})[ -]?(?:\d{2}|[*xX•]{2})[*xX• -]{6,12}(\d{4})(?!\d)")


@dataclass(slots=True)
class Layout:
    """A mapping bound to the header actually found in the file."""

    mapping: ColumnMapping
    index: dict[str, int]

    def raw(self, row: list[Any], key: str) -> Any:
        column = self.mapping.columns.get(key)
        i = self.index.get(column) if isinstance(column, str) else None
        if i is None or i >= len(row):
            return self.mapping.constants.get(key, "")
        return row[i]

    def text(self, row: list[Any], key: str) -> str:
        return cell_text(self.raw(row, key))


def find_header(rows: Iterator[Row], name: str, mapping: ColumnMapping | None,
                fmt: str) -> tuple[Layout, list[Row]]:
    """Skip the title block; return the layout bound to the header, and the title rows."""
    title: list[Row] = []
    for _, row in rows:
        header = [cell_text(c) for c in row]
        found = find_mapping(header, mapping)
        if found is not None and found.format == fmt:
            index = {h: i for i, h in enumerate(header) if h}
            missing = [c for c in _column_names(found) if c not in index]
            if missing:
                raise IngestError(name, _, f"{found.name} header lacks: {', '.join(missing)}")
            return Layout(found, index), title
        title.append((_, row))
        if len(title) >= HEADER_SEARCH_ROWS:
            break
    raise IngestError(name, None, f"no known {fmt.replace('_', ' ')} header in the first "
                      f"{HEADER_SEARCH_ROWS} rows (give a column mapping with --mapping)")


def _column_names(mapping: ColumnMapping) -> list[str]:
    names: list[str] = []
    for v in mapping.columns.values():
        names.extend([v] if isinstance(v, str) else v)
    return names


def parse_date(value: Any, mapping: ColumnMapping) -> datetime | None:
    tz = _tz(mapping.utc_offset)
    if isinstance(value, datetime):
        return value.replace(tzinfo=tz) if value.tzinfo is None else value
    s = cell_text(value)
    if not s:
        return None
    for fmt in mapping.date_formats:
        try:
            return datetime.strptime(s, fmt).replace(tzinfo=tz)
        except ValueError:
            continue
    raise ValueError(f"unreadable date {s!r}")


def _tz(offset: str) -> timezone:
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = offset.lstrip("+-").split(":")
    return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))


def parse_bank_statement(path: Path, name: str, mapping: ColumnMapping | None = None
                         ) -> Iterator[Item]:
    """One `bank_row` record per operation, `bank:<holder account>/<row hash>`."""
    rows = table_rows(path, name)
    layout, title = find_header(rows, name, mapping, "bank_statement")
    holder = layout.mapping.account or _holder_from_title(title)
    card = _card_from_title(title)
    ahead: list[Row] = []
    if holder is None:
        for r in rows:
            ahead.append(r)
            if len(ahead) >= HOLDER_SAMPLE_ROWS:
                break
        holder = _holder_from_rows(ahead, layout)
    seen: Counter[str] = Counter()
    for loc, row in chain(ahead, rows):
        if not any(cell_text(c) for c in row):
            continue
        try:
            item = _row_item(loc, row, layout, holder, seen)
            if card:
                item.data["statement_card"] = card.display
                item.details.append(card)
            yield item
        except ValueError as exc:
            raise IngestError(name, loc, str(exc)) from exc


def _holder_from_title(title: list[Row]) -> str | None:
    for _, row in title:
        for c in row:
            m = _IBAN_IN_TITLE.search(cell_text(c).replace(" ", ""))
            if m:
                return m.group(0)
    return None


def _card_from_title(title: list[Row]) -> PaymentDetail | None:
    """The card a statement's title block names, masked as banks print it: kept as a
    `card_mask` account (first and last four digits) so a full card number finds it."""
    for _, row in title:
        for c in row:
            m = _CARD_IN_TITLE.search(cell_text(c))
            if m:
                value = f"{m[1]}********{m[2]}"
                return PaymentDetail("card_mask", value, f"{m[1]} **** **** {m[2]}",
                                     {"source": "statement title"})
    return None


def _holder_from_rows(rows: list[Row], layout: Layout) -> str | None:
    """The account on every row: payer of the outflows, payee of the inflows."""
    counts: Counter[str] = Counter()
    for _, row in rows:
        for key in ("payer_account", "payee_account"):
            if acc := layout.text(row, key):
                counts[acc] += 1
    return counts.most_common(1)[0][0] if counts else None


def _amount(row: list[Any], layout: Layout) -> tuple[Decimal, str | None]:
    """(absolute amount, 'in'/'out' where the columns themselves say)."""
    dec = layout.mapping.decimal
    if "credit" in layout.mapping.columns:
        credit, debit = layout.text(row, "credit"), layout.text(row, "debit")
        if credit and parse_amount(credit, dec) != 0:
            return abs(parse_amount(credit, dec)), "in"
        if debit:
            return abs(parse_amount(debit, dec)), "out"
        raise ValueError("neither a credit nor a debit amount")
    value = parse_amount(layout.text(row, "amount"), dec)
    return abs(value), ("out" if value < 0 else None)


def _row_item(loc: str, row: list[Any], layout: Layout, holder: str | None,
              seen: Counter[str]) -> Item:
    ts = parse_date(layout.raw(row, "date"), layout.mapping)
    amount, direction = _amount(row, layout)
    payer, payee = layout.text(row, "payer_account"), layout.text(row, "payee_account")
    if holder and payee == holder:
        direction = "in"
    elif holder and payer == holder:
        direction = "out"
    skip = ("date", "amount", "credit", "debit")
    fields = {k: layout.text(row, k) for k in layout.mapping.columns if k not in skip}
    digest = short_hash(*(cell_text(c) for c in row))
    seen[digest] += 1
    # Two identical rows are two operations; the occurrence number keeps their ids apart.
    suffix = digest if seen[digest] == 1 else f"{digest}-{seen[digest]}"
    currency = layout.text(row, "currency") or "KZT"
    rid = f"{statement_prefix(holder or 'unknown')}{suffix}"
    data = {**fields, **layout.mapping.constants, "bank": layout.mapping.name, "account": holder,
            "amount": str(amount), "currency": currency, "direction": direction,
            "date": ts.isoformat() if ts else None}
    sender = payer or layout.text(row, "payer_iin") or None
    receiver = payee or layout.text(row, "payee_iin") or None
    return Item(rid, "bank_row", loc, ts, data,
                transfer=TransferRow("bank", currency, sender, receiver, amount, ts, rid),
                details=_parties(layout, row))


@lru_cache(maxsize=8192)
def _iban_shown(account: str) -> str | None:
    """`account` in groups of four if it is a valid IBAN, else None; cached, as a statement
    names its owner's account on every row (validation was half of a statement's parsing)."""
    return iban.format(account) if iban.is_valid(account) else None


def _parties(layout: Layout, row: list[Any]) -> list[PaymentDetail]:
    """The row's accounts and ИИН/БИН, so that a lookup finds every statement row they are in."""
    found: list[PaymentDetail] = []
    for side in ("payer", "payee"):
        account = layout.text(row, f"{side}_account").replace(" ", "")
        if account and (shown := _iban_shown(account)) is not None:
            found.append(PaymentDetail("iban", account, shown, {"bank_code": account[4:7]}))
        iin = layout.text(row, f"{side}_iin")
        if iin and iin_is_valid(iin):
            found.append(PaymentDetail("iin", iin, iin, {"name": layout.text(row, f"{side}_name")}))
    return found


def statement_prefix(iban: str) -> str:
    """Ids of the rows of `iban`'s own statement start with this. A payment between two
    accounts whose statements are both in the case is a row in each: count it from the one."""
    return f"bank:{iban}/"
