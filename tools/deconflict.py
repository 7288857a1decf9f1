"""Deconfliction: which identifiers of a case other cases hold too, and how many records name them.

The engine knows cases, not people: it says "card 4400… is also in case B, 3 records" and
nothing of B's evidence; who may see more, and whom to contact, is the assistant's business
(`assistant/services/deconflict.py`). Identifiers are compared in the normalised form of
`tools.identifiers` (any spelling of a card, phone, IBAN or wallet finds the same one); a
masked card matches nothing, here or elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, Field

from tools.identifiers import parse_identifier
from tools.store import CaseStore
from tools.store.identifiers import (
    INDEXED_KINDS,
    cases_holding,
    records_naming,
    shared_with_any,
)

MAX_RECORDS_SHOWN = 20


class OtherCase(BaseModel):
    case: str = Field(description="Another case holding the identifier")
    records: int = Field(description="How many of that case's records name it")


class SharedIdentifier(BaseModel):
    id: str = Field(description="`kind:value`, normalised")
    kind: str
    value: str
    records: int = Field(description="How many records of this case name it")
    others: list[OtherCase]


def identifier_id(text: str) -> str | None:
    """The normalised id (`kind:value`) of what `text` writes, or None when it is not a valid
    identifier that cases are compared on (a masked card, a typo, a name)."""
    ident = parse_identifier(text)
    if ident.error or ident.kind not in INDEXED_KINDS:
        return None
    return ident.account_id


def _grouped(rows: Iterable[tuple[str, str, int, str, int]]) -> list[SharedIdentifier]:
    shared: dict[str, SharedIdentifier] = {}
    for ident, kind, here, other, there in rows:
        entry = shared.setdefault(ident, SharedIdentifier(
            id=ident, kind=kind, value=ident.split(":", 1)[1], records=here, others=[]))
        entry.others.append(OtherCase(case=other, records=there))
    return list(shared.values())


def shared_identifiers(store: CaseStore, case: str, identifiers: Iterable[str]
                       ) -> list[SharedIdentifier]:
    """Those of `identifiers` (ids `kind:value`, or as written) that `case` holds and another
    case holds too. One that `case` does not hold is never looked for elsewhere: a user of
    the case cannot probe other cases with numbers of their choosing."""
    ids = {i if ":" in i and i.split(":", 1)[0] in INDEXED_KINDS else identifier_id(i)
           for i in identifiers}
    with store.engine.connect() as conn:
        return _grouped(cases_holding(conn, (i for i in ids if i), case))


def case_shared_identifiers(store: CaseStore, case: str) -> list[SharedIdentifier]:
    """Every identifier of `case` that another case holds too, by id."""
    with store.engine.connect() as conn:
        return _grouped(shared_with_any(conn, case))


def records_in_cases(store: CaseStore, wanted: Iterable[tuple[str, str]],
                     limit: int = MAX_RECORDS_SHOWN) -> dict[tuple[str, str], list[str]]:
    """(case, identifier) → ids of that case's records naming it, for each pair of `wanted`
    (cases someone may see), read over one connection."""
    with store.engine.connect() as conn:
        return {(case, ident): records_naming(conn, case, ident, limit)
                for case, ident in dict.fromkeys(wanted)}
