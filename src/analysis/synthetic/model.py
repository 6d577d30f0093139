"""The latent model behind the synthetic district, year by year.

log income per person = district level + commune effect + urban premium
    + district growth × commune progress × years since baseline + commune-year shock
    + household effect + village effect + AR(1) shock.
Deprivation k is present when a latent score passes 0: indicator level (set from its
baseline prevalence, falling by its annual shift × commune progress) + commune effect + household
propensity (correlated with low income) + the income gap + a persistent
household×indicator term + a yearly term. Status follows Decree 07/2021 via
analysis.standard.classify. Each year a few households dissolve or move away and
new ones form (young families, in-migrants).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from analysis.registry import Registry
from analysis.schema import DEPRIVATION_COLUMNS, HOUSEHOLD_COLUMNS
from analysis.standard import classify
from analysis.synthetic.people import build_villages, new_households
from analysis.synthetic.pressure import apply_pressure
from analysis.synthetic.reference import Reference

LOG_INCOME_LEVEL = np.log(2_880_000)  # district median income per person per month at baseline
URBAN_PREMIUM = 0.22
INCOME_GROWTH = 0.08  # yearly log growth of income per person at the district's usual pace
COMMUNE_YEAR_SD = 0.03
SHOCK_RHO, SHOCK_SD = 0.55, 0.30
INCOME_GAP_WEIGHT, PROPENSITY_WEIGHT = 0.45, 0.4
PERSISTENT_SD, YEARLY_SD = 0.8, 0.45
EXIT_RATE, EXIT_RATE_FRAIL, ENTRY_RATE = 0.006, 0.03, 0.013
DISCREPANCY_RATE = 0.002  # share of households whose reported status deliberately differs
N_DEP = len(DEPRIVATION_COLUMNS)


@dataclass
class Panel:
    """Households ever simulated: static attributes and the state carried between years."""

    attrs: dict[str, np.ndarray]
    alive: np.ndarray
    shock: np.ndarray
    dep_persistent: np.ndarray  # (households, 12)

    def extend(self, rng: np.random.Generator, attrs: dict[str, np.ndarray]) -> None:
        n = len(attrs["household_id"])
        self.attrs = {k: np.concatenate([v, attrs[k]]) for k, v in self.attrs.items()}
        self.alive = np.concatenate([self.alive, np.ones(n, dtype=bool)])
        self.shock = np.concatenate([self.shock, rng.normal(0, SHOCK_SD, n)])
        self.dep_persistent = np.vstack(
            [self.dep_persistent, rng.normal(0, PERSISTENT_SD, (n, N_DEP))]
        )


def _latent_sd() -> float:
    """Standard deviation of a deprivation score around its level (household terms only)."""
    income_sd = np.hypot(0.38, SHOCK_SD)
    rho = 0.5 * 0.38 / income_sd / np.hypot(0.5, 0.85)
    b, c = PROPENSITY_WEIGHT * np.hypot(0.5, 0.85), INCOME_GAP_WEIGHT
    return float(np.sqrt(b * b + c * c + 2 * b * c * rho + PERSISTENT_SD**2 + YEARLY_SD**2))


class Simulator:
    """Step the district one review year at a time (first call gives the baseline)."""

    def __init__(
        self, rng: np.random.Generator, ref: Reference, registry: Registry, first_year: int
    ):
        self.rng, self.ref, self.first_year = rng, ref, first_year
        self.to_merged = registry.to_merged()
        self.codes = ref.units["code"].to_numpy(dtype=object)
        self.villages = build_villages(rng, ref)
        self.used_ids: set[str] = set()
        self.next_serial = 1
        units = np.repeat(np.arange(len(ref.units)), ref.units["n_households"].to_numpy())
        attrs = self._create(units, first_year, young=False)
        n = len(units)
        self.panel = Panel(
            attrs=attrs,
            alive=np.ones(n, dtype=bool),
            shock=self.rng.normal(0, SHOCK_SD, n),
            dep_persistent=self.rng.normal(0, PERSISTENT_SD, (n, N_DEP)),
        )
        dep = ref.deprivations
        self.dep_level = norm.ppf(dep["prevalence"].to_numpy()) * _latent_sd()
        self.dep_shift = dep["annual_shift"].to_numpy()
        # review-pressure patterns (analysis.synthetic.pressure), set by `simulate`
        self.pressure: tuple = ()
        self.seed = 0
        self.previous: pd.DataFrame | None = None
        self.planted: list[pd.DataFrame] = []

    def _create(self, units: np.ndarray, year: int, young: bool) -> dict[str, np.ndarray]:
        attrs = new_households(
            self.rng, self.ref, self.villages, units, year, self.next_serial, self.used_ids, young
        )
        self.next_serial += len(units)
        return attrs

    def advance(self, year: int) -> None:
        """Move on to `year`: households leave and form, shocks evolve, sizes change."""
        p, rng = self.panel, self.rng
        frail = p.attrs["is_social_protection"] | (year - p.attrs["birth_year"] > 80)
        leave = p.alive & (rng.random(len(p.alive)) < np.where(frail, EXIT_RATE_FRAIL, EXIT_RATE))
        p.alive &= ~leave
        p.shock = SHOCK_RHO * p.shock + np.sqrt(1 - SHOCK_RHO**2) * rng.normal(
            0, SHOCK_SD, len(p.shock)
        )
        change = rng.choice([-1, 0, 1], size=len(p.alive), p=[0.05, 0.89, 0.06])
        p.attrs["n_members"] = np.clip(p.attrs["n_members"] + change, 1, 12)
        alive_units = np.bincount(p.attrs["unit"][p.alive], minlength=len(self.codes))
        n_new = rng.binomial(int(p.alive.sum()), ENTRY_RATE)
        units = np.sort(rng.choice(len(self.codes), size=n_new, p=alive_units / alive_units.sum()))
        p.extend(rng, self._create(units, year, young=True))

    def observe(self, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The review of `year`: households table (2024 unit codes) and its discrepancies."""
        p = self.panel
        idx = np.flatnonzero(p.alive)
        a = {k: v[idx] for k, v in p.attrs.items()}
        unit = a["unit"]
        t = year - self.first_year
        progress = self.ref.units["progress"].to_numpy()[unit]
        income = self._income(a, p.shock[idx], progress * t)
        deprived = self._deprivations(a, p.shock[idx], p.dep_persistent[idx], progress * t)
        frame = pd.DataFrame(
            {
                "year": year,
                "household_id": a["household_id"],
                "commune_code": self.codes[unit],
                "village": a["village"],
                "is_urban": a["is_urban"],
                "n_members": a["n_members"],
                "income_pc_vnd": income,
                **{c: deprived[:, k] for k, c in enumerate(DEPRIVATION_COLUMNS)},
                "is_social_protection": a["is_social_protection"],
                "is_ethnic_minority": a["is_ethnic_minority"],
                "is_merit": a["is_merit"],
                "is_female_head": a["is_female_head"],
                "head_name": a["head_name"],
                "head_id_number": a["head_id_number"],
            }
        )
        computed = classify(frame).to_numpy(dtype=object)
        reported, discrepancies = self._misreport(frame, computed)
        frame["reported_status"] = reported
        if self.pressure:
            frame, planted = apply_pressure(
                frame, self.previous, self.pressure, year, self.seed,
                exclude=discrepancies["household_id"].tolist(),
            )  # fmt: skip
            self.planted.append(planted)
            self.previous = frame[["household_id", "reported_status", *DEPRIVATION_COLUMNS]]
        return frame, discrepancies

    def _income(self, a: dict[str, np.ndarray], shock: np.ndarray, pace: np.ndarray) -> np.ndarray:
        """Income per person per month (VND, rounded to thousands); `pace` = progress × years."""
        info, unit = self.ref.units, a["unit"]
        commune_year = self.rng.normal(0, COMMUNE_YEAR_SD, len(info))[unit]
        log_income = (
            LOG_INCOME_LEVEL
            + info["income_effect"].to_numpy()[unit]
            + URBAN_PREMIUM * a["is_urban"]
            + INCOME_GROWTH * pace
            + commune_year
            + a["income_effect"]
            + a["village_effect"]
            + shock
        )
        return np.round(np.exp(log_income), -3)

    def _deprivations(
        self, a: dict[str, np.ndarray], shock: np.ndarray, persistent: np.ndarray, pace: np.ndarray
    ) -> np.ndarray:
        """(households, 12) boolean flags: latent score above 0."""
        gap = -(a["income_effect"] + shock) / np.hypot(0.38, SHOCK_SD)
        household = PROPENSITY_WEIGHT * a["deprivation_effect"] + INCOME_GAP_WEIGHT * gap
        score = (
            self.dep_level[None, :]
            - pace[:, None] * self.dep_shift[None, :]
            + (self.ref.units["deprivation_effect"].to_numpy()[a["unit"]] + household)[:, None]
            + persistent
            + self.rng.normal(0, YEARLY_SD, persistent.shape)
        )
        return score > 0

    def _misreport(
        self, frame: pd.DataFrame, computed: np.ndarray
    ) -> tuple[np.ndarray, pd.DataFrame]:
        """Reported status: the computed one, except a few deliberate poor <-> near-poor swaps."""
        listed = np.flatnonzero(np.isin(computed, ["poor", "near_poor"]))
        k = min(len(listed), max(1, round(DISCREPANCY_RATE * len(frame))))
        chosen = np.sort(self.rng.choice(listed, size=k, replace=False))
        reported = computed.copy()
        reported[chosen] = np.where(computed[chosen] == "poor", "near_poor", "poor")
        discrepancies = pd.DataFrame(
            {
                "year": frame["year"].to_numpy()[chosen],
                "household_id": frame["household_id"].to_numpy()[chosen],
                "commune_code": frame["commune_code"].to_numpy()[chosen],
                "computed_status": computed[chosen],
                "reported_status": reported[chosen],
            }
        )
        return reported, discrepancies


def canonical(frame: pd.DataFrame, vintage: int, to_merged: dict[str, str] | None) -> pd.DataFrame:
    """Households of one year in the canonical schema (codes of `vintage`)."""
    out = frame.copy()
    if to_merged is not None:
        out["commune_code"] = out["commune_code"].map(to_merged)
    out["unit_vintage"] = vintage
    out["income_score"] = np.nan
    out["head_key"] = pd.NA
    out["n_deprivations"] = out[list(DEPRIVATION_COLUMNS)].sum(axis=1)
    out["has_indicator_flags"] = True
    out["ethnic_group"] = pd.NA  # the sample writes the minority flag, not the group
    out = out[[c.name for c in HOUSEHOLD_COLUMNS]]
    out = out.astype({c.name: c.dtype for c in HOUSEHOLD_COLUMNS})
    return out.sort_values("household_id", ignore_index=True)
