"""Identify communes by GSO code or by name, for one unit vintage.

Names are compared by `commune_key` (no type prefix, case, diacritics or tone
placement), so "Xã Sơn Kim 1", "SON KIM 1" and "sơn kim 1" are the same commune.
A fuzzy match (rapidfuzz) is tried only when the exact key fails; every fuzzy
match is recorded in `fuzzy_matches` and reported, never applied silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd
from rapidfuzz import fuzz, process

from analysis.errors import UserError
from analysis.registry import Registry
from analysis.vietnamese import ascii_key, commune_key, name_key

FUZZY_CUTOFF = 85.0
FUZZY_COLUMNS = ["file", "vintage", "written", "code", "name", "score"]


@dataclass
class CommuneMatcher:
    registry: Registry
    matches: list[dict] = field(default_factory=list)  # fuzzy matches made, for the report
    _cache: dict = field(default_factory=dict)

    def names(self, vintage: int) -> dict[str, str]:
        """code -> name of the units of one vintage ({} for a vintage the registry lacks)."""
        if vintage not in self._cache:
            try:
                self._cache[vintage] = self.registry.names(vintage)
            except UserError:
                self._cache[vintage] = {}
        return self._cache[vintage]

    def _keys(self, vintage: int, diacritics: bool) -> dict[str, str]:
        """name key -> code; without diacritics, only the keys that stay unambiguous."""
        if ("keys", vintage, diacritics) not in self._cache:
            names = self.names(vintage)
            keys = [commune_key(n, diacritics) for n in names.values()]
            self._cache[("keys", vintage, diacritics)] = {
                k: c for k, c in zip(keys, names, strict=True) if keys.count(k) == 1
            }
        return self._cache[("keys", vintage, diacritics)]

    def resolve(self, value: object, vintage: int, file: str = "") -> str | None:
        """GSO code for a code or a name written in a file; None when unknown."""
        code = normalize_code(value)
        if code is not None:
            return code if code in self.names(vintage) else None
        if not isinstance(value, str) or not value.strip():
            return None
        for diacritics in (True, False):
            keys = self._keys(vintage, diacritics)
            key = commune_key(value, diacritics)
            if key in keys:
                return keys[key]
        hit = process.extractOne(key, list(keys), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if hit is None:
            return None
        code = keys[hit[0]]
        self.matches.append(
            {"file": file, "vintage": vintage, "written": value, "code": code,
             "name": self.names(vintage)[code], "score": round(hit[1], 1)}
        )  # fmt: skip
        return code

    def find_in_text(self, text: str, vintage: int) -> str | None:
        """The commune named in a title such as 'UBND XÃ SƠN KIM 1' (exact key only)."""
        for diacritics in (True, False):
            key = " ".join(re.sub(r"[^\w]+", " ", name_key(text)).split())
            key = key if diacritics else ascii_key(text)
            found = [
                (len(k), c)
                for k, c in self._keys(vintage, diacritics).items()
                if re.search(rf"(?<!\w){re.escape(k)}(?!\w)", key)
            ]
            if found:
                return max(found)[1]
        return None

    def hint(self, value: object, vintage: int) -> str:
        """For a code unknown in `vintage`: which other vintage has it (codes are reused)."""
        code = normalize_code(value)
        if code is None:
            return ""
        others = sorted(set(self.registry.units["vintage"].astype(int)) - {vintage})
        found = [f"kỳ {v}: {self.names(v)[code]}" for v in others if code in self.names(v)]
        return f" (mã này thuộc {', '.join(found)})" if found else ""

    def fuzzy_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.matches, columns=FUZZY_COLUMNS)


def normalize_code(value: object) -> str | None:
    """A GSO commune code as 5-digit text ('18196', 18196, 18196.0, '018196' -> '18196')."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if value != value or not float(value).is_integer():
            return None
        return f"{int(value):05d}"
    text = str(value).strip()
    if re.fullmatch(r"\d+(\.0+)?", text):
        return f"{int(float(text)):05d}"
    return None
