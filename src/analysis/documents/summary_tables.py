"""The review's standard summary tables (DOMAIN.md §3) as an XLSX workbook.

Sheets, all by commune with the district total ("Toàn huyện") at the bottom:
"Kết quả", "Biến động hộ nghèo", "Biến động hộ cận nghèo", "Thiếu hụt hộ nghèo",
"Thiếu hụt hộ cận nghèo", "Nhóm đối tượng". Layout, read back by the ingest as
summary-table input: title rows 1–3 (title, district and year, "Dữ liệu mô phỏng"
when synthetic), row 4 empty, a group row 5 (merged over its columns, may be empty),
the column headers in row 6, data from row 7; "Mã xã" in column A, "Tên xã" in B.
Rates are fractions shown as percent with 2 decimals. Each sheet names its form
(`FORM_REFERENCE_VI`, top right of row 1) and ends with a signature block ("Người lập
biểu" / "TM. ỦY BAN NHÂN DÂN") two rows below the table; look and printing:
`analysis.documents.xlsx_style`.

In an English run (analysis.i18n) sheet names, titles, headers and labels are English: that
workbook is for reading; the ingest reads the Vietnamese one back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from analysis.documents.safe_xlsx import neutralise_workbook
from analysis.documents.xlsx_style import (
    INTEGER,
    PERCENT2,
    format_table,
    print_setup,
    signature_block,
    title_cell,
)
from analysis.i18n import t
from analysis.measures import (
    DISTRICT_LABEL_VI,
    MISSING_FLAG,
    MISSING_VI,
    deprivation_headcounts,
    describe_missing,
    district_indicators,
    headcounts_wide,
)
from analysis.reproducible import save_workbook
from analysis.schema import DYNAMICS_LABELS_VI, INDICATOR_COLUMNS, NEAR_POOR_DYNAMICS, POOR_DYNAMICS
from analysis.standard import DEFAULT_STANDARD, Standard, get_standard

SYNTHETIC_NOTE_VI = "Dữ liệu mô phỏng – không phải số liệu thật"
NO_MICRODATA_VI = "Không có danh sách hộ năm này (chỉ có bảng tổng hợp): không lập được biểu này."
# The review's summary forms are annexed to Circular 07/2021/TT-BLĐTBXH [unconfirmed: the
# form numbers ("Biểu số …") were not checked against the circular, so none is printed].
FORM_REFERENCE_VI = "Mẫu biểu tổng hợp theo Thông tư số 07/2021/TT-BLĐTBXH"
PREPARER_VI = ("Người lập biểu", "(Ký, ghi rõ họ tên)")
APPROVER_VI = ("TM. ỦY BAN NHÂN DÂN", "(Ký tên, đóng dấu)")
HEADER_ROW = 6
FIRST_DATA_ROW = 7
RESULT_COLUMNS = tuple(
    c for c in INDICATOR_COLUMNS if c.name.startswith(("n_", "poor", "near", "multi"))
)
GROUPS_VI = (
    ("is_ethnic_minority", "Dân tộc thiểu số"),
    ("is_social_protection", "Hộ BTXH không có khả năng lao động"),
    ("is_merit", "Hộ người có công"),
    ("is_female_head", "Chủ hộ là nữ"),
    ("is_urban", "Thành thị"),
)
# "Other": in none of the programme's target groups (ethnic minority, no working capacity, merit).
OTHER_EXCLUDES = ("is_ethnic_minority", "is_social_protection", "is_merit")
OTHER_VI = "Hộ khác (không thuộc DTTS, BTXH, người có công)"
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def write_summary_tables(
    path: str | Path,
    communes: pd.DataFrame,
    year: int,
    *,
    district_title: str,
    synthetic: bool,
    households: pd.DataFrame | None = None,
    standard: Standard | str = DEFAULT_STANDARD,
    status_col: str = "reported_status",
    stamp: datetime | None = None,
) -> Path:
    """Write the six summary sheets of one review year; returns the path.

    `stamp`: the workbook's date (document properties); default the run's date.

    `communes`: `measures.commune_indicators` rows (any years; `year` is selected).
    `households`: the canonical household rows (any years), for the deprivation and
    target-group sheets; without them those sheets say the lists are missing.
    """
    std = get_standard(standard)
    district_title = _district_title(district_title)
    rows = communes.loc[communes["year"] == year].sort_values("commune_code")
    total = district_indicators(rows)
    hh = None if households is None else households.loc[households["year"] == year]
    hh = None if hh is None or hh.empty else hh
    wb = Workbook()
    wb.remove(wb.active)
    titles = _Titles(district_title, year, synthetic)
    _results_sheet(wb, rows, total, titles)
    for cols, name, label in (
        (POOR_DYNAMICS, "Biến động hộ nghèo", "BIẾN ĐỘNG HỘ NGHÈO"),
        (NEAR_POOR_DYNAMICS, "Biến động hộ cận nghèo", "BIẾN ĐỘNG HỘ CẬN NGHÈO"),
    ):
        _dynamics_sheet(wb.create_sheet(t(name)[:31]), rows, total, cols, titles.with_title(label))
    for status, name, label in (
        ("poor", "Thiếu hụt hộ nghèo", "THIẾU HỤT CÁC CHỈ SỐ CỦA HỘ NGHÈO"),
        ("near_poor", "Thiếu hụt hộ cận nghèo", "THIẾU HỤT CÁC CHỈ SỐ CỦA HỘ CẬN NGHÈO"),
    ):
        ws = wb.create_sheet(t(name)[:31])
        _deprivation_sheet(ws, rows, hh, std, status, status_col, titles.with_title(label))
    _groups_sheet(wb.create_sheet(t("Nhóm đối tượng")[:31]), rows, hh, status_col, titles)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    neutralise_workbook(wb)  # commune names and notes: text, never formulas
    save_workbook(wb, path, stamp)
    return path


def _district_title(text: str) -> str:
    """'Huyện Hương Sơn, tỉnh Hà Tĩnh' in the run's language (English 'Hương Sơn District, Hà
    Tĩnh province'); any other wording is kept as given."""
    m = re.fullmatch(r"(\S+) (.+), tỉnh (.+)", text)
    if not m:
        return t(text)
    return t("{Unit} {name}, tỉnh {province}", Unit=t(m[1].lower()).capitalize(), name=m[2],
             province=m[3])  # fmt: skip


