"""One verdict per target, unit and year: the only table every output reads.

Rule (documented once, applied here and nowhere else):

* Before a target's target year (progress mode) the verdict is the scorecard status:
  Đạt (the value already satisfies the target), Đúng tiến độ (on the straight path from
  the baseline value to the target), Có nguy cơ (behind that path by at most one year's
  step), Chậm tiến độ (further behind), Không có số liệu. For the yearly-pace target
  (metric poor_rate_annual_fall_pp) a year is Đạt when the poor rate fell by at least the
  plan's low bound (or reached zero), Có nguy cơ when it fell less, Chậm tiến độ when it
  did not fall.
* In and after the target year (final mode) only Đạt / Không đạt (or Không có số liệu):
  Đạt when the value satisfies the target. The yearly-pace target is judged on the
  average yearly fall over the whole period, (rate of the baseline year − rate of the
  target year) ÷ number of years, against the low bound; each year's fall is listed
  beside it (column `basis`).

`final_evaluation` (targets.reports) is this table for the target year on the target
year's units; `verdicts(..., final=final)` takes those rows as they are, so the scorecard
XLSX, the briefing, the status map and notebook 03 show the same verdict.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.i18n import t as tr
from analysis.vietnamese import format_number as num

VERDICT_LABELS_VI = {
    "met": "Đạt",
    "on_track": "Đúng tiến độ",
    "at_risk": "Có nguy cơ",
    "off_track": "Chậm tiến độ",
    "not_met": "Không đạt",
    "no_data": "Không có số liệu",
}
PROGRESS_VERDICTS = ("met", "on_track", "at_risk", "off_track", "no_data")
FINAL_VERDICTS = ("met", "not_met", "no_data")
VERDICT_COLUMNS = [
    "target_id", "target_label", "level", "vintage", "commune_code", "commune_name", "year",
    "population", "value", "unit", "threshold", "numerator", "denominator", "mode",
    "shown_value", "shown_unit", "shown_threshold", "comparator", "basis",
    "verdict", "verdict_vi",
]  # fmt: skip
VERDICT_RULE_VI = (
    "Cách đánh giá: trước năm mục tiêu, mỗi chỉ tiêu được đánh giá Đạt (đã đạt mức mục tiêu), "
    "Đúng tiến độ (không thấp hơn lộ trình đều từ số liệu đầu kỳ đến mục tiêu), Có nguy cơ "
    "(chậm hơn lộ trình không quá mức của một năm) hoặc Chậm tiến độ; trong năm mục tiêu chỉ "
    "Đạt hoặc Không đạt. Chỉ tiêu giảm tỷ lệ hộ nghèo hằng năm được đánh giá cuối kỳ theo mức "
    "giảm bình quân cả giai đoạn, mức giảm từng năm ghi bên cạnh."
)


def _target_year(t, config) -> int:
    return t.target_year or config.periods.target_year


def _baseline_year(t, config) -> int:
    return t.baseline_year or config.periods.baseline_year


def _shown(t, rows: pd.DataFrame):
    """The value worded the way the target is worded (coverage, reduction, ...)."""
    m = t.metric
    value, threshold = rows["value"].astype(float), rows["threshold"].astype(float)
    unit = rows["unit"].astype(str)
    district = (rows["level"] == "district").to_numpy()
    if m == "deprivation_share_pct_max":  # "ít nhất 95% có ...": the covered share
        return 100 - value, "%", 100 - threshold, "≥"
    if m == "count_ratio_to_baseline":  # "giảm 1/2 ...": the reduction since the baseline
        return 100 - value, "% giảm so với đầu kỳ", 100 - threshold, "≥"
    if m == "commune_multidim_rate_pct":  # district: share of communes meeting the bound
        return value, unit, threshold, np.where(district, "≥", "≤")
    if m == "commune_multidim_rate_pct_above":  # district: communes above the bound
        return (
            value,
            unit.replace("số xã trên ngưỡng", "xã trên ngưỡng"),
            threshold,
            np.where(district, "=", "≤"),
        )
    if m == "poor_rate_annual_fall_pp":
        return value, unit, threshold, "≥"
    return value, unit, threshold, "≥"


def _annual_average(rows: pd.DataFrame, t, config, year: int) -> pd.DataFrame:
    """One row per unit: the average yearly fall over the period, (rate of the baseline year
    − rate of `year`) ÷ years, against the low bound; each year's fall in `basis`."""
    b = _baseline_year(t, config)
    years = list(range(b + 1, year + 1))
    out = []
    for _, g in rows.groupby(["level", "commune_code", "population"], sort=False, dropna=False):
        g = g.set_index("year")
        falls = g["value"].reindex(years)
        rate = 100 * g["numerator"] / g["denominator"]  # the poor rate of each scored year
        row = (g.loc[year] if year in g.index else g.iloc[-1]).to_dict()
        base = falls.get(b + 1, np.nan) + rate.get(b + 1, np.nan)
        value = (base - rate.get(year, np.nan)) / (year - b)
        each = ", ".join(_yearly(y, v) for y, v in falls.items())
        row.update(
            year=year, value=value, unit="điểm %/năm", numerator=np.nan, denominator=np.nan,
            basis=tr("bình quân {first}–{year}; từng năm: {each}", first=b, year=year, each=each),
            status="no_data" if value != value else "met" if value >= t.low - 1e-9 else "not_met",
        )  # fmt: skip
        out.append(row)
    return pd.DataFrame(out)


