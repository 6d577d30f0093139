"""The household review lists and resident totals, laid out as docs/INPUTS.md says.

One xlsx per commune per year (sheet `Danh sách`): three title rows, an empty row,
the header in row 5 (`STT` then the schema's Vietnamese labels), one row per listed
household, a `Tổng cộng` row and signature rows. Listed = the poor and near-poor of
the review, and the households that were on either list the year before and have
left both (`Thoát nghèo` / `Thoát cận nghèo`).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from analysis.reproducible import save_workbook
from analysis.schema import DEPRIVATION_COLUMNS, HOUSEHOLD_COLUMNS, columns_by_name

SHEET = "Danh sách"
TOTALS_SHEET = "Tổng số hộ"
SYNTHETIC_NOTE = "Dữ liệu mô phỏng – không phải số liệu thật"
TOTAL_LABEL = "Tổng cộng"
HEADER_ROW = 5
LIST_COLUMNS = (
    "commune_code", "household_id", "head_name", "head_id_number", "village", "is_urban",
    "n_members", "income_pc_vnd", *DEPRIVATION_COLUMNS, "reported_status",
    "is_social_protection", "is_ethnic_minority", "is_merit", "is_female_head",
)  # fmt: skip
FLAG_COLUMNS = (
    *DEPRIVATION_COLUMNS, "is_social_protection", "is_ethnic_minority", "is_merit", "is_female_head"
)  # fmt: skip
CATEGORY_LABELS = {
    "poor": "Hộ nghèo",
    "near_poor": "Hộ cận nghèo",
    "left_poor": "Thoát nghèo",
    "left_near_poor": "Thoát cận nghèo",
}
TOTALS_HEADER = ("Năm", "Mã xã", "Tên xã", "Tổng số hộ", "Tổng số nhân khẩu")


def slugify(name: str) -> str:
    """'Sơn Kim 1' -> 'son-kim-1'."""
    text = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def list_categories(current: pd.DataFrame, previous: pd.DataFrame | None) -> pd.Series:
    """Category of each household of `current` on the year's list (<NA> = not listed)."""
    status = current["reported_status"]
    category = status.where(status.isin(["poor", "near_poor"]))
    if previous is not None:
        before = current["household_id"].map(
            dict(zip(previous["household_id"], previous["reported_status"], strict=True))
        )
        left = status.eq("not_poor") & before.isin(["poor", "near_poor"])
        category = category.mask(left, "left_" + before.astype("string"))
    return category.astype("string")


def _list_rows(listed: pd.DataFrame) -> list[list]:
    cells = {}
    for col in LIST_COLUMNS:
        values = listed[col]
        if col in FLAG_COLUMNS:
            cells[col] = np.where(values.to_numpy(dtype=bool), "x", None)
        elif col == "is_urban":
            cells[col] = np.where(values.to_numpy(dtype=bool), "Thành thị", "Nông thôn")
        elif col == "reported_status":
            cells[col] = listed["category"].map(CATEGORY_LABELS).to_numpy(dtype=object)
        elif col in ("n_members", "income_pc_vnd"):
            cells[col] = values.to_numpy(dtype=np.int64).tolist()
        else:
            cells[col] = values.to_numpy(dtype=object)
    columns = [cells[c] for c in LIST_COLUMNS]
    return [[i, *row] for i, row in enumerate(zip(*columns, strict=True), start=1)]


def _total_row(listed: pd.DataFrame) -> list:
    row = [TOTAL_LABEL]
    for col in LIST_COLUMNS:
        if col == "head_name":
            row.append(f"{len(listed)} hộ")
        elif col == "n_members":
            row.append(int(listed["n_members"].sum()))
        elif col in FLAG_COLUMNS:
            row.append(int(listed[col].sum()))
        else:
            row.append(None)
    return row


def write_list(
    path: Path, listed: pd.DataFrame, year: int, unit_type: str, name: str, synthetic: bool
) -> None:
    """One commune's review list of `year`; `listed` has LIST_COLUMNS and `category`."""
    labels = columns_by_name(HOUSEHOLD_COLUMNS)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    for i, width in enumerate(_widths(), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.append([_bold(ws, f"UBND {unit_type.upper()} {name.upper()}")])
    title = f"DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO, HỘ THOÁT NGHÈO VÀ THOÁT CẬN NGHÈO NĂM {year}"
    ws.append([_bold(ws, title)])
    ws.append([SYNTHETIC_NOTE if synthetic else None])
    ws.append([])
    header = ("STT", *(labels[c].label_vi for c in LIST_COLUMNS))
    ws.append([_bold(ws, v, wrap=True) for v in header])
    listed = listed.sort_values(["village", "household_id"])
    for row in _list_rows(listed):
        ws.append(row)
    ws.append(_total_row(listed))
    ws.append([])
    sign_col = 1 + LIST_COLUMNS.index("reported_status")
    ws.append([None] * sign_col + [f"{name}, ngày 15 tháng 12 năm {year}"])
    ws.append(
        [None, "Người lập biểu"] + [None] * (sign_col - 2) + [f"TM. UBND {unit_type.upper()}"]
    )
    ws.append([None, "(Ký, ghi rõ họ tên)"] + [None] * (sign_col - 2) + ["CHỦ TỊCH"])
    save_workbook(wb, path, datetime(year, 12, 15))


def _bold(ws, value: str, wrap: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.font = Font(bold=True)
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    return cell


def _widths() -> list[float]:
    wide = {"head_name": 24, "head_id_number": 15, "village": 16, "income_pc_vnd": 14,
            "reported_status": 16}  # fmt: skip
    return [5, *(wide.get(c, 11) for c in LIST_COLUMNS)]


def write_totals(path: Path, totals: pd.DataFrame) -> None:
    """tong_so_ho.xlsx: year, code, name, resident households and persons."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(TOTALS_SHEET)
    ws.append(list(TOTALS_HEADER))
    cols = ["year", "commune_code", "commune_name", "n_households", "n_persons"]
    for year, code, name, n_hh, n_pp in totals[cols].itertuples(index=False):
        ws.append([int(year), str(code), str(name), int(n_hh), int(n_pp)])
    save_workbook(wb, path, datetime(int(totals["year"].max()), 12, 31))
