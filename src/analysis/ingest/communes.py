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
from analysis.vietnamese import ascii_key, commune_key, name_key, strip_diacritics

FUZZY_CUTOFF = 85.0
_UNIT_WORD = re.compile(r"(?<![a-z0-9])(?:xa(?! hoi\b)|phuong|thi tran|tt)\s+")
_FILE_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def _tail_like(key: str, plain: str, start: int) -> str:
    """The part of `key` (with diacritics) after the same number of words as plain[:start]."""
    n_words = len(plain[:start].split())
    return " ".join(key.split()[n_words:])


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

    def resolve_exact(self, value: str, vintage: int) -> str | None:
        """A commune name written alone (a sheet name), without fuzzy matching."""
        for diacritics in (True, False):
            key = commune_key(value, diacritics)
            if key in self._keys(vintage, diacritics):
                return self._keys(vintage, diacritics)[key]
        return None

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

    def find_after_unit_word(self, text: str, vintage: int) -> tuple[str | None, list[str]]:
        """(code, names written) of the commune a title names after its unit-type word.

        'UBND XÃ SƠN KIM 1', 'Danh sách hộ nghèo thôn Tây Sơn, xã Sơn Kim 1': only a name
        right after 'xã', 'phường', 'thị trấn' (or 'TT') counts, so a village that shares a
        commune's name never decides. Returns the names seen after a unit word (for the
        message when none is a commune of the district); the code only when exactly one
        commune of the district is named.
        """
        codes: set[str] = set()
        written: list[str] = []
        for diacritics in (True, False):
            key = " ".join(re.sub(r"[^\w]+", " ", name_key(text)).split())
            plain = ascii_key(text)
            for m in _UNIT_WORD.finditer(plain):
                rest_plain = plain[m.end() :]
                rest = _tail_like(key, plain, m.end()) if diacritics else rest_plain
                if diacritics:
                    written.append(" ".join(_tail_like(key, plain, m.end()).split()[:4]))
                hits = [
                    (len(k), c)
                    for k, c in self._keys(vintage, diacritics).items()
                    if re.match(rf"{re.escape(k)}(?!\w)", rest)
                ]
                if hits:
                    codes.add(max(hits)[1])
            if codes:
                break
        if len(codes) == 1:
            return codes.pop(), written
        return None, written

    def find_in_file_name(self, stem: str, vintage: int) -> str | None:
        """The commune of a file name: 'SonKim1_2024', 'DS ho ngheo Son Tay 2024',
        '18196_son-kim-1'. Words are split at separators, case changes and digits; a run of
        consecutive words must spell a commune name (without diacritics or spaces)."""
        words = _FILE_WORDS.findall(strip_diacritics(stem))
        compact = {k.replace(" ", ""): c for k, c in self._keys(vintage, False).items()}
        found: dict[str, int] = {}
        for i in range(len(words)):
            for j in range(i + 1, min(len(words), i + 6) + 1):
                run = "".join(words[i:j]).lower()
                if run in compact:
                    code = compact[run]
                    found[code] = max(found.get(code, 0), len(run))
        if not found:
            return None
        best = max(found.values())
        winners = [c for c, n in found.items() if n == best]
        longer_contains_shorter = all(
            any(self._contains(w, c, vintage) for w in winners) for c in found
        )
        return winners[0] if len(winners) == 1 and longer_contains_shorter else None

    def _contains(self, outer: str, inner: str, vintage: int) -> bool:
        """Whether commune `outer`'s name contains `inner`'s ('Sơn Kim 1' ⊃ 'Kim')."""
        names = self.names(vintage)
        return commune_key(names[inner]) in commune_key(names[outer])

    def unit_type(self, code: str, vintage: int) -> str | None:
        units = self.registry.units
        hit = units[(units["vintage"] == vintage) & (units["code"] == code)]
        return None if hit.empty else str(hit["unit_type"].iloc[0])

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
