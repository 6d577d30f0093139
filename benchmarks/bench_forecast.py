"""Speed of the forecast: 22 communes, 10,000 paths (target: <= 2 s including the backtest
that chooses the model), and the backtest calibration of both models on the example
table (mean absolute error, 80 % coverage by level and horizon). Prints the figures; not
a test."""

from __future__ import annotations

import time
from pathlib import Path

from analysis.config import load_config
from analysis.forecast import backtest, calibration, forecast, probabilities, projections
from analysis.forecast.core import run_model
from analysis.forecast.example import example_indicators
from analysis.proposals import propose_targets

CONFIG = load_config(Path(__file__).resolve().parents[1] / "config" / "huong_son.yaml")
TARGET_S = 2.0


def timed(label: str, fn, repeat: int = 3):
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<58} {best:6.3f} s")
    return best, out


def print_calibration(table) -> None:
    summary = calibration(backtest(table, CONFIG, n_paths=2000, seed=0))
    print("backtest of the example table (run years 2022-2023; poor and multidimensional rates)")
    print(summary.round(2).to_string(index=False))


def main() -> None:
    table = example_indicators(n_communes=22, years=range(2021, 2025), seed=0)
    print("22 communes, years 2021-2024, 10,000 paths (best of 3)")
    timed(
        "flow model only (fit + simulate to 2025)",
        lambda: run_model("flow", table, CONFIG, 2023, 10_000, 1),
    )
    timed("trend model only", lambda: run_model("trend", table, CONFIG, 2023, 10_000, 1))
    total, result = timed(
        "forecast(): backtest both models, choose, simulate both",
        lambda: forecast(table, CONFIG, 2023, n_paths=10_000, seed=1),
    )
    timed("projections (quantiles of 6 quantities)", lambda: projections(result))
    timed("probabilities T1-T3", lambda: probabilities(result, CONFIG))
    timed("propose_targets", lambda: propose_targets(result, table, CONFIG))
    print_calibration(table)
    verdict = "OK" if total <= TARGET_S else "SLOWER THAN TARGET"
    print(
        f"forecast for 22 communes x 10,000 paths: {total:.3f} s (target <= {TARGET_S} s): {verdict}"
    )


if __name__ == "__main__":
    main()
