"""The forecast's result: simulated paths and the tables read from them.

Paths are counts of poor and near-poor households, per commune (S, C, Y) and for the
district (S, Y). Under the flow model the district is the sum of its communes; under
the trend model it is its own series. Rates are counts over projected households.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd

from analysis.targets import DISTRICT_CODE

QUANTITIES = (
    "poor_rate", "near_poor_rate", "multidim_rate", "n_poor", "n_near_poor", "n_poor_or_near_poor",
)  # fmt: skip
QUANTILES = {"p2_5": 0.025, "p10": 0.10, "p50": 0.50, "p90": 0.90, "p97_5": 0.975}
MODEL_LABELS_VI = {
    "flow": "mô hình dòng chuyển",
    "trend": "mô hình xu thế tuyến tính",
    "trend_logit": "mô hình xu thế logit",
    "trend_log": "mô hình xu thế log",
}
# What each model assumes, for the sentence that explains the choice.
MODEL_DESCRIPTIONS_VI = {
    "flow": "các hộ chuyển giữa nhóm nghèo, cận nghèo và không nghèo theo tỷ lệ thoát nghèo, "
    "tái nghèo, phát sinh mới của các năm trước",
    "trend": "tỷ lệ giảm cùng một số điểm % mỗi năm",
    "trend_logit": "tỷ lệ giảm theo cùng một tỷ lệ tương đối mỗi năm, chậm dần khi gần 0 "
    "(đường thẳng trên thang logit)",
    "trend_log": "tỷ lệ giảm theo cùng một tỷ lệ tương đối mỗi năm (đường thẳng trên thang log)",
}
QUANTITY_LABELS_VI = {
    "poor_rate": "tỷ lệ hộ nghèo",
    "near_poor_rate": "tỷ lệ hộ cận nghèo",
    "multidim_rate": "tỷ lệ nghèo đa chiều",
    "n_poor": "số hộ nghèo",
    "n_near_poor": "số hộ cận nghèo",
    "n_poor_or_near_poor": "số hộ nghèo và cận nghèo",
}


@dataclass(frozen=True)
class ForecastResult:
    model: str  # "flow" | "trend" | "trend_logit" | "trend_log"
    run_year: int
    years: np.ndarray  # future years (Y,)
    vintage: int  # unit vintage of the commune codes
    codes: np.ndarray  # (C,)
    names: np.ndarray  # (C,)
    households: np.ndarray  # projected resident households (C, Y)
    poor: np.ndarray  # (S, C, Y)
    near_poor: np.ndarray  # (S, C, Y)
    district_poor: np.ndarray  # (S, Y)
    district_near_poor: np.ndarray  # (S, Y)
    history: pd.DataFrame  # observed commune x year rows on `vintage`, years <= run_year
    district_history: pd.DataFrame  # observed district rows per year
    backtest: pd.DataFrame | None = None  # summary per model (see backtest.summarise)
    choice_reason: str = ""
    alternative: ForecastResult | None = field(default=None, repr=False)
    notes: tuple[str, ...] = ()  # Vietnamese sentences: where the variation comes from, ...

    @property
    def n_paths(self) -> int:
        return self.poor.shape[0]

    @property
    def district_households(self) -> np.ndarray:
        return self.households.sum(0)

    def paths(self, quantity: str, code: str = DISTRICT_CODE) -> np.ndarray:
        """Simulated paths (S, Y) of one quantity for the district or one commune."""
        if code == DISTRICT_CODE:
            p, q, n = self.district_poor, self.district_near_poor, self.district_households
        else:
            i = int(np.flatnonzero(self.codes == code)[0])
            p, q, n = self.poor[:, i], self.near_poor[:, i], self.households[i]
        return _quantity(quantity, p, q, n)

    def all_paths(self, quantity: str) -> np.ndarray:
        """(S, C, Y) paths of one quantity for every commune."""
        return _quantity(quantity, self.poor, self.near_poor, self.households[None])

    def observed(self, quantity: str, year: int, code: str = DISTRICT_CODE) -> float:
        """The observed value of `quantity` for `code` (the district by default) in `year`, the
        first such row of the history; NaN when there is none."""
        rows = self._observed_rows[code == DISTRICT_CODE]
        key = (year, code)
        if key not in rows:
            return float("nan")
        h, i = rows[key]
        if quantity == "n_poor_or_near_poor":
            return float(h["n_poor"].iat[i] + h["n_near_poor"].iat[i])
        return float(h[quantity].iat[i])

    @cached_property
    def _observed_rows(self) -> dict[bool, dict[tuple, tuple[pd.DataFrame, int]]]:
        """(year, commune code) -> (history, position of its first row), for the communes' history
        (False) and the district's (True): `observed` is asked for many units and years."""
        out: dict[bool, dict[tuple, tuple[pd.DataFrame, int]]] = {}
        for district, h in ((False, self.history), (True, self.district_history)):
            rows: dict[tuple, tuple[pd.DataFrame, int]] = {}
            if {"year", "commune_code"} <= set(h.columns):
                keys = zip(h["year"].tolist(), h["commune_code"].tolist(), strict=True)
                for i, key in enumerate(keys):
                    rows.setdefault(key, (h, i))
            out[district] = rows
        return out


