"""Review-pressure patterns planted in named communes of the synthetic sample.

So that the integrity signals (analysis.sustainability.signals) can be tested on a whole
district, `config.sample.pressure` names communes and years where the review records some
poor households as leaving the list although the latent model keeps them poor:

- `bunching`: poor households of last year whose income is within 30 % below the line
  are recorded with an income just above it (0.5-5 % above): exits bunched above the line;
- `no_deprivation_change`: poor households of last year that are still poor are recorded
  with last year's deprivation flags unchanged and an income comfortably above the line
  (10-60 % above): exits without any change in deprivations.

`share` of the eligible households are chosen. The recorded figures are consistent with
the standard (the status recomputed from them is "not poor"), so the status audit does not
see them; only the patterns do. The draws use a random generator of their own (from the
seed, the year and the pattern), so the rest of the district is the same as without them;
households already chosen for the deliberate status discrepancies are left alone. The
following year the latent model takes over again, so many planted exits are poor again.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.schema import DEPRIVATION_COLUMNS
from analysis.standard import classify, get_standard

PLANTED_COLUMNS = ("year", "commune_code", "pattern", "household_id")
NEAR_BELOW = 0.7  # bunching: incomes from this share of the line are "close enough" to push
BUNCHING_RANGE = (1.005, 1.05)
UNCHANGED_RANGE = (1.10, 1.60)


def apply_pressure(
    frame: pd.DataFrame,
    previous: pd.DataFrame | None,
    patterns: Sequence,
    year: int,
    seed: int,
    standard="vn-2022-2025",
    exclude: Sequence[str] = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The review of `year` with the patterns of that year applied, and the planted
    households (PLANTED_COLUMNS). `frame` holds incomes, flags and `reported_status`;
    `previous` last year's household_id, reported_status and flags (None the first year)."""
    todo = [(i, p) for i, p in enumerate(patterns) if year in p.years]
    if previous is None or not todo:
        return frame, pd.DataFrame(columns=list(PLANTED_COLUMNS))
    std = get_standard(standard)
    out = frame.copy()
    before = previous.set_index("household_id")
    was_poor = out["household_id"].map(before["reported_status"]).eq("poor").to_numpy()
    free = ~out["household_id"].isin(set(exclude)).to_numpy()
    line = std.lines.by_area(out["is_urban"].to_numpy(dtype=bool)).astype(float)
    income = out["income_pc_vnd"].to_numpy(dtype=float)
    planted = []
    for index, pattern in todo:
        rng = np.random.default_rng([seed, year, index])
        here = out["commune_code"].eq(pattern.commune).to_numpy() & was_poor & free
        here &= out["reported_status"].eq("poor").to_numpy() | (income <= line)
        if pattern.pattern == "bunching":
            here &= (income >= NEAR_BELOW * line) & (income <= line)
        else:
            here &= out["reported_status"].eq("poor").to_numpy()
        rows = np.flatnonzero(here)
        chosen = np.sort(rng.choice(rows, size=round(pattern.share * len(rows)), replace=False))
        if not len(chosen):
            continue
        span = BUNCHING_RANGE if pattern.pattern == "bunching" else UNCHANGED_RANGE
        new_income = np.round(line[chosen] * rng.uniform(*span, len(chosen)), -3)
        out.loc[out.index[chosen], "income_pc_vnd"] = new_income
        if pattern.pattern == "no_deprivation_change":
            flags = before.loc[out["household_id"].to_numpy()[chosen], list(DEPRIVATION_COLUMNS)]
            out.loc[out.index[chosen], list(DEPRIVATION_COLUMNS)] = flags.to_numpy(dtype=bool)
        status = classify(out.iloc[chosen], std).to_numpy(dtype=object)
        out.loc[out.index[chosen], "reported_status"] = status
        free[chosen] = False
        planted.append(
            pd.DataFrame(
                {
                    "year": year,
                    "commune_code": pattern.commune,
                    "pattern": pattern.pattern,
                    "household_id": out["household_id"].to_numpy()[chosen],
                }
            )
        )
    planted_frame = (
        pd.concat(planted, ignore_index=True) if planted else pd.DataFrame(columns=PLANTED_COLUMNS)
    )
    return out, planted_frame
