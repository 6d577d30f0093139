import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.measures import check_continuity, check_flows, commune_indicators, list_flows
from analysis.schema import DYNAMICS_COLUMNS


def _panel(rows) -> pd.DataFrame:
    """rows: (year, household_id, commune_code, status)."""
    df = pd.DataFrame(rows, columns=["year", "household_id", "commune_code", "reported_status"])
    df["unit_vintage"] = 2024
    df["n_members"] = 2
    return df


def _flows_of(rows, year=2023, commune="1") -> pd.Series:
    out = list_flows(_panel(rows))
    return out.set_index(["year", "commune_code"]).loc[(year, commune)]


def test_list_flows__poor_to_near_poor_and_back():
    f = _flows_of([(2022, "a", "1", "poor"), (2023, "a", "1", "near_poor")])
    assert f["n_poor_start"] == 1
    assert f["n_poor_out_near_poor"] == 1
    assert f["n_near_poor_in_from_poor"] == 1
    assert f["n_poor_end"] == 0


def test_list_flows__absent_next_year_is_out_other():
    f = _flows_of([(2022, "a", "1", "poor"), (2023, "b", "1", "not_poor")])
    assert f["n_poor_out_other"] == 1
    assert f["n_poor_out_above"] == 0


def test_list_flows__leaving_list_is_out_above():
    f = _flows_of([(2022, "a", "1", "poor"), (2023, "a", "1", "not_poor")])
    assert f["n_poor_out_above"] == 1


def test_list_flows__relapsed_when_listed_in_an_earlier_review():
    rows = [
        (2021, "a", "1", "near_poor"),
        (2021, "x", "1", "poor"),
        (2022, "a", "1", "not_poor"),
        (2022, "x", "1", "poor"),
        (2023, "a", "1", "poor"),
        (2023, "b", "1", "poor"),
    ]
    f = _flows_of(rows)
    assert f["n_poor_in_relapsed"] == 1
    assert f["n_poor_in_new"] == 1


def test_list_flows__absent_last_year_listed_earlier_is_relapsed():
    rows = [(2021, "a", "1", "poor"), (2022, "x", "1", "poor"), (2023, "a", "1", "near_poor")]
    assert _flows_of(rows)["n_near_poor_in_relapsed"] == 1


def test_list_flows__moved_commune_is_other_on_both_sides():
    out = list_flows(_panel([(2022, "a", "1", "poor"), (2023, "a", "2", "poor")]))
    out = out.set_index("commune_code")
    assert out.loc["1", "n_poor_out_other"] == 1
    assert out.loc["2", "n_poor_in_other"] == 1


def test_list_flows__merger_attributes_start_to_new_commune():
    hh = _panel([(2024, "a", "18133", "poor"), (2024, "b", "18217", "poor")])
    new = _panel([(2025, "a", "25001", "poor")]).assign(unit_vintage=2025)
    out = list_flows(pd.concat([hh, new]), crosswalk={"18133": "25001", "18217": "25001"})
    row = out.set_index("commune_code").loc["25001"]
    assert row["n_poor_start"] == 2
    assert row["n_poor_out_other"] == 1
    assert row["n_poor_end"] == 1


def test_commune_indicators__dynamics_match_counts():
    rows = [(2022, "a", "1", "poor"), (2023, "a", "1", "poor"), (2023, "b", "1", "near_poor")]
    totals = pd.DataFrame({"year": [2022, 2023], "commune_code": "1", "n_households": 10})
    out = commune_indicators(_panel(rows), totals, {}).set_index("year")
    assert out.loc[2023, "n_poor_end"] == out.loc[2023, "n_poor"]
    assert out.loc[2023, "n_poor_start"] == out.loc[2022, "n_poor"]
    assert out.loc[2023, "n_near_poor_in_new"] == 1


def test_check_flows__reports_a_break():
    table = pd.DataFrame([dict.fromkeys(DYNAMICS_COLUMNS, 0)]).assign(year=2023, commune_code="1")
    table["n_poor_end"] = 2
    breaks = check_flows(table)
    assert breaks["list"].tolist() == ["poor"]
    assert breaks["gap"].tolist() == [-2]


statuses = st.sampled_from(["poor", "near_poor", "not_poor", "avg_living", None])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(statuses, statuses, statuses, st.integers(1, 3), st.integers(1, 3))),
    st.booleans(),
)
def test_list_flows__reconcile_per_commune(histories, persons):
    rows = []
    for i, (s1, s2, s3, c1, c2) in enumerate(histories):
        for year, status, commune in ((2021, s1, c1), (2022, s2, c1), (2023, s3, c2)):
            if status is not None:
                rows.append((year, f"h{i}", str(commune), status))
    if not rows:
        return
    panel = _panel(rows)
    panel["n_members"] = [1 + (len(r[1]) * 7 + r[0]) % 5 for r in rows]
    flows = list_flows(panel, persons=persons)
    assert check_flows(flows).empty
    assert (flows[list(DYNAMICS_COLUMNS)] >= 0).all().all()


