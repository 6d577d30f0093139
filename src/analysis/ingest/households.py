"""Household lists -> the canonical household table, its rejects and per-file counts."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import schema
from analysis.errors import UserError
from analysis.i18n import t as tr
from analysis.ingest.collect import SheetTable, missing_required
from analysis.ingest.communes import CommuneMatcher
from analysis.ingest.context import code_in_file_name, year_candidates
from analysis.ingest.privacy import PseudonymKey, derived_household_ids, pseudonymize
from analysis.ingest.problems import PROBLEM_COLUMNS, ProblemLog
from analysis.ingest.rejects import counts_by_file, make_rejects
from analysis.ingest.validate import (
    Checks,
    check_combinations,
    check_communes,
    check_duplicates,
    parse_columns,
)
from analysis.ingest.values import parse_bool, parse_integer
from analysis.vietnamese import ascii_key, format_number

HOUSEHOLD = schema.columns_by_name(schema.HOUSEHOLD_COLUMNS)
OUTPUT_COLUMNS = [c.name for c in schema.HOUSEHOLD_COLUMNS if not c.personal]
YEAR_SOURCES = ("tiêu đề", "thư mục", "tên tệp")
DERIVE = "\x00derive"  # household code to derive from the head's ID number or name  # priority when the table has no year column


def file_year(table: SheetTable, root: Path, log: ProblemLog) -> int | None:
    """The review year of a file from its title, folder or name; conflicts are warned."""
    found = year_candidates(table.path, root, table.table.title)
    if not found:
        return None
    source = next(s for s in YEAR_SOURCES if s in found)
    year = found[source]
    others = {s: y for s, y in found.items() if y != year}
    if others:
        detail = ", ".join(f"{tr(s)}: {y}" for s, y in others.items())
        log.add("warning", tr("năm không thống nhất; dùng {year} theo {source} ({detail})",
                             year=year, source=tr(source), detail=detail),
                table.file, table.sheet)  # fmt: skip
    else:
        log.add("info", tr("năm rà soát {year} lấy từ {source}", year=year, source=tr(source)),
                table.file, table.sheet)  # fmt: skip
    return year


def file_commune(
    table: SheetTable,
    siblings: list[SheetTable],
    vintage: int,
    matcher: CommuneMatcher,
    log: ProblemLog,
) -> str | None:
    """The commune of a whole sheet when the table has no commune column.

    In order: a GSO code at the start of the file name; the name after the unit-type word
    in the sheet's title ('UBND XÃ SƠN KIM 1'), else in another sheet's title of the same
    workbook; the file name ('SonKim1_2024.xlsx'); the sheet name when it has a unit-type
    word ('Xã Sơn Tây') or when every sheet of the workbook names a different commune.
    A village sheet named like another commune never moves its households. The title and
    the file name must agree.
    """
    names = matcher.names(vintage)
    code = code_in_file_name(table.path)
    by_code = code if code in names else None
    by_title, written = matcher.find_after_unit_word(table.table.title, vintage)
    if by_title is None:
        others = {matcher.find_after_unit_word(t.table.title, vintage)[0] for t in siblings}
        others.discard(None)
        by_title = others.pop() if len(others) == 1 else None
    by_name = by_code or matcher.find_in_file_name(table.path.stem, vintage)
    if by_title and by_name and by_title != by_name:
        log.add("fatal", tr("tiêu đề ghi xã {title_name} ({title_code}) nhưng tên tệp ghi xã "
                           "{file_name} ({file_code}): sửa cho thống nhất",
                           title_name=names[by_title], title_code=by_title,
                           file_name=names[by_name], file_code=by_name),
                table.file, table.sheet)  # fmt: skip
        return None
    candidates = [
        ("tên tệp (mã xã)", by_code),
        ("tiêu đề", by_title),
        ("tên tệp", by_name),
        ("tên trang tính", _sheet_commune(table, siblings, vintage, matcher)),
    ]
    for source, found in candidates:
        if found:
            log.add("info", tr("mã xã {code} ({name}) lấy từ {source}", code=found,
                              name=names[found], source=tr(source)),
                    table.file, table.sheet)  # fmt: skip
            return found
    named = [w for w in written if w]
    if named:
        log.add("fatal", tr("tiêu đề ghi '{written}', không phải xã nào của huyện {district} "
                           "(kỳ {vintage}): danh sách không thuộc huyện này?",
                           written=named[0], district=_district(matcher), vintage=vintage),
                table.file, table.sheet)  # fmt: skip
    return None


def _sheet_commune(
    table: SheetTable, siblings: list[SheetTable], vintage: int, matcher: CommuneMatcher
) -> str | None:
    """A sheet name decides only with a unit-type word, or when the workbook has one sheet
    per commune (every sheet names a different commune of the district)."""
    code, _ = matcher.find_after_unit_word(table.sheet, vintage)
    if code:
        return code
    sheets = [table, *siblings]
    codes = [matcher.resolve_exact(t.sheet, vintage) for t in sheets]
    if len(sheets) > 1 and all(codes) and len(set(codes)) == len(codes):
        return codes[0]
    if len(sheets) == 1:
        return codes[0]
    return None


def _district(matcher: CommuneMatcher) -> str:
    return getattr(matcher.registry, "district_name", "") or "trong cấu hình"


def prepare(
    table: SheetTable,
    root: Path,
    config,
    matcher: CommuneMatcher,
    log: ProblemLog,
    years: list[int] | None,
    siblings: list[SheetTable] = (),
) -> tuple[pd.DataFrame, dict[str, object]] | None:
    """The raw rows of one list with year and commune filled in, and the values of its
    `META_COLUMNS` (added to every list's rows at once by `concat_lists`); None when unusable.

    Every fatal problem of the file is reported (unknown year and missing columns
    together), not only the first.
    """
    # a new frame (copy-on-write: its values are copied only where changed)
    data = fill_year(table.table.data.copy(deep=False), table, root, log)
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
        code = file_commune(table, siblings, vintage, matcher, log)
        if code:
            data["commune_code"] = code
            present.add("commune_code")
    if "commune_name" in present:
        present.add("commune_code")
    if "commune_code" in present:  # urban/rural may come from the unit type
        present.add("is_urban")
    elif vintage is not None:
        log.add("fatal", "không xác định được xã của danh sách: thêm cột 'Mã xã' hoặc 'Tên xã', "
                "ghi 'UBND XÃ …' ở tiêu đề hoặc tên xã trong tên tệp", table.file, table.sheet)  # fmt: skip
        present.add("commune_code")
    if data is not None and "village" not in data.columns and data["_group"].notna().any():
        data["village"] = data["_group"]
        log.add("info", "thôn/xóm lấy từ các dòng tên nhóm của bảng", table.file, table.sheet)
    if data is not None and "reported_status" not in data.columns and status_from_marks(data):
        present.add("reported_status")
        log.add("info", "phân loại hộ lấy từ các cột đánh dấu 'x' (hộ nghèo, hộ cận nghèo, "
                "thoát nghèo …)", table.file, table.sheet)  # fmt: skip
    has_id = "household_id" in present
    if "household_id" not in present and {"head_id_number", "head_name"} & present:
        present.add("household_id")
        log.add("info", "không có cột mã hộ: mã hộ lập từ số định danh (hoặc họ tên) chủ hộ, "
                "ẩn danh bằng khóa, ổn định qua các năm", table.file, table.sheet)  # fmt: skip
    has_flags = bool(set(schema.DEPRIVATION_COLUMNS) & present)
    if not set(schema.DEPRIVATION_COLUMNS) & present and "n_deprivations" in present:
        present.update(schema.DEPRIVATION_COLUMNS)
        log.add("warning", "danh sách chỉ ghi số chỉ số thiếu hụt, không ghi từng chỉ số: các "
                "phân tích theo từng chỉ số không tính cho các hộ này", table.file, table.sheet)  # fmt: skip
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
    meta = {"_has_id": has_id, "_has_flags": has_flags, "_file": table.file, "_sheet": table.sheet}
    return data, meta


# Per-list values, one column each in the concatenated rows (in this order, after the list's
# own columns); `_group` is dropped.
META_COLUMNS = ("_has_id", "_has_flags", "_file", "_sheet")


def concat_lists(prepared: list[tuple[pd.DataFrame, dict[str, object]]]) -> pd.DataFrame:
    """The rows of every prepared list, with its `META_COLUMNS` repeated on each row: the
    frame concatenating each list with those columns set would give (same columns in the
    same order, same dtypes), without setting four columns on every list."""
    order = list(dict.fromkeys(
        c for data, _ in prepared for c in [*data.columns, *META_COLUMNS] if c != "_group"
    ))  # fmt: skip
    raw = pd.concat([data for data, _ in prepared], ignore_index=True)
    lengths = [len(data) for data, _ in prepared]
    for name in META_COLUMNS:
        values = [meta[name] for _, meta in prepared]
        raw[name] = pd.Series(values).repeat(lengths).set_axis(raw.index)
    return raw[order]


STATUS_MARKS = {
    "_status_poor": "Hộ nghèo",
    "_status_near_poor": "Hộ cận nghèo",
    "_status_left_poor": "Thoát nghèo",
    "_status_left_near_poor": "Thoát cận nghèo",
}
SEVERAL_MARKS = "nhiều ô phân loại được đánh dấu"


def status_from_marks(data: pd.DataFrame) -> bool:
    """A status written as 'x' in one column per class ('Kết quả rà soát' over 'Hộ nghèo',
    'Hộ cận nghèo', 'Thoát nghèo'): one `reported_status` column, in place. Rows with no
    mark stay empty (rejected as missing), rows with several get a value that is rejected."""
    marks = [c for c in STATUS_MARKS if c in data.columns]
    if not marks:
        return False
    flags = pd.DataFrame({c: parse_bool(data[c])[0] for c in marks}, index=data.index)
    n = flags.sum(axis=1)
    first = flags.idxmax(axis=1).map(STATUS_MARKS)
    data["reported_status"] = first.where(n == 1, None).where(n <= 1, SEVERAL_MARKS)
    for col in marks:
        del data[col]
    return True


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
    by_file: dict[str, list[SheetTable]] = {}
    for t in tables:
        by_file.setdefault(t.file, []).append(t)
    frames = [
        f
        for t in tables
        if (f := prepare(t, root, config, matcher, log, years,
                         [o for o in by_file[t.file] if o is not t])) is not None
    ]  # fmt: skip
    labels = {(t.file, c): lab for t in tables for c, lab in t.table.labels.items()}
    if not frames:
        return empty_households(), pd.DataFrame(), pd.DataFrame()
    raw = concat_lists(frames)
    raw["year"] = raw["year"].astype("int64")

    def label(file: str, col: str) -> str:
        return labels.get((file, col)) or (HOUSEHOLD[col].label_vi if col in HOUSEHOLD else col)

    checks = Checks(raw, label)
    if "household_id" not in raw:
        raw["household_id"] = None
    to_derive = raw["household_id"].isna() & ~raw["_has_id"].astype(bool)
    raw.loc[to_derive, "household_id"] = DERIVE
    typed = parse_columns(raw, checks)
    typed["year"] = raw["year"]
    vintage_of = {y: config.vintage_for(int(y)) for y in raw["year"].unique()}
    vintages = raw["year"].map(vintage_of)
    typed["unit_vintage"] = vintages
    typed["commune_code"] = check_communes(raw, vintages, matcher, checks)
    fill_urban_from_unit_type(typed, raw, matcher, log)
    derive = typed["household_id"] == DERIVE
    raw.loc[to_derive, "household_id"] = None
    if derive.any():
        derived = derived_household_ids(raw[derive], typed.loc[derive, "commune_code"], key)
        typed.loc[derive, "household_id"] = derived
        checks.add(derive & typed["household_id"].isna(), "household_id",
                   "thiếu mã hộ, số định danh và họ tên chủ hộ: không nhận diện được hộ")  # fmt: skip
    check_duplicates(typed, raw, checks)
    check_combinations(
        typed, checks, {int(y): config.standard_for(int(y)) for y in raw["year"].unique()}
    )
    check_total_rows(tables, raw, typed, log)
    problems = checks.frame()
    log.add_frame(problems[PROBLEM_COLUMNS])
    errors = problems[problems["severity"] == "error"]
    accepted = pseudonymize(typed.drop(index=errors["_id"].unique()), key)
    counts = counts_by_file(raw, errors).merge(
        list_stats(typed.drop(index=errors["_id"].unique()), raw), on=["file", "sheet"], how="left"
    )
    return finish_households(accepted), make_rejects(raw, errors, "households"), counts


def list_stats(accepted: pd.DataFrame, raw: pd.DataFrame) -> pd.DataFrame:
    """Per file and sheet: year, commune, accepted households, persons, poor and near-poor."""
    frame = pd.DataFrame(
        {
            "file": raw.loc[accepted.index, "_file"],
            "sheet": raw.loc[accepted.index, "_sheet"],
            "year": accepted["year"],
            "commune_code": accepted["commune_code"],
            "n_members": accepted["n_members"],
            "poor": accepted["reported_status"] == "poor",
            "near_poor": accepted["reported_status"] == "near_poor",
        }
    )
    stats = frame.groupby(["file", "sheet"], sort=False).agg(
        year=("year", _one),
        commune_code=("commune_code", _one),
        n_households=("year", "size"),
        n_persons=("n_members", "sum"),
        n_poor=("poor", "sum"),
        n_near_poor=("near_poor", "sum"),
    )
    return stats.reset_index()


def _one(values: pd.Series) -> object:
    """The value shared by every row, or the distinct values joined ('18196, 18199')."""
    distinct = sorted({str(int(v)) if isinstance(v, float) else str(v)
                       for v in values.dropna()})  # fmt: skip
    return ", ".join(distinct) if distinct else None


URBAN_UNIT_TYPES = ("phuong", "thi tran")


def fill_urban_from_unit_type(
    typed: pd.DataFrame, raw: pd.DataFrame, matcher: CommuneMatcher, log: ProblemLog
) -> None:
    """Rows without an urban/rural value take it from their unit's type: a xã is rural, a
    phường or thị trấn urban. Each file where this happened is reported."""
    given = raw["is_urban"].notna() if "is_urban" in raw else pd.Series(False, index=raw.index)
    fill = ~given & typed["commune_code"].notna()
    if not fill.any():
        return
    pairs = pd.DataFrame({"c": typed["commune_code"], "v": typed["unit_vintage"]})[fill]
    kinds = {
        (c, v): ascii_key(matcher.unit_type(c, int(v)) or "")
        for c, v in pairs.drop_duplicates().itertuples(index=False)
    }
    urban = pd.Series([kinds[k] in URBAN_UNIT_TYPES for k in pairs.itertuples(index=False,
                                                                             name=None)],
                      index=pairs.index)  # fmt: skip
    if "is_urban" not in typed:
        typed["is_urban"] = False
    typed.loc[urban.index, "is_urban"] = urban
    for file in raw.loc[fill, "_file"].unique():
        log.add("info", "khu vực thành thị/nông thôn lấy theo loại đơn vị (xã: nông thôn; "
                "phường, thị trấn: thành thị)", file)  # fmt: skip


def check_total_rows(
    tables: list[SheetTable], raw: pd.DataFrame, typed: pd.DataFrame, log: ProblemLog
) -> None:
    """Compare each list's 'Tổng cộng' row with its rows: 'N hộ', member sums, flag counts."""
    sheets = None  # positions of each sheet's rows in `raw`, grouped once
    row_numbers = raw["_row"].to_numpy()
    columns: dict[str, np.ndarray | pd.Series] = {}  # typed columns, as arrays where plain
    for t in tables:
        if t.table.totals.empty:
            continue
        if sheets is None:
            sheets = raw.groupby(["_file", "_sheet"], sort=False).indices
        in_sheet = sheets.get((t.file, t.sheet), np.zeros(0, dtype="int64"))
        for row, rec in t.table.totals.iterrows():
            numbers = row_numbers[in_sheet]
            scope = in_sheet[(numbers >= rec["_first"]) & (numbers <= rec["_last"])]
            mine = _Rows(typed, scope, columns)
            what, rows = (
                ("dòng tổng cộng", "trong bảng")
                if rec["_kind"] == "total"
                else ("dòng cộng nhóm", "của nhóm")
            )
            for col, written in rec.drop(["_first", "_last", "_kind"]).items():
                expected = _total_of(mine, col, written)
                if expected is None:
                    continue
                value, got = expected
                if value != got:
                    log.add("warning", f"{what} ghi {format_number(value)}, các dòng "
                            f"{rows} cho {format_number(got)}", t.file, t.sheet, int(row),
                            t.table.labels.get(col, col), written)  # fmt: skip


class _Rows:
    """The rows of `typed` at positions `scope`, read a column at a time (a total row reads
    a few columns of a few hundred rows; a DataFrame per total row cost more than the sums)."""

    def __init__(self, typed: pd.DataFrame, scope: np.ndarray, columns: dict):
        self.typed, self.scope, self.columns = typed, scope, columns

    def __len__(self) -> int:
        return len(self.scope)

    def __contains__(self, col: str) -> bool:
        return col in self.typed.columns

    def total(self, col: str, as_bool: bool) -> float:
        """`rows[col].astype(bool).sum()` or `rows[col].sum()` (missing values skipped)."""
        if col not in self.columns:
            series = self.typed[col]
            plain = isinstance(series.dtype, np.dtype) and series.dtype.kind in "biuf"
            self.columns[col] = series.to_numpy() if plain else series
        values = self.columns[col]
        if isinstance(values, pd.Series):
            values = values.iloc[self.scope]
            return values.astype(bool).sum() if as_bool else values.sum()
        values = values[self.scope]
        if as_bool:
            return values.astype(bool).sum()
        return np.nansum(values) if values.dtype.kind == "f" else values.sum()


def _total_of(rows: _Rows, col: str, written: object) -> tuple[float, float] | None:
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
    return float(written), float(rows.total(col, col_def.dtype == "bool"))


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
        if name == "has_indicator_flags" and name not in frame.columns:
            out[name] = True
        elif col.dtype == "bool":
            out[name] = values.astype(object).fillna(False).astype(bool)
        elif col.dtype.startswith("int"):
            out[name] = values.astype(col.dtype)
        elif col.dtype.startswith("Int"):
            out[name] = pd.to_numeric(values, errors="coerce").astype(col.dtype)
        elif col.dtype == "float64":
            out[name] = pd.to_numeric(values, errors="coerce").astype("float64")
        else:
            out[name] = values.astype("string")
    return out.sort_values(["year", "commune_code", "household_id"]).reset_index(drop=True)


def empty_households() -> pd.DataFrame:
    return finish_households(pd.DataFrame(columns=OUTPUT_COLUMNS))
