"""Audit: households whose reported status differs from the standard's, with the reason."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.schema import STATUS_LABELS_VI
from analysis.standard import (
    DEFAULT_STANDARD,
    Standard,
    classify_living_standard,
    count_deprivations,
    get_standard,
)
from analysis.vietnamese import format_number

AUDIT_COLUMNS = (
    "year", "commune_code", "household_id", "reported_status", "computed_status",
    "income_pc_vnd", "income_score", "line_vnd", "n_deprivations", "reason",
)  # fmt: skip
COMPUTED_LABELS_VI = {**STATUS_LABELS_VI, "not_poor": "Hộ không nghèo, không cận nghèo"}


def audit_status(
    households: pd.DataFrame,
    standard: Standard | str = DEFAULT_STANDARD,
    status_col: str = "reported_status",
) -> pd.DataFrame:
    """One row per household whose reported status the standard does not confirm.

    Listed as leaving ('not_poor') and computed as average living is consistent. The
    reason (Vietnamese) names the deciding figure: income or score against the line,
    or the number of deprivations against the threshold. No names or ID numbers.
    """
    std = get_standard(standard)
    computed = classify_living_standard(households, std)
    reported = households[status_col].astype("string")
    mismatch = _mismatch(reported, computed, std)
    rows = households.loc[mismatch]
    out = pd.DataFrame(
        {
            "year": rows["year"].to_numpy(),
            "commune_code": rows["commune_code"].astype("string").to_numpy(),
            "household_id": rows["household_id"].astype("string").to_numpy(),
            "reported_status": reported[mismatch].to_numpy(),
            "computed_status": computed[mismatch].to_numpy(),
            "income_pc_vnd": _column(rows, "income_pc_vnd"),
            "income_score": _column(rows, "income_score"),
            "line_vnd": std.lines.by_area(rows["is_urban"].fillna(False).to_numpy(dtype=bool)),
            "n_deprivations": count_deprivations(rows, std),
        }
    )
    out["reason"] = [_reason(r, std) for r in out.itertuples(index=False)]
    return out[list(AUDIT_COLUMNS)].reset_index(drop=True)


def _column(rows: pd.DataFrame, name: str) -> np.ndarray:
    if name not in rows:
        return np.full(len(rows), np.nan)
    return pd.to_numeric(rows[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _mismatch(reported: pd.Series, computed: pd.Series, std: Standard) -> pd.Series:
    listed = ("poor", "near_poor")
    unknown = computed.isna()
    comp = computed.fillna("")
    differs_listed = reported.isin(listed) & (comp != reported)
    wrongly_off = ~reported.isin(listed) & comp.isin(listed)
    avg_lost = (
        (reported == "avg_living") & (comp == "not_poor") & (std.avg_living_lines is not None)
    )
    return (unknown | differs_listed | wrongly_off | avg_lost).fillna(True).to_numpy(dtype=bool)


def _reason(row, std: Standard) -> str:
    k, d = std.min_deprivations, int(row.n_deprivations)
    rep = STATUS_LABELS_VI.get(row.reported_status, str(row.reported_status))
    if pd.isna(row.computed_status):
        return "Thiếu cả thu nhập bình quân và điểm A: không xác định được theo chuẩn"
    income = _income_text(row, std)
    if row.computed_status == "poor" and row.reported_status == "near_poor":
        return f"{income} và thiếu hụt {d} chỉ số (từ {k} trở lên): theo chuẩn là hộ nghèo"
    if row.computed_status == "near_poor" and row.reported_status == "poor":
        return f"{income} nhưng chỉ thiếu hụt {d} chỉ số (dưới {k}): theo chuẩn là hộ cận nghèo"
    if row.computed_status in ("poor", "near_poor"):
        comp = COMPUTED_LABELS_VI[row.computed_status]
        return f"{income}, thiếu hụt {d} chỉ số: theo chuẩn là {comp.lower()}, ghi nhận là {rep.lower()}"
    if row.reported_status == "avg_living":
        return f"{income}: vượt mức sống trung bình, ghi nhận là {rep.lower()}"
    return f"{income}: theo chuẩn không thuộc hộ nghèo, cận nghèo, ghi nhận là {rep.lower()}"


def _income_text(row, std: Standard) -> str:
    if not np.isnan(row.income_pc_vnd):
        side = "không vượt" if row.income_pc_vnd <= row.line_vnd else "vượt"
        return (
            f"Thu nhập {format_number(row.income_pc_vnd)} đồng/người/tháng {side} chuẩn "
            f"{format_number(row.line_vnd)} đồng"
        )
    urban = row.line_vnd == std.lines.urban
    limit = std.score_lines.urban if urban else std.score_lines.rural
    side = "không vượt" if row.income_score <= limit else "vượt"
    return (
        f"Điểm A {format_number(row.income_score, 0)} {side} ngưỡng {format_number(limit, 0)} điểm"
    )
