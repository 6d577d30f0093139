"""Header mapping as data: which header text means which canonical column.

Aliases come from three places, merged: the canonical column names and their
`label_vi` in `analysis.schema`, `Column.aliases`, and the user-extendable table
`data/reference/header_aliases.csv` (table, column, alias). Headers are compared
by `ascii_key` (no case, diacritics or punctuation), so "Số nhân khẩu", "SO NHAN
KHAU" and "Số nhân khẩu (người)"... the last needs its own alias line.

`find_header` locates the header block of a sheet (one to three rows, below any
title rows) and decides which kind of table the sheet is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis import schema
from analysis.config import PROJECT_ROOT
from analysis.errors import UserError
from analysis.ingest.header_match import HOW_FUZZY, HeaderIndex, HeaderMatch, strip_qualifiers
from analysis.vietnamese import ascii_key, detect_legacy_encoding, from_legacy

REFERENCE_DIR = PROJECT_ROOT / "data" / "reference"
KINDS = ("households", "totals", "results", "dynamics_poor", "dynamics_near_poor")
# Table kinds read on request only (never searched for among the review's files).
EXTRA_KINDS = ("beneficiaries", "disbursement")
# Beneficiary lists of the programme's supports (analysis.budget.beneficiaries): column -> label.
BENEFICIARY_COLUMNS = {
    "household_id": "Mã hộ",
    "head_key": "Mã ẩn danh chủ hộ",
    "commune_code": "Mã xã",
    "commune_name": "Tên xã",
    "project": "Dự án",
    "support_type": "Loại hỗ trợ",
    "year": "Năm",
    "amount_million_vnd": "Số tiền (triệu đồng)",
    "amount_vnd": "Số tiền (đồng)",
}
# Disbursement sheet (analysis.budget.disbursement): column -> label.
DISBURSEMENT_COLUMNS = {
    "year": "Năm",
    "commune_code": "Mã xã",
    "commune_name": "Tên xã",
    "project": "Dự án",
    "source": "Nguồn vốn",
    "disbursed_million_vnd": "Đã giải ngân (triệu đồng)",
}
SKIP = "_skip"
HEADER_SCAN_ROWS = 30
MAX_HEADER_ROWS = 3
_RESULT_COLUMNS = ("year", "commune_code", "commune_name", "n_households", "n_persons",
                   "n_poor", "n_near_poor", "poor_rate", "near_poor_rate", "multidim_rate")  # fmt: skip


def _schema_aliases(kind: str) -> list[tuple[str, str]]:
    """(column, alias) pairs that the schema itself defines for one table kind."""
    if kind == "households":
        cols = [c for c in schema.HOUSEHOLD_COLUMNS if c.name not in ("unit_vintage", "head_key")]
    elif kind == "totals":
        cols = list(schema.TOTALS_COLUMNS)
    elif kind == "results":
        cols = [c for c in schema.INDICATOR_COLUMNS if c.name in _RESULT_COLUMNS]
        flows = [(c, a) for c, (label, other) in schema.SUMMARY_FLOW_COLUMNS.items()
                 for a in (c, label, *other)]  # fmt: skip
        return [(c.name, a) for c in cols for a in (c.name, c.label_vi, *c.aliases)] + flows
    elif kind in EXTRA_KINDS:
        columns = BENEFICIARY_COLUMNS if kind == "beneficiaries" else DISBURSEMENT_COLUMNS
        return [(c, a) for c, label in columns.items() for a in (c, label)]
    else:
        cols = [c for c in schema.INDICATOR_COLUMNS if c.name in ("commune_code", "commune_name")]
    pairs = [(c.name, a) for c in cols for a in (c.name, c.label_vi, *c.aliases)]
    if kind.startswith("dynamics_"):
        group = "poor" if kind == "dynamics_poor" else "near_poor"
        for col, (top, label) in schema.DYNAMICS_LABELS_VI.items():
            if col.startswith(f"n_{group}_"):
                pairs += [(col, col), (col, label), (col, f"{top} {label}")]
    return pairs


@lru_cache(maxsize=4)
def load_aliases(path: Path | None = None) -> dict[str, dict[str, str]]:
    """{kind: {ascii key of a header: canonical column}} from the schema and the CSV."""
    path = path or REFERENCE_DIR / "header_aliases.csv"
    table = pd.read_csv(path, dtype="string", keep_default_na=False)
    missing = {"table", "column", "alias"} - set(table.columns)
    if missing:
        raise UserError(
            f"{path}: thiếu cột {', '.join(sorted(missing))} (cần: table, column, alias)"
        )
    out: dict[str, dict[str, str]] = {k: {} for k in KINDS + EXTRA_KINDS}
    pairs = [
        (kind, col, alias) for kind in KINDS + EXTRA_KINDS for col, alias in _schema_aliases(kind)
    ]
    for i, rec in enumerate(table.itertuples(index=False), start=2):
        if rec.table not in out:
            raise UserError(
                f"{path}, dòng {i}: bảng '{rec.table}' không hợp lệ "
                f"(chọn: {', '.join(KINDS + EXTRA_KINDS)})"
            )
        pairs.append((rec.table, rec.column, rec.alias))
    for kind, col, alias in pairs:
        out[kind].setdefault(ascii_key(alias), col)
    for kind, col, alias in pairs:  # the same spellings without their qualifiers
        if key := ascii_key(strip_qualifiers(alias)):
            out[kind].setdefault(key, col)
    return out


def required_content(kind: str) -> tuple[str, ...]:
    """Required columns of a table kind that only the table itself can give (not the
    year or commune, which may come from the title or file name)."""
    context = ("year", "commune_code", "unit_vintage", "head_key")
    if kind == "households":
        return tuple(
            c.name for c in schema.HOUSEHOLD_COLUMNS if c.required and c.name not in context
        )
    if kind == "totals":
        return ("n_households",)
    if kind == "results":  # resident households may come from the totals file instead
        return ("n_poor", "n_near_poor")
    if kind == "beneficiaries":
        return ("project", "support_type")
    if kind == "disbursement":
        return ("project", "disbursed_million_vnd")
    group = "poor" if kind == "dynamics_poor" else "near_poor"
    return tuple(c for c in schema.DYNAMICS_COLUMNS if c.startswith(f"n_{group}_"))


@dataclass
class Header:
    """Where a sheet's table is and what its columns mean."""

    kind: str
    first_row: int  # row number (as the user sees it) of the header's first row
    height: int
    columns: dict[int, str]  # grid column position -> canonical column
    labels: dict[int, str]  # grid column position -> header text as written
    unknown: list[str] = field(default_factory=list)  # headers that matched nothing
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (first, second) same field
    encoding: str | None = None  # legacy encoding of the header text, if converted
    matches: dict[int, HeaderMatch] = field(default_factory=dict)  # how each column matched

    @property
    def data_start(self) -> int:
        return self.first_row + self.height

    @property
    def complete(self) -> bool:
        """Every required column that only the table can give is there."""
        return set(required_content(self.kind)) <= set(self.columns.values())


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


