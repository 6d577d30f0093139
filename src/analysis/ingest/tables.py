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
from analysis.ingest.communes import normalize_code
from analysis.ingest.headers import SKIP, Header
from analysis.ingest.readers import RawSheet
from analysis.ingest.validate import display_value
from analysis.vietnamese import ascii_key, clean_text, detect_legacy_encoding, from_legacy

_TOTAL_WORD = r"(?:tong cong|cong toan|cong chung|tong so|toan huyen|toan xa|tong|cong)"
# A bare "Tổng"/"Cộng" opens a total only alone or before a word that totals ("Cộng xã",
# "Tổng hợp huyện", "Cộng I+II"): communes are named Cộng Hòa, Cộng Lạc, Tống Phan, Tống Trân.
_TOTAL_NEXT = r"(?:hop|huyen|xa|phuong|thi|tinh|ca|quan|toan|chung|so|cong|[ivx]+|[a-e]|\d+)"
_TOTAL = re.compile(
    r"^(?:(?:tong cong|cong toan|cong chung|tong so|toan huyen|toan xa)(?: |$)"
    rf"|(?:tong|cong)(?: {_TOTAL_NEXT}(?: |$)|$))"
)
# What follows the total word in a subtotal: the group it closes ("Cộng thôn Kim Lĩnh").
_GROUP_WORDS = (
    r"(?:thon|xom|to dan pho|tdp|to|ban|lang|khu pho|khu vuc|khu|khoi|ap|doi|nhom|cum|bon|"
    r"cac xa|cac phuong|cac thi tran|cac don vi|vung|[ivx]+|[a-e])"
)
_SUBTOTAL = re.compile(rf"^{_TOTAL_WORD} {_GROUP_WORDS}(?: |$)")
# A row that opens a group: "I. Thôn Kim Lĩnh", "A", "II", "Thôn 1", "Các xã".
_NUMBERED_GROUP = re.compile(r"^(?:[ivx]{1,4}|[a-e])(?: |$)")
_GROUP_HEAD = re.compile(rf"^{_GROUP_WORDS}(?: |$)")
_SIGNATURE = re.compile(
    r"\b(?:nguoi lap bieu|lap bieu|ky ghi ro ho ten|ky ten|tm ubnd|chu tich|pho chu tich|"
    r"xac nhan|can bo|thu truong|ngay \d* ?thang \d* ?nam|ghi chu|chu thich|luu y)\b"
)
NOT_DATA = "dòng không phải dữ liệu (ghi chú/chữ ký), bỏ qua"
GROUP_ROW = "dòng tên nhóm (thôn, khu vực), không phải dữ liệu"
REPEATED_HEADER = "dòng tiêu đề cột lặp lại (sang trang mới), bỏ qua"
KEY_COLUMNS = ("household_id", "commune_code", "commune_name")
HOUSEHOLD_KEYS = ("household_id", "head_name", "head_id_number")


@dataclass
class Extracted:
    """The data rows of one sheet with canonical column names, and what was cut away."""

    data: pd.DataFrame  # canonical columns (object values) + `_row` (+ `_group`)
    labels: dict[str, str]  # canonical column -> header as written
    title: str  # text of the rows above the header
    # total and subtotal rows ("Tổng cộng", "Cộng thôn …", a numbered group row with figures),
    # with `_first`/`_last`: the data rows (as the user sees them) each one sums
    totals: pd.DataFrame
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
    cells = body.to_numpy(dtype=object).tolist()  # rows of cell values, once
    texts = _row_texts(cells)
    kinds = _classify_rows(data, texts, header.kind)
    personal = {pos for pos, name in header.columns.items() if name in schema.PERSONAL_COLUMNS}
    positions = list(body.columns)
    skipped = [(r, "", REPEATED_HEADER) for r in repeated]
    late = False  # below the table's total row
    for i, (r, kind) in enumerate(zip(data.index, kinds, strict=True)):
        late = late or kind == "total"
        if kind == "group":
            skipped.append((int(r), _shown_text(positions, cells[i], personal), GROUP_ROW))
        elif kind == "footer" and not late:
            skipped.append((int(r), _shown_text(positions, cells[i], personal), NOT_DATA))
    kinds = pd.Series(kinds, index=data.index, dtype=object)
    is_data = (kinds == "data").to_numpy()
    out = data.loc[is_data].copy()
    out["_row"] = out.index.astype("int64")
    out["_group"] = _group_names(kinds, texts).loc[out.index]
    labels = {name: header.labels[pos] for pos, name in cols.items()}
    title = _title(grid.loc[: header.first_row - 1])
    totals = _total_scopes(data, kinds)
    return Extracted(out, labels, title, totals, sorted(skipped), encodings)