def test_list_flows__persons_reconcile_when_members_change():
    panel = _panel([(2022, "a", "1", "poor"), (2023, "a", "1", "poor")])
    panel["n_members"] = [5, 3]
    f = list_flows(panel, persons=True).iloc[0]
    assert (f["n_poor_start"], f["n_poor_out_other"], f["n_poor_end"]) == (5, 2, 3)
    assert check_flows(list_flows(panel, persons=True)).empty


def test_list_flows__infers_crosswalk_with_warning():
    hh = _panel([(2024, "a", "1", "poor")])
    new = _panel([(2025, "a", "9", "poor")]).assign(unit_vintage=2025)
    with pytest.warns(UserWarning, match="suy ra"):
        out = list_flows(pd.concat([hh, new]))
    assert out.iloc[0]["n_poor_start"] == 1


def test_check_continuity__start_equals_previous_end_across_merger():
    hh = _panel([(2024, "a", "18133", "poor"), (2024, "b", "18217", "near_poor")])
    new = _panel([(2025, "a", "25001", "poor")]).assign(unit_vintage=2025)
    totals = pd.DataFrame(
        {
            "year": [2024, 2024, 2025],
            "commune_code": ["18133", "18217", "25001"],
            "n_households": 10,
        }
    )
    crosswalk = {"18133": "25001", "18217": "25001"}
    out = commune_indicators(pd.concat([hh, new]), totals, {}, crosswalk=crosswalk)
    assert check_continuity(out, crosswalk).empty
    broken = out.copy()
    broken.loc[broken["year"] == 2025, "n_near_poor_start"] = 5
    gaps = check_continuity(broken, crosswalk)
    assert gaps["list"].tolist() == ["near_poor"]
    assert gaps["gap"].tolist() == [4]


def test_district_flows__households_and_persons_rows():
    import pandas as pd

    from analysis.measures import district_flows
    from analysis.schema import DEPRIVATION_COLUMNS

    def row(year, hid, status, members):
        return {
            "year": year, "household_id": hid, "commune_code": "1", "unit_vintage": 2024,
            "is_urban": False, "n_members": members, "income_pc_vnd": 1.0,
            **dict.fromkeys(DEPRIVATION_COLUMNS, False), "reported_status": status,
        }  # fmt: skip

    households = pd.DataFrame(
        [
            row(2023, "a", "poor", 5),
            row(2023, "b", "poor", 2),
            row(2024, "a", "near_poor", 5),
            row(2024, "b", "poor", 2),
        ]
    )
    out = district_flows(households, 2024).set_index("unit")
    assert out.loc["hộ", "n_poor_start"] == 2 and out.loc["người", "n_poor_start"] == 7
    assert out.loc["người", "n_poor_out_near_poor"] == 5 and out.loc["người", "n_poor_end"] == 2


def test_flows__years_across_a_key_break_are_not_computed():
    # the same households in both years, but 2023 read with another pseudonym key: without
    # `broken_years` every household would look as if it left and a new one entered
    from analysis.measures import describe_flows, district_indicators

    rows = [(2022, "a", "1", "poor"), (2022, "b", "1", "near_poor")]
    rows += [(2023, "x", "1", "poor"), (2023, "y", "1", "near_poor")]
    rows += [(2024, "x", "1", "near_poor"), (2024, "y", "1", "near_poor")]
    naive = list_flows(_panel(rows)).set_index("year")
    assert naive.loc[2023, "n_poor_in_new"] == 1 and naive.loc[2023, "n_poor_out_other"] == 1

    flows = list_flows(_panel(rows), broken_years=[2023])
    assert flows["year"].tolist() == [2024]  # 2024 is on one key: computed
    assert flows.iloc[0]["n_poor_out_near_poor"] == 1

    totals = pd.DataFrame({"year": [2022, 2023, 2024], "commune_code": "1", "n_households": 10})
    ind = commune_indicators(_panel(rows), totals, {}, broken_years=[2023]).set_index("year")
    assert ind.loc[[2022, 2023], list(DYNAMICS_COLUMNS)].isna().all().all()
    assert ind.loc[2024, "n_poor_start"] == 1 and ind.loc[2023, "n_poor"] == 1
    assert check_flows(ind.reset_index()).empty

    district = district_indicators(ind.reset_index(), "Huyện")
    text = describe_flows(district, 2023, broken_years=[2023])
    assert "không tính được" in text and "hai khóa khác nhau" in text
    assert "phát sinh mới" in describe_flows(district, 2024, broken_years=[2023])

    from analysis.measures import district_flows

    broken = district_flows(_panel(rows).assign(is_urban=False), 2023, broken_years=[2023])
    assert broken[list(DYNAMICS_COLUMNS)].isna().all().all()
