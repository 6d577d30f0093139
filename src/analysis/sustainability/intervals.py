"""Intervals for rates from small counts."""

from __future__ import annotations

import numpy as np

LEVEL = 0.95


def jeffreys(k, n, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """Jeffreys interval of a binomial rate k/n (Beta(k + 1/2, n - k + 1/2) quantiles).

    Good coverage from a handful of households on (Brown, Cai & DasGupta 2001); the lower
    bound is 0 when k = 0 and the upper 1 when k = n; NaN when n = 0."""
    from scipy.stats import beta  # here: scipy.stats takes most of a second to import

    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    tail = (1 - level) / 2
    with np.errstate(invalid="ignore"):
        lo = np.where(k > 0, beta.ppf(tail, k + 0.5, n - k + 0.5), 0.0)
        hi = np.where(k < n, beta.ppf(1 - tail, k + 0.5, n - k + 0.5), 1.0)
    empty = n <= 0
    return np.where(empty, np.nan, lo), np.where(empty, np.nan, hi)
