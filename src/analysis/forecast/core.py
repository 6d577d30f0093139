"""Fit a model on the history up to the run year and simulate it to the horizon."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.errors import UserError
from analysis.forecast.flow import fit_flow, has_dynamics, simulate_flow
from analysis.forecast.result import ForecastResult
from analysis.forecast.trend import common_sd, simulate_trend
from analysis.i18n import t
from analysis.targets import add_rates, district_table, reaggregate

MIN_YEARS = 2
GROWTH_BOUNDS = (0.98, 1.03)  # yearly change of resident households used in projections


def prepare_history(
    indicators: pd.DataFrame, run_year: int, mapping: Mapping[str, str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """(commune history on the run year's vintage, district history, vintage)."""
    rows = indicators[indicators["year"] <= run_year]
    if run_year not in set(rows["year"]):
        raise UserError(
            t("Bảng chỉ số không có số liệu năm {year}: không thể dự báo.", year=run_year)
        )
    vintage = int(rows.loc[rows["year"] == run_year, "unit_vintage"].iloc[0])
    district = district_table(rows)
    same = rows[rows["unit_vintage"] == vintage]
    older = rows[rows["unit_vintage"] != vintage]
    if not older.empty and mapping and set(older["commune_code"]) <= set(mapping):
        same = add_rates(reaggregate(rows, mapping, vintage))
    return same.sort_values(["commune_code", "year"], ignore_index=True), district, vintage


def horizon(run_year: int, config, end: int | None = None) -> np.ndarray:
    last = end or max(config.periods.target_year, run_year + 1)
    return np.arange(run_year + 1, max(last, run_year + 1) + 1)


def project_households(history: pd.DataFrame, codes, years: np.ndarray, run_year: int):
    """Resident households (C, Y): each commune's own average yearly growth, bounded."""
    wide = history.pivot_table(index="commune_code", columns="year", values="n_households")
    wide = wide.reindex(codes)
    first = wide.apply(lambda r: r.dropna().iloc[0], axis=1).to_numpy(float)
    last = wide[run_year].to_numpy(float)
    span = wide.apply(lambda r: r.dropna().index[-1] - r.dropna().index[0], axis=1).to_numpy()
    growth = np.where(span > 0, (last / first) ** (1 / np.maximum(span, 1)), 1.0)
    growth = np.clip(growth, *GROWTH_BOUNDS)
    return np.round(last[:, None] * growth[:, None] ** (years - run_year)[None, :]), last


def _base(history, district, vintage, run_year, years, model, codes, names, households, p, q):
    return dict(
        model=model,
        run_year=run_year,
        years=years,
        vintage=vintage,
        codes=codes,
        names=names,
        households=households,
        poor=p,
        near_poor=q,
        history=history,
        district_history=district,
    )


def run_flow(history, district, vintage, run_year, years, n_paths, rng) -> ForecastResult:
    fit = fit_flow(history)
    codes = fit.codes
    now = history[history["year"] == run_year].set_index("commune_code").reindex(codes)
    households, start_n = project_households(history, codes, years, run_year)
    p, q = simulate_flow(
        fit,
        now["n_poor"].to_numpy(np.int64),
        now["n_near_poor"].to_numpy(np.int64),
        start_n,
        households,
        n_paths,
        rng,
        years,
    )
    kw = _base(history, district, vintage, run_year, years, "flow", codes,
               now["commune_name"].to_numpy(object), households, p, q)  # fmt: skip
    return ForecastResult(**kw, district_poor=p.sum(1), district_near_poor=q.sum(1))


def _series(history: pd.DataFrame, value: str, codes) -> tuple[np.ndarray, np.ndarray]:
    wide = history.pivot_table(index="commune_code", columns="year", values=value).reindex(codes)
    return np.asarray(wide.columns, dtype=float), wide.to_numpy(float)


def run_trend(history, district, vintage, run_year, years, n_paths, rng) -> ForecastResult:
    codes = np.array(sorted(history["commune_code"].unique()), dtype=object)
    names = history.drop_duplicates("commune_code").set_index("commune_code")["commune_name"]
    households, _ = project_households(history, codes, years, run_year)
    dist_n = households.sum(0)
    out = {}
    for value in ("poor_rate", "near_poor_rate"):
        x, rates = _series(history, value, codes)
        paths = simulate_trend(x, rates, years.astype(float), n_paths, rng)
        weight = np.sqrt((households[:, -1] ** 2).sum()) / dist_n[-1]
        dx, drates = _series(district.assign(commune_code="d"), value, ["d"])
        dpaths = simulate_trend(
            dx, drates, years.astype(float), n_paths, rng, prior_sd=common_sd(x, rates) * weight
        )
        out[value] = (paths * households[None], dpaths[:, 0] * dist_n[None])
    kw = _base(history, district, vintage, run_year, years, "trend", codes,
               names.reindex(codes).to_numpy(object), households,
               out["poor_rate"][0], out["near_poor_rate"][0])  # fmt: skip
    return ForecastResult(
        **kw, district_poor=out["poor_rate"][1], district_near_poor=out["near_poor_rate"][1]
    )


def run_model(
    model: str,
    indicators: pd.DataFrame,
    config,
    run_year: int,
    n_paths: int,
    seed: int,
    mapping: Mapping[str, str] | None = None,
    end: int | None = None,
) -> ForecastResult:
    history, district, vintage = prepare_history(indicators, run_year, mapping)
    if history["year"].nunique() < MIN_YEARS:
        raise UserError(
            t(
                "Cần số liệu ít nhất {min_years} năm (đến năm {year}) để dự báo; hiện có {n} năm "
                "trên cùng kỳ đơn vị hành chính.",
                min_years=MIN_YEARS,
                year=run_year,
                n=history["year"].nunique(),
            )
        )
    if model == "flow" and not has_dynamics(history):
        raise UserError(
            t(
                "Không có số liệu biến động hộ nghèo, hộ cận nghèo (đầu kỳ, giảm, tăng): "
                "không dùng được mô hình dòng chuyển; hãy dùng mô hình xu thế."
            )
        )
    rng = np.random.default_rng(seed)
    years = horizon(run_year, config, end)
    runner = {"flow": run_flow, "trend": run_trend}[model]
    return runner(history, district, vintage, run_year, years, n_paths, rng)
