"""Proposed next-year poverty-reduction targets per commune, adding up to the district's.

District target (net fall in poor households next year) = the larger of T1's lower bound
(low pp of resident households) and the yearly fall still needed to meet T2 for poor
households by the target year; a planner may pass their own figure instead.
Split: proportional to each commune's poor households, kept inside the commune's
feasible range from the forecast (by default the 10th-90th percentile of its simulated
fall), whole households, largest-remainder rounding so the communes sum exactly to the
district. When the district figure lies outside the sum of the ranges, the ranges are
widened (to 0 .. all poor households) and the table says so.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import UserError
from analysis.forecast.result import MODEL_LABELS_VI, ForecastResult
from analysis.i18n import t as tr
from analysis.reproducible import save_docx
from analysis.targets.reports import source_note
from analysis.vietnamese import format_number as num

PROPOSAL_COLUMNS = [
    "commune_code", "commune_name", "n_households", "n_poor", "poor_rate_pct", "feasible_low",
    "feasible_high", "target_households", "target_rate_change_pp", "target_poor_rate_pct",
]  # fmt: skip
HEADERS_VI = {
    "stt": "STT",
    "commune_code": "Mã xã",
    "commune_name": "Tên xã",
    "n_households": "Tổng số hộ",
    "n_poor": "Số hộ nghèo hiện tại",
    "poor_rate_pct": "Tỷ lệ hộ nghèo hiện tại (%)",
    "feasible_low": "Khả năng giảm thấp (P10, hộ)",
    "feasible_high": "Khả năng giảm cao (P90, hộ)",
    "target_households": "Chỉ tiêu giảm số hộ nghèo (hộ)",
    "target_rate_change_pp": "Tỷ lệ hộ nghèo giảm (điểm %)",
    "target_poor_rate_pct": "Tỷ lệ hộ nghèo cuối năm (%)",
}


def title(year: int) -> str:
    return tr("Chỉ tiêu giảm nghèo năm {year} giao cho các xã", year=year)


def district_target(result: ForecastResult, config) -> int:
    """Net fall in poor households the district needs in the first forecast year."""
    n_now = result.observed("n_households", result.run_year)
    poor_now = result.observed("n_poor", result.run_year)
    need = []
    for t in config.targets:
        years_left = (t.target_year or config.periods.target_year) - result.run_year
        if t.metric == "poor_rate_annual_fall_pp":
            need.append(t.low / 100 * n_now)
        elif t.metric == "count_ratio_to_baseline" and "poor" in t.population and years_left > 0:
            base = result.observed("n_poor", t.baseline_year or config.periods.baseline_year)
            need.append(max(poor_now - t.high * base, 0) / years_left)
    return int(math.ceil(max(need, default=0.0) - 1e-9))


def feasible_range(result: ForecastResult, low_q: float = 0.1, high_q: float = 0.9):
    """Per commune (lo, hi) of the simulated fall in poor households in the first year."""
    now = result.history[result.history["year"] == result.run_year].set_index("commune_code")
    poor_now = now["n_poor"].reindex(result.codes).to_numpy(float)
    fall = poor_now[None, :] - result.poor[:, :, 0]
    lo, hi = np.quantile(fall, [low_q, high_q], axis=0)
    lo = np.clip(np.ceil(lo - 1e-9), 0, poor_now)
    hi = np.clip(np.floor(hi + 1e-9), lo, poor_now)
    return lo, hi, poor_now


def split_total(total: int, weights, lo, hi) -> np.ndarray:
    """Integers in [lo, hi] summing to total, proportional to weights where bounds allow."""
    weights, lo, hi = (np.asarray(x, dtype=float) for x in (weights, lo, hi))
    if not lo.sum() <= total <= hi.sum():
        raise UserError(f"Không thể chia {total} hộ trong khoảng [{lo.sum():.0f}, {hi.sum():.0f}].")
    w = np.where(weights > 0, weights, 1e-9)
    a, b = 0.0, max(hi.max() / w.min(), 1.0)
    for _ in range(200):  # bisection on the scale of the proportional share
        mid = (a + b) / 2
        a, b = (mid, b) if np.clip(mid * w, lo, hi).sum() < total else (a, mid)
    x = np.clip(b * w, lo, hi)
    out = np.clip(np.floor(x + 1e-9), lo, hi).astype(np.int64)
    frac = x - np.floor(x + 1e-9)
    while (rest := total - int(out.sum())) != 0:
        step = 1 if rest > 0 else -1
        room = (out + 1 <= hi) if step > 0 else (out - 1 >= lo)
        order = np.argsort(-frac if step > 0 else frac, kind="stable")
        picks = [i for i in order if room[i]][: abs(rest)]
        out[picks] += step
    return out


def propose_targets(
    result: ForecastResult,
    indicators: pd.DataFrame | None,
    config,
    year: int | None = None,
    total: int | None = None,
    low_q: float = 0.1,
    high_q: float = 0.9,
) -> pd.DataFrame:
    """The editable table of next-year commune targets (attrs: year, total, widened, model)."""
    year = year or int(result.years[0])
    if year != int(result.years[0]):
        raise UserError(
            tr("Dự báo bắt đầu từ năm {first}, không phải {year}.", first=int(result.years[0]),
               year=year)
        )  # fmt: skip
    lo, hi, poor_now = feasible_range(result, low_q, high_q)
    asked = None
    if total is None:
        total = district_target(result, config)
        if total > poor_now.sum():  # a plan's pace larger than the poor left: all of them, said
            asked, total = total, int(poor_now.sum())
    widened = not lo.sum() <= total <= hi.sum()
    if widened:
        lo, hi = np.where(total < lo.sum(), 0, lo), np.where(total > hi.sum(), poor_now, hi)
    if total > poor_now.sum():
        raise UserError(
            tr("Chỉ tiêu {total} hộ vượt tổng số hộ nghèo hiện có ({n}).", total=total,
               n=f"{poor_now.sum():.0f}")
        )  # fmt: skip
    x = split_total(total, poor_now, lo, hi)
    now = result.history[result.history["year"] == result.run_year].set_index("commune_code")
    n = now["n_households"].reindex(result.codes).to_numpy(float)
    out = pd.DataFrame({
        "commune_code": result.codes, "commune_name": result.names, "n_households": n.astype(int),
        "n_poor": poor_now.astype(int), "poor_rate_pct": 100 * poor_now / n,
        "feasible_low": lo.astype(int), "feasible_high": hi.astype(int), "target_households": x,
        "target_rate_change_pp": 100 * x / n, "target_poor_rate_pct": 100 * (poor_now - x) / n,
    })  # fmt: skip
    out.attrs.update(year=year, total=total, widened=bool(widened), model=result.model,
                     run_year=result.run_year, low_q=low_q, high_q=high_q,
                     capped_from=asked)  # fmt: skip
    return out[PROPOSAL_COLUMNS]


def method_note(table: pd.DataFrame, config) -> str:
    a = table.attrs
    note = tr(
        "Phương pháp: chỉ tiêu của huyện ({total} hộ) là mức lớn hơn giữa mức giảm tối thiểu của "
        "tỷ lệ hộ nghèo mỗi năm và mức giảm bình quân còn cần để đạt mục tiêu giảm 1/2 số hộ "
        "nghèo so với đầu kỳ; chia cho các xã theo tỷ trọng số hộ nghèo, trong khoảng khả thi từ "
        "phân vị {low} đến {high} của mức giảm mô phỏng ({model}, dữ liệu đến năm {year}); làm "
        "tròn theo phần dư lớn nhất để tổng các xã bằng đúng chỉ tiêu huyện.",
        total=num(a["total"], 0),
        low=num(100 * a["low_q"], 0),
        high=num(100 * a["high_q"], 0),
        model=tr(MODEL_LABELS_VI[a["model"]]),
        year=a["run_year"],
    )
    if a["widened"]:
        note += " " + tr(
            "Chỉ tiêu huyện nằm ngoài tổng khoảng khả thi nên khoảng đã được nới rộng."
        )
    if a.get("capped_from") is not None:
        note += " " + tr(
            "Mức giảm theo kế hoạch ({asked} hộ) lớn hơn số hộ nghèo hiện có, nên chỉ tiêu đề xuất "
            "là toàn bộ {total} hộ nghèo thoát nghèo.",
            asked=num(a["capped_from"], 0),
            total=num(a["total"], 0),
        )
    return note


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """Vietnamese headers, a running number and a total row (for XLSX, DOCX, notebooks)."""
    body = table.copy()
    body.insert(0, "stt", range(1, len(body) + 1))
    total = {c: body[c].sum() for c in ("n_households", "n_poor", "feasible_low",
                                        "feasible_high", "target_households")}  # fmt: skip
    n = total["n_households"]
    total |= {"stt": "", "commune_code": "", "commune_name": "Toàn huyện",
              "poor_rate_pct": 100 * total["n_poor"] / n,
              "target_rate_change_pp": 100 * total["target_households"] / n,
              "target_poor_rate_pct": 100 * (total["n_poor"] - total["target_households"]) / n}  # fmt: skip
    body = pd.concat([body, pd.DataFrame([total])], ignore_index=True)
    return body.rename(columns=lambda c: tr(HEADERS_VI.get(c, c)))


# --------------------------------------------------------------------------- writers
FONT = "Times New Roman"
_INT_COLS = ("n_households", "n_poor", "feasible_low", "feasible_high", "target_households")
# Excel format codes are locale-independent: shown 12.345 and 32,9 % under a Vietnamese locale.
_XLSX_FORMATS = {"stt": "0", "poor_rate_pct": "0.00%", "target_rate_change_pp": "#,##0.00",
                 "target_poor_rate_pct": "0.00%"}  # fmt: skip


def write_proposals_xlsx(
    table: pd.DataFrame, path: str | Path, config, missing_note: str = ""
) -> Path:
    """Editable workbook: change a commune's target and its rates and the totals follow.
    Every formula carries its computed value (shown by readers that do not recalculate);
    rates are fractions shown as percent, STT integers; look from `analysis.documents.xlsx_style`.

    `missing_note`: the sentence naming communes left out for "thiếu số liệu"."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from analysis.documents.safe_xlsx import formula_cell, neutralise_sheet, set_text
    from analysis.documents.xlsx_style import INTEGER, format_table, save_workbook_cached, wrap_note

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.title = tr("Chỉ tiêu các xã")
    cols = ["stt", *PROPOSAL_COLUMNS]
    letter = {c: get_column_letter(i + 1) for i, c in enumerate(cols)}
    ws.append([title(table.attrs["year"])])
    ws.append([" ".join(t for t in (method_note(table, config), missing_note) if t)])
    ws.append([source_note(config)])
    ws.append([])
    ws.append([tr(HEADERS_VI[c]) for c in cols])
    neutralise_sheet(ws)  # titles and notes carry names from the config and inputs
    first = ws.max_row + 1
    formulas = {  # rates as fractions (shown "0.0%"); points as numbers
        "target_rate_change_pp": "={t}{r}/{n}{r}*100",
        "target_poor_rate_pct": "=({p}{r}-{t}{r})/{n}{r}",
        "poor_rate_pct": "={p}{r}/{n}{r}",
    }
    cached: dict[str, float] = {}
    refs = {"p": letter["n_poor"], "n": letter["n_households"], "t": letter["target_households"]}
    for i, row in enumerate(table.itertuples(index=False), start=1):
        r = first + i - 1
        values = dict(zip(PROPOSAL_COLUMNS, row, strict=True)) | {"stt": i}
        for j, c in enumerate(cols, start=1):
            if c in formulas:  # the suite's own formulas; every value from the data is text
                formula_cell(ws.cell(r, j), formulas[c].format(r=r, **refs))
                cached[ws.cell(r, j).coordinate] = _fraction(c, values[c])
            else:
                v = values[c]
                set_text(ws.cell(r, j), int(v) if isinstance(v, np.integer) else v)
    last, total = ws.max_row, ws.max_row + 1
    ws.append(["", "", tr("Toàn huyện")] + [""] * (len(cols) - 3))
    for c in _INT_COLS:
        formula_cell(ws[f"{letter[c]}{total}"], f"=SUM({letter[c]}{first}:{letter[c]}{last})")
    sums = {c: int(table[c].sum()) for c in _INT_COLS}
    for c in _INT_COLS:
        formula_cell(ws[f"{letter[c]}{total}"], f"=SUM({letter[c]}{first}:{letter[c]}{last})")
        cached[f"{letter[c]}{total}"] = sums[c]
    n, p, t = sums["n_households"], sums["n_poor"], sums["target_households"]
    for c, formula, value in (("poor_rate_pct", "{p}/{n}", p / n),
                              ("target_rate_change_pp", "{t}/{n}*100", 100 * t / n),
                              ("target_poor_rate_pct", "({p}-{t})/{n}", (p - t) / n)):  # fmt: skip
        cells = {
            k: f"{letter[v]}{total}"
            for k, v in (("p", "n_poor"), ("n", "n_households"), ("t", "target_households"))
        }
        formula_cell(ws[f"{letter[c]}{total}"], "=" + formula.format(**cells))
        cached[f"{letter[c]}{total}"] = value
    for row in ws.iter_rows():
        for cell in row:
            cell.font = Font(
                name=FONT, bold=cell.row in (1, 5, total), size=14 if cell.row == 1 else 11
            )
            col = cols[cell.column - 1] if cell.column <= len(cols) else ""
            if cell.row >= first:
                cell.number_format = _XLSX_FORMATS.get(col, INTEGER)
    format_table(ws, first - 1, last_row=total, last_col=len(cols), freeze_col=4)
    for r in (2, 3):
        wrap_note(ws, r, len(cols))
    return save_workbook_cached(wb, path, {ws.title: cached})


