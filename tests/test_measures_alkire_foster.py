import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.measures import af_population, aggregate, alkire_foster, decompose, robustness
from analysis.schema import DEPRIVATION_COLUMNS


def _hh(deprived: list[list[str]], communes=None) -> pd.DataFrame:
    rows = [{col: col in d for col in DEPRIVATION_COLUMNS} for d in deprived]
    df = pd.DataFrame(rows).assign(year=2024, n_members=2)
    df["commune_code"] = communes or ["1"] * len(df)
    return df


EXAMPLE = [
    ["dep_employment", "dep_dependants", "dep_water", "dep_latrine"],  # score 4/12
    ["dep_nutrition", "dep_health_insurance", "dep_telecom"],  # score 3/12
    ["dep_water", "dep_housing_area"],  # 2/12: not poor at k = 3, censored
    [],
]


def test_alkire_foster__hand_computed_example():
    result = alkire_foster(_hh(EXAMPLE), k=3)
    s = result.summary.iloc[0]
    assert (s["n"], s["q"]) == (4, 2)
    assert s["H"] == pytest.approx(0.5)
    assert s["A"] == pytest.approx(7 / 24)
    assert s["M0"] == pytest.approx(7 / 48)


def test_alkire_foster__censored_headcounts_and_contributions():
    ind = alkire_foster(_hh(EXAMPLE), k=3).indicators.set_index("indicator")
    assert ind.loc["dep_water", "censored_headcount"] == pytest.approx(0.25)
    assert ind.loc["dep_housing_area", "censored_headcount"] == 0
    assert ind.loc["dep_water", "contribution_abs"] == pytest.approx(1 / 48)
    assert ind.loc["dep_telecom", "contribution_pct"] == pytest.approx(1 / 7)


def test_alkire_foster__dimension_contributions():
    dims = alkire_foster(_hh(EXAMPLE), k=3).dimensions.set_index("dimension")
    pct = dims["contribution_pct"]
    assert pct["employment"] == pytest.approx(2 / 7)
    assert pct["information"] == pytest.approx(1 / 7)
    assert pct["housing"] == 0


def test_alkire_foster__lower_cutoff_counts_the_third_household():
    s = alkire_foster(_hh(EXAMPLE), k=2).summary.iloc[0]
    assert s["H"] == pytest.approx(0.75)
    assert s["M0"] == pytest.approx(9 / 48)


def test_decompose__communes_add_up_to_district():
    result = alkire_foster(_hh(EXAMPLE, ["A", "A", "B", "B"]), k=3, by=("year", "commune_code"))
    parts = decompose(result).set_index("commune_code")
    assert parts.loc["A", "M0"] == pytest.approx(7 / 24)
    assert parts.loc["A", "contribution_pct"] == pytest.approx(1)
    assert parts["contribution_abs"].sum() == pytest.approx(7 / 48)


def test_robustness__h_falls_as_k_rises():
    table = robustness(_hh(EXAMPLE), ks=range(1, 7))
    assert table["k"].tolist() == [1, 2, 3, 4, 5, 6]
    assert table["H"].tolist() == pytest.approx([0.75, 0.75, 0.5, 0.25, 0, 0])


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.lists(st.booleans(), min_size=12, max_size=12), st.sampled_from("ABC")),
        min_size=1,
        max_size=30,
    ),
    st.integers(1, 6),
    st.booleans(),
)
def test_alkire_foster__invariants(rows, k, persons):
    flags = np.array([r[0] for r in rows])
    df = pd.DataFrame(flags, columns=list(DEPRIVATION_COLUMNS)).assign(
        year=2024,
        commune_code=[r[1] for r in rows],
        n_members=[1 + i % 4 for i in range(len(rows))],
    )
    by_commune = alkire_foster(df, k=k, by=("year", "commune_code"), persons=persons)
    district = alkire_foster(df, k=k, persons=persons)
    s = district.summary.iloc[0]
    assert 0 <= s["H"] <= 1
    assert aggregate(by_commune).summary["M0"].iloc[0] == pytest.approx(s["M0"])
    assert decompose(by_commune)["contribution_abs"].sum() == pytest.approx(s["M0"])
    if s["q"] > 0:
        assert s["M0"] == pytest.approx(s["H"] * s["A"])
        assert district.indicators["contribution_pct"].sum() == pytest.approx(1)
        assert district.dimensions["contribution_pct"].sum() == pytest.approx(1)
        assert decompose(by_commune)["contribution_pct"].sum() == pytest.approx(1)


def test_af_population__lists_keep_poor_and_near_poor():
    hh = _hh(EXAMPLE).assign(reported_status=["poor", "near_poor", "not_poor", "avg_living"])
    frame, label = af_population(hh, whole_population=False)
    assert frame["reported_status"].tolist() == ["poor", "near_poor"]
    assert label == "hộ nghèo và cận nghèo"
    assert len(af_population(hh, whole_population=True)[0]) == 4
