"""The one-scan profile in Polars (lazy, streaming): the same sums as `engine.profile_sql`.

The expressions are generated from the standard as in `scale.expressions` (same rules, same
aliases), as Polars expressions instead of SQL text; the result has the columns of the
DuckDB query, so `engine.Profile` builds every table from either.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from analysis.scale.expressions import weight_units
from analysis.scale.layout import PARTITION_TYPES
from analysis.schema import STATUSES
from analysis.standard import STATUS_ORDER, Lines, Standard

KEYS = ("province_code", "district_code", "commune_code", "year")
_HIVE = {"VARCHAR": pl.String, "INTEGER": pl.Int32}


def scan(files: str, years: Iterable[int] | None = None) -> pl.LazyFrame:
    schema = {k: _HIVE[v] for k, v in PARTITION_TYPES.items()}
    lf = pl.scan_parquet(files, hive_partitioning=True, hive_schema=schema)
    if years is not None:
        lf = lf.filter(pl.col("year").is_in([int(y) for y in years]))
    return lf


def _line(lines: Lines) -> pl.Expr:
    return pl.when(pl.col("urb")).then(lines.urban).otherwise(lines.rural)


def _number(column: str, columns: set[str]) -> pl.Expr:
    if column not in columns:
        return pl.lit(None, dtype=pl.Float64)
    value = pl.col(column).cast(pl.Float64)
    return pl.when(value.is_nan()).then(None).otherwise(value)


def profile_frame(
    lf: pl.LazyFrame,
    std: Standard,
    columns: Iterable[str],
    *,
    k: int = 3,
    population: str = "all",
    persons: bool = False,
) -> pl.LazyFrame:
    """Per (province, district, commune, year): the columns of `engine.profile_sql`."""
    cols = set(columns)
    units, denominator = weight_units(std)
    flags = {c: pl.col(c).fill_null(False) for c in std.indicators}
    by_flags = pl.col("has_indicator_flags").fill_null(True) if "has_indicator_flags" in cols \
        else pl.lit(True)  # fmt: skip
    lf = lf.with_columns(
        pl.col("is_urban").fill_null(False).alias("urb"),
        _number("income_pc_vnd", cols).alias("inc"),
        _number("income_score", cols).alias("sc"),
        by_flags.alias("by_flags"),
        *(e.alias(f"f_{c}") for c, e in flags.items()),
    )
    counted = pl.sum_horizontal([pl.col(f"f_{c}").cast(pl.Int32) for c in std.indicators])
    nd = counted
    if "has_indicator_flags" in cols and "n_deprivations" in cols:
        listed = pl.col("n_deprivations").cast(pl.Int32).fill_null(0)
        nd = pl.when(pl.col("by_flags")).then(counted).otherwise(listed)
    su = pl.sum_horizontal([pl.col(f"f_{c}").cast(pl.Int32) * units[c] for c in std.indicators])
    known = pl.col("inc").is_not_null()
    below = (pl.col("inc") <= _line(std.lines)).fill_null(False)
    if std.score_lines is not None:
        known = known | pl.col("sc").is_not_null()
        below = below | (
            pl.col("inc").is_null() & (pl.col("sc") <= _line(std.score_lines))
        ).fill_null(False)
    lf = lf.with_columns(nd.alias("nd"), su.alias("su"), known.alias("kn"), below.alias("bl"))
    rule = pl.col("bl") & (pl.col("nd") >= std.min_deprivations)
    if std.income_only_lines is not None:
        rule = (pl.col("inc") <= _line(std.income_only_lines)).fill_null(False) | rule
    cls = pl.when(~pl.col("kn")).then(None).when(rule).then(0).when(pl.col("bl")).then(1)
    if std.avg_living_lines is not None:
        cls = cls.when(pl.col("inc") <= _line(std.avg_living_lines)).then(2)
    af_in = pl.col("by_flags")
    if population == "listed":
        af_in = af_in & pl.col("reported_status").is_in(["poor", "near_poor"])
    ap = af_in & (pl.col("su") * len(std.indicators) >= k * denominator)
    lf = lf.with_columns(cls.otherwise(3).alias("cls"), af_in.alias("af_in"), ap.alias("ap"))
    return lf.group_by(list(KEYS)).agg(_aggregates(std, persons))


def _aggregates(std: Standard, persons: bool) -> list[pl.Expr]:
    rs, m, cls = pl.col("reported_status"), pl.col("n_members"), pl.col("cls")
    low_line = std.low_income_lines

    def count(cond: pl.Expr) -> pl.Expr:
        return cond.fill_null(False).sum().cast(pl.Int64)

    def total(cond: pl.Expr, value: pl.Expr) -> pl.Expr:
        return pl.when(cond.fill_null(False)).then(value).otherwise(0).sum().cast(pl.Int64)

    out = [
        pl.len().cast(pl.Int64).alias("n_rows"),
        m.sum().cast(pl.Int64).alias("n_rows_persons"),
        pl.col("unit_vintage").min().alias("vintage_min"),
        pl.col("unit_vintage").max().alias("vintage_max"),
        m.count().cast(pl.Int64).alias("n_with_members"),
        pl.col("unit_vintage").count().cast(pl.Int64).alias("n_with_vintage"),
        *(count(rs == s).alias(f"n_reported_{s}") for s in STATUSES),
        total(rs == "poor", m).alias("n_poor_persons"),
        total(rs == "near_poor", m).alias("n_near_poor_persons"),
        count(cls.is_null()).alias("n_class_unknown"),
    ]
    for code, label in enumerate(STATUS_ORDER):
        low = pl.lit(0, dtype=pl.Int64)
        if code >= 2 and low_line is not None:
            low = count((cls == code) & (pl.col("inc") <= _line(low_line)))
        out += [
            count(cls == code).alias(f"n_class_{label}"),
            total(cls == code, m).alias(f"n_class_{label}_persons"),
            low.alias(f"n_class_{label}_low_income"),
        ]
    w = m if persons else pl.lit(1)
    ap = pl.col("ap")
    out += [
        total(pl.col("af_in"), w).alias("af_n"),
        total(ap, w).alias("af_q"),
        total(ap, pl.col("su") * w).alias("af_score_units"),
        *(total(ap & pl.col(f"f_{c}"), w).alias(f"af_censored_{c}") for c in std.indicators),
    ]
    return out
