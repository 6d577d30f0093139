"""Deterministic synthetic sample district (dữ liệu mô phỏng).

Simulates every household of the district for the review years of
`config.sample` and writes what a district office holds (docs/INPUTS.md). Same
config and seed give identical tables.

    simulate(config, households=None) -> Simulation
    simulate_population(config, households=None) -> {year: canonical household table}
    write_sample(config, out_dir, households=None, population=False) -> out_dir
"""

from analysis.synthetic.simulate import Simulation, simulate, simulate_population
from analysis.synthetic.write import write_sample

__all__ = ["Simulation", "simulate", "simulate_population", "write_sample"]
