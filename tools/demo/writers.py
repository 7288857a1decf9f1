"""Writing the demo case in the real formats: TronGrid pages, Telegram export, statements, tags."""

from __future__ import annotations

import csv
import json
import random
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook

from tools.demo.marks import ABOUT_FIRST_LINE

if TYPE_CHECKING:
    from tools.demo.generate import Dropper, Transfer

USDT_INFO = {"symbol": "USDT", "address": "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "decimals": 6,
             "name": "Tether USD"}
PAGE_SIZE = 200  # TronGrid's largest page

KASPI_COLUMNS = [
    "Дата и время операции", "Валюта операции", "Виды операции (категория документа)", "Сумма",
    "Наименование/ФИО плательщика", "ИИН/БИН плательщика", "Резидентство плательщика",
    "Банк плательщика", "Номер счета плательщика", "Наименование/ФИО получателя",
    "ИИН/БИН получателя", "Резидентство получателя", "Банк получателя", "Номер счета получателя",
    "Код назначения платежа", "Назначение платежа",
]
HALYK_COLUMNS = [
    "Дата и время операции", "Валюта операции", "Виды операции (категория документа)",
    "Наименование СДП (при наличии)", "Сумма в валюте ее проведения по кредиту",
    "Сумма в валюте ее проведения по дебету", "Сумма в тенге", "Наименование/ФИО плательщика",
    "ИИН/БИН плательщика", "Резидентство плательщика", "Банк плательщика",
    "Номер счета плательщика", "Наименование/ФИО получателя", "ИИН/БИН получателя",
    "Резидентство получателя", "Банк получателя", "Номер счета получателя",
    "Код назначения платежа", "Назначение платежа",
]


