"""Group codes for fast aggregation: factorise the key columns once, then np.bincount."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def group_codes(df: pd.DataFrame, by: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """(code per row, one row of key values per code). `by` empty = one group."""
    by = list(by)
    if not by:
        return np.zeros(len(df), dtype=np.int64), pd.DataFrame(index=[0])
    grouper = df.groupby(by, sort=True, observed=True, dropna=False)
    codes = grouper.ngroup().to_numpy(dtype=np.int64)
    keys = grouper.size().reset_index()[by]
    return codes, keys


def sum_by(codes: np.ndarray, n_groups: int, weights: np.ndarray) -> np.ndarray:
    return np.bincount(codes, weights=weights, minlength=n_groups)


def unit_weights(df: pd.DataFrame, persons: bool) -> np.ndarray:
    """1 per household, or its members when counting persons."""
    if persons:
        return df["n_members"].to_numpy(dtype=float)
    return np.ones(len(df))
