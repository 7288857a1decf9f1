"""Tergeu's chat for prosecutors and analysts (`tergeu ui`): it talks to the API only."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import streamlit as st

from ui.client import ApiClient, ApiError
from ui.config import UiSettings
from ui.deconflict import deconflict_panel, hits_table
from ui.graph import amount, flow_graph, to_dot
from ui.i18n import LANGUAGES, t, texts
from ui.letters import alert_letter, letter_box
from ui.report import ReportTurn, report_html, report_pdf
from ui.text import answer_pieces, claim_mark, label, plain, safe, table
from ui.watch import alerts_badge, watch_button, watch_panel


def lang() -> str:
    return st.session_state.lang


def client() -> ApiClient:
    """The session's API client (one connection pool per signed-in session)."""
    ss = st.session_state
    if ss.get("api") is None or ss.get("api_token") != ss.token:
        if ss.get("api") is not None:
            ss.api.close()
        ss.api, ss.api_token = ApiClient(ss.settings.api_url, ss.token), ss.token
    return ss.api


# --- sign-in -------------------------------------------------------------------------------

def sign_in() -> None:
    st.title(t("title", lang()))
    with st.form("sign-in"):
        token = st.text_input(t("token", lang()), type="password", help=t("token_help", lang()))
        if st.form_submit_button(t("sign_in_button", lang())) and token:
            try:
                with ApiClient(st.session_state.settings.api_url, token.strip()) as api:
                    st.session_state.user = api.me()
            except ApiError as exc:
                st.error(t("bad_token", lang(), detail=label(exc.detail)))
                return
            except httpx.HTTPError as exc:
                st.error(t("api_down", lang(), url=label(st.session_state.settings.api_url),
                           detail=label(exc)))
                return
            st.session_state.token = token.strip()
            st.rerun()


# --- evidence ------------------------------------------------------------------------------

def excerpt(case: str, record_id: str) -> str:
    cache = st.session_state.setdefault("excerpts", {})
    if (case, record_id) not in cache:
        cache[(case, record_id)] = client().record(case, record_id)["source_text"]
    return cache[(case, record_id)]


def describe(record: dict[str, Any]) -> str:
    """One line of what a record says: a message's text, a transfer's move, a row's payment."""
    f = record.get("fields") or record.get("record") or {}
    if "text" in f:
        return str(f.get("text"))[:300]
    if "from" in f and "to" in f:
        return f"{f.get('from')} → {f.get('to')}: {f.get('amount', '')} {f.get('token', '')}"
    return ", ".join(f"{k}: {v}" for k, v in list(f.items())[:6])


@st.dialog(" ", width="large")
def record_dialog(case: str, record_id: str) -> None:
    api = client()
    rec = api.record(case, record_id)
    near = api.neighbours(case, record_id)
    st.subheader(label(f"{rec['kind']} · {rec['id']}"), anchor=False)
    src = rec["source"]
    st.text(plain(f"{t('source_file', lang())}: {src['file']}\nSHA-256: {src['sha256']}\n"
                  f"{t('locator', lang())}: {src['locator']}"))
    st.caption(t("excerpt", lang()))
    st.code(plain(rec["source_text"]), language=None, wrap_lines=True)
    for title, items in ((t("before", lang()), near["before"]), (t("after", lang()),
                                                                  near["after"])):
        if items:
            st.caption(title)
            st.text(plain("\n".join(f"{r['id']}: {describe(r)}" for r in items)))


def citation_card(case: str, c: dict[str, Any], key: str) -> None:
    with st.container(border=True):
        why = f" — {label(c['reason'])}" if c.get("reason") else ""
        mark = f":green[✓ {t('verified', lang())}]" if c["verified"] else \
            f":red[✗ {t('not_verified', lang())}]{why}"
        # The id as escaped text, not in backticks: a backtick in an id cannot end the span.
        st.markdown(f"**\\[{c['n']}\\]** {label(c['kind'])} {label(c['id'])} — {mark}")
        st.text(plain(describe(c)))
        if c.get("facets"):
            st.caption(t("matched", lang()) + ": " + label(", ".join(c["facets"])))
        src = c["source"]
        st.text(plain(f"{t('source_file', lang())}: {src['file']}  ·  {t('locator', lang())}: "
                      f"{src['locator']}\nSHA-256: {src['sha256']}"))
        st.code(plain(excerpt(case, c["id"])), language=None, wrap_lines=True)
        if st.button(t("open_record", lang()), key=f"open-{key}"):
            record_dialog(case, c["id"])


