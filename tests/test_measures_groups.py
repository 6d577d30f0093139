import pandas as pd
import pytest

from analysis.measures import commune_indicators, district_indicators, group_rates, rate_variants


def _hh() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": 2024,
            "household_id": ["a", "b", "c", "d"],
            "commune_code": "1",
            "unit_vintage": 2024,
            "reported_status": ["poor", "poor", "near_poor", "not_poor"],
            "n_members": [2, 3, 4, 5],
            "is_ethnic_minority": [True, False, True, False],
            "is_social_protection": [True, False, False, False],
        }
    )


def test_group_rates__whole_population_rates():
    out = group_rates(_hh(), whole_population=True)
    row = out[(out["group"] == "is_ethnic_minority") & out["value"]].iloc[0]
    assert row["n_units"] == 2
    assert row["poor_rate"] == pytest.approx(0.5)
    assert row["multidim_rate_persons"] == pytest.approx(1.0)
    assert row["share_of_poor"] == pytest.approx(0.5)


def test_group_rates__list_input_has_no_rates():
    out = group_rates(_hh())
    assert out["poor_rate"].isna().all()
    assert (out["population"] == "reviewed").all()


def test_rate_variants__excluding_social_protection_keeps_denominator():
    totals = pd.DataFrame(
        {"year": [2024], "commune_code": ["1"], "n_households": [10], "n_persons": [40]}
    )
    ind = commune_indicators(_hh(), totals, {})
    row = rate_variants(_hh(), ind).iloc[0]
    assert row["n_poor_sp"] == 1
    assert row["poor_rate_excl_sp"] == pytest.approx(0.1)
    assert row["multidim_rate_excl_sp"] == pytest.approx(0.2)
    assert row["poor_rate_persons"] == pytest.approx(5 / 40)


def test_rate_variants__district_rows_use_all_communes():
    totals = pd.DataFrame(
        {"year": [2024], "commune_code": ["1"], "n_households": [10], "n_persons": [40]}
    )
    district = district_indicators(commune_indicators(_hh(), totals, {}))
    row = rate_variants(_hh(), district).iloc[0]
    assert row["n_poor_sp"] == 1
    assert row["poor_rate_excl_sp"] == pytest.approx(0.1)


def test_group_rates__by_commune_shares_sum_to_one():
    hh = pd.concat([_hh(), _hh().assign(commune_code="2", household_id=list("efgh"))])
    out = group_rates(hh, by=("year", "commune_code"), groups=["is_ethnic_minority"])
    shares = out.groupby("commune_code")["share_of_poor"].sum()
    assert shares.tolist() == pytest.approx([1.0, 1.0])
