import pandas as pd
import pytest

from analysis.errors import UserError
from analysis.measures import indicators_from_inputs
from analysis.schema import DEPRIVATION_COLUMNS


def _households(year):
    rows = []
    for i, status in enumerate(["poor", "poor", "near_poor", "not_poor"]):
        rows.append(
            {
                "year": year, "household_id": f"H{i}", "commune_code": "1", "unit_vintage": 2024,
                "is_urban": False, "n_members": 4, "income_pc_vnd": 1_000_000.0,
                **dict.fromkeys(DEPRIVATION_COLUMNS, False), "reported_status": status,
            }
        )  # fmt: skip
    return pd.DataFrame(rows)


def _summary(year, n_poor):
    return pd.DataFrame(
        {
            "year": [year], "unit_vintage": [2024], "commune_code": ["1"], "commune_name": ["A"],
            "n_households": [100], "n_poor": [n_poor], "n_near_poor": [5], "poor_rate": [n_poor / 100],
            "near_poor_rate": [0.05], "multidim_rate": [(n_poor + 5) / 100], "source": ["summary"],
        }
    )  # fmt: skip


def test_indicators_from_inputs__lists_win_and_summary_fills_other_years():
    totals = pd.DataFrame(
        {"year": [2022], "commune_code": ["1"], "n_households": [50], "n_persons": [200]}
    )
    out = indicators_from_inputs(
        _households(2022), totals, pd.concat([_summary(2021, 9), _summary(2022, 99)]), {"1": "A"}
    )
    assert out["year"].tolist() == [2021, 2022]
    assert out["source"].tolist() == ["summary", "microdata"]
    assert out["n_poor"].tolist() == [9, 2]  # 2022 from the lists, not the summary's 99
    assert out.loc[1, "poor_rate"] == pytest.approx(2 / 50)


def test_indicators_from_inputs__nothing_is_a_user_error():
    empty = _households(2022).iloc[:0]
    with pytest.raises(UserError, match="Không có số liệu"):
        indicators_from_inputs(empty, pd.DataFrame(), empty, {})
