"""Fragile exits on a hand-made panel: each reason on its own, the margin from config."""

import pandas as pd
import pytest

from analysis.sustainability.cohorts import DISTRICT
from analysis.sustainability.fragile import fragile_exits, fragile_summary, income_ratio
from sustainability_panels import panel

LINE = 1_500_000  # rural line of 2022-2025
SPEC = {
    "near": "PL",  # income 4 % above the line
    "solid": "PL",  # well above, deprivations fell
    "stuck": "PL",  # deprivations did not fall (3 -> 3)
    "deprived": "PL",  # fell (5 -> 4) but still 4
    "nearpoor": "QL",  # left the near-poor list, well above, 1 -> 0
    "none": "QL",  # no deprivation either year: 0 -> 0 is not "did not fall"
    "tonear": "PQ",  # poor -> near-poor: still on a list, not an exit here
    "stays": "PP",
}
INCOME = {
    "near": {2022: LINE * 1.04},
    "solid": {2022: LINE * 1.6},
    "stuck": {2022: LINE * 1.5},
    "deprived": {2022: LINE * 1.5},
    "nearpoor": {2022: LINE * 1.5},
    "none": {2022: LINE * 1.5},
}
DEPS = {
    "near": {2021: 3, 2022: 1},
    "solid": {2021: 4, 2022: 1},
    "stuck": {2021: 3, 2022: 3},
    "deprived": {2021: 5, 2022: 4},
    "nearpoor": {2021: 1, 2022: 0},
    "none": {2021: 0, 2022: 0},
}


def _households():
    return panel(SPEC, income_pc_vnd=INCOME, n_deprivations=DEPS)


def _fragile(**kw):
    return fragile_exits(_households(), 2022, "vn-2022-2025", **kw).set_index("household_id")


def test_fragile__each_reason_on_its_own():
    f = _fragile()
    assert set(f.index) == {"near", "solid", "stuck", "deprived", "nearpoor", "none"}
    assert f.loc["near", "near_line"] and not f.loc["near", "not_fallen"]
    assert f.loc["stuck", "not_fallen"] and not f.loc["stuck", "near_line"]
    assert f.loc["deprived", "still_deprived"] and not f.loc["deprived", "not_fallen"]
    assert not f.loc["solid", "is_fragile"] and not f.loc["nearpoor", "is_fragile"]
    assert not f.loc["none", "is_fragile"]
    assert f.loc["nearpoor", "exit_from"] == "near_poor"
    assert f["is_fragile"].sum() == 3
    assert f.loc["near", "income_ratio"] == pytest.approx(1.04)


def test_fragile__margin_and_deprivation_threshold_from_config():
    assert not _fragile(margin=0.03).loc["near", "near_line"]
    assert _fragile(margin=0.6).loc["solid", "near_line"]
    assert not _fragile(min_deprivations=5).loc["deprived", "still_deprived"]


def test_fragile__score_when_no_income():
    hh = _households()
    hh.loc[hh["household_id"] == "near", "income_pc_vnd"] = float("nan")
    hh["income_score"] = float("nan")
    hh.loc[(hh["household_id"] == "near") & (hh["year"] == 2022), "income_score"] = 145.0
    ratio = income_ratio(hh[hh["household_id"] == "near"].tail(1), "vn-2022-2025")
    assert ratio[0] == pytest.approx(145 / 140)


def test_fragile__no_previous_review_or_broken_link_gives_nothing():
    assert fragile_exits(_households(), 2021, "vn-2022-2025").empty
    assert fragile_exits(_households(), 2022, "vn-2022-2025", broken_years=[2022]).empty


def test_summary__per_commune_and_district():
    hh = pd.concat([_households(), panel({"b1": "PL"}, commune="00002", n_deprivations={"b1": 3})])
    s = fragile_summary(fragile_exits(hh, 2022, "vn-2022-2025"), {"00001": "Xã A"})
    s = s.set_index("commune_code")
    assert s.loc["00001", "n_exits"] == 6 and s.loc["00001", "n_exits_poor"] == 4
    assert s.loc["00001", "n_fragile"] == 3 and s.loc["00001", "commune_name"] == "Xã A"
    assert s.loc[DISTRICT, "n_exits"] == 7 and s.loc[DISTRICT, "n_fragile"] == 4
    assert s.loc[DISTRICT, "share_lo"] < s.loc[DISTRICT, "share"] < s.loc[DISTRICT, "share_hi"]
