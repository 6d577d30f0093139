"""Fit a model on the history up to the run year and simulate it to the horizon."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from analysis.errors import UserError
from analysis.forecast.flow import fit_flow, has_dynamics, simulate_flow
from analysis.forecast.result import ForecastResult
from analysis.forecast.trend import (
    VariationPrior,
    pooled_prior,
    reference_prior,
    simulate_trend,
)
from analysis.i18n import t
from analysis.targets import add_rates, district_table, reaggregate

MIN_YEARS = 2
# Trend models by id: the scale their straight line is drawn on (analysis.forecast.trend).
TREND_MODELS = {"trend": "linear", "trend_logit": "logit", "trend_log": "log"}
MODELS = ("flow", *TREND_MODELS)
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


def run_trend(
    history, district, vintage, run_year, years, n_paths, rng, scale: str = "linear"
) -> ForecastResult:
    """A straight line per commune and for the district on `scale` (see trend.py)."""
    codes = np.array(sorted(history["commune_code"].unique()), dtype=object)
    names = history.drop_duplicates("commune_code").set_index("commune_code")["commune_name"]
    households, now = project_households(history, codes, years, run_year)
    dist_n = households.sum(0)
    reference = reference_prior(scale)
    future = years.astype(float)
    out, priors = {}, []
    for value in ("poor_rate", "near_poor_rate"):
        x, rates = _series(history, value, codes)
        prior = pooled_prior(x, rates, now, scale, reference)
        priors.append(prior)
        paths = simulate_trend(x, rates, future, n_paths, rng, prior.sd, scale, now, prior.dof)
        dx, drates = _series(district.assign(commune_code="d"), value, ["d"])
        own = pooled_prior(dx, drates, [now.sum()], scale, reference)
        dpaths = simulate_trend(dx, drates, future, n_paths, rng, own.sd, scale, [now.sum()],
                                own.dof)  # fmt: skip
        out[value] = (paths * households[None], dpaths[:, 0] * dist_n[None])
    model = next(k for k, v in TREND_MODELS.items() if v == scale)
    kw = _base(history, district, vintage, run_year, years, model, codes,
               names.reindex(codes).to_numpy(object), households,
               out["poor_rate"][0], out["near_poor_rate"][0])  # fmt: skip
    note = variation_note(priors[0], reference, history["year"].nunique(), len(codes))
    return ForecastResult(
        **kw,
        district_poor=out["poor_rate"][1],
        district_near_poor=out["near_poor_rate"][1],
        notes=(note,),
    )


def variation_note(
    prior: VariationPrior, reference: VariationPrior, n_years: int, n_units: int
) -> str:
    """Where the trend model's year-to-year variation comes from, in one sentence."""
    if prior.source == "data+reference":
        return t(
            "Biến động hằng năm quanh xu thế: các xã ước lượng từ chính số liệu {n_years} năm "
            "của {n_units} xã, kết hợp với {n_series} chuỗi số liệu công bố (cả nước, vùng, "
            "tỉnh; chuẩn nghèo 2022–2025); toàn huyện theo các chuỗi công bố đó và lịch sử của "
            "huyện.",
            n_years=n_years,
            n_units=n_units,
            n_series=reference.n_series,
        )
    return t(
        "Lịch sử {n_years} năm chưa đủ để ước lượng biến động hằng năm quanh xu thế (cần ít nhất "
        "3 năm), nên dự báo dùng mức biến động quan sát trên {n_series} chuỗi số liệu công bố "
        "(cả nước, vùng, tỉnh; chuẩn nghèo 2022–2025), cộng với dao động theo quy mô của từng "
        "xã.",
        n_years=n_years,
        n_series=reference.n_series,
    )


def standard_label(standard: str) -> str:
    """'vn-2022-2025' -> 'chuẩn nghèo 2022–2025'."""
    return t("chuẩn nghèo {period}", period=standard.removeprefix("vn-").replace("-", "–"))


def _standard_of(config, year: int) -> str | None:
    try:
        return config.standard_for(int(year))
    except UserError:
        return None


def same_standard_rows(indicators: pd.DataFrame, config, run_year: int) -> tuple[pd.DataFrame, str]:
    """The rows measured under the run year's poverty standard, and a sentence naming the
    years left out because another standard measured them ('' when none)."""
    years = sorted(int(y) for y in indicators["year"].unique())
    keep = config.same_standard_years(years, run_year)
    dropped = [y for y in years if y < run_year and y not in keep]
    if not dropped:
        return indicators[indicators["year"].isin(keep)], ""
    others = sorted({_standard_of(config, y) or "" for y in dropped} - {""})
    what = ", ".join(standard_label(o) for o in others) or t("chuẩn nghèo khác")
    note = t(
        "Số liệu năm {years} đo theo {standard}, khác {own} của năm {year}, nên không được nối "
        "vào chuỗi số liệu để dự báo.",
        years=", ".join(map(str, dropped)),
        standard=what,
        own=standard_label(config.standard_for(run_year)),
        year=run_year,
    )
    return indicators[indicators["year"].isin(keep)], note


def horizon_note(config, run_year: int, years) -> str:
    """A sentence when the forecast reaches years measured under another standard."""
    own = config.standard_for(run_year)
    crossed = [int(y) for y in years if _standard_of(config, int(y)) != own]
    if not crossed:
        return ""
    nxt = _standard_of(config, crossed[0])
    then = standard_label(nxt) if nxt else t("một chuẩn nghèo chưa có trong cấu hình")
    return t(
        "Dự báo cho năm {years} vẫn theo {standard}; từ năm {first} áp dụng {then}, nên các con "
        "số đó chỉ là xu thế theo chuẩn hiện hành kéo dài ra, không so sánh được với kết quả rà "
        "soát theo chuẩn mới.",
        years=", ".join(map(str, crossed)),
        standard=standard_label(own),
        first=crossed[0],
        then=then,
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
    indicators, dropped = same_standard_rows(indicators, config, run_year)
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
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}")
    if model == "flow" and not has_dynamics(history):
        raise UserError(
            t(
                "Không có số liệu biến động hộ nghèo, hộ cận nghèo (đầu kỳ, giảm, tăng): "
                "không dùng được mô hình dòng chuyển; hãy dùng mô hình xu thế."
            )
        )
    rng = np.random.default_rng(seed)
    years = horizon(run_year, config, end)
    if model == "flow":
        result = run_flow(history, district, vintage, run_year, years, n_paths, rng)
    else:
        scale = TREND_MODELS[model]
        result = run_trend(history, district, vintage, run_year, years, n_paths, rng, scale)
    notes = [n for n in (dropped, horizon_note(config, run_year, years)) if n]
    return replace(result, notes=(*notes, *result.notes))
