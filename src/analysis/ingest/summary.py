"""Commune summary tables as input: results and dynamics of the poor and near-poor lists.

Accepted layout (the district's official summary workbook, and variants through
header aliases): sheet "Kết quả" with `Mã xã | Tên xã | ...` and the result columns
labelled as `schema.INDICATOR_COLUMNS`; sheets "Biến động hộ nghèo" and "Biến động
hộ cận nghèo" with the two-row headers of `schema.DYNAMICS_LABELS_VI`. A district
total row ("Toàn huyện") is skipped and checked against the sum of the communes.
The year comes from a `Năm` column, the title, the folder or the file name.
Output: one row per commune and year, counts + recomputed rates + dynamics,
`source = "summary"`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis import schema
from analysis.ingest.collect import SheetTable
from analysis.ingest.communes import CommuneMatcher
from analysis.ingest.problems import PROBLEM_COLUMNS, ProblemLog
from analysis.ingest.rejects import counts_by_file, make_rejects
from analysis.ingest.totals import prepare_counts, typed_counts
from analysis.ingest.validate import Checks
from analysis.ingest.values import parse_number
from analysis.vietnamese import format_number

INDICATOR = schema.columns_by_name(schema.INDICATOR_COLUMNS)
COUNTS = ("n_households", "n_persons", "n_poor", "n_near_poor")
RATES = {"poor_rate": "n_poor", "near_poor_rate": "n_near_poor"}
SUMMARY_COLUMNS = (
    [c.name for c in schema.INDICATOR_COLUMNS] + list(schema.DYNAMICS_COLUMNS) + ["source"]
)
KEY_COLUMNS = ("year", "commune_code", "commune_name")


def _columns(kind: str) -> tuple[schema.Column, ...]:
    """Column definitions of one summary sheet kind (counts are integers, >= 0)."""
    key = (
        schema.Column("year", "int16", "Review year", "Năm"),
        schema.Column("commune_code", "string", "GSO code", "Mã xã"),
        schema.Column("commune_name", "string", "Commune name", "Tên xã", required=False),
    )
    if kind == "results":
        counts = [INDICATOR[c] for c in COUNTS]
        flows = tuple(
            schema.Column(name, "int64", name, label, required=False, min=0)
            for name, (label, _) in schema.SUMMARY_FLOW_COLUMNS.items()
        )
        return (
            key
            + tuple(
                schema.Column(
                    c.name,
                    "int64",
                    c.description,
                    c.label_vi,
                    min=0,
                    required=c.name in ("n_poor", "n_near_poor"),
                )  # fmt: skip
                for c in counts
            )
            + flows
        )
    group = "poor" if kind == "dynamics_poor" else "near_poor"
    return key + tuple(
        schema.Column(
            col, "int64", col, " ".join(filter(None, schema.DYNAMICS_LABELS_VI[col])), min=0
        )
        for col in schema.DYNAMICS_COLUMNS
        if col.startswith(f"n_{group}_")
    )


def _dynamics_blank(raw: pd.DataFrame, cols: tuple[schema.Column, ...]) -> bool:
    """True when no dynamics cell of the sheet holds a value."""
    present = [c.name for c in cols if c.name in schema.DYNAMICS_COLUMNS and c.name in raw]
    if not present:
        return False
    values = raw[present].astype("string").apply(lambda s: s.str.strip())
    return bool(values.isna().all().all() or (values.fillna("") == "").all().all())


def build_summary(
    tables: list[SheetTable],
    root: Path,
    config,
    matcher: CommuneMatcher,
    log: ProblemLog,
    years: list[int] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(summary, rejects, counts per file/sheet, accepted commune rows with their file)."""
    pieces: dict[str, list[pd.DataFrame]] = {}
    rejects, counts, rows = [], [], []
    for table in tables:
        cols = _columns(table.header.kind)
        raw = prepare_counts(table, root, log, cols)
        if raw is None:
            continue
        if table.header.kind != "results" and _dynamics_blank(raw, cols):
            log.add(
                "info",
                "biểu biến động để trống (thường là năm đầu kỳ): không có số liệu biến động năm này",
                table.file,
                table.sheet,
            )
            continue
        by_name = {c.name: c for c in cols}
        labels = table.table.labels
        checks = Checks(
            raw, lambda f, c, lab=labels, b=by_name: lab.get(c) or (b[c].label_vi if c in b else c)
        )
        typed = typed_counts(raw, config, matcher, checks, by_name)
        dup = typed["commune_code"].notna() & typed.duplicated(["year", "commune_code"], keep=False)
        checks.add(dup, "commune_code", "xã xuất hiện hai lần trong cùng năm")
        if table.header.kind == "results":
            check_given_rates(raw, typed, checks, labels)
        else:
            check_identity(typed, table.header.kind, checks)
        problems = checks.frame()
        log.add_frame(problems[PROBLEM_COLUMNS])
        errors = problems[problems["severity"] == "error"]
        keep = ~typed.index.isin(errors["_id"].unique())
        if years is not None:
            keep &= typed["year"].isin(years)
        check_total_row(table, typed.assign(_row=raw["_row"]), log)
        pieces.setdefault(table.header.kind, []).append(typed[keep])
        if table.header.kind == "results":
            rows.append(_commune_rows(typed[keep], raw))
        rejects.append(make_rejects(raw, errors, "summary"))
        counts.append(counts_by_file(raw, errors))
    summary = combine(pieces, matcher, log)
    rej = (
        pd.concat([r for r in rejects if not r.empty], ignore_index=True)
        if any(not r.empty for r in rejects)
        else pd.DataFrame()
    )
    cnt = pd.concat(counts, ignore_index=True) if counts else pd.DataFrame()
    commune_rows = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    return summary, rej, cnt, commune_rows


