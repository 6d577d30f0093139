import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis.documents.summary_tables import FIRST_DATA_ROW, HEADER_ROW, write_summary_tables
from analysis.measures import commune_indicators
from analysis.schema import DEPRIVATION_COLUMNS, DYNAMICS_LABELS_VI, POOR_DYNAMICS

SHEETS = [
    "Kết quả",
    "Biến động hộ nghèo",
    "Biến động hộ cận nghèo",
    "Thiếu hụt hộ nghèo",
    "Thiếu hụt hộ cận nghèo",
    "Nhóm đối tượng",
]


def _households() -> pd.DataFrame:
    rows = [
        (2023, "a", "1", "poor", 3),
        (2023, "b", "2", "near_poor", 1),
        (2024, "a", "1", "near_poor", 1),
        (2024, "b", "2", "poor", 4),
        (2024, "c", "2", "poor", 3),
    ]
    df = pd.DataFrame(
        rows, columns=["year", "household_id", "commune_code", "reported_status", "n_dep"]
    )
    for i, col in enumerate(DEPRIVATION_COLUMNS):
        df[col] = df["n_dep"] > i
    return df.drop(columns="n_dep").assign(
        unit_vintage=2024,
        n_members=2,
        is_urban=False,
        is_ethnic_minority=[True, False, True, True, False],
    )


@pytest.fixture
def workbook(tmp_path):
    hh = _households()
    totals = pd.DataFrame(
        {
            "year": [2023, 2023, 2024, 2024],
            "commune_code": ["1", "2", "1", "2"],
            "n_households": [100, 200, 100, 200],
        }
    )
    communes = commune_indicators(hh, totals, {"1": "Sơn Kim 1", "2": "Sơn Kim 2"})
    path = write_summary_tables(
        tmp_path / "bieu.xlsx",
        communes,
        2024,
        district_title="Huyện Hương Sơn",
        synthetic=True,
        households=hh,
    )
    return load_workbook(path)


def test_write_summary_tables__sheets_and_synthetic_label(workbook):
    assert workbook.sheetnames == SHEETS
    for ws in workbook.worksheets:
        assert ws["A3"].value == "Dữ liệu mô phỏng – không phải số liệu thật"
        assert "2024" in ws["A1"].value


def test_write_summary_tables__results_layout(workbook):
    ws = workbook["Kết quả"]
    assert [ws.cell(HEADER_ROW, c).value for c in (1, 2, 3)] == ["Mã xã", "Tên xã", "Tổng số hộ"]
    assert ws.cell(FIRST_DATA_ROW, 1).value == "1"
    assert ws.cell(FIRST_DATA_ROW, 2).value == "Sơn Kim 1"
    last = FIRST_DATA_ROW + 2
    assert ws.cell(last, 2).value == "Toàn huyện"
    assert ws.cell(last, 3).value == 300
    headers = [ws.cell(HEADER_ROW, c).value for c in range(1, ws.max_column + 1)]
    rate = ws.cell(last, headers.index("Tỷ lệ hộ nghèo") + 1)
    assert rate.value == pytest.approx(2 / 300)
    assert rate.number_format == "0.00%"


def test_write_summary_tables__dynamics_two_row_header(workbook):
    ws = workbook["Biến động hộ nghèo"]
    labels = [ws.cell(HEADER_ROW, c).value for c in range(3, 3 + len(POOR_DYNAMICS))]
    assert labels == [DYNAMICS_LABELS_VI[c][1] for c in POOR_DYNAMICS]
    assert ws.cell(HEADER_ROW - 1, 4).value == "Giảm"
    assert ws.cell(HEADER_ROW - 1, 7).value == "Tăng"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"D5:F5", "G5:J5"} <= merged
    row2 = [ws.cell(FIRST_DATA_ROW + 1, c).value for c in range(3, 12)]
    assert row2 == [0, 0, 0, 0, 1, 0, 1, 0, 2]  # commune 2: one from near-poor, one new


def test_write_summary_tables__deprivation_counts(workbook):
    ws = workbook["Thiếu hụt hộ nghèo"]
    assert ws.cell(HEADER_ROW, 3).value == "Số hộ nghèo"
    total_row = FIRST_DATA_ROW + 2
    assert ws.cell(total_row, 3).value == 2
    assert ws.cell(total_row, 4).value == 2  # both poor households deprived in indicator 1
    assert ws.cell(HEADER_ROW - 1, 4).value == "Việc làm"


def test_write_summary_tables__groups_sheet(workbook):
    ws = workbook["Nhóm đối tượng"]
    headers = [ws.cell(HEADER_ROW, c).value for c in range(1, ws.max_column + 1)]
    col = headers.index("Hộ nghèo – Dân tộc thiểu số") + 1
    assert ws.cell(FIRST_DATA_ROW + 2, col).value == 1


def test_write_summary_tables__without_households_says_so(tmp_path):
    hh = _households()
    totals = pd.DataFrame(
        {
            "year": [2023, 2023, 2024, 2024],
            "commune_code": ["1", "2", "1", "2"],
            "n_households": 100,
        }
    )
    communes = commune_indicators(hh, totals, {})
    path = write_summary_tables(
        tmp_path / "b.xlsx", communes, 2024, district_title="X", synthetic=False
    )
    wb = load_workbook(path)
    assert wb["Kết quả"]["A3"].value is None
    assert "Không có danh sách hộ" in wb["Thiếu hụt hộ nghèo"].cell(HEADER_ROW, 1).value


def test_write_summary_tables__groups_other_and_rural(workbook):
    ws = workbook["Nhóm đối tượng"]
    headers = [ws.cell(HEADER_ROW, c).value for c in range(1, ws.max_column + 1)]
    total = FIRST_DATA_ROW + 2
    other = headers.index("Hộ nghèo – Hộ khác (không thuộc DTTS, BTXH, người có công)") + 1
    assert ws.cell(total, other).value == 1  # household c: poor, not ethnic minority
    assert ws.cell(total, headers.index("Hộ nghèo – Nông thôn") + 1).value == 2
