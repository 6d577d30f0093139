"""Exit and entry cohorts on small hand-made panels: every household counted once per cohort and
horizon, states and rates as the rules say."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.errors import UserError
from analysis.sustainability.cohorts import (
    DISTRICT,
    check_bookkeeping,
    cohort_members,
    cohort_table,
    newly_escaped,
    pooled_rates,
)
from analysis.sustainability.intervals import jeffreys
from analysis.sustainability.panel import build_panel
from sustainability_panels import panel

# 2021 … 2025
SPEC = {
    "a": "PL...",  # exits above in 2022, stays out
    "b": "PLP..",  # exits above in 2022, poor again in 2023 (relapse), then gone
    "c": "PQQQQ",  # exits to near-poor in 2022
    "d": "QL.Q.",  # leaves the near-poor list in 2022, near-poor again in 2024
    "e": ".P...",  # new poor in 2022 (never listed before)
    "f": "PPPPL",  # exits above in 2025 (the run year)
    "g": "QLP..",  # leaves the near-poor list 2022, poor 2023: relapsed (listed before)
}


def _members(spec=SPEC, year=2025, **kw):
    return cohort_members(build_panel(panel(spec), year, **kw), horizons=3)


def _state(members, hid, cohort, year, horizon):
    row = members[
        (members["household_id"] == hid)
        & (members["cohort"] == cohort)
        & (members["cohort_year"] == year)
        & (members["horizon"] == horizon)
    ]
    assert len(row) == 1, (hid, cohort, year, horizon, len(row))
    return row["state"].iloc[0]


def test_cohorts__states_follow_each_household():
    m = _members()
    assert _state(m, "a", "exit_poor", 2022, 0) == "out"
    assert [_state(m, "a", "exit_poor", 2022, h) for h in (1, 2, 3)] == ["absent"] * 3
    assert [_state(m, "b", "exit_poor", 2022, h) for h in (1, 2, 3)] == ["poor", "absent", "absent"]
    assert [_state(m, "c", "exit_poor", 2022, h) for h in range(4)] == ["near_poor"] * 4
    assert [_state(m, "d", "exit_near_poor", 2022, h) for h in (1, 2)] == ["absent", "near_poor"]
    assert _state(m, "f", "exit_poor", 2025, 0) == "out"
    origin = m.drop_duplicates(["cohort", "cohort_year", "household_id"]).set_index(
        ["cohort", "household_id"]
    )["origin"]
    assert origin[("exit_poor", "a")] == "above" and origin[("exit_poor", "c")] == "near_poor"
    assert origin[("new_poor", "e")] == "new" and origin[("new_poor", "g")] == "relapsed"
    assert origin[("new_poor", "b")] == "relapsed"


def test_cohorts__horizons_stop_at_the_run_year():
    m = _members()
    last = m.groupby(["cohort", "cohort_year"])["horizon"].max()
    assert last[("exit_poor", 2022)] == 3
    assert last[("exit_poor", 2025)] == 0
    assert (m["cohort_year"] + m["horizon"] <= 2025).all()
    m24 = _members(year=2024)
    assert (m24["cohort_year"] + m24["horizon"] <= 2024).all() and len(m24) < len(m)


def test_cohorts__a_key_break_stops_the_follow_up():
    m = _members(broken_years=[2024])
    assert not ((m["cohort_year"] < 2024) & (m["cohort_year"] + m["horizon"] >= 2024)).any()
    assert 2024 not in set(m["cohort_year"])
    assert (m["cohort_year"] == 2025).any()  # 2025 links to 2024


def test_table__counts_rates_and_district_rows():
    table = cohort_table(_members(), {"00001": "Xã A"})
    row = table[
        (table["cohort"] == "exit_poor")
        & (table["cohort_year"] == 2022)
        & (table["horizon"] == 1)
        & (table["commune_code"] == DISTRICT)
    ].iloc[0]
    # a, b, c exited the poor list in 2022; b is poor again a year later
    assert (row["n"], row["n_poor"], row["n_near_poor"], row["n_absent"]) == (3, 1, 1, 1)
    assert row["rate"] == pytest.approx(1 / 3)
    assert row["rate_lo"] < 1 / 3 < row["rate_hi"]
    near = table[(table["cohort"] == "exit_near_poor") & (table["horizon"] == 2)]
    # d and g left the near-poor list in 2022; d is near-poor again in 2024: returned
    assert near["n_returned"].max() == 1 and near["n"].max() == 2
    assert set(table["commune_name"]) == {"Xã A", "Toàn huyện"}


def test_pooled_rates__sum_over_years():
    table = cohort_table(_members())
    pooled = pooled_rates(table, "exit_poor", 1)
    d = pooled[pooled["commune_code"] == DISTRICT].iloc[0]
    by_year = table[
        (table["cohort"] == "exit_poor")
        & (table["horizon"] == 1)
        & (table["commune_code"] == DISTRICT)
    ]
    assert d["n"] == by_year["n"].sum() and d["n_returned"] == by_year["n_returned"].sum()


def test_jeffreys__bounds_and_small_counts():
    lo, hi = jeffreys([0, 5, 10, 0], [10, 10, 10, 0])
    assert lo[0] == 0 and hi[2] == 1 and np.isnan(lo[3])
    assert 0 < lo[1] < 0.5 < hi[1] < 1
    # fewer households, wider interval
    (lo1, hi1), (lo2, hi2) = jeffreys(2, 5), jeffreys(20, 50)
    assert hi1 - lo1 > hi2 - lo2


def test_newly_escaped__within_the_allowed_years_and_not_back():
    spec = {
        "x": "PL...",  # escaped 2022: 2025 - 2022 = 3 <= 3
        "y": "PPL..",  # escaped 2023
        "z": "PL.P.",  # escaped 2022 but poor again in 2024: its escape did not last
        "w": "PLPPL",  # escaped 2022, poor 2023, escaped again 2025 (latest exit counts)
        "v": ".PPPQ",  # near-poor now: not escaped
    }
    out = newly_escaped(build_panel(panel(spec), 2025), 2025, 3).set_index("household_id")
    assert set(out.index) == {"x", "y", "w"}
    assert out.loc["w", "exit_year"] == 2025 and bool(out.loc["w", "listed_now"])
    short = newly_escaped(build_panel(panel(spec), 2025), 2025, 2)
    assert set(short["household_id"]) == {"y", "w"}


def test_panel__other_vintages_need_the_crosswalk():
    hh = panel({"a": "PL"}, first_year=2024)
    hh.loc[hh["year"] == 2025, ["unit_vintage", "commune_code"]] = (2025, "90001")
    with pytest.raises(UserError, match="chuyển đổi"):
        build_panel(hh, 2025)
    p = build_panel(hh, 2025, crosswalk={"00001": "90001"})
    assert set(p.commune[p.commune != ""]) == {"90001"}


LETTERS = st.text(alphabet="PQLA.", min_size=5, max_size=5)


@given(st.dictionaries(st.sampled_from([f"h{i}" for i in range(12)]), LETTERS, min_size=1))
def test_bookkeeping__every_household_once_per_cohort_and_horizon(spec):
    spec = {k: v for k, v in spec.items() if v.strip(".")}
    if not spec:
        return
    hh = panel(spec)
    last = int(hh["year"].max())
    members = cohort_members(build_panel(hh, last), horizons=3)
    assert check_bookkeeping(members).empty
    # every move is in exactly one cohort row per horizon; the states add up to the cohort
    if len(members):
        table = cohort_table(members)
        states = table[[f"n_{s}" for s in ("poor", "near_poor", "out", "absent")]].sum(axis=1)
        assert (states == table["n"]).all()
    # the exits of the poor list are the flows' "out to near-poor" + "out above"
    wide = hh.pivot(index="household_id", columns="year", values="reported_status")
    for year in range(2022, last + 1):
        if year - 1 not in wide or year not in wide:
            continue
        was = wide[year - 1] == "poor"
        now = wide[year].isin(["near_poor", "not_poor", "avg_living"])
        expected = int((was & now).sum())
        got = members[
            (members["cohort"] == "exit_poor")
            & (members["cohort_year"] == year)
            & (members["horizon"] == 0)
        ]
        assert len(got) == expected


def test_bookkeeping__finds_a_double_count():
    m = _members()
    assert check_bookkeeping(m).empty
    twice = pd.concat([m, m.iloc[[0]]], ignore_index=True)
    assert len(check_bookkeeping(twice))
