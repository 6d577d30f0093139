"""The finance-planning office's outputs: the printable XLSX workbook and the DOCX annex
table for the People's Council resolution.

Numbers are stored as numbers with Vietnamese display formats (#.##0: the workbook's
format code "#,##0" shows dot thousands under a Vietnamese locale; Excel stores the same
code whatever the locale). Formats and page setup come from `analysis.documents.xlsx_style`. Every sheet: title rows, frozen header, column widths, header
rows repeated on each printed page, A4 landscape fitted to the page width.

Frames are built with Vietnamese headers and labels; sheet names, titles, headers and text
cells that are catalog entries are written in the run's language (analysis.i18n).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from analysis.budget.beneficiaries import RULES_VI
from analysis.budget.rules import Rules
from analysis.documents.safe_xlsx import neutralise_workbook
from analysis.documents.xlsx_style import DECIMAL, INTEGER, PERCENT, print_setup
from analysis.i18n import t
from analysis.reproducible import save_docx, save_workbook

ILLUSTRATIVE_VI = (
    "Số liệu nguồn vốn, tiêu chí và trọng số chỉ mang tính minh họa, chưa phải hệ số chính thức "
    "của Quyết định 02/2022/QĐ-TTg."
)
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _sheet(wb: Workbook, name: str, title: str, notes: list[str], frame: pd.DataFrame,
           formats: dict[str, str], total: bool = False) -> None:  # fmt: skip
    """One printable sheet: title and notes, a bold bordered header, then the rows."""
    ws = wb.create_sheet(t(name)[:31])
    ws.append([t(title)])
    ws["A1"].font = Font(bold=True, size=13)
    for n in notes:
        ws.append([t(n)])
        ws.cell(ws.max_row, 1).font = Font(italic=True)
    ws.append([])
    ws.append([t(str(c)) for c in frame.columns])
    head = ws.max_row  # (an empty appended row does not count in max_row: read it after)
    for cell in ws[head]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cell.border = _BORDER
    rows = frame.copy()
    if total and len(rows):
        sums = {c: rows[c].sum() for c in rows.columns if formats.get(c) == INTEGER}
        cols = list(rows.columns)
        first = cols[1] if len(cols) > 1 and cols[1] not in sums else cols[0]  # the name column
        rows = pd.concat([rows, pd.DataFrame([{first: "Tổng cộng", **sums}])], ignore_index=True)
    for rec in rows.itertuples(index=False):
        ws.append([t(_cell(v)) for v in rec])
        for j, cell in enumerate(ws[ws.max_row]):
            cell.border = _BORDER
            fmt = formats.get(frame.columns[j])
            if fmt and isinstance(cell.value, int | float):
                cell.number_format = fmt
    if total and len(frame):
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
    for j, col in enumerate(frame.columns, start=1):
        values = [t(str(col))] + [str(t(v)) for v in frame.iloc[:, j - 1].head(200)]
        width = min(45, max(8, max(len(v) for v in values) + 2))
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = ws.cell(head + 1, 1)
    # A4 landscape, one page wide, header repeated, print area (as every workbook's)
    print_setup(ws, (head, head), last_col=len(frame.columns), landscape=True)


def _cell(v):
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return None
    if hasattr(v, "item"):
        v = v.item()
    return v


def write_workbook(
    path: Path,
    rules: Rules,
    long: pd.DataFrame,
    criteria: pd.DataFrame,
    tables: dict[str, pd.DataFrame],
    district: str,
    missing: pd.DataFrame | None = None,
    synthetic: bool = False,
) -> Path:
    """The workbook: by project, by commune, by source, criteria and weights, exactness,
    scenarios, double-support findings, disbursement (each when there is data)."""
    from analysis.budget import allocate as A

    notes = [
        t(
            "{district} – năm ngân sách {year}. Đơn vị: triệu đồng.",
            district=district,
            year=rules.budget_year,
        )
    ]
    if rules.illustrative:
        notes.append(ILLUSTRATIVE_VI)
    if synthetic:
        notes.append("Dữ liệu mô phỏng, không phải số liệu thật của huyện.")
    if missing is not None and len(missing):
        names = ", ".join(missing["commune_name"].astype(str))
        notes.append(
            t("Chưa phân bổ cho {n} xã thiếu số liệu: {names}.", n=len(missing), names=names)
        )
    wb = Workbook()
    wb.remove(wb.active)
    proj = A.by_project(long).rename(columns={"project": "Dự án", "project_name": "Tên dự án"})
    _sheet(wb, "Theo dự án", "PHÂN BỔ THEO DỰ ÁN, TIỂU DỰ ÁN VÀ NGUỒN VỐN", notes, proj,
           {c: INTEGER for c in proj.columns[2:]}, total=True)  # fmt: skip
    wide = A.by_commune(long, criteria)
    envs = list(dict.fromkeys(long["envelope"]))
    com = wide[["commune_code", "commune_name", *envs, "amount_million_vnd", "n_poor",
                "million_vnd_per_poor_household"]].rename(columns={
        "commune_code": "Mã xã", "commune_name": "Xã", "amount_million_vnd": "Tổng",
        "n_poor": "Hộ nghèo", "million_vnd_per_poor_household": "Triệu đồng/hộ nghèo"})  # fmt: skip
    fmts = {c: INTEGER for c in [*envs, "Tổng", "Hộ nghèo"]}
    fmts["Triệu đồng/hộ nghèo"] = DECIMAL
    _sheet(wb, "Theo xã", "PHÂN BỔ THEO XÃ (CỘT: DỰ ÁN · NGUỒN VỐN)", notes, com, fmts, total=True)
    src = A.by_source(long).rename(columns={"commune_code": "Mã xã", "commune_name": "Xã"})
    _sheet(wb, "Theo nguồn", "PHÂN BỔ THEO NGUỒN VỐN VÀ XÃ", notes, src,
           {c: INTEGER for c in src.columns[2:]}, total=True)  # fmt: skip
    cw = A.criteria_weights(rules)
    cw = pd.DataFrame({
        "Dự án": cw["project"], "Tên dự án": cw["project_name"], "Nguồn vốn": cw["source"],
        "Tổng nguồn": cw["amount_million_vnd"], "Tiêu chí": cw["criterion_label"],
        "Trọng số": cw["weight"], "Tối thiểu/xã": cw["min_per_commune"],
        "Tối đa/xã": cw["max_per_commune"], "Xã không phân bổ": cw["excluded"],
        "Vốn đối ứng theo tỷ lệ": cw["counterpart"].map({True: "Có", False: ""}),
    })  # fmt: skip
    _sheet(wb, "Tiêu chí, trọng số", "TIÊU CHÍ VÀ TRỌNG SỐ PHÂN BỔ", notes, cw,
           {"Tổng nguồn": INTEGER, "Trọng số": PERCENT, "Tối thiểu/xã": INTEGER,
            "Tối đa/xã": INTEGER})  # fmt: skip
    ex = A.exactness(long, rules)
    ex = pd.DataFrame({
        "Cấp": ex["level"].map({"envelope": "Nguồn theo dự án", "source": "Nguồn vốn"}),
        "Mã": ex["key"], "Tên": ex["name"], "Số được giao": ex["amount"],
        "Tổng phân bổ cho các xã": ex["allocated"], "Chênh lệch": ex["difference"],
    })  # fmt: skip
    _sheet(wb, "Kiểm tra tổng", "KIỂM TRA: TỔNG PHÂN BỔ BẰNG ĐÚNG SỐ ĐƯỢC GIAO", notes, ex,
           {c: INTEGER for c in ex.columns[3:]})  # fmt: skip
    if "comparison" in tables:
        cmp_ = tables["comparison"]
        label = tables.get("comparison_label", "Phương án so sánh")
        cmp_ = pd.DataFrame({
            "Mã xã": cmp_["commune_code"], "Xã": cmp_["commune_name"],
            f"{rules.base.label}": cmp_["base_million_vnd"], f"{label}": cmp_["scenario_million_vnd"],
            "Chênh lệch (triệu đồng)": cmp_["change_million_vnd"], "Chênh lệch (%)": cmp_["change_pct"],
        })  # fmt: skip
        _sheet(wb, "So sánh phương án", "SO SÁNH CÁC PHƯƠNG ÁN PHÂN BỔ", notes, cmp_,
               {**{c: INTEGER for c in cmp_.columns[2:5]}, "Chênh lệch (%)": PERCENT}, total=True)  # fmt: skip
    if "findings" in tables:
        f = tables["findings"]
        f = pd.DataFrame({
            "Trường hợp": f["rule"].map(RULES_VI), "Mã hộ": f["household_id"], "Năm": f["year"],
            "Loại hỗ trợ": f["support_type"].map(lambda s: rules.support_types[s].name
                                                 if s in rules.support_types else s),
            "Dự án": f["project"], "Mã xã": f["commune_code"], "Tệp": f["file"],
            "Dòng": f["row"], "Chi tiết": f["detail"],
        })  # fmt: skip
        _sheet(wb, "Hỗ trợ trùng", "KIỂM TRA HỖ TRỢ TRÙNG LẶP, SAI ĐỐI TƯỢNG", notes, f, {})
    if "disbursement" in tables:
        d = tables["disbursement"]
        d = pd.DataFrame({
            "Mã xã": d["commune_code"], "Xã": d["commune_name"], "Được giao": d["amount_million_vnd"],
            "Đã giải ngân": d["disbursed_million_vnd"], "Còn lại": d["remaining_million_vnd"],
            "Tỷ lệ giải ngân": d["rate"], "Hộ thoát nghèo trong năm": d["n_newly_escaped"],
            "Triệu đồng/hộ thoát nghèo": d["million_vnd_per_escaped_household"],
        })  # fmt: skip
        _sheet(wb, "Giải ngân", "TÌNH HÌNH GIẢI NGÂN THEO XÃ", notes, d,
               {"Được giao": INTEGER, "Đã giải ngân": DECIMAL, "Còn lại": DECIMAL,
                "Tỷ lệ giải ngân": PERCENT, "Hộ thoát nghèo trong năm": INTEGER,
                "Triệu đồng/hộ thoát nghèo": DECIMAL}, total=True)  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    neutralise_workbook(wb)  # names from the envelope file: text, never formulas
    return save_workbook(wb, path)  # dated with the run's date: same inputs, same bytes


def write_annex(
    path: Path, rules: Rules, long: pd.DataFrame, district: str, synthetic: bool = False
) -> Path:
    """Annex table for the People's Council resolution: communes × projects (all sources),
    Times New Roman 13, A4 landscape, amounts in million VND with dot thousands."""
    from analysis.vietnamese import format_number

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
    page = doc.sections[0]
    page.orientation = WD_ORIENT.LANDSCAPE
    page.page_width, page.page_height = Cm(29.7), Cm(21.0)
    page.left_margin, page.right_margin = Cm(2.0), Cm(1.5)
    page.top_margin = page.bottom_margin = Cm(2.0)
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.add_run(t("Phụ lục")).bold = True
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run(
        t(
            "PHÂN BỔ KINH PHÍ THỰC HIỆN CHƯƠNG TRÌNH MỤC TIÊU QUỐC GIA GIẢM NGHÈO BỀN VỮNG "
            "NĂM {year}",
            year=rules.budget_year,
        )
    ).bold = True
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub.add_run(
        t(
            "(Kèm theo Nghị quyết số …/NQ-HĐND ngày … tháng … năm … của HĐND {district})",
            district=district,
        )
    ).italic = True
    unit = doc.add_paragraph()
    unit.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    unit.add_run(t("Đơn vị: triệu đồng")).italic = True
    pivot = long.pivot_table(index=["commune_code", "commune_name"], columns="project",
                             values="amount_million_vnd", aggfunc="sum", sort=False)  # fmt: skip
    projects = list(dict.fromkeys(long["project"]))
    pivot = pivot[projects]
    header = [
        t("TT"),
        t("Xã"),
        *[t("Dự án {project}", project=p) if p else t("Phân bổ") for p in projects],
        t("Tổng cộng"),
    ]
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell.paragraphs[0].runs[0].bold = True
    for i, ((_, name), row) in enumerate(pivot.iterrows(), start=1):
        values = [str(i), str(name), *[format_number(v) for v in row], format_number(row.sum())]
        _row(table, values)
    totals = pivot.sum()
    _row(table, ["", t("Tổng cộng"), *[format_number(v) for v in totals],
                 format_number(totals.sum())], bold=True)  # fmt: skip
    for row in table.rows:
        for cell in row.cells:
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(13)
                run.font.name = "Times New Roman"
    if rules.illustrative or synthetic:
        note = doc.add_paragraph()
        note.add_run(
            t("Ghi chú: {note}", note=t(ILLUSTRATIVE_VI))
            + (" " + t("Dữ liệu mô phỏng, không phải số liệu thật.") if synthetic else "")
        ).italic = True  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    return save_docx(doc, path)


def _row(table, values: list[str], bold: bool = False) -> None:
    cells = table.add_row().cells
    for j, (cell, text) in enumerate(zip(cells, values, strict=True)):
        cell.text = text
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if j >= 2 else (
            WD_ALIGN_PARAGRAPH.CENTER if j == 0 else WD_ALIGN_PARAGRAPH.LEFT)  # fmt: skip
        if bold and p.runs:
            p.runs[0].bold = True
