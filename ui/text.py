"""Text that may carry evidence, made safe to show: as Streamlit markdown, as plain text, and
as table cells a user may download and open in a spreadsheet."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&])")
_EMAIL_AT = re.compile(r"(?<=\w)@")
_SCHEME = re.compile(r"(?i)\b(https?|ftp|www|mailto)")
# Characters that reorder what follows them (an "exe.pdf" that is a "fdp.exe").
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")
# What a spreadsheet reads as the start of a formula (OWASP: CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def visible(text: str) -> str:
    """Bidi and control characters (other than line breaks and tabs) spelled out as ⟨U+202E⟩:
    shown, never obeyed."""
    if text.isprintable():
        return text
    return "".join(
        f"⟨U+{ord(c):04X}⟩" if c in BIDI_CONTROLS or (
            unicodedata.category(c) == "Cc" and c not in "\n\t") else c
        for c in text)


def safe(text: str, markers: bool = True) -> str:
    """Evidence-bearing text as inert markdown: no markup, no links (a word joiner breaks
    autolinks, e-mail ones too; `&` escaped, so no entity turns into a control character), no
    bidi reordering, our own [n] markers in bold."""
    text = _MARKDOWN.sub(r"\\\1", visible(text))
    text = _EMAIL_AT.sub("@\u2060", _SCHEME.sub(lambda m: m[1][0] + "\u2060" + m[1][1:], text))
    if markers:
        # Adjacent markers ("[2][3]") bold as one run: two bold runs side by side ("**…****…**")
        # are shown as literal asterisks.
        text = re.sub(r"((?:\\\[\d+\\\])+)", r"**\1**", text)
    return text.replace("\n", "  \n")


def label(text: Any) -> str:
    """A name or id from evidence inside markdown (titles, captions, buttons, tooltips,
    statuses): inert, and a `[2]` in it is not made to look like our citation marker."""
    return safe(str(text), markers=False)


def plain(text: Any) -> str:
    """Evidence for `st.text` and `st.code` (never markdown): only bidi controls spelled out."""
    return visible(str(text))


def cell(value: Any) -> Any:
    """A table cell: text with bidi spelled out and a leading formula character defused with
    an apostrophe (a spreadsheet opening the CSV download shows it, never runs it)."""
    if not isinstance(value, str):
        return value
    value = visible(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def table(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows for `st.dataframe`, every cell through `cell`."""
    return [{k: cell(v) for k, v in row.items()} for row in rows]

_REASON_WORDS = ((" cites no record returned in this turn", "reason_no_record"),
                 ("no marker for ", "reason_no_marker"), (" is not in ", "reason_is_not_in"),
                 ("; the tools derived ", "reason_derived"), (" says ", "reason_says"),
                 ("no amount", "reason_no_amount"), (" for [", "reason_for"))


def claim_reason(reason: str, lang: str) -> str:
    """The check's reason in the user's language: its fixed words translated, the facts kept."""
    from ui.i18n import t

    for words, key in _REASON_WORDS:
        keep = "[" if words.endswith("[") else ""
        reason = reason.replace(words, t(key, lang) + keep)
    return reason


def claim_mark(claim: dict[str, Any], lang: str) -> tuple[bool, str]:
    """(supported, what to show beside the claim): ✓, or ✗ with the reason."""
    from ui.i18n import t

    if claim["supported"]:
        return True, f"✓ {t('claim_ok', lang)}"
    status = t("claim_uncited" if claim["status"] == "uncited" else "claim_unsupported", lang)
    return False, f"✗ {status}: {claim_reason(claim.get('reason') or '', lang)}"


def answer_pieces(answer: dict[str, Any]) -> list[tuple[str, dict[str, Any] | None]]:
    """The answer's text cut at its claims: (text, the claim it ends, if checked), in order, so
    a mark can be put right after each claim; text between claims comes with None."""
    text, cursor, out = answer["answer"], 0, []
    for claim in answer.get("claims") or []:
        at = text.find(claim["text"], cursor)
        if at < 0:
            continue
        end = at + len(claim["text"])
        out.append((text[cursor:end], claim if claim["status"] != "plain" else None))
        cursor = end
    out.append((text[cursor:], None))
    return [(piece, claim) for piece, claim in out if piece or claim]
