"""A conversation as a report a prosecutor can attach to a file: HTML and PDF.

Questions, answers, every citation with its source file, SHA-256, locator and the excerpt of
the original, trace graphs; the case, the user and the time. Evidence is text, never markup.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import fontpkg_pt_sans
from fpdf import FPDF

from ui.graph import COLOURS, amount, flow_graph, layers, short, to_svg
from ui.i18n import t
from ui.text import answer_pieces, claim_mark, visible


def escape(text: str) -> str:
    """Evidence as HTML text: markup escaped, bidi controls spelled out (⟨U+202E⟩)."""
    return html.escape(visible(text))


@dataclass
class ReportTurn:
    question: str
    answer: dict[str, Any]
    excerpts: dict[str, str] = field(default_factory=dict)  # record id -> source text
    traces: list[dict[str, Any]] = field(default_factory=list)


def _meta(case: str, user: str, when: datetime, lang: str) -> tuple[str, str]:
    return (t("report_title", lang, case=case),
            t("report_meta", lang, user=user, time=when.strftime("%Y-%m-%d %H:%M:%S %Z")))


def report_html(case: str, user: str, when: datetime, turns: list[ReportTurn], lang: str) -> str:
    title, meta = _meta(case, user, when, lang)
    out = ["<!doctype html><html><head><meta charset='utf-8'>",
           f"<title>{escape(title)}</title><style>body{{font-family:sans-serif;max-width:60em;"
           "margin:2em auto}pre{white-space:pre-wrap;background:#f6f8fa;padding:.5em}"
           ".bad{color:#d1242f}.ok{color:#1a7f37}td,th{border:1px solid #ccc;padding:2px 6px}"
           "table{border-collapse:collapse}</style></head><body>",
           f"<h1>{escape(title)}</h1><p>{escape(meta)}</p>"]
    for i, turn in enumerate(turns, 1):
        a = turn.answer
        out.append(f"<h2>{i}. {escape(t('question', lang))}: {escape(turn.question)}</h2>")
        marked = "".join(
            escape(piece) + ("" if claim is None else
                             f" <span class='{'ok' if ok else 'bad'}'>{escape(mark)}</span>")
            for piece, claim in answer_pieces(a)
            for ok, mark in [claim_mark(claim, lang) if claim else (True, "")])
        out.append(f"<h3>{escape(t('answer', lang))}</h3><pre>{marked}</pre>")
        if a.get("claims"):
            claims = [c for c in a["claims"] if c["status"] != "plain"]
            counts = t("claim_counts", lang, ok=sum(c["supported"] for c in claims),
                       all=len(claims))
            out.append(f"<p class='{'ok' if a['verified'] else 'bad'}'>{escape(counts)}</p>")
        elif a.get("flags"):
            out.append(f"<p class='bad'>{escape(t('flags', lang))}: "
                       f"{escape('; '.join(a['flags']))}</p>")
        if a.get("repair"):
            n = sum(not c["supported"] for c in a["repair"]["claims"])
            out.append(f"<p>{escape(t('repaired', lang, n=n))}</p>"
                       f"<pre>{escape(a['repair']['answer'])}</pre>")
        for trace in turn.traces:
            out.append(f"<h3>{escape(t('trace_graph', lang))}</h3>{to_svg(flow_graph(trace))}")
        out.append(f"<h3>{escape(t('citations', lang))}</h3>")
        for c in a["citations"]:
            ok = t("verified", lang) if c["verified"] else t("not_verified", lang)
            src = c["source"]
            out.append(
                f"<p><b>[{c['n']}]</b> {escape(c['kind'])} {escape(c['id'])} — "
                f"<span class='{'ok' if c['verified'] else 'bad'}'>{escape(ok)}</span><br>"
                f"{escape(t('source_file', lang))}: {escape(src['file'])}<br>SHA-256: "
                f"<code>{escape(src['sha256'])}</code><br>{escape(t('locator', lang))}: "
                f"<code>{escape(src['locator'])}</code></p>"
                f"<pre>{escape(turn.excerpts.get(c['id'], ''))}</pre>")
    out.append("</body></html>")
    return "".join(out)


class _Pdf(FPDF):
    def __init__(self) -> None:
        super().__init__()
        files = fontpkg_pt_sans.ROOT / "files"
        self.add_font("PT", fname=str(files / "PT_Sans-Web-Regular.ttf"))
        self.add_font("PT", style="B", fname=str(files / "PT_Sans-Web-Bold.ttf"))
        self.set_auto_page_break(True, margin=15)

    def para(self, text: str, size: int = 10, bold: bool = False) -> None:
        self.set_font("PT", "B" if bold else "", size)
        self.multi_cell(0, size * 0.5, visible(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def flow(self, trace: dict[str, Any]) -> None:
        """The money flow top to bottom (hops go down the page, which is taller than wide)."""
        g = flow_graph(trace)
        place = layers(g)
        depth = max((c for c, _ in place.values()), default=0) + 1
        breadth = max((r for _, r in place.values()), default=0) + 1
        box = min(42.0, (self.epw - 6 * (breadth - 1)) / breadth)
        dx, dy, high = box + 6, 11.0, 6.0
        if self.get_y() + depth * dy > self.h - 20:
            self.add_page()
        top = self.get_y() + 2

        def xy(node: str) -> tuple[float, float]:
            c, r = place[node]
            return self.l_margin + r * dx, top + c * dy

        self.set_font("PT", "", 6)
        self.set_draw_color(140, 149, 159)
        for (a, b), value in g.edges.items():
            (x1, y1), (x2, y2) = xy(a), xy(b)
            self.line(x1 + box / 2, y1 + high, x2 + box / 2, y2)
            self.text((x1 + x2) / 2 + box / 2 + 1, (y1 + high + y2) / 2 + 1, amount(value))
        for node in g.nodes:
            x, y = xy(node)
            colour = COLOURS[g.role(node)].lstrip("#")
            self.set_fill_color(*(int(colour[i:i + 2], 16) for i in (0, 2, 4)))
            self.rect(x, y, box, high, style="F")
            self.set_text_color(255, 255, 255)
            label = short(node) + (f"  {amount(g.held[node])}" if node in g.held else "")
            self.text(x + 1, y + 4, label)
            self.set_text_color(0, 0, 0)
        self.set_y(top + depth * dy + 2)


def report_pdf(case: str, user: str, when: datetime, turns: list[ReportTurn], lang: str) -> bytes:
    title, meta = _meta(case, user, when, lang)
    pdf = _Pdf()
    pdf.add_page()
    pdf.para(title, 16, bold=True)
    pdf.para(meta, 9)
    for i, turn in enumerate(turns, 1):
        a = turn.answer
        pdf.para(f"{i}. {t('question', lang)}: {turn.question}", 12, bold=True)
        if a.get("claims"):
            for piece, claim in answer_pieces(a):
                if piece.strip():
                    pdf.para(piece.strip())
                if claim is not None:
                    supported, mark = claim_mark(claim, lang)
                    # PT Sans has no ✓ ✗: the PDF writes √ and × for them.
                    mark = mark.replace("✓", "√").replace("✗", "×")
                    pdf.set_text_color(*((26, 127, 55) if supported else (209, 36, 47)))
                    pdf.para(mark, 8)
                    pdf.set_text_color(0, 0, 0)
        else:
            pdf.para(a["answer"])
            if a.get("flags"):
                pdf.para(f"{t('flags', lang)}: {'; '.join(a['flags'])}", 9)
        if a.get("repair"):
            n = sum(not c["supported"] for c in a["repair"]["claims"])
            pdf.para(t("repaired", lang, n=n), 9, bold=True)
            pdf.para(a["repair"]["answer"], 8)
        for trace in turn.traces:
            pdf.para(t("trace_graph", lang), 11, bold=True)
            pdf.flow(trace)
        pdf.para(t("citations", lang), 11, bold=True)
        for c in a["citations"]:
            status = t("verified", lang) if c["verified"] else t("not_verified", lang)
            src = c["source"]
            pdf.para(f"[{c['n']}] {c['kind']} {c['id']} — {status}", 9, bold=True)
            pdf.para(f"{t('source_file', lang)}: {src['file']}; SHA-256: {src['sha256']}; "
                     f"{t('locator', lang)}: {src['locator']}", 8)
            excerpt = turn.excerpts.get(c["id"], "")
            if excerpt:
                pdf.para(excerpt[:1500], 8)
    return bytes(pdf.output())
