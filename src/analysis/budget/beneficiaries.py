"""Beneficiary lists and the double-support check.

Lists (household code or pseudonym, project, support type, year, amount) are read through
the ingest readers (header spellings in data/reference/header_aliases.csv, table kind
`beneficiaries`; xlsx/xls/csv in any encoding the readers know). Names and ID numbers in a
list are never read. The check flags, per row:

- `two_projects`: the same support type given to a household by two projects in a year;
- `twice_in_year`: the same support (project and type) given to a household twice in a year;
- `not_eligible`: the household's status that year is not one the support type allows;
- `escaped_too_long_ago`: a newly escaped household beyond the years the support type allows;
- `on_no_list`: the household is on no household list up to that year.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.budget.rules import ELIGIBLE_LABELS_VI, SupportType
from analysis.errors import UserError
from analysis.i18n import t as tr
from analysis.ingest.collect import collect_tables
from analysis.ingest.problems import ProblemLog
from analysis.ingest.values import parse_number
from analysis.vietnamese import ascii_key

KIND = "beneficiaries"
COLUMNS = ["household_id", "commune_code", "commune_name", "project", "support_type", "year",
           "amount_million_vnd", "file", "row"]  # fmt: skip
RULES_VI = {
    "two_projects": "Cùng loại hỗ trợ từ hai dự án trong năm",
    "twice_in_year": "Cùng một hỗ trợ hai lần trong năm",
    "not_eligible": "Hộ không thuộc đối tượng của loại hỗ trợ",
    "escaped_too_long_ago": "Hộ thoát nghèo quá thời gian được hỗ trợ",
    "on_no_list": "Hộ không có trong danh sách nào",
}
FINDING_COLUMNS = ["rule", "household_id", "year", "support_type", "project", "commune_code",
                   "file", "row", "detail"]  # fmt: skip


def read_beneficiaries(path: Path) -> pd.DataFrame:
    """Every row of the beneficiary lists under `path` (a file or folder); raises UserError
    naming file, row and column when a list cannot be used."""
    log = ProblemLog()
    tables = collect_tables(Path(path), (KIND,), log, "danh sách hộ được hỗ trợ")
    problems = log.frame()
    fatal = problems[problems["severity"] == "fatal"]
    errors: list[str] = [_where(r) + r.message for r in fatal.itertuples()]
    parts = []
    for t in tables:
        d = t.table.data
        cols = set(d.columns)
        if not ({"household_id", "head_key"} & cols):
            errors.append(f"{t.file}, trang '{t.sheet}': thiếu cột 'Mã hộ' (hoặc mã ẩn danh).")
            continue
        if not ({"amount_million_vnd", "amount_vnd"} & cols):
            errors.append(f"{t.file}, trang '{t.sheet}': thiếu cột 'Số tiền (triệu đồng)'.")
            continue
        out = pd.DataFrame(index=d.index)
        key = d["household_id"] if "household_id" in cols else d["head_key"]
        out["household_id"] = key.map(lambda v: None if v is None else str(v).strip())
        for c in ("commune_code", "commune_name"):
            out[c] = (
                d[c].map(lambda v: None if v is None else str(v).strip()) if c in cols else None
            )
        out["project"] = d["project"].map(_project)
        out["support_type"] = d["support_type"].map(lambda v: None if v is None else str(v).strip())
        year, bad_year = parse_number(d["year"]) if "year" in cols else (pd.Series(np.nan, index=d.index), pd.Series(False, index=d.index))  # fmt: skip
        if "amount_million_vnd" in cols:
            amount, bad_amount = parse_number(d["amount_million_vnd"])
            label = t.table.labels["amount_million_vnd"]
        else:
            amount, bad_amount = parse_number(d["amount_vnd"])
            amount = amount / 1e6
            label = t.table.labels["amount_vnd"]
        out["year"] = year
        out["amount_million_vnd"] = amount
        out["file"], out["row"] = t.file, d["_row"].astype("int64")
        for _col, bad, lab in (
            ("year", bad_year, t.table.labels.get("year", "Năm")),
            ("amount_million_vnd", bad_amount, label),
        ):
            for r in d.loc[bad.astype(bool), "_row"]:
                errors.append(f"{t.file}, dòng {int(r)}, cột '{lab}': không phải số.")
        for col in ("household_id", "project", "support_type"):
            lab = t.table.labels.get(col, col)
            for r in d.loc[out[col].isna() | (out[col] == ""), "_row"]:
                errors.append(f"{t.file}, dòng {int(r)}, cột '{lab}': để trống.")
        if out["year"].isna().any():
            year_hint = _year_from(t.file)
            if year_hint is None:
                errors.append(f"{t.file}: không có cột 'Năm' và tên tệp không ghi năm.")
            out["year"] = out["year"].fillna(year_hint if year_hint is not None else np.nan)
        parts.append(out)
    if errors:
        more = f"\n  ... và {len(errors) - 20} lỗi nữa" if len(errors) > 20 else ""
        raise UserError(
            "Danh sách hộ được hỗ trợ không dùng được:\n  - " + "\n  - ".join(errors[:20]) + more
        )
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out["year"] = out["year"].astype("int64")
    return out[COLUMNS]


def _where(r) -> str:
    return f"{r.file}: " if r.file else ""


def _project(v: object) -> str | None:
    """'Dự án 3.1', 'DA 3.1', '3.1' -> '3.1' (the number the text ends with)."""
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    text = str(v).strip()
    m = re.search(r"(\d+(?:\.\d+)*)\s*$", text)
    return m.group(1) if m else text


def _year_from(name: str) -> int | None:
    m = re.search(r"(20\d\d)", name)
    return int(m.group(1)) if m else None


def household_status(households: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per household known up to `year`: its status in `year` (poor, near_poor, newly_escaped,
    or other) and, for a household that left poverty, the year it did."""
    hh = households[households["year"] <= year][["household_id", "year", "reported_status"]]
    hh = hh.dropna(subset=["household_id"]).sort_values(["household_id", "year"])
    prev = hh.groupby("household_id")["reported_status"].shift(1)
    prev_year = hh.groupby("household_id")["year"].shift(1)
    # left poverty: on a list as leaving, after being poor the year before (or first seen so)
    left = (hh["reported_status"] == "not_poor") & (
        (prev == "poor") & (prev_year == hh["year"] - 1) | prev.isna()
    )
    escape_year = hh["year"].where(left).groupby(hh["household_id"]).max()
    last = hh.groupby("household_id").tail(1).set_index("household_id")
    status = pd.Series("other", index=last.index, dtype=object)
    now = last["year"] == year
    status[now & last["reported_status"].isin(["poor", "near_poor"])] = last["reported_status"]
    status[escape_year.reindex(status.index).notna() & ~status.isin(["poor", "near_poor"])] = (
        "newly_escaped"
    )
    return pd.DataFrame({"status": status, "escape_year": escape_year.reindex(status.index)})


