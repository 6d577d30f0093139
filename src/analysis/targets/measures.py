"""Long counts behind the scorecard: numerator and denominator per year, commune and measure key.

Counts re-aggregate across unit vintages by summing (the 2025 merger); rates are
recomputed from counts, never averaged.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import UserError
from analysis.schema import DEPRIVATION_COLUMNS

MONITORING_COLUMNS = ("commune_code", "year", "indicator", "numerator", "denominator")
DEPRIVATION_TABLE_COLUMNS = (
    "year", "commune_code", "indicator", "population", "n_deprived", "n_households",
)  # fmt: skip
MEASURE_COLUMNS = [
    "year", "vintage", "commune_code", "commune_name", "key", "numerator", "denominator",
]  # fmt: skip
DISTRICT_CODE = "district"


# ----------------------------------------------------------------------------- inputs
def read_monitoring(path: str | Path) -> pd.DataFrame:
    """Read a program monitoring sheet (csv or xlsx): commune_code, year, indicator, numerator, denominator."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"Không tìm thấy tệp số liệu theo dõi chương trình: {path}")
    if path.suffix.lower() in (".xlsx", ".xls"):
        raw = pd.read_excel(path, dtype={"commune_code": str})
    else:
        raw = pd.read_csv(path, dtype={"commune_code": str}, comment="#")
    return validate_monitoring(raw, source=str(path))


def validate_monitoring(raw: pd.DataFrame, source: str = "bảng theo dõi") -> pd.DataFrame:
    missing = [c for c in MONITORING_COLUMNS if c not in raw.columns]
    if missing:
        raise UserError(f"{source}: thiếu cột {', '.join(missing)}")
    out = raw[list(MONITORING_COLUMNS)].copy()
    for col in ("year", "numerator", "denominator"):
        num = pd.to_numeric(out[col], errors="coerce")
        bad = num.isna() & out[col].notna() | (num < 0)
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0]) + 2  # header is row 1
            raise UserError(f"{source}, dòng {row}, cột '{col}': giá trị không hợp lệ")
        out[col] = num
    over = out["numerator"] > out["denominator"]
    if over.any():
        row = int(np.flatnonzero(over.to_numpy())[0]) + 2
        raise UserError(f"{source}, dòng {row}: tử số lớn hơn mẫu số")
    out["commune_code"] = out["commune_code"].astype("string").str.strip()
    out["indicator"] = out["indicator"].astype("string").str.strip()
    out["year"] = out["year"].astype("int64")
    return out


def indicator_measures(indicators: pd.DataFrame) -> pd.DataFrame:
    """Long counts of the commune x year indicator table (households and the three groups)."""
    base = indicators[["year", "unit_vintage", "commune_code", "commune_name"]].rename(
        columns={"unit_vintage": "vintage"}
    )
    n = indicators["n_households"].to_numpy(dtype=float)
    poor = indicators["n_poor"].to_numpy(dtype=float)
    near = indicators["n_near_poor"].to_numpy(dtype=float)
    parts = [
        base.assign(key=key, numerator=num, denominator=n)
        for key, num in (("poor", poor), ("near_poor", near), ("poor_or_near_poor", poor + near))
    ]
    return pd.concat(parts, ignore_index=True)[MEASURE_COLUMNS]


def deprivation_measures(deprivations: pd.DataFrame, vintage_of) -> pd.DataFrame:
    """Long counts of the optional deprivation table; key dep:<indicator>:<population>."""
    missing = [c for c in DEPRIVATION_TABLE_COLUMNS if c not in deprivations.columns]
    if missing:
        raise UserError(f"Bảng thiếu hụt theo xã: thiếu cột {', '.join(missing)}")
    unknown = sorted(set(deprivations["indicator"]) - set(DEPRIVATION_COLUMNS))
    if unknown:
        raise UserError(f"Bảng thiếu hụt theo xã: chỉ số không biết {', '.join(unknown)}")
    d = deprivations
    return pd.DataFrame(
        {
            "year": d["year"].astype("int64"),
            "vintage": d["year"].map(vintage_of).astype("int64"),
            "commune_code": d["commune_code"].astype("string"),
            "commune_name": pd.NA,
            "key": "dep:" + d["indicator"].astype(str) + ":" + d["population"].astype(str),
            "numerator": d["n_deprived"].astype(float),
            "denominator": d["n_households"].astype(float),
        }
    )[MEASURE_COLUMNS]


def monitoring_measures(monitoring: pd.DataFrame, vintage_of) -> pd.DataFrame:
    m = validate_monitoring(monitoring)
    return pd.DataFrame(
        {
            "year": m["year"],
            "vintage": m["year"].map(vintage_of).astype("int64"),
            "commune_code": m["commune_code"],
            "commune_name": pd.NA,
            "key": "mon:" + m["indicator"].astype(str),
            "numerator": m["numerator"].astype(float),
            "denominator": m["denominator"].astype(float),
        }
    )[MEASURE_COLUMNS]


