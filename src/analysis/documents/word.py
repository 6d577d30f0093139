"""Write briefing sections to an editable Word document (python-docx).

The layout is that of an administrative report (Decree 30/2020/NĐ-CP): A4, margins
top/bottom 20 mm, left 30 mm, right 15 mm, Times New Roman 13 pt, page numbers, language
vi-VN. Every kind of text has its own named style (STYLE_NAMES), so a clerk restyles the
whole document by changing one style. Tables repeat their header row on every page, have
set column widths, right-aligned numbers and names that do not break across lines.
"""

from __future__ import annotations

import re
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from analysis.documents import (
    Closing,
    Figure,
    Letterhead,
    Paragraph,
    Placeholder,
    Section,
    Table,
    table_cells,
    table_layout,
    text,
)
from analysis.documents.html import MOTTO, NATION
from analysis.i18n import document_language
from analysis.i18n import t as tr
from analysis.reproducible import save_docx

FONT = "Times New Roman"
BODY_PT = 13
LANGUAGE = "vi-VN"  # the default; an English run writes en-GB (analysis.i18n)
MARGINS_MM = {"top_margin": 20, "bottom_margin": 20, "left_margin": 30, "right_margin": 15}

# the document's own styles: (name, base, size pt, bold, italic, alignment)
STYLE_NAMES = {
    "body": "Báo cáo - Nội dung",
    "heading": "Báo cáo - Đề mục",
    "kind": "Báo cáo - Tên loại",
    "subject": "Báo cáo - Trích yếu",
    "header": "Báo cáo - Tiêu đề văn bản",
    "caption": "Báo cáo - Tên bảng",
    "cell": "Báo cáo - Ô bảng",
    "source": "Báo cáo - Nguồn",
    "placeholder": "Báo cáo - Phần bổ sung",
    "recipients": "Báo cáo - Nơi nhận",
    "signature": "Báo cáo - Chữ ký",
}
_STYLES = (
    ("body", BODY_PT, False, False, WD_ALIGN_PARAGRAPH.JUSTIFY),
    ("heading", BODY_PT, True, False, WD_ALIGN_PARAGRAPH.LEFT),
    ("kind", 14, True, False, WD_ALIGN_PARAGRAPH.CENTER),
    ("subject", 14, True, False, WD_ALIGN_PARAGRAPH.CENTER),
    ("header", 13, False, False, WD_ALIGN_PARAGRAPH.CENTER),
    ("caption", 12, True, False, WD_ALIGN_PARAGRAPH.LEFT),
    ("cell", 10.5, False, False, WD_ALIGN_PARAGRAPH.LEFT),
    ("source", 11, False, True, WD_ALIGN_PARAGRAPH.LEFT),
    ("placeholder", BODY_PT, False, True, WD_ALIGN_PARAGRAPH.JUSTIFY),
    ("recipients", 11, False, False, WD_ALIGN_PARAGRAPH.LEFT),
    ("signature", 14, True, False, WD_ALIGN_PARAGRAPH.CENTER),
)


