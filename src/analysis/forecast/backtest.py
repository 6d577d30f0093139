"""Backtests: fit on the years up to t, predict the following years, compare with what happened.

Reported per model: the mean absolute error of the median (percentage points) and the
share of actual values inside the 80 % interval (coverage; 0.80 is ideal). The model
whose coverage is closest to 80 % is the better calibrated one; ties within
COVERAGE_TIE go to the smaller error.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.forecast.core import MIN_YEARS, run_model
from analysis.forecast.flow import has_dynamics
from analysis.forecast.result import MODEL_LABELS_VI, merge_units
from analysis.i18n import t
from analysis.targets import DISTRICT_CODE, district_table
from analysis.vietnamese import format_number as _num
from analysis.vietnamese import format_pct

BACKTEST_QUANTITIES = ("poor_rate", "multidim_rate")
COVERAGE_TIE = 0.05
BACKTEST_COLUMNS = [
    "model", "run_year", "year", "horizon", "level", "commune_code", "commune_name", "quantity",
    "actual", "p10", "p50", "p90", "error_pp", "covered80",
]  # fmt: skip


def available_models(indicators: pd.DataFrame) -> tuple[str, ...]:
    return ("flow", "trend") if has_dynamics(indicators) else ("trend",)


def _compare(result, actual: pd.DataFrame, district: pd.Series, year: int, model: str) -> list:
    j = int(np.flatnonzero(result.years == year)[0])
    out = []
    units = [(DISTRICT_CODE, "Toàn huyện", "district", district)]
    if not actual.empty:
        by_code = actual.set_index("commune_code")
        units += [
            (c, n, "commune", by_code.loc[c]) for c, n in zip(result.codes, result.names, strict=True)
            if c in by_code.index
        ]  # fmt: skip
    for code, name, level, row in units:
        for quantity in BACKTEST_QUANTITIES:
            paths = result.paths(quantity, code)[:, j]
            p10, p50, p90 = np.quantile(paths, [0.1, 0.5, 0.9])
            act = float(row[quantity])
            out.append(dict(model=model, run_year=result.run_year, year=year,
                            horizon=year - result.run_year, level=level, commune_code=code,
                            commune_name=name, quantity=quantity, actual=act, p10=p10, p50=p50,
                            p90=p90, error_pp=100 * (p50 - act),
                            covered80=bool(p10 - 1e-12 <= act <= p90 + 1e-12)))  # fmt: skip
    return out


def predicted_vs_actual(
    indicators: pd.DataFrame,
    config,
    run_year: int,
    mapping: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
    n_paths: int = 2000,
    seed: int = 0,
    models: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Fit each model on the years up to `run_year`; predicted vs actual for later years.

    Later years on another unit vintage (the 2025 merged communes) are compared on that
    vintage when `mapping` (registry.to_merged()) is given: simulated commune counts are
    summed path by path onto the merged communes. The district is always compared.
    """
    later = sorted(y for y in indicators["year"].unique() if y > run_year)
    if not later:
        return pd.DataFrame(columns=BACKTEST_COLUMNS)
    district = district_table(indicators).set_index("year")
    rows = []
    for model in models or available_models(indicators[indicators["year"] <= run_year]):
        result = run_model(model, indicators, config, run_year, n_paths, seed, mapping, later[-1])
        merged = None
        for year in later:
            actual = indicators[indicators["year"] == year]
            vintage = int(actual["unit_vintage"].iloc[0])
            use = result
            if vintage != result.vintage:
                if mapping is None or not set(result.codes) <= set(mapping):
                    actual = actual.iloc[0:0]
                else:
                    merged = merged or merge_units(result, mapping, names or {}, vintage)
                    use = merged
            rows += _compare(use, actual, district.loc[year], int(year), model)
    return pd.DataFrame(rows, columns=BACKTEST_COLUMNS)


def backtest(
    indicators: pd.DataFrame,
    config,
    mapping: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
    n_paths: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """predicted_vs_actual for every run year that leaves at least one later year."""
    years = sorted(indicators["year"].unique())
    parts = [
        predicted_vs_actual(indicators, config, int(t), mapping, names, n_paths, seed)
        for t in years[MIN_YEARS - 1 : -1]
        if _enough_history(indicators, int(t))
    ]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=BACKTEST_COLUMNS)


def _enough_history(indicators: pd.DataFrame, run_year: int) -> bool:
    rows = indicators[indicators["year"] <= run_year]
    vintage = rows.loc[rows["year"] == run_year, "unit_vintage"]
    return (
        len(vintage) > 0
        and rows[rows["unit_vintage"] == vintage.iloc[0]]["year"].nunique() >= MIN_YEARS
    )


def summarise(backtest_rows: pd.DataFrame, quantity: str = "poor_rate") -> pd.DataFrame:
    """Per model: number of comparisons, mean absolute error (pp), 80 % coverage."""
    b = backtest_rows[backtest_rows["quantity"] == quantity]
    out = b.groupby("model").agg(
        n_comparisons=("error_pp", "size"),
        mae_pp=("error_pp", lambda e: float(np.abs(e).mean())),
        district_mae_pp=("error_pp", lambda e: float(np.abs(e[b.loc[e.index, "level"] == "district"]).mean())),
        coverage80=("covered80", "mean"),
    )  # fmt: skip
    out["calibration_gap"] = (out["coverage80"] - 0.8).abs()
    return out.reset_index()


def calibration(backtest_rows: pd.DataFrame) -> pd.DataFrame:
    """Per model, level (commune / district) and horizon: comparisons, mean absolute error
    of the median (pp), share of actual values inside the 80 % interval."""
    rows = backtest_rows.assign(abs_error_pp=backtest_rows["error_pp"].abs())
    out = rows.groupby(["model", "level", "horizon"]).agg(
        n_comparisons=("abs_error_pp", "size"),
        mae_pp=("abs_error_pp", "mean"),
        coverage80=("covered80", "mean"),
    )
    return out.reset_index()


def choose_model(summary: pd.DataFrame, available: tuple[str, ...]) -> tuple[str, str]:
    """(model, Vietnamese sentence saying which and why)."""
    s = summary[summary["model"].isin(available)]
    if s.empty:
        model = available[0]
        why = t(
            "chưa đủ số năm để kiểm định ngược" if len(available) > 1 else "thiếu số liệu biến động"
        )
        return model, t("Dự báo dùng {model} ({why}).", model=t(MODEL_LABELS_VI[model]), why=why)
    best_gap = s["calibration_gap"].min()
    close = s[s["calibration_gap"] <= best_gap + COVERAGE_TIE]
    pick = close.sort_values(["mae_pp", "calibration_gap"]).iloc[0]
    parts = [
        t(
            "{model}: khoảng 80% chứa {coverage} giá trị thực tế, sai số trung bình {error} điểm %",
            model=t(MODEL_LABELS_VI[r.model]),
            coverage=format_pct(r.coverage80, 0),
            error=_num(r.mae_pp, 2),
        )
        for r in s.itertuples()
    ]
    template = (
        "Dự báo dùng {model} vì kiểm định ngược cho thấy mô hình này hiệu chỉnh tốt hơn (độ phủ "
        "gần 80% nhất, sai số nhỏ hơn): {parts}."
        if len(close) > 1
        else "Dự báo dùng {model} vì kiểm định ngược cho thấy mô hình này hiệu chỉnh tốt hơn "
        "(độ phủ gần 80% nhất): {parts}."
    )
    sentence = t(template, model=t(MODEL_LABELS_VI[pick.model]), parts="; ".join(parts))
    return str(pick.model), sentence
