"""A letter as DOCX (a docxtpl template the office can edit), as PDF (the same DOCX laid out
with PT Sans), and read back as text to check what was written.

Evidence stays text: values are XML-escaped by the template engine (no field, hyperlink or
markup can come from a label), bidi controls are spelled out, and the PDF draws plain text.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.table import Table
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment
from lxml.etree import XMLSyntaxError

from tools.letters.facts import LetterError
from tools.resources import package_file
from tools.text_safety import visible


def template_bytes(lang: str, folder: Path | None = None) -> bytes:
    """The office's template for `lang` (`folder/<lang>.docx`) if there is one, else the
    template shipped with Tergeu."""
    if folder is not None and (folder / f"{lang}.docx").is_file():
        return (folder / f"{lang}.docx").read_bytes()
    return package_file("tools.letters", "templates", f"{lang}.docx").read_bytes()


def render_docx(template: bytes, context: dict[str, Any]) -> bytes:
    """The template filled in; Jinja runs sandboxed (a template cannot reach Python) and
    escapes every value."""
    tpl = DocxTemplate(io.BytesIO(template))
    try:
        tpl.render(context, jinja_env=SandboxedEnvironment(autoescape=True))
    except (TemplateError, XMLSyntaxError, ValueError, KeyError) as exc:
        raise LetterError(f"the letter template cannot be filled in: {exc}") from exc
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def _blocks(doc: DocumentObject) -> Iterator[Paragraph | Table]:
    yield from doc.iter_inner_content()


def docx_text(data: bytes) -> str:
    """The text of a DOCX as python-docx reads it: paragraphs, and table rows as cells joined
    by ' | ', in document order."""
    doc = Document(io.BytesIO(data))
    lines: list[str] = []
    for block in _blocks(doc):
        if isinstance(block, Paragraph):
            lines.append(block.text)
        else:
            lines.extend(" | ".join(c.text for c in row.cells) for row in block.rows)
    return "\n".join(lines)


def docx_has_active_content(data: bytes) -> list[str]:
    """Fields, hyperlinks and other live parts of the document body (none should come from a
    letter's values)."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return sorted(set(re.findall(r"<w:(fldSimple|fldChar|instrText|hyperlink)\b", xml)))


# PT Sans has no ⟨ ⟩: the PDF writes the spelled-out controls with ‹ ›.
_PDF_GLYPHS = str.maketrans({"⟨": "‹", "⟩": "›"})


def docx_to_pdf(data: bytes, title: str = "") -> bytes:
    """The DOCX laid out as PDF: headings, paragraphs, lists and tables in their order."""
    import fontpkg_pt_sans
    from fpdf import FPDF

    doc = Document(io.BytesIO(data))
    pdf = FPDF(format="A4")
    files = fontpkg_pt_sans.ROOT / "files"
    pdf.add_font("PT", fname=str(files / "PT_Sans-Web-Regular.ttf"))
    pdf.add_font("PT", style="B", fname=str(files / "PT_Sans-Web-Bold.ttf"))
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_title(title)
    pdf.add_page()
    numbered = 0
    for block in _blocks(doc):
        if isinstance(block, Table):
            _table(pdf, block)
            continue
        text = visible(block.text).translate(_PDF_GLYPHS)
        style = block.style.name if block.style is not None else ""
        size, bold, indent = 10.0, False, ""
        if style == "Title":
            size, bold = 14, True
        elif style.startswith("Heading"):
            size, bold = 12, True
        elif style.startswith("List Bullet"):
            indent = "•  "
        elif style.startswith("List Number"):
            numbered += 1
            indent = f"{numbered}.  "
        if not style.startswith("List Number"):
            numbered = 0
        if not text.strip():
            pdf.ln(2)
            continue
        bold = bold or any(r.bold for r in block.runs if r.text.strip())
        pdf.set_font("PT", "B" if bold else "", size)
        align = "R" if block.alignment is not None and int(block.alignment) == 2 else "L"
        pdf.multi_cell(0, size * 0.5, indent + text, align=align, new_x="LMARGIN",
                       new_y="NEXT")
        pdf.ln(1.5)
    return bytes(pdf.output())


def _table(pdf: Any, table: Table) -> None:
    rows = [[visible(c.text).translate(_PDF_GLYPHS) for c in row.cells] for row in table.rows]
    if not rows:
        return
    width = max(len(r) for r in rows)
    # Columns as wide as their longest word (a 64-character hash wraps, an address or an
    # amount does not) or half their mean length, within bounds.
    cols = [[r[i] if i < len(r) else "" for r in rows] for i in range(width)]
    weights = []
    for cells in cols:
        longest = max(max((len(w) for w in c.split(" ")), default=1) for c in cells)
        mean = sum(len(c) for c in cells) / len(cells)
        weights.append(max(22 if longest > 40 else min(longest, 34), min(mean / 2.2, 30), 6))
    pdf.set_font("PT", "", 7)
    with pdf.table(col_widths=weights, text_align="LEFT", line_height=3.2,
                   first_row_as_headings=True,
                   headings_style=_headings_style()) as t:
        for r in rows:
            row = t.row()
            for i in range(width):
                row.cell(r[i] if i < len(r) else "")
    pdf.ln(2)


def _headings_style() -> Any:
    from fpdf.fonts import FontFace

    return FontFace(emphasis="BOLD")
