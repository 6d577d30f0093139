"""Write briefing sections to an editable Word document (python-docx)."""

from __future__ import annotations

import re
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from analysis.documents import Figure, Paragraph, Section, Table
from analysis.reproducible import save_docx

FONT = "Times New Roman"


def _add_text(paragraph, text: str) -> None:
    """Add text whose **spans** are bold."""
    for i, part in enumerate(re.split(r"\*\*(.+?)\*\*", text)):
        if part:
            paragraph.add_run(part).bold = i % 2 == 1


def _add_table(document, table: Table) -> None:
    caption = document.add_paragraph()
    caption.add_run(table.caption).bold = True
    data = table.data
    t = document.add_table(rows=1, cols=len(data.columns))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, name in zip(t.rows[0].cells, data.columns, strict=True):
        cell.text = str(name)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in data.itertuples(index=False):
        cells = t.add_row().cells
        for j, (cell, value) in enumerate(zip(cells, row, strict=True)):
            cell.text = str(value)
            if j >= 2:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in t.rows:
        for cell in row.cells:
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(9)
    if table.source:
        note = document.add_paragraph()
        note.add_run(f"Nguồn: {table.source}").italic = True


def write_docx(sections: list[Section], path: Path, landscape: bool = False) -> Path:
    """An editable .docx with the sections' headings, paragraphs, tables and figures."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(12)
    page = document.sections[0]
    page.page_height, page.page_width = Cm(29.7), Cm(21.0)
    if landscape:
        page.orientation = WD_ORIENT.LANDSCAPE
        page.page_height, page.page_width = page.page_width, page.page_height
    for m in ("left_margin", "right_margin"):
        setattr(page, m, Cm(2.0))
    for i, section in enumerate(sections):
        document.add_heading(section.title, level=0 if i == 0 else 1)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                _add_text(document.add_paragraph(), block.text)
            elif isinstance(block, Table):
                _add_table(document, block)
            elif isinstance(block, Figure):
                document.add_picture(str(block.path), width=Cm(block.width_cm))
                document.add_paragraph(block.caption).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for heading_style in ("Title", "Heading 1", "Heading 2"):
        document.styles[heading_style].font.name = FONT
    path.parent.mkdir(parents=True, exist_ok=True)
    return save_docx(document, path)
