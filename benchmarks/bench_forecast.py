"""Speed and calibration of the forecast. Prints the figures; not a test.

- speed: 22 communes, 10,000 paths (target: <= 2 s including the backtests that choose
  the model);
- backtest on the synthetic example table (run years 2022-2023), every model: mean
  absolute error (pp) and 80 % / 95 % coverage by level and horizon, with the counts;
- backtest on the published series (data/reference/poverty_rates_published.csv), the
  trend models: the same figures by horizon and quantity, the 2022-2025 standard and,
  separately, the 2016-2020 standard; then the model the forecast would choose and the
  check of the issue's bar (one-year-ahead 80 % coverage near 80 %, chosen model's mean
  error below the linear trend's).
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from analysis.config import load_config
from analysis.forecast import (
    backtest,
    calibration,
    forecast,
    probabilities,
    projections,
    reference_backtest,
    reference_calibration,
    reference_summary,
)
from analysis.forecast.backtest import choose_model
from analysis.forecast.core import TREND_MODELS, run_model
from analysis.forecast.example import example_indicators
from analysis.proposals import propose_targets

CONFIG = load_config(Path(__file__).resolve().parents[1] / "config" / "huong_son.yaml")
TARGET_S = 2.0
pd.set_option("display.width", 200)


def timed(label: str, fn, repeat: int = 3):
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<58} {best:6.3f} s")
    return best, out


def _counts(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    out["cover80"] = [f"{k}/{n} ({k / n:.0%})" for k, n in zip(out.n_covered80, out.n_comparisons, strict=True)]  # fmt: skip
    out["cover95"] = [f"{k}/{n} ({k / n:.0%})" for k, n in zip(out.n_covered95, out.n_comparisons, strict=True)]  # fmt: skip
    cols = [
        "model",
        "horizon",
        "quantity",
        "n_comparisons",
        "mae_pp",
        "bias_pp",
        "cover80",
        "cover95",
    ]
    return out[[c for c in cols if c in out]].round(3)


def print_sample_calibration(table) -> None:
    rows = backtest(table, CONFIG, n_paths=2000, seed=0)
    summary = calibration(rows)
    summary["n_covered80"] = (summary["coverage80"] * summary["n_comparisons"]).round().astype(int)
    summary["n_covered95"] = (summary["coverage95"] * summary["n_comparisons"]).round().astype(int)
    print("\nbacktest on the synthetic example table (22 communes, run years 2022-2023; poor and")
    print("multidimensional rates), every model:")
    shown = summary.assign(quantity="both")
    print(_counts(shown.rename(columns={"level": "quantity"})).to_string(index=False))


def print_reference(standard: str) -> pd.DataFrame:
    rows = reference_backtest(standard=standard)
    print(f"\nbacktest on the published series, standard {standard} "
          f"({rows[['unit', 'quantity']].drop_duplicates().shape[0]} series; fitted on the "
          "first years, compared with the later ones):")  # fmt: skip
    if rows.empty:
        print("  no series long enough")
        return rows
    print(_counts(reference_calibration(rows)).to_string(index=False))
    for h in range(2, 4):
        if not (rows["horizon"] == h).any():
            print(f"  horizon {h}: no case (no series of {h + 2} years under this standard)")
    return rows


def main() -> None:
    table = example_indicators(n_communes=22, years=range(2021, 2025), seed=0)
    print("22 communes, years 2021-2024, 10,000 paths (best of 3)")
    timed(
        "flow model only (fit + simulate to 2025)",
        lambda: run_model("flow", table, CONFIG, 2023, 10_000, 1),
    )
    for model in TREND_MODELS:
        timed(f"{model} model only", lambda m=model: run_model(m, table, CONFIG, 2023, 10_000, 1))
    reference_backtest()  # the published-series backtest is computed once per process
    total, result = timed(
        "forecast(): backtests, choice, simulate the two finalists",
        lambda: forecast(table, CONFIG, 2023, n_paths=10_000, seed=1),
    )
    timed("projections (quantiles of 6 quantities)", lambda: projections(result))
    timed("probabilities T1-T3", lambda: probabilities(result, CONFIG))
    timed("propose_targets", lambda: propose_targets(result, table, CONFIG))
    print_sample_calibration(table)
    current = print_reference("vn-2022-2025")
    print_reference("vn-2016-2020")

    s = reference_summary(current)
    chosen, _ = choose_model(pd.DataFrame(columns=["model"]), tuple(TREND_MODELS), s)
    s = s.set_index("model")
    c, lin = s.loc[chosen], s.loc["trend"]
    print(f"\nchosen trend on the published series: {chosen}")
    print(f"one-year-ahead 80 % intervals cover the actual value in {int(c.n_covered80)}/"
          f"{int(c.n_comparisons)} cases ({c.coverage80:.0%}); 95 %: {int(c.n_covered95)}/"
          f"{int(c.n_comparisons)} ({c.coverage95:.0%})")  # fmt: skip
    print(f"mean absolute error: {chosen} {c.mae_pp:.3f} pp, linear trend {lin.mae_pp:.3f} pp: "
          f"{'below' if c.mae_pp < lin.mae_pp else 'NOT below'} the linear trend's")  # fmt: skip
    print(f"the example run chose: {result.model}")
    verdict = "OK" if total <= TARGET_S else "SLOWER THAN TARGET"
    print(
        f"forecast for 22 communes x 10,000 paths: {total:.3f} s (target <= {TARGET_S} s): {verdict}"
    )


if __name__ == "__main__":
    main()
