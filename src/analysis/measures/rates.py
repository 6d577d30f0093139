"""Commune x year indicators (the hand-off table) and their district totals.

Official counts use the reported status (the approved review result). Denominators
come from the resident totals, never from the lists: the lists hold only the
reviewed households.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Collection, Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.errors import UserError
from analysis.measures._frame import (
    DISTRICT_LABEL_VI,
    name_of,
    prepare_households,
    prepare_totals,
    safe_rate,
    vintage_by_year,
)
from analysis.measures._groups import group_codes, sum_by
from analysis.measures.flows import check_flows, flows_of_prepared
from analysis.schema import DYNAMICS_COLUMNS, INDICATOR_COLUMNS

INDICATOR_NAMES = tuple(c.name for c in INDICATOR_COLUMNS)
PERSON_COUNTS = ("n_poor_persons", "n_near_poor_persons")
COUNT_COLUMNS = ("n_households", "n_persons", "n_poor", "n_near_poor", *PERSON_COUNTS)
MISSING_FLAG = "is_missing_list"
OUTPUT_COLUMNS = (*INDICATOR_NAMES, *PERSON_COUNTS, *DYNAMICS_COLUMNS, MISSING_FLAG)
MISSING_VI = "thiếu số liệu"


def commune_indicators(
    households: pd.DataFrame,
    totals: pd.DataFrame,
    names: Mapping,
    status_col: str = "reported_status",
    *,
    crosswalk: Mapping[str, str] | None = None,
    missing: pd.DataFrame | None = None,
    broken_years: Collection[int] = (),
) -> pd.DataFrame:
    """One row per (year, commune_code): counts, rates and list dynamics.

    `households`: canonical household rows (lists or whole population), one or several
    years. `totals`: resident households (and persons) per year and commune.
    `names`: code -> commune name, or {vintage: {code: name}} when years span vintages.
    `crosswalk`: previous-vintage code -> new code (`registry.to_merged()`), used for
    the flows into the first year of a new vintage. Years are those of `households`;
    communes are those of `totals` (zero counts where nobody is listed: the list of
    that commune is present and empty).
    `missing`: (year, commune_code) whose list is absent (`Review.missing_lists`). Those
    rows keep their code and name, every count and rate is missing (<NA>/NaN, never 0)
    and `is_missing_list` is True; their flows and the flows of the next year into
    them are missing too.
    `broken_years`: years whose households cannot be linked to the previous review's
    (pseudonymised with another key, `ingest.key_breaks`): their flows are missing.
    """
    hh = prepare_households(households, status_col)
    return assemble_indicators(
        _list_counts(hh),
        vintage_by_year(hh),
        lambda: flows_of_prepared(hh, crosswalk, broken_years=broken_years),
        totals,
        names,
        crosswalk=crosswalk,
        missing=missing,
        broken_years=broken_years,
    )


def assemble_indicators(
    counts: pd.DataFrame,
    vintages: Mapping[int, int],
    flows: Callable[[], pd.DataFrame],
    totals: pd.DataFrame,
    names: Mapping,
    *,
    crosswalk: Mapping[str, str] | None = None,
    missing: pd.DataFrame | None = None,
    broken_years: Collection[int] = (),
) -> pd.DataFrame:
    """The indicator table from the household-level sums, whatever computed them.

    `counts`: year, commune_code, n_poor, n_near_poor, n_poor_persons, n_near_poor_persons
    per (year, commune) with listed households; `vintages`: year -> unit vintage; `flows`:
    returns the dynamics table (`list_flows` columns), called once the totals are checked.
    Used by `commune_indicators` (pandas) and by `analysis.scale` (DuckDB, Dask).
    """
    tot = prepare_totals(totals)
    vintages = dict(vintages)
    base = _denominators(tot, vintages)
    _check_covered(counts, base)
    out = base.merge(counts, on=["year", "commune_code"], how="left")
    for col in ("n_poor", "n_near_poor", *PERSON_COUNTS):
        out[col] = out[col].fillna(0).astype("int64")
    out["unit_vintage"] = out["year"].map(vintages)
    out["commune_name"] = _names(out, names)
    out = _attach_flows(out, flows(), vintages, broken_years)
    out = _mark_missing(out, missing, crosswalk)
    out = add_rates(out)
    check_counts(out)
    out = _finish(out)
    _warn_breaks(out)
    return out


def _warn_breaks(out: pd.DataFrame) -> None:
    breaks = check_flows(out)
    if len(breaks):
        first = breaks.iloc[0]
        warnings.warn(
            f"{len(breaks)} dòng biến động không khớp (đầu kỳ − giảm + tăng ≠ cuối kỳ), "
            f"ví dụ xã {first['commune_code']} năm {first['year']}",
            stacklevel=3,
        )


def _denominators(tot: pd.DataFrame, vintages: dict[int, int]) -> pd.DataFrame:
    missing = sorted(set(vintages) - set(tot["year"]))
    if missing:
        raise UserError(
            f"Bảng tổng số hộ không có năm {', '.join(map(str, missing))}: "
            "không tính được tỷ lệ (mẫu số là tổng số hộ cư trú, không lấy từ danh sách)"
        )
    return tot.loc[tot["year"].isin(list(vintages))].reset_index(drop=True)


def _list_counts(hh: pd.DataFrame) -> pd.DataFrame:
    codes, keys = group_codes(hh, ["year", "commune_code"])
    poor = (hh["status"] == "poor").to_numpy(dtype=bool)
    near = (hh["status"] == "near_poor").to_numpy(dtype=bool)
    members = hh["n_members"].to_numpy(dtype=float)
    g = len(keys)
    sums = {
        "n_poor": sum_by(codes, g, poor),
        "n_near_poor": sum_by(codes, g, near),
        "n_poor_persons": sum_by(codes, g, poor * members),
        "n_near_poor_persons": sum_by(codes, g, near * members),
    }
    return keys.assign(**{k: v.round().astype(np.int64) for k, v in sums.items()})


def _check_covered(
    counts: pd.DataFrame, base: pd.DataFrame, what: str = "trong danh sách hộ"
) -> None:
    known = pd.MultiIndex.from_frame(base[["year", "commune_code"]])
    keys = pd.MultiIndex.from_frame(counts[["year", "commune_code"]])
    unknown = keys[~keys.isin(known)]
    if len(unknown):
        shown = ", ".join(f"{c} ({y})" for y, c in unknown[:10])
        raise UserError(
            f"Có {len(unknown)} xã {what} nhưng không có trong bảng tổng số hộ: {shown}"
        )


def _names(out: pd.DataFrame, names: Mapping) -> pd.Series:
    looked_up = [
        name_of(names, v, c) for v, c in zip(out["unit_vintage"], out["commune_code"], strict=True)
    ]
    result = pd.Series(looked_up, index=out.index, dtype="string")
    return result.fillna(out["totals_name"]).fillna(out["commune_code"])


def _attach_flows(
    out: pd.DataFrame,
    flows: pd.DataFrame,
    vintages: dict[int, int],
    broken_years: Collection[int] = (),
) -> pd.DataFrame:
    flows = flows.astype({"year": "int64"})
    _check_covered(flows, out, "nhận biến động (mã năm trước qua bảng chuyển đổi)")
    out = out.merge(flows, on=["year", "commune_code"], how="left")
    broken = {int(y) for y in broken_years}
    linked = [y for y in vintages if y - 1 in vintages and y not in broken]
    has_previous = out["year"].isin(linked)
    for col in DYNAMICS_COLUMNS:
        values = out[col].astype("Int64")
        out[col] = values.fillna(0).where(has_previous, pd.NA).astype("Int64")
    return out


def _mark_missing(
    out: pd.DataFrame, missing: pd.DataFrame | None, crosswalk: Mapping[str, str] | None
) -> pd.DataFrame:
    """Blank the counts of the communes without a list; flag them."""
    out[MISSING_FLAG] = False
    if missing is None or missing.empty:
        return out
    keys = set(zip(missing["year"].astype(int), missing["commune_code"].astype(str), strict=True))
    row_keys = list(zip(out["year"].astype(int), out["commune_code"].astype(str), strict=True))
    flag = pd.Series([k in keys for k in row_keys], index=out.index)
    # the next year's flows start from the missing list: unknown too
    after = {(y + 1, (crosswalk or {}).get(c, c)) for y, c in keys} | {(y + 1, c) for y, c in keys}
    flows_unknown = flag | pd.Series([k in after for k in row_keys], index=out.index)
    out[MISSING_FLAG] = flag
    for col in ("n_households", "n_persons", "n_poor", "n_near_poor", *PERSON_COUNTS):
        out[col] = out[col].astype("Int64").mask(flag)
    for col in DYNAMICS_COLUMNS:
        out[col] = out[col].astype("Int64").mask(flows_unknown)
    return out


def missing_communes(indicators: pd.DataFrame, year: int) -> list[str]:
    """Names of the communes marked "thiếu số liệu" in `year` (no list), in code order."""
    if MISSING_FLAG not in indicators:
        return []
    rows = indicators[(indicators["year"] == year) & indicators[MISSING_FLAG].astype(bool)]
    return rows.sort_values("commune_code")["commune_name"].astype(str).tolist()


def describe_missing(indicators: pd.DataFrame, year: int) -> str:
    """'Tổng huyện chưa gồm N xã thiếu số liệu: …' for `year`, or '' when every list is in."""
    from analysis.i18n import t

    names = missing_communes(indicators, year)
    if not names:
        return ""
    return t(
        "Tổng huyện chưa gồm {n} xã thiếu số liệu: {names} (năm {year} không có danh sách hộ của "
        "các xã này; số liệu toàn huyện chỉ tính trên các xã có số liệu).",
        n=len(names),
        names=", ".join(names),
        year=year,
    )


def exclude_missing(
    indicators: pd.DataFrame, mapping: Mapping[str, str] | None = None
) -> tuple[pd.DataFrame, str]:
    """The table without the communes marked "thiếu số liệu", and the sentence saying so.

    For targets, forecasts, proposals: a commune missing in any year is dropped from
    every year, so that years compare like with like; with `mapping` (old code -> new
    code, `registry.to_merged()`), so are the new unit it merged into and that unit's
    other old communes (a merged unit with a gap is not comparable across the merger).
    Returns (table, "") when nothing is missing.
    """
    if MISSING_FLAG not in indicators or not indicators[MISSING_FLAG].astype(bool).any():
        return indicators, ""
    flagged = indicators[indicators[MISSING_FLAG].astype(bool)]
    codes = set(flagged["commune_code"].astype(str))
    if mapping:
        new = {mapping.get(c, c) for c in codes}
        codes |= new | {old for old, n in mapping.items() if n in new}
    dropped = indicators["commune_code"].astype(str).isin(codes)
    names = (
        indicators.loc[dropped & indicators[MISSING_FLAG].astype(bool)]
        .drop_duplicates("commune_code")
        .sort_values("commune_code")["commune_name"]
        .astype(str)
    )
    others = (
        indicators.loc[
            dropped
            & ~indicators["commune_code"].astype(str).isin(set(flagged["commune_code"].astype(str)))
        ]
        .drop_duplicates("commune_code")["commune_name"]
        .astype(str)
    )
    from analysis.i18n import t

    text = t(
        "Bảng theo dõi chỉ tiêu, dự báo và đề xuất chỉ tiêu chưa tính {n} xã thiếu số liệu "
        "({names}) ở mọi năm, để các năm so sánh được với nhau",
        n=len(names),
        names=", ".join(names),
    )
    if len(others):
        text += t(
            "; cùng với đó là các đơn vị sáp nhập liên quan ({names})", names=", ".join(others)
        )
    text += t(". Bổ sung danh sách hộ của các xã này rồi chạy lại trước khi dùng các kết quả này.")
    out = indicators.loc[~dropped].reset_index(drop=True)
    counts = [c for c in ("n_households", "n_poor", "n_near_poor") if c in out]
    out[counts] = out[counts].astype("int64")
    return out, text


def add_rates(table: pd.DataFrame) -> pd.DataFrame:
    """Poor, near-poor and multidimensional rates, recomputed from the counts."""
    n = table["n_households"].to_numpy(dtype=float)
    poor = table["n_poor"].to_numpy(dtype=float)
    near = table["n_near_poor"].to_numpy(dtype=float)
    return table.assign(
        poor_rate=safe_rate(poor, n),
        near_poor_rate=safe_rate(near, n),
        multidim_rate=safe_rate(poor + near, n),
    )


def check_counts(table: pd.DataFrame) -> None:
    """Loud check: poor + near-poor never exceed the resident households."""
    over = (table["n_poor"] + table["n_near_poor"] > table["n_households"]).fillna(False)
    if over.any():
        row = table.loc[over].iloc[0]
        raise UserError(
            f"Xã {row['commune_code']} năm {row['year']}: số hộ nghèo và cận nghèo "
            f"({row['n_poor'] + row['n_near_poor']}) vượt tổng số hộ ({row['n_households']})"
        )


def _finish(out: pd.DataFrame) -> pd.DataFrame:
    # counts stay int64 unless a commune has no list (then nullable, <NA> for it)
    counts = "Int64" if out[MISSING_FLAG].any() else "int64"
    out = out[list(OUTPUT_COLUMNS)].astype(
        {
            "year": "int16",
            "unit_vintage": "int16",
            "commune_code": "string",
            "commune_name": "string",
            "n_households": counts,
            "n_persons": "Int64",
            "n_poor": counts,
            "n_near_poor": counts,
            MISSING_FLAG: "bool",
        }
    )
    return out.sort_values(["year", "commune_code"], ignore_index=True)


def district_indicators(
    indicators: pd.DataFrame,
    label: str = DISTRICT_LABEL_VI,
    code: str | None = None,
    *,
    by: Sequence[str] = (),
) -> pd.DataFrame:
    """One row per year: counts summed over communes, rates recomputed from the sums.

    Communes without a list that year (`is_missing_list`) are left out of the sums, so
    the district's counts and rates are those of the communes with data; the column
    `n_communes_missing` says how many were left out (`describe_missing` names them).
    Otherwise a count that is missing (<NA>) for any commune is missing for the district.
    `by`: columns of a coarser unit (e.g. district_code, province_code): one row per unit
    and year, those columns first.
    """
    keys = [*by, "year"]
    flag = (
        indicators[MISSING_FLAG].astype(bool)
        if MISSING_FLAG in indicators
        else pd.Series(False, index=indicators.index)
    )
    n_missing = flag.groupby([indicators[k] for k in keys]).sum().astype("int64")
    if flag.all():
        raise UserError("Không xã nào có danh sách hộ: không tính được số liệu toàn huyện.")
    indicators = indicators.loc[~flag]
    sums = [c for c in (*COUNT_COLUMNS, *DYNAMICS_COLUMNS) if c in indicators]
    grouped = indicators.groupby(keys, sort=True)
    out = grouped[sums].sum(min_count=1)
    incomplete = indicators[sums].isna().groupby([indicators[k] for k in keys], sort=True).any()
    out = out.astype("Float64").mask(incomplete.reindex(out.index).astype(bool))
    out["unit_vintage"] = grouped["unit_vintage"].first()
    out = out.reset_index()
    out["commune_code"] = pd.Series(code if code is not None else pd.NA, index=out.index)
    out["commune_name"] = label
    out = add_rates(out)
    ordered = [c for c in OUTPUT_COLUMNS if c in out and c != MISSING_FLAG]
    out = out[[*by, *ordered]]
    missing_of = n_missing.rename("n_communes_missing").reset_index()
    out = out.merge(missing_of, on=keys, how="left")
    out["n_communes_missing"] = out["n_communes_missing"].fillna(0).astype("int64")
    int_cols = {c: "Int64" for c in sums}
    # persons are unknown on summary-table years: those stay nullable
    int_cols.update({c: "int64" for c in ("n_households", "n_poor", "n_near_poor") if c in out})
    return out.astype(
        {
            **int_cols,
            "year": "int16",
            "unit_vintage": "int16",
            "commune_code": "string",
            "commune_name": "string",
        }
    )
