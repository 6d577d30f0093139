"""The household panel as matrices: status and commune of every household in every review.

Rows are households (by `household_id`), columns the review years in the data. Status
codes follow `STATUS_CODES` (-1: the household is on no list that year). Communes are
given on one unit vintage (the run year's): codes of other vintages are mapped with the
crosswalk (`registry.to_merged()`), so cohorts of 2022-2024 are counted in the merged
communes of a 2025 run.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.errors import UserError
from analysis.measures._frame import prepare_households, vintage_by_year

ABSENT = -1
POOR, NEAR_POOR, AVG_LIVING, NOT_POOR = 0, 1, 2, 3
STATUS_CODES = {
    "poor": POOR,
    "near_poor": NEAR_POOR,
    "avg_living": AVG_LIVING,
    "not_poor": NOT_POOR,
}
LISTED_CODES = (POOR, NEAR_POOR)
LEFT_CODES = (AVG_LIVING, NOT_POOR)  # on a list as leaving it (or as average living)


@dataclass(frozen=True)
class Panel:
    """Households x years: status codes, communes (on `vintage`), and which years link."""

    household_ids: np.ndarray  # (N,) str
    years: list[int]  # review years in the data, ascending
    status: np.ndarray  # (N, Y) int8, ABSENT where not listed
    commune: np.ndarray  # (N, Y) object, "" where not listed
    vintage: int  # unit vintage of the commune codes
    broken: frozenset[int]  # years whose households cannot be linked to the year before

    def col(self, year: int) -> int:
        return self.years.index(year)

    def linked(self, start: int, end: int) -> bool:
        """True when every review from `start` to `end` is in the data and linkable."""
        span = range(start, end + 1)
        return all(y in self.years for y in span) and not any(y in self.broken for y in span[1:])


def build_panel(
    households: pd.DataFrame,
    year: int,
    *,
    crosswalk: Mapping[str, str] | None = None,
    broken_years: Collection[int] = (),
    status_col: str = "reported_status",
) -> Panel:
    """The panel of the reviews up to `year`, communes on `year`'s unit vintage."""
    hh = prepare_households(households, status_col)
    hh = hh.loc[hh["year"] <= year]
    if hh.empty or year not in set(hh["year"]):
        raise UserError(f"Bảng hộ không có hộ nào của năm {year}: không lập được nhóm hộ theo dõi")
    vintages = vintage_by_year(hh)
    vintage = vintages[year]
    communes = hh["commune_code"].astype(object).to_numpy().copy()
    other = hh["unit_vintage"].to_numpy() != vintage
    if other.any():
        if crosswalk is None:
            raise UserError(
                f"Bảng hộ có mã xã của nhiều kỳ đơn vị hành chính: cần bảng chuyển đổi sang kỳ "
                f"{vintage} để theo dõi hộ qua các năm"
            )
        mapped = pd.Series(communes[other]).map(dict(crosswalk))
        if mapped.isna().any():
            codes = ", ".join(sorted(set(pd.Series(communes[other])[mapped.isna()])))
            raise UserError(
                f"Không chuyển được mã xã sang kỳ đơn vị {vintage}: {codes} "
                "(thiếu trong bảng chuyển đổi đơn vị hành chính)"
            )
        communes[other] = mapped.to_numpy(dtype=object)
    years = sorted(int(y) for y in hh["year"].unique())
    ids, rows = np.unique(hh["household_id"].astype(str).to_numpy(), return_inverse=True)
    cols = np.searchsorted(years, hh["year"].to_numpy())
    status = np.full((len(ids), len(years)), ABSENT, dtype=np.int8)
    status[rows, cols] = hh["status"].map(STATUS_CODES).to_numpy(dtype=np.int8)
    commune = np.full((len(ids), len(years)), "", dtype=object)
    commune[rows, cols] = communes
    return Panel(ids, years, status, commune, int(vintage), frozenset(int(y) for y in broken_years))
