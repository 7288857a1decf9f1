"""Turning what a prosecutor pastes (a wallet, or a dropper's card or phone) into start wallets."""

from __future__ import annotations

from dataclasses import dataclass

from tools.payments import extract_payment_details
from tools.store import CaseStore
from tools.store.sightings import wallets_of_the_same_shops

WALLET_KINDS = ("tron", "btc", "eth")


@dataclass(frozen=True, slots=True)
class StartWallets:
    given: str
    wallets: list[str]
    via_shops: list[str]  # empty when `given` is itself a wallet


def linked_wallets(store: CaseStore, case: str, identifier: str) -> StartWallets:
    """A wallet stays itself; a card, phone or IBAN leads to the wallets of the shops that
    handed it out (the money paid to a dropper ends up in those shops' wallets)."""
    details = extract_payment_details(identifier)
    if not details:
        return StartWallets(identifier, [identifier], [])
    detail = details[0]
    if detail.kind in WALLET_KINDS:
        return StartWallets(identifier, [detail.value], [])
    wallets, shops = wallets_of_account(store, case, detail.account_id)
    return StartWallets(identifier, wallets, shops)


def start_wallets(store: CaseStore, case: str, given: list[str]) -> list[str]:
    """All start wallets for what was given (wallets as they are, cards via their shops)."""
    return [w for g in given for w in linked_wallets(store, case, g).wallets]


def wallets_of_account(store: CaseStore, case: str, account_id: str
                       ) -> tuple[list[str], list[str]]:
    """(wallets, shops): the wallets handed out by the shops that handed out `account_id`."""
    with store.engine.connect() as conn:
        return wallets_of_the_same_shops(conn, case, account_id, WALLET_KINDS)
