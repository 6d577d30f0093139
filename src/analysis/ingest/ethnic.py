"""Ethnic groups as lists write them: the 54 official groups and their other spellings.

Lists often give the head's group ("Kinh", "Thái", "H'Mông") instead of a minority flag;
the flag is derived from data/reference/ethnic_groups.csv (Kinh is the majority, the
other 53 groups are ethnic minorities).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis.errors import UserError
from analysis.ingest.header_match import REFERENCE_DIR
from analysis.vietnamese import ascii_key, name_key


def _keys(text: str) -> tuple[str, str]:
    """(key with diacritics, key without): "H'Mông" -> ('hmông', 'hmong')."""
    marked = "".join(ch for ch in name_key(text) if ch.isalnum())
    return marked, ascii_key(text).replace(" ", "")


@lru_cache(maxsize=2)
def load_ethnic_groups(path: Path | None = None) -> tuple[dict[str, tuple[str, bool]], ...]:
    """({marked key: (name, is_minority)}, {plain key: (name, is_minority)}); plain keys only
    where they are unambiguous."""
    path = path or REFERENCE_DIR / "ethnic_groups.csv"
    table = pd.read_csv(path, dtype="string", keep_default_na=False)
    if {"name", "aliases", "is_minority"} - set(table.columns):
        raise UserError(f"{path}: cần các cột name, aliases, is_minority")
    marked: dict[str, tuple[str, bool]] = {}
    plain: dict[str, set[tuple[str, bool]]] = {}
    for rec in table.itertuples(index=False):
        value = (rec.name, rec.is_minority.strip().lower() == "true")
        for spelling in [rec.name, *[a for a in rec.aliases.split(";") if a.strip()]]:
            k1, k2 = _keys(spelling)
            marked.setdefault(k1, value)
            plain.setdefault(k2, set()).add(value)
    return marked, {k: next(iter(v)) for k, v in plain.items() if len(v) == 1}


def parse_ethnic_group(series: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(official name, is_minority, bad mask) for a column of group names."""
    marked, plain = load_ethnic_groups()

    def one(v: object) -> tuple[str, bool] | None:
        if v is None or (isinstance(v, float) and v != v) or not str(v).strip():
            return None
        k1, k2 = _keys(str(v))
        return marked.get(k1) or plain.get(k2)

    found = series.map(one)
    blank = series.isna() | series.map(lambda v: isinstance(v, str) and not v.strip())
    names = found.map(lambda f: f[0] if f else None)
    minority = found.map(lambda f: bool(f[1]) if f else False).astype(bool)
    return names, minority, ~blank & found.isna()
