"""Alkire–Foster multidimensional poverty measures (adjusted headcount M0).

Weights are nested and equal: each dimension of the standard weighs 1/D, split
equally among its indicators (1/12 each for the 12 indicators of 2022–2025). A
household's deprivation score c is the sum of the weights of its deprivations; it
is multidimensionally poor at cutoff k when c >= k / J (J indicators), i.e. k
"equally weighted deprivations". H = q / n, A = mean score of the poor, M0 = H x A
= sum of censored scores / n. Every figure is kept as sums (n, q, score_sum,
censored counts) so that any coarser level is an exact re-aggregation: commune
contributions add up to the district.

Note: the Vietnamese standard identifies the poor by income AND deprivations; AF
here is computed on the population given (whole population, or the reviewed /
income-poor households), a choice documented in docs/MEASURES.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.measures._frame import income_poor, require_columns, safe_rate
from analysis.measures._groups import group_codes, sum_by, unit_weights
from analysis.standard import DEFAULT_STANDARD, Standard, deprivation_matrix, get_standard

TOLERANCE = 1e-9  # scores are sums of fractions: compare with a tolerance


@dataclass(frozen=True)
class AFResult:
    """Alkire–Foster results per group (and cutoff k).

    summary: by…, k, n, q, score_sum, H, A, M0
    indicators: by…, k, indicator, dimension, weight, n_censored, censored_headcount,
        contribution_abs, contribution_pct (share of M0, in [0, 1])
    dimensions: by…, k, dimension, contribution_abs, contribution_pct
    """

    summary: pd.DataFrame
    indicators: pd.DataFrame
    dimensions: pd.DataFrame
    by: tuple[str, ...]
    standard_id: str


def deprivation_scores(
    households: pd.DataFrame, standard: Standard | str = DEFAULT_STANDARD
) -> np.ndarray:
    """Weighted deprivation score c in [0, 1] per household."""
    std = get_standard(standard)
    weights = np.array([std.weights()[c] for c in std.indicators])
    return deprivation_matrix(households, std) @ weights


def alkire_foster(
    households: pd.DataFrame,
    standard: Standard | str = DEFAULT_STANDARD,
    k: int = 3,
    by: Sequence[str] = ("year",),
    *,
    persons: bool = False,
) -> AFResult:
    """H, A, M0 and contributions per group of `by`, households (or persons) weighted."""
    std = get_standard(standard)
    require_columns(households, by, "Bảng hộ")
    dep = deprivation_matrix(households, std)
    weights = np.array([std.weights()[c] for c in std.indicators])
    score = dep @ weights
    poor = score >= k / len(std.indicators) - TOLERANCE
    codes, keys = group_codes(households, by)
    g = len(keys)
    w = unit_weights(households, persons) * poor
    sums = keys.assign(
        k=k,
        n=sum_by(codes, g, unit_weights(households, persons)),
        q=sum_by(codes, g, w),
        score_sum=sum_by(codes, g, w * score),
    )
    for j, col in enumerate(std.indicators):
        sums[f"n_censored_{col}"] = sum_by(codes, g, w * dep[:, j])
    return _assemble(sums, std, tuple(by))


def from_sums(
    sums: pd.DataFrame, standard: Standard | str, by: Sequence[str] = ("year",)
) -> AFResult:
    """The figures from their sums per group of `by` and cutoff k: n, q, score_sum and
    n_censored_<indicator> (as computed elsewhere, e.g. by `analysis.scale` over parquet)."""
    return _assemble(sums, get_standard(standard), tuple(by))


def _assemble(sums: pd.DataFrame, std: Standard, by: tuple[str, ...]) -> AFResult:
    keys = [*by, "k"]
    summary = sums[[*keys, "n", "q", "score_sum"]].copy()
    summary["H"] = safe_rate(sums["q"], sums["n"])
    summary["A"] = safe_rate(sums["score_sum"], sums["q"])
    summary["M0"] = safe_rate(sums["score_sum"], sums["n"])
    weights = std.weights()
    rows = []
    for col in std.indicators:
        headcount = safe_rate(sums[f"n_censored_{col}"], sums["n"])
        contribution = weights[col] * headcount
        rows.append(
            sums[keys].assign(
                indicator=col,
                dimension=std.dimension_of(col),
                weight=weights[col],
                n_censored=sums[f"n_censored_{col}"].to_numpy(),
                censored_headcount=headcount,
                contribution_abs=contribution,
                contribution_pct=safe_rate(contribution, summary["M0"]),
            )
        )
    indicators = pd.concat(rows, ignore_index=True)
    dimensions = (
        indicators.groupby([*keys, "dimension"], sort=False)[
            ["contribution_abs", "contribution_pct"]
        ]
        .sum(min_count=1)
        .reset_index()
    )
    return AFResult(summary, indicators, dimensions, by, std.id)


def aggregate(result: AFResult, by: Sequence[str] = ("year",)) -> AFResult:
    """Re-aggregate to a coarser level from the sums (exact, population-weighted)."""
    std = get_standard(result.standard_id)
    keys = [*by, "k"]
    sums = result.summary.groupby(keys, sort=True)[["n", "q", "score_sum"]].sum().reset_index()
    censored = result.indicators.pivot_table(
        index=keys, columns="indicator", values="n_censored", aggfunc="sum"
    ).add_prefix("n_censored_")
    sums = sums.merge(censored.reset_index(), on=keys, how="left")
    return _assemble(sums, std, tuple(by))


def decompose(result: AFResult, total_by: Sequence[str] = ("year",)) -> pd.DataFrame:
    """Subgroup decomposition: each group's population share, M0, and contribution to the total.

    contribution_abs = (n_g / n) x M0_g; contribution_pct = contribution_abs / M0 of
    `total_by`; they add up to M0 and to 1 within each total.
    """
    keys = [*total_by, "k"]
    total = aggregate(result, total_by).summary[[*keys, "n", "M0"]]
    out = result.summary.merge(total, on=keys, suffixes=("", "_total"))
    out["population_share"] = safe_rate(out["n"], out["n_total"])
    out["contribution_abs"] = out["population_share"] * out["M0"]
    out["contribution_pct"] = safe_rate(out["contribution_abs"], out["M0_total"])
    return out.drop(columns=["n_total"])


def robustness(
    households: pd.DataFrame,
    standard: Standard | str = DEFAULT_STANDARD,
    ks: Iterable[int] = range(1, 7),
    by: Sequence[str] = ("year",),
    *,
    persons: bool = False,
) -> pd.DataFrame:
    """H, A, M0 at each cutoff k (default 1…6 deprivations), one row per group and k."""
    frames = [alkire_foster(households, standard, k, by, persons=persons).summary for k in ks]
    return pd.concat(frames, ignore_index=True)


def af_population(
    households: pd.DataFrame, whole_population: bool, status_col: str = "reported_status"
) -> tuple[pd.DataFrame, str]:
    """(households to measure, their Vietnamese name): everyone, or the income-poor on lists."""
    if whole_population:
        return households, "hộ dân cư"
    return income_poor(households, status_col), "hộ nghèo và cận nghèo"