class _Titles:
    def __init__(self, district: str, year: int, synthetic: bool, title: str = "") -> None:
        self.district, self.year, self.synthetic, self.title = district, year, synthetic, title

    def with_title(self, title: str) -> _Titles:
        return _Titles(self.district, self.year, self.synthetic, title)

    def write(self, ws: Worksheet) -> None:
        ws["A1"] = t("{title} NĂM {year}", title=t(self.title), year=self.year)
        title_cell(ws["A1"])
        ws["A2"] = t("{district} – kỳ rà soát năm {year}", district=self.district, year=self.year)
        if self.synthetic:
            ws["A3"] = t(SYNTHETIC_NOTE_VI)
            ws["A3"].font = Font(italic=True, color="C00000")


def _results_sheet(wb: Workbook, rows: pd.DataFrame, total: pd.DataFrame, titles: _Titles) -> None:
    ws = wb.create_sheet(t("Kết quả")[:31])
    titles.with_title("KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO").write(ws)
    cols = [c.name for c in RESULT_COLUMNS]
    headers = [("", c.label_vi) for c in RESULT_COLUMNS]
    _table(ws, rows, total, cols, headers, rates={c for c in cols if c.endswith("_rate")})


def _dynamics_sheet(ws, rows, total, cols: Sequence[str], titles: _Titles) -> None:
    titles.write(ws)
    headers = [DYNAMICS_LABELS_VI[c] for c in cols]
    _table(ws, rows, total, list(cols), headers, rates=set())


def _deprivation_sheet(ws, rows, hh, std: Standard, status, status_col, titles) -> None:
    titles.write(ws)
    if hh is None:
        ws.cell(HEADER_ROW, 1, t(NO_MICRODATA_VI))
        print_setup(ws, None)
        return
    long = deprivation_headcounts(hh, std, status_col, by=("commune_code",))
    district = deprivation_headcounts(hh, std, status_col, by=())
    part = headcounts_wide(long, status, by=("commune_code",))
    data = rows[_keys(rows)].merge(part, on="commune_code", how="left")
    total = headcounts_wide(district, status, by=()).assign(commune_name=DISTRICT_LABEL_VI)
    n_label = "Số hộ nghèo" if status == "poor" else "Số hộ cận nghèo"
    cols, headers = ["n_units"], [("", n_label)]
    for ind in std.indicators:
        group = std.dimension_label_vi(std.dimension_of(ind))
        cols += [f"n_{ind}", f"rate_{ind}"]
        label = t(std.label_vi(ind))
        headers += [(group, t("{indicator} (số hộ)", indicator=label)), (group, f"{label} (%)")]
    data = data.fillna({c: 0 for c in cols if c.startswith("n_")})
    rates = {c for c in cols if c.startswith("rate_")}
    _table(ws, data, total, cols, headers, rates=rates)


def _groups_sheet(ws, rows, hh, status_col, titles: _Titles) -> None:
    titles.with_title("HỘ NGHÈO, HỘ CẬN NGHÈO THEO NHÓM ĐỐI TƯỢNG").write(ws)
    if hh is None:
        ws.cell(HEADER_ROW, 1, t(NO_MICRODATA_VI))
        print_setup(ws, None)
        return
    counts = _group_counts(hh, status_col)
    data = rows[_keys(rows)].merge(counts, on="commune_code", how="left")
    cols = [c for c in counts.columns if c != "commune_code"]
    data[cols] = data[cols].fillna(0)
    total = data[cols].sum().to_frame().T.assign(commune_name=DISTRICT_LABEL_VI)
    headers = []
    for label in ("Hộ nghèo", "Hộ cận nghèo"):
        shown = t(label)
        headers.append((shown, t("{group} – tổng số", group=shown)))
        headers += [(shown, f"{shown} – {t(g)}") for _, g in GROUPS_VI]
        headers += [(shown, f"{shown} – {t(OTHER_VI)}"), (shown, f"{shown} – {t('Nông thôn')}")]
    _table(ws, data, total, cols, headers, rates=set())


