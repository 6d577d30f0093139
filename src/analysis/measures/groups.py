"""Rates by target group, in households and persons, and the social-protection variant.

Group rates need the group's own denominator, known only when the input covers every
household (`whole_population=True`); on list inputs the group counts are given with
the group's share of the poor (and near-poor) instead, and the rates are <NA>.

The variant excluding social-protection households with no working capacity
("hộ nghèo BTXH không có khả năng lao động") removes them from the numerator and keeps
all resident households as the denominator (DOMAIN.md §1, [unconfirmed]).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.measures._frame import require_columns, safe_rate
from analysis.measures._groups import group_codes, sum_by

GROUP_FLAGS = {
    "is_ethnic_minority": "Dân tộc thiểu số",
    "is_female_head": "Chủ hộ là nữ",
    "is_merit": "Hộ người có công",
    "is_social_protection": "Hộ BTXH không có khả năng lao động",
    "is_urban": "Thành thị",
}
COUNTS = ("n_households", "n_persons", "n_poor", "n_near_poor", "n_poor_persons",
          "n_near_poor_persons")  # fmt: skip


def _status_arrays(households: pd.DataFrame, status_col: str) -> tuple[np.ndarray, np.ndarray]:
    status = households[status_col].astype("string").fillna("").to_numpy(dtype=object)
    return status == "poor", status == "near_poor"


def _count_table(households, codes, keys, mask, status_col) -> pd.DataFrame:
    poor, near = _status_arrays(households, status_col)
    members = households["n_members"].to_numpy(dtype=float)
    g = len(keys)
    m = mask.astype(float)
    values = {
        "n_households": sum_by(codes, g, m),
        "n_persons": sum_by(codes, g, m * members),
        "n_poor": sum_by(codes, g, m * poor),
        "n_near_poor": sum_by(codes, g, m * near),
        "n_poor_persons": sum_by(codes, g, m * poor * members),
        "n_near_poor_persons": sum_by(codes, g, m * near * members),
    }
    return keys.assign(**{k: np.round(v).astype("int64") for k, v in values.items()})


def group_rates(
    households: pd.DataFrame,
    by: Sequence[str] = ("year",),
    groups: Sequence[str] = tuple(GROUP_FLAGS),
    status_col: str = "reported_status",
    *,
    whole_population: bool = False,
) -> pd.DataFrame:
    """Per group of `by` x flag x value (True/False): counts, rates and shares of the poor.

    n_units / n_units_persons count the households / persons of the input in the group:
    all residents when `whole_population` (population 'all'), else the reviewed
    households only (population 'reviewed', rates <NA>).
    """
    require_columns(households, [*by, status_col, "n_members"], "Bảng hộ")
    codes, keys = group_codes(households, by)
    totals = _count_table(households, codes, keys, np.ones(len(households), bool), status_col)
    frames = []
    for flag in (g for g in groups if g in households.columns):
        values = households[flag].astype("boolean").fillna(False).to_numpy(dtype=bool)
        for value in (True, False):
            part = _count_table(households, codes, keys, values == value, status_col)
            frames.append(
                _with_rates(part, totals, whole_population).assign(
                    group=flag, group_label_vi=GROUP_FLAGS.get(flag, flag), value=value
                )
            )
    lead = [*by, "group", "group_label_vi", "value"]
    out = pd.concat(frames, ignore_index=True)
    return out[lead + [c for c in out.columns if c not in lead]]


def _with_rates(part: pd.DataFrame, totals: pd.DataFrame, whole: bool) -> pd.DataFrame:
    out = part.copy()
    for unit, suffix in (("n_households", ""), ("n_persons", "_persons")):
        poor, near = out[f"n_poor{suffix}"], out[f"n_near_poor{suffix}"]
        den = out[unit] if whole else np.full(len(out), np.nan)
        out[f"poor_rate{suffix}"] = safe_rate(poor, den)
        out[f"near_poor_rate{suffix}"] = safe_rate(near, den)
        out[f"multidim_rate{suffix}"] = safe_rate(poor + near, den)
        out[f"share_of_poor{suffix}"] = safe_rate(poor, totals[f"n_poor{suffix}"])
        out[f"share_of_near_poor{suffix}"] = safe_rate(near, totals[f"n_near_poor{suffix}"])
    out.insert(0, "population", "all" if whole else "reviewed")
    return out.rename(columns={"n_households": "n_units", "n_persons": "n_units_persons"})


def rate_variants(
    households: pd.DataFrame, indicators: pd.DataFrame, status_col: str = "reported_status"
) -> pd.DataFrame:
    """Indicator rows with person rates and the rates excluding social-protection households.

    `indicators`: commune rows (year, commune_code) or district rows (commune_code <NA>),
    with n_households, n_persons, n_poor, n_near_poor, n_poor_persons, n_near_poor_persons.
    """
    by = ["year"] if indicators["commune_code"].isna().all() else ["year", "commune_code"]
    poor, near = _status_arrays(households, status_col)
    sp = households.get("is_social_protection", pd.Series(False, index=households.index))
    sp = sp.astype("boolean").fillna(False).to_numpy(dtype=bool)
    frame = households[by].assign(n_poor_sp=poor & sp, n_near_poor_sp=near & sp)
    counts = frame.groupby(by, as_index=False)[["n_poor_sp", "n_near_poor_sp"]].sum()
    key_types = {c: indicators[c].dtype for c in by}
    out = indicators.merge(counts.astype(key_types), on=by, how="left")
    out[["n_poor_sp", "n_near_poor_sp"]] = out[["n_poor_sp", "n_near_poor_sp"]].fillna(0)
    out = out.astype({"n_poor_sp": "int64", "n_near_poor_sp": "int64"})
    n = out["n_households"].to_numpy(dtype=float)
    out["poor_rate_excl_sp"] = safe_rate(out["n_poor"] - out["n_poor_sp"], n)
    out["near_poor_rate_excl_sp"] = safe_rate(out["n_near_poor"] - out["n_near_poor_sp"], n)
    listed = out["n_poor"] + out["n_near_poor"] - out["n_poor_sp"] - out["n_near_poor_sp"]
    out["multidim_rate_excl_sp"] = safe_rate(listed, n)
    persons = out["n_persons"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    out["poor_rate_persons"] = safe_rate(out["n_poor_persons"], persons)
    out["near_poor_rate_persons"] = safe_rate(out["n_near_poor_persons"], persons)
    both = out["n_poor_persons"] + out["n_near_poor_persons"]
    out["multidim_rate_persons"] = safe_rate(both, persons)
    return out
