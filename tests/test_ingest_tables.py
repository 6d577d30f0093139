"""Cutting the table out of a sheet: which rows are data, totals, groups."""

from pathlib import Path

import pandas as pd

from analysis.ingest.headers import find_header
from analysis.ingest.readers import RawSheet
from analysis.ingest.tables import extract_table


def _sheet(rows):
    grid = pd.DataFrame(rows, dtype=object)
    grid.index = pd.RangeIndex(1, len(rows) + 1)
    return RawSheet(Path("t.xlsx"), "Tổng số hộ", grid)


def test_tables__communes_named_cong_or_tong_are_data_not_totals():
    """Cộng Hòa, Tống Phan: commune names that begin like a total row's 'Cộng', 'Tổng'."""
    sheet = _sheet(
        [
            ["Năm", "Mã xã", "Tên xã", "Tổng số hộ", "Tổng số nhân khẩu"],
            [2024, "07147", "Hiệp Hòa", 302, 1093],
            [2024, "07150", "Cộng Hòa", 254, 991],
            [2024, None, "Tổng cộng", 556, 2084],
        ]
    )
    header = find_header(sheet.grid, ("totals",))
    table = extract_table(sheet, header)
    assert table.data["commune_name"].tolist() == ["Hiệp Hòa", "Cộng Hòa"]
    assert table.totals["commune_name"].tolist() == ["Tổng cộng"]
    named = _sheet(
        [
            ["Tên xã", "Tổng số hộ", "Tổng số nhân khẩu"],
            ["Tống Phan", 300, 1000],
            ["Cộng Lạc", 200, 800],
            ["Cộng", 500, 1800],
            ["Tổng hợp huyện", 500, 1800],
        ]
    )
    table = extract_table(named, find_header(named.grid, ("totals",)))
    assert table.data["commune_name"].tolist() == ["Tống Phan", "Cộng Lạc"]
    assert table.totals["commune_name"].tolist() == ["Cộng", "Tổng hợp huyện"]
