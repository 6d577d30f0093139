"""Poverty standards and household classification.

Decree 07/2021/NĐ-CP (2022–2025): poor = income per person per month at or
below the line (1.5 M VND rural, 2.0 M urban) and deprived in at least 3 of the
12 indicators; near-poor = at or below the line and deprived in fewer than 3.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.schema import DEPRIVATION_COLUMNS

LINE_RURAL_VND = 1_500_000
LINE_URBAN_VND = 2_000_000
MIN_DEPRIVATIONS = 3


def count_deprivations(households: pd.DataFrame) -> np.ndarray:
    return households[list(DEPRIVATION_COLUMNS)].to_numpy(dtype=np.int8).sum(axis=1)


def classify(households: pd.DataFrame) -> pd.Series:
    """Status under Decree 07/2021: 'poor', 'near_poor' or 'not_poor'."""
    line = np.where(households["is_urban"].to_numpy(dtype=bool), LINE_URBAN_VND, LINE_RURAL_VND)
    below = households["income_pc_vnd"].to_numpy(dtype=float) <= line
    deprived = count_deprivations(households) >= MIN_DEPRIVATIONS
    status = np.where(below & deprived, "poor", np.where(below, "near_poor", "not_poor"))
    return pd.Series(status, index=households.index, name="status", dtype="string")
