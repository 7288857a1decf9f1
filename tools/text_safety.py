"""Evidence text made safe to put in a document: bidi and control characters shown, never
obeyed (the same rule as the UI's `ui.text.visible`, which talks to no engine module)."""

from __future__ import annotations

import unicodedata

# Characters that reorder what follows them (an "exe.pdf" that is a "fdp.exe").
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")


def visible(text: str) -> str:
    """Bidi and control characters (other than line breaks and tabs) spelled out as ⟨U+202E⟩:
    shown, never obeyed; XML-forbidden characters never reach a document."""
    if text.isprintable():
        return text
    return "".join(
        f"⟨U+{ord(c):04X}⟩" if c in BIDI_CONTROLS or (
            unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t") else c
        for c in text)
