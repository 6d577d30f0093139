"""Forecast to the target year with uncertainty, backtests and target attainment.

Input: the commune x year indicator table (schema.INDICATOR_COLUMNS, plus
schema.DYNAMICS_COLUMNS for the flow model), from microdata or summary tables alike.

    result = forecast(indicators, config, year=2024)            # ForecastResult
    projections(result); probabilities(result, config); required_reductions(result, config)
    backtest(indicators, config); predicted_vs_actual(indicators, config, 2023)
    calibration(backtest(indicators, config))  # error and 80 % coverage by level, horizon
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import pandas as pd

from analysis.forecast.attainment import probabilities, required_reductions
from analysis.forecast.backtest import (
    available_models,
    backtest,
    calibration,
    choose_model,
    predicted_vs_actual,
    summarise,
)
from analysis.forecast.core import prepare_history, run_model
from analysis.forecast.result import (
    MODEL_LABELS_VI,
    QUANTITIES,
    ForecastResult,
    merge_units,
    projections,
)
from analysis.i18n import t

BACKTEST_PATHS = 1000


def forecast(
    indicators: pd.DataFrame,
    config,
    year: int,
    n_paths: int = 10_000,
    seed: int | None = None,
    model: str = "auto",
    mapping: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
) -> ForecastResult:
    """Project poor and near-poor counts per commune and for the district to the target year.

    model="auto" backtests both models on the history up to `year` and keeps the better
    calibrated one (result.choice_reason says which and why, in Vietnamese); the other
    model's result is in result.alternative. `mapping` (registry.to_merged()) lets earlier
    vintages join the history of merged communes and the backtest reach across the merger.
    """
    seed = config.sample.seed if seed is None else seed
    history = indicators[indicators["year"] <= year]
    models = available_models(prepare_history(history, year, mapping)[0])
    summary = None
    if model == "auto":
        rows = backtest(history, config, mapping, names, BACKTEST_PATHS, seed)
        summary = summarise(rows) if len(rows) else None
        chosen, reason = choose_model(
            summary if summary is not None else pd.DataFrame(columns=["model"]), models
        )
    else:
        chosen, reason = (
            model,
            t(
                "Dự báo dùng {model} (theo lựa chọn của người dùng).",
                model=t(MODEL_LABELS_VI[model]),
            ),
        )
    result = run_model(chosen, history, config, year, n_paths, seed, mapping)
    others = [m for m in models if m != chosen]
    alternative = (
        run_model(others[0], history, config, year, n_paths, seed, mapping) if others else None
    )
    return replace(result, backtest=summary, choice_reason=reason, alternative=alternative)


__all__ = [
    "QUANTITIES",
    "ForecastResult",
    "backtest",
    "calibration",
    "choose_model",
    "forecast",
    "merge_units",
    "predicted_vs_actual",
    "probabilities",
    "projections",
    "required_reductions",
    "summarise",
]
