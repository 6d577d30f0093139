"""Flows of households between consecutive reviews, from the household panel.

A household is followed by its `household_id`. For the poor list (the near-poor
list mirrors it), between review t-1 and review t:

- start: poor at t-1, counted in its t-1 commune (mapped to the t vintage);
- out to near-poor / out above (listed at t as leaving, or not poor under a whole-
  population input) / out other (absent from every list at t, or moved commune);
- in from near-poor; in relapsed (not listed at t-1, listed poor or near-poor in an
  earlier review); in new (never listed before); in other (poor in another commune);
- end: poor at t, counted in its t commune.

By construction start - out + in = end per commune; `check_flows` proves it on any
table with the dynamics columns (also the ones ingested from summary tables).

`broken_years`: years t whose households cannot be linked to those of t - 1 (the two
reviews were pseudonymised with different keys, `ingest.key_breaks`). Their flows are
not computed (no rows; missing in the indicator table), never shown as every household
leaving and every household entering the lists.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd

from analysis.errors import UserError
from analysis.measures._frame import LISTED, prepare_households, vintage_by_year
from analysis.schema import DYNAMICS_COLUMNS, NEAR_POOR_DYNAMICS, POOR_DYNAMICS

OTHER = {"poor": "near_poor", "near_poor": "poor"}
DYNAMICS_BY_GROUP = {"poor": POOR_DYNAMICS, "near_poor": NEAR_POOR_DYNAMICS}


def list_flows(
    households: pd.DataFrame,
    status_col: str = "reported_status",
    *,
    crosswalk: Mapping[str, str] | None = None,
    persons: bool = False,
    broken_years: Collection[int] = (),
) -> pd.DataFrame:
    """Dynamics of the poor and near-poor lists per (year, commune_code) of the later review.

    One row per commune with any listed household in year t or t-1, for each year t
    whose previous year t-1 is also in the data; columns `schema.DYNAMICS_COLUMNS`
    (households, or persons when `persons`). `crosswalk` maps t-1 codes to t codes
    where the unit vintage changes (`registry.to_merged()`); without it the mapping
    is inferred from households present in both reviews, with a warning. Years in
    `broken_years` (households not linkable to the previous review) get no rows.
    """
    hh = prepare_households(households, status_col)
    return flows_of_prepared(hh, crosswalk, persons, broken_years)


def flows_of_prepared(
    hh: pd.DataFrame,
    crosswalk: Mapping[str, str] | None = None,
    persons: bool = False,
    broken_years: Collection[int] = (),
) -> pd.DataFrame:
    """`list_flows` on a table already checked by `prepare_households`."""
    vintages = vintage_by_year(hh)
    first_listed = hh.loc[hh["status"].isin(LISTED)].groupby("hid")["year"].min()
    broken = {int(y) for y in broken_years}
    frames = []
    for year in sorted(vintages):
        if year - 1 not in vintages or year in broken:
            continue
        prev = hh.loc[hh["year"] == year - 1]
        cur = hh.loc[hh["year"] == year]
        if vintages[year - 1] != vintages[year]:
            prev = _map_communes(prev, cur, crosswalk, year)
        pair = _pair(prev, cur, first_listed, year)
        table = _count_pair(pair, persons)
        table.insert(0, "year", year)
        frames.append(table)
    if not frames:
        return pd.DataFrame(columns=["year", "commune_code", *DYNAMICS_COLUMNS])
    out = pd.concat(frames, ignore_index=True)
    out["year"] = out["year"].astype("int16")
    return out.sort_values(["year", "commune_code"], ignore_index=True)


def _map_communes(
    prev: pd.DataFrame, cur: pd.DataFrame, crosswalk: Mapping[str, str] | None, year: int
) -> pd.DataFrame:
    mapping = dict(crosswalk) if crosswalk is not None else _infer_crosswalk(prev, cur, year)
    mapped = prev["commune_code"].map(mapping)
    if mapped.isna().any():
        codes = ", ".join(sorted(prev.loc[mapped.isna(), "commune_code"].unique()))
        raise UserError(
            f"Không chuyển được mã xã năm {year - 1} sang kỳ đơn vị của năm {year}: {codes} "
            "(thiếu trong bảng chuyển đổi đơn vị hành chính)"
        )
    return prev.assign(commune_code=mapped.astype("string"))


def _infer_crosswalk(prev: pd.DataFrame, cur: pd.DataFrame, year: int) -> dict[str, str]:
    warnings.warn(
        f"Không có bảng chuyển đổi đơn vị hành chính {year - 1}→{year}: suy ra từ các hộ "
        "có mặt cả hai năm (nên truyền crosswalk=registry.to_merged()).",
        stacklevel=3,
    )
    both = prev[["hid", "commune_code"]].merge(
        cur[["hid", "commune_code"]], on="hid", suffixes=("_prev", "_cur")
    )
    counts = both.groupby(["commune_code_prev", "commune_code_cur"]).size().reset_index(name="n")
    best = counts.sort_values("n", ascending=False).drop_duplicates("commune_code_prev")
    return dict(zip(best["commune_code_prev"], best["commune_code_cur"], strict=True))


def _pair(
    prev: pd.DataFrame, cur: pd.DataFrame, first_listed: pd.Series, year: int
) -> pd.DataFrame:
    cols = ["hid", "commune_code", "status", "n_members"]
    pair = prev[cols].merge(cur[cols], on="hid", how="outer", suffixes=("_prev", "_cur"))
    listed_year = pair["hid"].map(first_listed)
    pair["listed_before"] = (listed_year < year).fillna(False).to_numpy(dtype=bool)
    return pair


def _count_pair(pair: pd.DataFrame, persons: bool) -> pd.DataFrame:
    """Dynamics columns per commune, from one (t-1, t) pair of reviews."""
    s_prev = pair["status_prev"].fillna("absent").to_numpy(dtype=object)
    s_cur = pair["status_cur"].fillna("absent").to_numpy(dtype=object)
    c_prev = pair["commune_code_prev"].fillna("").to_numpy(dtype=object)
    c_cur = pair["commune_code_cur"].fillna("").to_numpy(dtype=object)
    same = c_prev == c_cur
    w_prev = pair["n_members_prev"].fillna(0).to_numpy(dtype=np.int64) if persons else 1
    w_cur = pair["n_members_cur"].fillna(0).to_numpy(dtype=np.int64) if persons else 1
    w_prev = np.broadcast_to(w_prev, s_prev.shape)
    w_cur = np.broadcast_to(w_cur, s_cur.shape)
    start_side: dict[str, np.ndarray] = {}
    end_side: dict[str, np.ndarray] = {}
    for group, other in OTHER.items():
        c = DYNAMICS_BY_GROUP[group]
        was, now = s_prev == group, s_cur == group
        not_listed_before = ~np.isin(s_prev, LISTED)
        start_side[c[0]] = was * w_prev
        start_side[c[1]] = (was & (s_cur == other)) * w_prev
        start_side[c[2]] = (was & np.isin(s_cur, ("not_poor", "avg_living"))) * w_prev
        start_side[c[3]] = (was & ((s_cur == "absent") | (now & ~same))) * w_prev
        end_side[c[4]] = (now & (s_prev == other)) * w_cur
        end_side[c[5]] = (now & not_listed_before & pair["listed_before"].to_numpy()) * w_cur
        end_side[c[6]] = (now & not_listed_before & ~pair["listed_before"].to_numpy()) * w_cur
        end_side[c[7]] = (now & was & ~same) * w_cur
        end_side[c[8]] = now * w_cur
        if persons:
            _add_size_change(start_side, end_side, c, was & now & same, w_prev, w_cur)
    start = pd.DataFrame(start_side).groupby(c_prev).sum()
    end = pd.DataFrame(end_side).groupby(c_cur).sum()
    table = start.join(end, how="outer").fillna(0).astype("int64")
    table = table.drop(index="", errors="ignore")[list(DYNAMICS_COLUMNS)]
    table.index.name = "commune_code"
    return table.reset_index().astype({"commune_code": "string"})


def _add_size_change(start_side, end_side, c, stayed, w_prev, w_cur) -> None:
    """Persons: members gained by staying households count as 'in other', lost as 'out other'."""
    change = (w_cur - w_prev) * stayed
    end_side[c[7]] = end_side[c[7]] + np.where(stayed, np.maximum(change, 0), 0)
    start_side[c[3]] = start_side[c[3]] + np.where(stayed, np.maximum(-change, 0), 0)


def check_flows(dynamics: pd.DataFrame) -> pd.DataFrame:
    """Rows where start - out + in != end, for either list, with the gap; empty when all reconcile."""
    rows = []
    for group, cols in DYNAMICS_BY_GROUP.items():
        sub = dynamics.dropna(subset=list(cols))
        d = sub[list(cols)].astype("int64")
        gap = d[cols[0]] - d[list(cols[1:4])].sum(axis=1) + d[list(cols[4:8])].sum(axis=1)
        gap = gap - d[cols[8]]
        bad = sub.loc[gap != 0, [c for c in ("year", "commune_code") if c in sub]]
        rows.append(bad.assign(list=group, gap=gap[gap != 0]))
    return pd.concat(rows, ignore_index=True)


def check_continuity(
    indicators: pd.DataFrame, crosswalk: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Rows where a year's start differs from the previous year's end of the same units.

    Previous-year communes are mapped with `crosswalk` (old code -> new code) when the
    unit vintage changes. Columns: year, commune_code, list, start, previous_end, gap.
    """
    rows = []
    for group, cols in DYNAMICS_BY_GROUP.items():
        count = f"n_{group}"  # the list's size at the end of each review
        ends = indicators[["year", "unit_vintage", "commune_code", count]].dropna()
        starts = indicators[["year", "unit_vintage", "commune_code", cols[0]]].dropna()
        prev = ends.assign(year=ends["year"] + 1)
        vintage_next = dict(zip(starts["year"], starts["unit_vintage"], strict=False))
        changed = prev["year"].map(vintage_next) != prev["unit_vintage"]
        if crosswalk is not None:
            mapped = prev["commune_code"].map(dict(crosswalk)).fillna(prev["commune_code"])
            prev["commune_code"] = prev["commune_code"].where(~changed, mapped)
        previous = prev.groupby(["year", "commune_code"], as_index=False)[count].sum()
        both = starts.merge(previous, on=["year", "commune_code"], how="inner")
        gap = both[cols[0]].astype("int64") - both[count].astype("int64")
        bad = gap != 0
        rows.append(
            both.loc[bad, ["year", "commune_code"]].assign(
                list=group,
                start=both.loc[bad, cols[0]],
                previous_end=both.loc[bad, count],
                gap=gap[bad],
            )
        )
    return pd.concat(rows, ignore_index=True)


def district_flows(
    households: pd.DataFrame,
    year: int,
    crosswalk: Mapping[str, str] | None = None,
    broken_years: Collection[int] = (),
) -> pd.DataFrame:
    """The district's list dynamics into `year`, in households and in persons (one row each);
    missing (NaN) when `year` is in `broken_years`."""
    rows = []
    for persons, unit in ((False, "hộ"), (True, "người")):
        flows = list_flows(
            households, crosswalk=crosswalk, persons=persons, broken_years=broken_years
        )
        this = flows.loc[flows["year"] == year, list(DYNAMICS_COLUMNS)]
        rows.append({"unit": unit, **this.sum(min_count=1).to_dict()})
    return pd.DataFrame(rows)
