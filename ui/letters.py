"""The freeze request box: a letter to an exchange or a token issuer, drafted by the API from
the case's records and downloaded as DOCX and PDF."""

from __future__ import annotations

import base64
from typing import Any

import streamlit as st

from ui.client import ApiClient, ApiError
from ui.i18n import LANGUAGES, t
from ui.text import label


def default_addresses(overview: dict[str, Any] | None, to: str) -> list[str]:
    """What a prosecutor racing a withdrawal asks about first: the exchange deposit addresses
    the shops' money reached (to an exchange), or the beneficiaries holding it (to an issuer)."""
    if not overview:
        return []
    wanted = "exchange_deposit" if to == "exchange" else "beneficiary"
    return [b["address"] for b in overview.get("beneficiaries", []) if b["reason"] == wanted]


def letter_box(api: ApiClient, case: str, lang: str, overview: dict[str, Any] | None) -> None:
    with st.expander(t("letter", lang)):
        to = st.radio(t("letter_to", lang), ["exchange", "issuer"], key="letter_to",
                      format_func=lambda k: t(f"letter_{k}", lang))
        text = st.text_area(t("letter_addresses", lang),
                            "\n".join(default_addresses(overview, to)), key=f"letter_addr_{to}")
        letter_lang = st.selectbox(t("letter_language", lang), list(LANGUAGES),
                                   index=list(LANGUAGES).index(lang), key="letter_lang",
                                   format_func=LANGUAGES.__getitem__)
        with_trace = st.checkbox(t("letter_trace", lang), value=bool(overview and (
            overview.get("shop_wallets"))), key="letter_trace")
        if st.button(t("letter_button", lang), key="letter_button"):
            addresses = [a.strip() for a in text.splitlines() if a.strip()]
            starts = (overview or {}).get("shop_wallets", []) if with_trace else None
            try:
                st.session_state.letter = api.letter(case, to, addresses, letter_lang, starts)
            except ApiError as exc:
                st.session_state.pop("letter", None)
                st.error(t("letter_refused", lang, detail=label(exc.detail)))
        letter = st.session_state.get("letter")
        if not letter:
            return
        s = letter["summary"]
        st.success(t("letter_ready", lang, recipient=label(s["recipient"]),
                     statements=s["statements"], records=s["records"], files=s["files"]))
        st.download_button(t("letter_docx", lang), base64.b64decode(letter["docx"]),
                           file_name=f"{s['filename']}.docx", key="letter_docx",
                           mime="application/vnd.openxmlformats-officedocument."
                                "wordprocessingml.document")
        st.download_button(t("letter_pdf", lang), base64.b64decode(letter["pdf"]),
                           file_name=f"{s['filename']}.pdf", mime="application/pdf",
                           key="letter_pdf")
