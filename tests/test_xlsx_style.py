"""Every workbook the suite writes is one a finance officer can use (issue 11, point 5):
numbers stored as numbers with display formats, rates as fractions shown as percent,
formulas with cached values, integer ordinals, Vietnamese headers, frozen and repeated
header rows, A4 one page wide, print area; the summary tables name their form and end
with a signature block and still read back as input."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from analysis.documents.xlsx_style import (
    PERCENT,
    format_table,
    save_workbook_cached,
    snake_case_headers,
    write_frame,
)

NUMBER_AS_TEXT = re.compile(r"^-?\d[\d.,]*\s?%?$")
CODE_HEADERS = ("Mã", "Dự án", "Giá trị", "Tên ghi trong tệp", "Tiêu đề cột trong tệp")


def _header_rows(ws) -> tuple[int, int]:
    first, last = (int(x) for x in re.findall(r"\d+", ws.print_title_rows or ""))
    return first, last


def check_workbook(path: Path, skip_sheets: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Assert the printable look on every sheet with a table; returns each sheet's headers."""
    wb, values = load_workbook(path), load_workbook(path, data_only=True)
    headers = {}
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert setup.paperSize in (9, "9"), (path.name, ws.title)  # A4
        assert ws.print_area, (path.name, ws.title)
        if ws.title in skip_sheets:
            continue
        assert ws.print_title_rows, (path.name, ws.title)
        assert int(setup.fitToWidth) == 1 and int(setup.fitToHeight) == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.freeze_panes, (path.name, ws.title)
        first, head = _header_rows(ws)
        names = [c.value for c in ws[head]]
        headers[ws.title] = names
        assert not snake_case_headers(ws, head), (path.name, ws.title, names)
        assert all(ws.cell(head, j + 1).font.b for j, v in enumerate(names) if v)
        assert all(ws.cell(head, j + 1).alignment.wrap_text for j, v in enumerate(names) if v)
        assert all(ws.cell(head, j + 1).border.left.style for j, v in enumerate(names) if v)
        widths = [ws.column_dimensions[c.column_letter].width for c in ws[head] if c.value]
        assert all(6 <= w <= 45 for w in widths), (ws.title, widths)
        for row in ws.iter_rows(min_row=head + 1):
            for cell in row:
                label = str(names[cell.column - 1] or "") if cell.column <= len(names) else ""
                if cell.data_type == "f":  # own formulas carry their computed value
                    assert values[ws.title][cell.coordinate].value is not None, cell.coordinate
                elif isinstance(cell.value, bool):
                    continue
                elif isinstance(cell.value, int | float):
                    assert cell.number_format != "General", (ws.title, cell.coordinate)
                    if "%" in cell.number_format:
                        assert -1.5 <= cell.value <= 1.5, (ws.title, cell.coordinate, cell.value)
                    if label == "STT":
                        assert isinstance(cell.value, int) and cell.number_format == "0"
                elif isinstance(cell.value, str) and NUMBER_AS_TEXT.match(cell.value.strip()):
                    # codes and values as written in an input may be digits: nothing else
                    assert label.startswith(CODE_HEADERS) or ws.title == "Dòng bị loại", (
                        ws.title,
                        cell.coordinate,
                        label,
                        cell.value,
                    )
    return headers


# ------------------------------------------------------------------ the module itself
def test_format_table__formats_widths_print_setup(tmp_path):
    wb = Workbook()
    ws = wb.active
    frame = pd.DataFrame({"STT": [1, 2], "Tên xã": ["Sơn Kim 1", "Sơn Kim 2"],
                          "Số hộ nghèo": [1234, 56], "Tỷ lệ hộ nghèo": [0.0512, 0.3]})  # fmt: skip
    ws["A1"] = "BẢNG THỬ"
    last = write_frame(ws, frame, 3, {"Tỷ lệ hộ nghèo": PERCENT, "STT": "0"})
    format_table(ws, 3, last_row=last)
    path = tmp_path / "t.xlsx"
    wb.save(path)
    ws = load_workbook(path).active
    assert ws["C4"].value == 1234 and ws["C4"].number_format == "#,##0"
    assert ws["D4"].value == pytest.approx(0.0512) and ws["D4"].number_format == "0.0%"
    assert ws.freeze_panes == "A4" and ws.print_title_rows == "$3:$3"
    assert ws.print_area == "'Sheet'!$A$1:$D$5"
    assert ws.page_setup.orientation == "portrait"
    check_workbook(path)


