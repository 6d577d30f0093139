"""Ingest speed: N list files of M households each (INPUTS.md layout), read and validated.

    PYTHONPATH=src python benchmarks/bench_ingest.py [files=110] [rows=50]

Prints the wall time of `collect_review` (target: a few seconds for 110 files x 50 rows).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from analysis.config import load_config  # noqa: E402
from analysis.ingest import collect_review  # noqa: E402
from analysis.registry import registry_for  # noqa: E402
from corpus.builders import household, write_list, write_totals  # noqa: E402

STATUSES = ("poor", "near_poor", "not_poor")


def main(n_files: int = 110, n_rows: int = 50) -> None:
    os.environ.setdefault("POVERTY_PSEUDONYM_KEY", "benchmark-key-" + "0" * 32)
    base = load_config(ROOT / "config" / "huong_son.yaml")
    codes = registry_for(base).codes(2024)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        for i in range(n_files):
            year, code = 2020 + i // len(codes), codes[i % len(codes)]
            rows = [household(k, code=code, status=STATUSES[k % 3]) for k in range(n_rows)]
            write_list(tmp / "lists" / str(year) / f"{code}_x.xlsx", rows, year=year)
        write_totals(tmp / "tong_so_ho.xlsx",
                     [(2020 + y, c, "", 1000, 4000) for y in range(5) for c in codes])  # fmt: skip
        written = time.perf_counter() - t0
        data = base.data.model_copy(
            update={"household_lists": tmp / "lists", "household_totals": tmp / "tong_so_ho.xlsx"}
        )
        config = base.model_copy(update={"data": data})
        registry_for(config)  # registry build is not ingest work
        t0 = time.perf_counter()
        review = collect_review(config)
        elapsed = time.perf_counter() - t0
    print(f"files written: {n_files} x {n_rows} rows in {written:.1f} s")
    print(f"collect_review: {elapsed:.2f} s, {len(review.households)} households accepted, "
          f"{len(review.rejects)} rejected, {len(review.problems)} problems")  # fmt: skip


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