def _row_texts(cells: list[list]) -> list[list[str]]:
    """Each row's text cells in order, in Unicode even when written in a legacy font."""
    texts = [[v.strip() for v in r if isinstance(v, str) and v.strip()] for r in cells]
    encoding = detect_legacy_encoding(t for row in texts for t in row)
    if encoding:
        texts = [[from_legacy(t, encoding) for t in row] for row in texts]
    return texts


def _distinct(row: list, enough: int) -> int:
    """Distinct values of a row (by repr: a merged cell spread over several columns counts
    once), counted up to `enough`."""
    seen: set[str] = set()
    for v in row:
        if v is not None:
            seen.add(repr(v))
            if len(seen) >= enough:
                break
    return len(seen)


def _classify_rows(data: pd.DataFrame, texts: list[list[str]], kind: str) -> list[str]:
    """Each body row: 'data', 'total', 'subtotal', 'group' (opens a group) or 'footer'."""
    keys = HOUSEHOLD_KEYS if kind == "households" else KEY_COLUMNS
    keys = [c for c in keys if c in data.columns]
    has_key = data[keys].notna().any(axis=1).to_numpy() if keys else np.ones(len(data), dtype=bool)
    # a merged cell spread over several columns counts once; every rule below reads the
    # count only up to 6
    filled = [_distinct(r, 6) for r in data.to_numpy(dtype=object).tolist()]
    # a household row has a status; a total row of a list never does (a head named Tống
    # must not be taken for a 'Tổng' row)
    status = data.get("reported_status")
    can_total = (
        status.isna().to_numpy() if kind == "households" and status is not None
        else np.ones(len(data), dtype=bool)
    )  # fmt: skip
    if kind != "households" and "commune_code" in data.columns:
        # a row carrying a commune's code is that commune's, whatever its name says
        coded = [normalize_code(v) is not None for v in data["commune_code"].tolist()]
        can_total &= ~np.array(coded, dtype=bool)
    can_total = can_total.tolist()
    has_key = has_key.tolist()
    out = []
    seen_total = False
    for i, row in enumerate(texts):
        first = ascii_key(row[0]) if row else ""
        lead = [ascii_key(x) for x in row[:3]]
        # the whole row's key only where a rule reads it (few-cell rows): a household row
        # has many cells, and keying its whole text was a fifth of reading a list
        whole = ascii_key(" ".join(row)) if filled[i] < 6 or kind != "households" else ""
        if can_total[i] and any(_SUBTOTAL.match(k) for k in lead):
            out.append("subtotal")
        elif can_total[i] and any(_TOTAL.match(k) for k in lead):
            out.append("total")
            seen_total = True
        elif filled[i] < 6 and _SIGNATURE.search(whole):
            out.append("footer")
        elif _is_group_row(first, whole, row, has_key[i] and not can_total[i], filled[i], kind):
            out.append("group")
        elif (seen_total and filled[i] < 4) or (not has_key[i] and filled[i] <= 2):
            out.append("footer")
        else:
            out.append("data")
    return out


def _is_group_row(
    first: str, whole: str, texts: list[str], has_key: bool, filled: int, kind: str
) -> bool:
    if not texts:
        return False
    numbered = bool(_NUMBERED_GROUP.match(first))
    if kind == "households":  # a group row names a village, no household on it
        return not has_key and filled <= 3 and (numbered or bool(_GROUP_HEAD.match(whole)))
    # commune tables: "I | Các xã | 1.234 | …" opens (and may sum) a group of communes
    words = ascii_key(" ".join(texts[1:] if numbered else texts))
    return (numbered and len(first) <= 4 and not first.isdigit()) or bool(
        re.match(r"^(?:cac xa|cac phuong|cac thi tran|cac don vi|khu vuc|vung)\b", words)
    )


def _group_names(kinds: pd.Series, texts: list[list[str]]) -> pd.Series:
    """For each row, the name of the group row above it ('Thôn Kim Lĩnh'), or None."""
    names, current = [], None
    for kind, row in zip(kinds, texts, strict=True):
        if kind == "group":
            words = [t for t in row if not _NUMBERED_GROUP.fullmatch(ascii_key(t))]
            current = re.sub(r"^\s*[IVXivx]{1,4}[.)]\s*|^\s*[A-Ea-e][.)]\s*", "",
                             " ".join(words)).strip() or None  # fmt: skip
        elif kind in ("subtotal", "total"):
            current = None if kind == "total" else current
        names.append(current if kind == "data" else None)
    return pd.Series(names, index=kinds.index, dtype=object)


