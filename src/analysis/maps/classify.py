"""Classes for choropleth maps: sequential (config scheme), diverging around 0, categorical.

Every class scheme uses colour-blind-safe palettes (ColorBrewer YlOrRd/YlOrBr/RdPu/
PuOr, cividis; Okabe-Ito for categories). Missing values get class -1, drawn hatched.

Numeric classes do not overlap, in the precision the map writes its values: a value is
rounded to the legend's decimals (as its label on the map shows it) and falls in the
class whose two ends, both included, bracket it: "0,0 – 2,0 %", "2,1 – 4,5 %", ... So a
commune labelled "2,0 %" is always coloured as the class "0,0 – 2,0 %", whatever the
scheme (natural breaks, quantiles, fixed bins, diverging around 0).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import to_hex

from analysis.maps.text import fmt_number, fmt_range, rounded, tr

STATUSES = ("met", "on_track", "at_risk", "off_track")
FINAL_STATUSES = ("met", "not_met")  # the target year's verdicts (analysis.targets.verdicts)
STATUS_COLORS = {  # Okabe-Ito: distinguishable with the common colour-vision deficiencies
    "met": "#0072B2",
    "on_track": "#56B4E9",
    "at_risk": "#E69F00",
    "off_track": "#D55E00",
    "not_met": "#D55E00",
}


@dataclass(frozen=True)
class Classes:
    """Legend classes and the class of each value (-1 = no data)."""

    labels: list[str]
    colors: list[str]
    codes: np.ndarray
    edges: list[float] | None = None  # k + 1 numbers for numeric classes
    decimals: int | None = None  # numeric classes: values are classed as written so

    def fmt(self, value: float, lang: str = "vi", signed: bool = False) -> str:
        """`value` written in the classes' precision (the text its colour agrees with)."""
        return fmt_number(value, self.decimals if self.decimals is not None else 1, lang, signed)

    def color_of(self) -> list[str | None]:
        return [self.colors[c] if c >= 0 else None for c in self.codes]


def _decimals(values: np.ndarray, bins: list[float] | None = None) -> int:
    """1 decimal, none for spans of 100 or more; more when fixed bins need them (max 2)."""
    span = float(values.max() - values.min()) if values.size else 0.0
    base = 0 if span >= 100 else 1
    for d in range(base, 3):
        if all(rounded(b, d) == float(b) for b in bins or []):
            return d
    return 2


def _shown(values: pd.Series, decimals: int) -> np.ndarray:
    """The values as the map writes them (NaN stays NaN)."""
    arr = values.to_numpy(dtype=float)
    return np.array([x if np.isnan(x) else rounded(x, decimals) for x in arr], dtype=float)


def _class_ranges(lower: float, uppers: list[float], decimals: int) -> list[tuple[float, float]]:
    """(first, last) written value of each class: the next class starts one step higher."""
    step = 10.0**-decimals
    lows = [lower, *(rounded(u + step, decimals) for u in uppers[:-1])]
    return list(zip(lows, uppers, strict=True))


def _sample(cmap: str, n: int, lo: float = 0.15, hi: float = 0.95) -> list[str]:
    colours = colormaps[cmap]
    if n == 1:
        return [to_hex(colours((lo + hi) / 2))]
    return [to_hex(colours(x)) for x in np.linspace(lo, hi, n)]


def _codes(arr: np.ndarray, uppers: list[float]) -> np.ndarray:
    """Class index of each (written) value for classes (.., uppers[i]]; -1 where missing."""
    codes = np.searchsorted(np.asarray(uppers, dtype=float), arr, side="left")
    codes = np.minimum(codes, len(uppers) - 1)
    return np.where(np.isnan(arr), -1, codes)


def _uppers(valid: np.ndarray, scheme: str, k: int, bins: list[float] | None) -> list[float]:
    top = float(valid.max())
    if scheme == "fixed" and bins:  # every configured class is kept, so years compare
        return [*bins, top] if top > bins[-1] else list(bins)
    k = min(k, len(np.unique(valid)))
    if k < 2:
        return [top]
    if scheme == "quantiles":
        import mapclassify  # here: its import (scikit-learn, scipy.stats) takes a second

        with warnings.catch_warnings():  # "not enough unique values": fewer classes is fine
            warnings.simplefilter("ignore", UserWarning)
            return list(mapclassify.Quantiles(valid, k=k).bins)
    return jenks_uppers(valid, k)


