"""Match one column's header text to a canonical column, and say how.

Offices write the same header many ways: "Số nhân khẩu", "SỐ NHÂN KHẨU", "Số NK",
"Số nhân khẩu (người)", "Nhân khẩu\n(người)". A header is compared by tokens of its
ascii key (no case, diacritics, punctuation, NBSP or line breaks), in this order, and
the first step that finds exactly one canonical column decides:

1. `tên chuẩn`: the key equals a known spelling (the schema's or header_aliases.csv's);
2. `bỏ chú thích`: the same after dropping qualifiers in parentheses or brackets and
   anything after a slash ("(đồng/người/tháng)", "(xã, thị trấn)", "/tháng");
3. `viết tắt`: the same after expanding the abbreviations of
   data/reference/header_abbreviations.csv (BQ -> bình quân, HVS -> hợp vệ sinh; an
   abbreviation with several meanings, like TT, is tried with each);
4. `cùng từ`: the same words in another order;
5. `gần đúng`: rapidfuzz similarity at or above FUZZY_HEADER_CUTOFF, with a clear
   margin over the best other column.

Each decision is a `HeaderMatch` (column, score, how) that the input check shows.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz, process

from analysis.config import PROJECT_ROOT
from analysis.errors import UserError
from analysis.vietnamese import ascii_key

REFERENCE_DIR = PROJECT_ROOT / "data" / "reference"
FUZZY_HEADER_CUTOFF = 90.0
FUZZY_MARGIN = 4.0  # the best column must beat the best other column by this much
MAX_VARIANTS = 32

HOW_EXACT = "tên chuẩn"
HOW_QUALIFIER = "bỏ chú thích"
HOW_ABBREVIATION = "viết tắt"
HOW_WORDS = "cùng từ"
HOW_FUZZY = "gần đúng"

_ITEM_NUMBER = re.compile(r"^\s*(?:\d{1,2}|[a-zđ])\s*[.)]\s+", re.IGNORECASE)
_QUALIFIER = re.compile(r"\([^)]*\)|\[[^\]]*\]|\([^)]*$")


@dataclass(frozen=True)
class HeaderMatch:
    column: str  # canonical column (or "_skip")
    score: float  # 100 unless fuzzy
    how: str  # one of the HOW_* labels
    key: str  # the key that matched


@lru_cache(maxsize=4)
def load_abbreviations(path: Path | None = None) -> dict[str, tuple[str, ...]]:
    """{ascii key of an abbreviation: (ascii keys of its expansions, ...)}."""
    path = path or REFERENCE_DIR / "header_abbreviations.csv"
    if not path.exists():
        return {}
    table = pd.read_csv(path, dtype="string", keep_default_na=False)
    if {"abbreviation", "expansion"} - set(table.columns):
        raise UserError(f"{path}: cần các cột abbreviation, expansion")
    out: dict[str, list[str]] = {}
    for rec in table.itertuples(index=False):
        abbr, expansion = ascii_key(rec.abbreviation), ascii_key(rec.expansion)
        if abbr and expansion and expansion not in out.setdefault(abbr, []):
            out[abbr].append(expansion)
    return {k: tuple(v) for k, v in out.items()}


def strip_qualifiers(text: str) -> str:
    """'Thu nhập BQ (đồng/người/tháng)' -> 'Thu nhập BQ'; 'Thôn/Xóm' -> 'Thôn';
    '3. Dinh dưỡng' -> 'Dinh dưỡng' (indicators numbered as in the form)."""
    text = _QUALIFIER.sub(" ", text)
    text = _ITEM_NUMBER.sub("", text)
    return text.split("/")[0]


def expansions(key: str, abbreviations: dict[str, tuple[str, ...]]) -> list[str]:
    """Every reading of `key` with its abbreviations expanded (at most MAX_VARIANTS).

    Abbreviations of several words once their punctuation is gone ('P.tiện' -> 'p tien')
    are replaced first, on word boundaries; then each word is tried with its meanings.
    """
    original = key
    for abbr, meanings in abbreviations.items():
        if " " in abbr and len(meanings) == 1:
            key = re.sub(rf"(?<!\w){re.escape(abbr)}(?!\w)", meanings[0], key)
    options = [(tok, *abbreviations.get(tok, ())) for tok in key.split()]
    if all(len(o) == 1 for o in options):
        return [key] if key != original else []
    out = []
    for combo in itertools.islice(itertools.product(*options), MAX_VARIANTS):
        text = " ".join(combo)
        if text != key:
            out.append(text)
    return out


class HeaderIndex:
    """The known spellings of one table kind, ready for matching."""

    def __init__(self, aliases: dict[str, str]):
        self.exact = aliases  # ascii key -> column
        self.words: dict[str, set[str]] = {}
        for key, col in aliases.items():
            self.words.setdefault(" ".join(sorted(key.split())), set()).add(col)
        self.keys = list(aliases)
        self.abbreviations = load_abbreviations()
        self._cache: dict[tuple[str, bool], HeaderMatch | None] = {}

    def match(self, text: str, fuzzy: bool = True) -> HeaderMatch | None:
        """The canonical column of one header text, or None; `fuzzy=False` skips step 5."""
        if (text, fuzzy) not in self._cache:
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[(text, fuzzy)] = self._match(text, fuzzy)
        return self._cache[(text, fuzzy)]

    def _match(self, text: str, fuzzy: bool) -> HeaderMatch | None:
        if "%" in text and "ty le" not in ascii_key(text):  # "Hộ nghèo / %" is a rate
            text = text.replace("%", " tỷ lệ ")
        full = ascii_key(text)
        if not full:
            return None
        stripped = ascii_key(strip_qualifiers(text))
        if full in self.exact:
            return HeaderMatch(self.exact[full], 100.0, HOW_EXACT, full)
        if stripped and stripped in self.exact:
            return HeaderMatch(self.exact[stripped], 100.0, HOW_QUALIFIER, stripped)
        bases = list(dict.fromkeys(k for k in (full, stripped) if k))
        expanded = [e for b in bases for e in expansions(b, self.abbreviations)]
        found = {self.exact[e]: e for e in expanded if e in self.exact}
        if len(found) == 1:
            col, key = next(iter(found.items()))
            return HeaderMatch(col, 100.0, HOW_ABBREVIATION, key)
        if len(found) > 1:
            return None  # an abbreviation read two ways gives two columns: not decided here
        for key in [*bases, *expanded]:
            cols = self.words.get(" ".join(sorted(key.split())), set())
            if len(cols) == 1:
                return HeaderMatch(next(iter(cols)), 100.0, HOW_WORDS, key)
        # never guessed from an abbreviation's expansions: "TT 1" is not "Thành thị"
        return self._fuzzy(bases) if fuzzy else None

    def _fuzzy(self, keys: list[str]) -> HeaderMatch | None:
        best: dict[str, tuple[float, str]] = {}
        for key in keys:
            if len(key) < 6:  # short keys (abbreviations) are never guessed
                continue
            for alias, score, _ in process.extract(
                key, self.keys, scorer=fuzz.ratio, score_cutoff=FUZZY_HEADER_CUTOFF - FUZZY_MARGIN,
                limit=8,
            ):  # fmt: skip
                col = self.exact[alias]
                if score > best.get(col, (0.0, ""))[0]:
                    best[col] = (score, alias)
        if not best:
            return None
        ranked = sorted(best.items(), key=lambda kv: -kv[1][0])
        col, (score, alias) = ranked[0]
        runner_up = ranked[1][1][0] if len(ranked) > 1 else 0.0
        if score < FUZZY_HEADER_CUTOFF or score - runner_up < FUZZY_MARGIN:
            return None
        return HeaderMatch(col, round(score, 1), HOW_FUZZY, alias)
