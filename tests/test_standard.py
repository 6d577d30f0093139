import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import UserError
from analysis.schema import DEPRIVATION_COLUMNS
from analysis.standard import (
    Standard,
    classify,
    classify_living_standard,
    count_deprivations,
    get_standard,
    load_standards,
    low_income_flag,
)


def _households(incomes, n_deps, urban=False, standard="vn-2022-2025") -> pd.DataFrame:
    """Households deprived in the first n indicators of the standard (others all False)."""
    indicators = get_standard(standard).indicators
    columns = dict.fromkeys((*DEPRIVATION_COLUMNS, *indicators))
    rows = []
    for income, n in zip(incomes, n_deps, strict=True):
        row = {"is_urban": urban, "income_pc_vnd": income}
        for col in columns:
            row[col] = col in indicators[:n]
        rows.append(row)
    return pd.DataFrame(rows)


def test_standards__three_periods_with_sources():
    standards = load_standards()
    assert set(standards) >= {"vn-2016-2020", "vn-2022-2025", "vn-2027-2030"}
    assert all(s.source for s in standards.values())
    assert not standards["vn-2027-2030"].is_verified("dimensions")


def test_standards__2022_has_12_indicators_in_6_dimensions():
    std = get_standard("vn-2022-2025")
    assert std.indicators == DEPRIVATION_COLUMNS
    assert len(std.dimensions) == 6
    assert sum(std.weights().values()) == pytest.approx(1)
    assert std.weights()["dep_water"] == pytest.approx(1 / 12)


def test_classify__income_at_threshold_is_poor():
    out = classify(_households([1_500_000, 1_500_001], [3, 3]))
    assert out.tolist() == ["poor", "not_poor"]


def test_classify__income_at_threshold_with_two_deprivations_is_near_poor():
    out = classify(_households([1_500_000, 1_500_000], [2, 3]))
    assert out.tolist() == ["near_poor", "poor"]


def test_classify__urban_line_is_higher():
    incomes = [2_000_000, 2_000_000]
    assert classify(_households(incomes, [3, 3], urban=True)).tolist() == ["poor", "poor"]
    assert classify(_households(incomes, [3, 3], urban=False)).tolist() == ["not_poor"] * 2


def test_classify__2022_many_deprivations_above_line_is_not_poor():
    assert classify(_households([1_600_000], [12])).tolist() == ["not_poor"]


def test_classify__2016_or_rule_income_alone_makes_poor():
    incomes = [700_000, 700_001, 1_000_000, 1_000_000, 1_000_001]
    hh = _households(incomes, [0, 0, 3, 2, 5], standard="vn-2016-2020")
    out = classify(hh, "vn-2016-2020")
    assert out.tolist() == ["poor", "near_poor", "poor", "near_poor", "not_poor"]


def test_classify__2016_urban_lines():
    hh = _households([900_000, 1_300_000, 1_300_000], [0, 1, 3], True, "vn-2016-2020")
    assert classify(hh, "vn-2016-2020").tolist() == ["poor", "near_poor", "poor"]


def test_classify__2027_lines_and_waste_indicator():
    hh = _households([2_200_000, 2_200_001, 2_200_000], [3, 9, 2], standard="vn-2027-2030")
    hh.loc[2, "dep_waste"] = True
    assert classify(hh, "vn-2027-2030").tolist() == ["poor", "not_poor", "poor"]


def test_classify__score_used_when_income_missing():
    hh = _households([np.nan, np.nan, np.nan], [3, 3, 2])
    hh["income_score"] = [140, 141, 100]
    assert classify(hh).tolist() == ["poor", "not_poor", "near_poor"]


def test_classify__no_income_and_no_score_is_missing():
    hh = _households([np.nan], [3])
    hh["income_score"] = [np.nan]
    assert classify(hh).isna().all()


def test_classify_living_standard__average_band():
    out = classify_living_standard(_households([2_250_000, 2_250_001, 1_600_000], [0, 0, 5]))
    assert out.tolist() == ["avg_living", "not_poor", "avg_living"]


def test_low_income_flag__only_above_near_poor():
    out = low_income_flag(_households([1_500_000, 2_000_000, 3_000_000], [0, 0, 0]))
    assert out.tolist() == [False, True, False]


def test_count_deprivations__missing_flags_not_deprived():
    hh = _households([1], [2])
    hh["dep_water"] = pd.array([pd.NA], dtype="boolean")
    assert count_deprivations(hh).tolist() == [2]


def test_classify__missing_indicator_column_raises():
    hh = _households([1], [1])
    with pytest.raises(UserError, match="dep_health_access"):
        classify(hh, "vn-2016-2020")


def test_get_standard__unknown_id_raises():
    with pytest.raises(UserError, match="vn-1999"):
        get_standard("vn-1999")


def test_standard__or_rule_needs_income_only_lines():
    std = get_standard("vn-2022-2025").model_dump()
    with pytest.raises(ValueError, match="income_only_lines"):
        Standard.model_validate({**std, "rule": "or"})


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(["vn-2016-2020", "vn-2022-2025", "vn-2027-2030"]),
    st.lists(
        st.tuples(st.integers(0, 3_500_000), st.integers(0, 12), st.booleans()),
        min_size=1,
        max_size=20,
    ),
)
def test_classify__matches_the_written_rule(standard_id, rows):
    std = get_standard(standard_id)
    frames = [
        _households([inc], [min(n, len(std.indicators))], urb, standard_id) for inc, n, urb in rows
    ]
    hh = pd.concat(frames, ignore_index=True)
    expected = []
    for income, n, urban in rows:
        n = min(n, len(std.indicators))
        line = std.lines.urban if urban else std.lines.rural
        only = std.income_only_lines
        income_only = only is not None and income <= (only.urban if urban else only.rural)
        if income_only or (income <= line and n >= 3):
            expected.append("poor")
        else:
            expected.append("near_poor" if income <= line else "not_poor")
    assert classify(hh, std).tolist() == expected


def test_low_income_flag__missing_for_standards_without_lines():
    hh = _households([2_000_000], [0], standard="vn-2027-2030")
    assert low_income_flag(hh, "vn-2027-2030").isna().all()


def test_classify_living_standard__score_only_household_stays_not_poor():
    hh = _households([np.nan], [0])
    hh["income_score"] = [150]
    assert classify_living_standard(hh).tolist() == ["not_poor"]