def test_save_workbook_cached__formulas_keep_values_and_bytes(tmp_path):
    from analysis.documents.safe_xlsx import formula_cell

    def build(name):
        wb = Workbook()
        ws = wb.active
        ws["A1"], ws["A2"] = 2, 3
        formula_cell(ws["A3"], "=A1+A2")
        formula_cell(ws["A4"], "=A1/A2")
        return save_workbook_cached(wb, tmp_path / name, {ws.title: {"A3": 5, "A4": 2 / 3}})

    a, b = build("a.xlsx"), build("b.xlsx")
    assert a.read_bytes() == b.read_bytes()
    ws = load_workbook(a, data_only=True).active
    assert ws["A3"].value == 5 and ws["A4"].value == pytest.approx(2 / 3)
    assert load_workbook(a).active["A3"].value == "=A1+A2"


# ------------------------------------------------------------------ every writer
def test_scorecard_workbook(tmp_path):
    from analysis.targets.reports import write_scorecard_xlsx
    from analysis.targets.scorecard import build_scorecard
    from test_targets import CONFIG, TWO_COMMUNES

    sc = build_scorecard(TWO_COMMUNES, CONFIG)
    path = write_scorecard_xlsx(sc, tmp_path / "sc.xlsx", CONFIG)
    headers = check_workbook(path)
    ws = load_workbook(path)["Chi tiết"]
    names = headers["Chi tiết"]
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    assert {r[names.index("Đơn vị")] for r in rows} >= {"Toàn huyện", "Xã A", "Xã B"}
    assert all(r[names.index("Chỉ tiêu")] for r in rows)  # readable labels beside the codes
    t2 = next(r for r in rows if r[names.index("Mã chỉ tiêu")] == "T2")
    assert t2[names.index("Giá trị")] == pytest.approx(1.0)  # 100 % of the baseline: a fraction
    assert load_workbook(path)["Tổng hợp huyện"].page_setup.orientation == "landscape"


def _summary_inputs(codes=("1", "2"), names=("Sơn Kim 1", "Sơn Kim 2")):
    from analysis.measures import commune_indicators
    from test_summary_tables import _households

    hh = _households().replace({"commune_code": dict(zip(("1", "2"), codes, strict=True))})
    totals = pd.DataFrame({"year": [2023, 2023, 2024, 2024], "commune_code": [*codes, *codes],
                           "n_households": [100, 200, 100, 200]})  # fmt: skip
    return hh, commune_indicators(hh, totals, dict(zip(codes, names, strict=True)))


def test_summary_tables_workbook__form_reference_and_signature(tmp_path):
    from analysis.documents.summary_tables import (
        APPROVER_VI,
        FORM_REFERENCE_VI,
        write_summary_tables,
    )

    hh, communes = _summary_inputs()
    path = write_summary_tables(tmp_path / "bieu.xlsx", communes, 2024,
                                district_title="Huyện Hương Sơn", synthetic=True, households=hh)  # fmt: skip
    check_workbook(path)
    for ws in load_workbook(path).worksheets:
        texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        assert FORM_REFERENCE_VI in texts and "Thông tư số 07/2021/TT-BLĐTBXH" in FORM_REFERENCE_VI
        assert "Người lập biểu" in texts and APPROVER_VI[0] in texts
        assert ws.freeze_panes == "C7"


