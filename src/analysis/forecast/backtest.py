"""Backtests: fit on the years up to t, predict the following years, compare with what happened.

Two kinds: on the run's own history (`backtest`, every model the history allows) and on
the published series of data/reference/poverty_rates_published.csv (`reference_backtest`,
the trend models; real figures, where the sample's are simulated). Reported per model:
the mean absolute error of the median (percentage points) and the share of actual
values inside the 80 % and 95 % intervals (coverage; 0.80 and 0.95 are ideal), with the
number of comparisons.

The model choice (`choose_model`): the trend scale (linear, logit, log) is chosen on the
published series, which are real and longer than a district's own few years; flow
against that trend on the run's history (the flow model needs the district's dynamics).
Each time the better calibrated model (coverage closest to 80 %) wins; ties within
COVERAGE_TIE go to the smaller error.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.forecast.core import MIN_YEARS, TREND_MODELS, run_model
from analysis.forecast.flow import has_dynamics
from analysis.forecast.reference import CURRENT_STANDARD, published_series
from analysis.forecast.result import merge_units
from analysis.forecast.trend import reference_prior, simulate_trend
from analysis.targets import DISTRICT_CODE, district_table

BACKTEST_QUANTITIES = ("poor_rate", "multidim_rate")
COVERAGE_TIE = 0.05
BACKTEST_COLUMNS = [
    "model", "run_year", "year", "horizon", "level", "commune_code", "commune_name", "quantity",
    "actual", "p2_5", "p10", "p50", "p90", "p97_5", "error_pp", "covered80", "covered95",
]  # fmt: skip
REFERENCE_COLUMNS = [
    "model", "standard", "unit", "level", "quantity", "run_year", "year", "horizon",
    "n_history", "actual", "p2_5", "p10", "p50", "p90", "p97_5", "error_pp", "covered80",
    "covered95",
]  # fmt: skip
QUANTILE_LEVELS = (0.025, 0.1, 0.5, 0.9, 0.975)


def available_models(indicators: pd.DataFrame) -> tuple[str, ...]:
    trends = tuple(TREND_MODELS)
    return ("flow", *trends) if has_dynamics(indicators) else trends


def _scores(paths: np.ndarray, actual: float) -> dict:
    """Quantiles of the paths, error of the median (pp), whether the 80 / 95 % intervals
    hold the actual value."""
    q = np.quantile(paths, QUANTILE_LEVELS)
    tol = 1e-12
    return dict(actual=actual, p2_5=q[0], p10=q[1], p50=q[2], p90=q[3], p97_5=q[4],
                error_pp=100 * (q[2] - actual),
                covered80=bool(q[1] - tol <= actual <= q[3] + tol),
                covered95=bool(q[0] - tol <= actual <= q[4] + tol))  # fmt: skip


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
            out.append(dict(model=model, run_year=result.run_year, year=year,
                            horizon=year - result.run_year, level=level, commune_code=code,
                            commune_name=name, quantity=quantity,
                            **_scores(paths, float(row[quantity]))))  # fmt: skip
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
    # never compared across a change of poverty standard
    same = set(config.same_standard_years(indicators["year"].unique(), run_year))
    later = sorted(y for y in indicators["year"].unique() if y > run_year and y in same)
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
        if _enough_history(indicators, int(t), config)
    ]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=BACKTEST_COLUMNS)


def _enough_history(indicators: pd.DataFrame, run_year: int, config) -> bool:
    same = config.same_standard_years(indicators["year"].unique(), run_year)
    rows = indicators[(indicators["year"] <= run_year) & indicators["year"].isin(same)]
    vintage = rows.loc[rows["year"] == run_year, "unit_vintage"]
    return (
        len(vintage) > 0
        and rows[rows["unit_vintage"] == vintage.iloc[0]]["year"].nunique() >= MIN_YEARS
    )


def summarise(backtest_rows: pd.DataFrame, quantity: str = "poor_rate") -> pd.DataFrame:
    """Per model: number of comparisons, mean absolute error (pp), 80 % and 95 % coverage."""
    b = backtest_rows[backtest_rows["quantity"] == quantity]
    out = b.groupby("model").agg(
        n_comparisons=("error_pp", "size"),
        mae_pp=("error_pp", lambda e: float(np.abs(e).mean())),
        district_mae_pp=("error_pp", lambda e: float(np.abs(e[b.loc[e.index, "level"] == "district"]).mean())),
        coverage80=("covered80", "mean"),
        coverage95=("covered95", "mean"),
    )  # fmt: skip
    out["calibration_gap"] = (out["coverage80"] - 0.8).abs()
    return out.reset_index()


def calibration(backtest_rows: pd.DataFrame) -> pd.DataFrame:
    """Per model, level (commune / district) and horizon: comparisons, mean absolute error
    of the median (pp), share of actual values inside the 80 % and 95 % intervals."""
    rows = backtest_rows.assign(abs_error_pp=backtest_rows["error_pp"].abs())
    out = rows.groupby(["model", "level", "horizon"]).agg(
        n_comparisons=("abs_error_pp", "size"),
        mae_pp=("abs_error_pp", "mean"),
        coverage80=("covered80", "mean"),
        coverage95=("covered95", "mean"),
    )
    return out.reset_index()


# ---------------------------------------------------------------- published series
@lru_cache(maxsize=8)
def _reference_backtest(models: tuple[str, ...], standard: str, n_paths: int, seed: int):
    rng = np.random.default_rng(seed)
    rows = []
    for s in published_series(standard=standard, min_years=3):
        for k in range(MIN_YEARS, len(s.years)):  # history: the first k years
            x, r = s.years[:k].astype(float), s.rates[None, :k]
            later = s.years[k:].astype(float)
            for model in models:
                scale = TREND_MODELS[model]
                # the unit itself never informs its own prior
                prior = reference_prior(scale, exclude=(s.unit,))
                paths = simulate_trend(x, r, later, n_paths, rng, prior.sd, scale, None, prior.dof)
                for j, year in enumerate(later):
                    rows.append(dict(model=model, standard=s.standard, unit=s.unit,
                                     level=s.level, quantity=s.quantity, run_year=int(x[-1]),
                                     year=int(year), horizon=int(year - x[-1]), n_history=k,
                                     **_scores(paths[:, 0, j], float(s.rates[k + j]))))  # fmt: skip
    return pd.DataFrame(rows, columns=REFERENCE_COLUMNS)


def reference_backtest(
    models: tuple[str, ...] = tuple(TREND_MODELS),
    standard: str = CURRENT_STANDARD,
    n_paths: int = 4000,
    seed: int = 0,
) -> pd.DataFrame:
    """Every trend model on every published series of `standard`: fitted on the first k
    years (k >= 2), predicting the later ones. A series never crosses a change of standard
    (reference.published_series); the variation prior leaves out the unit predicted.
    The 2016-2020 series (`standard="vn-2016-2020"`) are a second, separate check: their
    prior is still the 2022-2025 series' spread."""
    return _reference_backtest(tuple(models), standard, n_paths, seed).copy()