def _set_font(rpr) -> None:
    """Times New Roman for every script (ascii, hAnsi, east Asian, complex) and the language."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), document_language())
    lang.set(qn("w:eastAsia"), document_language())


def _setup_styles(document) -> None:
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    _set_font(normal.element.get_or_add_rPr())
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    # the defaults of the whole document too (tables, headers and footers inherit them)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_font(rpr)
    for key, size, bold, italic, align in _STYLES:
        style = document.styles.add_style(style_name(key), WD_STYLE_TYPE.PARAGRAPH)
        _STYLE_IDS[style_name(key)] = style.style_id
        style.base_style = normal
        style.quick_style = True
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = italic
        style.paragraph_format.alignment = align
        if key == "heading":
            style.paragraph_format.space_before = Pt(12)
            style.paragraph_format.keep_with_next = True
            style.paragraph_format.outline_level = 0
        if key in ("cell", "header", "recipients", "signature"):
            style.paragraph_format.space_after = Pt(0)
            style.paragraph_format.line_spacing = 1.0
        if key == "caption":
            style.paragraph_format.keep_with_next = True
            style.paragraph_format.space_before = Pt(6)


def _add_text(paragraph, text: str) -> None:
    """Add text whose **spans** are bold."""
    for i, part in enumerate(re.split(r"\*\*(.+?)\*\*", text)):
        if part:
            paragraph.add_run(part).bold = i % 2 == 1 or None


def style_name(key: str) -> str:
    """The name of one of the document's styles, in the run's language."""
    return tr(STYLE_NAMES[key])


# name -> id of the styles `_setup_styles` adds (the id python-docx derives from the name)
_STYLE_IDS: dict[str, str] = {}


def _styled(paragraph, key: str):
    """`paragraph` in the document style `key`: what `paragraph.style = style_name(key)` does,
    without python-docx's search through every style of the document for each paragraph."""
    name = style_name(key)
    style_id = _STYLE_IDS.get(name)
    if style_id is None:
        paragraph.style = name
    else:
        paragraph._p.style = style_id
    return paragraph


def _para(document_or_cell, text: str, key: str, bold: bool | None = None, **run_format):
    p = _styled(document_or_cell.add_paragraph(), key)
    run = p.add_run(text)
    if bold is not None:
        run.bold = bold
    for name, value in run_format.items():
        setattr(run.font, name, value)
    return p


def _cell_property(cell, tag: str, **attrs) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    element = OxmlElement(tag)
    for k, v in attrs.items():
        element.set(qn(k), v)
    tcpr.append(element)


