"""Trend baseline: a straight line in the rate per unit, with residual-based intervals.

Each series (a commune's or the district's poor or near-poor rate) is fitted by least
squares on the years observed. The residual variance is pooled toward a common value
(PRIOR_DOF pseudo-observations) because a series of 3-4 points says little about its
own noise; with 2 points (no residual), the common value comes from the spread of the
units' slopes. Paths draw intercept, slope and each year's deviation from normals.
"""

from __future__ import annotations

import numpy as np

PRIOR_DOF = 2.0


def _fit_lines(years: np.ndarray, rates: np.ndarray):
    """Per row of rates (U, T) with NaN gaps: intercept at mean year, slope, rss, dof, xbar, sxx."""
    u = rates.shape[0]
    a, b, rss = np.zeros(u), np.zeros(u), np.zeros(u)
    dof, xbar, sxx, npts = np.zeros(u), np.zeros(u), np.ones(u), np.zeros(u)
    for i in range(u):
        ok = ~np.isnan(rates[i])
        x, y = years[ok].astype(float), rates[i, ok]
        npts[i] = ok.sum()
        if npts[i] == 0:
            a[i] = np.nan
            continue
        xbar[i] = x.mean()
        sxx[i] = max(((x - xbar[i]) ** 2).sum(), 1e-9)
        b[i] = ((x - xbar[i]) * (y - y.mean())).sum() / sxx[i] if npts[i] > 1 else 0.0
        a[i] = y.mean()
        rss[i] = ((y - a[i] - b[i] * (x - xbar[i])) ** 2).sum()
        dof[i] = max(npts[i] - 2, 0)
    return a, b, rss, dof, xbar, sxx, npts


def common_sd(years: np.ndarray, rates: np.ndarray) -> float:
    """Pooled residual sd of the rows of `rates`; from the slopes' spread with 2 points."""
    _, b, rss, dof, *_ = _fit_lines(years, rates)
    if dof.sum() > 0:
        return float(np.sqrt(rss.sum() / dof.sum()))
    slopes = b[~np.isnan(b)]
    return float(np.std(slopes, ddof=1) / np.sqrt(2)) if len(slopes) > 1 else 0.0


def simulate_trend(
    years: np.ndarray,
    rates: np.ndarray,
    future: np.ndarray,
    n_paths: int,
    rng: np.random.Generator,
    prior_sd: float | None = None,
) -> np.ndarray:
    """Simulated rates (S, U, Y) for the future years, clipped to [0, 1]."""
    a, b, rss, dof, xbar, sxx, npts = _fit_lines(years, rates)
    s0 = common_sd(years, rates) if prior_sd is None else prior_sd
    sd = np.sqrt((rss + PRIOR_DOF * s0**2) / (dof + PRIOR_DOF))
    u, n_y = rates.shape[0], len(future)
    za = rng.standard_normal((n_paths, u, 1))
    zb = rng.standard_normal((n_paths, u, 1))
    ze = rng.standard_normal((n_paths, u, n_y))
    dx = future[None, None, :] - xbar[None, :, None]
    level = a[None, :, None] + sd[None, :, None] * za / np.sqrt(np.maximum(npts, 1))[None, :, None]
    slope = b[None, :, None] + sd[None, :, None] * zb / np.sqrt(sxx)[None, :, None]
    slope = np.where(npts[None, :, None] > 1, slope, 0.0)
    return np.clip(level + slope * dx + sd[None, :, None] * ze, 0.0, 1.0)