def reference_summary(rows: pd.DataFrame, horizon: int = 1) -> pd.DataFrame:
    """Per model at one horizon: comparisons, covered counts, coverage, mean absolute
    error and mean error (pp; negative = predicted too low)."""
    h = rows[rows["horizon"] == horizon]
    out = h.groupby("model").agg(
        n_comparisons=("error_pp", "size"),
        n_covered80=("covered80", "sum"),
        n_covered95=("covered95", "sum"),
        coverage80=("covered80", "mean"),
        coverage95=("covered95", "mean"),
        mae_pp=("error_pp", lambda e: float(np.abs(e).mean())),
        bias_pp=("error_pp", "mean"),
    )
    out["calibration_gap"] = (out["coverage80"] - 0.8).abs()
    return out.reset_index()


def reference_calibration(rows: pd.DataFrame) -> pd.DataFrame:
    """Per model, horizon and quantity (and all quantities): the reference_summary figures."""
    parts = []
    for horizon in sorted(rows["horizon"].unique()):
        for quantity, g in [("all", rows), *rows.groupby("quantity")]:
            s = reference_summary(g, int(horizon)).assign(horizon=int(horizon), quantity=quantity)
            parts.append(s)
    if not parts:
        return pd.DataFrame()
    out = pd.concat(parts, ignore_index=True)
    lead = ["model", "horizon", "quantity"]
    return out[lead + [c for c in out.columns if c not in lead]]


# ---------------------------------------------------------------------------- choice
def _pick(summary: pd.DataFrame, candidates: tuple[str, ...]) -> str | None:
    """The best calibrated candidate of `summary`; ties within COVERAGE_TIE: smaller error."""
    s = summary[summary["model"].isin(candidates)]
    if s.empty:
        return None
    close = s[s["calibration_gap"] <= s["calibration_gap"].min() + COVERAGE_TIE]
    return str(close.sort_values(["mae_pp", "calibration_gap"]).iloc[0]["model"])


def choose_model(
    summary: pd.DataFrame, available: tuple[str, ...], reference: pd.DataFrame | None = None
) -> tuple[str, str]:
    """(model, Vietnamese sentences saying which and why, with the backtest figures).

    `summary`: `summarise` of the run's backtest; `reference`: `reference_summary` of the
    published series (None: the trend scale is chosen on the run's backtest alone)."""
    from analysis.forecast.text import describe_model_choice

    trends = tuple(m for m in available if m in TREND_MODELS)
    trend = (_pick(reference, trends) if reference is not None else None) or _pick(summary, trends)
    trend = trend or (trends[0] if trends else None)
    finalists = tuple(m for m in available if m == "flow") + ((trend,) if trend else ())
    chosen = _pick(summary, finalists) if "model" in summary else None
    if chosen is None:
        chosen = finalists[0] if finalists else available[0]
    return chosen, describe_model_choice(chosen, summary, reference, available)