@dataclass(slots=True)
class Chat:
    name: str
    type: str
    id: int
    messages: list[dict[str, Any]] = field(default_factory=list)

    def say(self, when: datetime, sender: str, sender_id: str, text: str) -> int:
        """Append a message as Telegram Desktop exports it; returns its id."""
        msg_id = len(self.messages) + 1
        self.messages.append({
            # Telegram Desktop writes the exporter's local time (Kazakhstan, UTC+5) and Unix time.
            "id": msg_id, "type": "message",
            "date": (when + timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%S"),
            "date_unixtime": str(int(when.timestamp())), "from": sender, "from_id": sender_id,
            "text": text, "text_entities": [{"type": "plain", "text": text}],
        })
        return msg_id


@dataclass(slots=True)
class TelegramExport:
    """The buyer account's full export (Settings → Advanced → Export Telegram data, JSON)."""

    chats: list[Chat] = field(default_factory=list)

    def chat(self, name: str, kind: str, chat_id: int) -> Chat:
        self.chats.append(Chat(name, kind, chat_id))
        return self.chats[-1]

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        export = {
            "about": "Here is the data you requested. Remember: Telegram is ad free, it doesn't "
                     "sell your data, and it doesn't use it to show you ads.",
            "personal_information": {"user_id": 5550001, "first_name": "Покупатель",
                                     "last_name": "", "phone_number": "+7 700 555 0001",
                                     "username": "@buyer_5550001", "bio": ""},
            "chats": {"about": "This page lists all chats from this export.",
                      "list": [{"name": c.name, "type": c.type, "id": c.id,
                                "messages": c.messages} for c in self.chats]},
        }
        with path.open("w", encoding="utf-8") as fh:
            json.dump(export, fh, ensure_ascii=False, indent=1)


def write_trongrid_pages(folder: Path, transfers: Iterable[Transfer]) -> int:
    """Each sender's outgoing USDT as `/v1/accounts/{a}/transactions/trc20?only_from=true` pages."""
    folder.mkdir(parents=True, exist_ok=True)
    by_sender: dict[str, list[Transfer]] = defaultdict(list)
    for t in transfers:
        by_sender[t.frm].append(t)
    pages = 0
    for address in sorted(by_sender):
        history = sorted(by_sender[address], key=lambda t: (-t.ts, t.txid))  # newest first
        for n, start in enumerate(range(0, len(history), PAGE_SIZE)):
            chunk = history[start : start + PAGE_SIZE]
            meta: dict[str, Any] = {"at": chunk[0].ts + 60_000, "page_size": len(chunk)}
            if start + PAGE_SIZE < len(history):
                meta["fingerprint"] = chunk[-1].txid[:32]
                meta["links"] = {"next": f"https://api.trongrid.io/v1/accounts/{address}/"
                                         f"transactions/trc20?only_from=true&limit=200"
                                         f"&fingerprint={chunk[-1].txid[:32]}"}
            body = {"data": [{
                "transaction_id": t.txid, "token_info": USDT_INFO, "block_timestamp": t.ts,
                "from": t.frm, "to": t.to, "type": "Transfer", "value": str(t.amount),
            } for t in chunk], "success": True, "meta": meta}
            (folder / f"{address}_{n + 1:03d}.json").write_text(json.dumps(body, indent=1))
            pages += 1
    return pages


def write_bank_statement(folder: Path, d: Dropper, rng: random.Random) -> tuple[str, int]:
    """The dropper's statement as its bank sends it to investigators; (file name, rows)."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = sorted(d.received + d.sent, key=lambda x: x[0])
    if d.bank == "Kaspi Bank":
        name = f"kaspi_{d.iban}.xlsx"
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Выписка")
        for line in ["АО «Kaspi Bank»", "БИК CASPKZKA", "", f"Выписка по счету {d.iban}",
                     f"Владелец: {d.name}", f"ИИН {d.iin}", "Период: 06.01.2025 - 17.03.2025",
                     "Валюта счета: KZT", "", ""]:
            ws.append([line])
        ws.append(KASPI_COLUMNS)
        for when, amount, party in rows:
            payer, payee = _parties(d, party, rng, amount > 0)
            ws.append([_local(when), "KZT", "Перевод", f"{amount:.2f}".replace(".", ","),
                       *payer, *payee, "119" if party[0] != "p2p" else "342",
                       _purpose(party, amount)])
        wb.save(folder / name)
        _freeze_xlsx(folder / name)
    else:
        name = f"halyk_{d.iban}.csv"
        with (folder / name).open("w", encoding="cp1251", newline="") as fh:
            w = csv.writer(fh, delimiter=";")
            for line in ["АО «Народный Банк Казахстана»", f"Выписка по счету {d.iban}",
                         f"Клиент: {d.name}", "", "", "", "", "", ""]:
                w.writerow([line])
            w.writerow(HALYK_COLUMNS)
            for when, amount, party in rows:
                payer, payee = _parties(d, party, rng, amount > 0)
                money = f"{abs(amount):.2f}".replace(".", ",")
                w.writerow([_local(when), "KZT", "Перевод", "",
                            money if amount > 0 else "0,00", "" if amount > 0 else money, money,
                            *payer, *payee, "119" if party[0] != "p2p" else "342",
                            _purpose(party, amount)])
    return name, len(rows)


_XLSX_TIME = (2025, 3, 20, 12, 0, 0)
_CORE_TIMES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _freeze_xlsx(path: Path) -> None:
    """Fixed zip entry times and document dates: the same seed gives the same bytes."""
    with zipfile.ZipFile(path) as src:
        entries = [(info.filename, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for filename, data in entries:
            if filename == "docProps/core.xml":
                data = _CORE_TIMES.sub(rb"\g<1>2025-03-20T12:00:00Z\g<2>", data)
            dst.writestr(zipfile.ZipInfo(filename, _XLSX_TIME), data,
                         compress_type=zipfile.ZIP_DEFLATED)


def _local(when: datetime) -> str:
    return (when + timedelta(hours=5)).strftime("%d.%m.%Y %H:%M:%S")


def _parties(d: Dropper, party: tuple[str, str, str], rng: random.Random, incoming: bool
             ) -> tuple[list[str], list[str]]:
    kind, other_name, other_account = party
    other_bank = "АО Kaspi Bank" if other_account[4:7] == "722" else "АО Народный Банк"
    holder = [d.name, d.iin, "Резидент", f"АО {d.bank}", d.iban or ""]
    other = [other_name, "", "Резидент", other_bank, other_account]
    return (other, holder) if incoming else (holder, other)


def _purpose(party: tuple[str, str, str], amount: float) -> str:
    if party[0] == "p2p":
        return "Перевод по номеру телефона"
    return "Перевод с карты на карту" if amount > 0 else "Перевод клиенту Kaspi"


def write_tagpack(path: Path, hot_wallets: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["title: Exchange wallets seen in the demo case", "creator: Tergeu demo generator",
             "description: Hot wallets of the exchanges drug money was cashed out at",
             "lastmod: 2025-03-20", "category: exchange", "confidence: service_data",
             "is_public: true", "network: TRX", "currency: USDT", "tags:"]
    for address, label in hot_wallets.items():
        lines += [f"  - address: {address}", f"    label: {label}",
                  "    source: https://tronscan.org/#/address/" + address]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_about(path: Path, seed: int, scale: str) -> None:
    path.write_text(
        ABOUT_FIRST_LINE.format(scale=scale, seed=seed) + "\n"
        "telegram/  the undercover buyer's Telegram Desktop export (shop bots and channels)\n"
        "bank/      dropper accounts' statements (Kaspi XLSX, Halyk CSV)\n"
        "tron/      TronGrid TRC-20 pages of every sending address\n"
        "tags/      GraphSense TagPack of exchange hot wallets\n"
        "truth.json what an investigation should find\n", encoding="utf-8")
