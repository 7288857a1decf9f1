"""Text that may carry evidence, made safe to show as Streamlit markdown."""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")
_SCHEME = re.compile(r"(?i)\b(https?|ftp|www|mailto)")


def safe(text: str) -> str:
    """Evidence-bearing text as inert markdown: no markup, no links (a word joiner breaks
    autolinks), our own [n] markers in bold."""
    text = _SCHEME.sub(lambda m: m[1][0] + "\u2060" + m[1][1:], _MARKDOWN.sub(r"\\\1", text))
    text = re.sub(r"\\\[(\d+)\\\]", r"**\\[\1\\]**", text)
    return text.replace("\n", "  \n")
