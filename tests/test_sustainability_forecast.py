"""Relapse and new-entry rates from the cohorts as the flow model's parameters."""

import numpy as np
import pandas as pd
import pytest

from analysis.forecast.flow import TRANSITIONS, fit_flow
from analysis.measures import commune_indicators
from analysis.sustainability.forecast_link import (
    OP,
    RelapseLink,
    cohort_flow_rates,
    with_cohort_rates,
)
from analysis.sustainability.panel import build_panel
from sustainability_panels import panel

SPEC = {
    "a": "PLP.",  # escaped 2022, poor again 2023: a relapse of the pool
    "b": "PL..",  # escaped 2022, stays out
    "c": "PPL.",  # escaped 2023
    "d": "..P.",  # new poor 2024
    "e": "QQQQ",
}


def _history(households: pd.DataFrame) -> pd.DataFrame:
    totals = pd.DataFrame(
        {"year": [2021, 2022, 2023, 2024], "commune_code": "00001", "n_households": 100}
    )
    return commune_indicators(households, totals, {"00001": "Xã A"})


def test_cohort_flow_rates__pool_relapses_and_other_entries():
    hh = panel(SPEC)
    assert TRANSITIONS.index("op") == OP
    rates, relapse, new = cohort_flow_rates(build_panel(hh, 2024), _history(hh), 3)
    row = rates.iloc[0]
    # pools: before 2023 {a, b}, before 2024 {b, c} (a is back); a relapses
    assert (row["n_pool"], row["n_relapsed"], row["n_new"]) == (4, 1, 1)
    assert relapse == pytest.approx(1 / 4)
    assert 0 < new < 0.05 and row["relapse_lo"] < row["relapse_rate"] < row["relapse_hi"]


def test_with_cohort_rates__keeps_the_fit_and_adds_the_stressed_relapses():
    hh = panel(SPEC)
    fit = fit_flow(_history(hh))
    rates = pd.DataFrame({"commune_code": fit.codes, "relapse_rate": [0.1]})
    pool, other = np.array([50.0]), np.array([95.0])
    fitted = fit.post_a[OP] / (fit.post_a[OP] + fit.post_b[OP])
    same, new = with_cohort_rates(fit, rates, pool, other, 1.0)
    stressed, _ = with_cohort_rates(fit, rates, pool, other, 2.0)
    mean = lambda f: f.post_a[OP] / (f.post_a[OP] + f.post_b[OP])  # noqa: E731
    relapses = 0.1 * 50 / 95
    # the cohorts' relapses exceed this tiny fitted rate: they are its floor
    assert mean(same) == pytest.approx(np.maximum(fitted, relapses))
    assert mean(stressed) == pytest.approx(new + 2 * relapses)
    # the other transitions are untouched
    others = [j for j in range(6) if j != OP]
    assert np.array_equal(same.post_a[others], fit.post_a[others])


def test_link_sentence__share_of_the_fall_or_its_absence():
    base = dict(
        rates=pd.DataFrame(), relapse_rate=0.12, new_rate=0.005, pool_now=1500, year=2024,
        target_year=2025, factor=2.0,
    )  # fmt: skip
    text = RelapseLink(**base, fall=200.0, fall_stressed=80.0).sentence()
    assert "giảm khoảng 200 hộ" in text and "còn 80 hộ" in text and "60%" in text
    erased = RelapseLink(**base, fall=200.0, fall_stressed=-30.0).sentence()
    assert "toàn bộ mức giảm" in erased and "+30" in erased
    rise = RelapseLink(**base, fall=-10.0, fall_stressed=-60.0).sentence()
    assert "không giảm" in rise and "tăng thêm 50 hộ" in rise
