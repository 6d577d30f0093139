"""Change of any measure between two review years: absolute, relative, annualised."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.errors import UserError
from analysis.measures._frame import safe_rate

CHANGE_COLUMNS = (
    "measure", "year_from", "year_to", "value_from", "value_to", "abs_change",
    "rel_change", "annual_abs_change", "annual_rel_change",
)  # fmt: skip


def change_over_time(
    table: pd.DataFrame,
    year_from: int,
    year_to: int,
    measures: Sequence[str] = ("H", "A", "M0"),
    keys: Sequence[str] = (),
) -> pd.DataFrame:
    """One row per key x measure between two years.

    abs_change = to - from; rel_change = abs_change / from; annual_abs_change =
    abs_change / years; annual_rel_change = (to / from) ** (1 / years) - 1 (compound).
    Units compared by `keys` must be of the same vintage (map codes first).
    """
    if year_to <= year_from:
        raise UserError(f"Năm so sánh {year_to} phải sau năm gốc {year_from}")
    years = year_to - year_from
    have = set(table["year"].astype(int))
    missing = [y for y in (year_from, year_to) if y not in have]
    if missing:
        raise UserError(f"Không có số liệu năm {', '.join(map(str, missing))} để so sánh")
    keys = list(keys)
    start = table.loc[table["year"] == year_from, [*keys, *measures]]
    end = table.loc[table["year"] == year_to, [*keys, *measures]]
    both = start.merge(end, on=keys, suffixes=("_from", "_to")) if keys else _pair_rows(start, end)
    frames = []
    for m in measures:
        a = both[f"{m}_from"].to_numpy(dtype=float)
        b = both[f"{m}_to"].to_numpy(dtype=float)
        ratio = safe_rate(b, a)
        with np.errstate(invalid="ignore", divide="ignore"):
            annual_rel = np.where(ratio > 0, ratio ** (1 / years) - 1, np.nan)
        frames.append(
            both[keys].assign(
                measure=m,
                year_from=year_from,
                year_to=year_to,
                value_from=a,
                value_to=b,
                abs_change=b - a,
                rel_change=safe_rate(b - a, a),
                annual_abs_change=(b - a) / years,
                annual_rel_change=np.where(ratio == 0, -1.0, annual_rel),
            )
        )
    return pd.concat(frames, ignore_index=True)[[*keys, *CHANGE_COLUMNS]]


def _pair_rows(start: pd.DataFrame, end: pd.DataFrame) -> pd.DataFrame:
    if len(start) != 1 or len(end) != 1:
        raise UserError("So sánh không theo đơn vị cần đúng một dòng mỗi năm (hãy chọn keys)")
    return pd.concat(
        [
            start.reset_index(drop=True).add_suffix("_from"),
            end.reset_index(drop=True).add_suffix("_to"),
        ],
        axis=1,
    )
