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
    return series.isna() | series.map(lambda v: isinstance(v, str) and not v.strip())


def _number_text(value: object) -> object:
    if not isinstance(value, str):
        return value
    text = value.strip().replace(" ", "").replace("\u00a0", "")
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
        found = mapping.get(_value_key(v))
        return None if found is None else found == "true"

    values = _map_unique(series.where(~blank), one)
    bad = ~blank & values.isna()
    return values.where(~blank, False).fillna(False).astype(bool), bad