def collect_measures(indicators, config, deprivations=None, monitoring=None) -> pd.DataFrame:
    parts = [indicator_measures(indicators)]
    if deprivations is not None and len(deprivations):
        parts.append(deprivation_measures(deprivations, config.vintage_for))
    if monitoring is not None and len(monitoring):
        parts.append(monitoring_measures(monitoring, config.vintage_for))
    out = pd.concat(parts, ignore_index=True)
    names = (
        indicators.drop_duplicates(["unit_vintage", "commune_code"])
        .set_index(["unit_vintage", "commune_code"])["commune_name"]
        .to_dict()
    )
    keys = list(zip(out["vintage"], out["commune_code"], strict=True))
    out["commune_name"] = [names.get(k, pd.NA) for k in keys]
    out["year"] = out["year"].astype("int64")
    out["vintage"] = out["vintage"].astype("int64")
    return out


# ------------------------------------------------------------------- vintages, district
def reaggregate(
    table: pd.DataFrame,
    mapping: Mapping[str, str],
    to_vintage: int,
    names: Mapping[str, str] | None = None,
    count_columns: list[str] | None = None,
    vintage_column: str = "unit_vintage",
) -> pd.DataFrame:
    """Re-aggregate rows of earlier vintages to `to_vintage` codes by summing counts.

    `mapping` maps old code -> new code (registry.to_merged()). Rows already on
    `to_vintage` are kept; rows whose code is not in `mapping` raise UserError.
    """
    cur = table[table[vintage_column] == to_vintage]
    old = table[table[vintage_column] != to_vintage]
    if old.empty:
        return table.copy()
    unmapped = sorted(set(old["commune_code"]) - set(mapping))
    if unmapped:
        raise UserError(
            f"Không có mã xã kỳ {to_vintage} cho các mã: {', '.join(map(str, unmapped))}"
        )
    old = old.assign(commune_code=old["commune_code"].map(mapping).astype("string"))
    keys = ["year", "commune_code"] + (["key"] if "key" in table.columns else [])
    counts = count_columns or [
        c for c in table.columns if c.startswith("n_") or c in ("numerator", "denominator")
    ]
    agg = old.groupby(keys, as_index=False)[counts].sum(min_count=1)
    agg[vintage_column] = to_vintage
    all_names = dict(names or {})
    given = cur.dropna(subset=["commune_name"]) if "commune_name" in cur else cur.iloc[0:0]
    all_names.update(dict(zip(given["commune_code"], given["commune_name"], strict=True)))
    agg["commune_name"] = agg["commune_code"].map(all_names)
    cur = cur.assign(commune_name=cur["commune_code"].map(all_names))
    out = pd.concat([agg, cur], ignore_index=True)
    return out[[c for c in table.columns if c in out.columns]].sort_values(keys, ignore_index=True)


def district_measures(measures: pd.DataFrame) -> pd.DataFrame:
    out = measures.groupby(["year", "key"], as_index=False)[["numerator", "denominator"]].sum(
        min_count=1
    )
    out["commune_code"] = DISTRICT_CODE
    out["commune_name"] = "Toàn huyện"
    out["vintage"] = -1
    return out[MEASURE_COLUMNS]


def add_rates(indicators: pd.DataFrame) -> pd.DataFrame:
    """Recompute the three rates from counts (after summing)."""
    n = indicators["n_households"].astype(float)
    return indicators.assign(
        poor_rate=indicators["n_poor"] / n,
        near_poor_rate=indicators["n_near_poor"] / n,
        multidim_rate=(indicators["n_poor"] + indicators["n_near_poor"]) / n,
    )


def district_table(indicators: pd.DataFrame) -> pd.DataFrame:
    """The district (all communes summed) per year, with rates recomputed from counts."""
    counts = [c for c in indicators.columns if c.startswith("n_")]
    out = indicators.groupby("year", as_index=False)[counts].sum(min_count=1)
    out["commune_code"] = DISTRICT_CODE
    out["commune_name"] = "Toàn huyện"
    return add_rates(out)


def vintage_frames(measures: pd.DataFrame, mapping: Mapping[str, str] | None) -> dict:
    """vintage -> commune measures on that vintage (earlier vintages re-aggregated when mapped)."""
    frames = {}
    vintages = sorted(measures["vintage"].unique())
    for v in vintages:
        own = measures[measures["vintage"] == v]
        earlier = measures[measures["vintage"] < v]
        if mapping and not earlier.empty and set(earlier["commune_code"]) <= set(mapping):
            both = pd.concat([earlier, own], ignore_index=True)
            own = reaggregate(both, mapping, int(v), vintage_column="vintage")
        frames[int(v)] = own
    return frames
