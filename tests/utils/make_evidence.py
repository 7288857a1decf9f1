"""Writes the small real-format evidence fixtures in tests/data/evidence/ (deterministic).

Run `python -m tests.utils.make_evidence` to regenerate. Layouts follow
tests/data/samples/13_kz_bank_statement_column_layouts.txt and Telegram Desktop's export.
"""

from __future__ import annotations

import csv
import json
import random
from datetime import datetime, timedelta
from pathlib import Path

from openpyxl import Workbook

from tools.demo import fake_ids as f

OUT = Path(__file__).parents[1] / "data" / "evidence"
MAPPING_OUT = Path(__file__).parents[1] / "data" / "mapping"
SAMPLES = Path(__file__).parents[1] / "data" / "samples"


def _layout(name: str) -> list[str]:
    text = (SAMPLES / "13_kz_bank_statement_column_layouts.txt").read_text(encoding="utf-8")
    block = text.split(f"expected_columns_{name} = [", 1)[1].split("]", 1)[0]
    return [c.strip().strip("'") for c in block.replace("\n", " ").split("',") if c.strip()]


HOLDER = "KZ45722S000054326792"
START = datetime(2025, 3, 1, 9, 15, 0)


def _rows(rng: random.Random, n: int) -> list[dict[str, object]]:
    rows = []
    for i in range(n):
        t = START + timedelta(hours=5 * i, minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))
        incoming = i % 4 != 3
        other = f.kz_iban(rng, rng.choice(["722", "601"]))
        amount = rng.choice([8000, 12500, 15000, 22000, 45000]) if incoming else 180000 + i
        rows.append({
            "date": t, "amount": amount, "incoming": incoming, "other": other,
            "other_name": rng.choice(["Иванов И.", "Сейткали А.", "Ким О.", "ТОО Ромашка"]),
            "other_iin": f"{rng.randint(80, 99)}0{rng.randint(1, 3)}{rng.randint(10, 28)}"
                         f"{rng.randint(100000, 999999)}",
        })
    return rows


def _kz_row(layout: list[str], r: dict[str, object], money: dict[str, str]) -> list[str]:
    payer = ("Сейткали А.", r["other_iin"], r["other"]) if r["incoming"] else \
        ("Нурланов Б.", "950101300123", HOLDER)
    payee = ("Нурланов Б.", "950101300123", HOLDER) if r["incoming"] else \
        (r["other_name"], r["other_iin"], r["other"])
    values = {
        "Дата и время операции": r["date"].strftime("%d.%m.%Y %H:%M:%S"),  # type: ignore[union-attr]
        "Валюта операции": "KZT",
        "Виды операции (категория документа)": "Перевод",
        "Вид операции (КД)": "Перевод",
        "Наименование СДП (при наличии)": "",
        "Наименование/ФИО плательщика": payer[0], "ИИН/БИН плательщика": payer[1],
        "Резидентство плательщика": "Резидент", "Резиденство плательщика": "Резидент",
        "Банк плательщика": "АО Kaspi Bank", "Номер счета плательщика": payer[2],
        "Наименование/ФИО получателя": payee[0], "ИИН/БИН получателя": payee[1],
        "Резидентство получателя": "Резидент", "Резиденство получателя": "Резидент",
        "Банк получателя": "АО Kaspi Bank", "Номер счета получателя": payee[2],
        "Код назначения платежа": "119", "Код назначение платежа (КНП)": "119",
        "Назначение платежа": "Перевод с карты на карту",
        **money,
    }
    return [str(values[c]) for c in layout]


def _money(r: dict[str, object]) -> str:
    return f"{r['amount']:,}".replace(",", " ") + ",00"


def write_kaspi_xlsx(rng: random.Random) -> None:
    layout = _layout("kaspi")
    wb = Workbook()
    ws = wb.active
    ws.title = "Выписка"
    title = ["АО «Kaspi Bank»", "БИК CASPKZKA", "", f"Выписка по счету {HOLDER}",
             "Владелец: Нурланов Б.", "ИИН 950101300123", "Период: 01.03.2025 - 31.03.2025",
             "Валюта счета: KZT", "", ""]
    for line in title:
        ws.append([line])
    ws.append(layout)
    for r in _rows(rng, 12):
        sign = "" if r["incoming"] else "-"
        row = _kz_row(layout, r, {"Сумма": sign + _money(r)})
        row[0] = r["date"]  # a real date cell, as Excel writes it
        ws.append(row)
    wb.save(OUT / "kaspi_statement.xlsx")


