import pandas as pd
import pytest

from analysis.errors import UserError
from analysis.measures import change_over_time


def test_change_over_time__absolute_relative_annualised():
    table = pd.DataFrame({"year": [2021, 2023], "H": [0.2, 0.1]})
    row = change_over_time(table, 2021, 2023, measures=["H"]).iloc[0]
    assert row["abs_change"] == pytest.approx(-0.1)
    assert row["rel_change"] == pytest.approx(-0.5)
    assert row["annual_abs_change"] == pytest.approx(-0.05)
    assert row["annual_rel_change"] == pytest.approx(0.5**0.5 - 1)


def test_change_over_time__by_commune():
    table = pd.DataFrame(
        {
            "year": [2021, 2021, 2022, 2022],
            "commune_code": ["a", "b", "a", "b"],
            "M0": [0.1, 0.2, 0.1, 0.1],
        }
    )
    out = change_over_time(table, 2021, 2022, ["M0"], keys=["commune_code"])
    assert out.set_index("commune_code")["abs_change"].tolist() == pytest.approx([0, -0.1])


def test_change_over_time__missing_year_raises():
    with pytest.raises(UserError, match="2025"):
        change_over_time(pd.DataFrame({"year": [2021], "H": [0.1]}), 2021, 2025, ["H"])
