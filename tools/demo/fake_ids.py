"""Valid (and deliberately invalid) payment identifiers for generated evidence and tests."""

from __future__ import annotations

import hashlib
import random

import base58
import bech32ref
from eth_utils import to_checksum_address
from stdnum import luhn
from stdnum.iso7064 import mod_97_10

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def card(rng: random.Random, bin6: str = "440043") -> str:
    body = bin6 + "".join(rng.choice("0123456789") for _ in range(15 - len(bin6)))
    return body + luhn.calc_check_digit(body)


def bad_card(rng: random.Random) -> str:
    good = card(rng, rng.choice(["440043", "400303", "521324"]))
    return good[:-1] + str((int(good[-1]) + rng.randint(1, 9)) % 10)


def kz_iban(rng: random.Random, bank: str = "722") -> str:
    bban = bank + "".join(rng.choice("0123456789") for _ in range(13))
    if bank == "722" and rng.random() < 0.5:
        bban = bank + "S" + bban[4:]
    check = mod_97_10.calc_check_digits(bban + "KZ")
    return f"KZ{check}{bban}"


def bad_iban(rng: random.Random) -> str:
    good = kz_iban(rng, rng.choice(["722", "601"]))
    wrong = rng.choice([f"{i:02d}" for i in range(2, 99) if f"{i:02d}" != good[2:4]])
    return good[:2] + wrong + good[4:]


def kz_mobile(rng: random.Random) -> str:
    prefix = rng.choice(["700", "701", "702", "705", "707", "708", "747", "771", "775", "777"])
    return prefix + "".join(rng.choice("0123456789") for _ in range(7))


def tron(rng: random.Random) -> str:
    return base58.b58encode_check(b"\x41" + rng.randbytes(20)).decode()


def bad_tron(rng: random.Random) -> str:
    good = tron(rng)
    i = rng.randrange(5, 30)
    repl = rng.choice([c for c in B58 if c != good[i]])
    return good[:i] + repl + good[i + 1 :]


def btc_legacy(rng: random.Random) -> str:
    return base58.b58encode_check(b"\x00" + rng.randbytes(20)).decode()


def btc_bech32(rng: random.Random, taproot: bool = False) -> str:
    return bech32ref.encode("bc", 1 if taproot else 0, list(rng.randbytes(32 if taproot else 20)))


def eth(rng: random.Random) -> str:
    return to_checksum_address("0x" + rng.randbytes(20).hex())


def bad_eth(rng: random.Random) -> str:
    good = eth(rng)
    # Flip the case of one letter: EIP-55 then fails.
    letters = [i for i, c in enumerate(good) if i > 1 and c.isalpha()]
    i = rng.choice(letters)
    return good[:i] + good[i].swapcase() + good[i + 1 :]


def tx_hash(rng: random.Random, seed: str = "") -> str:
    return hashlib.sha256(rng.randbytes(16) + seed.encode()).hexdigest()
