"""How long a run's history is, and the sentence for what a short history cannot give.

A district may start using the suite with one or two review years. The parts that need
a longer history (flows between reviews, trends, backtests, forecasts, attainment
probabilities) then say so in one Vietnamese sentence instead of failing.
"""

from __future__ import annotations

import pandas as pd

# A forecast needs a model chosen by a backtest: fit on two years, check on a third.
MIN_FORECAST_YEARS = 3
# Flows between reviews and changes over time need a previous review.
MIN_CHANGE_YEARS = 2

FORECAST_PARTS_VI = (
    "Dự báo đến năm mục tiêu, xác suất đạt chỉ tiêu, kiểm định ngược và đề xuất chỉ tiêu năm sau"
)


def review_years(indicators: pd.DataFrame, year: int, config=None) -> list[int]:
    """The review years up to `year` that the indicator table holds; with `config`, only those
    under the poverty standard of `year` (a series is never joined across a change of standard)."""
    if indicators is None or indicators.empty:
        return []
    years = sorted(int(y) for y in indicators["year"].unique() if int(y) <= year)
    return sorted(config.same_standard_years(years, year)) if config is not None else years


def years_text(years: list[int]) -> str:
    if not years:
        return "chưa có năm nào"
    if len(years) == 1:
        return f"mới có 1 năm ({years[0]})"
    return f"mới có {len(years)} năm ({', '.join(str(y) for y in years)})"


def needs_more_years(what: str, years: list[int], need: int) -> str:
    """One sentence: `what` needs `need` review years and the run has only `years`."""
    return (
        f"{what} cần số liệu rà soát của ít nhất {need} năm; hiện {years_text(years)}, "
        "nên phần này chưa được lập."
    )


def enough_for_forecast(indicators: pd.DataFrame, year: int, config=None) -> bool:
    """Enough review years (under `year`'s standard, with `config`) for a backtested forecast."""
    return len(review_years(indicators, year, config)) >= MIN_FORECAST_YEARS


def forecast_unavailable(indicators: pd.DataFrame, year: int, config=None) -> str:
    years = review_years(indicators, year, config)
    return needs_more_years(FORECAST_PARTS_VI, years, MIN_FORECAST_YEARS)
