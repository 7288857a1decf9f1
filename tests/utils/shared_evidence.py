"""Evidence of one case that names another case's identifiers, each spelled differently, for
deconfliction tests and the bench: a market listings file in the real JSONL shape."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tools.demo.truth import Truth


@dataclass(frozen=True)
class Shared:
    card: str
    phone: str
    iban: str
    beneficiary: str
    bot: str
    masked: str = ""  # a masked card of the other case: must match nothing


def _spaced_card(card: str) -> str:
    return " ".join(card[i:i + 4] for i in range(0, len(card), 4))


def _eight_phone(phone: str) -> str:
    """+77071234567 as people write it at home: 8 (707) 123-45-67."""
    d = phone.removeprefix("+7")
    return f"8 ({d[:3]}) {d[3:6]}-{d[6:8]}-{d[8:]}"


def _spaced_iban(iban: str) -> str:
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4)).lower()


def shared_identifiers(truth: Truth) -> Shared:
    """A card, phone and IBAN a shop of `truth` handed out, a beneficiary wallet and a shop
    bot, and a masked card (same first and last four) of another card it handed out."""
    handed: dict[str, list[str]] = {}
    for pairs in truth.messages.values():
        for kind, value in pairs:
            handed.setdefault(kind, []).append(value)
    card, other = handed["card"][0], next(c for c in handed["card"] if c != handed["card"][0])
    # Some seeds' shops hand out no phone or IBAN: those are left out ("").
    return Shared(card=card, phone=handed.get("phone", [""])[0],
                  iban=handed.get("iban", [""])[0],
                  beneficiary=truth.beneficiaries[0].address, bot=truth.shops[0].bot,
                  masked=f"{other[:6]}** **** {other[-4:]}")


def write_shared_listings(path: Path, shared: Shared) -> Path:
    """Listings naming the shared identifiers in other spellings (spaced card, 8 (7xx) phone,
    spaced lower-case IBAN, @Bot in capitals), and the masked card."""
    call = f", звонить {_eight_phone(shared.phone)}" if shared.phone else ""
    texts = [
        f"Оплата на карту {_spaced_card(shared.card)}{call}",
        f"Опт только на счёт {_spaced_iban(shared.iban)}" if shared.iban else "Опт — в боте",
        f"USDT TRC20 {shared.beneficiary}, заказ через @{shared.bot.upper()}",
        f"Старая карта {shared.masked} больше не работает",
    ]
    rows = [{"id": f"S{n}", "title": "Меф VHQ", "text": t, "price": "25000", "currency": "KZT",
             "city": "Алматы", "vendor": "SharedVendor", "date": f"2025-04-0{n}",
             "category": "stimulants"} for n, t in enumerate(texts, 1)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                    encoding="utf-8")
    return path
