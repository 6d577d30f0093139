"""Benchmark: classification + commune aggregates + Alkire–Foster on 1,000,000 households.

Targets (DESIGN.md scale): <= 2 s on a 2-core machine, >= 20x faster than a
straightforward row-wise pandas version (df.apply(axis=1), timed on a 50k subsample
and extrapolated), peak memory <= 1 GB (maximum resident set size of this process).

    PYTHONPATH=src python benchmarks/bench_measures.py [--households 1000000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import numpy as np
import pandas as pd

from analysis import measures
from analysis.schema import DEPRIVATION_COLUMNS
from analysis.standard import classify

N_COMMUNES = 22
SUBSAMPLE = 50_000


def generate(n: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """n households of one review year in 22 communes, and the resident totals."""
    rng = np.random.default_rng(seed)
    commune = rng.integers(0, N_COMMUNES, n)
    codes = np.array([str(18133 + 3 * i) for i in range(N_COMMUNES)], dtype=object)
    urban = rng.random(n) < 0.12
    income = np.exp(rng.normal(np.log(3_200_000), 0.55, n)).round(-3)
    poorer = (income < 2_000_000).astype(float)
    hh = pd.DataFrame(
        {
            "year": np.full(n, 2024, dtype=np.int16),
            "household_id": pd.array(np.char.add("H", np.arange(n).astype(str)), dtype="string"),
            "commune_code": pd.array(codes[commune], dtype="string"),
            "unit_vintage": np.full(n, 2024, dtype=np.int16),
            "is_urban": urban,
            "n_members": rng.integers(1, 8, n).astype(np.int16),
            "income_pc_vnd": income,
        }
    )
    for i, col in enumerate(DEPRIVATION_COLUMNS):
        hh[col] = rng.random(n) < 0.05 + 0.25 * poorer + 0.01 * i
    hh["reported_status"] = classify(hh)
    totals = hh.groupby("commune_code", as_index=False).agg(
        n_households=("household_id", "size"), n_persons=("n_members", "sum")
    )
    return hh, totals.assign(year=2024)


def generate_panel(n: int, years: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """n/years households followed over `years` reviews (incomes drift), n rows in all."""
    per_year = n // years
    base, totals = generate(per_year)
    rng = np.random.default_rng(11)
    frames = []
    for i in range(years):
        income = base["income_pc_vnd"] * np.exp(rng.normal(0.05 * i, 0.2, per_year))
        frame = base.assign(year=np.int16(2021 + i), income_pc_vnd=income.round(-3))
        frames.append(frame.assign(reported_status=classify(frame)))
    all_totals = pd.concat([totals.assign(year=2021 + i) for i in range(years)])
    return pd.concat(frames, ignore_index=True), all_totals


def run_vectorised(hh: pd.DataFrame, totals: pd.DataFrame, names: dict[str, str]) -> dict:
    status = classify(hh)
    indicators = measures.commune_indicators(hh, totals, names)
    af = measures.alkire_foster(hh, k=3, by=("year", "commune_code"))
    return {"status": status, "indicators": indicators, "af": af}


def _row_status(row: pd.Series) -> str:
    line = 2_000_000 if row["is_urban"] else 1_500_000
    deprivations = sum(bool(row[c]) for c in DEPRIVATION_COLUMNS)
    if row["income_pc_vnd"] <= line:
        return "poor" if deprivations >= 3 else "near_poor"
    return "not_poor"


def _row_score(row: pd.Series) -> float:
    return sum(bool(row[c]) for c in DEPRIVATION_COLUMNS) / len(DEPRIVATION_COLUMNS)


def run_rowwise(hh: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """The straightforward version: per-row apply, then groupby."""
    df = hh.copy()
    df["status"] = df.apply(_row_status, axis=1)
    df["score"] = df.apply(_row_score, axis=1)
    df["is_poor"] = df["status"] == "poor"
    df["is_near_poor"] = df["status"] == "near_poor"
    df["af_poor"] = df["score"] >= 3 / 12
    df["censored"] = df["score"].where(df["af_poor"], 0.0)
    out = df.groupby("commune_code").agg(
        n_poor=("is_poor", "sum"),
        n_near_poor=("is_near_poor", "sum"),
        q=("af_poor", "sum"),
        score_sum=("censored", "sum"),
        n=("af_poor", "size"),
    )
    out = out.join(totals.set_index("commune_code"))
    out["poor_rate"] = out["n_poor"] / out["n_households"]
    out["M0"] = out["score_sum"] / out["n"]
    return out


def peak_rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=1_000_000)
    args = parser.parse_args()
    n = args.households
    t0 = time.perf_counter()
    hh, totals = generate(n)
    print(f"generated {n:,} households in {time.perf_counter() - t0:.2f} s")
    names = {c: f"Xã {c}" for c in totals["commune_code"]}
    run_vectorised(hh.head(1000), totals, names)  # warm-up (imports, caches)

    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        result = run_vectorised(hh, totals, names)
        times.append(time.perf_counter() - t0)
    best = min(times)
    print(f"vectorised: classify + commune aggregates + Alkire–Foster: {best:.2f} s (best of 3)")

    sample = hh.sample(SUBSAMPLE, random_state=1)
    t0 = time.perf_counter()
    rowwise = run_rowwise(sample, totals)
    row_time = (time.perf_counter() - t0) * n / SUBSAMPLE
    print(f"row-wise (df.apply axis=1), {SUBSAMPLE:,} rows extrapolated to {n:,}: {row_time:.1f} s")
    print(f"speed-up: {row_time / best:.0f}x (target >= 20x)")
    print(f"target <= 2 s: {'met' if best <= 2 else 'NOT met'}")

    check = result["indicators"].set_index("commune_code")["n_poor"]
    sample_poor = (classify(sample) == "poor").groupby(sample["commune_code"]).sum()
    assert (rowwise["n_poor"] == sample_poor.reindex(rowwise.index)).all()
    assert check.sum() == (result["status"] == "poor").sum()
    m0 = measures.aggregate(result["af"]).summary["M0"].iloc[0]
    print(f"district M0 = {m0:.4f}, poor rate = {check.sum() / n:.4f}")
    del hh, sample, result, rowwise
    panel, panel_totals = generate_panel(n)
    t0 = time.perf_counter()
    flows = measures.commune_indicators(panel, panel_totals, names)
    elapsed = time.perf_counter() - t0
    assert measures.check_flows(flows).empty
    print(
        f"panel of {len(panel):,} rows (5 reviews): commune indicators with flows {elapsed:.2f} s"
    )
    peak = peak_rss_mb()
    print(f"peak memory (max RSS of the process): {peak:.0f} MB (target <= 1024 MB)")


if __name__ == "__main__":
    main()
