"""The UI's texts in Russian, Kazakh and English (ui/locales.yaml)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

import yaml

LANGUAGES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}


@cache
def texts() -> dict[str, dict[str, str]]:
    return yaml.safe_load(files("ui").joinpath("locales.yaml").read_text(encoding="utf-8"))


def t(key: str, lang: str, **values: Any) -> str:
    return texts()[key][lang].format(**values)