def _commune_rows(typed: pd.DataFrame, raw: pd.DataFrame) -> pd.DataFrame:
    """Per commune row of a results sheet: where it was read and its counts (for the check)."""
    return pd.DataFrame(
        {
            "file": raw.loc[typed.index, "_file"],
            "sheet": raw.loc[typed.index, "_sheet"],
            "year": typed["year"],
            "commune_code": typed["commune_code"],
            **{c: typed.get(c, pd.NA)
               for c in ("n_households", "n_persons", "n_poor", "n_near_poor")},
        }
    )  # fmt: skip


def check_given_rates(
    raw: pd.DataFrame, typed: pd.DataFrame, checks: Checks, labels: dict[str, str] | None = None
) -> None:
    """Rates written in the table must agree with the counts (they are recomputed anyway).

    A column whose header says "%" is in percent (0,5 means 0,5 %); otherwise a value
    above 1 is read as a percentage and one at most 1 as a fraction.
    """
    for rate, count in RATES.items():
        if rate not in raw.columns or count not in typed or "n_households" not in typed:
            continue
        given, _ = parse_number(raw[rate].map(_drop_percent_sign))
        if "%" in (labels or {}).get(rate, "") or raw[rate].map(_has_percent_sign).any():
            given = given / 100
        else:
            given = given.where(given <= 1, given / 100)
        computed = typed[count] / typed["n_households"]
        off = given.notna() & computed.notna() & ((given - computed).abs() > 0.0006)
        msg = (
            "tỷ lệ ghi trong bảng khác tỷ lệ tính từ số hộ ("
            + computed.map(lambda v: format_number(v * 100, 2))
            + "%)"
        )
        checks.add(off, rate, msg, "warning")


def check_identity(typed: pd.DataFrame, kind: str, checks: Checks) -> None:
    """start - decreases + increases = end, per commune."""
    group = "poor" if kind == "dynamics_poor" else "near_poor"
    cols = [c for c in schema.DYNAMICS_COLUMNS if c.startswith(f"n_{group}_")]
    if not set(cols) <= set(typed.columns):
        return
    out = typed[[c for c in cols if "_out_" in c]].sum(axis=1)
    into = typed[[c for c in cols if "_in_" in c]].sum(axis=1)
    expected = typed[f"n_{group}_start"] - out + into
    bad = typed[f"n_{group}_end"].notna() & (expected != typed[f"n_{group}_end"])
    msg = "số cuối kỳ khác đầu kỳ − giảm + tăng (" + expected.map(lambda v: format_number(v)) + ")"
    checks.add(bad, f"n_{group}_end", msg)


