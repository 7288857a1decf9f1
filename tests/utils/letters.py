"""Reading a letter back as its reader would: the DOCX through python-docx, the PDF through a
PDF reader (pypdfium2), and the rows of the DOCX's tables."""

from __future__ import annotations

import io

import pypdfium2
from docx import Document


def pdf_text(data: bytes) -> str:
    doc = pypdfium2.PdfDocument(data)
    try:
        pages = []
        for i in range(len(doc)):
            textpage = doc[i].get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
        return "\n".join(pages)
    finally:
        doc.close()


def docx_tables(data: bytes) -> list[list[list[str]]]:
    """Every table of the DOCX as rows of cell texts (header row first)."""
    doc = Document(io.BytesIO(data))
    return [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]


def table_with(tables: list[list[list[str]]], header: str) -> list[list[str]]:
    """The rows (header left out) of the table whose first row has `header`."""
    return next(t[1:] for t in tables if header in t[0])
