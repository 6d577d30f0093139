"""Cohorts of households that left (or entered) the poor list, followed over later reviews.

A cohort is the households that made one move in review year t (t - 1 also in the data
and linkable):

- `exit_poor`: poor at t - 1; at t near-poor (origin `near_poor`) or listed as leaving or
  average living (origin `above`);
- `exit_near_poor`: near-poor at t - 1, at t listed as leaving both lists (origin `above`);
- `new_poor`: poor at t, not poor at t - 1; origin `near_poor` (near-poor at t - 1),
  `relapsed` (on a list in an earlier review) or `new` (never listed before).

Each member has one row per horizon h = 0 … H (h = 0 is the move itself) while review
t + h is in the data and every review in between links to the one before: its state at
t + h is `poor`, `near_poor`, `out` (on a list as leaving, or average living) or `absent`
(on no list). On list inputs "absent" mostly means still out of poverty; a household that
moved away or dissolved cannot be told apart, so rates count it as not returned (they are
lower bounds of the true return rates). Communes are those of the move, on the run
year's units.

Rates (`RATE_STATES`): exits from the poor list return when poor again (`tái nghèo`); exits
from the near-poor list when poor or near-poor again; new poor households are still poor.
Intervals are Jeffreys 95 % intervals (`intervals.jeffreys`), wide for small communes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.measures._frame import DISTRICT_LABEL_VI
from analysis.sustainability.intervals import jeffreys
from analysis.sustainability.panel import (
    ABSENT,
    LEFT_CODES,
    NEAR_POOR,
    POOR,
    Panel,
)

DISTRICT = "district"  # commune_code of the district rows (as analysis.targets)
COHORTS = ("exit_poor", "exit_near_poor", "new_poor")
STATES = ("poor", "near_poor", "out", "absent")
RATE_STATES = {
    "exit_poor": ("poor",),
    "exit_near_poor": ("poor", "near_poor"),
    "new_poor": ("poor",),
}
MEMBER_COLUMNS = (
    "cohort", "cohort_year", "household_id", "commune_code", "origin", "horizon", "state",
)  # fmt: skip
TABLE_COLUMNS = (
    "cohort", "cohort_year", "commune_code", "commune_name", "horizon", "n", *(f"n_{s}" for s in STATES),
    "n_returned", "rate", "rate_lo", "rate_hi",
)  # fmt: skip
_STATE_OF_CODE = np.array(["poor", "near_poor", "out", "out", "absent"], dtype=object)


def _state(codes: np.ndarray) -> np.ndarray:
    """Status codes (ABSENT = -1) -> state names."""
    return _STATE_OF_CODE[np.where(codes == ABSENT, 4, codes)]


def _moves(panel: Panel, year: int) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(cohort, member mask, origin per member) of the moves into review `year`."""
    prev = panel.status[:, panel.col(year - 1)]
    cur = panel.status[:, panel.col(year)]
    out = np.isin(cur, LEFT_CODES)
    exit_poor = (prev == POOR) & (out | (cur == NEAR_POOR))
    exit_near = (prev == NEAR_POOR) & out
    new_poor = (cur == POOR) & (prev != POOR)
    earlier = panel.status[:, : panel.col(year - 1)]
    listed_before = np.isin(earlier, (POOR, NEAR_POOR)).any(axis=1)
    origin_new = np.where(
        prev == NEAR_POOR, "near_poor", np.where(listed_before, "relapsed", "new")
    ).astype(object)
    return [
        ("exit_poor", exit_poor, np.where(cur == NEAR_POOR, "near_poor", "above").astype(object)),
        ("exit_near_poor", exit_near, np.full(len(cur), "above", dtype=object)),
        ("new_poor", new_poor, origin_new),
    ]


def cohort_members(panel: Panel, horizons: int = 3) -> pd.DataFrame:
    """One row per cohort member and observable horizon 0 … `horizons` (MEMBER_COLUMNS)."""
    frames = []
    for t in panel.years:
        if t - 1 not in panel.years or not panel.linked(t - 1, t):
            continue
        for cohort, mask, origin in _moves(panel, t):
            idx = np.flatnonzero(mask)
            if not len(idx):
                continue
            for h in range(horizons + 1):
                if not panel.linked(t, t + h):
                    break
                frames.append(
                    pd.DataFrame(
                        {
                            "cohort": cohort,
                            "cohort_year": t,
                            "household_id": panel.household_ids[idx],
                            "commune_code": panel.commune[idx, panel.col(t)],
                            "origin": origin[idx],
                            "horizon": h,
                            "state": _state(panel.status[idx, panel.col(t + h)]),
                        }
                    )
                )
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in MEMBER_COLUMNS})
    out = pd.concat(frames, ignore_index=True)
    out = out.astype({"cohort_year": "int16", "horizon": "int8"})
    return out[list(MEMBER_COLUMNS)]


