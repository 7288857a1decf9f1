"""Account lookup: everything the case knows about a card, IBAN, phone, wallet, bot or ИИН."""

from __future__ import annotations

from tools.identifiers import parse_identifier
from tools.lookup import LookupResult, lookup_account
from tools.store import CaseStore
from tools.trace import load_case_graph


def lookup(store: CaseStore, case: str, identifier: str) -> LookupResult:
    """The account's profile; `result.error` says why an identifier is not valid (the money
    graph is loaded only for a valid one, to trace a wallet's money)."""
    ident = parse_identifier(identifier)
    graph = load_case_graph(store, case) if ident.kind != "unknown" and not ident.error else None
    return lookup_account(store, case, identifier, graph)
