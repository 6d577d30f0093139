"""Small office-style input files for the ingest tests and the bad-input corpus.

Layouts follow docs/INPUTS.md: title rows 1-3, header in row 5 ("STT" + the
schema's Vietnamese labels), "x" flags, a "Tổng cộng" row and signature rows.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from analysis import schema

LIST_COLUMNS = [
    "commune_code", "household_id", "head_name", "head_id_number", "village", "is_urban",
    "n_members", "income_pc_vnd", *schema.DEPRIVATION_COLUMNS, "reported_status",
    "is_social_protection", "is_ethnic_minority", "is_merit", "is_female_head",
]  # fmt: skip
LABEL = {c.name: c.label_vi for c in schema.HOUSEHOLD_COLUMNS}


def household(i: int, code: str = "18196", status: str = "poor", **over) -> dict:
    """One plausible household row as it appears in a list (labels and 'x' flags)."""
    deprived = 4 if status == "poor" else 1
    row = {
        "commune_code": code,
        "household_id": f"{code}-{i:04d}",
        "head_name": f"Nguyễn Văn Hòa {i}",
        "head_id_number": f"0420{i:08d}",
        "village": "Thôn 1",
        "is_urban": "Nông thôn",
        "n_members": 4,
        "income_pc_vnd": 1_200_000 if status in ("poor", "near_poor") else 2_500_000,
        "reported_status": schema.STATUS_LABELS_VI[status]
        if status != "not_poor"
        else "Thoát nghèo",
        **{c: ("x" if k < deprived else None) for k, c in enumerate(schema.DEPRIVATION_COLUMNS)},
    }
    row.update(over)
    return row


def write_list(
    path: Path,
    rows: list[dict],
    year: int | None = 2024,
    commune: str = "SƠN KIM 1",
    columns: list[str] | None = None,
    labels: dict[str, str] | None = None,
    footer: bool = True,
    sheet: str = "Danh sách",
) -> Path:
    """An xlsx review list as INPUTS.md §1 describes (title block, header row 5, footer)."""
    columns = columns or LIST_COLUMNS
    labels = {**LABEL, **(labels or {})}
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws["A1"] = f"UBND XÃ {commune}"
    year_text = f" NĂM {year}" if year else ""
    ws["A2"] = f"DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO, HỘ THOÁT NGHÈO VÀ THOÁT CẬN NGHÈO{year_text}"
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(columns) + 1)
    ws["A3"] = "Dữ liệu mô phỏng – không phải số liệu thật"
    ws.append([])
    ws.append(["STT", *(labels[c] for c in columns)])
    for i, row in enumerate(rows, start=1):
        ws.append([i, *(row.get(c) for c in columns)])
    if footer:
        ws.append(["Tổng cộng", *[None] * len(columns)])
        ws.append([])
        ws.append([None, "Người lập biểu", None, None, "TM. UBND XÃ"])
        ws.append([None, "(Ký, ghi rõ họ tên)"])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_totals(path: Path, rows: list[tuple]) -> Path:
    """tong_so_ho.xlsx (INPUTS.md §2): Năm | Mã xã | Tên xã | Tổng số hộ | Tổng số nhân khẩu."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng số hộ"
    ws.append(["Năm", "Mã xã", "Tên xã", "Tổng số hộ", "Tổng số nhân khẩu"])
    for row in rows:
        ws.append(list(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
