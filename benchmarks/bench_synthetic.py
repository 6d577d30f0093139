"""Speed of the synthetic sample district: simulation and writing, default size (40,000 households).

Prints figures; targets: simulation a few seconds, writing every year's lists under ~30 s.
"""

import tempfile
import time
from pathlib import Path

from analysis.config import load_config
from analysis.synthetic import simulate, write_sample


def main() -> None:
    config = load_config("config/huong_son.yaml")
    start = time.perf_counter()
    sim = simulate(config)
    simulated = time.perf_counter() - start
    rows = sum(len(t) for t in sim.households.values())
    print(f"simulate: {len(sim.households)} years, {rows:,} household-years in {simulated:.2f} s")
    for year, table in sim.households.items():
        status = table["reported_status"]
        print(
            f"  {year}: {len(table):,} households, poor {status.eq('poor').mean():.2%}, "
            f"near-poor {status.eq('near_poor').mean():.2%}"
        )
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        out = write_sample(config, Path(tmp) / "sample", population=True)
        written = time.perf_counter() - start
        n_files = sum(1 for p in out.rglob("*") if p.is_file())
        print(f"write_sample (with population): {n_files} files in {written:.2f} s")


if __name__ == "__main__":
    main()