def _quantity(quantity: str, p, q, n):
    table = {
        "n_poor": lambda: p,
        "n_near_poor": lambda: q,
        "n_poor_or_near_poor": lambda: p + q,
        "poor_rate": lambda: p / n,
        "near_poor_rate": lambda: q / n,
        "multidim_rate": lambda: (p + q) / n,
    }
    return np.asarray(table[quantity](), dtype=float)


def projections(result: ForecastResult, quantities=QUANTITIES) -> pd.DataFrame:
    """Mean and quantiles (80 % and 95 % intervals) per unit, year and quantity."""
    parts = []
    units = [(DISTRICT_CODE, "Toàn huyện", "district")] + [
        (c, n, "commune") for c, n in zip(result.codes, result.names, strict=True)
    ]
    for quantity in quantities:
        district = result.paths(quantity)[:, None, :]
        stacked = np.concatenate([district, result.all_paths(quantity)], axis=1)  # (S, U, Y)
        qs = np.quantile(stacked, list(QUANTILES.values()), axis=0)  # (K, U, Y)
        mean = stacked.mean(0)
        for u, (code, name, level) in enumerate(units):
            frame = pd.DataFrame({"year": result.years, "mean": mean[u]})
            for j, key in enumerate(QUANTILES):
                frame[key] = qs[j, u]
            parts.append(
                frame.assign(level=level, commune_code=code, commune_name=name, quantity=quantity)
            )
    out = pd.concat(parts, ignore_index=True)
    lead = ["level", "commune_code", "commune_name", "quantity", "year"]
    return out[lead + [c for c in out.columns if c not in lead]]


def merge_units(
    result: ForecastResult, mapping: Mapping[str, str], names: Mapping[str, str], vintage: int
) -> ForecastResult:
    """The same forecast on merged units: commune paths summed path by path."""
    from analysis.targets import reaggregate

    new_codes = np.array(sorted({mapping[c] for c in result.codes}), dtype=object)
    index = pd.Index(new_codes).get_indexer([mapping[c] for c in result.codes])
    onehot = np.zeros((len(result.codes), len(new_codes)))
    onehot[np.arange(len(result.codes)), index] = 1.0

    def merge(a):
        return np.einsum("scy,cm->smy", a, onehot).round().astype(a.dtype)

    history = reaggregate(result.history, mapping, vintage, names=names)
    from analysis.targets import add_rates

    return replace(
        result,
        vintage=vintage,
        codes=new_codes,
        names=np.array([names.get(c, c) for c in new_codes], dtype=object),
        households=onehot.T @ result.households,
        poor=merge(result.poor),
        near_poor=merge(result.near_poor),
        history=add_rates(history),
        alternative=None,
    )