def write_halyk_csv(rng: random.Random) -> None:
    layout = _layout("halyk")
    holder = "KZ676018861000638261"
    with (OUT / "halyk_statement.csv").open("w", encoding="cp1251", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        for line in ["АО «Народный Банк Казахстана»", f"Выписка по счету {holder}", "", "",
                     "", "", "", "", ""]:
            w.writerow([line])
        w.writerow(layout)
        for r in _rows(rng, 10):
            money = {
                "Сумма в валюте ее проведения по кредиту": _money(r) if r["incoming"] else "0,00",
                "Сумма в валюте ее проведения по дебету": "" if r["incoming"] else _money(r),
                "Сумма в тенге": _money(r),
            }
            row = _kz_row(layout, r, money)
            w.writerow([c.replace(HOLDER, holder) for c in row])


def write_home_csv(rng: random.Random) -> None:
    layout = _layout("home")
    with (OUT / "home_credit_statement.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(layout)
        for r in _rows(rng, 8):
            amount = f"{r['amount']}.00"
            w.writerow(_kz_row(layout, r, {"Сумма в валюте ее проведения": amount,
                                           "Сумма в тенге": amount}))


def write_vtb_xlsx(rng: random.Random) -> None:
    layout = _layout("vtb")
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(layout)
    for r in _rows(rng, 8):
        ws.append(_kz_row(layout, r, {"Сумма (вал.)": _money(r), "Сумма (тенге)": _money(r)}))
    wb.save(OUT / "vtb_statement.xlsx")


def _msg(i: int, t: datetime, sender: str, sender_id: str, text: object, **extra: object
         ) -> dict[str, object]:
    entities = ([{"type": "plain", "text": text}] if isinstance(text, str) else
                [p if isinstance(p, dict) else {"type": "plain", "text": p} for p in text])  # type: ignore[union-attr]
    return {"id": i, "type": "message", "date": t.strftime("%Y-%m-%dT%H:%M:%S"),
            "date_unixtime": str(int((t - timedelta(hours=5)).timestamp())),
            "from": sender, "from_id": sender_id, "text": text, "text_entities": entities, **extra}


def write_telegram_export(rng: random.Random) -> None:
    t = datetime(2025, 3, 2, 20, 0, 0)
    card1, card2 = f.card(rng), f.card(rng)
    phone = f.kz_mobile(rng)
    wallet = f.tron(rng)
    bot = [
        _msg(1, t, "Анонимный покупатель", "user700100", "/start"),
        _msg(2, t + timedelta(seconds=5), "Меф Алматы Shop", "user900900",
             "🛒 Меню:\n1. Меф кристалл 1г — 25 000 ₸\n2. Шишки 1г — 15 000 ₸\nВыберите город"),
        _msg(3, t + timedelta(minutes=1), "Анонимный покупатель", "user700100", "Алматы, меф 1г"),
        _msg(4, t + timedelta(minutes=2), "Меф Алматы Shop", "user900900",
             ["✅ Заказ №", {"type": "bold", "text": "48213"},
              f"\n💳 Оплата на карту Kaspi Gold: {' '.join(card1[i:i+4] for i in range(0, 16, 4))}"
              f"\nили Kaspi перевод +7 {phone[:3]} {phone[3:6]} {phone[6:8]} {phone[8:]}"]),
        {"id": 5, "type": "service", "date": (t + timedelta(minutes=3)).strftime(
            "%Y-%m-%dT%H:%M:%S"), "date_unixtime": str(int(t.timestamp())), "actor": "Меф Алматы Shop",
         "actor_id": "user900900", "action": "pin_message", "message_id": 4, "text": "",
         "text_entities": []},
        _msg(6, t + timedelta(days=1), "Меф Алматы Shop", "user900900",
             f"⚠️ Карта сменилась! Новая: {card2}. USDT TRC20: {wallet}"),
        _msg(7, t + timedelta(days=1, minutes=1), "Анонимный покупатель", "user700100",
             "ок, оплатил", forwarded_from="Меф Алматы Shop"),
    ]
    channel = [
        _msg(101, t, "KZ Кристалл Канал", "channel1900000001",
             ["🔥 Альфа, меф, шишки — Астана, Караганда\nЗаказ только через бота ",
              {"type": "mention", "text": "@KristallShop_bot"}]),
        _msg(102, t + timedelta(hours=3), "KZ Кристалл Канал", "channel1900000001",
             "💰 Работа курьером (кладмен) от 300 000 ₸ в неделю, пиши @KristallJob_bot"),
        _msg(103, t + timedelta(hours=5), "KZ Кристалл Канал", "channel1900000001",
             "Сегодня скидка 10% на все позиции 🎉", photo="(File not included. Change data "
             "exporting settings to download.)", width=800, height=600),
    ]
    personal = [
        _msg(1, t, "Айгуль", "user555", "сәлем, қалайсың?"),
        _msg(2, t + timedelta(minutes=1), "Анонимный покупатель", "user700100",
             "жақсы, кешке хабарласам"),
    ]
    export = {
        "about": "Here is the data you requested. Remember: Telegram is ad free...",
        "personal_information": {"user_id": 700100, "first_name": "Анонимный",
                                 "last_name": "покупатель", "phone_number": "+7 700 000 0000"},
        "chats": {"about": "This page lists all chats from this export.", "list": [
            {"name": "Меф Алматы Shop", "type": "bot_chat", "id": 900900, "messages": bot},
            {"name": "KZ Кристалл Канал", "type": "public_channel", "id": 1900000001,
             "messages": channel},
            {"name": "Айгуль", "type": "personal_chat", "id": 555, "messages": personal},
        ]},
    }
    (OUT / "telegram_full_export.json").write_text(
        json.dumps(export, ensure_ascii=False, indent=1), encoding="utf-8")


def write_tagpack() -> None:
    (OUT / "tagpack_exchanges.yaml").write_text(
        """title: Kazakhstan case exchange deposit and hot wallets
creator: Tergeu analysts
description: Attribution of exchange wallets seen in the aurora case
lastmod: 2025-03-20
category: exchange
confidence: ownership
is_public: false
network: TRX
currency: USDT
tags:
  - address: TXVj38D1XR3TPgSHTCZGC8wkLDAGqF1oqx
    label: Exchange hot wallet A
    source: https://example.org/exchange-a-proof-of-reserves
  - address: TL24LCps5FKwp3PoU1MvrYrwhi5LU1tHre
    label: Deposit address at exchange A
    category: exchange
    source: court order 2025-118, exchange A reply
    context: '{"deposit_of": "TXVj38D1XR3TPgSHTCZGC8wkLDAGqF1oqx"}'
  - address: 1FLC7Bag7okAkKPCyZbgZZg3Hh1EuGZ5Rd
    network: BTC
    currency: BTC
    label: OTC desk Almaty
    category: otc_broker
    source: undercover purchase 2025-02
""", encoding="utf-8")


def write_listings_jsonl(rng: random.Random) -> None:
    rows = [
        {"id": "L1", "title": "Меф кристалл VHQ", "text": f"Алматы, клад. Оплата {f.card(rng)}",
         "price": "25000", "currency": "KZT", "city": "Алматы", "vendor": "MefAlmaty",
         "date": "2025-03-01", "category": "stimulants"},
        {"id": "L2", "title": "Доставка пиццы — нужны курьеры", "text": "Работа курьером на авто",
         "price": "", "currency": "KZT", "city": "Астана", "vendor": "PizzaKZ",
         "date": "2025-03-02", "category": "jobs"},
        {"id": "L3", "title": "Шишки", "text": f"Шымкент. USDT TRC20 {f.tron(rng)}",
         "price": "15 000", "currency": "KZT", "city": "Шымкент", "vendor": "Green",
         "date": "2025-03-03", "category": "cannabis"},
    ]
    with (OUT / "listings.jsonl").open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_custom_bank() -> None:
    (MAPPING_OUT / "other_bank_statement.csv").write_text(
        "Operation date,Amount,Currency,Sender account,Receiver account,Details\n"
        f"2025-03-05 10:00:00,-150000.00,KZT,{HOLDER},KZ86125KZT5004100100,P2P USDT\n"
        f"2025-03-05 12:30:00,20000.00,KZT,KZ676018861000638261,{HOLDER},перевод\n",
        encoding="utf-8")
    (MAPPING_OUT / "other_bank_mapping.yaml").write_text(
        """# Column mapping for a bank whose statements Tergeu does not know (docs/mappings.md).
format: bank_statement
name: Example Bank
source: example
match: [Operation date, Amount, Sender account, Receiver account]
columns:
  date: Operation date
  amount: Amount
  currency: Currency
  payer_account: Sender account
  payee_account: Receiver account
  purpose: Details
date_formats: ["%Y-%m-%d %H:%M:%S"]
decimal: "."
""", encoding="utf-8")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    MAPPING_OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    write_kaspi_xlsx(rng)
    write_halyk_csv(rng)
    write_home_csv(rng)
    write_vtb_xlsx(rng)
    write_telegram_export(rng)
    write_tagpack()
    write_listings_jsonl(rng)
    write_custom_bank()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
