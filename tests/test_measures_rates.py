import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import UserError
from analysis.measures import commune_indicators, covers_population, district_indicators


def _lists() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2024, 2024, 2024, 2024],
            "household_id": ["a", "b", "c", "d"],
            "commune_code": ["1", "1", "2", "2"],
            "unit_vintage": [2024] * 4,
            "reported_status": ["poor", "near_poor", "poor", "not_poor"],
            "n_members": [3, 4, 2, 5],
        }
    )


def _totals() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2024, 2024, 2024],
            "commune_code": ["1", "2", "3"],
            "n_households": [10, 20, 5],
            "n_persons": [40, 80, 20],
        }
    )


def test_commune_indicators__denominators_from_totals_not_lists():
    out = commune_indicators(_lists(), _totals(), {"1": "Một", "2": "Hai", "3": "Ba"})
    row = out.set_index("commune_code").loc["1"]
    assert row["n_households"] == 10
    assert row["poor_rate"] == pytest.approx(0.1)
    assert row["multidim_rate"] == pytest.approx(0.2)
    assert row["n_poor_persons"] == 3


def test_commune_indicators__unlisted_commune_gets_zero_counts():
    out = commune_indicators(_lists(), _totals(), {})
    row = out.set_index("commune_code").loc["3"]
    assert (row["n_poor"], row["n_near_poor"], row["poor_rate"]) == (0, 0, 0.0)
    assert row["commune_name"] == "3"


def test_commune_indicators__first_year_dynamics_are_missing():
    out = commune_indicators(_lists(), _totals(), {})
    assert out["n_poor_start"].isna().all()


def test_commune_indicators__commune_missing_from_totals_raises():
    with pytest.raises(UserError, match="không có trong bảng tổng số hộ"):
        commune_indicators(_lists(), _totals().iloc[[0, 2]], {})


def test_commune_indicators__names_by_vintage():
    out = commune_indicators(_lists(), _totals(), {2024: {"1": "Phố Châu"}})
    assert out["commune_name"].tolist() == ["Phố Châu", "2", "3"]


def test_commune_indicators__duplicate_household_raises():
    hh = pd.concat([_lists(), _lists().iloc[[0]]])
    with pytest.raises(UserError, match="nhiều lần"):
        commune_indicators(hh, _totals(), {})


def test_district_indicators__rates_recomputed_from_sums():
    out = district_indicators(commune_indicators(_lists(), _totals(), {}))
    row = out.iloc[0]
    assert row["commune_name"] == "Toàn huyện"
    assert row["n_households"] == 35
    assert row["poor_rate"] == pytest.approx(2 / 35)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from(["poor", "near_poor", "not_poor"])),
        min_size=1,
        max_size=40,
    )
)
def test_communes_sum_to_district_and_rates_in_unit_interval(rows):
    hh = pd.DataFrame(
        {
            "year": 2024,
            "household_id": [f"h{i}" for i in range(len(rows))],
            "commune_code": [str(c) for c, _ in rows],
            "unit_vintage": 2024,
            "reported_status": [s for _, s in rows],
            "n_members": 2,
        }
    )
    totals = pd.DataFrame(
        {"year": 2024, "commune_code": [str(c) for c in range(4)], "n_households": 50}
    )
    communes = commune_indicators(hh, totals, {})
    district = district_indicators(communes).iloc[0]
    for col in ("n_households", "n_poor", "n_near_poor", "n_poor_persons"):
        assert district[col] == communes[col].sum()
    for col in ("poor_rate", "near_poor_rate", "multidim_rate"):
        assert communes[col].between(0, 1).all()
    assert district["poor_rate"] == pytest.approx(communes["n_poor"].sum() / 200)


def test_covers_population__lists_versus_everyone():
    assert not covers_population(_lists(), _totals())
    totals = pd.DataFrame({"year": [2024, 2024], "commune_code": ["1", "2"], "n_households": 2})
    assert covers_population(_lists(), totals)


def test_commune_indicators__missing_members_raises_user_error():
    hh = _lists().astype({"n_members": "Int64"})
    hh.loc[2, "n_members"] = pd.NA
    with pytest.raises(UserError, match="dòng 3.*n_members"):
        commune_indicators(hh, _totals(), {})


def test_commune_indicators__flows_into_unknown_commune_raise():
    later = _lists().assign(year=2025, unit_vintage=2025, commune_code="8")
    totals = pd.concat(
        [_totals(), pd.DataFrame({"year": [2025], "commune_code": ["8"], "n_households": [50]})]
    )
    with pytest.raises(UserError, match="không có trong bảng tổng số hộ"):
        commune_indicators(
            pd.concat([_lists(), later]), totals, {}, crosswalk={"1": "8", "2": "9", "3": "8"}
        )


def _missing_3() -> pd.DataFrame:
    return pd.DataFrame({"year": [2024], "commune_code": ["3"], "commune_name": ["Ba"]})


def test_commune_indicators__missing_list_is_missing_not_zero():
    out = commune_indicators(_lists(), _totals(), {"3": "Ba"}, missing=_missing_3())
    row = out.set_index("commune_code").loc["3"]
    assert bool(row["is_missing_list"]) and row["commune_name"] == "Ba"
    for col in ("n_households", "n_poor", "n_near_poor", "n_poor_persons"):
        assert pd.isna(row[col]), col
    assert pd.isna(row["poor_rate"]) and pd.isna(row["multidim_rate"])
    assert not out.set_index("commune_code").loc[["1", "2"], "is_missing_list"].any()
    assert out.set_index("commune_code").loc["1", "poor_rate"] == pytest.approx(0.1)


def test_district_indicators__total_over_communes_with_data_and_says_so():
    from analysis.measures import describe_missing

    out = commune_indicators(_lists(), _totals(), {"3": "Ba"}, missing=_missing_3())
    d = district_indicators(out).iloc[0]
    # communes 1 and 2 only: 2 poor, 1 near-poor of 30 households (commune 3's 5 left out)
    assert (d["n_households"], d["n_poor"], d["n_near_poor"]) == (30, 2, 1)
    assert d["poor_rate"] == pytest.approx(2 / 30) and d["n_communes_missing"] == 1
    assert describe_missing(out, 2024).startswith("Tổng huyện chưa gồm 1 xã thiếu số liệu: Ba")
    complete = commune_indicators(_lists(), _totals(), {})
    assert district_indicators(complete).iloc[0]["n_communes_missing"] == 0
    assert describe_missing(complete, 2024) == ""
