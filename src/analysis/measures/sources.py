"""The commune x year table from whatever a district holds: household lists, summary tables, or both."""

from __future__ import annotations

from collections.abc import Collection, Mapping

import pandas as pd

from analysis.errors import UserError
from analysis.measures.rates import OUTPUT_COLUMNS, commune_indicators


def indicators_from_inputs(
    households: pd.DataFrame,
    totals: pd.DataFrame,
    summary: pd.DataFrame,
    names: Mapping,
    crosswalk: Mapping[str, str] | None = None,
    missing: pd.DataFrame | None = None,
    broken_years: Collection[int] = (),
) -> pd.DataFrame:
    """Commune indicators per year, from the lists where a year has them, else from its summary tables.

    The column `source` says which ("microdata" | "summary"); analyses that need the
    households themselves use only the microdata years. `missing`: communes without a
    list in a year with lists (`Review.missing_lists`), marked "thiếu số liệu".
    `broken_years`: years whose flows are not computable (`commune_indicators`).
    """
    parts = []
    micro_years: set[int] = set()
    if len(households):
        micro = commune_indicators(
            households,
            totals,
            names,
            crosswalk=crosswalk,
            missing=missing,
            broken_years=broken_years,
        )
        micro["source"] = "microdata"
        micro_years = set(micro["year"].astype(int))
        parts.append(micro)
    if len(summary):
        rest = summary[~summary["year"].astype(int).isin(micro_years)].copy()
        rest["is_missing_list"] = False
        for col in OUTPUT_COLUMNS:
            if col not in rest:
                rest[col] = pd.Series(
                    pd.NA, index=rest.index, dtype="Int64" if col.startswith("n_") else "Float64"
                )
        parts.append(rest[[*OUTPUT_COLUMNS, "source"]])
    if not parts:
        raise UserError("Không có số liệu rà soát: cần danh sách hộ hoặc biểu tổng hợp theo xã.")
    out = pd.concat(parts, ignore_index=True)
    counts = "Int64" if out["is_missing_list"].any() else "int64"
    for col in ("n_households", "n_poor", "n_near_poor"):
        out[col] = out[col].astype(counts)
    out["is_missing_list"] = out["is_missing_list"].astype(bool)
    return out.sort_values(["year", "commune_code"], ignore_index=True)
