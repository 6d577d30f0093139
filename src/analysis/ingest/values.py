"""Vectorised cell parsing: numbers as offices write them, yes/no flags, coded values.

Each parser returns (parsed values, bad mask): `bad` marks cells that hold
something but could not be read, so validation can name them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import UserError
from analysis.ingest.headers import REFERENCE_DIR
from analysis.vietnamese import ascii_key, clean_text

_THOUSANDS_DOT = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")
_THOUSANDS_COMMA = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


@lru_cache(maxsize=4)
def load_value_aliases(path: Path | None = None) -> dict[str, dict[str, str]]:
    """{column: {key of a written value: canonical value}}; '_bool' holds yes/no words."""
    path = path or REFERENCE_DIR / "value_aliases.csv"
    table = pd.read_csv(path, dtype="string", keep_default_na=False)
    if {"column", "value", "canonical"} - set(table.columns):
        raise UserError(f"{path}: cần các cột column, value, canonical")
    out: dict[str, dict[str, str]] = {}
    for rec in table.itertuples(index=False):
        out.setdefault(rec.column, {})[_value_key(rec.value)] = rec.canonical
    return out


def _value_key(value: object) -> str:
    text = clean_text(str(value)).casefold()
    return ascii_key(text) or text  # symbols such as ✓ have no ascii key


def is_blank(series: pd.Series) -> pd.Series:
    """Missing, or text of spaces only."""
    values = series.to_numpy(dtype=object)
    missing = pd.isna(values)
    try:  # each distinct value tested once (a column repeats 'x', 'Nông thôn', numbers...)
        distinct = pd.unique(values[~missing])
    except TypeError:  # an unhashable cell (a list read from parquet)
        distinct = values[~missing]
    blanks = [v for v in distinct if isinstance(v, str) and not v.strip()]
    if not blanks:
        return pd.Series(missing, index=series.index, name=series.name)
    spaces = np.fromiter(
        (isinstance(v, str) and not v.strip() for v in values), dtype=bool, count=len(values)
    )
    return pd.Series(missing | spaces, index=series.index, name=series.name)


_CURRENCY = re.compile(r"(?:vnđ|vnd|đồng|đ|dong|d)\.?$", re.IGNORECASE)


def _number_text(value: object) -> object:
    if not isinstance(value, str):
        return value
    text = value.strip().replace(" ", "").replace("\u00a0", "")
    text = _CURRENCY.sub("", text) if any(ch.isdigit() for ch in text) else text
    if _THOUSANDS_DOT.match(text):
        return text.replace(".", "").replace(",", ".")
    if _THOUSANDS_COMMA.match(text):
        return text.replace(",", "")
    return text.replace(",", ".")


def parse_number(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    blank = is_blank(series)
    as_bool = series.map(lambda v: isinstance(v, bool))
    values = pd.to_numeric(series.where(~as_bool).map(_number_text), errors="coerce")
    values = values.astype("float64")
    return values, ~blank & values.isna()


def parse_integer(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    values, bad = parse_number(series)
    fractional = values.notna() & (values != np.floor(values))
    return values, bad | fractional


def _map_unique(series: pd.Series, one) -> pd.Series:
    """Apply `one` once per distinct value (lists repeat 'x', 'Nông thôn'... thousands of times)."""
    present = series[series.notna()]
    lookup = {v: one(v) for v in pd.unique(present.to_numpy(dtype=object))}
    out = pd.Series(None, index=series.index, dtype=object)
    out[present.index] = [lookup[v] for v in present.to_numpy(dtype=object)]
    return out


def parse_mapped(series: pd.Series, column: str) -> tuple[pd.Series, pd.Series]:
    """Coded values through value_aliases.csv (e.g. 'Hộ nghèo' -> 'poor')."""
    mapping = load_value_aliases().get(column, {})
    blank = is_blank(series)
    values = _map_unique(series.where(~blank), lambda v: mapping.get(_value_key(v)))
    return values, ~blank & values.isna()


def parse_bool(series: pd.Series, column: str = "_bool") -> tuple[pd.Series, pd.Series]:
    """'x'/'có'/1 -> True, empty/'không'/0 -> False; anything else is bad."""
    aliases = load_value_aliases()
    mapping = {**aliases.get("_bool", {}), **aliases.get(column, {})}
    blank = is_blank(series)

    def one(v: object) -> object:
        if isinstance(v, bool | np.bool_):
            return bool(v)
        if isinstance(v, int | float | np.number) and v in (0, 1):
            return bool(v)
        if isinstance(v, str) and v.strip() in ("1.0", "0.0", "1,0", "0,0"):
            return v.strip().startswith("1")
        found = mapping.get(_value_key(v))
        return None if found is None else found == "true"

    values = _map_unique(series.where(~blank), one)
    bad = ~blank & values.isna()
    return values.where(~blank, False).fillna(False).astype(bool), bad


# Qualifiers offices add to a status: "Hộ nghèo (BTXH)", "Hộ nghèo thuộc diện BTXH".
_SOCIAL = re.compile(
    r"\s*(?:\(\s*)?(?:thuoc dien|dien|co)?\s*(?:btxh|bao tro xa hoi)(?:\s*\))?\s*$"
)


def parse_status(series: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(status, bad mask, social-protection mask): statuses with their qualifiers.

    "Hộ nghèo (BTXH)" and "Hộ nghèo thuộc diện BTXH" are poor households receiving social
    protection; other text in parentheses is dropped before the value is looked up.
    """
    mapping = load_value_aliases().get("reported_status", {})
    blank = is_blank(series)

    def one(v: object) -> tuple[str | None, bool]:
        key = _value_key(v)
        if key in mapping:
            return mapping[key], False
        social = bool(_SOCIAL.search(key))
        core = _SOCIAL.sub("", key) if social else key
        core = _value_key(re.sub(r"\([^)]*\)", " ", clean_text(str(v)))) if not social else core
        return mapping.get(core.strip()), social

    pairs = _map_unique(series.where(~blank), one)
    values = pairs.map(lambda p: p[0] if isinstance(p, tuple) else None)
    social = pairs.map(lambda p: bool(p[1]) if isinstance(p, tuple) else False).astype(bool)
    return values, ~blank & values.isna(), social & values.notna()


_SCIENTIFIC = re.compile(r"^\s*\d+(?:[.,]\d+)?\s*[eE]\s*\+?\s*\d+\s*$")
ID_LENGTHS = {11: 12, 8: 9}  # digits left after Excel dropped a leading zero -> true length


def parse_id_numbers(series: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(ID numbers as text, lost mask, restored mask).

    Excel turns an ID typed as a number into a number: the leading zero of a 12-digit
    CCCD (or 9-digit CMND) goes, and it is restored when the length shows it. Written in
    scientific notation ("4,2012E+10") the last digits are gone: those cells are `lost`.
    """
    lost = series.map(lambda v: isinstance(v, str) and bool(_SCIENTIFIC.match(v)))

    def one(v: object) -> tuple[object, bool]:
        if isinstance(v, float) and v == v and v.is_integer():
            v = int(v)
        if isinstance(v, int | np.integer) and not isinstance(v, bool):
            digits = str(int(v))
            if len(digits) in ID_LENGTHS:
                return digits.zfill(ID_LENGTHS[len(digits)]), True
            return digits, False
        return v, False

    pairs = series.map(one)
    values = pairs.map(lambda p: p[0])
    restored = pairs.map(lambda p: p[1]).astype(bool)
    return values, lost.astype(bool), restored
