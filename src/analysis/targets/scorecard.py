"""Targets of the plan as data, and the scorecard: every target x unit x year with a status.

The scorecard is computed from one long table of counts ("measures"): for each year
and commune, a numerator and a denominator per measure key (poor households over
resident households, deprived over listed households, trained over workers...). Counts
re-aggregate across unit vintages by summing (the 2025 merger), and rates are always
recomputed from counts, never averaged.

Status of a cell (STATUS_LABELS_VI): met when the value satisfies the threshold; before
the target year, on track when it is on the straight path from the baseline value to the
threshold, at risk when it misses that path by at most one year's step, off track
otherwise; at or after the target year, a miss is off track; no data when the number is
missing. T1 (an annual target) is met when the year's fall reaches the low bound (or the
rate reached zero), at risk when the rate fell less, off track when it did not fall.
T4 lists the communes above its bound: such a commune is marked at risk (needs support).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.errors import UserError
from analysis.targets.measures import (
    DISTRICT_CODE,
    collect_measures,
    district_measures,
    vintage_frames,
)

STATUSES = ("met", "on_track", "at_risk", "off_track", "no_data")
STATUS_LABELS_VI = {
    "met": "Đạt",
    "on_track": "Đúng tiến độ",
    "at_risk": "Có nguy cơ",
    "off_track": "Chậm tiến độ",
    "no_data": "Không có số liệu",
}
POPULATION_LABELS_VI = {
    "poor": "hộ nghèo",
    "near_poor": "hộ cận nghèo",
    "poor_or_near_poor": "hộ nghèo và cận nghèo",
}
SCORECARD_COLUMNS = [
    "target_id", "target_label", "level", "vintage", "commune_code", "commune_name", "year",
    "population", "value", "unit", "threshold", "numerator", "denominator", "status", "status_vi",
]  # fmt: skip


# Metrics a target may use (config targets[].metric); each has its rule below.
TARGET_METRICS = (
    "poor_rate_annual_fall_pp", "count_ratio_to_baseline", "commune_multidim_rate_pct",
    "commune_multidim_rate_pct_above", "deprivation_share_pct_max", "monitoring_share_pct_min",
)  # fmt: skip


# ------------------------------------------------------------------------------ status
def level_status(value, base, threshold, year, base_year, target_year, lower_is_better):
    """Vectorised status of a level target (see module docstring)."""
    value, base, year = (np.asarray(x, dtype=float) for x in (value, base, year))
    sign = 1.0 if lower_is_better else -1.0
    span = max(target_year - base_year, 1)
    path = base + (threshold - base) * np.clip((year - base_year) / span, 0, 1)
    step = np.abs(threshold - base) / span
    gap = sign * (value - path)
    status = np.where(gap <= 1e-9, "on_track", np.where(gap <= step + 1e-9, "at_risk", "off_track"))
    status = np.where(np.isnan(base) & (year < target_year), "at_risk", status)
    status = np.where(year >= target_year, "off_track", status)
    status = np.where(sign * (value - threshold) <= 1e-9, "met", status)
    return np.where(np.isnan(value), "no_data", status)


def annual_fall_status(fall_pp, rate_pct, low):
    fall_pp, rate_pct = np.asarray(fall_pp, float), np.asarray(rate_pct, float)
    status = np.where(fall_pp >= low - 1e-9, "met", np.where(fall_pp > 0, "at_risk", "off_track"))
    status = np.where(rate_pct <= 1e-12, "met", status)
    return np.where(np.isnan(fall_pp), "no_data", status)


def _wide(measures: pd.DataFrame, key: str, years) -> tuple[pd.DataFrame, pd.DataFrame]:
    m = measures[measures["key"] == key]
    idx = pd.Index(sorted(measures["commune_code"].unique()), name="commune_code")
    num = m.pivot_table(index="commune_code", columns="year", values="numerator", aggfunc="sum")
    den = m.pivot_table(index="commune_code", columns="year", values="denominator", aggfunc="sum")
    cols = sorted(set(years))
    return num.reindex(index=idx, columns=cols), den.reindex(index=idx, columns=cols)


def _long(value, num, den, years) -> pd.DataFrame:
    frames = [
        pd.DataFrame(
            {
                "commune_code": value.index,
                "year": y,
                "value": value[y].to_numpy(),
                "numerator": num[y].to_numpy(),
                "denominator": den[y].to_numpy(),
            }
        )
        for y in years
    ]
    return pd.concat(frames, ignore_index=True)


def _score_rate(measures, key, years, t, base_year, target_year, threshold, lower):
    all_years = sorted(set(years) | {base_year})
    num, den = _wide(measures, key, all_years)
    pct = 100 * num / den
    out = _long(pct, num, den, years)
    base = pct[base_year] if base_year in pct else pd.Series(np.nan, index=pct.index)
    out["base"] = np.tile(base.to_numpy(), len(years))
    out["status"] = level_status(
        out["value"], out["base"], threshold, out["year"], base_year, target_year, lower
    )
    return out.assign(threshold=threshold, unit="%")


def _score_fall(measures, years, t):
    prev_years = sorted(set(years) | {y - 1 for y in years})
    num, den = _wide(measures, "poor", prev_years)
    pct = 100 * num / den
    fall = pd.DataFrame({y: pct[y - 1] - pct[y] for y in years})
    out = _long(fall, num, den, years)
    rate_now = np.concatenate([pct[y].to_numpy() for y in years])
    out["status"] = annual_fall_status(out["value"], rate_now, t.low)
    return out.assign(threshold=t.low, unit="điểm %")


def _score_ratio(measures, population, years, t, base_year, target_year):
    num, _ = _wide(measures, population, sorted(set(years) | {base_year}))
    base = num[base_year] if base_year in num else pd.Series(np.nan, index=num.index)
    ratio = 100 * num.div(base.replace(0, np.nan), axis=0)
    den = pd.DataFrame({y: base for y in num.columns})
    out = _long(ratio, num, den, years)
    out["status"] = level_status(
        out["value"], 100.0, 100 * t.high, out["year"], base_year, target_year, True
    )
    out.loc[out["denominator"].isna(), "status"] = "no_data"
    return out.assign(threshold=100 * t.high, unit="% so với đầu kỳ", population=population)


def _communes_meeting(frames, year_vintage, years, t, above: bool) -> pd.DataFrame:
    rows = []
    for y in years:
        frame = frames.get(year_vintage.get(y))
        pct = pd.Series(dtype=float)
        if frame is not None:
            num, den = _wide(frame, "poor_or_near_poor", [y])
            pct = (100 * num[y] / den[y]).dropna()
        bound = t.low if above else t.high
        hit = int((pct > bound).sum()) if above else int((pct <= bound).sum())
        rows.append({"year": y, "numerator": hit, "denominator": len(pct)})
    return pd.DataFrame(rows)


def _score_district_t3(frames, year_vintage, years, t, base_year, target_year):
    out = _communes_meeting(frames, year_vintage, sorted(set(years) | {base_year}), t, False)
    out["value"] = 100 * out["numerator"] / out["denominator"].replace(0, np.nan)
    base = out.loc[out["year"] == base_year, "value"]
    out = out[out["year"].isin(years)].copy()
    out["status"] = level_status(
        out["value"], base.iloc[0] if len(base) else np.nan, 100.0, out["year"],
        base_year, target_year, False,
    )  # fmt: skip
    return out.assign(commune_code=DISTRICT_CODE, threshold=100.0, unit="% số xã đạt")


def _score_district_t4(frames, year_vintage, years, t):
    out = _communes_meeting(frames, year_vintage, years, t, True)
    out["value"] = out["numerator"].astype(float)
    out["status"] = np.where(out["denominator"] == 0, "no_data", "met")
    out.loc[out["numerator"] > 0, "status"] = "at_risk"
    return out.assign(commune_code=DISTRICT_CODE, threshold=0.0, unit="số xã trên ngưỡng")


def _score_above(measures, years, t):
    num, den = _wide(measures, "poor_or_near_poor", years)
    out = _long(100 * num / den, num, den, years)
    out["status"] = np.where(out["value"] > t.low, "at_risk", "met")
    out.loc[out["value"].isna(), "status"] = "no_data"
    return out.assign(threshold=t.low, unit="%")


def _key_of(t) -> str:
    pop = t.population[0]
    if t.metric == "deprivation_share_pct_max":
        return f"dep:{t.indicator}:{pop}"
    if t.metric == "monitoring_share_pct_min":
        return f"mon:{t.indicator}"
    return "poor_or_near_poor"


def _score_unit_level(t, measures, years, base_year, target_year) -> list[pd.DataFrame]:
    """One target on one table of measures (communes of a vintage, or the district)."""
    m = t.metric
    if m == "poor_rate_annual_fall_pp":
        return [_score_fall(measures, years, t)]
    if m == "count_ratio_to_baseline":
        return [_score_ratio(measures, p, years, t, base_year, target_year) for p in t.population]
    if m == "commune_multidim_rate_pct_above":
        return [_score_above(measures, years, t)]
    if m in ("commune_multidim_rate_pct", "deprivation_share_pct_max"):
        return [_score_rate(measures, _key_of(t), years, t, base_year, target_year, t.high, True)]
    if m == "monitoring_share_pct_min":
        return [_score_rate(measures, _key_of(t), years, t, base_year, target_year, t.low, False)]
    raise UserError(f"Chỉ tiêu {t.id}: phép đo '{m}' không được hỗ trợ (khóa targets.metric)")


def score_target(t, config, commune_frames, district, year_vintage) -> pd.DataFrame:
    base_year = t.baseline_year or config.periods.baseline_year
    target_year = t.target_year or config.periods.target_year
    # a plan is scored on the years of its own poverty standard (never across a change)
    years = [y for y in config.same_standard_years(year_vintage, base_year) if y >= base_year]
    if t.metric == "poor_rate_annual_fall_pp":
        years = [y for y in years if y > base_year]
    if not years:  # e.g. a yearly fall in the baseline year itself: nothing to score yet
        return pd.DataFrame(columns=[c for c in SCORECARD_COLUMNS if c != "status_vi"])
    parts = []
    if t.metric == "commune_multidim_rate_pct":
        parts.append(
            _score_district_t3(commune_frames, year_vintage, years, t, base_year, target_year)
        )
    elif t.metric == "commune_multidim_rate_pct_above":
        parts.append(_score_district_t4(commune_frames, year_vintage, years, t))
    else:
        parts += _score_unit_level(t, district, years, base_year, target_year)
    for p in parts:
        p["level"], p["vintage"] = "district", pd.NA
    for vintage, frame in commune_frames.items():
        v_years = [y for y in years if year_vintage[y] == vintage]
        if not v_years:
            continue
        for p in _score_unit_level(t, frame, v_years, base_year, target_year):
            names = frame.drop_duplicates("commune_code").set_index("commune_code")["commune_name"]
            p["commune_name"] = p["commune_code"].map(names)
            p["level"], p["vintage"] = "commune", vintage
            parts.append(p)
    out = pd.concat(parts, ignore_index=True)
    out["target_id"], out["target_label"] = t.id, t.label
    if "population" not in out.columns or out["population"].isna().all():
        out["population"] = t.population[0]
    out.loc[out["level"] == "district", "commune_code"] = DISTRICT_CODE
    out.loc[out["level"] == "district", "commune_name"] = "Toàn huyện"
    return out


def build_scorecard(
    indicators: pd.DataFrame,
    config,
    deprivations: pd.DataFrame | None = None,
    monitoring: pd.DataFrame | None = None,
    mapping: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Every target x (district, each commune) x year: value, numbers behind it, status.

    `mapping` (registry.to_merged()) re-aggregates earlier-vintage communes onto the
    later vintage, so merged communes get a baseline; without it they have none.
    """
    if indicators.empty:
        raise UserError("Bảng chỉ số theo xã trống: không có số liệu để lập bảng theo dõi.")
    measures = collect_measures(indicators, config, deprivations, monitoring)
    year_vintage = (
        indicators.drop_duplicates("year").set_index("year")["unit_vintage"].astype(int).to_dict()
    )
    frames = vintage_frames(measures, mapping)
    district = district_measures(measures)
    parts = [score_target(t, config, frames, district, year_vintage) for t in config.targets]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=SCORECARD_COLUMNS).astype({"year": "int64"})
    out = pd.concat(parts, ignore_index=True)
    out["status_vi"] = out["status"].map(STATUS_LABELS_VI)
    out["year"] = out["year"].astype("int64")
    order = {t.id: i for i, t in enumerate(config.targets)} | {"district": 0, "commune": 1}
    out = out[SCORECARD_COLUMNS]
    return out.sort_values(
        ["target_id", "population", "level", "vintage", "commune_code", "year"],
        key=lambda s: s.map(order) if s.name in ("target_id", "level") else s,
        ignore_index=True,
    )