def _has_percent_sign(value: object) -> bool:
    return isinstance(value, str) and "%" in value


def _drop_percent_sign(value: object) -> object:
    return value.replace("%", "").strip() if isinstance(value, str) else value


def check_total_row(table: SheetTable, typed: pd.DataFrame, log: ProblemLog) -> None:
    """Compare a 'Toàn huyện'/'Tổng cộng' row with the sum of the commune rows."""
    totals = table.table.totals
    for row, rec in totals.iterrows():
        rows = (
            typed[typed["_row"].between(rec["_first"], rec["_last"])] if "_row" in typed else typed
        )
        for col in typed.columns:
            if col in KEY_COLUMNS or col in ("unit_vintage", "_row") or col not in totals.columns:
                continue
            written, _ = parse_number(pd.Series([rec[col]]))
            got = rows[col].sum()
            if pd.notna(written[0]) and written[0] != got:
                what = "dòng tổng" if rec["_kind"] == "total" else "dòng cộng nhóm"
                log.add("warning", f"{what} ghi {format_number(written[0])}, tổng các xã là "
                        f"{format_number(got)}", table.file, table.sheet, int(row),
                        table.table.labels.get(col, col), rec[col])  # fmt: skip


def combine(
    pieces: dict[str, list[pd.DataFrame]], matcher: CommuneMatcher, log: ProblemLog
) -> pd.DataFrame:
    """Outer-join results and dynamics on (year, commune); recompute rates from counts."""
    keys = ["year", "unit_vintage", "commune_code"]
    merged = None
    for kind in ("results", "dynamics_poor", "dynamics_near_poor"):
        if kind not in pieces:
            continue
        part = pd.concat(pieces[kind], ignore_index=True).drop(
            columns=["commune_name"], errors="ignore"
        )
        part = part.drop_duplicates(keys, keep="first")
        merged = part if merged is None else merged.merge(part, on=keys, how="outer")
    if merged is None or merged.empty:
        return empty_summary()
    merged = complete_dynamics(merged, log)
    if "n_poor_end" in merged and "n_poor" in merged:
        _check_end_equals_results(merged, "n_poor", log)
    if "n_near_poor_end" in merged and "n_near_poor" in merged:
        _check_end_equals_results(merged, "n_near_poor", log)
    return finish_summary(merged, matcher)


_AGGREGATES = ("exits", "relapsed", "new")


