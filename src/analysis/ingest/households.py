"""Household lists -> the canonical household table, its rejects and per-file counts."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis import schema
from analysis.errors import UserError
from analysis.ingest.collect import SheetTable, missing_required
from analysis.ingest.communes import CommuneMatcher
from analysis.ingest.context import code_in_file_name, year_candidates
from analysis.ingest.privacy import PseudonymKey, pseudonymize
from analysis.ingest.problems import PROBLEM_COLUMNS, ProblemLog
from analysis.ingest.rejects import counts_by_file, make_rejects
from analysis.ingest.validate import (
    Checks,
    check_combinations,
    check_communes,
    check_duplicates,
    parse_columns,
)
from analysis.ingest.values import parse_integer
from analysis.vietnamese import format_number

HOUSEHOLD = schema.columns_by_name(schema.HOUSEHOLD_COLUMNS)
OUTPUT_COLUMNS = [c.name for c in schema.HOUSEHOLD_COLUMNS if not c.personal]
YEAR_SOURCES = ("tiêu đề", "thư mục", "tên tệp")  # priority when the table has no year column


def file_year(table: SheetTable, root: Path, log: ProblemLog) -> int | None:
    """The review year of a file from its title, folder or name; conflicts are warned."""
    found = year_candidates(table.path, root, table.table.title)
    if not found:
        return None
    source = next(s for s in YEAR_SOURCES if s in found)
    year = found[source]
    others = {s: y for s, y in found.items() if y != year}
    if others:
        detail = ", ".join(f"{s}: {y}" for s, y in others.items())
        log.add("warning", f"năm không thống nhất; dùng {year} theo {source} ({detail})",
                table.file, table.sheet)  # fmt: skip
    else:
        log.add("info", f"năm rà soát {year} lấy từ {source}", table.file, table.sheet)
    return year


def file_commune(
    table: SheetTable, vintage: int, matcher: CommuneMatcher, log: ProblemLog
) -> str | None:
    """The commune of a whole sheet: the code in the file name, else the title, else the
    sheet name (workbooks with one sheet per commune)."""
    code = code_in_file_name(table.path)
    candidates = [
        ("tên tệp", code if code in matcher.names(vintage) else None),
        ("tiêu đề", lambda: matcher.find_in_text(table.table.title, vintage)),
        ("tên trang tính", lambda: matcher.find_in_text(table.sheet, vintage)),
    ]
    for source, found in candidates:
        code = found() if callable(found) else found
        if code:
            log.add("info", f"mã xã {code} ({matcher.names(vintage)[code]}) lấy từ {source}",
                    table.file, table.sheet)  # fmt: skip
            return code
    return None


def prepare(
    table: SheetTable,
    root: Path,
    config,
    matcher: CommuneMatcher,
    log: ProblemLog,
    years: list[int] | None,
) -> pd.DataFrame | None:
    """The raw rows of one list with year and commune filled in; None when unusable.

    Every fatal problem of the file is reported (unknown year and missing columns
    together), not only the first.
    """
    data = fill_year(table.table.data.copy(), table, root, log)
    if data is not None and data.empty:  # an explicit empty list: no poor, no near-poor
        log.add("info", "danh sách không có hộ nào (xã không có hộ nghèo, cận nghèo)",
                table.file, table.sheet)  # fmt: skip
        return None
    vintage = None
    if data is not None:
        if years is not None:
            data = data[data["year"].isin(years)]
            if data.empty:
                return None
        try:
            vintage = min(config.vintage_for(int(y)) for y in data["year"].unique())
        except UserError as exc:
            log.add("fatal", str(exc), table.file, table.sheet)
    present = set(table.table.data.columns) | {"year", "unit_vintage", "head_key"}
    if not {"commune_code", "commune_name"} & present and vintage is not None:
        code = file_commune(table, vintage, matcher, log)
        if code:
            data["commune_code"] = code
            present.add("commune_code")
    if "commune_name" in present:
        present.add("commune_code")
    missing = missing_required(present, schema.HOUSEHOLD_COLUMNS, set())
    if missing:
        names = ", ".join(f"'{c.label_vi}'" for c in missing)
        log.add("fatal", f"thiếu cột bắt buộc: {names}", table.file, table.sheet,
                table.header.first_row)  # fmt: skip
    if data is None or vintage is None or missing:
        return None
    if "income_pc_vnd" not in data.columns and "income_score" not in data.columns:
        log.add("warning", "không có cột thu nhập hay điểm A: không kiểm tra được thu nhập",
                table.file, table.sheet)  # fmt: skip
    data["_file"], data["_sheet"] = table.file, table.sheet
    return data


def fill_year(
    data: pd.DataFrame, table: SheetTable, root: Path, log: ProblemLog
) -> pd.DataFrame | None:
    """Rows with `year` from the table, else from the title, folder or file name."""
    fyear = file_year(table, root, log)
    if "year" in data.columns:
        row_years, _ = parse_integer(data["year"])
        data["year"] = row_years.where(row_years.notna(), fyear)
    elif fyear is not None:
        data["year"] = fyear
    if "year" in data.columns and data["year"].notna().all():
        return data
    rows = data["_row"][data["year"].isna()] if "year" in data.columns else data["_row"]
    log.add("fatal", "không xác định được năm rà soát: thêm cột 'Năm rà soát', ghi năm "
            "trong tiêu đề hoặc đặt tệp trong thư mục mang tên năm", table.file, table.sheet,
            int(rows.iloc[0]) if len(rows) else None)  # fmt: skip
    return None


def build_households(
    tables: list[SheetTable],
    root: Path,
    config,
    matcher: CommuneMatcher,
    key: PseudonymKey,
    log: ProblemLog,
    years: list[int] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(households, rejects, counts per file and sheet: read/accepted/rejected)."""
    frames = [f for t in tables if (f := prepare(t, root, config, matcher, log, years)) is not None]
    labels = {(t.file, c): lab for t in tables for c, lab in t.table.labels.items()}
    if not frames:
        return empty_households(), pd.DataFrame(), pd.DataFrame()
    raw = pd.concat(frames, ignore_index=True)
    raw["year"] = raw["year"].astype("int64")

    def label(file: str, col: str) -> str:
        return labels.get((file, col)) or (HOUSEHOLD[col].label_vi if col in HOUSEHOLD else col)

    checks = Checks(raw, label)
    typed = parse_columns(raw, checks)
    typed["year"] = raw["year"]
    vintage_of = {y: config.vintage_for(int(y)) for y in raw["year"].unique()}
    vintages = raw["year"].map(vintage_of)
    typed["unit_vintage"] = vintages
    typed["commune_code"] = check_communes(raw, vintages, matcher, checks)
    check_duplicates(typed, raw, checks)
    check_combinations(
        typed, checks, {int(y): config.standard_for(int(y)) for y in raw["year"].unique()}
    )
    check_total_rows(tables, raw, typed, log)
    problems = checks.frame()
    log.add_frame(problems[PROBLEM_COLUMNS])
    errors = problems[problems["severity"] == "error"]
    accepted = pseudonymize(typed.drop(index=errors["_id"].unique()), key)
    return (
        finish_households(accepted),
        make_rejects(raw, errors, "households"),
        counts_by_file(raw, errors),
    )


