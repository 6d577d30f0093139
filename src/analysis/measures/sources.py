"""The commune x year table from whatever a district holds: household lists, summary tables, or both."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis.errors import UserError
from analysis.measures.rates import OUTPUT_COLUMNS, commune_indicators


def indicators_from_inputs(
    households: pd.DataFrame,
    totals: pd.DataFrame,
    summary: pd.DataFrame,
    names: Mapping,
    crosswalk: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Commune indicators per year, from the lists where a year has them, else from its summary tables.

    The column `source` says which ("microdata" | "summary"); analyses that need the
    households themselves use only the microdata years.
    """
    parts = []
    micro_years: set[int] = set()
    if len(households):
        micro = commune_indicators(households, totals, names, crosswalk=crosswalk)
        micro["source"] = "microdata"
        micro_years = set(micro["year"].astype(int))
        parts.append(micro)
    if len(summary):
        rest = summary[~summary["year"].astype(int).isin(micro_years)].copy()
        for col in OUTPUT_COLUMNS:
            if col not in rest:
                rest[col] = pd.Series(
                    pd.NA, index=rest.index, dtype="Int64" if col.startswith("n_") else "Float64"
                )
        parts.append(rest[[*OUTPUT_COLUMNS, "source"]])
    if not parts:
        raise UserError("Không có số liệu rà soát: cần danh sách hộ hoặc biểu tổng hợp theo xã.")
    out = pd.concat(parts, ignore_index=True)
    for col in ("n_households", "n_poor", "n_near_poor"):
        out[col] = out[col].astype("int64")
    return out.sort_values(["year", "commune_code"], ignore_index=True)
