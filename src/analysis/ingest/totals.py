"""Resident households per commune and year (the denominators), from `tong_so_ho.xlsx`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import schema
from analysis.errors import UserError
from analysis.ingest.collect import SheetTable, missing_required
from analysis.ingest.communes import CommuneMatcher
from analysis.ingest.households import file_year
from analysis.ingest.problems import PROBLEM_COLUMNS, ProblemLog
from analysis.ingest.rejects import counts_by_file, make_rejects
from analysis.ingest.validate import Checks, check_communes
from analysis.ingest.values import is_blank, parse_integer

TOTALS = schema.columns_by_name(schema.TOTALS_COLUMNS)
TOTALS_OUTPUT = [c.name for c in schema.TOTALS_COLUMNS]


def prepare_counts(
    table: SheetTable, root: Path, log: ProblemLog, columns: tuple[schema.Column, ...]
) -> pd.DataFrame | None:
    """Raw rows of a commune table with the year filled in from the title/name if needed."""
    data = table.table.data.copy()
    fyear = None if "year" in data.columns else file_year(table, root, log)
    if fyear is not None:
        data["year"] = fyear
    provided = {"unit_vintage"} | ({"commune_code"} if "commune_name" in data.columns else set())
    missing = missing_required(set(data.columns), columns, provided)
    if missing:
        names = ", ".join(f"'{c.label_vi}'" for c in missing)
        log.add("fatal", f"thiếu cột bắt buộc: {names}", table.file, table.sheet,
                table.header.first_row)  # fmt: skip
        return None
    data["_file"], data["_sheet"] = table.file, table.sheet
    return data


def typed_counts(
    raw: pd.DataFrame,
    config,
    matcher: CommuneMatcher,
    checks: Checks,
    columns: dict[str, schema.Column],
) -> pd.DataFrame:
    """Parse year, commune and every count column of `columns`; problems go to `checks`."""
    out = pd.DataFrame(index=raw.index)
    years, bad = parse_integer(raw["year"])
    checks.add(bad | years.isna(), "year", "năm không hợp lệ")
    known = years.map(lambda y: _vintage(config, y))
    checks.add(years.notna() & known.isna(), "year", "năm ngoài phạm vi kỳ đơn vị của cấu hình")
    out["year"] = years
    out["unit_vintage"] = known
    out["commune_code"] = check_communes(raw, known.fillna(0).astype(int), matcher, checks)
    if "commune_name" in raw.columns:
        out["commune_name"] = raw["commune_name"].map(lambda v: None if v is None else str(v))
    for name, col in columns.items():
        if name in ("year", "commune_code", "commune_name") or name not in raw.columns:
            continue
        values, bad = parse_integer(raw[name])
        checks.add(bad, name, "không phải số nguyên")
        if col.required:
            checks.add(is_blank(raw[name]), name, "thiếu giá trị bắt buộc")
        if col.min is not None:
            checks.add(values < col.min, name, f"giá trị phải từ {col.min:g} trở lên")
        out[name] = values
    return out


def _vintage(config, year: float) -> float:
    if year != year:
        return float("nan")
    try:
        return float(config.vintage_for(int(year)))
    except UserError:
        return float("nan")


def build_totals(
    tables: list[SheetTable],
    root: Path,
    config,
    matcher: CommuneMatcher,
    log: ProblemLog,
    years: list[int] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(totals, rejects, counts per file/sheet)."""
    frames = [
        f for t in tables if (f := prepare_counts(t, root, log, schema.TOTALS_COLUMNS)) is not None
    ]
    if not frames:
        return empty_totals(), pd.DataFrame(), pd.DataFrame()
    raw = pd.concat(frames, ignore_index=True)
    labels = {(t.file, c): lab for t in tables for c, lab in t.table.labels.items()}
    checks = Checks(
        raw, lambda f, c: labels.get((f, c)) or (TOTALS[c].label_vi if c in TOTALS else c)
    )
    typed = typed_counts(raw, config, matcher, checks, TOTALS)
    dup = typed["commune_code"].notna() & typed.duplicated(["year", "commune_code"], keep=False)
    checks.add(dup, "commune_code", "xã xuất hiện hai lần trong cùng năm")
    problems = checks.frame()
    log.add_frame(problems[PROBLEM_COLUMNS])
    errors = problems[problems["severity"] == "error"]
    keep = ~typed.index.isin(errors["_id"].unique())
    if years is not None:
        keep &= typed["year"].isin(years)
    totals = finish_totals(typed[keep], matcher)
    return totals, make_rejects(raw, errors, "totals"), counts_by_file(raw, errors)


def finish_totals(typed: pd.DataFrame, matcher: CommuneMatcher) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "year": typed["year"].astype("int16"),
            "commune_code": typed["commune_code"].astype("string"),
            "commune_name": [
                matcher.names(int(v)).get(c)
                for v, c in zip(typed["unit_vintage"], typed["commune_code"], strict=True)
            ],
            "n_households": typed["n_households"].astype("int64"),
            "n_persons": typed["n_persons"].astype("Int64") if "n_persons" in typed else pd.NA,
        }
    )
    out["commune_name"] = out["commune_name"].astype("string")
    out["n_persons"] = out["n_persons"].astype("Int64")
    return out[TOTALS_OUTPUT].sort_values(["year", "commune_code"]).reset_index(drop=True)


def empty_totals() -> pd.DataFrame:
    return pd.DataFrame(
        {c.name: pd.Series(dtype=c.dtype if c.dtype != "int64" or c.required else "Int64")
         for c in schema.TOTALS_COLUMNS}
    )  # fmt: skip