def _total_scopes(data: pd.DataFrame, kinds: pd.Series) -> pd.DataFrame:
    """Total-like rows with the first and last data row each one sums.

    A total sums every data row above it; a subtotal the rows since the previous group
    row, subtotal or total; a group row carrying figures (summary tables) the rows below it
    up to the next group, subtotal or total row.
    """
    rows, kinds = list(kinds.index), list(kinds)
    first_data = next((q for q, k in zip(rows, kinds, strict=True) if k == "data"), None)
    # for each position, the next group, subtotal or total row below it (None: none)
    following: list[int | None] = [None] * len(rows)
    below = None
    for i in range(len(rows) - 1, -1, -1):
        following[i] = below
        if kinds[i] in ("group", "subtotal", "total"):
            below = i
    records = []
    boundary = None  # last group/subtotal row above
    for i, (r, kind) in enumerate(zip(rows, kinds, strict=True)):
        if kind == "total":
            above = first_data is not None and first_data < r
            # a total sums the rows above it; written first (above every row), those below
            records.append((r, rows[0], r - 1, "total") if above else (r, r + 1, rows[-1], "total"))
            boundary = r
        elif kind == "subtotal":
            records.append((r, (boundary + 1) if boundary is not None else rows[0], r - 1,
                            "subtotal"))  # fmt: skip
            boundary = r
        elif kind == "group":
            nxt = following[i]
            closes_with_subtotal = nxt is not None and kinds[nxt] == "subtotal"
            if not closes_with_subtotal and _has_figures(data.loc[r]):
                records.append((r, r + 1, (rows[nxt] - 1) if nxt is not None else rows[-1],
                                "group"))  # fmt: skip
            boundary = r
    if not records:
        return data.iloc[0:0].assign(_first=pd.Series(dtype="int64"),
                                     _last=pd.Series(dtype="int64"), _kind="")  # fmt: skip
    index = [r for r, *_ in records]
    out = data.loc[index].copy()
    out["_first"] = [f for _, f, _, _ in records]
    out["_last"] = [last for _, _, last, _ in records]
    out["_kind"] = [k for *_, k in records]
    return out


def _has_figures(row: pd.Series) -> bool:
    return sum(isinstance(v, int | float) and not isinstance(v, bool) for v in row) >= 1


def _shown_text(positions: list[int], row: list, personal: set[int]) -> str:
    """The text shown for a skipped row: never from a name or ID column."""
    for pos, v in zip(positions, row, strict=True):
        if pos not in personal and isinstance(v, str) and v.strip():
            return v.strip()
    return ""


def _drop_repeated_headers(
    body: pd.DataFrame, grid: pd.DataFrame, header: Header
) -> tuple[pd.DataFrame, list[int]]:
    """Header rows repeated on each printed page, and column-numbering rows, are not data."""
    block = grid.loc[header.first_row : header.data_start - 1].to_numpy(dtype=object)
    values = body.to_numpy(dtype=object)
    repeated = np.zeros(len(body), dtype=bool)
    for head in block:
        written = pd.notna(head)
        n_written = int(written.sum())
        if n_written < 2:
            continue
        same = (values[:, written] == head[written]).sum(axis=1)
        repeated |= same >= max(2, n_written / 2)
    first = body.index[0] if len(body) else None
    after_repeat = set(body.index[1:][repeated[:-1]]) if len(body) else set()
    numbering = [r for r in {first} | after_repeat if r is not None and _is_numbering_row(body, r)]
    dropped = sorted(set(body.index[repeated]) | set(numbering))
    if not dropped:
        return body, []
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
    if data.columns.is_unique:  # each column's values from one array (a column at a time cost
        values = data.to_numpy(dtype=object)  # more than the detection)
        columns = [(col, values[:, j]) for j, col in enumerate(data.columns)]
    else:
        columns = [(col, data[col].to_numpy(dtype=object)) for col in data.columns]
    for col, column in columns:
        encoding = detect_legacy_encoding(column)
        if encoding:
            data[col] = data[col].map(
                lambda v, e=encoding: from_legacy(v, e) if isinstance(v, str) else v
            )
            encodings[col] = encoding
    return data, encodings


_NUMBERING_CELL = re.compile(
    r"^[(\[]?(?:\d{1,3}|[A-Za-z]{1,2}|[IVX]{1,4})[)\]]?(?:\s*=\s*\S.{0,20})?$"
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