def check_double_support(
    benef: pd.DataFrame, households: pd.DataFrame, support_types: dict[str, SupportType]
) -> pd.DataFrame:
    """Findings (FINDING_COLUMNS): one row per flagged beneficiary row and rule."""
    found: list[dict] = []
    lookup = {ascii_key(k): k for k in support_types}
    lookup.update({ascii_key(s.name): k for k, s in support_types.items()})
    benef = benef.assign(
        support_type=benef["support_type"].map(lambda v: lookup.get(ascii_key(str(v)), v))
    )
    unknown = sorted(set(benef["support_type"]) - set(support_types))
    if unknown:
        raise UserError(
            "Danh sách hộ được hỗ trợ có loại hỗ trợ chưa khai báo trong tệp nguồn vốn "
            f"(support_types): {', '.join(unknown)}."
        )

    def add(rule: str, rows: pd.DataFrame, detail) -> None:
        for r in rows.itertuples(index=False):
            found.append(
                {"rule": rule, "household_id": r.household_id, "year": int(r.year),
                 "support_type": r.support_type, "project": r.project,
                 "commune_code": r.commune_code, "file": r.file, "row": int(r.row),
                 "detail": detail(r) if callable(detail) else detail}
            )  # fmt: skip

    key = ["household_id", "year", "support_type"]
    n_projects = benef.groupby(key)["project"].transform("nunique")
    two = benef[n_projects > 1]
    projects = two.groupby(key)["project"].agg(lambda p: ", ".join(sorted(set(p))))
    add(
        "two_projects",
        two,
        lambda r: tr(
            "dự án {projects}", projects=projects[(r.household_id, r.year, r.support_type)]
        ),
    )
    twice = benef[benef.duplicated(key + ["project"], keep=False)]
    add("twice_in_year", twice, lambda r: tr("dự án {projects}", projects=r.project))
    for year in sorted(benef["year"].unique()):
        rows = benef[benef["year"] == year]
        status = household_status(households, int(year))
        st = rows["household_id"].map(status["status"])
        esc = rows["household_id"].map(status["escape_year"])
        add(
            "on_no_list",
            rows[st.isna()],
            tr("không có trong danh sách hộ đến năm {year}", year=year),
        )
        for code, stype in support_types.items():
            mine = (rows["support_type"] == code) & st.notna()
            allowed = set(stype.eligible)
            escaped = mine & (st == "newly_escaped")
            late = escaped & ("newly_escaped" in allowed)
            late &= (int(year) - esc) > stype.newly_escaped_years
            bad = mine & ~st.isin(allowed)
            allowed_vi = ", ".join(tr(ELIGIBLE_LABELS_VI[a]) for a in stype.eligible)
            for i in rows.index[late]:
                add("escaped_too_long_ago", rows.loc[[i]],
                    tr("thoát nghèo năm {year}, quá {n} năm được hỗ trợ", year=int(esc[i]),
                      n=stype.newly_escaped_years))  # fmt: skip
            for i in rows.index[bad]:
                now = tr(ELIGIBLE_LABELS_VI.get(st[i], "không thuộc diện nghèo, cận nghèo"))
                add(
                    "not_eligible",
                    rows.loc[[i]],
                    tr("năm {year} là {status}; chỉ dành cho {allowed}", year=year, status=now,
                      allowed=allowed_vi),
                )  # fmt: skip
    out = pd.DataFrame(found, columns=FINDING_COLUMNS)
    return out.sort_values(["rule", "household_id", "file", "row"], ignore_index=True)
