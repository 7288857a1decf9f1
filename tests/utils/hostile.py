"""The hostile corpus (`tests/data/hostile/*.yaml`): loading items and building their inputs.

Big inputs are built at run time from a small recipe instead of being committed; see the
schema at the top of `tests/data/hostile/ingest.yaml`. Used by `tests/tools/test_hostile.py`
(through the engine) and by `bench/hostile.py` (through the API).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import yaml

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"


def load_items(folder: Path = HOSTILE) -> list[dict[str, Any]]:
    """Every item of every engine manifest in `folder` (`{items: [...]}`; the API's own
    manifests are lists, read by `bench/hostile.py`), with `manifest` set to its file name."""
    items = []
    for manifest in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            continue
        for item in data["items"]:
            items.append({**item, "manifest": manifest.name})
    assert items, f"no engine manifest in {folder}"
    return items


def recipe_bytes(recipe: list[list[Any]]) -> bytes:
    """`[[text, times], ...]` → the UTF-8 bytes of each text repeated `times`, concatenated."""
    return b"".join(str(text).encode() * int(times) for text, times in recipe)


def item_text(item: dict[str, Any]) -> str:
    """The text of a `text` item."""
    return recipe_bytes(item["recipe"]).decode() if "recipe" in item else item["text"]


def telegram_chat(text: str) -> bytes:
    """A single-chat Telegram Desktop export whose one message says `text`."""
    return orjson.dumps({"name": "Hostile shop", "type": "bot_chat", "id": 4242,
                         "messages": [{"id": 1, "type": "message", "date_unixtime": "1735689600",
                                       "from": "shop", "text": text}]})


def upload_file(item: dict[str, Any], folder: Path = HOSTILE) -> tuple[str, bytes]:
    """(file name, content) to upload for an `upload` or `text` item.

    A `text` item is uploaded as a Telegram chat with the text as its one message.
    """
    if item["kind"] == "text":
        return f"{item['name']}.json", telegram_chat(item_text(item))
    if "file" in item:
        return item["file"], (folder / item["file"]).read_bytes()
    return item.get("filename", f"{item['name']}.json"), recipe_bytes(item["recipe"])
