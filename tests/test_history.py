"""How long a run's history is: years counted under one poverty standard only."""

import pandas as pd

from analysis import history
from analysis.config import PROJECT_ROOT, load_config

CONFIG = load_config(PROJECT_ROOT / "config" / "huong_son.yaml")  # 2021-2026 one standard, 2027-


def _indicators(years):
    return pd.DataFrame({"year": list(years), "poor_rate": 0.05})


def test_review_years__without_config_every_year_up_to_the_run_year():
    assert history.review_years(_indicators([2024, 2025, 2026, 2027, 2028]), 2027) == [
        2024, 2025, 2026, 2027,
    ]  # fmt: skip


def test_forecast__years_of_an_earlier_standard_do_not_count():
    table = _indicators([2024, 2025, 2026, 2027, 2028])
    assert history.enough_for_forecast(table, 2026, CONFIG)
    assert not history.enough_for_forecast(table, 2028, CONFIG)  # 2027 and 2028 only
    assert history.enough_for_forecast(table, 2028)  # counted blindly it would forecast
    assert "2 năm (2027, 2028)" in history.forecast_unavailable(table, 2028, CONFIG)