def check_total_rows(
    tables: list[SheetTable], raw: pd.DataFrame, typed: pd.DataFrame, log: ProblemLog
) -> None:
    """Compare each list's 'Tổng cộng' row with its rows: 'N hộ', member sums, flag counts."""
    for t in tables:
        if t.table.totals.empty:
            continue
        mine = typed[(raw["_file"] == t.file) & (raw["_sheet"] == t.sheet)]
        for row, rec in t.table.totals.iterrows():
            for col, written in rec.items():
                expected = _total_of(mine, col, written)
                if expected is None:
                    continue
                value, got = expected
                if value != got:
                    log.add("warning", f"dòng tổng cộng ghi {format_number(value)}, các dòng "
                            f"trong bảng cho {format_number(got)}", t.file, t.sheet, int(row),
                            t.table.labels.get(col, col), written)  # fmt: skip


def _total_of(rows: pd.DataFrame, col: str, written: object) -> tuple[float, float] | None:
    """(written total, total of the rows) for one cell of a total row, or None to skip it."""
    if isinstance(written, str):
        m = re.fullmatch(r"\s*([\d.]+)\s*hộ\s*", written)
        return (float(m.group(1).replace(".", "")), float(len(rows))) if m else None
    if not isinstance(written, int | float) or isinstance(written, bool) or written != written:
        return None
    col_def = HOUSEHOLD.get(col)
    countable = col_def is not None and (col_def.dtype == "bool" or col_def.unit == "persons")
    if not countable or col not in rows:
        return None
    values = rows[col]
    got = values.astype(bool).sum() if col_def.dtype == "bool" else values.sum()
    return float(written), float(got)


def finish_households(frame: pd.DataFrame) -> pd.DataFrame:
    """Canonical columns and dtypes; optional columns absent from every file are added empty."""
    out = pd.DataFrame(index=frame.index)
    for name in OUTPUT_COLUMNS:
        col = HOUSEHOLD[name]
        values = (
            frame[name]
            if name in frame.columns
            else pd.Series(None, index=frame.index, dtype=object)
        )
        if col.dtype == "bool":
            out[name] = values.astype(object).fillna(False).astype(bool)
        elif col.dtype.startswith("int"):
            out[name] = values.astype(col.dtype)
        elif col.dtype == "float64":
            out[name] = pd.to_numeric(values, errors="coerce").astype("float64")
        else:
            out[name] = values.astype("string")
    return out.sort_values(["year", "commune_code", "household_id"]).reset_index(drop=True)


def empty_households() -> pd.DataFrame:
    return finish_households(pd.DataFrame(columns=OUTPUT_COLUMNS))
