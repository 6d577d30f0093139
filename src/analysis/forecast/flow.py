"""Flow model: households move between poor (P), near-poor (Q) and other (O) each year.

Six yearly transition rates are estimated from the review dynamics (DYNAMICS_COLUMNS):
P->Q, P->O (given not P->Q), Q->P, Q->O (given not Q->P), O->P (new and relapsed poor),
O->Q (given not O->P). Per commune, the mean rate is a beta-binomial empirical-Bayes
posterior shrunk toward the district (method-of-moments prior across communes), so a
small commune borrows strength and a large one keeps its own rate. The district
rate of each transition may drift (entries fall as the pool of vulnerable households
shrinks): a straight line in the logit of the district-wide year effects, damped beyond
the last observed year, with its slope uncertain. Around it, year-to-year variation is a
logit-normal shock, common to all communes plus commune-specific, with variances
estimated from the history beyond binomial noise.
Simulation is vectorised: binomial draws per path x commune for each year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

TRANSITIONS = ("pq", "po", "qp", "qo", "op", "oq")
# Logit-scale yearly shock sd used when the history has a single transition year
# (no year-to-year variation observable). Assumption, see docs: a moderate 0.25.
FALLBACK_YEAR_SD = 0.25
# Damping of the rate trend beyond the last observed year (per year ahead).
DAMPING = 0.8
_EPS = 1e-6


@dataclass(frozen=True)
class FlowFit:
    codes: np.ndarray  # commune codes (C,)
    post_a: np.ndarray  # (6, C) beta posterior of each commune's mean rate
    post_b: np.ndarray
    prior_mean: np.ndarray  # (6,) district rate
    prior_strength: np.ndarray  # (6,) alpha + beta of the prior (households of evidence)
    year_sd: np.ndarray  # (6,) common (district) yearly shock, logit scale
    commune_sd: np.ndarray  # (6,) commune-specific yearly shock, logit scale
    n_transition_years: int
    slope: np.ndarray  # (6,) trend of the district rate, logit per year
    slope_se: np.ndarray  # (6,)
    trend_origin: float  # mean year of the history (where commune means sit)
    last_year: int


def has_dynamics(history: pd.DataFrame) -> bool:
    cols = ["n_poor_start", "n_poor_out_near_poor", "n_near_poor_start", "n_poor_in_new"]
    return all(c in history.columns for c in cols) and history[cols].notna().all(axis=1).any()


def _sum(df: pd.DataFrame, cols: list[str]) -> pd.Series:
    return df[cols].fillna(0).sum(axis=1)


def transition_counts(history: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, list]:
    """(k, n) of shape (6, C, T) for the years with dynamics, codes, years."""
    h = history.sort_values(["commune_code", "year"])
    prev_n = h.groupby("commune_code")["n_households"].shift(1).fillna(h["n_households"])
    dyn = h[h["n_poor_start"].notna() & h["n_near_poor_start"].notna()].copy()
    dyn["prev_n"] = prev_n[dyn.index]
    p0, q0 = dyn["n_poor_start"], dyn["n_near_poor_start"]
    o0 = (dyn["prev_n"] - p0 - q0).clip(lower=0)
    pq = dyn["n_poor_out_near_poor"]
    qp = dyn["n_near_poor_out_poor"]
    op = _sum(dyn, ["n_poor_in_relapsed", "n_poor_in_new", "n_poor_in_other"])
    pairs = {
        "pq": (pq, p0),
        "po": (_sum(dyn, ["n_poor_out_above", "n_poor_out_other"]), p0 - pq),
        "qp": (qp, q0),
        "qo": (_sum(dyn, ["n_near_poor_out_above", "n_near_poor_out_other"]), q0 - qp),
        "op": (op, o0),
        "oq": (_sum(dyn, ["n_near_poor_in_relapsed", "n_near_poor_in_new", "n_near_poor_in_other"]), o0 - op),
    }  # fmt: skip
    codes = np.array(sorted(history["commune_code"].unique()), dtype=object)
    years = sorted(dyn["year"].unique())
    k = np.zeros((6, len(codes), len(years)))
    n = np.zeros_like(k)
    ci = pd.Index(codes).get_indexer(dyn["commune_code"])
    ti = pd.Index(years).get_indexer(dyn["year"])
    for j, name in enumerate(TRANSITIONS):
        num, den = (np.asarray(x, dtype=float) for x in pairs[name])
        k[j, ci, ti] = np.clip(num, 0, None)
        n[j, ci, ti] = np.maximum(den, k[j, ci, ti])
    return k, n, codes, years


def beta_binomial_prior(k: np.ndarray, n: np.ndarray) -> tuple[float, float]:
    """Method-of-moments beta prior (alpha, beta) across units with k of n (Kleinman 1973)."""
    keep = n > 0
    k, n = k[keep], n[keep]
    if n.sum() == 0:
        return 1.0, 1.0
    p = float(np.clip(k.sum() / n.sum(), _EPS, 1 - _EPS))
    s = float(np.sum(n * (k / n - p) ** 2))
    span = n.sum() - np.sum(n**2) / n.sum()
    rho = (s / (p * (1 - p)) - (len(n) - 1)) / span if span > 0 else _EPS
    rho = float(np.clip(rho, 1e-5, 0.5))
    strength = 1 / rho - 1
    return p * strength, (1 - p) * strength


def _logit(x):
    return np.log(x) - np.log1p(-x)


@dataclass(frozen=True)
class YearEffects:
    common_sd: float  # district-wide yearly shock around the trend, logit scale
    commune_sd: float  # commune-specific yearly shock, logit scale
    slope: float  # trend of the district rate, logit per year
    slope_se: float


def year_effects(k: np.ndarray, n: np.ndarray, years) -> YearEffects:
    """Year effects of one transition (k, n of shape (C, T)), beyond binomial noise.

    The district-wide year effects are the weighted mean logit deviations of the
    communes from their own means; a straight line through them is the trend, the
    residual spread the common shock; what is left per commune the commune shock.
    """
    t = k.shape[1]
    if t < 2:
        return YearEffects(FALLBACK_YEAR_SD, FALLBACK_YEAR_SD, 0.0, 0.0)
    ok = n > 0
    lg = np.log((k + 0.5) / (n - k + 0.5))
    var = 1 / (k + 0.5) + 1 / (n - k + 0.5)
    w = np.where(ok, 1 / var, 0.0)
    mean_c = (w * lg).sum(1, keepdims=True) / np.maximum(w.sum(1, keepdims=True), _EPS)
    dev = np.where(ok, lg - mean_c, 0.0)
    shock = (w * dev).sum(0) / np.maximum(w.sum(0), _EPS)  # (T,) district year effects
    x = np.asarray(years, dtype=float) - np.mean(years)
    slope = float((x * shock).sum() / (x**2).sum())
    resid_year = shock - slope * x
    noise = float(np.mean(1 / np.maximum(w.sum(0), _EPS)))
    common = max((resid_year**2).sum() / (t - 2) - noise, 0.0) if t > 2 else FALLBACK_YEAR_SD**2
    slope_se = float(np.sqrt((common + noise) / (x**2).sum()))
    resid = np.where(ok, dev - shock, 0.0)
    dof = max(ok.sum() - ok.any(1).sum() - t + 1, 1)
    commune = max((resid**2).sum() / dof - np.sum(np.where(ok, var, 0.0)) / ok.sum(), 0.0)
    return YearEffects(float(np.sqrt(common)), float(np.sqrt(commune)), slope, slope_se)


def fit_flow(history: pd.DataFrame) -> FlowFit:
    """Estimate the six transition rates per commune with partial pooling."""
    k, n, codes, years = transition_counts(history)
    ks, ns = k.sum(2), n.sum(2)
    post_a, post_b = np.empty_like(ks), np.empty_like(ks)
    prior_mean, prior_strength = np.empty(6), np.empty(6)
    effects = []
    for j in range(6):
        a, b = beta_binomial_prior(ks[j], ns[j])
        post_a[j], post_b[j] = a + ks[j], b + ns[j] - ks[j]
        prior_mean[j], prior_strength[j] = a / (a + b), a + b
        effects.append(year_effects(k[j], n[j], years))
    field = lambda name: np.array([getattr(e, name) for e in effects])  # noqa: E731
    return FlowFit(
        codes, post_a, post_b, prior_mean, prior_strength, field("common_sd"),
        field("commune_sd"), len(years), field("slope"), field("slope_se"),
        float(np.mean(years)) if years else 0.0, int(max(years)) if years else 0,
    )  # fmt: skip


def trend_shift(fit: FlowFit, years, slopes: np.ndarray) -> np.ndarray:
    """(6, S, Y) logit shift of each future year from the history's average level.

    The trend runs at full slope to the last observed year, then damped (DAMPING per
    year ahead), so a short history is not extrapolated as a straight line for long.
    """
    ahead = np.asarray(years, dtype=float) - fit.last_year
    damped = np.array([sum(DAMPING**i for i in range(1, int(h) + 1)) for h in ahead])
    steps = (fit.last_year - fit.trend_origin) + damped  # (Y,)
    return slopes[:, :, None] * steps[None, None, :]


def _draw_rates(fit: FlowFit, mu_logit: np.ndarray, shift, rng: np.random.Generator) -> np.ndarray:
    """(6, S, C) yearly rates: commune mean + trend + common year shock + commune shock."""
    s, c = mu_logit.shape[1:]
    common = rng.standard_normal((6, s, 1)) * fit.year_sd[:, None, None]
    own = rng.standard_normal((6, s, c)) * fit.commune_sd[:, None, None]
    return 1 / (1 + np.exp(-(mu_logit + shift[:, :, None] + common + own)))


def simulate_flow(
    fit: FlowFit,
    poor: np.ndarray,
    near_poor: np.ndarray,
    start_households: np.ndarray,
    households: np.ndarray,
    n_paths: int,
    rng: np.random.Generator,
    years=None,
) -> tuple[np.ndarray, np.ndarray]:
    """Simulated counts (S, C, Y) of poor and near-poor, from start counts (C,) and
    projected resident households (C, Y); new households join the "other" group."""
    n_c, n_y = households.shape
    mu = rng.beta(fit.post_a[:, None, :], fit.post_b[:, None, :], size=(6, n_paths, n_c))
    mu_logit = _logit(np.clip(mu, _EPS, 1 - _EPS))
    years = np.arange(fit.last_year + 1, fit.last_year + 1 + n_y) if years is None else years
    slopes = fit.slope[:, None] + fit.slope_se[:, None] * rng.standard_normal((6, n_paths))
    shift = trend_shift(fit, years, slopes)  # (6, S, Y)
    p = np.broadcast_to(poor, (n_paths, n_c)).astype(np.int64)
    q = np.broadcast_to(near_poor, (n_paths, n_c)).astype(np.int64)
    households = np.asarray(households, dtype=np.int64)
    o = np.clip(np.asarray(start_households, dtype=np.int64) - p - q, 0, None)
    out_p = np.empty((n_paths, n_c, n_y), dtype=np.int64)
    out_q = np.empty_like(out_p)
    prev_n = np.asarray(start_households, dtype=np.int64)
    for y in range(n_y):
        r = _draw_rates(fit, mu_logit, shift[:, :, y], rng)
        pq = rng.binomial(p, r[0])
        po = rng.binomial(p - pq, r[1])
        qp = rng.binomial(q, r[2])
        qo = rng.binomial(q - qp, r[3])
        op = rng.binomial(o, r[4])
        oq = rng.binomial(o - op, r[5])
        p = p - pq - po + qp + op
        q = q - qp - qo + pq + oq
        growth = households[:, y] - prev_n
        o = np.clip(o - op - oq + po + qo + growth, 0, None)
        prev_n = households[:, y]
        out_p[:, :, y], out_q[:, :, y] = p, q
    return out_p, out_q
