"""Static attributes of simulated households: village, head name and ID number, groups.

Names and ID numbers are fake but realistic, so that the privacy handling of the
ingest (pseudonymisation, never outputting personal columns) is exercised. An ID
number (CCCD) has 12 digits: province code (from the config, e.g. 042 = Hà Tĩnh), a digit for sex and
century of birth (0/1 = man/woman born 1900–1999, 2/3 = born 2000–2099), the two
last digits of the birth year, then six random digits.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.synthetic.reference import Reference

HOUSEHOLDS_PER_VILLAGE = 160


def build_villages(rng: np.random.Generator, ref: Reference) -> pd.DataFrame:
    """Villages of each 2024 unit: unit index, name, urban flag, size weight, income effect."""
    syllables = ref.names["village_syllable"][0]
    pairs = np.array([f"{a} {b}" for a in syllables for b in syllables if a != b], dtype=object)
    pairs = pairs[rng.permutation(len(pairs))]
    rows, used = [], 0
    for unit, row in ref.units.iterrows():
        k = max(3, round(row["n_households"] / HOUSEHOLDS_PER_VILLAGE))
        n_urban = round(k * row["urban_share"])
        for j in range(k):
            if j < n_urban:
                name, urban = f"Tổ dân phố {j + 1}", True
            else:
                name, urban = f"Thôn {pairs[used]}", False
                used += 1
            rows.append((unit, name, urban))
    villages = pd.DataFrame(rows, columns=["unit", "village", "is_urban"])
    villages["weight"] = rng.gamma(6.0, 1.0, len(villages))
    villages["effect"] = rng.normal(0.0, 0.12, len(villages))
    return villages


def _pick(rng: np.random.Generator, ref: Reference, kind: str, n: int) -> np.ndarray:
    values, p = ref.names[kind]
    return values[rng.choice(len(values), size=n, p=p)]


def fake_names(rng: np.random.Generator, ref: Reference, female: np.ndarray) -> np.ndarray:
    n = len(female)
    surname = _pick(rng, ref, "surname", n)
    middle = np.where(
        female, _pick(rng, ref, "middle_female", n), _pick(rng, ref, "middle_male", n)
    )
    given = np.where(female, _pick(rng, ref, "given_female", n), _pick(rng, ref, "given_male", n))
    return np.array([f"{s} {m} {g}" for s, m, g in zip(surname, middle, given, strict=True)])


def fake_id_numbers(
    rng: np.random.Generator,
    female: np.ndarray,
    birth_year: np.ndarray,
    used: set[str],
    province_prefix: str = "042",
) -> np.ndarray:
    """Unique 12-digit CCCD numbers (not in `used`; `used` is updated)."""
    century = (birth_year >= 2000).astype(int) * 2 + female.astype(int)
    head = np.array(
        [f"{province_prefix}{c}{y % 100:02d}" for c, y in zip(century, birth_year, strict=True)]
    )
    out = np.empty(len(head), dtype=object)
    todo = np.arange(len(head))
    while len(todo):
        serial = rng.integers(0, 1_000_000, len(todo))
        again = []
        for i, s in zip(todo, serial, strict=True):
            number = f"{head[i]}{s:06d}"
            if number in used:
                again.append(i)
            else:
                used.add(number)
                out[i] = number
        todo = np.array(again, dtype=int)
    return out


def new_households(
    rng: np.random.Generator,
    ref: Reference,
    villages: pd.DataFrame,
    units: np.ndarray,
    year: int,
    first_serial: int,
    used_ids: set[str],
    young: bool = False,
) -> dict[str, np.ndarray]:
    """Static attributes of len(units) new households living in the given unit indices.

    `young` households were formed this year (a child's family setting up, in-migrants):
    younger heads, a little poorer.
    """
    n = len(units)
    info = ref.units.iloc[units]
    village = _choose_villages(rng, villages, units)
    social = rng.random(n) < 0.018
    ethnic = rng.random(n) < info["ethnic_minority_rate"].to_numpy()
    female = rng.random(n) < np.where(social, 0.55, 0.2)
    age = np.where(
        social, rng.normal(72, 9, n), rng.normal(29 if young else 50, 6 if young else 13, n)
    )
    birth_year = year - np.clip(np.round(age), 20, 95).astype(int)
    size = np.where(social, 1 + (rng.random(n) < 0.3), 1 + rng.poisson(2.6, n))
    u = rng.normal(-0.1 if young else 0.0, 0.38, n) - 0.75 * social - 0.3 * ethnic
    return {
        "household_id": np.array([f"{ref.id_prefix}{first_serial + i:06d}" for i in range(n)]),
        "unit": units.astype(np.int64),
        "village": villages["village"].to_numpy()[village],
        "is_urban": villages["is_urban"].to_numpy()[village],
        "village_effect": villages["effect"].to_numpy()[village],
        "n_members": np.clip(size, 1, 12).astype(np.int64),
        "is_female_head": female,
        "birth_year": birth_year,
        "head_name": fake_names(rng, ref, female),
        "head_id_number": fake_id_numbers(
            rng, female, birth_year, used_ids, ref.province_id_prefix
        ),
        "is_social_protection": social,
        "is_ethnic_minority": ethnic,
        "is_merit": rng.random(n) < 0.035,
        "income_effect": u,
        "deprivation_effect": -0.5 * u / 0.38
        + rng.normal(0, 0.85, n)
        + 0.8 * social
        + 0.4 * ethnic,
    }


def _choose_villages(
    rng: np.random.Generator, villages: pd.DataFrame, units: np.ndarray
) -> np.ndarray:
    """Index into `villages` for each household, by village weight within its unit."""
    out = np.empty(len(units), dtype=np.int64)
    vunit = villages["unit"].to_numpy()
    weight = villages["weight"].to_numpy()
    for unit in np.unique(units):
        rows = np.flatnonzero(vunit == unit)
        mask = units == unit
        out[mask] = rows[
            rng.choice(len(rows), size=mask.sum(), p=weight[rows] / weight[rows].sum())
        ]
    return out
