"""Year effects and commune trends of one transition rate, beyond binomial noise.

On the logit scale, commune c in year t:

    logit r_ct = a_c + (b + d_c) (t - t0) + g_t + e_ct   (+ binomial noise)

g_t: district-wide year shock (sd `common_sd`) around the district line of slope b;
d_c: the commune's own trend, d_c ~ N(0, tau^2), estimated per commune by weighted least
squares and shrunk toward 0 (empirical Bayes: weight tau^2 / (tau^2 + v_c), v_c its
sampling variance); e_ct: commune-specific yearly shock (sd `commune_sd`).
Variances are method-of-moments estimates with their degrees of freedom, so the
simulation can draw them per path (scaled inverse chi-square) instead of trusting a
value estimated from two or three years.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Logit-scale yearly shock sd assumed when the history cannot show it (one or two
# transition years), and the prior it contributes otherwise (PRIOR_DOF pseudo-years).
FALLBACK_YEAR_SD = 0.25
# Logit-scale sd of the district trend per year when a single transition year shows none.
FALLBACK_SLOPE_SD = 0.25
_EPS = 1e-9


@dataclass(frozen=True)
class YearEffects:
    common_sd: float  # district-wide yearly shock around the trend, logit scale
    commune_sd: float  # commune-specific yearly shock, logit scale
    slope: float  # trend of the district rate, logit per year
    slope_se: float
    common_dof: int  # degrees of freedom behind common_sd (0: assumed, not estimated)
    commune_dof: int
    own_slope: np.ndarray  # (C,) shrunk commune trend beyond the district's, logit per year
    own_slope_sd: np.ndarray  # (C,) its posterior sd
    slope_spread: float  # tau: sd of the commune trends around the district's


def _no_history(c: int) -> YearEffects:
    zero = np.zeros(c)
    return YearEffects(FALLBACK_YEAR_SD, FALLBACK_YEAR_SD, 0.0, FALLBACK_SLOPE_SD, 0, 0,
                       zero, zero, 0.0)  # fmt: skip


def _commune_lines(resid, ok, w, x):
    """Per commune: WLS slope of the residuals on the year, commune-centred years, S_xx."""
    wx = np.where(ok, w, 0.0)
    xbar = (wx * x).sum(1, keepdims=True) / np.maximum(wx.sum(1, keepdims=True), _EPS)
    xc = np.where(ok, x - xbar, 0.0)
    sxx = (wx * xc**2).sum(1)
    slope = np.where(sxx > _EPS, (wx * xc * resid).sum(1) / np.maximum(sxx, _EPS), 0.0)
    return slope, xc, sxx


def _shrink(raw: np.ndarray, v: np.ndarray, has: np.ndarray):
    """Empirical-Bayes normal shrinkage of raw slopes (sampling variances v) toward 0."""
    if has.sum() < 2:
        return np.zeros_like(raw), np.zeros_like(raw), 0.0
    tau2 = max(float(np.mean(raw[has] ** 2 - v[has])), 0.0)
    weight = np.where(has, tau2 / (tau2 + v + _EPS), 0.0)
    post_sd = np.where(has, np.sqrt(weight * v), np.sqrt(tau2))
    return weight * raw, post_sd, float(np.sqrt(tau2))


def year_effects(k: np.ndarray, n: np.ndarray, years) -> YearEffects:
    """Year effects and commune trends of one transition (k, n of shape (C, T))."""
    c, t = k.shape
    if t < 2:
        return _no_history(c)
    ok = n > 0
    lg = np.log((k + 0.5) / (n - k + 0.5))
    var = 1 / (k + 0.5) + 1 / (n - k + 0.5)
    w = np.where(ok, 1 / var, 0.0)
    mean_c = (w * lg).sum(1, keepdims=True) / np.maximum(w.sum(1, keepdims=True), _EPS)
    dev = np.where(ok, lg - mean_c, 0.0)
    shock = (w * dev).sum(0) / np.maximum(w.sum(0), _EPS)  # (T,) district year effects
    x = np.asarray(years, dtype=float) - np.mean(years)
    slope = float((x * shock).sum() / (x**2).sum())
    noise = float(np.mean(1 / np.maximum(w.sum(0), _EPS)))
    common_dof = t - 2
    common = (
        max(((shock - slope * x) ** 2).sum() / common_dof - noise, 0.0)
        if common_dof
        else FALLBACK_YEAR_SD**2
    )
    slope_se = float(np.sqrt((common + noise) / (x**2).sum()))
    resid = np.where(ok, dev - shock, 0.0)
    raw, xc, _ = _commune_lines(resid, ok, w, x[None, :])
    per = ok.sum(1)
    lines = t >= 3  # a line per commune leaves residuals only with three years or more
    fitted = np.where(lines, resid - raw[:, None] * xc, resid)
    params = (2 if lines else 1) * (per > 0).sum() + t - 1
    commune_dof = int(max(ok.sum() - params, 1))
    binom = float(np.sum(np.where(ok, var, 0.0)) / max(ok.sum(), 1))
    commune = max(float((np.where(ok, fitted, 0.0) ** 2).sum()) / commune_dof - binom, 0.0)
    if not lines:  # two years: a commune's own trend and its yearly shock are not separable
        zero = np.zeros(c)
        return YearEffects(np.sqrt(common), np.sqrt(commune), slope, slope_se, 0,
                           commune_dof, zero, zero, 0.0)  # fmt: skip
    w_all = np.where(ok, 1 / (var + commune), 0.0)
    raw, _, sxx = _commune_lines(resid, ok, w_all, x[None, :])
    v = 1 / np.maximum(sxx, _EPS)
    own, own_sd, tau = _shrink(raw, v, per >= 3)
    return YearEffects(float(np.sqrt(common)), float(np.sqrt(commune)), slope, slope_se,
                       common_dof, commune_dof, own, own_sd, tau)  # fmt: skip
