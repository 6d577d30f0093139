"""Flows between consecutive reviews over the partitioned dataset, in DuckDB.

The same rules as `analysis.measures.flows` (read its docstring), as one join per pair of
review years: year t-1 (communes mapped to the vintage of t through the crosswalk when it
changes) full-outer-joined with year t on `household_id`, then summed per commune on each
side. Households listed in an earlier review ("relapsed") come from a semi-join on the
years before t-1. Columns and row set are those of `measures.list_flows`.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Mapping

import pandas as pd

from analysis.errors import UserError
from analysis.scale import expressions as ex
from analysis.scale.engine import Engine
from analysis.schema import DYNAMICS_COLUMNS, NEAR_POOR_DYNAMICS, POOR_DYNAMICS

GROUPS = (("poor", "near_poor", POOR_DYNAMICS), ("near_poor", "poor", NEAR_POOR_DYNAMICS))
XWALK = "scale_crosswalk"


def flows(
    engine: Engine,
    vintages: Mapping[int, int],
    crosswalk: Mapping[str, str] | None = None,
    *,
    persons: bool = False,
    broken_years: Collection[int] = (),
    check_unique: bool = True,
) -> pd.DataFrame:
    """Dynamics of the poor and near-poor lists per (year, commune_code) of the later review.

    `vintages`: year -> unit vintage (`Profile.vintages()`); `crosswalk`: previous-vintage
    code -> new code; without it the mapping is inferred from households present in both
    reviews, with a warning. Years in `broken_years` get no rows.
    """
    broken = {int(y) for y in broken_years}
    pairs = [y for y in sorted(vintages) if y - 1 in vintages and y not in broken]
    if check_unique and pairs:
        _check_unique(engine, sorted({*pairs, *(y - 1 for y in pairs)}))
    frames = []
    for year in pairs:
        mapped = vintages[year - 1] != vintages[year]
        if mapped:
            _register_crosswalk(engine, year, crosswalk)
        sql = pair_sql(engine, year, mapped=mapped, persons=persons)
        table = engine.query(sql, f"Biến động {year - 1}→{year}")
        frames.append(table.assign(year=year))
    return dynamics_table(frames)


def dynamics_table(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Per-year commune flow counts as one typed table, sorted (empty with its columns)."""
    if not frames:
        return pd.DataFrame(columns=["year", "commune_code", *DYNAMICS_COLUMNS])
    out = pd.concat(frames, ignore_index=True)[["year", "commune_code", *DYNAMICS_COLUMNS]]
    out = out.astype({"year": "int16", "commune_code": "string"} |
                     dict.fromkeys(DYNAMICS_COLUMNS, "int64"))  # fmt: skip
    return out.sort_values(["year", "commune_code"], ignore_index=True)


def _check_unique(engine: Engine, years: list[int]) -> None:
    """A household appears once per review (the join would count it twice otherwise)."""
    years = ", ".join(str(y) for y in years)
    dup = engine.con.execute(
        f"SELECT year, household_id, count(*) AS n FROM {engine.source()} "
        f"WHERE year IN ({years}) GROUP BY ALL HAVING count(*) > 1 LIMIT 1"
    ).fetchall()
    if dup:
        year, hid, n = dup[0]
        raise UserError(f"Bảng hộ: mã hộ '{hid}' xuất hiện {n} lần trong năm {year}")
    missing = engine.con.execute(
        f"SELECT year, commune_code FROM {engine.source()} WHERE year IN ({years}) "
        "AND household_id IS NULL LIMIT 1"
    ).fetchall()
    if missing:
        raise UserError(
            f"Bảng hộ (parquet), xã {missing[0][1]} năm {missing[0][0]}: thiếu giá trị cột "
            "'household_id'"
        )


def _register_crosswalk(engine: Engine, year: int, crosswalk: Mapping[str, str] | None) -> None:
    mapping = _infer_crosswalk(engine, year) if crosswalk is None else dict(crosswalk)
    frame = pd.DataFrame({"old": list(mapping), "new": list(mapping.values())}, dtype="string")
    engine.con.register(XWALK, frame)
    unmapped = engine.con.execute(
        f"SELECT DISTINCT commune_code FROM {engine.source([year - 1])} "
        f"WHERE commune_code NOT IN (SELECT old FROM {XWALK}) ORDER BY 1"
    ).fetchall()
    if unmapped:
        codes = ", ".join(r[0] for r in unmapped)
        raise UserError(
            f"Không chuyển được mã xã năm {year - 1} sang kỳ đơn vị của năm {year}: {codes} "
            "(thiếu trong bảng chuyển đổi đơn vị hành chính)"
        )


