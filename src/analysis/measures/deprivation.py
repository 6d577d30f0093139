"""Deprivation headcounts per indicator and dimension, in the review's sense.

Censored by status: the share of poor (near-poor; poor + near-poor) households
deprived in each indicator, by the reported status. Uncensored: the share of all
households, only where the input covers every household; on list inputs the same
figure is the share among the reviewed households and is labelled so
(population 'reviewed', never 'all').
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.measures._frame import require_columns, safe_rate
from analysis.measures._groups import group_codes, sum_by, unit_weights
from analysis.standard import DEFAULT_STANDARD, Standard, deprivation_matrix, get_standard

POPULATION_LABELS_VI = {
    "poor": "Hộ nghèo",
    "near_poor": "Hộ cận nghèo",
    "poor_near_poor": "Hộ nghèo và hộ cận nghèo",
    "all": "Toàn bộ hộ dân cư",
    "reviewed": "Hộ trong danh sách rà soát (không phải toàn bộ hộ dân cư)",
}
HEADCOUNT_COLUMNS = (
    "population", "level", "item", "dimension", "label_vi", "n_units", "n_deprived", "rate",
)  # fmt: skip


def population_masks(
    households: pd.DataFrame, status_col: str, whole_population: bool
) -> dict[str, np.ndarray]:
    status = households[status_col].astype("string").fillna("").to_numpy(dtype=object)
    everyone = "all" if whole_population else "reviewed"
    return {
        "poor": status == "poor",
        "near_poor": status == "near_poor",
        "poor_near_poor": np.isin(status, ("poor", "near_poor")),
        everyone: np.ones(len(households), dtype=bool),
    }


def deprivation_headcounts(
    households: pd.DataFrame,
    standard: Standard | str = DEFAULT_STANDARD,
    status_col: str = "reported_status",
    by: Sequence[str] = ("year", "commune_code"),
    *,
    whole_population: bool = False,
    persons: bool = False,
) -> pd.DataFrame:
    """Long table: per group of `by` x population x indicator/dimension, count and rate deprived.

    A household is deprived in a dimension when deprived in any of its indicators.
    """
    std = get_standard(standard)
    require_columns(households, [*by, status_col], "Bảng hộ")
    dep = deprivation_matrix(households, std)
    dims = _dimension_matrix(dep, std)
    codes, keys = group_codes(households, by)
    n_groups = len(keys)
    w = unit_weights(households, persons)
    frames = []
    for population, mask in population_masks(households, status_col, whole_population).items():
        wm = w * mask
        n_units = sum_by(codes, n_groups, wm)
        for level, matrix, items in (
            ("indicator", dep, std.indicators),
            ("dimension", dims, tuple(std.dimensions)),
        ):
            for j, item in enumerate(items):
                n_dep = sum_by(codes, n_groups, wm * matrix[:, j])
                frames.append(
                    keys.assign(
                        population=population,
                        level=level,
                        item=item,
                        dimension=item if level == "dimension" else std.dimension_of(item),
                        label_vi=_label(std, level, item),
                        n_units=n_units,
                        n_deprived=n_dep,
                        rate=safe_rate(n_dep, n_units),
                    )
                )
    out = pd.concat(frames, ignore_index=True)
    out[["n_units", "n_deprived"]] = out[["n_units", "n_deprived"]].round().astype("int64")
    return out[[*by, *HEADCOUNT_COLUMNS]]


def _dimension_matrix(dep: np.ndarray, std: Standard) -> np.ndarray:
    position = {c: i for i, c in enumerate(std.indicators)}
    columns = [dep[:, [position[c] for c in cols]].any(axis=1) for cols in std.dimensions.values()]
    return np.column_stack(columns)


def _label(std: Standard, level: str, item: str) -> str:
    return std.dimension_label_vi(item) if level == "dimension" else std.label_vi(item)


def headcounts_wide(
    long: pd.DataFrame, population: str, by: Sequence[str] = ("year", "commune_code")
) -> pd.DataFrame:
    """One row per group: n_units, then n_<indicator> and rate_<indicator> in official order."""
    sub = long[(long["population"] == population) & (long["level"] == "indicator")]
    keys = list(by) or ["_all"]
    sub = sub.assign(_all=0) if not by else sub
    items = list(dict.fromkeys(sub["item"]))
    indexed = sub.set_index([*keys, "item"])
    counts = indexed["n_deprived"].unstack("item")
    rates = indexed["rate"].unstack("item")
    out = pd.DataFrame({"n_units": sub.groupby(keys)["n_units"].first()})
    for item in items:
        out[f"n_{item}"] = counts[item].astype("int64")
        out[f"rate_{item}"] = rates[item]
    out = out.reset_index()
    return out.drop(columns="_all") if not by else out


def deprivation_table_vi(headcounts: pd.DataFrame, level: str = "indicator") -> pd.DataFrame:
    """Display table: one row per indicator (or dimension), one column of % per population.

    Vietnamese labels; values are percentages (0–100) of each population deprived.
    """
    sub = headcounts[headcounts["level"] == level]
    table = sub.pivot_table(
        index="label_vi", columns="population", values="rate", aggfunc="mean", sort=False
    )
    table = table[[p for p in POPULATION_LABELS_VI if p in table.columns]] * 100
    table.columns = [POPULATION_LABELS_VI[p] + " (%)" for p in table.columns]
    table.index.name = "Chỉ số" if level == "indicator" else "Chiều"
    return table.round(2)


DEPRIVATION_TABLE_POPULATIONS = {"poor": "poor", "poor_near_poor": "poor_or_near_poor"}


def commune_deprivations(
    households: pd.DataFrame,
    standard: Standard | str = DEFAULT_STANDARD,
    status_col: str = "reported_status",
) -> pd.DataFrame:
    """Per year x commune x indicator: households deprived among the poor, and among poor + near-poor.

    The hand-off table for the targets (T5–T9) and the deprivation maps: columns year,
    commune_code, population ('poor' | 'poor_or_near_poor'), indicator, n_deprived,
    n_households (the households of that population), rate.
    """
    heads = deprivation_headcounts(households, standard, status_col, by=("year", "commune_code"))
    heads = heads[
        (heads["level"] == "indicator")
        & heads["population"].isin(list(DEPRIVATION_TABLE_POPULATIONS))
    ]
    out = pd.DataFrame(
        {
            "year": heads["year"].astype("int64"),
            "commune_code": heads["commune_code"].astype("string"),
            "population": heads["population"].map(DEPRIVATION_TABLE_POPULATIONS).astype("string"),
            "indicator": heads["item"].astype("string"),
            "n_deprived": heads["n_deprived"].astype("int64"),
            "n_households": heads["n_units"].astype("int64"),
            "rate": heads["rate"].astype("float64"),
        }
    )
    return out.sort_values(["year", "commune_code", "population", "indicator"], ignore_index=True)
