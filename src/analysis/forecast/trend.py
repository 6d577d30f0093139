"""Trend models: a straight line in the rate, in its logit or in its log, per unit.

Poverty rates fall in proportion rather than by the same number of points each year:
as a rate nears 1-3 %, a straight line in the rate keeps subtracting the same points and
predicts too fast a decline. A line in logit(rate) (or log(rate)) falls by the same
proportion each year instead and never crosses 0. Which scale forecasts better is a
question for the backtest (`analysis.forecast.backtest`), on the run's history and on
the published series (data/reference/poverty_rates_published.csv).

Each series (a commune's or the district's poor or near-poor rate) is fitted by least
squares on the chosen scale. Around its line, the yearly deviations have variance
sigma^2 = systemic part + binomial part (1 / (N p (1 - p)) on the logit scale for a unit
of N households): a commune of 300 households wobbles more than a province. The
systemic part comes from the data when the history shows it (residuals pooled over the
run's communes) and from the published series' spread of yearly changes around their
own trends otherwise (`VariationPrior`), the two weighted by their degrees of freedom.
Each series' own residuals then update that prior (scaled inverse chi-square), so every
path draws its own sigma, intercept and slope before its yearly deviations: with two or
three years the slope is uncertain and the intervals are wide (at one year ahead of a
two-year history the predictive sd is sqrt(6) sigma).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

SCALES = ("linear", "logit", "log")
# Pseudo-years of the prior at most: a prior is a typical level, not the unit's own.
MAX_PRIOR_DOF = 30.0
# Used only when no published series has three years (cannot happen with the shipped file).
FALLBACK_SD = {"linear": 0.003, "logit": 0.05, "log": 0.05}
_EPS = 1e-4


@dataclass(frozen=True)
class VariationPrior:
    """Systemic yearly deviation from a unit's trend, on one scale."""

    scale: str
    sd: float
    dof: float  # degrees of freedom behind sd (its weight as a prior)
    n_series: int  # series it was estimated from
    source: str  # "reference" | "data" | "data+reference" | "fallback"


def to_scale(rates: np.ndarray, scale: str, households=None) -> np.ndarray:
    """Rates (fractions, NaN allowed) on the model's scale; 0 and 1 are moved half a
    household inside (or by 1e-4 without household counts) so logit and log stay finite."""
    r = np.asarray(rates, dtype=float)
    if scale == "linear":
        return r
    if households is not None:
        n = np.broadcast_to(np.asarray(households, dtype=float), r.shape)
        ok = np.isfinite(n) & (n > 0)
        r = np.where(ok, (r * np.where(ok, n, 1) + 0.5) / (np.where(ok, n, 1) + 1), r)
    r = np.clip(r, _EPS, 1 - _EPS)
    return np.log(r) - np.log1p(-r) if scale == "logit" else np.log(r)


def from_scale(y: np.ndarray, scale: str) -> np.ndarray:
    if scale == "linear":
        return np.clip(y, 0.0, 1.0)
    if scale == "logit":
        return 1.0 / (1.0 + np.exp(-np.clip(y, -30, 30)))
    return np.minimum(np.exp(np.clip(y, -30, 0)), 1.0)


def binomial_var(rates: np.ndarray, households, scale: str) -> np.ndarray:
    """Variance of one year's rate of N households around its expectation, on the scale
    (delta method); 0 where the households are unknown."""
    p = np.clip(np.asarray(rates, dtype=float), _EPS, 1 - _EPS)
    if households is None:
        return np.zeros_like(p)
    n = np.asarray(households, dtype=float)
    n = np.where(np.isfinite(n) & (n > 0), n, np.inf)
    if scale == "linear":
        return p * (1 - p) / n
    if scale == "logit":
        return 1.0 / (n * p * (1 - p))
    return (1 - p) / (n * p)


def fit_lines(years: np.ndarray, y: np.ndarray):
    """Per row of y (U, T), NaN gaps allowed: level at the mean year, slope, rss, dof,
    mean year, sum of squares of the years, number of points."""
    u = y.shape[0]
    a, b, rss = np.full(u, np.nan), np.zeros(u), np.zeros(u)
    dof, xbar, sxx, npts = np.zeros(u), np.zeros(u), np.ones(u), np.zeros(u)
    for i in range(u):
        ok = np.isfinite(y[i])
        x, v = np.asarray(years, dtype=float)[ok], y[i, ok]
        npts[i] = ok.sum()
        if npts[i] == 0:
            continue
        xbar[i] = x.mean()
        sxx[i] = max(((x - xbar[i]) ** 2).sum(), 1e-9)
        b[i] = ((x - xbar[i]) * (v - v.mean())).sum() / sxx[i] if npts[i] > 1 else 0.0
        a[i] = v.mean()
        rss[i] = ((v - a[i] - b[i] * (x - xbar[i])) ** 2).sum()
        dof[i] = max(npts[i] - 2, 0)
    return a, b, rss, dof, xbar, sxx, npts


