"""The watchlist and its alerts in the chat page: a badge, the alerts with the transfers that
raised them, the watched wallets, and "watch these beneficiaries" under a trace."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import streamlit as st

from ui.client import ApiClient, ApiError
from ui.i18n import t
from ui.text import label, plain, table

# Alerts are fetched at most this often per session (every chat message reruns the page).
ALERTS_TTL = 30.0

OpenRecord = Callable[[str, str], None]
# Buttons drawn under each alert, beside the cited transfers: `(case, alert, key)`. The
# freeze-request letters register theirs here ("draft a letter" next to an alert):
# `ALERT_ACTIONS.append(draft_letter_button)`.
AlertAction = Callable[[str, dict[str, Any], str], None]
ALERT_ACTIONS: list[AlertAction] = []


def _lang() -> str:
    return str(st.session_state.lang)


def case_alerts(api: ApiClient, case: str, fresh: bool = False) -> list[dict[str, Any]]:
    """The case's alerts, newest first (fetched again after `ALERTS_TTL` seconds)."""
    cache = st.session_state.setdefault("alerts", {})
    at, found = cache.get(case, (0.0, []))
    if fresh or time.monotonic() - at > ALERTS_TTL:
        found = api.alerts(case)
        cache[case] = (time.monotonic(), found)
    return list(found)


def alerts_badge(api: ApiClient, case: str) -> None:
    """The number of alerts, in the sidebar, red when there are any."""
    n = len(case_alerts(api, case))
    text = t("alerts_badge", _lang(), n=n)
    st.markdown(f":red-badge[:material/notifications_active: {text}]" if n
                else f":gray-badge[:material/notifications: {text}]")


def headline(a: dict[str, Any]) -> str:
    """What happened, as markdown (evidence values escaped)."""
    lang = _lang()
    if a["kind"] == "exchange":
        return t("alert_exchange", lang, exchange=label(a["exchange"]), amount=a["amount"],
                 token=label(a["token"]), address=label(a["address"]),
                 deposit=label(a["deposit_address"]))
    if a["kind"] == "outflow":
        return t("alert_outflow", lang, amount=a["amount"], token=label(a["token"]),
                 address=label(a["address"]), threshold=a["threshold"])
    return t("alert_balance", lang, address=label(a["address"]), change=a["balance_change"],
             token=label(a["token"]))


def alert_card(case: str, a: dict[str, Any], open_record: OpenRecord) -> None:
    lang = _lang()
    with st.container(border=True):
        colour = {"exchange": "red", "outflow": "orange"}.get(a["kind"], "blue")
        st.markdown(f":{colour}[**{headline(a)}**]")
        if a["kind"] == "exchange":
            st.error(t("alert_freeze", lang, exchange=label(a["exchange"]),
                       deposit=label(a["deposit_address"])))
        st.caption(t("alert_meta", lang, id=a["id"], when=a["raised_at"][:19].replace("T", " "),
                     balance=a["balance"], token=label(a["token"])))
        if a.get("note"):
            st.text(plain(a["note"]))
        st.caption(t("alert_cites", lang))
        for k, tr in enumerate(a["transfers"]):
            left, right = st.columns([6, 1])
            left.text(plain(f"{t('role_' + tr['role'], lang)}: {tr['record_id']}\n"
                            f"{tr['from_address']} → {tr['to_address']}  {tr['amount']} "
                            f"{tr['token']}  {(tr['ts'] or '')[:19].replace('T', ' ')}"))
            if right.button(t("open_record", lang), key=f"alert-{a['id']}-{k}"):
                open_record(case, tr["record_id"])
        for action in ALERT_ACTIONS:
            action(case, a, f"alert-{a['id']}")


def alerts_panel(api: ApiClient, case: str, open_record: OpenRecord) -> None:
    found = case_alerts(api, case)
    with st.expander(t("alerts_title", _lang(), n=len(found)), expanded=bool(found),
                     icon=":material/notifications_active:" if found
                     else ":material/notifications:"):
        if not found:
            st.caption(t("alerts_none", _lang()))
        for a in found:
            alert_card(case, a, open_record)


def watchlist_panel(api: ApiClient, case: str) -> None:
    lang = _lang()
    watched = api.watches(case)
    with st.expander(t("watch_title", lang, n=sum(w["followed_from"] is None
                                                   for w in watched)),
                     icon=":material/visibility:"):
        if watched:
            st.dataframe(table({
                t("col_address", lang): w["address"],
                t("col_note", lang): (t("watch_followed", lang, origin=w["followed_from"])
                                      if w["followed_from"] else w["note"] or ""),
                t("col_threshold", lang): f"{w['threshold']} {w['token']}",
                t("col_polled", lang): (w["polled_at"] or "")[:19].replace("T", " "),
                t("col_error", lang): w["last_error"] or ""} for w in watched),
                hide_index=True)
        with st.form(f"watch-add-{case}", clear_on_submit=True):
            text = st.text_area(t("watch_addresses", lang))
            note = st.text_input(t("watch_note", lang))
            threshold = st.text_input(t("watch_threshold", lang), value="0")
            if st.form_submit_button(t("watch_add", lang)):
                addresses = [a.strip() for a in text.split() if a.strip()]
                try:
                    added = api.watch(case, addresses, note or None, threshold or None)
                    st.success(t("watch_added", lang, n=len(added)))
                except ApiError as exc:
                    st.error(label(exc.detail))
        own = [w["address"] for w in watched if w["followed_from"] is None]
        if own:
            left, right = st.columns([4, 1])
            gone = left.selectbox(t("watch_remove", lang), own, key=f"watch-rm-{case}",
                                  label_visibility="collapsed")
            if right.button(t("watch_remove", lang), key=f"watch-rm-button-{case}"):
                api.unwatch(case, gone)
                st.rerun()
        if st.button(t("watch_poll", lang), key=f"watch-poll-{case}"):
            try:
                report = api.poll(case)
            except ApiError as exc:
                st.error(label(exc.detail))
            except httpx.HTTPError as exc:  # a long poll outlasting the client's timeout
                st.error(label(exc))
            else:
                case_alerts(api, case, fresh=True)
                st.session_state.watch_polled = t(
                    "watch_polled", lang, addresses=report["addresses"],
                    imported=report["imported"], alerts=len(report["alerts"]))
                st.rerun()  # the alerts above are drawn again with what this poll raised
        if polled := st.session_state.pop("watch_polled", None):
            st.success(polled)


def watch_panel(api: ApiClient, case: str, open_record: OpenRecord) -> None:
    """The alerts and the watched wallets of the case, under its overview."""
    alerts_panel(api, case, open_record)
    watchlist_panel(api, case)


def watch_button(api: ApiClient, case: str, trace: dict[str, Any], key: str) -> None:
    """ "Watch these beneficiaries" under a trace: its final beneficiaries to the watchlist."""
    found = [ep["address"] for ep in trace.get("endpoints", [])
             if ep["reason"] == "beneficiary"]
    if found and st.button(t("watch_beneficiaries", _lang()), key=f"watch-{key}",
                           icon=":material/visibility:"):
        try:
            added = api.watch(case, found, note=t("beneficiaries", _lang()))
            st.success(t("watch_added", _lang(), n=len(added)))
        except ApiError as exc:
            st.error(label(exc.detail))
