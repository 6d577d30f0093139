"""The briefing as an administrative report (Decree 30/2020/NĐ-CP): letterhead, report order,
A4 page, margins and fonts, and tables that paste cleanly into a resolution draft."""

from __future__ import annotations

import re
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from analysis import documents as doc
from analysis.config import load_config
from analysis.documents.word import STYLE_NAMES, write_docx
from districts import sample_config, write_config

SAMPLE = Path(__file__).resolve().parents[1] / "config" / "huong_son.yaml"
E2E_HOUSEHOLDS = 3000


def _mm(length) -> float:
    return round(length / Mm(1), 1)


# ---------------------------------------------------------------- issuer and letterhead
def test_issuer__district_committee_before_the_reform_province_department_after():
    config = load_config(SAMPLE)
    before, after = doc.issuer_for(config, 2024), doc.issuer_for(config, 2025)
    assert (before.superior, before.issuer) == ("UBND TỈNH HÀ TĨNH", "UBND HUYỆN HƯƠNG SƠN")
    assert before.signature == ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    assert after.superior == "UBND TỈNH HÀ TĨNH" and after.issuer.startswith("SỞ ")
    assert after.area == "địa bàn huyện Hương Sơn (cũ)" and after.place == "Hà Tĩnh"


def test_issuer__config_entry_overrides_only_the_keys_it_gives(tmp_path):
    raw = sample_config_raw()
    raw["documents"] = {
        "issuers": [
            {"from_year": 2025, "to_year": 2030, "issuer": "UBND XÃ SƠN KIM 1", "place": "Sơn Kim"}
        ]
    }
    config = load_config(write_config(raw, tmp_path / "c.yaml"))
    info = doc.issuer_for(config, 2025)
    assert (info.issuer, info.place) == ("UBND XÃ SƠN KIM 1", "Sơn Kim")
    assert info.superior == "UBND TỈNH HÀ TĨNH"  # default kept
    assert doc.issuer_for(config, 2024).issuer == "UBND HUYỆN HƯƠNG SƠN"  # not covered


def sample_config_raw() -> dict:
    import yaml

    return yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))


def test_place_date__leading_zeros_for_days_below_10_and_months_1_and_2():
    assert doc.place_date("Hương Sơn", date(2025, 1, 5)) == "Hương Sơn, ngày 05 tháng 01 năm 2025"
    assert doc.place_date("Hà Tĩnh", date(2025, 12, 20)) == "Hà Tĩnh, ngày 20 tháng 12 năm 2025"


# ---------------------------------------------------------------- tables
def _table() -> doc.Table:
    data = pd.DataFrame(
        {
            "Mã xã": ["18133", "18136"],
            "Xã": ["Sơn Kim 2", "An Hòa Thịnh"],
            "Hộ nghèo": ["1.234", "5"],
            "Thay đổi": ["\u22120,71\u00a0điểm\u00a0%", "+1,00 điểm %"],
            "Ghi chú": ["–", "giảm 2021–2025"],
        }
    )
    return doc.Table(data, "Bảng thử", "Nguồn thử")


def test_table_cells__hyphen_minus_and_no_nbsp_numbers_right_aligned():
    header, rows = doc.table_cells(_table())
    text = " ".join(header + [v for r in rows for v in r])
    assert not re.search("[\u2212\u2013\u2014\u00a0\u202f]", text)
    assert rows[0][3] == "-0,71 điểm %" and rows[0][4] == "-"
    assert doc.numeric_columns(header, rows) == [True, False, True, True, False]
    widths = doc.column_widths(header, rows)
    assert abs(sum(widths) - 1) < 1e-9 and widths[1] > widths[0]  # names wider than codes
    html = doc.table_html(_table())
    assert "<thead>" in html and "<colgroup>" in html and html.count("<col ") == 5
    assert '<td class="num nowrap">1.234</td>' in html
    assert '<td class="nowrap">An Hòa Thịnh</td>' in html


def _docx(tmp_path: Path) -> Document:
    config = load_config(SAMPLE)
    sections = [
        doc.Section("", [doc.letterhead(config, 2024, date(2025, 1, 5))]),
        doc.Section("I. KẾT QUẢ", [doc.Paragraph("Tỷ lệ **3,06%**."), _table()]),
        doc.Section("III. NGUYÊN NHÂN", [doc.Placeholder("bài học kinh nghiệm")]),
        doc.Section("", [doc.closing(config, 2024)]),
        doc.Section("PHỤ LỤC 1", [doc.Paragraph("x")], new_page=True),
    ]
    path = write_docx(sections, tmp_path / "b.docx", title=doc.document_title(config, 2024))
    return Document(path), path