def test_summary_tables_workbook__still_read_back_as_input(tmp_path, monkeypatch):
    from analysis.documents.summary_tables import write_summary_tables
    from analysis.ingest import read_review
    from test_ingest import make_config

    monkeypatch.setenv("POVERTY_PSEUDONYM_KEY", "k" * 40)
    hh, communes = _summary_inputs(("18196", "18199"))
    write_summary_tables(tmp_path / "bieu" / "tong_hop_2024.xlsx", communes, 2024,
                         district_title="Huyện Hương Sơn", synthetic=True, households=hh)  # fmt: skip
    review = read_review(make_config(tmp_path, lists=None, totals=None, summary="bieu"))
    s = review.summary.set_index("commune_code")
    assert s.loc["18196", "n_households"] == 100 and s.loc["18199", "n_poor"] == 2
    assert (review.summary["year"] == 2024).all()
    text = " ".join(
        review.problems["message"].astype(str) + " " + review.problems["value"].astype(str)
    )
    assert "Người lập biểu" not in text and "ỦY BAN" not in text
    assert not (review.problems["severity"] == "fatal").any()


def test_input_check_workbook__vietnamese_headers_everywhere(tmp_path, monkeypatch):
    from analysis.ingest import validate_path
    from corpus.builders import household, write_list
    from test_safe_outputs import CONFIG

    monkeypatch.setenv("POVERTY_PSEUDONYM_KEY", "test-key-" + "0" * 32)
    rows = [household(i) for i in range(1, 40)]
    rows += [household(50 + i, n_members="nhiều") for i in range(3)]  # rejected rows
    write_list(tmp_path / "lists" / "2024" / "18196_son-kim-1.xlsx", rows)
    report = validate_path(tmp_path / "lists", CONFIG)
    assert len(report.rejects) == 3
    paths = report.write(tmp_path / "out", note="Dữ liệu mô phỏng")
    headers = check_workbook(paths["xlsx"])
    assert "Lý do loại" in headers["Dòng bị loại"] and "Số nhân khẩu" in headers["Dòng bị loại"]
    mapped = [
        r[3]
        for r in load_workbook(paths["xlsx"])["Ánh xạ cột"].iter_rows(min_row=2, values_only=True)
    ]
    assert mapped and not any(isinstance(v, str) and "_" in v for v in mapped)


def test_proposals_workbook(tmp_path):
    from analysis.proposals import propose_targets, write_proposals_xlsx
    from test_proposals import CONFIG, RESULT, TABLE

    t = propose_targets(RESULT, TABLE, CONFIG)
    path = write_proposals_xlsx(t, tmp_path / "p.xlsx", CONFIG)
    check_workbook(path)
    ws = load_workbook(path, data_only=True).active
    total = [c.value for c in ws[ws.max_row]]
    assert total[2] == "Toàn huyện" and total[3] == int(t["n_households"].sum())
    assert total[5] == pytest.approx(t["n_poor"].sum() / t["n_households"].sum())


def test_allocation_workbook(tmp_path):
    from analysis.budget import allocate as A
    from analysis.budget.outputs import write_workbook
    from test_budget import _criteria, _env, _rules

    crit = _criteria(4)
    rules = _rules([_env("2", "TW", 1234), _env("2", "TINH", 123)])
    path = write_workbook(tmp_path / "pb.xlsx", rules, A.allocate(rules, crit), crit, {}, "Huyện X")
    check_workbook(path)


def test_number_format__a_year_column_is_never_grouped_like_an_amount():
    from analysis.documents.xlsx_style import INTEGER, number_format_for

    assert number_format_for(2022, "Năm thoát nghèo") == "0"  # not 2.022
    assert number_format_for(2022, "Năm") == "0"
    assert number_format_for(2022, "Số hộ") == INTEGER  # an amount that happens to be 2022
    assert number_format_for(12000, "Năm thoát nghèo") == INTEGER  # not a year