# Table kinds whose rows are communes: a header block without a commune column is not one of them.
COMMUNE_KEYED = ("totals", "results", "dynamics_poor", "dynamics_near_poor")


def find_header(grid: pd.DataFrame, kinds: tuple[str, ...] = KINDS) -> Header | None:
    """The best header block in the first rows of `grid`, or None when nothing matches.

    When the top of the sheet reads as a legacy encoding, the header is looked for both
    as written and converted: a Unicode template header over TCVN3 data stays readable.
    """
    head = grid.head(HEADER_SCAN_ROWS)
    texts = [[_cell_text(v) for v in row] for row in head.to_numpy(dtype=object).tolist()]
    encoding = detect_legacy_encoding(v for row in texts for v in row if v)
    variants = [(None, texts)]
    if encoding:
        variants.append(
            (encoding, [[from_legacy(v, encoding) if v else v for v in r] for r in texts])
        )
    best: tuple[tuple, Header] | None = None
    for enc, variant in variants:
        found = _best_block(variant, kinds)
        if found and (best is None or found[0] > best[0]):
            found[1].encoding = enc
            best = found
    if best is None:
        return None
    best[1].first_row = int(head.index[best[1].first_row])
    return best[1]


def _best_block(texts: list[list[str]], kinds: tuple[str, ...]) -> tuple[tuple, Header] | None:
    """(rank, header) of the best-matching block; header.first_row is a position here."""
    indexes = {kind: header_index(kind) for kind in kinds}
    starts = [
        i for i, row in enumerate(texts)
        if any(v and ix.match(v, fuzzy=False) for v in row for ix in indexes.values())
    ]  # fmt: skip
    best: tuple[tuple, Header] | None = None
    for kind in kinds:
        for pos in starts:
            for height in range(1, min(MAX_HEADER_ROWS, len(texts) - pos) + 1):
                header = _match_block(texts, pos, height, indexes[kind])
                matched = set(header.columns.values()) - {SKIP}
                if kind in COMMUNE_KEYED and not matched & {"commune_code", "commune_name"}:
                    continue  # a commune table names its communes (e.g. not a group sub-header)
                sure = sum(
                    1
                    for c, m in header.matches.items()
                    if m.column != SKIP and m.how != HOW_FUZZY and c in header.columns
                )
                score = sure + 0.5 * (len(matched) - sure)
                # ties go to the smaller table kind (a totals sheet also matches a few
                # household columns), then to the shorter and higher header block
                rank = (score, -len(set(indexes[kind].exact.values())), -height, -pos)
                if len(matched) >= 2 and (best is None or rank > best[0]):
                    header.kind, header.first_row = kind, pos
                    best = (rank, header)
    return best


