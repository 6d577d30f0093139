"""Fragile exits: households that left the lists this year but may not stay out.

The exits are the households on the poor (or near-poor) list in review t - 1 that review t
lists as leaving both lists (not poor, or average living): those who lose the support of
the lists. Households that moved from poor to near-poor stay on a list and are not here.
An exit is fragile when any of:

- `near_line`: its income at exit is at most `margin` above the poverty line of its area
  (income per person; the income score A against its line when only the score is given);
- `not_fallen`: its number of deprivations did not fall from the year before (and is not 0);
- `still_deprived`: it still has `min_deprivations` (3) deprivations or more.

`fragile_exits` lists the households (by their code, no names or ID numbers) with each
reason; `fragile_summary` counts them per commune and for the district.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd

from analysis.measures._frame import DISTRICT_LABEL_VI
from analysis.standard import get_standard
from analysis.sustainability.cohorts import DISTRICT
from analysis.sustainability.intervals import jeffreys

REASONS = ("near_line", "not_fallen", "still_deprived")
LEFT = ("not_poor", "avg_living")
FRAGILE_COLUMNS = (
    "year", "household_id", "commune_code", "exit_from", "is_urban", "income_pc_vnd",
    "income_ratio", "n_deprivations_before", "n_deprivations_after", *REASONS, "is_fragile",
)  # fmt: skip


def deprivation_counts(households: pd.DataFrame) -> pd.Series:
    """Deprivations per household: the list's count, else counted from the 12 flags."""
    from analysis.schema import DEPRIVATION_COLUMNS

    counted = households.reindex(columns=list(DEPRIVATION_COLUMNS)).fillna(False).sum(axis=1)
    if "n_deprivations" not in households.columns:
        return counted.astype("Int64")
    return households["n_deprivations"].astype("Int64").fillna(counted.astype("Int64"))


def income_ratio(households: pd.DataFrame, standard) -> np.ndarray:
    """Income per person over the poverty line of the household's area (score A over its
    line when the income is not given); NaN when neither is known."""
    std = get_standard(standard)
    urban = households["is_urban"].fillna(False).to_numpy(dtype=bool)
    ratio = _numeric(households, "income_pc_vnd") / std.lines.by_area(urban)
    if std.score_lines is not None:
        score = _numeric(households, "income_score") / std.score_lines.by_area(urban)
        ratio = np.where(np.isnan(ratio), score, ratio)
    return ratio


def _numeric(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def exits_of_year(
    households: pd.DataFrame, year: int, status_col: str = "reported_status"
) -> pd.DataFrame:
    """This year's rows of the households that left both lists since last year, with
    `exit_from` (poor | near_poor) and their deprivations of the year before."""
    prev = households[households["year"] == year - 1]
    cur = households[households["year"] == year]
    before = prev.set_index("household_id")
    was = cur["household_id"].map(before[status_col])
    left = cur[status_col].isin(LEFT) & was.isin(["poor", "near_poor"])
    out = cur[left.to_numpy()].copy()
    out["exit_from"] = was[left].to_numpy()
    out["n_deprivations_before"] = (
        out["household_id"].map(deprivation_counts(prev).set_axis(prev["household_id"])).to_numpy()
    )
    return out


def fragile_exits(
    households: pd.DataFrame,
    year: int,
    standard,
    *,
    margin: float = 0.10,
    min_deprivations: int = 3,
    broken_years: Collection[int] = (),
    status_col: str = "reported_status",
) -> pd.DataFrame:
    """One row per exit of `year` (FRAGILE_COLUMNS) with each reason and `is_fragile`.
    Empty when `year - 1` is not in the data or the two reviews do not link."""
    years = set(households["year"].astype(int))
    if year - 1 not in years or year not in years or year in set(broken_years):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in FRAGILE_COLUMNS})
    exits = exits_of_year(households, year, status_col)
    ratio = income_ratio(exits, standard)
    after = deprivation_counts(exits)
    before = pd.array(exits["n_deprivations_before"], dtype="Int64")
    out = pd.DataFrame(
        {
            "year": year,
            "household_id": exits["household_id"].astype(str).to_numpy(),
            "commune_code": exits["commune_code"].astype(str).to_numpy(),
            "exit_from": exits["exit_from"].to_numpy(),
            "is_urban": exits["is_urban"].fillna(False).to_numpy(dtype=bool),
            "income_pc_vnd": _numeric(exits, "income_pc_vnd"),
            "income_ratio": ratio,
            "n_deprivations_before": before,
            "n_deprivations_after": pd.array(after, dtype="Int64"),
        }
    )
    out["near_line"] = ~np.isnan(ratio) & (ratio <= 1 + margin + 1e-12)
    deprived_after = out["n_deprivations_after"] > 0
    out["not_fallen"] = (
        (out["n_deprivations_after"] >= out["n_deprivations_before"]) & deprived_after
    ).fillna(False)
    out["still_deprived"] = (out["n_deprivations_after"] >= min_deprivations).fillna(False)
    out = out.astype({r: bool for r in REASONS})
    out["is_fragile"] = out[list(REASONS)].any(axis=1)
    return out.sort_values(["commune_code", "household_id"], ignore_index=True)[
        list(FRAGILE_COLUMNS)
    ]


def fragile_summary(
    fragile: pd.DataFrame, names: Mapping[str, str] | None = None, district_label: str = ""
) -> pd.DataFrame:
    """Per commune and for the district (commune_code DISTRICT): exits (`n_exits`, of which
    from the poor list `n_exits_poor`), fragile exits, their share with a Jeffreys interval,
    and the count of each reason."""
    columns = ["n_exits", "n_exits_poor", "n_fragile", *(f"n_{r}" for r in REASONS)]
    f = fragile.assign(
        n_exits=1,
        n_exits_poor=fragile["exit_from"].eq("poor").astype(int),
        n_fragile=fragile["is_fragile"].astype(int),
        **{f"n_{r}": fragile[r].astype(int) for r in REASONS},
    )
    communes = f.groupby("commune_code", as_index=False)[columns].sum()
    district = pd.DataFrame([{"commune_code": DISTRICT, **f[columns].sum().to_dict()}])
    out = pd.concat([communes, district], ignore_index=True) if len(f) else district
    out[columns] = out[columns].astype("int64")
    out["share"] = out["n_fragile"] / out["n_exits"].where(out["n_exits"] > 0)
    out["share_lo"], out["share_hi"] = jeffreys(out["n_fragile"], out["n_exits"])
    label = district_label or DISTRICT_LABEL_VI
    out.insert(
        1,
        "commune_name",
        out["commune_code"].map(lambda c: label if c == DISTRICT else (names or {}).get(c, c)),
    )
    return out
