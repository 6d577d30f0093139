"""Move commune tables between unit vintages through the registry crosswalk.

Only the merging direction exists (2024 units -> 2025 communes): counts are summed
and rates recomputed from the summed counts, never averaged. The other direction
would need to split a commune's households and is refused with a UserError.
"""

from __future__ import annotations

import pandas as pd

from analysis.errors import UserError
from analysis.registry import LEGACY_VINTAGE, Registry

RATES = {  # rate column -> (numerator columns, denominator column)
    "poor_rate": (("n_poor",), "n_households"),
    "near_poor_rate": (("n_near_poor",), "n_households"),
    "multidim_rate": (("n_poor", "n_near_poor"), "n_households"),
}


def check_direction(from_vintage: int, to_vintage: int, registry: Registry) -> None:
    """Raise a UserError unless data of `from_vintage` can be shown at `to_vintage`."""
    if from_vintage == to_vintage:
        return
    if from_vintage == LEGACY_VINTAGE and to_vintage in set(registry.crosswalk["to_vintage"]):
        return
    raise UserError(
        f"Không thể đưa số liệu theo đơn vị hành chính kỳ {from_vintage} lên bản đồ kỳ "
        f"{to_vintage}: một xã sau sáp nhập không chia ngược được thành các xã cũ. Hãy dùng "
        f"tệp ranh giới kỳ {from_vintage} hoặc mới hơn (khóa boundaries.vintage), hoặc bỏ "
        f"boundaries.path để dùng sơ đồ minh họa."
    )


def map_codes(codes: pd.Series, registry: Registry, from_vintage: int, to_vintage: int):
    """The codes of `to_vintage` that absorbed each code of `from_vintage`."""
    check_direction(from_vintage, to_vintage, registry)
    if from_vintage == to_vintage:
        return codes
    to_code = registry.to_merged()
    out = codes.map(to_code)
    if out.isna().any():
        bad = ", ".join(sorted(set(codes[out.isna()].astype(str))))
        raise UserError(f"Mã xã không có trong bảng chuyển đổi kỳ {from_vintage}: {bad}")
    return out


def sum_counts(
    df: pd.DataFrame,
    registry: Registry,
    from_vintage: int,
    to_vintage: int,
    keys: list[str],
    count_columns: list[str],
) -> pd.DataFrame:
    """Sum `count_columns` of `df` into the communes of `to_vintage`, grouped by `keys`."""
    out = df.assign(commune_code=map_codes(df["commune_code"], registry, from_vintage, to_vintage))
    return out.groupby(["commune_code", *keys], as_index=False, sort=True)[count_columns].sum(
        min_count=1
    )


def reaggregate(indicators: pd.DataFrame, registry: Registry, to_vintage: int) -> pd.DataFrame:
    """The commune x year indicator table at `to_vintage` (counts summed, rates recomputed)."""
    vintages = set(indicators["unit_vintage"].astype(int))
    if vintages == {to_vintage}:
        return indicators.copy()
    parts = []
    for vintage, part in indicators.groupby("unit_vintage", sort=True):
        if int(vintage) == to_vintage:
            parts.append(part)
            continue
        counts = [c for c in part.columns if c.startswith("n_")]
        summed = sum_counts(part, registry, int(vintage), to_vintage, ["year"], counts)
        if "is_missing_list" in part:
            # a new unit with any old unit lacking its list is itself "thiếu số liệu"
            flags = part.assign(
                commune_code=map_codes(part["commune_code"], registry, int(vintage), to_vintage)
            )
            flags = flags.groupby(["commune_code", "year"], as_index=False)["is_missing_list"]
            summed = summed.merge(flags.any(), on=["commune_code", "year"], how="left")
            hit = summed["is_missing_list"].fillna(False).astype(bool)
            summed["is_missing_list"] = hit
            if hit.any():
                for col in counts:
                    summed[col] = summed[col].astype("Int64").mask(hit)
        parts.append(summed.assign(unit_vintage=to_vintage))
    out = pd.concat(parts, ignore_index=True)
    out["commune_name"] = out["commune_code"].map(registry.names(to_vintage))
    for rate, (numerators, denominator) in RATES.items():
        if rate in indicators.columns:
            out[rate] = out[list(numerators)].sum(axis=1) / out[denominator]
    out["unit_vintage"] = out["unit_vintage"].astype(indicators["unit_vintage"].dtype)
    columns = [c for c in indicators.columns if c in out.columns]
    return out[columns].sort_values(["year", "commune_code"], ignore_index=True)


def reaggregate_deprivation(
    deprivation: pd.DataFrame, registry: Registry, from_vintage: int, to_vintage: int
) -> pd.DataFrame:
    """Long table (commune_code, indicator, rate[, n_deprived, n_base]) at `to_vintage`.

    Rates are recomputed as sum(n_deprived) / sum(n_base); without those counts a
    table can only be shown at its own vintage.
    """
    if from_vintage == to_vintage:
        return deprivation.copy()
    check_direction(from_vintage, to_vintage, registry)
    if not {"n_deprived", "n_base"} <= set(deprivation.columns):
        raise UserError(
            "Bảng thiếu hụt theo chỉ số cần cột n_deprived và n_base (số hộ thiếu hụt, số hộ "
            "được xét) để gộp sang xã sau sáp nhập; không thể lấy trung bình các tỷ lệ."
        )
    out = sum_counts(
        deprivation, registry, from_vintage, to_vintage, ["indicator"], ["n_deprived", "n_base"]
    )
    out["rate"] = out["n_deprived"] / out["n_base"]
    return out


def reaggregate_allocation(
    allocation: pd.DataFrame, registry: Registry, from_vintage: int, to_vintage: int
) -> pd.DataFrame:
    """Allocation table (commune_code, amount_million_vnd, n_poor) at `to_vintage`."""
    if from_vintage == to_vintage:
        return allocation.copy()
    return sum_counts(
        allocation, registry, from_vintage, to_vintage, [], ["amount_million_vnd", "n_poor"]
    )
