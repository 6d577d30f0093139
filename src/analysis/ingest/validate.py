"""Validation of household rows, driven by the column definitions in `analysis.schema`.

Every check runs on whole columns and adds one problem per failing cell; rows with
an `error` go to the rejects table with all their reasons, rows with only
warnings are kept. Nothing stops at the first problem.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from analysis import schema
from analysis.i18n import t
from analysis.ingest.communes import CommuneMatcher
from analysis.ingest.ethnic import parse_ethnic_group
from analysis.ingest.problems import PROBLEM_COLUMNS
from analysis.ingest.values import (
    is_blank,
    parse_bool,
    parse_id_numbers,
    parse_integer,
    parse_mapped,
    parse_number,
    parse_status,
)
from analysis.standard import LINE_RURAL_VND, LINE_URBAN_VND, MIN_DEPRIVATIONS, get_standard
from analysis.vietnamese import clean_text, format_number

META = ["_file", "_sheet", "_row", "_has_flags", "_has_id"]
IMPLAUSIBLE_INCOME_FACTOR = 2.0  # poor/near-poor with income above twice the line: rejected
HOUSEHOLD = schema.columns_by_name(schema.HOUSEHOLD_COLUMNS)
DERIVED = ("year", "unit_vintage", "head_key")


class Checks:
    """Accumulates row problems for one frame of raw rows (index = row id)."""

    def __init__(self, raw: pd.DataFrame, label: Callable[[str, str], str]):
        self.raw = raw
        self.label = label
        self.parts: list[pd.DataFrame] = []

    def add(self, mask: pd.Series, column: str, message: str | pd.Series, severity: str = "error"):
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        rows = self.raw.loc[mask]
        shown = column in rows.columns and column not in schema.PERSONAL_COLUMNS  # no IDs, names
        values = rows[column] if shown else pd.Series("", index=rows.index)
        msg = message.loc[mask] if isinstance(message, pd.Series) else message
        self.parts.append(
            pd.DataFrame(
                {
                    "file": rows["_file"],
                    "sheet": rows["_sheet"],
                    "row": rows["_row"],
                    "column": [self.label(f, column) for f in rows["_file"]],
                    "value": values.map(display_value),
                    "message": msg,
                    "severity": severity,
                    "_id": rows.index,
                }
            )
        )

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=[*PROBLEM_COLUMNS, "_id"])
        return pd.concat(self.parts, ignore_index=True)


def display_value(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_columns(raw: pd.DataFrame, checks: Checks) -> pd.DataFrame:
    """Typed values of every schema column present in `raw`; bad cells become problems."""
    out = pd.DataFrame(index=raw.index)
    social = None
    for name, col in HOUSEHOLD.items():
        if name not in raw.columns or name in DERIVED or col.personal:
            continue
        series = raw[name]
        if name == "reported_status":
            values, bad, social = parse_status(series)
            allowed = ", ".join(map(t, schema.STATUS_LABELS_VI.values()))
            checks.add(
                bad, name, t("giá trị không nằm trong danh mục ({allowed})", allowed=allowed)
            )
            checks.add(is_blank(series), name, t("thiếu giá trị bắt buộc"))
            out[name] = values
            continue
        if name == "ethnic_group":
            values, minority, bad = parse_ethnic_group(series)
            checks.add(bad, name, t("dân tộc không có trong danh mục 54 dân tộc "
                                    "(data/reference/ethnic_groups.csv)"))  # fmt: skip
            out[name] = values
            if "is_ethnic_minority" not in raw.columns:
                out["is_ethnic_minority"] = minority
            continue
        if col.dtype == "bool":
            values, bad = parse_bool(series, name)
            checks.add(bad, name, t("giá trị không hợp lệ (ghi 'x' hoặc để trống)"))
        elif col.allowed:
            values, bad = parse_mapped(series, name)
            allowed = (
                ", ".join(map(t, schema.STATUS_LABELS_VI.values()))
                if name == "reported_status"
                else ""
            )
            checks.add(
                bad, name, t("giá trị không nằm trong danh mục ({allowed})", allowed=allowed)
            )
        elif col.dtype.lower().startswith(("int", "float")):
            integer = col.dtype.lower().startswith("int")
            values, bad = (parse_integer if integer else parse_number)(series)
            checks.add(bad, name, t("không phải số nguyên") if integer else t("không phải số"))
            _check_range(values, col, checks)
        else:
            values, bad = series.map(_as_text), pd.Series(False, index=raw.index)
        if col.required and col.dtype != "bool":
            checks.add(is_blank(series), name, "thiếu giá trị bắt buộc")
        out[name] = values
    if "head_id_number" in raw.columns:  # names are not needed: dropped at ingest
        out["head_id_number"], lost, restored = parse_id_numbers(raw["head_id_number"])
        checks.add(lost, "head_id_number", "số định danh ghi dạng số mũ (E+): Excel đã làm mất "
                   "các chữ số cuối; định dạng cột là Văn bản (Text) và nhập lại", "fatal")  # fmt: skip
        checks.add(restored, "head_id_number", "số định danh bị Excel đổi thành số: đã thêm "
                   "số 0 đầu theo độ dài (12 số CCCD, 9 số CMND)", "info")  # fmt: skip
    _indicator_count(raw, out, checks)
    if social is not None and social.any():
        given = out.get("is_social_protection", False)
        out["is_social_protection"] = social | given
    if "is_ethnic_minority" in raw.columns and "ethnic_group" in out:
        _, minority, _ = parse_ethnic_group(raw["ethnic_group"])
        differs = out["ethnic_group"].notna() & (minority != out["is_ethnic_minority"])
        checks.add(differs, "is_ethnic_minority", "cột dân tộc thiểu số khác với tên dân tộc "
                   "ghi trong bảng", "warning")  # fmt: skip
    return out


def _indicator_count(raw: pd.DataFrame, out: pd.DataFrame, checks: Checks) -> None:
    """`has_indicator_flags` and `n_deprivations`: counted from the 12 flags where the list
    gives them (a different written count is a warning), as written where it does not."""
    flags = (
        raw["_has_flags"].astype(bool) if "_has_flags" in raw else pd.Series(True, index=raw.index)
    )
    out["has_indicator_flags"] = flags
    deps = [c for c in schema.DEPRIVATION_COLUMNS if c in out]
    counted = out[deps].sum(axis=1) if deps else pd.Series(0, index=raw.index)
    written = out.get("n_deprivations")
    if written is not None:
        checks.add(~flags & written.isna(), "n_deprivations", t("thiếu số chỉ số thiếu hụt"))
        differs = flags & written.notna() & (written != counted)
        msg = counted.map(
            lambda n: t("số chỉ số thiếu hụt ghi trong bảng khác số chỉ số đánh dấu ({n})", n=n)
        )
        checks.add(differs, "n_deprivations", msg, "warning")
        out["n_deprivations"] = counted.where(flags, written)
    else:
        out["n_deprivations"] = counted
    for dep in schema.DEPRIVATION_COLUMNS:  # unknown, not "not deprived"
        if dep in out:
            out[dep] = out[dep].where(flags, False)


def _as_text(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = clean_text(str(value))
    return text or None


def _check_range(values: pd.Series, col: schema.Column, checks: Checks) -> None:
    if col.min is not None:
        msg = (
            t("giá trị âm không hợp lệ")
            if col.min == 0
            else t("giá trị nhỏ hơn {min} không hợp lệ", min=format_number(col.min))
        )
        checks.add(values < col.min, col.name, msg)
    if col.max is not None:
        checks.add(
            values > col.max, col.name, t("giá trị lớn hơn {max}", max=format_number(col.max))
        )


def check_communes(
    raw: pd.DataFrame, vintages: pd.Series, matcher: CommuneMatcher, checks: Checks
) -> pd.Series:
    """GSO code per row, from `commune_code` (a code or a name) or else `commune_name`."""
    source = "commune_code" if "commune_code" in raw.columns else "commune_name"
    if source not in raw.columns:
        return pd.Series(None, index=raw.index, dtype="string")
    pairs = pd.DataFrame(
        {"v": raw[source].map(display_value), "vintage": vintages, "f": raw["_file"]}
    )
    uniq = pairs.drop_duplicates()
    lookup = {
        (v, y, f): matcher.resolve(v, int(y), f) if v else None
        for v, y, f in uniq.itertuples(index=False)
    }
    codes = pd.Series(
        [lookup[k] for k in pairs.itertuples(index=False, name=None)],
        index=raw.index,
        dtype="string",
    )
    written = ~is_blank(raw[source])
    unknown = written & codes.isna()
    hints = {
        k: matcher.hint(k[0], int(k[1]))
        for k in uniq[["v", "vintage"]].itertuples(index=False, name=None)
    }
    hint = pd.Series(
        [hints.get((v, y), "") for v, y in zip(pairs["v"], pairs["vintage"], strict=True)],
        index=raw.index,
    )
    msg = [
        t("mã/tên xã không có trong danh mục đơn vị hành chính kỳ {vintage}", vintage=v) + h
        for v, h in zip(vintages.astype(str), hint, strict=True)
    ]
    checks.add(unknown, source, pd.Series(msg, index=raw.index))
    if source == "commune_name":  # a blank commune_code is already reported as missing
        checks.add(~written, source, t("thiếu tên xã"))
    return codes


def check_duplicates(typed: pd.DataFrame, raw: pd.DataFrame, checks: Checks) -> None:
    ids = typed["household_id"]
    dup = ids.notna() & pd.DataFrame({"y": typed["year"], "id": ids}).duplicated(keep=False)
    if not dup.any():
        return
    where = pd.Series(
        [
            t("{file} dòng {row}", file=f, row=r)
            for f, r in zip(raw["_file"], raw["_row"], strict=True)
        ],
        index=raw.index,
    )
    groups = pd.DataFrame({"y": typed["year"], "id": ids, "w": where})[dup]
    listing = groups.groupby(["y", "id"])["w"].transform(lambda s: "; ".join(s))
    msg = pd.Series("", index=raw.index)
    msg[dup] = listing.map(lambda rows: t("mã hộ trùng trong cùng năm ({rows})", rows=rows))
    checks.add(dup, "household_id", msg)


def check_combinations(
    typed: pd.DataFrame, checks: Checks, standard_by_year: dict[int, str] | None = None
) -> None:
    """Implausible statuses, against the income lines of each year's standard (config)."""
    if "income_pc_vnd" not in typed or "reported_status" not in typed:
        return
    urban = typed["is_urban"].fillna(False).astype(bool) if "is_urban" in typed else False
    urban = np.broadcast_to(np.asarray(urban), len(typed))
    line = pd.Series(np.where(urban, LINE_URBAN_VND, LINE_RURAL_VND), index=typed.index)
    for year, standard in (standard_by_year or {}).items():
        rows = (typed["year"] == year).to_numpy()
        line[rows] = get_standard(standard).lines.by_area(urban[rows])
    listed = typed["reported_status"].isin(["poor", "near_poor"])
    too_rich = listed & (typed["income_pc_vnd"] > IMPLAUSIBLE_INCOME_FACTOR * line)
    msg = (
        "hộ nghèo/cận nghèo nhưng thu nhập vượt quá "
        f"{format_number(IMPLAUSIBLE_INCOME_FACTOR)} lần chuẩn ("
        + line.map(lambda v: format_number(v))
        + " đồng)"
    )
    checks.add(too_rich, "income_pc_vnd", msg)
    if "n_deprivations" in typed:
        n_deps = typed["n_deprivations"].astype("float64")
        few = (typed["reported_status"] == "poor") & (n_deps < MIN_DEPRIVATIONS)
        checks.add(
            few,
            "reported_status",
            t("hộ nghèo nhưng thiếu hụt dưới {n} chỉ số", n=MIN_DEPRIVATIONS),
            "warning",
        )