def _fraction(column: str, value: float) -> float:
    """The cached value of a rate formula: percent columns as fractions, points as points."""
    return float(value) if column == "target_rate_change_pp" else float(value) / 100


def write_proposals_docx(
    table: pd.DataFrame, path: str | Path, config, missing_note: str = ""
) -> Path:
    """Word table with Vietnamese number format, title, method note and source."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Pt

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(11)
    style.element.rPr.rFonts.set(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", FONT
    )
    heading = doc.add_paragraph()
    run = heading.add_run(title(table.attrs["year"]).upper())
    run.bold, run.font.size = True, Pt(14)
    shown = display_table(table)
    grid = doc.add_table(rows=1, cols=shown.shape[1])
    grid.style = "Table Grid"
    for cell, head in zip(grid.rows[0].cells, shown.columns, strict=True):
        cell.text = str(head)
        cell.paragraphs[0].runs[0].bold = True
    keys = ["stt", *PROPOSAL_COLUMNS]
    for _, row in shown.iterrows():
        cells = grid.add_row().cells
        for cell, key, value in zip(cells, keys, row, strict=True):
            cell.text = tr(_docx_value(key, value))
    for cell in grid.rows[-1].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True
    doc.add_paragraph(method_note(table, config))
    if missing_note:
        doc.add_paragraph(missing_note)
    doc.add_paragraph(source_note(config)).runs[0].italic = True
    return save_docx(doc, path)


def _docx_value(key: str, value) -> str:
    if key in ("stt", "commune_code", "commune_name") or value == "":
        return str(value)
    return num(float(value), 0 if key in _INT_COLS else 2)
