"""Probability of meeting the forecast targets from the simulated paths, and the reduction still
required. Targets are picked by metric (FORECAST_METRICS), never by id."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.forecast.result import ForecastResult
from analysis.targets import DISTRICT_CODE

PROB_COLUMNS = [
    "target_id", "population", "level", "commune_code", "commune_name", "year",
    "probability", "threshold",
]  # fmt: skip
REQUIRED_COLUMNS = [
    "target_id", "population", "level", "commune_code", "commune_name", "current", "goal",
    "years_left", "per_year_households", "per_year_pp",
]  # fmt: skip
_COUNT = {"poor": "n_poor", "near_poor": "n_near_poor", "poor_or_near_poor": "n_poor_or_near_poor"}


def _units(result: ForecastResult):
    yield DISTRICT_CODE, "Toàn huyện", "district"
    yield from ((c, n, "commune") for c, n in zip(result.codes, result.names, strict=True))


def _target_years(t, config) -> tuple[int, int]:
    return (
        t.baseline_year or config.periods.baseline_year,
        t.target_year or config.periods.target_year,
    )


def _t1(result: ForecastResult, t, config) -> list[dict]:
    _, target_year = _target_years(t, config)
    rows = []
    for code, name, level in _units(result):
        paths = result.paths("poor_rate", code)
        now = result.observed("poor_rate", result.run_year, code)
        prev = np.column_stack([np.full(paths.shape[0], now), paths[:, :-1]])
        fall_pp = 100 * (prev - paths)
        met = (fall_pp >= t.low - 1e-9) | (paths <= 0)
        for j, year in enumerate(result.years):
            if year <= target_year:
                rows.append(dict(target_id=t.id, population="poor", level=level, commune_code=code,
                                 commune_name=name, year=int(year), probability=met[:, j].mean(),
                                 threshold=t.low))  # fmt: skip
    return rows


def _t2(result: ForecastResult, t, config) -> list[dict]:
    base_year, target_year = _target_years(t, config)
    if target_year not in result.years:
        return []
    j = int(np.flatnonzero(result.years == target_year)[0])
    rows = []
    for pop in t.population:
        for code, name, level in _units(result):
            base = result.observed(_COUNT[pop], base_year, code)
            prob = (result.paths(_COUNT[pop], code)[:, j] <= t.high * base + 1e-9).mean()
            rows.append(dict(target_id=t.id, population=pop, level=level, commune_code=code,
                             commune_name=name, year=target_year,
                             probability=prob if base == base else np.nan,
                             threshold=100 * t.high))  # fmt: skip
    return rows


def _t3(result: ForecastResult, t, config) -> list[dict]:
    _, target_year = _target_years(t, config)
    if target_year not in result.years:
        return []
    j = int(np.flatnonzero(result.years == target_year)[0])
    meets = result.all_paths("multidim_rate")[:, :, j] <= t.high / 100 + 1e-12  # (S, C)
    common = dict(
        target_id=t.id, population="poor_or_near_poor", year=target_year, threshold=t.high
    )
    rows = [dict(common, level="district", commune_code=DISTRICT_CODE, commune_name="Toàn huyện",
                 probability=meets.all(1).mean())]  # fmt: skip
    for i, (code, name) in enumerate(zip(result.codes, result.names, strict=True)):
        rows.append(dict(common, level="commune", commune_code=code, commune_name=name,
                         probability=meets[:, i].mean()))  # fmt: skip
    return rows


_RULES = {
    "poor_rate_annual_fall_pp": _t1,
    "count_ratio_to_baseline": _t2,
    "commune_multidim_rate_pct": _t3,
}


FORECAST_METRICS = tuple(_RULES)


def probabilities(result: ForecastResult, config) -> pd.DataFrame:
    """Probability of meeting each forecast target: a yearly fall (each remaining year), a
    count ratio (each population), every commune's multidimensional rate."""
    rows = [
        r for t in config.targets if t.metric in _RULES for r in _RULES[t.metric](result, t, config)
    ]
    return pd.DataFrame(rows, columns=PROB_COLUMNS)


def required_reductions(result: ForecastResult, config) -> pd.DataFrame:
    """Reduction per year, from the run year on, that meets each target by its year."""
    rows = []
    n_now = {c: result.observed("n_households", result.run_year, c) for c, _, _ in _units(result)}
    for t in config.targets:
        base_year, target_year = _target_years(t, config)
        left = target_year - result.run_year
        if left <= 0 or t.metric not in _RULES:
            continue
        for code, name, level in _units(result):
            n = n_now[code]
            common = dict(target_id=t.id, level=level, commune_code=code, commune_name=name,
                          years_left=left)  # fmt: skip
            if t.metric == "poor_rate_annual_fall_pp":
                cur = 100 * result.observed("poor_rate", result.run_year, code)
                rows.append(dict(common, population="poor", current=cur, goal=cur - left * t.low,
                                 per_year_pp=t.low, per_year_households=t.low / 100 * n))  # fmt: skip
            elif t.metric == "count_ratio_to_baseline":
                for pop in t.population:
                    cur = result.observed(_COUNT[pop], result.run_year, code)
                    goal = t.high * result.observed(_COUNT[pop], base_year, code)
                    per = max(cur - goal, 0) / left
                    rows.append(dict(common, population=pop, current=cur, goal=goal,
                                     per_year_households=per, per_year_pp=100 * per / n))  # fmt: skip
            elif level == "commune":
                cur = 100 * result.observed("multidim_rate", result.run_year, code)
                per = max(cur - t.high, 0) / left
                rows.append(dict(common, population="poor_or_near_poor", current=cur, goal=t.high,
                                 per_year_pp=per, per_year_households=per / 100 * n))  # fmt: skip
    return pd.DataFrame(rows, columns=REQUIRED_COLUMNS)
