"""The case's identifiers other cases hold too: the other case, whom to contact, how many of its
records name each one (their record ids only for a user assigned to both cases)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.client import ApiClient
from ui.i18n import t
from ui.text import label, table


def hit_rows(hits: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """One row per identifier and other case, columns named in the user's language."""
    rows = []
    for h in hits:
        for other in h["also_in"]:
            row = {t("dc_identifier", lang): f"{h['kind']} {h['value']}",
                   t("dc_case", lang): other["case"], t("dc_contact", lang): other["contact"],
                   t("dc_records", lang): other["records"]}
            if other.get("record_ids") is not None:
                row[t("dc_record_ids", lang)] = ", ".join(other["record_ids"])
            rows.append(row)
    return rows


def deconflict_panel(api: ApiClient, case: str, lang: str) -> None:
    """An expander under the overview; fetched once per case and session (each fetch is
    audited in both cases' trails)."""
    cache = st.session_state.setdefault("deconfliction", {})
    if case not in cache:
        cache[case] = api.deconflict(case)
    report = cache[case]
    title = t("dc_title", lang, n=report["count"])
    with st.expander(title, expanded=False):
        if not report["shared"]:
            st.caption(t("dc_none", lang))
            return
        st.caption(t("dc_note", lang) + " " + label(", ".join(
            f"{c} ({n})" for c, n in sorted(report["cases"].items()))))
        st.dataframe(table(hit_rows(report["shared"], lang)), hide_index=True)


def hits_table(hits: list[dict[str, Any]], lang: str) -> None:
    """Under a trace: the other cases holding its starts or endpoints (`also_in`)."""
    if hits:
        st.caption(t("dc_title", lang, n=len(hits)))
        st.dataframe(table(hit_rows(hits, lang)), hide_index=True)
