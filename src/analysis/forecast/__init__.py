"""Forecast to the target year with uncertainty, backtests and target attainment.

Input: the commune x year indicator table (schema.INDICATOR_COLUMNS, plus
schema.DYNAMICS_COLUMNS for the flow model), from microdata or summary tables alike.

    result = forecast(indicators, config, year=2024)            # ForecastResult
    projections(result); probabilities(result, config); required_reductions(result, config)
    backtest(indicators, config); predicted_vs_actual(indicators, config, 2023)
    calibration(backtest(indicators, config))  # error, 80/95 % coverage by level, horizon
    reference_calibration(reference_backtest())  # the trend models on published figures
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
    reference_backtest,
    reference_calibration,
    reference_summary,
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

    model="auto" chooses by backtest (backtest.choose_model: the trend's scale on the
    published series, flow against that trend on the history up to `year`);
    result.choice_reason says which and why, with the figures, in Vietnamese; the other
    finalist's result is in result.alternative. `mapping` (registry.to_merged()) lets earlier
    vintages join the history of merged communes and the backtest reach across the merger.
    """
    seed = config.sample.seed if seed is None else seed
    history = indicators[indicators["year"] <= year]
    models = available_models(prepare_history(history, year, mapping)[0])
    summary = None
    if model == "auto":
        rows = backtest(history, config, mapping, names, BACKTEST_PATHS, seed)
        summary = summarise(rows) if len(rows) else None
        reference = reference_summary(reference_backtest())
        chosen, reason = choose_model(
            summary if summary is not None else pd.DataFrame(columns=["model"]), models, reference
        )
        runner_up = _runner_up(chosen, models, reference)
    else:
        chosen, runner_up = model, None
        reason = t(
            "Dự báo dùng {model} (theo lựa chọn của người dùng).", model=t(MODEL_LABELS_VI[model])
        )
    result = run_model(chosen, history, config, year, n_paths, seed, mapping)
    alternative = (
        run_model(runner_up, history, config, year, n_paths, seed, mapping) if runner_up else None
    )
    reason = " ".join([reason, *result.notes])
    return replace(result, backtest=summary, choice_reason=reason, alternative=alternative)


def _runner_up(chosen: str, models: tuple[str, ...], reference: pd.DataFrame) -> str | None:
    """The other finalist: the best trend model when flow is chosen, flow otherwise."""
    if chosen != "flow":
        return "flow" if "flow" in models else None
    trends = tuple(m for m in models if m != "flow")
    ref = reference[reference["model"].isin(trends)]
    if ref.empty:
        return trends[0] if trends else None
    return str(ref.sort_values(["calibration_gap", "mae_pp"]).iloc[0]["model"])


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
    "reference_backtest",
    "reference_calibration",
    "reference_summary",
    "projections",
    "required_reductions",
    "summarise",
]