def _yearly(year: int, fall: float) -> str:
    if fall != fall:
        return tr("{year} không có số liệu", year=year)
    if fall >= 0:
        return tr("{year} giảm {fall} điểm %", year=year, fall=num(abs(fall), 2))
    return tr("{year} tăng {rise} điểm %", year=year, rise=num(abs(fall), 2))


def _rows_for(t, rows: pd.DataFrame, config, year: int, all_rows: pd.DataFrame) -> pd.DataFrame:
    rows = rows.copy()
    if year < _target_year(t, config):
        rows["mode"], rows["basis"] = "progress", ""
        rows["verdict"] = rows["status"]
        return rows
    if t.metric == "poor_rate_annual_fall_pp" and year == _target_year(t, config):
        rows = _annual_average(all_rows, t, config, year)
        rows = rows[rows["year"] == year] if len(rows) else rows
        rows["mode"] = "final"
        rows["verdict"] = rows["status"]
        return rows
    rows["mode"], rows["basis"] = "final", ""
    rows["verdict"] = np.where(
        rows["status"] == "met", "met", np.where(rows["status"] == "no_data", "no_data", "not_met")
    )
    return rows


def verdicts(
    scorecard: pd.DataFrame, config, year: int | None = None, final: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The verdict of every target x unit x year of `scorecard` (only `year` when given).

    `final` (targets.reports.final_evaluation) replaces the target-year rows of each
    target it covers: the final evaluation is made on the target year's units."""
    years = [year] if year is not None else sorted(int(y) for y in scorecard["year"].unique())
    parts = []
    for t in config.targets:
        own = scorecard[scorecard["target_id"] == t.id]
        for y in years:
            if (
                final is not None
                and y == _target_year(t, config)
                and (final["target_id"] == t.id).any()
            ):
                parts.append(final[final["target_id"] == t.id][VERDICT_COLUMNS])
                continue
            rows = own[own["year"] == y]
            if rows.empty:
                continue
            parts.append(_finish(t, _rows_for(t, rows, config, y, own[own["year"] <= y])))
    if not parts:
        return pd.DataFrame(columns=VERDICT_COLUMNS)
    out = pd.concat(parts, ignore_index=True)[VERDICT_COLUMNS]
    out["year"] = out["year"].astype("int64")
    return out


def _finish(t, rows: pd.DataFrame) -> pd.DataFrame:
    value, unit, threshold, comparator = _shown(t, rows)
    rows["shown_value"], rows["shown_unit"] = value, unit
    rows["shown_threshold"], rows["comparator"] = threshold, comparator
    rows["verdict_vi"] = rows["verdict"].map(VERDICT_LABELS_VI)
    return rows


def verdict_of(table: pd.DataFrame, target_id: str, year: int, **keys) -> pd.Series:
    """The verdict labels of `target_id` in `year` (district unless keys say otherwise)."""
    keys = {"level": "district", **keys}
    rows = table[(table["target_id"] == target_id) & (table["year"] == year)]
    for k, v in keys.items():
        rows = rows[rows[k] == v]
    return rows["verdict_vi"]
