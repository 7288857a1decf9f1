"""Tokens are their contracts: keys for tracing, labels for people, look-alike addresses.

Anyone can deploy a contract named "USDT" and send its tokens to a case's addresses; fake
stablecoins and address poisoning (zero-value or dust transfers from an address with the same
leading and trailing characters as a real counterparty) are common on TRON. So a transfer is
keyed on its token contract, never on the symbol the contract chose for itself:

- a known contract (Tether's USDT on TRON or Ethereum, …) keys as its symbol: `USDT`;
- a native coin keys as itself: `TRX`, `ETH`, `BTC`;
- any other contract keys as `<symbol>@<contract>`, and is shown as what it is:
  "USDT-named token, contract T…, not Tether" when it borrows a known symbol.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from tools.limits import MAX_SYMBOL_CHARS


@dataclass(frozen=True, slots=True)
class KnownToken:
    symbol: str
    issuer: str
    decimals: int


# (chain, contract) of tokens whose symbol is taken as their own. Ethereum contracts lower-case.
KNOWN_TOKENS: dict[tuple[str, str], KnownToken] = {
    ("tron", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"): KnownToken("USDT", "Tether", 6),
    ("tron", "TEkxiTehnzSmSe2XqrBj4w32RUN966rdz8"): KnownToken("USDC", "Circle", 6),
    ("eth", "0xdac17f958d2ee523a2206206994597c13d831ec7"): KnownToken("USDT", "Tether", 6),
    ("eth", "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48"): KnownToken("USDC", "Circle", 6),
}
NATIVE = {"tron": "TRX", "eth": "ETH", "btc": "BTC"}
# Symbols a contract of someone else borrows to pass as the real thing, and whose they are.
PROTECTED = {t.symbol: t.issuer for t in KNOWN_TOKENS.values()} | {
    "TRX": "TRON's native coin", "ETH": "Ether", "BTC": "Bitcoin", "WBTC": "Wrapped Bitcoin",
    "WETH": "Wrapped Ether", "USDD": "TRON DAO", "TUSD": "TrueUSD", "DAI": "MakerDAO",
}

_CONTRACT = {"tron": re.compile(r"T[1-9A-HJ-NP-Za-km-z]{33}"), "eth": re.compile(r"0x[0-9a-f]{40}")}
# Letters of other scripts drawn like Latin capitals: 'UЅDТ' is read as the 'USDT' it imitates.
_LATIN_LOOKALIKES = str.maketrans("АВСЕНІЈКМОРЅТХУԁаеорсху", "ABCEHIJKMOPSTXYdaeopcxy")


def clean_symbol(symbol: object) -> str:
    """A symbol as stored and shown: printable, without '@', at most `MAX_SYMBOL_CHARS`."""
    text = symbol if isinstance(symbol, str) else ""
    text = "".join(c for c in text if unicodedata.category(c)[0] not in "CZ" and c != "@")
    return text[:MAX_SYMBOL_CHARS]


def imitated_symbol(symbol: str) -> str | None:
    """The protected symbol `symbol` reads as ('UЅDT', 'usdt ' → 'USDT'), if any."""
    skeleton = unicodedata.normalize("NFKC", symbol).translate(_LATIN_LOOKALIKES)
    skeleton = "".join(c for c in skeleton if c.isalnum()).upper()
    return skeleton if skeleton in PROTECTED else None


def valid_contract(chain: str, contract: object) -> bool:
    """Whether `contract` has the shape of an account address of `chain` (tron, eth)."""
    pattern = _CONTRACT.get(chain)
    return isinstance(contract, str) and pattern is not None and (
        pattern.fullmatch(contract) is not None)


def token_key(chain: str, symbol: object, contract: str | None) -> str:
    """The key transfers are traced by: a known token's symbol, else `symbol@contract`.

    Raises ValueError for a contract that is not an address of `chain`.
    """
    if contract is None:
        return NATIVE[chain]
    if chain == "eth":
        contract = contract.lower()
    if not valid_contract(chain, contract):
        raise ValueError(f"not a token contract on {chain}: {contract[:50]!r}")
    known = KNOWN_TOKENS.get((chain, contract))
    return known.symbol if known else f"{clean_symbol(symbol)}@{contract}"


def token_label(key: str) -> str:
    """How a token key is shown: 'USDT', or 'USDT-named token, contract T…, not Tether'."""
    if "@" not in key:
        return key
    symbol, contract = key.rsplit("@", 1)
    if (real := imitated_symbol(symbol)) is not None:
        return f"{real}-named token, contract {contract}, not {PROTECTED[real]}"
    return f"{symbol or 'unnamed'} token, contract {contract}"


@lru_cache(maxsize=4096)
def token_identity(chain: str, symbol: str, contract: str) -> tuple[str, str, str | None]:
    """(clean symbol, key, imitation note) of a contract token; cached: a page holds a few
    tokens thousands of times. Raises ValueError for a contract of the wrong shape."""
    clean = clean_symbol(symbol)
    return clean, token_key(chain, clean, contract), imitation_note(chain, clean, contract)


def imitation_note(chain: str, symbol: object, contract: str | None) -> str | None:
    """The label of a contract that borrows a protected symbol, for the transfer's record."""
    if contract is None:
        return None
    key = token_key(chain, symbol, contract)
    return token_label(key) if "@" in key and imitated_symbol(key.rsplit("@", 1)[0]) else None


# --- address poisoning ---------------------------------------------------------------------------
# Characters compared at each end of an address (after a chain's fixed prefix) to call two
# addresses look-alikes: what wallets show of an address, and what poisoners match.
LOOKALIKE_HEAD = 4
LOOKALIKE_TAIL = 4
# What every address of a kind starts with, so not part of what tells two addresses apart.
_FIXED_PREFIXES = ("0x", "bc1q", "bc1p", "bc1", "T", "1", "3")
# Transfers at or below this many tokens from a look-alike are probable poisoning (a key not
# listed uses DEFAULT_POISON_DUST).
POISON_DUST = {"BTC": "0.0001", "ETH": "0.001"}
DEFAULT_POISON_DUST = "1"


def lookalike_key(address: str) -> tuple[str, str] | None:
    """(head, tail) two look-alike addresses share; None for what is not a chain address."""
    body = address.lower() if address.startswith("0x") else address
    body = body[next((len(p) for p in _FIXED_PREFIXES if body.startswith(p)), 0):]
    if len(body) < 2 * (LOOKALIKE_HEAD + LOOKALIKE_TAIL):
        return None
    return body[:LOOKALIKE_HEAD], body[-LOOKALIKE_TAIL:]