def complete_dynamics(merged: pd.DataFrame, log: ProblemLog | None = None) -> pd.DataFrame:
    """Full dynamics (schema.DYNAMICS_COLUMNS) from the aggregate columns of a results sheet.

    Where a commune and year has no "Biến động" sheets but its results carry, for both the
    poor and the near-poor list, the households that left the list (thoát), relapsed
    (tái) and newly arose (phát sinh mới), and the previous year's counts are known (or a
    "đầu kỳ" column), each list's identity start - exits + entries = end gives the
    households that came from the other list as the remainder (unless the table states
    it: then the remainder is "tăng khác" / "giảm khác"); those moved from poor to
    near-poor are the near-poor list's entries from the poor, and the rest of the poor
    exits left both lists ("thoát" above the near-poor line). A remainder below zero
    means the columns do not add up: that row keeps no dynamics and a warning says so.
    """
    cols = schema.SUMMARY_FLOW_COLUMNS
    if not any(c in merged for c in cols):
        return merged
    m = merged.copy()
    for c in (*cols, *schema.DYNAMICS_COLUMNS):
        if c not in m:
            m[c] = np.nan
    keys = ["year", "unit_vintage", "commune_code"]
    prev = m[[*keys, "n_poor", "n_near_poor"]].rename(
        columns={"n_poor": "_prev_poor", "n_near_poor": "_prev_near_poor"}
    )
    prev = prev.assign(year=prev["year"] + 1)
    m = m.merge(prev, on=keys, how="left")
    f = {c: m[c].astype("Float64") for c in [*cols, *schema.DYNAMICS_COLUMNS, "n_poor", "n_near_poor",
                                               "_prev_poor", "_prev_near_poor"]}  # fmt: skip
    needed = [f"n_{g}_{a}" for g in ("poor", "near_poor") for a in _AGGREGATES]
    has_full = f["n_poor_out_near_poor"].notna() | f["n_near_poor_out_poor"].notna()
    start = {g: f[f"n_{g}_start"].fillna(f[f"_prev_{g}"]) for g in ("poor", "near_poor")}
    use = ~has_full & pd.concat([f[c].notna() for c in needed], axis=1).all(axis=1)
    use &= start["poor"].notna() & start["near_poor"].notna()
    use &= f["n_poor"].notna() & f["n_near_poor"].notna()
    came, fill = {}, {}
    for g, o in (("poor", "near_poor"), ("near_poor", "poor")):
        end = f[f"n_{g}"]
        base = end - start[g] + f[f"n_{g}_exits"] - f[f"n_{g}_relapsed"] - f[f"n_{g}_new"]
        given = f[f"n_{g}_from_{o}"]
        came[g] = given.fillna(base)
        rest = base - came[g]  # 0 unless the table gave the transfer itself
        fill[g] = {f"n_{g}_start": start[g], f"n_{g}_in_from_{o}": came[g],
                   f"n_{g}_in_relapsed": f[f"n_{g}_relapsed"], f"n_{g}_in_new": f[f"n_{g}_new"],
                   f"n_{g}_in_other": rest.clip(lower=0), f"n_{g}_out_other": (-rest).clip(lower=0),
                   f"n_{g}_end": end}  # fmt: skip
    for g, o in (("poor", "near_poor"), ("near_poor", "poor")):
        fill[g][f"n_{g}_out_{o}"] = came[o]
        fill[g][f"n_{g}_out_above"] = f[f"n_{g}_exits"] - came[o]
    values = {c: v for group in fill.values() for c, v in group.items()}
    ok = use & pd.concat([v.fillna(-1) >= 0 for v in values.values()], axis=1).all(axis=1)
    for c, v in values.items():
        m.loc[ok.to_numpy(dtype=bool), c] = v[ok].astype(float).to_numpy()
    if log is not None:
        for rec in m[(use & ~ok).to_numpy(dtype=bool)].itertuples(index=False):
            log.add("warning", f"năm {int(rec.year)}, xã {rec.commune_code}: số hộ thoát, tái, "
                    "phát sinh mới không khớp với số hộ đầu kỳ và cuối kỳ: không suy ra được biến "
                    "động cho mô hình dòng chuyển")  # fmt: skip
        if ok.any():
            log.add("info", f"{format_number(int(ok.sum()))} dòng xã–năm: biến động hộ nghèo, cận "
                    "nghèo được suy ra từ số hộ thoát, tái, phát sinh mới và số hộ đầu kỳ, cuối kỳ "
                    "(hộ chuyển giữa nghèo và cận nghèo là phần còn lại)")  # fmt: skip
    return m.drop(columns=["_prev_poor", "_prev_near_poor"])


def _check_end_equals_results(merged: pd.DataFrame, count: str, log: ProblemLog) -> None:
    bad = (
        merged[f"{count}_end"].notna()
        & merged[count].notna()
        & (merged[f"{count}_end"] != merged[count])
    )
    for rec in merged[bad].itertuples(index=False):
        log.add("warning", f"năm {int(rec.year)}, xã {rec.commune_code}: số cuối kỳ ở biểu biến "
                "động khác số ở biểu kết quả", column=INDICATOR[count].label_vi)  # fmt: skip


