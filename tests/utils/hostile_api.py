"""Hostile evidence and requests aimed at the API and the UI: names and symbols that try to
become links, markup, citation markers or reversed text; uploads too large, too many, badly
named; forged export notes. Recipes for `tests/data/hostile/api.yaml` and the browser test.

A recipe returns the bytes of a file (or an iterator of chunks, streamed), or for `request`
items the request to send.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import yaml

DATA = Path(__file__).parents[1] / "data"
EVIL = "evil.example"

# Everything that, rendered as markdown or HTML, would make a link, an image, markup,
# a citation marker, a formula or reversed text.
PAYLOADS = [
    "Shop [2] see [1]",
    f"[click](http://{EVIL}/md)",
    f"<a href='http://{EVIL}/html'>x</a>",
    f"http://{EVIL}/auto www.{EVIL}",
    f"mail@{EVIL}",
    f"`](http://{EVIL}/tick)`",
    f"![i](http://{EVIL}/img.png)",
    "\u202etxt.exe",
    f'=HYPERLINK("http://{EVIL}/xl","x")',
    ":red[alarm] &#x202E; $x$",
]
HOSTILE_NAME = " ".join(PAYLOADS[:4])


def hostile_telegram() -> bytes:
    """The sample Telegram export with every chat and sender named by payloads and every
    message carrying them (the bot chat keeps its card numbers, so it is still a shop)."""
    export = json.loads((DATA / "evidence" / "telegram_full_export.json").read_text())
    for k, chat in enumerate(export["chats"]["list"]):
        chat["name"] = f"{PAYLOADS[k % len(PAYLOADS)]} {HOSTILE_NAME}"
        for m, msg in enumerate(chat["messages"]):
            if "from" in msg:
                msg["from"] = PAYLOADS[(k + m) % len(PAYLOADS)]
            if isinstance(msg.get("text"), str):
                msg["text"] += "\n" + " ".join(PAYLOADS)
                msg["text_entities"] = [{"type": "plain", "text": msg["text"]}]
    return json.dumps(export, ensure_ascii=False).encode()


def hostile_trongrid() -> bytes:
    """A TronGrid TRC-20 page whose token calls itself by payloads."""
    page = json.loads((DATA / "samples" / "01_trongrid_trc20_ledger.json").read_text())
    for k, row in enumerate(page["data"]):
        row["token_info"]["symbol"] = PAYLOADS[(k + 1) % len(PAYLOADS)][:40]
        row["token_info"]["name"] = PAYLOADS[k % len(PAYLOADS)]
    return json.dumps(page).encode()


def hostile_tagpack() -> bytes:
    """The sample TagPack with payload labels (attribution shows up in traces and tables)."""
    pack = yaml.safe_load((DATA / "evidence" / "tagpack_exchanges.yaml").read_text())
    pack["title"] = HOSTILE_NAME
    for k, tag in enumerate(pack["tags"]):
        tag["label"] = PAYLOADS[(k + 1) % len(PAYLOADS)]
    return yaml.safe_dump(pack, allow_unicode=True).encode()


def hostile_listings() -> bytes:
    """Market listings whose vendor, title and text are payloads."""
    rows = [{"id": f"H{k}", "title": p, "text": f"{p} Алматы, клад. Оплата 4400437453783831",
             "price": "25000", "currency": "KZT", "city": "Алматы", "vendor": p,
             "date": "2025-03-01", "category": "stimulants"} for k, p in enumerate(PAYLOADS)]
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()


HOSTILE_FILES = {"hostile-chat.json": hostile_telegram, "hostile-trc20.json": hostile_trongrid,
                 "hostile-tags.yaml": hostile_tagpack, "hostile-listings.jsonl": hostile_listings}


def zeros(mb: int) -> Iterator[bytes]:
    """`mb` MB of JSON-ish filler, streamed in 1 MB chunks (never held whole)."""
    yield b"["
    chunk = b"0," * (1 << 19)
    for _ in range(mb):
        yield chunk
    yield b"0]"


def small_page() -> bytes:
    return (DATA / "samples" / "01_trongrid_trc20_ledger.json").read_bytes()


def mixed_text(kb: int) -> str:
    """`kb` KB of Russian, Kazakh and English with card-like digits and payloads."""
    line = ("Оплата на карту 4400 4374 5378 3831, Kaspi +7 707 123 4567. Сәлем! Тапсырыс "
            "қабылданды ✅ pay to TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t " + " ".join(PAYLOADS) + "\n")
    return line * max(1, (kb << 10) // len(line.encode()))


def huge_question(mb: int) -> Iterator[bytes]:
    """A JSON question of `mb` MB, streamed (the API must stop reading at its body limit)."""
    yield b'{"question": "'
    chunk = "вопрос ".encode() * (1 << 17)
    for _ in range(max(1, (mb << 20) // len(chunk))):
        yield chunk
    yield b'"}'