def _no_borders(table) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        e = OxmlElement(f"w:{edge}")
        e.set(qn("w:val"), "nil")
        borders.append(e)
    _insert_in_order(tblpr, borders, ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook"))


def _insert_in_order(parent, element, before: tuple[str, ...]) -> None:
    """Insert `element` before the first child named in `before` (the schema's order)."""
    for child in parent:
        if child.tag in {qn(t) for t in before}:
            child.addprevious(element)
            return
    parent.append(element)


def _fixed_widths(table, widths_cm: list[float]) -> None:
    table.autofit = False  # w:tblLayout fixed
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


def _first_paragraph(cell, text: str, key: str, bold: bool | None = None):
    p = _styled(cell.paragraphs[0], key)
    run = p.add_run(text)
    if bold is not None:
        run.bold = bold
    return p, run


def _add_letterhead(document, head: Letterhead, width_cm: float) -> None:
    t = document.add_table(rows=1, cols=2)
    _no_borders(t)
    _fixed_widths(t, [width_cm * 0.42, width_cm * 0.58])
    left, right = t.rows[0].cells
    _first_paragraph(left, head.superior, "header")
    _para(left, head.issuer, "header", bold=True)
    _para(left, "―――――", "header")
    _para(left, head.number, "header")
    _first_paragraph(right, tr(NATION), "header", bold=True)
    p = _para(right, tr(MOTTO), "header", bold=True, size=Pt(14))
    p.runs[0].underline = True
    _para(right, "", "header")
    _para(right, head.place_date, "header", italic=True)
    _para(document, head.kind, "kind").paragraph_format.space_before = Pt(18)
    _para(document, head.subject, "subject")


def _add_closing(document, closing: Closing, width_cm: float) -> None:
    t = document.add_table(rows=1, cols=2)
    _no_borders(t)
    _fixed_widths(t, [width_cm * 0.5, width_cm * 0.5])
    left, right = t.rows[0].cells
    _, run = _first_paragraph(left, tr("Nơi nhận:"), "recipients", bold=True)
    run.italic = True
    run.font.size = Pt(12)
    for line in closing.recipients:
        _para(left, f"- {line};" if not line.endswith(".") else f"- {line}", "recipients")
    _first_paragraph(right, closing.signature[0], "signature")
    for line in closing.signature[1:]:
        _para(right, line, "signature")
    for _ in range(3):
        _para(right, "", "signature")
    _para(right, tr("[Chữ ký, đóng dấu]"), "signature", bold=False, italic=True)
    _para(right, tr(closing.signer), "signature")


def _add_table(document, table: Table, width_cm: float) -> None:
    _para(document, text(table.caption), "caption")
    header, rows = table_cells(table)
    layout = table_layout(header, rows)
    numeric, nowrap = layout.numeric, layout.nowrap
    widths = [width_cm * w for w in layout.widths]
    size = Pt(layout.font_pt)
    t = document.add_table(rows=1 + len(rows), cols=len(header))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fixed_widths(t, widths)
    # the header row repeats on every page; no row breaks across pages
    for i, row in enumerate(t.rows):
        trpr = row._tr.get_or_add_trPr()
        cant = OxmlElement("w:cantSplit")
        trpr.append(cant)
        if i == 0:
            trpr.append(OxmlElement("w:tblHeader"))
    for j, name in enumerate(header):
        cell = t.rows[0].cells[j]
        p, run = _first_paragraph(cell, name, "cell", bold=True)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run.font.size = size
    for i, values in enumerate(rows, start=1):
        cells = t.rows[i].cells
        for j, value in enumerate(values):
            p, run = _first_paragraph(cells[j], value, "cell")
            run.font.size = size
            if numeric[j]:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if nowrap[j]:
                _cell_property(cells[j], "w:noWrap")
    if table.source:
        _para(document, tr("Nguồn: {source}", source=text(table.source)), "source")


def _page_number_footer(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    for tag, attrs in (
        ("w:fldChar", {"w:fldCharType": "begin"}),
        ("w:instrText", {}),
        ("w:fldChar", {"w:fldCharType": "end"}),
    ):
        e = OxmlElement(tag)
        for k, v in attrs.items():
            e.set(qn(k), v)
        if tag == "w:instrText":
            e.set(qn("xml:space"), "preserve")
            e.text = " PAGE "
        run._r.append(e)


def write_docx(
    sections: list[Section], path: Path, landscape: bool = False, title: str = ""
) -> Path:
    """An editable .docx with the sections' letterhead, headings, paragraphs, tables, figures
    and closing, laid out as an administrative report; `title` goes into the properties."""
    document = Document()
    _setup_styles(document)
    page = document.sections[0]
    page.page_height, page.page_width = Mm(297), Mm(210)
    if landscape:
        page.orientation = WD_ORIENT.LANDSCAPE
        page.page_height, page.page_width = page.page_width, page.page_height
    for margin, mm in MARGINS_MM.items():
        setattr(page, margin, Mm(mm))
    page.header_distance = page.footer_distance = Mm(10)
    _page_number_footer(page)
    width_cm = (page.page_width - page.left_margin - page.right_margin) / 360000
    for section in sections:
        if section.title:
            heading = _para(document, text(section.title), "heading")
            heading.paragraph_format.page_break_before = section.new_page
        for block in section.blocks:
            if isinstance(block, Letterhead):
                _add_letterhead(document, block, width_cm)
            elif isinstance(block, Closing):
                _add_closing(document, block, width_cm)
            elif isinstance(block, Placeholder):
                _para(document, block.text, "placeholder")
            elif isinstance(block, Paragraph):
                _add_text(_styled(document.add_paragraph(), "body"), text(block.text))
            elif isinstance(block, Table):
                _add_table(document, block, width_cm)
            elif isinstance(block, Figure):
                document.add_picture(str(block.path), width=Cm(min(block.width_cm, width_cm)))
                document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
                _para(document, text(block.caption), "source").alignment = WD_ALIGN_PARAGRAPH.CENTER
    props = document.core_properties
    props.title = text(title or next((s.title for s in sections if s.title), "Báo cáo"))
    props.language = document_language()
    props.author = ""
    path.parent.mkdir(parents=True, exist_ok=True)
    return save_docx(document, path)
