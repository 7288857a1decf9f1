"""Writes tests/data/payment_details_labelled.jsonl: shop-style messages with their true details.

Run `python -m tests.utils.labelled_messages` to regenerate (deterministic). Each message is
built from a hand-written Russian or Kazakh template; the label is what the template inserted,
so the extractor under test has no part in labelling.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

from tools.demo import fake_ids as f

OUT = Path(__file__).parents[1] / "data" / "payment_details_labelled.jsonl"

Detail = tuple[str, str]
Piece = tuple[str, list[Detail]]


def card_piece(rng: random.Random) -> Piece:
    n = f.card(rng, rng.choice(["440043", "440043", "400303", "521324", "220220", "427638"]))
    style = rng.randrange(5)
    text = {
        0: " ".join(n[i : i + 4] for i in range(0, 16, 4)),
        1: n,
        2: "-".join(n[i : i + 4] for i in range(0, 16, 4)),
        3: n[:4] + " " + n[4:],
        4: "  ".join(n[i : i + 4] for i in range(0, 16, 4)).replace("  ", " ", 2),
    }[style]
    return text, [("card", n)]


def phone_piece(rng: random.Random) -> Piece:
    n = f.kz_mobile(rng)
    style = rng.randrange(6)
    text = {
        0: f"+7 {n[:3]} {n[3:6]} {n[6:8]} {n[8:]}",
        1: f"8{n}",
        2: f"8 ({n[:3]}) {n[3:6]}-{n[6:8]}-{n[8:]}",
        3: f"+7({n[:3]}){n[3:]}",
        4: f"+7{n}",
        5: f"8 {n[:3]} {n[3:6]} {n[6:]}",
    }[style]
    return text, [("phone", "+7" + n)]


def iban_piece(rng: random.Random) -> Piece:
    n = f.kz_iban(rng, rng.choice(["722", "601", "965", "998"]))
    style = rng.randrange(3)
    text = {0: n, 1: " ".join(n[i : i + 4] for i in range(0, 20, 4)), 2: "К" + n[1:]}[style]
    return text, [("iban", n)]


def tron_piece(rng: random.Random) -> Piece:
    a = f.tron(rng)
    return a, [("tron", a)]


def btc_piece(rng: random.Random) -> Piece:
    kind = rng.randrange(3)
    a = f.btc_legacy(rng) if kind == 0 else f.btc_bech32(rng, taproot=kind == 2)
    return a, [("btc", a)]


def eth_piece(rng: random.Random) -> Piece:
    a = f.eth(rng)
    return a, [("eth", a.lower())]


def bot_piece(rng: random.Random) -> Piece:
    name = rng.choice(["Mef_Almaty", "KristallShop", "alfa_ast", "ShymkentSweet", "KaraSHOP",
                       "Qazaq_Kladi", "snow_kz", "Tabys_24"]) + rng.choice(["_bot", "Bot", "bot"])
    return "@" + name, [("bot", name.lower())]


# Look-alikes that are not payment details: the extractor must leave them alone.
def bad_card_piece(rng: random.Random) -> Piece:
    return f.bad_card(rng), []


def order_number_piece(rng: random.Random) -> Piece:
    return "заказ №" + f.card(rng, "100200"), []


def bad_iban_piece(rng: random.Random) -> Piece:
    return f.bad_iban(rng), []


def bad_tron_piece(rng: random.Random) -> Piece:
    return f.bad_tron(rng), []


def bad_eth_piece(rng: random.Random) -> Piece:
    return f.bad_eth(rng), []


def coords_piece(rng: random.Random) -> Piece:
    return f"{rng.uniform(42, 53):.6f}, {rng.uniform(50, 87):.6f}", []


def price_piece(rng: random.Random) -> Piece:
    return f"{rng.randint(5, 90)} {rng.choice(['000', '500'])} ₸", []


POSITIVE: dict[str, Callable[[random.Random], Piece]] = {
    "card": card_piece, "phone": phone_piece, "iban": iban_piece, "tron": tron_piece,
    "btc": btc_piece, "eth": eth_piece, "bot": bot_piece,
}
NEGATIVE = [bad_card_piece, order_number_piece, bad_iban_piece, bad_tron_piece, bad_eth_piece,
            coords_piece, price_piece]

# Hand-written shop texts; {x} is a payment detail, {neg} a look-alike, {price} a price.
TEMPLATES_RU = [
    "💳 Оплата на карту Kaspi Gold: {x}\nСумма: {price}\nПосле оплаты пришлите чек 🧾",
    "Карта для оплаты {x} (меняется каждый день!!!) не сохраняйте",
    "✅ Ваш заказ: Меф крис 1г — {price}\nПереведите на {x} и нажмите «Я оплатил»",
    "Каспи перевод по номеру {x} , коммент не пишите",
    "оплата ТОЛЬКО на {x}... потом скрин в лс",
    "Для опта реквизиты: {x} ИП Ахметов, назначение «за услуги»",
    "USDT (TRC20) кошелек: {x}\nкурс по бинансу",
    "BTC адрес {x} — подтверждение 1 сеть",
    "Принимаем ETH/USDT ERC20 → {x}",
    "Бот магазина {x} , резерв {price}",
    "🔥🔥 Новый бот {x} старый заблокан 🔥🔥",
    "Реквизиты:\n1) {x}\n2) {y}\nлюбая карта",
    "Координаты клада: {neg}\nфото в боте",
    "Ваш номер заказа {neg}, ожидайте",
    "Альфа 0.5 — {price}, шишки 1г — {price}\nоплата на {x}",
    "перевод на {x} ПИН не спрашиваем😂",
    "не та карта! правильная {x} а {neg} больше не работает",
    "Оплата: {x} или крипта {y}",
    "Работа курьером 💰 от 150 000 ₸ в неделю, пиши {x}",
    "трек {neg} посылка в пути",
    "Кошелёк: {neg} (старый, не отправлять)",
    "закинь на {x} и скинь чек, адрес дам после",
    "Мефедрон VHQ 2г {price} | оплата {x}",
    "Соль кристалл, Астана, Левый берег. Реквизит {x}",
    "Наш канал {x} подпишись, там актуальная карта",
]
TEMPLATES_KZ = [
    "💳 Төлем картаға: {x}\nСомасы: {price}\nТөлегеннен кейін чекті жіберіңіз",
    "Каспи аударым нөмірге {x} , түсініктеме жазбаңыз",
    "Тапсырыс қабылданды ✅ {x} картасына аударыңыз",
    "Көтерме үшін деректемелер: {x}",
    "USDT TRC20 әмиян: {x} 💸",
    "Жаңа бот {x} ескісі бұғатталды",
    "Кладтың координаттары: {neg} суреті ботта",
    "Тапсырыс нөмірі {neg} күтіңіз",
    "Жұмыс бар! Курьер керек, жаз {x}",
    "Төлем {x} немесе {y} арқылы",
    "бұл карта енді істемейді {neg}, жаңасы {x}",
    "Шымкент, меф 1г {price}. Аударым {x}",
]
NEUTRAL = [
    "Доставка пиццы, курьеры на авто, звоните в офис",
    "Сегодня скидка 20% на все позиции 🎉",
    "Продам iPhone 13, 256 ГБ, торг. Алматы",
    "Сәлеметсіз бе! Қалай көмектесе аламын?",
    "Встреча в 14:30 у ТРЦ Mega, 12.03.2025",
    "Курс USDT сегодня 512 ₸",
]


def _fill(template: str, rng: random.Random) -> tuple[str, list[Detail]]:
    labels: list[Detail] = []
    text = template
    for slot in ("{x}", "{y}"):
        if slot in text:
            text_piece, details = rng.choice(list(POSITIVE.values()))(rng)
            text = text.replace(slot, text_piece, 1)
            labels += details
    while "{neg}" in text:
        piece, _ = rng.choice(NEGATIVE)(rng)
        text = text.replace("{neg}", piece, 1)
    while "{price}" in text:
        text = text.replace("{price}", price_piece(rng)[0], 1)
    return text, labels


def build(n: int = 360, seed: int = 20251125) -> list[dict[str, object]]:
    rng = random.Random(seed)
    out: list[dict[str, object]] = []
    for i in range(n):
        if i % 12 == 11:
            text, labels, lang = rng.choice(NEUTRAL), [], "neutral"
        else:
            lang = "kk" if i % 3 == 2 else "ru"
            template = rng.choice(TEMPLATES_KZ if lang == "kk" else TEMPLATES_RU)
            text, labels = _fill(template, rng)
        out.append({"n": i + 1, "lang": lang, "text": text,
                    "details": sorted({tuple(d) for d in labels})})
    return out


def main() -> None:
    with OUT.open("w", encoding="utf-8") as fh:
        for row in build():
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
