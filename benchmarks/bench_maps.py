"""Time the full map set of one year on the sample district (schematic boundaries).

Run: PYTHONPATH=src python benchmarks/bench_maps.py   (target: well under a minute)
"""

from __future__ import annotations

import tempfile
import time

import numpy as np
import pandas as pd

from analysis.config import load_config
from analysis.maps import make_map_set
from analysis.registry import registry_for
from analysis.schema import DEPRIVATION_COLUMNS


def sample_tables(registry):
    units = registry.vintage(2024)
    rng = np.random.default_rng(1)
    frames = []
    for year in (2021, 2024):
        hh = rng.integers(800, 4000, len(units))
        frames.append(
            pd.DataFrame(
                {
                    "year": year, "unit_vintage": 2024, "commune_code": units["code"],
                    "commune_name": units["name"], "n_households": hh,
                    "n_poor": (hh * rng.uniform(0.02, 0.15, len(units))).astype(int),
                    "n_near_poor": (hh * rng.uniform(0.02, 0.08, len(units))).astype(int),
                }
            )
        )  # fmt: skip
    ind = pd.concat(frames, ignore_index=True)
    ind["poor_rate"] = ind["n_poor"] / ind["n_households"]
    ind["near_poor_rate"] = ind["n_near_poor"] / ind["n_households"]
    ind["multidim_rate"] = (ind["n_poor"] + ind["n_near_poor"]) / ind["n_households"]
    status = pd.DataFrame({"commune_code": units["code"], "status": "on_track"})
    dep = pd.DataFrame(
        [(c, d, 0.3) for c in units["code"] for d in DEPRIVATION_COLUMNS],
        columns=["commune_code", "indicator", "rate"],
    )
    alloc = pd.DataFrame({"commune_code": units["code"], "amount_million_vnd": 500, "n_poor": 40})
    return ind, status, dep, alloc


def main() -> None:
    config = load_config("config/huong_son.yaml")
    registry = registry_for(config)
    tables = sample_tables(registry)
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        result = make_map_set(tables[0], 2024, config, registry, out, *tables[1:])
        seconds = time.perf_counter() - start
    print(f"map set 2024: {len(result.figures)} maps, {len(result.paths)} files + pack "
          f"in {seconds:.1f} s")  # fmt: skip


if __name__ == "__main__":
    main()
