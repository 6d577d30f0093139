import pandas as pd
from docx import Document

from analysis import documents as doc
from analysis.documents.word import write_docx
from analysis.vietnamese import format_number


def _district():
    return pd.DataFrame(
        {
            "year": [2021, 2022, 2023],
            "n_households": [1000, 1000, 1000],
            "n_poor": [60, 50, 42],
            "n_near_poor": [70, 65, 60],
            "poor_rate": [0.06, 0.05, 0.042],
            "near_poor_rate": [0.07, 0.065, 0.06],
            "multidim_rate": [0.13, 0.115, 0.102],
        }
    )


def test_pct_and_pp__vietnamese_format():
    assert doc.pct(0.05123) == "5,12%"
    assert format_number(12345) == "12.345"
    assert doc.pp(-0.0071) == "−0,71\u00a0điểm\u00a0%"
    assert doc.pp(0.01) == "+1,00\u00a0điểm\u00a0%"
    assert doc.pct(float("nan")) == "–"


def test_key_figures_text__numbers_from_the_table():
    text = doc.key_figures_text(_district(), 2023)
    assert "**42 hộ nghèo**" in text and "**4,20%**" in text
    assert "So với năm 2022, tỷ lệ hộ nghèo thay đổi −0,80\u00a0điểm\u00a0%" in text
    # (6.0 - 4.2) / 2 years = 0.90 pp a year; 42 / 60 = 70.0 %
    assert "0,90 điểm % mỗi năm" in text and "70,0%" in text


def test_district_trend_table__change_column():
    table = doc.district_trend_table(_district(), "nguồn")
    assert table.data["Thay đổi"].tolist() == [
        "–",
        "−1,00\u00a0điểm\u00a0%",
        "−0,80\u00a0điểm\u00a0%",
    ]


def test_write_docx__keeps_vietnamese_text_tables_and_bold(tmp_path):
    sections = [
        doc.Section("Báo cáo tóm tắt", [doc.Paragraph("Tỷ lệ hộ nghèo **4,20%** ở Sơn Kim 1")]),
        doc.Section("Bảng", [doc.district_trend_table(_district(), "Kết quả rà soát")]),
    ]
    path = write_docx(sections, tmp_path / "b.docx")
    d = Document(str(path))
    texts = [p.text for p in d.paragraphs]
    assert "Tỷ lệ hộ nghèo 4,20% ở Sơn Kim 1" in texts
    bold = [r.text for p in d.paragraphs for r in p.runs if r.bold]
    assert "4,20%" in bold
    table = d.tables[0]
    assert table.rows[0].cells[0].text == "Năm"
    assert table.rows[3].cells[3].text == "4,20%"


def test_block_html__escapes_and_captions():
    html = doc.block_html(doc.Table(pd.DataFrame({"Xã": ["<b>Sơn</b>"]}), "Chú thích", "Nguồn X"))
    assert (
        "<caption>Chú thích</caption>" in html and "&lt;b&gt;" in html and "Nguồn: Nguồn X" in html
    )


def test_commune_table__never_compares_a_reused_code_across_vintages():
    # 18133 is Phố Châu in the 2024 vintage and Hương Sơn in the 2025 vintage
    ind = pd.DataFrame(
        {
            "year": [2024, 2025], "unit_vintage": [2024, 2025], "commune_code": ["18133", "18133"],
            "commune_name": ["Phố Châu", "Hương Sơn"], "n_households": [100, 400], "n_poor": [1, 20],
            "n_near_poor": [1, 20], "poor_rate": [0.01, 0.05], "near_poor_rate": [0.01, 0.05],
        }
    )  # fmt: skip
    table = doc.commune_table(ind, 2025, "nguồn")
    assert table.data["So với năm trước"].tolist() == ["–"]
    same = ind.assign(unit_vintage=2025, commune_name="Hương Sơn")
    assert doc.commune_table(same, 2025, "nguồn").data["So với năm trước"].tolist() == [
        "+4,00\u00a0điểm\u00a0%"
    ]


def test_briefing_budget__a_year_without_envelopes_says_no_budget_was_allocated(tmp_path):
    from analysis import store
    from analysis.config import PROJECT_ROOT, load_config
    from analysis.documents.briefing import _budget_section

    config = load_config(PROJECT_ROOT / "config" / "huong_son.yaml")
    assert _budget_section(tmp_path, config) is None  # step 04 has not run: nothing said
    status = pd.DataFrame({"available": [False], "reason": ["…"], "budget_year": [2023]})
    store.save_table(tmp_path, "budget_status", status)
    section = _budget_section(tmp_path, config)
    assert [b.text for b in section.blocks] == [
        "Chưa phân bổ ngân sách cho các xã: tệp nguồn vốn chưa có nguồn vốn nào của năm ngân "
        "sách 2023."
    ]