def _infer_crosswalk(engine: Engine, year: int) -> dict[str, str]:
    warnings.warn(
        f"Không có bảng chuyển đổi đơn vị hành chính {year - 1}→{year}: suy ra từ các hộ "
        "có mặt cả hai năm (nên truyền crosswalk=registry.to_merged()).",
        stacklevel=3,
    )
    rows = engine.con.execute(
        f"""SELECT p.commune_code AS old, c.commune_code AS new, count(*) AS n
        FROM {engine.source([year - 1])} p JOIN {engine.source([year])} c USING (household_id)
        GROUP BY ALL QUALIFY row_number() OVER (PARTITION BY old ORDER BY n DESC, new) = 1"""
    ).fetchall()
    return {old: new for old, new, _ in rows}


def pair_sql(engine: Engine, year: int, *, mapped: bool, persons: bool) -> str:
    """The dynamics of (year - 1, year) per commune, one row per commune on either side."""
    code_prev = "x.new" if mapped else "p.commune_code"
    join_x = f"JOIN {XWALK} x ON x.old = p.commune_code" if mapped else ""
    listed = "('poor', 'near_poor')"
    pair = f"""
        WITH prev AS (
            SELECT p.household_id, {code_prev} AS c, p.reported_status AS s, p.n_members AS m
            FROM {engine.source([year - 1])} p {join_x}),
        cur AS (
            SELECT household_id, commune_code AS c, reported_status AS s, n_members AS m
            FROM {engine.source([year])}),
        earlier AS (
            SELECT DISTINCT household_id FROM {engine.source_where(f"year < {year - 1}")}
            WHERE reported_status IN {listed})
        SELECT coalesce(prev.s, 'absent') AS sp, coalesce(cur.s, 'absent') AS sc,
               coalesce(prev.c, '') AS cp, coalesce(cur.c, '') AS cc,
               CAST(coalesce(prev.m, 0) AS BIGINT) AS mp, CAST(coalesce(cur.m, 0) AS BIGINT) AS mc,
               (e.household_id IS NOT NULL) AS lb
        FROM prev FULL OUTER JOIN cur ON prev.household_id = cur.household_id
        LEFT JOIN earlier e ON e.household_id = coalesce(prev.household_id, cur.household_id)"""
    wp, wc = ("mp", "mc") if persons else ("1", "1")
    start, end = [], []
    for group, other, c in GROUPS:
        was, now = f"sp = '{group}'", f"sc = '{group}'"
        not_before = f"sp NOT IN {listed}"
        stayed = f"({was} AND {now} AND cp = cc)"
        start += [
            _sum(was, wp, c[0]),
            _sum(f"{was} AND sc = '{other}'", wp, c[1]),
            _sum(f"{was} AND sc IN ('not_poor', 'avg_living')", wp, c[2]),
            _sum(f"{was} AND (sc = 'absent' OR ({now} AND cp <> cc))", wp, c[3],
                 extra=f"greatest({wp} - {wc}, 0)" if persons else None, when=stayed),
        ]  # fmt: skip
        end += [
            _sum(f"{now} AND sp = '{other}'", wc, c[4]),
            _sum(f"{now} AND {not_before} AND lb", wc, c[5]),
            _sum(f"{now} AND {not_before} AND NOT lb", wc, c[6]),
            _sum(f"{now} AND {was} AND cp <> cc", wc, c[7],
                 extra=f"greatest({wc} - {wp}, 0)" if persons else None, when=stayed),
            _sum(now, wc, c[8]),
        ]  # fmt: skip
    start_cols = [c[i] for _, _, c in GROUPS for i in range(4)]
    coalesced = ", ".join(
        f"coalesce({'s' if col in start_cols else 'e'}.{col}, 0) AS {col}"
        for col in DYNAMICS_COLUMNS
    )
    return f"""
        WITH pair AS ({pair}),
        s AS (SELECT cp AS commune_code, {", ".join(start)} FROM pair WHERE cp <> '' GROUP BY cp),
        e AS (SELECT cc AS commune_code, {", ".join(end)} FROM pair WHERE cc <> '' GROUP BY cc)
        SELECT coalesce(s.commune_code, e.commune_code) AS commune_code, {coalesced}
        FROM s FULL OUTER JOIN e ON s.commune_code = e.commune_code"""


def _sum(condition: str, weight: str, name: str, extra: str | None = None, when: str = "") -> str:
    value = f"CASE WHEN {condition} THEN {weight} ELSE 0 END"
    if extra is not None:  # persons: members gained (lost) by a household that stayed
        value += f" + CASE WHEN {when} THEN {extra} ELSE 0 END"
    return f"CAST(sum({value}) AS BIGINT) AS {ex.quote(name)}"
