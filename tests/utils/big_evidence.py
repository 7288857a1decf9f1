"""Large evidence files for benchmarks and for the crash-during-import test."""

from __future__ import annotations

import json
import random
from pathlib import Path

from tools.demo import fake_ids

USDT = {"symbol": "USDT", "address": "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "decimals": 6,
        "name": "Tether USD"}


def write_telegram(path: Path, n: int, rng: random.Random) -> None:
    texts = ["🛒 Меню: меф 1г — 25 000 ₸", "Оплата на карту {card}", "Kaspi перевод +7 707 {p}",
             "USDT TRC20: {tron}", "ок, оплатил", "Сәлем! Тапсырыс қабылданды ✅"]
    messages = []
    for i in range(1, n + 1):
        text = rng.choice(texts).format(card=fake_ids.card(rng), p=rng.randint(1000000, 9999999),
                                        tron=fake_ids.tron(rng))
        messages.append({"id": i, "type": "message", "date": "2025-03-02T20:00:00",
                         "date_unixtime": str(1740927600 + i), "from": "Shop", "from_id": "user9",
                         "text": text, "text_entities": [{"type": "plain", "text": text}]})
    path.write_text(json.dumps({"name": "Shop", "type": "bot_chat", "id": 900900,
                                "messages": messages}, ensure_ascii=False))


def write_trc20_pages(folder: Path, n: int, page_size: int, rng: random.Random) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    wallets = [fake_ids.tron(rng) for _ in range(5000)]
    t0 = 1_730_000_000_000
    for page in range(0, n, page_size):
        data = [{
            "transaction_id": f"{rng.getrandbits(256):064x}", "token_info": USDT,
            "block_timestamp": t0 + (page + k) * 3000, "from": rng.choice(wallets),
            "to": rng.choice(wallets), "type": "Transfer",
            "value": str(rng.randint(1_000_000, 50_000_000_000)),
        } for k in range(min(page_size, n - page))]
        body = {"data": data, "success": True, "meta": {"at": t0, "page_size": len(data)}}
        (folder / f"trc20_{page // page_size:06d}.json").write_text(json.dumps(body))
