"""Text that may carry evidence, made safe to show as Streamlit markdown."""

from __future__ import annotations

import re
from typing import Any

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")
_SCHEME = re.compile(r"(?i)\b(https?|ftp|www|mailto)")


def safe(text: str) -> str:
    """Evidence-bearing text as inert markdown: no markup, no links (a word joiner breaks
    autolinks), our own [n] markers in bold."""
    text = _SCHEME.sub(lambda m: m[1][0] + "\u2060" + m[1][1:], _MARKDOWN.sub(r"\\\1", text))
    text = re.sub(r"\\\[(\d+)\\\]", r"**\\[\1\\]**", text)
    return text.replace("\n", "  \n")


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