def cohort_table(
    members: pd.DataFrame, names: dict[str, str] | None = None, district_label: str = ""
) -> pd.DataFrame:
    """Counts by state and the cohort's rate (RATE_STATES) with its Jeffreys interval, per
    cohort, cohort year, commune and horizon, plus district rows (`commune_code` DISTRICT)."""
    keys = ["cohort", "cohort_year", "commune_code", "horizon"]
    if members.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in TABLE_COLUMNS})
    wide = members.groupby(keys + ["state"]).size().unstack("state", fill_value=0)
    wide = wide.reindex(columns=list(STATES), fill_value=0).reset_index()
    district = wide.groupby(["cohort", "cohort_year", "horizon"], as_index=False)[list(STATES)]
    district = district.sum().assign(commune_code=DISTRICT)
    table = pd.concat([wide, district], ignore_index=True)
    table = table.rename(columns={s: f"n_{s}" for s in STATES})
    table["n"] = table[[f"n_{s}" for s in STATES]].sum(axis=1)
    returned = np.zeros(len(table), dtype=np.int64)
    for cohort, states in RATE_STATES.items():
        mine = (table["cohort"] == cohort).to_numpy()
        returned[mine] = table.loc[mine, [f"n_{s}" for s in states]].sum(axis=1).to_numpy()
    table["n_returned"] = returned
    table["rate"] = table["n_returned"] / table["n"].where(table["n"] > 0)
    table["rate_lo"], table["rate_hi"] = jeffreys(table["n_returned"], table["n"])
    label = district_label or DISTRICT_LABEL_VI
    table["commune_name"] = table["commune_code"].map(
        lambda c: label if c == DISTRICT else (names or {}).get(c, c)
    )
    order = {c: i for i, c in enumerate(COHORTS)}
    table = table.sort_values(
        ["cohort", "cohort_year", "horizon", "commune_code"],
        key=lambda s: s.map(order) if s.name == "cohort" else s,
        ignore_index=True,
    )
    return table[list(TABLE_COLUMNS)]


def pooled_rates(
    table: pd.DataFrame, cohort: str = "exit_poor", horizon: int = 1, years=None
) -> pd.DataFrame:
    """The cohort's rate at `horizon`, pooled over cohort years (all, or `years`), per commune
    and for the district: commune_code, commune_name, n, n_returned, rate, rate_lo, rate_hi,
    n_years."""
    rows = table[(table["cohort"] == cohort) & (table["horizon"] == horizon)]
    if years is not None:
        rows = rows[rows["cohort_year"].isin(list(years))]
    columns = ["commune_code", "commune_name", "n", "n_returned", "rate", "rate_lo", "rate_hi"]
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in [*columns, "n_years"]})
    out = rows.groupby(["commune_code", "commune_name"], as_index=False).agg(
        n=("n", "sum"), n_returned=("n_returned", "sum"), n_years=("cohort_year", "nunique")
    )
    out["rate"] = out["n_returned"] / out["n"].where(out["n"] > 0)
    out["rate_lo"], out["rate_hi"] = jeffreys(out["n_returned"], out["n"])
    return out[[*columns, "n_years"]]


def check_bookkeeping(members: pd.DataFrame) -> pd.DataFrame:
    """Problems of the cohort bookkeeping (empty when none): a household counted twice in one
    cohort and horizon, or a cohort whose size at a horizon differs from its size at the move."""
    keys = ["cohort", "cohort_year", "household_id", "horizon"]
    if members.empty:
        return members.assign(problem=pd.Series(dtype=object))
    dup = members[members.duplicated(keys, keep=False)].assign(problem="counted twice")
    size = members.groupby(["cohort", "cohort_year", "commune_code", "horizon"]).size()
    start = size.xs(0, level="horizon")
    at = size.reset_index(name="n").merge(
        start.reset_index(name="n0"), on=["cohort", "cohort_year", "commune_code"], how="left"
    )
    bad = at[at["n"] != at["n0"]].assign(problem="size differs from the move")
    return pd.concat([dup, bad], ignore_index=True)


def newly_escaped(panel: Panel, year: int, years_allowed: int = 3) -> pd.DataFrame:
    """Households that escaped poverty (poor -> listed as leaving the lists) in review e with
    year - e <= `years_allowed`, and on neither list in any review since: household_id,
    commune_code (of the exit), exit_year, listed_now (on a list as leaving or average living
    this year). The latest exit counts; the budget rules count the years the same way."""
    found: dict[str, tuple[str, int, bool]] = {}
    now = panel.status[:, panel.col(year)]
    for e in range(year - years_allowed, year + 1):
        if e - 1 not in panel.years or not panel.linked(e - 1, year):
            continue
        prev = panel.status[:, panel.col(e - 1)]
        cur = panel.status[:, panel.col(e)]
        since = panel.status[:, panel.col(e) + 1 : panel.col(year) + 1]
        back = np.isin(since, (POOR, NEAR_POOR)).any(axis=1)
        for i in np.flatnonzero((prev == POOR) & np.isin(cur, LEFT_CODES) & ~back):
            found[panel.household_ids[i]] = (
                panel.commune[i, panel.col(e)],
                e,
                bool(now[i] != ABSENT),
            )
    rows = [(h, c, e, listed) for h, (c, e, listed) in found.items()]
    out = pd.DataFrame(rows, columns=["household_id", "commune_code", "exit_year", "listed_now"])
    return out.sort_values(["commune_code", "exit_year", "household_id"], ignore_index=True)