def reason_text(reason: str) -> str:
    """Why money stopped at an endpoint, in the user's language."""
    key = f"reason_{reason}"
    return t(key, lang()) if key in texts() else reason


def endpoint_rows(endpoints: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Trace endpoints as table rows with headers in the user's language; a missing label is
    an empty cell."""
    return [{t("col_address", lang()): ep["address"],
             t("col_reason", lang()): reason_text(ep["reason"]),
             t("col_label", lang()): ep.get("label") or "",
             t("col_amount", lang()): amount(Decimal(ep["amount"])),
             t("col_share", lang()): f"{ep['share']:.1%}"} for ep in endpoints]


def trace_view(trace: dict[str, Any]) -> None:
    g = flow_graph(trace)
    st.caption(f"{t('trace_graph', lang())}: {t('traced_total', lang())} "
               f"{amount(Decimal(trace['traced']))} {label(trace['token'])}")
    st.graphviz_chart(to_dot(g), use_container_width=True)
    ends = [ep for ep in trace["endpoints"] if ep["reason"] != "residue"]
    residue = [ep for ep in trace["endpoints"] if ep["reason"] == "residue"]
    st.dataframe(table(endpoint_rows(ends)), hide_index=True)
    if residue:  # listed apart: a few coins left on a hop that passed the rest on
        st.caption(t("residue_note", lang()))
        st.dataframe(table(endpoint_rows(residue)), hide_index=True)
    hits_table(trace.get("also_in") or [], lang())


def marked_answer(a: dict[str, Any]) -> str:
    """The answer as markdown with ✓ after each supported claim and ✗ with the reason after
    each one its citations do not support, in place."""
    out = []
    for piece, claim in answer_pieces(a):
        out.append(safe(piece))
        if claim is not None:
            ok, mark = claim_mark(claim, lang())
            out.append(f" :green[{mark[0]}]" if ok else f" :red[{safe(mark)}]")
    return "".join(out)


def show_turn(case: str, i: int, turn: dict[str, Any]) -> None:
    with st.chat_message("user"):
        st.text(plain(turn["question"]))
    with st.chat_message("assistant"):
        a = turn["answer"]
        st.markdown(marked_answer(a))
        claims = [c for c in a.get("claims") or [] if c["status"] != "plain"]
        if not a["verified"]:
            st.warning(t("claim_counts", lang(), ok=sum(c["supported"] for c in claims),
                         all=len(claims)) + "\n\n" + "\n".join(
                f"- ✗ {safe(c['text'])} — {safe(claim_mark(c, lang())[1])}"
                for c in claims if not c["supported"]))
        if a.get("repair"):
            with st.expander(t("repaired", lang(), n=sum(
                    not c["supported"] for c in a["repair"]["claims"]))):
                st.text(a["repair"]["answer"])
        if a["flags"] and not claims:
            st.warning(t("flags", lang()) + ": " + "; ".join(label(f) for f in a["flags"]))
        if a["citations"]:
            cols = st.columns(12)
            for k, c in enumerate(a["citations"]):
                if cols[k % len(cols)].button(f"[{c['n']}]", key=f"m-{i}-{c['n']}",
                                              help=label(c["id"])):
                    record_dialog(case, c["id"])
        for k, trace in enumerate(turn.get("traces", [])):
            trace_view(trace)
            watch_button(client(), case, trace, f"{i}-{k}")
        if a["citations"]:
            with st.expander(f"{t('evidence', lang())} ({len(a['citations'])})"):
                for c in a["citations"]:
                    citation_card(case, c, f"{i}-{c['n']}")


# --- asking --------------------------------------------------------------------------------

def ask(case: str, question: str) -> None:
    api = client()
    with st.chat_message("user"):
        st.text(plain(question))
    held: dict[str, Any] = {"traces": []}
    with st.chat_message("assistant"):
        status = st.status(t("thinking", lang()), expanded=False)
        t0 = time.perf_counter()

        def tokens() -> Iterator[str]:
            for event, data in api.ask_stream(case, question, st.session_state.session):
                if event == "step" and data["state"] == "running":
                    status.write(t("step_running", lang(), tool=label(data["tool"]),
                                   args=label(data["args"])))
                    if data["tool"] == "trace_wallet":
                        held["traces"].append(data["args"])
                elif event == "step":
                    status.write(f"✓ {label(data['summary'])}")
                elif event == "token":
                    held.setdefault("first_token", time.perf_counter() - t0)
                    yield safe(data["text"])
                elif event == "answer":
                    held["answer"] = data["answer"]
                elif event == "error":  # the model server failed mid-answer
                    raise ApiError(503, data["detail"])

        try:
            st.write_stream(tokens())
        except ApiError as exc:
            status.update(state="error")
            st.error(label(exc.detail))
            return
        status.update(label=t("done", lang()), state="complete")
    traces = []
    for args in held["traces"]:
        try:
            traces.append(api.trace(case, args["address"], args.get("direction", "forward")))
        except ApiError as exc:
            if exc.status != 404:  # 404: no transfers of it, and the answer says so
                raise
    st.session_state.turns.append({"question": question, "answer": held["answer"],
                                   "traces": traces,
                                   "first_token_s": held.get("first_token")})
    st.rerun()


# --- the case ------------------------------------------------------------------------------

def suggestions(o: dict[str, Any]) -> list[str]:
    out = [t("q_overview", lang())]
    if o["shop_wallets"]:
        out.append(t("q_forward", lang(), wallet=o["shop_wallets"][0]))
    card = next((d for d in o["top_droppers"] if d["kind"] == "card"), None)
    if card:
        out.append(t("q_card", lang(), card=card["display"]))
    named = [s for s in o["shops"] if s["hands_out_payments"]]
    if named:
        out.append(t("q_shop", lang(), shop=named[0]["name"]))
    if o.get("shared_payers"):
        out.append(t("q_shared_payers", lang()))
    return out


def overview_panel(case: str) -> None:
    # Fetched once per case and session: every chat message reruns this script.
    cache = st.session_state.setdefault("overviews", {})
    if case not in cache:
        cache[case] = client().overview(case)
    o = cache[case]
    stats = o["stats"]
    # A market board advertising several shops is not a shop: its sellers' phones are not
    # payment details; shops known only from their ads are listed with the others.
    # A chat that only advertised its shop's bot is that shop's channel, not another row.
    shops = [s for s in o["shops"] if s["hands_out_payments"]]
    advertised = o.get("advertised", [])
    with st.expander(t("overview", lang()), expanded=not st.session_state.turns):
        c = st.columns(5)
        c[0].metric(t("shops", lang()), len(shops) + len(advertised))
        c[1].metric(t("accounts", lang()), sum(v for shop in shops
                                               for k, v in shop["accounts"].items()
                                               if k in ("card", "iban", "phone")))
        c[2].metric(t("wallets", lang()), len(o["shop_wallets"]) + len(o["collection_wallets"]))
        c[3].metric(t("beneficiaries", lang()),
                    len([b for b in o["beneficiaries"] if b["reason"] == "beneficiary"]))
        # The token symbol is evidence: in the (markdown) label, escaped; the value is a number.
        c[4].metric(f"{t('traced_total', lang())} {label(o['token'] or '')}",
                    f"{Decimal(o['traced'] or 0):,.0f}".replace(",", " "))
        st.caption(t("records", lang()) + ": " + label(", ".join(
            f"{k} {v}" for k, v in sorted(stats["records"].items()))))
        left, right = st.columns(2)
        left.caption(t("shops", lang()))
        # What each shop took in on-chain, in the case's traced token.
        took = {taken["shop"]: f"{amount(Decimal(taken['amount']))} {taken['token']}"
                for taken in o.get("takings", [])}
        left.dataframe(table([*({t("col_shop", lang()): s["name"],
                                 t("col_took", lang()): took.get(s["shop"], ""),
                                 **s["accounts"]} for s in shops),
                              *({t("col_shop", lang()): f"{a['excerpt']} — @{a['bot']} "
                                         f"({t('ads_only', lang())})"}
                                for a in advertised)]), hide_index=True)
        markets = [s["name"] for s in o["shops"] if s.get("market")]
        if markets:
            left.caption(t("markets", lang()) + ": " + label(", ".join(markets)))
        right.caption(t("beneficiaries", lang()))
        right.dataframe(table({t("col_address", lang()): b["address"],
                               t("col_amount", lang()): amount(Decimal(b["amount"])),
                               t("col_reason", lang()): reason_text(b["reason"])}
                              for b in o["beneficiaries"]), hide_index=True)
        st.caption(t("top_droppers", lang()))
        names = {s["shop"]: s["name"] for s in o["shops"]}
        st.dataframe(table({t("col_account", lang()): d["display"],
                            t("col_kind", lang()): d["kind"],
                            t("shops", lang()): ", ".join(names.get(s, s) for s in d["shops"]),
                            t("col_handed_out", lang()): d["handed_out"],
                            t("col_received", lang()): d["received"] or ""}
                           for d in o["top_droppers"]), hide_index=True)
        if o.get("shared_payers"):
            st.caption(t("shared_payers", lang()))
            st.dataframe(table({t("col_address", lang()): p["address"],
                                t("shops", lang()): ", ".join(
                                    f"{names.get(s, s)} {amount(Decimal(a))}"
                                    for s, a in p["paid"].items())}
                               for p in o["shared_payers"]), hide_index=True)
        st.caption(t("suggested", lang()))
        for k, q in enumerate(suggestions(o)):
            if st.button(label(q), key=f"suggest-{k}"):
                st.session_state.pending = q


def upload_box(case: str) -> None:
    with st.expander(t("upload", lang())):
        files = st.file_uploader(t("upload", lang()), accept_multiple_files=True,
                                 label_visibility="collapsed")
        if files and st.button(t("upload_button", lang())):
            bar = st.progress(0.0, text=t("importing", lang()))
            imported = records = 0
            for k, f in enumerate(files):
                try:
                    report = client().upload(case, [(f.name, f.getvalue())])
                    for fr in report["files"]:
                        if fr["status"] == "rejected":
                            st.error(t("rejected", lang(), file=label(f.name),
                                       error=label(fr["error"])))
                        else:
                            imported += 1
                            records += sum(fr["records"].values())
                except ApiError as exc:
                    st.error(t("rejected", lang(), file=label(f.name), error=label(exc.detail)))
                bar.progress((k + 1) / len(files), text=label(f.name))
            st.success(t("imported", lang(), records=records, files=imported))


def export_box(case: str) -> None:
    turns = st.session_state.turns
    if not turns:
        return
    user = st.session_state.user["name"]
    when = datetime.now(UTC)
    report_turns = [ReportTurn(question=x["question"], answer=x["answer"], traces=x["traces"],
                               excerpts={c["id"]: excerpt(case, c["id"])
                                         for c in x["answer"]["citations"]}) for x in turns]
    stamp = when.strftime("%Y%m%d-%H%M%S")
    st.caption(t("export", lang()))
    # The server records the export from the conversation it kept, with this file's hash.
    session = st.session_state.session
    html = report_html(case, user, when, report_turns, lang())
    st.download_button(t("export_html", lang()), html,
                       file_name=f"tergeu-{case}-{stamp}.html", mime="text/html",
                       on_click=client().note_export, args=(case, "html", session, html))
    pdf = report_pdf(case, user, when, report_turns, lang())
    st.download_button(t("export_pdf", lang()), pdf,
                       file_name=f"tergeu-{case}-{stamp}.pdf", mime="application/pdf",
                       on_click=client().note_export, args=(case, "pdf", session, pdf))


def main() -> None:
    st.set_page_config(page_title="Tergeu", page_icon="🔎", layout="wide")
    ss = st.session_state
    if "settings" not in ss:
        ss.settings = UiSettings()
        ss.lang = ss.settings.ui_language
    with st.sidebar:
        st.selectbox(t("language", lang()), list(LANGUAGES), key="lang",
                     format_func=LANGUAGES.__getitem__)
    if "token" not in ss:
        sign_in()
        return
    user = ss.user
    try:
        cases = client().cases()
    except ApiError as exc:  # a revoked token signs the user out
        client().close()
        for key in ("token", "user", "api"):
            ss.pop(key, None)
        st.error(t("bad_token", lang(), detail=label(exc.detail)))
        return
    with st.sidebar:
        st.caption(t("signed_in_as", lang(), name=label(user["name"]), role=user["role"]))
        if st.button(t("sign_out", lang())):
            client().close()
            for key in ("token", "user", "turns", "case", "session", "excerpts", "overviews",
                        "deconfliction", "api", "alerts"):
                ss.pop(key, None)
            st.rerun()
        if not cases:
            st.warning(t("no_cases", lang()))
            return
        case = st.selectbox(t("case", lang()), cases, key="case")
        alerts_badge(client(), case)
    if ss.get("session_case") != case:
        ss.session_case, ss.session, ss.turns = case, uuid.uuid4().hex, []
    st.title(t("title", lang()))
    overview_panel(case)
    deconflict_panel(client(), case, lang())
    watch_panel(client(), case, record_dialog, alert_actions=[
        lambda c, alert, key: alert_letter(client(), c, lang(), alert, key)])
    for i, turn in enumerate(ss.turns):
        show_turn(case, i, turn)
    with st.sidebar:
        upload_box(case)
        letter_box(client(), case, lang(), ss.get("overviews", {}).get(case))
        export_box(case)
    question = st.chat_input(t("ask_placeholder", lang())) or ss.pop("pending", None)
    if question:
        ask(case, question)


main()