def finish_summary(merged: pd.DataFrame, matcher: CommuneMatcher) -> pd.DataFrame:
    out = pd.DataFrame(index=merged.index)
    out["year"] = merged["year"].astype("int16")
    out["unit_vintage"] = merged["unit_vintage"].astype("int16")
    out["commune_code"] = merged["commune_code"].astype("string")
    out["commune_name"] = pd.Series(
        [matcher.names(int(v)).get(c) for v, c in zip(merged["unit_vintage"], merged["commune_code"], strict=True)],
        index=merged.index, dtype="string",
    )  # fmt: skip
    for col in (*COUNTS, *schema.DYNAMICS_COLUMNS):
        values = merged[col] if col in merged else pd.Series(np.nan, index=merged.index)
        out[col] = values.round().astype("Int64")
    if out["n_poor"].isna().all() and "n_poor_end" in merged:
        out["n_poor"] = out["n_poor_end"]
    if out["n_near_poor"].isna().all() and "n_near_poor_end" in merged:
        out["n_near_poor"] = out["n_near_poor_end"]
    recompute_rates(out)
    out["source"] = "summary"
    return out[SUMMARY_COLUMNS].sort_values(["year", "commune_code"]).reset_index(drop=True)


def recompute_rates(out: pd.DataFrame) -> None:
    households = out["n_households"].astype("Float64")
    out["poor_rate"] = (out["n_poor"] / households).astype("float64")
    out["near_poor_rate"] = (out["n_near_poor"] / households).astype("float64")
    out["multidim_rate"] = ((out["n_poor"] + out["n_near_poor"]) / households).astype("float64")


def empty_summary() -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series(dtype="Int64") for c in SUMMARY_COLUMNS})
    for c in ("year", "unit_vintage"):
        out[c] = out[c].astype("int16")
    for c in ("commune_code", "commune_name", "source"):
        out[c] = out[c].astype("string")
    for c in ("poor_rate", "near_poor_rate", "multidim_rate"):
        out[c] = out[c].astype("float64")
    return out


def fill_households_from_totals(
    summary: pd.DataFrame, totals: pd.DataFrame, log: ProblemLog
) -> pd.DataFrame:
    """Summary rows without resident households take them from the totals file."""
    keys = ["year", "commune_code"]
    merged = summary.merge(totals[[*keys, "n_households", "n_persons"]], on=keys, how="left",
                           suffixes=("", "_totals"))  # fmt: skip
    missing = merged["n_households"].isna() & merged["n_households_totals"].notna()
    if not missing.any():
        return summary
    out = summary.copy()
    for col in ("n_households", "n_persons"):
        fill = out[col].isna() & merged[f"{col}_totals"].notna()
        out.loc[fill, col] = merged.loc[fill, f"{col}_totals"].astype("Int64")
    recompute_rates(out)
    log.add(
        "info",
        f"{format_number(int(missing.sum()))} dòng biểu tổng hợp lấy tổng số hộ từ tệp tổng số hộ",
    )
    return out


def check_summary_against_lists(
    summary: pd.DataFrame, households: pd.DataFrame, log: ProblemLog
) -> None:
    """Where a year has both lists and summary tables, their poor/near-poor counts must agree."""
    counts = (
        households.assign(
            poor=households["reported_status"].eq("poor"),
            near=households["reported_status"].eq("near_poor"),
        )
        .groupby(["year", "commune_code"], as_index=False)[["poor", "near"]]
        .sum()
    )
    both = summary.merge(counts, on=["year", "commune_code"])
    for count, listed, label in (
        ("n_poor", "poor", "hộ nghèo"),
        ("n_near_poor", "near", "hộ cận nghèo"),
    ):
        off = both[both[count].notna() & (both[count] != both[listed])]
        for rec in off.itertuples(index=False):
            log.add("warning", f"năm {rec.year}, xã {rec.commune_code}: biểu tổng hợp ghi "
                    f"{format_number(getattr(rec, count))} {label}, danh sách hộ có "
                    f"{format_number(getattr(rec, listed))}", column=INDICATOR[count].label_vi)  # fmt: skip


def warn_missing_households(summary: pd.DataFrame, log: ProblemLog) -> None:
    """Summary rows whose resident households are known nowhere: their rates stay empty."""
    gaps = summary[summary["n_households"].isna()]
    for year, codes in gaps.groupby("year")["commune_code"]:
        log.add("warning", f"năm {year}: không có tổng số hộ của xã {', '.join(codes)} "
                "(biểu tổng hợp và tệp tổng số hộ): không tính được tỷ lệ", column="Tổng số hộ")  # fmt: skip