@lru_cache(maxsize=64)
def reference_prior(scale: str, exclude: tuple[str, ...] = ()) -> VariationPrior:
    """The published series' spread of yearly changes around their own straight trend on
    `scale` (series of three years or more under the 2022-2025 standard; `exclude`
    leaves units out, as the backtest does for the unit it predicts)."""
    from analysis.forecast.reference import published_series

    series = [s for s in published_series(min_years=3) if s.unit not in exclude]
    rss = dof = 0.0
    for s in series:
        y = to_scale(s.rates, scale)[None, :]
        _, _, r, d, *_ = fit_lines(s.years.astype(float), y)
        rss, dof = rss + float(r[0]), dof + float(d[0])
    if dof == 0:
        return VariationPrior(scale, FALLBACK_SD[scale], 2.0, 0, "fallback")
    return VariationPrior(scale, float(np.sqrt(rss / dof)), min(dof, MAX_PRIOR_DOF),
                          len(series), "reference")  # fmt: skip


def pooled_prior(
    years: np.ndarray, rates: np.ndarray, households, scale: str, reference: VariationPrior
) -> VariationPrior:
    """The systemic variation of a run's units: their own residuals beyond the binomial
    part (pooled over units with three years or more), weighted against the reference."""
    y = to_scale(rates, scale, None if households is None else np.asarray(households)[:, None])
    _, _, rss, dof, *_ = fit_lines(years, y)
    d = float(dof.sum())
    if d == 0:
        return reference
    mean_rate = np.nanmean(rates, axis=1)
    binom = binomial_var(mean_rate, households, scale)
    excess = max(float((rss - dof * binom).sum()), 0.0) / d
    var = (d * excess + reference.dof * reference.sd**2) / (d + reference.dof)
    return VariationPrior(scale, float(np.sqrt(var)), min(d + reference.dof, MAX_PRIOR_DOF),
                          reference.n_series, "data+reference")  # fmt: skip


def simulate_trend(
    years: np.ndarray,
    rates: np.ndarray,
    future: np.ndarray,
    n_paths: int,
    rng: np.random.Generator,
    prior_sd: float | None = None,
    scale: str = "linear",
    households=None,
    prior_dof: float | None = None,
) -> np.ndarray:
    """Simulated rates (S, U, Y) for the future years.

    `rates` (U, T) per unit and year (NaN for a year not observed); `households` (U,) the
    units' resident households (for the binomial part and the 0/1 correction), None when
    unknown. `prior_sd` / `prior_dof`: the systemic variation's prior (default: the
    published series on this scale).
    """
    if scale not in SCALES:
        raise ValueError(f"unknown trend scale {scale!r}")
    if prior_sd is None:
        ref = reference_prior(scale)
        prior_sd, prior_dof = ref.sd, ref.dof if prior_dof is None else prior_dof
    prior_dof = 4.0 if prior_dof is None else prior_dof
    hh = None if households is None else np.asarray(households, dtype=float)
    y = to_scale(rates, scale, None if hh is None else hh[:, None])
    a, b, rss, dof, xbar, sxx, npts = fit_lines(years, y)
    s0sq = prior_sd**2 + binomial_var(np.nanmean(rates, axis=1), hh, scale)
    nu = dof + prior_dof
    s2 = (rss + prior_dof * s0sq) / nu
    u, n_y = rates.shape[0], len(future)
    chi2 = rng.chisquare(nu[None, :, None], size=(n_paths, u, 1))
    sigma = np.sqrt(nu[None, :, None] * s2[None, :, None] / chi2)
    za = rng.standard_normal((n_paths, u, 1))
    zb = rng.standard_normal((n_paths, u, 1))
    ze = rng.standard_normal((n_paths, u, n_y))
    dx = np.asarray(future, dtype=float)[None, None, :] - xbar[None, :, None]
    level = a[None, :, None] + sigma * za / np.sqrt(np.maximum(npts, 1))[None, :, None]
    slope = b[None, :, None] + sigma * zb / np.sqrt(sxx)[None, :, None]
    slope = np.where(npts[None, :, None] > 1, slope, 0.0)
    return from_scale(level + slope * dx + sigma * ze, scale)
