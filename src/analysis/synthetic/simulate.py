"""Run the synthetic district over the sample years: the public simulation API."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.config import Config
from analysis.errors import UserError
from analysis.registry import MERGED_VINTAGE, Registry, registry_for
from analysis.synthetic.model import Simulator, canonical
from analysis.synthetic.reference import load_reference


@dataclass(frozen=True)
class Simulation:
    """The simulated district: whole population per year, and the deliberate discrepancies."""

    households: dict[int, pd.DataFrame]  # year -> canonical household table (every household)
    discrepancies: (
        pd.DataFrame
    )  # year, household_id, commune_code, computed_status, reported_status
    registry: Registry
    # year, commune_code (2024 units), pattern, household_id of the planted review pressure
    pressure: pd.DataFrame = field(default_factory=pd.DataFrame)


def simulate(config: Config, households: int | None = None) -> Simulation:
    """Simulate every household of the district for config.sample.first_year..last_year."""
    sample = config.sample
    n = sample.households if households is None else int(households)
    if n < 100:
        raise UserError(f"Số hộ của mẫu mô phỏng phải từ 100 trở lên (nhận {n}).")
    if sample.last_year < sample.first_year:
        raise UserError("Cấu hình 'sample': last_year phải không nhỏ hơn first_year.")
    registry = registry_for(config)
    rng = np.random.default_rng(sample.seed)
    sim = Simulator(rng, load_reference(registry, n, config), registry, sample.first_year)
    sim.pressure, sim.seed = tuple(sample.pressure), sample.seed
    tables, discrepancies = {}, []
    for year in range(sample.first_year, sample.last_year + 1):
        if year > sample.first_year:
            sim.advance(year)
        frame, wrong = sim.observe(year)
        vintage = config.vintage_for(year)
        to_merged = sim.to_merged if vintage == MERGED_VINTAGE else None
        tables[year] = canonical(frame, vintage, to_merged)
        if to_merged is not None:
            wrong["commune_code"] = wrong["commune_code"].map(to_merged)
        discrepancies.append(wrong)
    wrong = pd.concat(discrepancies, ignore_index=True).astype(
        {
            "year": "int16",
            **dict.fromkeys(
                ["household_id", "commune_code", "computed_status", "reported_status"], "string"
            ),
        }
    )
    planted = pd.concat(sim.planted, ignore_index=True) if sim.planted else pd.DataFrame()
    return Simulation(households=tables, discrepancies=wrong, registry=registry, pressure=planted)


def simulate_population(config: Config, households: int | None = None) -> dict[int, pd.DataFrame]:
    """Year -> canonical household table of the whole simulated population."""
    return simulate(config, households).households
