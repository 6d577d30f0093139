"""Relapse and new-entry rates from the cohorts, as parameters of the flow model.

The flow model (analysis.forecast.flow) moves households between poor (P), near-poor (Q)
and other (O); its O -> P rate lumps two groups with very different risks: households
that escaped poverty recently (R, the "hộ mới thoát nghèo" of the cohorts) and everyone
else. From the household panel, per commune and pooled over the transition years:

    relapse rate   r = (R households of review s - 1 poor in review s) / R
    new-entry rate e = (other entries into P in review s) / (O - R)

(r and e shrunk toward the district by a beta-binomial prior across communes, as the flow
model shrinks its rates). They enter the model through its fitted parameters
(`with_cohort_rates`): each commune's O -> P mean is split into the relapses of its pool of
newly escaped households in the run year (r R / O; R held at that share of O over the
projection) and the other entries (the rest of the fitted rate: the model's new-entry rate
e). The fitted total is kept as it is (its trend too), because the cohorts' own new-entry
rate counts as "new" the relapses of households that escaped before the data begin; the
cohorts' relapse rate is a floor. `forecast/` itself is not changed.

How much of the projected fall depends on exits staying out: the same simulation (same
seed) with r multiplied by `factor`; the share of the projected fall it erases.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analysis.sustainability.cohorts import newly_escaped
from analysis.sustainability.intervals import jeffreys
from analysis.sustainability.panel import POOR, Panel
from analysis.sustainability.text import tr
from analysis.vietnamese import format_number, format_pct

OP = 4  # index of the O -> P transition in analysis.forecast.flow.TRANSITIONS
FACTOR = 2.0
N_PATHS = 2000


@dataclass(frozen=True)
class RelapseLink:
    """Cohort rates per commune, the district's, and the projected falls with and without
    the stressed relapse rate."""

    rates: pd.DataFrame  # commune_code, n_pool, n_relapsed, relapse_rate, n_other, n_new, new_rate
    relapse_rate: float  # district
    new_rate: float
    pool_now: int  # newly escaped households in the run year
    year: int
    target_year: int
    fall: float  # projected fall of poor households, run year -> target year (median)
    fall_stressed: float
    factor: float

    @property
    def share_at_risk(self) -> float:
        """Share of the projected fall the stressed relapse rate erases."""
        if not self.fall > 0:
            return float("nan")
        return (self.fall - self.fall_stressed) / self.fall

    def sentence(self, lang: str | None = None) -> str:
        values = dict(
            relapse=format_pct(self.relapse_rate, 1), pool=format_number(self.pool_now),
            new_rate=format_pct(self.new_rate, 2), year=self.year,
            target_year=self.target_year, factor=format_number(self.factor),
        )  # fmt: skip
        if self.fall > 0 and self.fall_stressed > 0:
            return tr(
                "forecast_sentence", lang, **values, fall=format_number(self.fall),
                fall_alt=format_number(self.fall_stressed),
                share=format_pct(self.share_at_risk, 0),
            )  # fmt: skip
        if self.fall > 0:
            return tr(
                "forecast_sentence_erased", lang, **values, fall=format_number(self.fall),
                change_alt=_signed(-self.fall_stressed),
            )  # fmt: skip
        return tr(
            "forecast_sentence_rise", lang, **values, change=_signed(-self.fall),
            extra=format_number(self.fall - self.fall_stressed),
        )  # fmt: skip


def _signed(x: float) -> str:
    return ("+" if x > 0 else "") + format_number(x)


def cohort_flow_rates(
    panel: Panel, history: pd.DataFrame, years_allowed: int
) -> tuple[pd.DataFrame, float, float]:
    """Per commune (codes of the flow model): the pool of newly escaped households before each
    transition year, how many were poor again, the other households and their other entries
    into P; the shrunk rates; and the district rates."""
    from analysis.forecast.flow import beta_binomial_prior, transition_counts

    k, n, codes, years = transition_counts(history)
    index = pd.Index(codes)
    pool = np.zeros(len(codes))
    back = np.zeros(len(codes))
    for s in years:
        if s - 1 not in panel.years or not panel.linked(s - 1, s):
            continue
        escaped = newly_escaped(panel, s - 1, years_allowed)
        rows = pd.Index(panel.household_ids).get_indexer(escaped["household_id"])
        poor_now = panel.status[rows, panel.col(s)] == POOR
        where = index.get_indexer(escaped["commune_code"])
        ok = where >= 0
        np.add.at(pool, where[ok], 1)
        np.add.at(back, where[ok], poor_now[ok])
    entries, others = k[OP].sum(1), n[OP].sum(1)
    new = np.clip(entries - back, 0, None)
    rest = np.clip(others - pool, 1, None)
    out = pd.DataFrame(
        {"commune_code": codes, "n_pool": pool.astype(int), "n_relapsed": back.astype(int),
         "n_other": rest.astype(int), "n_new": new.astype(int)}
    )  # fmt: skip
    for prefix, num, den in (("relapse", back, pool), ("new", new, rest)):
        a, b = beta_binomial_prior(num, den)
        out[f"{prefix}_rate"] = (a + num) / (a + b + den)
        out[f"{prefix}_lo"], out[f"{prefix}_hi"] = jeffreys(num, den)
    relapse = back.sum() / pool.sum() if pool.sum() else float("nan")
    return out, float(relapse), float(new.sum() / rest.sum())


def with_cohort_rates(fit, rates: pd.DataFrame, pool_now, other_now, factor: float = 1.0):
    """The fitted flow model with its O -> P mean of each commune split into relapses of the
    newly escaped (cohort rate r x pool R) and other entries (the rest of the fitted rate,
    never below 0), the relapses multiplied by `factor`; the posterior's strength and the
    trend are kept. With factor 1 the model is the fitted one unless the cohorts' relapses
    alone exceed its rate (then they are its floor). Returns (fit, new-entry rate per commune)."""
    r = rates.set_index("commune_code").reindex(fit.codes)
    relapse = (
        np.nan_to_num(r["relapse_rate"].to_numpy(float)) * pool_now / np.clip(other_now, 1, None)
    )
    strength = fit.post_a[OP] + fit.post_b[OP]
    fitted = fit.post_a[OP] / strength
    new = np.clip(fitted - relapse, 0, None)
    mean = np.clip(new + factor * relapse, 1e-6, 1 - 1e-6)
    post_a, post_b = fit.post_a.copy(), fit.post_b.copy()
    post_a[OP], post_b[OP] = mean * strength, (1 - mean) * strength
    return replace(fit, post_a=post_a, post_b=post_b), new


def relapse_link(
    panel: Panel | None,
    indicators: pd.DataFrame,
    config,
    year: int,
    mapping: Mapping[str, str] | None = None,
    *,
    factor: float = FACTOR,
    n_paths: int = N_PATHS,
    seed: int | None = None,
) -> RelapseLink | None:
    """The projection to the target year with the cohort rates, and with the relapse rate
    times `factor`; None when the flow model cannot run (too short a history, no dynamics,
    or no household panel)."""
    from analysis.errors import UserError
    from analysis.forecast.core import MIN_YEARS, horizon, prepare_history, project_households
    from analysis.forecast.flow import fit_flow, has_dynamics, simulate_flow

    if panel is None:
        return None
    try:
        history, _, _ = prepare_history(indicators, year, mapping)
    except UserError:
        return None
    if history["year"].nunique() < MIN_YEARS or not has_dynamics(history):
        return None
    fit = fit_flow(history)
    if not fit.n_transition_years:
        return None
    rates, relapse, new = cohort_flow_rates(
        panel, history, config.sustainability.newly_escaped_years
    )
    now = history[history["year"] == year].set_index("commune_code").reindex(fit.codes)
    escaped = newly_escaped(panel, year, config.sustainability.newly_escaped_years)
    pool = escaped["commune_code"].value_counts().reindex(fit.codes, fill_value=0).to_numpy(float)
    other = (now["n_households"] - now["n_poor"] - now["n_near_poor"]).to_numpy(float)
    years = horizon(year, config)
    households, start = project_households(history, fit.codes, years, year)
    poor, near = now["n_poor"].to_numpy(np.int64), now["n_near_poor"].to_numpy(np.int64)
    seed = config.sample.seed if seed is None else seed
    falls = []
    for f in (1.0, factor):
        adjusted, new_rates = with_cohort_rates(fit, rates, pool, other, f)
        rng = np.random.default_rng(seed)
        p, _ = simulate_flow(adjusted, poor, near, start, households, n_paths, rng, years)
        falls.append(float(poor.sum() - np.median(p[:, :, -1].sum(1))))
        if f == 1.0:
            rates = rates.assign(new_rate_model=rates["commune_code"].map(
                dict(zip(fit.codes, new_rates, strict=True))))  # fmt: skip
            rest = np.clip(other - pool, 0, None)
            new = float((new_rates * other).sum() / rest.sum()) if rest.sum() else float("nan")
    return RelapseLink(
        rates, relapse, new, int(pool.sum()), year, int(years[-1]), falls[0], falls[1], factor
    )
