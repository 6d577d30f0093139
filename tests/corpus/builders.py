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


RESULT_COLUMNS = ["n_households", "n_poor", "poor_rate", "n_near_poor", "near_poor_rate"]


def write_summary(path: Path, year: int, communes: list[dict], district_row: bool = True,
                  title: bool = True) -> Path:  # fmt: skip
    """The district's summary workbook: 'Kết quả' + the two dynamics sheets (two-row headers).

    `communes`: dicts with commune_code, commune_name, the result counts and the
    DYNAMICS_COLUMNS counts.
    """
    indicator = {c.name: c.label_vi for c in schema.INDICATOR_COLUMNS}
    wb = Workbook()
    ws = wb.active
    ws.title = "Kết quả"
    if title:
        ws["A1"] = f"KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {year}"
        ws.append([])
    ws.append(["Mã xã", "Tên xã", *(indicator[c] for c in RESULT_COLUMNS)])
    for c in communes:
        rates = {"poor_rate": c["n_poor"] / c["n_households"] * 100,
                 "near_poor_rate": c["n_near_poor"] / c["n_households"] * 100}  # fmt: skip
        ws.append(
            [c["commune_code"], c["commune_name"], *({**c, **rates}[k] for k in RESULT_COLUMNS)]
        )
    if district_row:
        ws.append([None, "Toàn huyện", *(sum(c[k] for c in communes) if k.startswith("n_") else None
                                        for k in RESULT_COLUMNS)])  # fmt: skip
    for group, title_vi in (
        ("poor", "Biến động hộ nghèo"),
        ("near_poor", "Biến động hộ cận nghèo"),
    ):
        _write_dynamics(wb.create_sheet(title_vi), group, year, communes, district_row, title)
    other = wb.create_sheet("Thiếu hụt hộ nghèo")  # another table of the workbook, not input
    other.append(["Mã xã", "Tên xã", "Số hộ nghèo", "Việc làm (số hộ)", "Dinh dưỡng (số hộ)"])
    for c in communes:
        other.append([c["commune_code"], c["commune_name"], c["n_poor"], 1, 2])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _write_dynamics(
    ws, group: str, year: int, communes: list[dict], district_row: bool, title: bool
):
    cols = [c for c in schema.DYNAMICS_COLUMNS if c.startswith(f"n_{group}_")]
    offset = 0
    if title:
        ws["A1"] = f"BIẾN ĐỘNG NĂM {year}"
        offset = 2
    top = offset + 1
    ws.cell(top, 1, "Mã xã")
    ws.cell(top, 2, "Tên xã")
    ws.merge_cells(start_row=top, start_column=1, end_row=top + 1, end_column=1)
    ws.merge_cells(start_row=top, start_column=2, end_row=top + 1, end_column=2)
    for j, col in enumerate(cols, start=3):
        group_label, label = schema.DYNAMICS_LABELS_VI[col]
        if group_label:
            ws.cell(top, j, group_label)
            ws.cell(top + 1, j, label)
        else:
            ws.cell(top, j, label)
            ws.merge_cells(start_row=top, start_column=j, end_row=top + 1, end_column=j)
    for label in ("Giảm", "Tăng"):
        js = [j for j, c in enumerate(cols, start=3) if schema.DYNAMICS_LABELS_VI[c][0] == label]
        ws.merge_cells(start_row=top, start_column=js[0], end_row=top, end_column=js[-1])
        ws.cell(top, js[0], label)
    for i, c in enumerate(communes, start=top + 2):
        ws.cell(i, 1, c["commune_code"])
        ws.cell(i, 2, c["commune_name"])
        for j, col in enumerate(cols, start=3):
            ws.cell(i, j, c[col])
    if district_row:
        last = top + 2 + len(communes)
        ws.cell(last, 2, "Toàn huyện")
        for j, col in enumerate(cols, start=3):
            ws.cell(last, j, sum(c[col] for c in communes))


def summary_commune(code: str, name: str, households: int, poor: int, near: int, **over) -> dict:
    """A commune row whose dynamics reconcile: start - out + in = end."""
    row = {"commune_code": code, "commune_name": name, "n_households": households,
           "n_poor": poor, "n_near_poor": near}  # fmt: skip
    for group, end in (("poor", poor), ("near_poor", near)):
        other = "near_poor" if group == "poor" else "poor"
        flows = {f"n_{group}_out_{other}": 3, f"n_{group}_out_above": 5, f"n_{group}_out_other": 1,
                 f"n_{group}_in_from_{other}": 2, f"n_{group}_in_relapsed": 1,
                 f"n_{group}_in_new": 4, f"n_{group}_in_other": 0}  # fmt: skip
        row.update(flows)
        row[f"n_{group}_end"] = end
        row[f"n_{group}_start"] = end + 9 - 7
    row.update(over)
    return row


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: letters with their hat/horn/breve, tones as combining marks."""
    import unicodedata

    out, cluster, tones = [], "", ""
    for ch in unicodedata.normalize("NFD", text) + "\x00":
        if unicodedata.combining(ch):
            if ch in _TONES:
                tones += ch
            else:
                cluster += ch
            continue
        if cluster:
            out.append(unicodedata.normalize("NFC", cluster) + tones)
        cluster, tones = ch, ""
    return "".join(out).encode("cp1258")


def to_tcvn3(text: str) -> str:
    """Unicode Vietnamese as a .VnTime (TCVN3) font shows it when read as Latin-1."""
    import unicodedata

    from viparse.normalize.encodings import CHARMAPS

    legacy = {u: code for code, u in CHARMAPS["tcvn3"].pairs if len(code) == 1}
    return "".join(legacy.get(ch, ch) for ch in unicodedata.normalize("NFC", text))
