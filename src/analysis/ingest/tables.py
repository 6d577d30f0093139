"""Cut the table out of a sheet: title rows above, data rows, total and signature rows below.

The result keeps, for every data row, the row number the user sees, so each
problem can point at it. Text columns written in a legacy font (TCVN3, VNI) are
converted to Unicode column by column, and the conversion is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis import schema
from analysis.ingest.headers import SKIP, Header
from analysis.ingest.readers import RawSheet
from analysis.ingest.validate import display_value
from analysis.vietnamese import ascii_key, clean_text, detect_legacy_encoding, from_legacy

_TOTAL = re.compile(r"^(tong cong|cong|tong so|tong|toan huyen|toan xa|cong toan huyen)( |$)")
_SIGNATURE = re.compile(
    r"\b(?:nguoi lap bieu|lap bieu|ky ghi ro ho ten|ky ten|tm ubnd|chu tich|pho chu tich|"
    r"xac nhan|can bo|thu truong|ngay \d* ?thang \d* ?nam|ghi chu|chu thich|luu y)\b"
)
NOT_DATA = "dòng không phải dữ liệu (ghi chú/chữ ký), bỏ qua"
REPEATED_HEADER = "dòng tiêu đề cột lặp lại (sang trang mới), bỏ qua"
KEY_COLUMNS = ("household_id", "commune_code", "commune_name")


@dataclass
class Extracted:
    """The data rows of one sheet with canonical column names, and what was cut away."""

    data: pd.DataFrame  # canonical columns (object values) + `_row`
    labels: dict[str, str]  # canonical column -> header as written
    title: str  # text of the rows above the header
    totals: pd.DataFrame  # rows recognised as total rows ("Tổng cộng", "Toàn huyện")
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # (row, text, why) not data
    encodings: dict[str, str] = field(default_factory=dict)  # column -> legacy encoding converted


def extract_table(sheet: RawSheet, header: Header) -> Extracted:
    grid = sheet.grid
    cols = {pos: name for pos, name in header.columns.items() if name != SKIP}
    body = grid.loc[header.data_start :]
    body = body.loc[body.notna().any(axis=1)]  # readers make blank cells None
    body, repeated = _drop_repeated_headers(body, grid, header)
    data = body[list(cols)].rename(columns=cols)
    data, encodings = _convert_legacy(data)
    texts = [
        [v.strip() for v in r if isinstance(v, str) and v.strip()]
        for r in body.itertuples(index=False)
    ]
    is_total, is_footer, after_total = _classify_rows(data, texts)
    personal = {pos for pos, name in header.columns.items() if name in schema.PERSONAL_COLUMNS}
    skipped = [(r, "", REPEATED_HEADER) for r in repeated] + [
        (int(r), _shown_text(body.loc[r], personal), NOT_DATA)
        for r in data.index[is_footer & ~after_total]
    ]
    out = data.loc[~is_total & ~is_footer].copy()
    out["_row"] = out.index.astype("int64")
    labels = {name: header.labels[pos] for pos, name in cols.items()}
    title = _title(grid.loc[: header.first_row - 1])
    return Extracted(out, labels, title, data.loc[is_total], sorted(skipped), encodings)


def _classify_rows(data: pd.DataFrame, texts: list[list[str]]) -> tuple[pd.Series, ...]:
    """(total rows, footer rows, rows after the first total row), as boolean Series."""
    first = pd.Series([t[0] if t else "" for t in texts], index=data.index, dtype=object)
    is_total = first.map(lambda t: bool(_TOTAL.match(ascii_key(t))) if t else False).astype(bool)
    keys = [c for c in KEY_COLUMNS if c in data.columns]
    has_key = data[keys].notna().any(axis=1) if keys else pd.Series(True, index=data.index)
    filled = data.notna().sum(axis=1)
    after_total = pd.Series(np.maximum.accumulate(is_total.to_numpy()), index=data.index)
    sparse = (filled < 6).to_numpy()  # full data rows are never signature rows
    is_signature = pd.Series(
        [
            bool(s and _SIGNATURE.search(ascii_key(" ".join(t))))
            for s, t in zip(sparse, texts, strict=True)
        ],
        index=data.index,
    )
    is_footer = ~is_total & (
        is_signature | (after_total & (filled < 4)) | (~has_key & (filled <= 2))
    )
    return is_total, is_footer, after_total


def _shown_text(row: pd.Series, personal: set[int]) -> str:
    """The text shown for a skipped row: never from a name or ID column."""
    for pos, v in row.items():
        if pos not in personal and isinstance(v, str) and v.strip():
            return v.strip()
    return ""


def _drop_repeated_headers(
    body: pd.DataFrame, grid: pd.DataFrame, header: Header
) -> tuple[pd.DataFrame, list[int]]:
    """Header rows repeated on each printed page, and column-numbering rows, are not data."""
    block = grid.loc[header.first_row : header.data_start - 1]
    repeated = pd.Series(False, index=body.index)
    for _, head in block.iterrows():
        written = head.notna()
        if written.sum() < 2:
            continue
        cells = body.loc[:, written].to_numpy(dtype=object)
        same = (cells == head[written].to_numpy(dtype=object)).sum(axis=1)
        repeated |= same >= max(2, written.sum() / 2)
    first = body.index[0] if len(body) else None
    after_repeat = set(body.index[repeated.shift(1, fill_value=False).astype(bool)])
    numbering = [r for r in {first} | after_repeat if r is not None and _is_numbering_row(body, r)]
    dropped = sorted(set(body.index[repeated]) | set(numbering))
    return body.drop(index=dropped), [int(r) for r in dropped if r != first]


def _title(rows: pd.DataFrame) -> str:
    """Unique cell texts of the title rows, in order (a merged title is filled across),
    converted from a legacy font when written in one."""
    cells = list(
        dict.fromkeys(v for v in rows.to_numpy().ravel() if isinstance(v, str) and v.strip())
    )
    return " ".join(clean_text(_unlegacy(v)) for v in cells)


def _unlegacy(text: str) -> str:
    """One title cell from a legacy font to Unicode (titles mix fonts line by line)."""
    encoding = detect_legacy_encoding([text])
    return from_legacy(text, encoding) if encoding else text


def _convert_legacy(data: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    encodings = {}
    for col in data.columns:
        texts = [v for v in data[col] if isinstance(v, str)]
        encoding = detect_legacy_encoding(texts) if texts else None
        if encoding:
            data[col] = data[col].map(
                lambda v, e=encoding: from_legacy(v, e) if isinstance(v, str) else v
            )
            encodings[col] = encoding
    return data, encodings


_NUMBERING_CELL = re.compile(
    r"^\(?(?:\d{1,3}|[A-Za-z]|[IVX]{1,4}|\d{1,3}\s*=\s*[\d\s()+\-*/x.:,]+)\)?$"
)


def _is_numbering_row(data: pd.DataFrame, first: int) -> bool:
    """Official forms number their columns under the header: (1) (2) (3)..., 1 2 3, A B C,
    or with formulas such as '4=3/1'. Such a row holds only these short labels."""
    if first not in data.index:
        return False
    texts = [display_value(v).strip() for v in data.loc[first] if v is not None]
    texts = [t for t in texts if t]
    if len(texts) < 3 or not all(_NUMBERING_CELL.match(t) for t in texts):
        return False
    numbers = [int(t.strip("()")) for t in texts if t.strip("()").isdigit()]
    letters = [t.strip("()") for t in texts if t.strip("()").isalpha()]
    increasing = numbers == sorted(set(numbers)) and len(numbers) >= 2
    return increasing or len(letters) >= 2