def test_docx__a4_margins_fonts_styles_language_and_title(tmp_path):
    document, path = _docx(tmp_path)
    _assert_page_and_fonts(document)
    assert document.core_properties.title.startswith("Báo cáo kết quả rà soát")
    assert document.core_properties.language == "vi-VN"
    for name in STYLE_NAMES.values():
        assert document.styles[name].font.name in (None, "Times New Roman"), name
    text = "\n".join(p.text for p in document.paragraphs)
    assert "[Phần do cơ quan soạn thảo bổ sung: bài học kinh nghiệm]" in text
    head = document.tables[0]
    assert "UBND HUYỆN HƯƠNG SƠN" in head.cell(0, 0).text and "Số:" in head.cell(0, 0).text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in head.cell(0, 1).text
    assert "Hương Sơn, ngày 05 tháng 01 năm 2025" in head.cell(0, 1).text
    closing = document.tables[-1]
    assert closing.cell(0, 0).text.startswith("Nơi nhận:")
    assert "TM. ỦY BAN NHÂN DÂN" in closing.cell(0, 1).text
    annex = next(p for p in document.paragraphs if p.text == "PHỤ LỤC 1")
    assert annex.paragraph_format.page_break_before
    with zipfile.ZipFile(path) as z:
        footer = "".join(z.read(n).decode() for n in z.namelist() if "footer" in n)
    assert "PAGE" in footer  # page numbers


def test_docx__table_header_repeats_widths_set_names_unbroken_numbers_right(tmp_path):
    document, _ = _docx(tmp_path)
    table = document.tables[1]
    first = table.rows[0]._tr
    assert first.trPr is not None and first.trPr.find(qn("w:tblHeader")) is not None
    assert all(c.width is not None and c.width > 0 for c in table.rows[1].cells)
    names = table.rows[1].cells[1]._tc.tcPr
    assert names.find(qn("w:noWrap")) is not None
    assert table.rows[1].cells[2].paragraphs[0].alignment == 2  # RIGHT
    cells = [c.text for r in table.rows for c in r.cells]
    assert not any(re.search("[\u2212\u2013\u00a0]", c) for c in cells)


def _assert_page_and_fonts(document) -> None:
    section = document.sections[0]
    assert (_mm(section.page_width), _mm(section.page_height)) == (210.0, 297.0)
    assert 20 <= _mm(section.top_margin) <= 25 and 20 <= _mm(section.bottom_margin) <= 25
    assert 30 <= _mm(section.left_margin) <= 35 and 15 <= _mm(section.right_margin) <= 20
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and 13 <= normal.font.size.pt <= 14
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "Times New Roman"
    assert normal.element.rPr.find(qn("w:lang")).get(qn("w:val")) == "vi-VN"


# ---------------------------------------------------------------- one run, three formats
@pytest.fixture(scope="module")
def briefing_run(tmp_path_factory) -> Path:
    from analysis.pipeline import run_cycle

    root = tmp_path_factory.mktemp("layout")
    config_path = write_config(sample_config(root, E2E_HOUSEHOLDS), root / "district.yaml")
    return run_cycle(
        config_path, 2024, out_root=root / "outputs", progress=False, run_date=date(2025, 1, 5)
    )


PARTS = (
    "I. KẾT QUẢ RÀ SOÁT",
    "II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
    "III. NGUYÊN NHÂN, TỒN TẠI, HẠN CHẾ",
    "IV. DỰ BÁO",
    "V. BẢN ĐỒ",
    "VI. NGÂN SÁCH",
    "VII. ĐỀ XUẤT, KIẾN NGHỊ",
    "NGUỒN SỐ LIỆU, PHƯƠNG PHÁP VÀ GIẢ ĐỊNH",
    "Nơi nhận:",
    "PHỤ LỤC 1.",
    "PHỤ LỤC 2.",
)


def _in_order(text: str, parts=PARTS) -> list[int]:
    return [text.find(p) for p in parts]


def test_run__docx_layout_and_report_order(briefing_run):
    document = Document(briefing_run / "briefing.docx")
    _assert_page_and_fonts(document)
    assert document.core_properties.title.startswith("Báo cáo kết quả rà soát hộ nghèo")
    body = document.element.body
    text = "\n".join(t.text or "" for t in body.iter(qn("w:t")))
    where = _in_order(text)
    assert all(i >= 0 for i in where) and where == sorted(where), list(
        zip(PARTS, where, strict=True)
    )
    assert "Hương Sơn, ngày 05 tháng 01 năm 2025" in text
    assert "[Phần do cơ quan soạn thảo bổ sung:" in text
    headers = [t for t in document.tables if t.style is not None and t.style.name == "Table Grid"]
    assert headers and all(t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None for t in headers)
    cells = [c.text for t in headers for r in t.rows for c in r.cells]
    assert not any(re.search("[\u2212\u00a0\u202f]", c) for c in cells)


def test_run__html_and_pdf_titled_in_vietnamese_same_order(briefing_run):
    html = (briefing_run / "briefing.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in html
    title = re.search(r"<title>(.*?)</title>", html).group(1)
    assert title.startswith("Báo cáo kết quả rà soát") and "Notebook" not in title
    where = _in_order(html)
    assert all(i >= 0 for i in where) and where == sorted(where)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html and "<thead>" in html
    tables = re.findall(r"<table class=\"vn-table\".*?</table>", html, flags=re.S)
    assert tables and not any(re.search("[\u2212\u00a0\u202f]|&nbsp;", t) for t in tables)
    info = subprocess.run(
        ["pdfinfo", str(briefing_run / "briefing.pdf")], capture_output=True, text=True
    ).stdout
    assert "Title:" in info and "Báo cáo kết quả rà soát" in info
    assert "A4" in info or "595.28 x 841.89" in info
    fonts = subprocess.run(
        ["pdffonts", str(briefing_run / "briefing.pdf")], capture_output=True, text=True
    ).stdout
    assert "Sans" not in fonts and re.search(r"Serif|Times|Tinos", fonts)