def jenks_uppers(values: np.ndarray, k: int) -> list[float]:
    """Upper bounds of the k classes minimising the within-class sum of squares
    (Fisher-Jenks natural breaks, exact and deterministic; O(k n^2) with numpy rows)."""
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    s1 = np.concatenate([[0.0], np.cumsum(x)])
    s2 = np.concatenate([[0.0], np.cumsum(x * x)])

    def cost(starts: np.ndarray, end: int) -> np.ndarray:  # SSD of x[start..end]
        count = end + 1 - starts
        total = s1[end + 1] - s1[starts]
        return s2[end + 1] - s2[starts] - total * total / count

    ends = np.arange(1, n + 1)
    best = s2[ends] - s1[ends] ** 2 / ends  # one class: x[0..j]
    cut = np.zeros((k, n), dtype=int)
    for m in range(1, k):
        nxt = np.full(n, np.inf)
        for j in range(m, n):
            starts = np.arange(m, j + 1)
            total = best[starts - 1] + cost(starts, j)
            arg = int(np.argmin(total))
            nxt[j], cut[m, j] = total[arg], starts[arg]
        best = nxt
    uppers, end = [], n - 1
    for m in range(k - 1, 0, -1):
        uppers.append(x[end])
        end = cut[m, end] - 1
    uppers.append(x[end])
    return [float(u) for u in reversed(uppers)]


def classify(
    values: pd.Series,
    scheme: str = "natural_breaks",
    k: int = 5,
    bins: list[float] | None = None,
    cmap: str = "YlOrRd",
    unit: str = "",
    lang: str = "vi",
    decimals: int | None = None,
) -> Classes:
    """Sequential classes of `values` (already in display units, e.g. percent), chosen
    on the values as written with `decimals` (default: 1, 0 for spans of 100 or more)."""
    raw = values.dropna().to_numpy(dtype=float)
    if raw.size == 0:
        return Classes([], [], np.full(len(values), -1))
    if decimals is None:
        decimals = _decimals(raw, bins if scheme == "fixed" else None)
    shown = _shown(values, decimals)
    valid = shown[~np.isnan(shown)]
    uppers = sorted({rounded(u, decimals) for u in _uppers(valid, scheme, k, bins)})
    lower = 0.0 if scheme == "fixed" and valid.min() >= 0 else float(valid.min())
    ranges = _class_ranges(min(lower, uppers[0]), uppers, decimals)
    labels = [fmt_range(lo, hi, unit, decimals, lang) for lo, hi in ranges]
    edges = [ranges[0][0], *uppers]
    codes = _codes(shown, uppers)
    return Classes(labels, _sample(cmap, len(uppers)), codes, edges, decimals)


def nice_step(span: float, parts: int) -> float:
    """A round class width (1, 2, 2.5 or 5 x 10^n) so that `parts` classes cover `span`."""
    raw = max(span, 1e-9) / parts
    base = 10 ** math.floor(math.log10(raw))
    return next(m * base for m in (1, 2, 2.5, 5, 10) if m * base >= raw - 1e-12)


def classify_diverging(
    values: pd.Series, cmap: str = "PuOr_r", unit: str = "", lang: str = "vi", per_side: int = 3
) -> Classes:
    """Classes of equal round width with a boundary at 0, colours centred on 0; a value
    (as written) on a boundary belongs to the class below it, e.g. 0,0 to "−2,4 – 0,0"."""
    raw = values.dropna().to_numpy(dtype=float)
    if raw.size == 0:
        return Classes([], [], np.full(len(values), -1))
    reach = max(abs(raw.min()), abs(raw.max()))
    step = nice_step(reach, per_side)
    exact = next((d for d in range(4) if rounded(step, d) == step), 3)  # 2,5 needs 1
    decimals = max(exact, 0 if step >= 10 else 1)
    shown = _shown(values, decimals)
    valid = shown[~np.isnan(shown)]
    n_neg = max(math.ceil(round(-valid.min() / step, 9)), 0)
    n_pos = max(math.ceil(round(valid.max() / step, 9)), 0)
    if n_neg + n_pos == 0:
        n_pos = 1
    edges = [i * step for i in range(-n_neg, n_pos + 1)]
    colours = colormaps[cmap]
    half = max(n_neg, n_pos)
    mids = [(lo + hi) / 2 for lo, hi in zip(edges, edges[1:], strict=False)]
    colors = [to_hex(colours(0.5 + 0.45 * m / (half * step))) for m in mids]
    edges = [rounded(e, decimals) for e in edges]
    labels = [
        f"{fmt_number(lo, decimals, lang, signed=True)} – "
        f"{fmt_number(hi, decimals, lang, signed=True)} {unit}".rstrip()
        for lo, hi in _class_ranges(edges[0], edges[1:], decimals)
    ]
    return Classes(labels, colors, _codes(shown, edges[1:]), edges, decimals)


def classify_status(statuses: pd.Series, lang: str = "vi", final: bool = False) -> Classes:
    """Categorical classes for target verdicts (before the target year, or `final`: only
    met / not met); anything else (no_data, missing) is -1."""
    kinds = FINAL_STATUSES if final else STATUSES
    index = {s: i for i, s in enumerate(kinds)}
    codes = np.array([index.get(s, -1) if isinstance(s, str) else -1 for s in statuses])
    return Classes([tr(s, lang) for s in kinds], [STATUS_COLORS[s] for s in kinds], codes)