_NUMBER = re.compile(r"[\d.,\s]+")


@lru_cache(maxsize=16)
def header_index(kind: str) -> HeaderIndex:
    return HeaderIndex(load_aliases()[kind])


def _match_block(texts: list[list[str]], pos: int, height: int, index: HeaderIndex) -> Header:
    """Each column's header parts (parent over child) matched: the most specific reading that
    matches wins (all parts joined, then the last two, then the last alone)."""
    columns: dict[int, str] = {}
    labels: dict[int, str] = {}
    matches: dict[int, HeaderMatch] = {}
    unknown: list[str] = []
    duplicates: list[tuple[str, str]] = []
    block = texts[pos : pos + height]
    width = max(len(r) for r in block)
    for col in range(width):
        # a number is a value or a column number, never part of a header
        parts = _dedupe([row[col] for row in block if col < len(row) and row[col]
                         and not _NUMBER.fullmatch(row[col])])  # fmt: skip
        if not parts:
            continue
        label = " / ".join(parts)
        found = _match_parts(parts, index)
        if found is None:
            unknown.append(label)
            continue
        name = found.column
        if name != SKIP and name in columns.values():
            first = next(p for p, n in columns.items() if n == name)
            duplicates.append((labels[first], label))
            continue
        columns[col], labels[col], matches[col] = name, label, found
    return Header("", 0, height, columns, labels, unknown, duplicates, matches=matches)


def _match_parts(parts: list[str], index: HeaderIndex) -> HeaderMatch | None:
    readings = list(dict.fromkeys([" ".join(parts), " ".join(parts[-2:]), parts[-1]]))
    fuzzy = None
    for text in readings:
        found = index.match(text)
        if found is not None and found.how != HOW_FUZZY:
            return found
        fuzzy = fuzzy or found
    return fuzzy


def _dedupe(items: list[str]) -> list[str]:
    """Drop consecutive repeats (a merged cell filled down repeats its value)."""
    out: list[str] = []
    for item in items:
        if not out or out[-1] != item:
            out.append(item)
    return out


KIND_TITLES = {
    "households": "Household lists",
    "totals": "Resident totals",
    "results": "Summary tables: results",
    "dynamics_poor": "Summary tables: dynamics of the poor list",
    "dynamics_near_poor": "Summary tables: dynamics of the near-poor list",
    "beneficiaries": "Beneficiary lists of the programme's supports",
    "disbursement": "Disbursement sheet of the programme's envelopes",
}


def aliases_markdown(path: Path | None = None) -> str:
    """The accepted header spellings per table and column, for the data dictionary.

    Generated from the schema and data/reference/header_aliases.csv; headers are matched
    without case, diacritics or punctuation, so one spelling stands for its variants.
    """
    path = path or REFERENCE_DIR / "header_aliases.csv"
    table = pd.read_csv(path, dtype="string", keep_default_na=False)
    parts = ["## Accepted input headers\n",
             "Matched without case, diacritics or punctuation. Add a line to "
             "`data/reference/header_aliases.csv` (table, column, alias) for a new spelling.\n"]  # fmt: skip
    for kind in KINDS + EXTRA_KINDS:
        spellings: dict[str, list[str]] = {}
        for col, alias in [*_schema_aliases(kind), *zip(*_csv_rows(table, kind), strict=True)]:
            known = spellings.setdefault(col, [])
            if ascii_key(alias) not in {ascii_key(a) for a in known}:
                known.append(alias)
        parts.append(f"\n### {KIND_TITLES[kind]} (`{kind}`)\n\n| column | headers |\n|---|---|")
        for col, names in spellings.items():
            shown = "; ".join(n.replace("|", "\\|") for n in names)
            parts.append(f"| `{col}` | {shown} |")
    return "\n".join(parts) + "\n"


def _csv_rows(table: pd.DataFrame, kind: str) -> tuple[list[str], list[str]]:
    rows = table[table["table"] == kind]
    return rows["column"].tolist(), rows["alias"].tolist()
