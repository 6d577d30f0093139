"""Small hand-made household panels for the sustainability tests."""

from __future__ import annotations

import pandas as pd

from analysis.schema import DEPRIVATION_COLUMNS

CODES = {"P": "poor", "Q": "near_poor", "L": "not_poor", "A": "avg_living"}


def panel(spec: dict[str, str], first_year: int = 2021, commune: str = "00001", **extra):
    """Households from one string per household: a letter per review year (P poor, Q near-poor,
    L listed as leaving, A average living, . on no list). `extra`: column -> {id: value or
    {year: value}} for incomes, deprivation counts, communes."""
    rows = []
    for hid, states in spec.items():
        for i, letter in enumerate(states):
            if letter == ".":
                continue
            year = first_year + i
            row = {
                "year": year,
                "household_id": hid,
                "commune_code": commune,
                "unit_vintage": 2024,
                "is_urban": False,
                "n_members": 4,
                "income_pc_vnd": 1_200_000.0 if letter in "PQ" else 2_500_000.0,
                "reported_status": CODES[letter],
                "n_deprivations": 4 if letter == "P" else 1,
                "has_indicator_flags": False,
                **dict.fromkeys(DEPRIVATION_COLUMNS, False),
            }
            for column, values in extra.items():
                value = values.get(hid)
                if isinstance(value, dict):
                    value = value.get(year, row.get(column))
                if value is not None:
                    row[column] = value
            rows.append(row)
    frame = pd.DataFrame(rows)
    return frame.astype({"year": "int16", "unit_vintage": "int16", "n_deprivations": "Int8"})