def _keys(rows: pd.DataFrame) -> list[str]:
    """Code, name, year and the "thiếu số liệu" flag, carried to the household-based sheets."""
    return [c for c in ("year", "commune_code", "commune_name", MISSING_FLAG) if c in rows]


def _group_counts(hh: pd.DataFrame, status_col: str) -> pd.DataFrame:
    status = hh[status_col].astype("string").fillna("")
    out = {}
    for s in ("poor", "near_poor"):
        is_s = (status == s).to_numpy()
        out[f"{s}_total"] = is_s
        for flag, _ in GROUPS_VI:
            values = hh.get(flag, pd.Series(False, index=hh.index))
            out[f"{s}_{flag}"] = is_s & values.astype("boolean").fillna(False).to_numpy(dtype=bool)
        targeted = np.zeros(len(hh), dtype=bool)
        for flag in OTHER_EXCLUDES:
            targeted |= out[f"{s}_{flag}"]
        out[f"{s}_other"] = is_s & ~targeted
        urban = hh["is_urban"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        out[f"{s}_rural"] = is_s & ~urban
    frame = pd.DataFrame(out).astype("int64").assign(commune_code=hh["commune_code"].to_numpy())
    return frame.groupby("commune_code", as_index=False).sum().astype({"commune_code": "string"})


def _table(ws, data, total, cols, headers, rates: set[str]) -> None:
    """Group row 5 (merged runs), header row 6, commune rows, the district row."""
    ws.cell(HEADER_ROW, 1, t("Mã xã"))
    ws.cell(HEADER_ROW, 2, t("Tên xã"))
    headers = [(t(group), t(label)) for group, label in headers]
    for j, (group, label) in enumerate(headers, start=3):
        ws.cell(HEADER_ROW - 1, j, group or None)
        ws.cell(HEADER_ROW, j, label)
    _merge_groups(ws, [g for g, _ in headers])
    body = pd.concat([data, total.assign(commune_code=None)], ignore_index=True)
    for i, row in enumerate(body.to_dict("records"), start=FIRST_DATA_ROW):
        ws.cell(i, 1, row["commune_code"] if isinstance(row["commune_code"], str) else None)
        ws.cell(i, 2, t(row["commune_name"]))
        flag = row.get(MISSING_FLAG)
        gap = isinstance(flag, bool | np.bool_) and bool(flag)
        for j, col in enumerate(cols, start=3):
            cell = ws.cell(i, j, t(MISSING_VI) if gap else _value(row[col], col in rates))
            cell.number_format = PERCENT2 if col in rates else INTEGER
    last = FIRST_DATA_ROW + len(body) - 1
    _style(ws, len(cols) + 2, last)
    end = last
    if len(data) and "year" in data and MISSING_FLAG in data:
        note = describe_missing(data, int(data["year"].iloc[0]))
        if note:
            end = last + 2
            ws.cell(end, 1, note).font = Font(italic=True)
    n_cols = len(cols) + 2
    ws.cell(1, n_cols, t(FORM_REFERENCE_VI)).font = Font(italic=True)
    ws.cell(1, n_cols).alignment = Alignment(horizontal="right", wrap_text=False)
    preparer, approver = tuple(map(t, PREPARER_VI)), tuple(map(t, APPROVER_VI))
    end = signature_block(ws, end + 2, preparer, approver, n_cols)
    format_table(ws, (HEADER_ROW - 1, HEADER_ROW), last_row=last, last_col=n_cols, freeze_col=3,
                 widths={1: 8})  # fmt: skip


def _value(value, is_rate: bool):
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    return float(value) if is_rate else int(value)


def _merge_groups(ws, groups: list[str]) -> None:
    start = 0
    for j in range(1, len(groups) + 1):
        if j == len(groups) or groups[j] != groups[start]:
            if groups[start] and j - start > 1:
                ws.merge_cells(
                    start_row=HEADER_ROW - 1, start_column=start + 3,
                    end_row=HEADER_ROW - 1, end_column=j + 2,
                )  # fmt: skip
            start = j


def _style(ws, n_cols: int, last_row: int) -> None:
    for r in range(HEADER_ROW - 1, last_row + 1):
        for c in range(1, n_cols + 1):
            cell = ws.cell(r, c)
            cell.border = BORDER
            if r < FIRST_DATA_ROW:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for c in range(1, n_cols + 1):
        ws.cell(last_row, c).font = Font(bold=True)
    ws.row_dimensions[HEADER_ROW].height = 60
