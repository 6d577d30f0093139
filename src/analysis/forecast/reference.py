"""Published poverty figures (data/reference/poverty_rates_published.csv) as series.

The table holds what ministries, provinces and newspapers published: one row per unit,
year and poverty standard, each with its source and address (docs/REFERENCE_SERIES.md
says how it was assembled). The forecast uses it twice: its spread of yearly changes is
the prior for year-to-year variation when a run's own history is too short
(`variation_prior`), and its series are the real-data backtest of the trend models
(`analysis.forecast.backtest.reference_backtest`).

`load_published` validates the file (a `UserError` names the row and column) and fills
a missing rate from the other two (multidimensional = poor + near-poor) or from counts
over households; every filled value is listed in `derived`. `published_series` returns
series that never cross a change of standard: a series is (unit, standard, quantity).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.config import PROJECT_ROOT
from analysis.errors import UserError
from analysis.vietnamese import format_number

PUBLISHED_PATH = PROJECT_ROOT / "data" / "reference" / "poverty_rates_published.csv"
CURRENT_STANDARD = "vn-2022-2025"
STANDARDS = ("vn-2016-2020", "vn-2022-2025")
LEVELS = ("national", "region", "group", "province", "district", "commune")
RATES = {"poor_rate": "poor_rate_pct", "near_poor_rate": "near_poor_rate_pct",
         "multidim_rate": "multidim_rate_pct"}  # fmt: skip
COUNTS = ("n_households", "n_poor", "n_near_poor", "n_poor_or_near_poor", "n_poor_exits",
          "n_poor_relapsed", "n_poor_new", "n_poor_from_near_poor", "n_near_poor_exits")  # fmt: skip
COLUMNS = ("unit", "level", "parent", "year", "standard", *COUNTS[:2], "poor_rate_pct",
           "n_near_poor", "near_poor_rate_pct", "n_poor_or_near_poor", "multidim_rate_pct",
           *COUNTS[4:], "derived", "source", "published", "address", "note")  # fmt: skip
# Published rates carry two decimals: sums and count ratios agree within these.
RATE_SUM_TOLERANCE_PCT = 0.021
COUNT_RATE_TOLERANCE_PCT = 0.0051
COUNT_SUM_TOLERANCE = 0.001  # relative; the 2022 national totals differ by 119 households


def _fail(path: Path, row: int | None, column: str | None, message: str) -> UserError:
    where = (
        f"{path.name}" + (f", dòng {row}" if row else "") + (f", cột '{column}'" if column else "")
    )
    return UserError(f"{where}: {message}")


@lru_cache(maxsize=4)
def _load_cached(path: Path) -> pd.DataFrame:
    return _load(path)


def load_published(path: str | Path | None = None) -> pd.DataFrame:
    """The validated table, rates as fractions (`poor_rate`, ...) beside the percentages."""
    return _load_cached(Path(path or PUBLISHED_PATH)).copy()


def _load(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise _fail(path, None, None, "không tìm thấy tệp số liệu công bố")
    raw = pd.read_csv(path, dtype="string", keep_default_na=False)
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise _fail(path, None, None, "thiếu cột " + ", ".join(missing))
    out = pd.DataFrame(index=raw.index)
    for col in ("unit", "level", "parent", "standard", "derived", "source", "published",
                "address", "note"):  # fmt: skip
        out[col] = raw[col].str.strip()
    for i, rec in out.iterrows():
        row = int(i) + 2
        for col in ("unit", "source", "address"):
            if not rec[col]:
                raise _fail(path, row, col, "thiếu giá trị (mỗi số liệu cần nguồn và địa chỉ)")
        if rec["level"] not in LEVELS:
            raise _fail(path, row, "level", f"'{rec['level']}' không hợp lệ ({', '.join(LEVELS)})")
        if rec["standard"] not in STANDARDS:
            raise _fail(
                path, row, "standard", f"chuẩn '{rec['standard']}' không có trong {STANDARDS}"
            )
    out["year"] = _numbers(raw, "year", path, integer=True)
    for col in COUNTS:
        out[col] = _numbers(raw, col, path, integer=True)
    for col in RATES.values():
        out[col] = _numbers(raw, col, path)
    _check_values(out, path)
    dup = out.duplicated(["unit", "year", "standard"], keep=False)
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise _fail(path, i + 2, "unit", "đơn vị, năm và chuẩn nghèo trùng với một dòng khác")
    _complete(out)
    for key, col in RATES.items():
        out[key] = out[col] / 100
    return out.sort_values(["standard", "level", "unit", "year"], ignore_index=True)


def _numbers(raw: pd.DataFrame, col: str, path: Path, integer: bool = False) -> pd.Series:
    text = raw[col].str.strip()
    values = pd.to_numeric(text.where(text != ""), errors="coerce")
    bad = (text != "") & values.isna()
    if integer:
        bad |= values.notna() & (values != values.round())
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        kind = "số nguyên" if integer else "số"
        raise _fail(path, i + 2, col, f"'{text.iloc[i]}' không phải {kind}")
    return values.astype("Int64") if integer else values.astype(float)


def _check_values(out: pd.DataFrame, path: Path) -> None:
    for col in (*COUNTS, *RATES.values()):
        neg = out[col].notna() & (out[col] < 0)
        if neg.any():
            raise _fail(path, int(np.flatnonzero(neg)[0]) + 2, col, "giá trị âm")
    for col in RATES.values():
        high = out[col].notna() & (out[col] > 100)
        if high.any():
            raise _fail(path, int(np.flatnonzero(high)[0]) + 2, col, "tỷ lệ (%) lớn hơn 100")
    p, q, m = (out[c] for c in RATES.values())
    off = p.notna() & q.notna() & m.notna() & ((p + q - m).abs() > RATE_SUM_TOLERANCE_PCT)
    if off.any():
        i = int(np.flatnonzero(off)[0])
        raise _fail(path, i + 2, "multidim_rate_pct", f"tỷ lệ nghèo đa chiều {format_number(m[i], 2)}% "
                    f"khác tỷ lệ nghèo + cận nghèo ({format_number(p[i] + q[i], 2)}%)")  # fmt: skip
    hh = out["n_households"].astype(float)
    for count, rate in (("n_poor", "poor_rate_pct"), ("n_near_poor", "near_poor_rate_pct"),
                        ("n_poor_or_near_poor", "multidim_rate_pct")):  # fmt: skip
        computed = 100 * out[count].astype(float) / hh
        off = (
            computed.notna()
            & out[rate].notna()
            & ((computed - out[rate]).abs() > COUNT_RATE_TOLERANCE_PCT)
        )
        if off.any():
            i = int(np.flatnonzero(off)[0])
            raise _fail(path, i + 2, rate, f"tỷ lệ {format_number(out[rate][i], 2)}% khác số hộ ÷ "
                        f"tổng số hộ ({format_number(computed[i], 2)}%)")  # fmt: skip
    total = out["n_poor"].astype(float) + out["n_near_poor"].astype(float)
    both = out["n_poor_or_near_poor"].astype(float)
    off = total.notna() & both.notna() & ((total - both).abs() > COUNT_SUM_TOLERANCE * both)
    if off.any():
        raise _fail(path, int(np.flatnonzero(off)[0]) + 2, "n_poor_or_near_poor",
                    "khác số hộ nghèo + số hộ cận nghèo")  # fmt: skip
    valid = set(COUNTS) | set(RATES.values())
    for i, text in out["derived"].items():
        names = [n for n in str(text).split(";") if n]
        wrong = [n for n in names if n not in valid]
        if wrong:
            raise _fail(path, int(i) + 2, "derived", f"cột không tồn tại: {', '.join(wrong)}")


def _complete(out: pd.DataFrame) -> None:
    """Fill a missing rate from counts over households, then from the other two rates."""
    hh = out["n_households"].astype(float)
    filled = [set(filter(None, str(d).split(";"))) for d in out["derived"]]
    for count, rate in (("n_poor", "poor_rate_pct"), ("n_near_poor", "near_poor_rate_pct")):
        computed = (100 * out[count].astype(float) / hh).round(2)
        use = out[rate].isna() & computed.notna()
        out.loc[use, rate] = computed[use]
        for i in np.flatnonzero(use):
            filled[i].add(rate)
    p, q, m = (out[c].copy() for c in RATES.values())
    rules = (("multidim_rate_pct", m.isna() & p.notna() & q.notna(), (p + q).round(2)),
             ("near_poor_rate_pct", q.isna() & m.notna() & p.notna(), (m - p).round(2)),
             ("poor_rate_pct", p.isna() & m.notna() & q.notna(), (m - q).round(2)))  # fmt: skip
    for col, use, value in rules:
        out.loc[use, col] = value[use]
        for i in np.flatnonzero(use):
            filled[i].add(col)
    out["derived"] = [";".join(sorted(s)) for s in filled]


@dataclass(frozen=True)
class Series:
    unit: str
    level: str
    standard: str
    quantity: str
    years: np.ndarray  # (T,) int
    rates: np.ndarray  # (T,) fractions
    households: float  # latest known resident households (nan when not published)


def published_series(
    table: pd.DataFrame | None = None,
    quantities: tuple[str, ...] = tuple(RATES),
    standard: str | None = CURRENT_STANDARD,
    min_years: int = 1,
) -> list[Series]:
    """One series per unit, standard and quantity (rates as fractions), years ascending.

    A series never mixes standards: the 2021 review under the 2016-2020 standard and the
    same year under the 2022-2025 standard are two series. `standard=None` keeps both.
    """
    if table is None:
        return list(_default_series(tuple(quantities), standard, min_years))
    return _series(table, quantities, standard, min_years)


@lru_cache(maxsize=16)
def _default_series(quantities: tuple[str, ...], standard: str | None, min_years: int):
    return tuple(_series(load_published(), quantities, standard, min_years))


def _series(table, quantities, standard, min_years) -> list[Series]:
    if standard is not None:
        table = table[table["standard"] == standard]
    out = []
    for (unit, std), g in table.groupby(["unit", "standard"], sort=True):
        g = g.sort_values("year")
        hh = g["n_households"].dropna()
        households = float(hh.iloc[-1]) if len(hh) else float("nan")
        for q in quantities:
            h = g[g[q].notna()]
            if len(h) >= min_years:
                out.append(Series(str(unit), str(h["level"].iloc[0]), str(std), q,
                                  h["year"].to_numpy(int), h[q].to_numpy(float), households))  # fmt: skip
    return out


def describe_sources(table: pd.DataFrame | None = None) -> str:
    """'n figures from m sources, years a–b' for the documents' method notes."""
    table = load_published() if table is None else table
    return (
        f"{len(table)} số liệu công bố ({table['source'].nunique()} nguồn, "
        f"{int(table['year'].min())}–{int(table['year'].max())})"
    )


__all__ = ["PUBLISHED_PATH", "Series", "load_published", "published_series"]
