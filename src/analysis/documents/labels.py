"""Vietnamese headers and values for the tables notebooks show: one vocabulary for every step.

`vi_table(df)` renames known columns, translates known codes (statuses, levels,
populations, models) and formats numbers the Vietnamese way; fractions are shown
as percentages. Unknown columns pass through unchanged, so a new column is visible
(in English) until it gets its label here. In an English run (analysis.i18n) the labels
are the catalog's English ones and numbers are formatted the English way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.forecast.result import MODEL_LABELS_VI, QUANTITY_LABELS_VI
from analysis.i18n import t
from analysis.schema import DYNAMICS_LABELS_VI, INDICATOR_COLUMNS, STATUS_LABELS_VI
from analysis.targets.scorecard import POPULATION_LABELS_VI
from analysis.vietnamese import format_number, format_pct

COLUMN_LABELS_VI: dict[str, str] = {
    **{c.name: c.label_vi for c in INDICATOR_COLUMNS},
    **{name: " – ".join(p for p in parts if p) for name, parts in DYNAMICS_LABELS_VI.items()},
    "commune_name": "Xã",
    "n_poor_persons": "Số người thuộc hộ nghèo",
    "n_near_poor_persons": "Số người thuộc hộ cận nghèo",
    "poor_rate_persons": "Tỷ lệ người thuộc hộ nghèo",
    "near_poor_rate_persons": "Tỷ lệ người thuộc hộ cận nghèo",
    "multidim_rate_persons": "Tỷ lệ nghèo đa chiều theo người",
    "poor_rate_excl_sp": "Tỷ lệ hộ nghèo (không tính hộ BTXH)",
    "multidim_rate_excl_sp": "Tỷ lệ nghèo đa chiều (không tính hộ BTXH)",
    "household_id": "Mã hộ",
    "reported_status": "Phân loại được báo cáo",
    "computed_status": "Phân loại theo chuẩn",
    "income_pc_vnd": "Thu nhập bình quân (đồng/người/tháng)",
    "income_score": "Điểm A",
    "line_vnd": "Chuẩn thu nhập (đồng)",
    "n_deprivations": "Số chỉ số thiếu hụt",
    "reason": "Lý do",
    "k": "Ngưỡng k",
    "n": "Số hộ được xét",
    "q": "Số hộ thiếu hụt từ k chỉ số trở lên",
    "score_sum": "Tổng điểm thiếu hụt",
    "H": "H (tỷ lệ)",
    "A": "A (mức độ)",
    "M0": "M0",
    "M0_total": "M0 toàn huyện",
    "contribution_abs": "Đóng góp tuyệt đối",
    "contribution_pct": "Đóng góp (%)",
    "population_share": "Tỷ trọng dân số",
    "group": "Nhóm",
    "group_label_vi": "Nhóm đối tượng",
    "n_units": "Số hộ",
    "n_units_persons": "Số người",
    "share_of_poor": "Tỷ trọng trong hộ nghèo",
    "share_of_near_poor": "Tỷ trọng trong hộ cận nghèo",
    "share_of_poor_persons": "Tỷ trọng trong người nghèo",
    "share_of_near_poor_persons": "Tỷ trọng trong người cận nghèo",
    "model": "Mô hình",
    "n_comparisons": "Số lần so sánh",
    "unit": "Đơn vị",
    "n_persons": "Số nhân khẩu",
    "n_low_income": "Số hộ thu nhập thấp (NĐ 30/2025)",
    "mae_pp": "Sai số tuyệt đối bình quân, xã (điểm %)",
    "district_mae_pp": "Sai số tuyệt đối, toàn huyện (điểm %)",
    "coverage80": "Tỷ lệ giá trị thực nằm trong khoảng 80%",
    "coverage95": "Tỷ lệ giá trị thực nằm trong khoảng 95%",
    "n_covered80": "Số lần nằm trong khoảng 80%",
    "n_covered95": "Số lần nằm trong khoảng 95%",
    "bias_pp": "Sai số bình quân (điểm %, âm: dự báo thấp hơn)",
    "calibration_gap": "Độ lệch so với 80%",
    "run_year": "Năm lập dự báo",
    "horizon": "Dự báo trước (năm)",
    "level": "Cấp",
    "quantity": "Đại lượng",
    "actual": "Thực tế",
    "mean": "Trung bình",
    "p2_5": "P2,5",
    "p10": "P10",
    "p50": "Trung vị",
    "p90": "P90",
    "p97_5": "P97,5",
    "error_pp": "Sai số (điểm %)",
    "covered80": "Nằm trong khoảng 80%",
    "covered95": "Nằm trong khoảng 95%",
    "target_id": "Mã chỉ tiêu",
    "population": "Nhóm hộ",
    "current": "Hiện tại",
    "goal": "Mục tiêu",
    "years_left": "Số năm còn lại",
    "per_year_households": "Số hộ cần giảm mỗi năm",
    "per_year_pp": "Điểm % cần giảm mỗi năm",
    "value": "Giá trị",
    "check": "Phép kiểm tra",
    "n_failed": "Số trường hợp cần xem",
    "n_checked": "Số trường hợp đã xét",
    "detail": "Chi tiết",
    "file": "Tệp",
    "vintage": "Kỳ đơn vị hành chính",
    "written": "Tên ghi trong tệp",
    "code": "Mã",
    "name": "Tên",
    "score": "Độ giống (%)",
}

VALUE_LABELS_VI: dict[str, dict[str, str]] = {
    "reported_status": STATUS_LABELS_VI,
    "computed_status": STATUS_LABELS_VI,
    "level": {"district": "Toàn huyện", "commune": "Xã"},
    "population": {
        **POPULATION_LABELS_VI,
        "poor_near_poor": POPULATION_LABELS_VI["poor_or_near_poor"],
    },
    "model": MODEL_LABELS_VI,
    "quantity": QUANTITY_LABELS_VI,
    "covered80": {"True": "có", "False": "không"},
    "covered95": {"True": "có", "False": "không"},
}

# fractions shown as percentages
PERCENT_COLUMNS = {
    "H", "A", "population_share", "coverage80", "coverage95", "share_of_poor", "share_of_near_poor",
    "share_of_poor_persons", "share_of_near_poor_persons",
}  # fmt: skip
PERCENT_SUFFIXES = ("_rate", "_rate_persons", "_rate_excl_sp")
MONEY_COLUMNS = {"income_pc_vnd", "line_vnd"}
# columns whose unit is the row's `quantity` (a rate or a count)
QUANTITY_VALUES = {"mean", "p2_5", "p10", "p50", "p90", "p97_5", "actual", "current", "goal"}


def _is_percent(column: str) -> bool:
    return column in PERCENT_COLUMNS or column.endswith(PERCENT_SUFFIXES)


def _cell(value: object, column: str, decimals: int) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if isinstance(value, bool):
        return t(VALUE_LABELS_VI.get(column, {}).get(str(value), "có" if value else "không"))
    if isinstance(value, str):
        return t(VALUE_LABELS_VI.get(column, {}).get(value, value))
    if column in ("year", "run_year", "k", "horizon") or column.endswith(("_code", "_id")):
        return str(value)
    if _is_percent(column):
        return format_pct(float(value), decimals)
    if column in MONEY_COLUMNS:
        return format_number(float(value), 0)
    if column.startswith("n_") or column in ("n", "q") or isinstance(value, (int, np.integer)):
        return format_number(float(value), 0)  # household counts (simulated means rounded)
    return format_number(float(value), decimals if column != "M0" else 4)


def vi_table(df: pd.DataFrame, decimals: int = 2) -> pd.DataFrame:
    """The table as Vietnamese display text: headers, codes and numbers."""
    cells = {col: [_cell(v, str(col), decimals) for v in df[col]] for col in df.columns}
    if "quantity" in df.columns:  # projections, backtests: each row in its own unit
        for col in QUANTITY_VALUES & set(df.columns):
            units = ["poor_rate" if str(q).endswith("_rate") else "n_" for q in df["quantity"]]
            cells[col] = [_cell(v, u, decimals) for v, u in zip(df[col], units, strict=True)]
    out = pd.DataFrame(cells, index=df.index)
    return out.rename(columns=column_label)


def column_label(column: object) -> object:
    """The header of a known column in the run's language; an unknown one unchanged."""
    name = str(column)
    if name in DYNAMICS_LABELS_VI:
        return " – ".join(t(p) for p in DYNAMICS_LABELS_VI[name] if p)
    return t(COLUMN_LABELS_VI[name]) if name in COLUMN_LABELS_VI else column
