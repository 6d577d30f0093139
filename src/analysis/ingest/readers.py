"""Read any office file into raw sheets: cell grids indexed by the row number the user sees.

xlsx/xlsm (every sheet; merged cells filled from their top-left value), xls (xlrd,
or an HTML table saved under an .xls name as web systems export it), csv/txt
(UTF-8, UTF-8 with BOM, UTF-16, cp1258; delimiter sniffed) and parquet. Nothing
is interpreted here: headers, titles and footers are found in `headers.py`.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.vietnamese import detect_legacy_encoding, from_legacy, vietnamese_score

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
SUFFIXES = EXCEL_SUFFIXES | {".xls", ".csv", ".txt", ".parquet", ".htm", ".html"}


@dataclass
class RawSheet:
    """One sheet as a grid of cell values; index = row number as the user sees it (1-based)."""

    file: Path
    sheet: str
    grid: pd.DataFrame  # object values, columns 0..n-1
    encoding: str = ""  # text encoding of a csv, for the report


class UnreadableFile(Exception):
    """The file cannot be opened as its type says; the message is Vietnamese."""


def read_sheets(path: Path) -> list[RawSheet]:
    suffix = path.suffix.lower()
    try:
        if suffix in EXCEL_SUFFIXES:
            return _read_xlsx(path)
        if suffix == ".xls":
            return _read_xls(path)
        if suffix in (".htm", ".html"):
            return _read_html(path)
        if suffix in (".csv", ".txt"):
            return [_read_csv(path)]
        if suffix == ".parquet":
            return [_read_parquet(path)]
    except UnreadableFile:
        raise
    except Exception as exc:  # xlrd/pyarrow raise their own types for corrupt files
        raise UnreadableFile(f"không mở được tệp ({type(exc).__name__}: {exc})") from None
    raise UnreadableFile(f"không hỗ trợ loại tệp '{suffix}' (chỉ nhận xlsx, xls, csv, parquet)")


def _grid(rows: list[list], first_row: int = 1) -> pd.DataFrame:
    """Rows of cell values -> grid; blank and whitespace-only cells become None."""
    width = max((len(r) for r in rows), default=0)
    padded = [
        [None if isinstance(v, str) and not v.strip() else v for v in r] + [None] * (width - len(r))
        for r in rows
    ]
    grid = pd.DataFrame(padded, dtype=object, columns=range(width))
    grid.index = pd.RangeIndex(first_row, first_row + len(rows))
    return grid


def _read_xlsx(path: Path) -> list[RawSheet]:
    """xlsx/xlsm/xls through calamine (fast, Rust); merged cells take their top-left value."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    sheets = []
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        rows = sheet.to_python(skip_empty_area=False)
        _fill_merged(rows, sheet.merged_cell_ranges or [])
        sheets.append(RawSheet(path, name, _grid(rows)))
    return sheets


def _fill_merged(rows: list[list], ranges: list) -> None:
    for (r0, c0), (r1, c1) in ranges:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            if c1 >= len(row):
                row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                row[c] = value


def _read_xls(path: Path) -> list[RawSheet]:
    head = path.read_bytes()[:2048].lstrip().lower()
    if head.startswith((b"<", b"\xef\xbb\xbf<")) or b"<table" in head or b"<html" in head:
        return _read_html(path)
    try:
        return _read_xlsx(path)
    except Exception:  # calamine cannot read some old BIFF files; xlrd still can
        return _read_xls_xlrd(path)


def _read_xls_xlrd(path: Path) -> list[RawSheet]:
    import xlrd

    book = xlrd.open_workbook(str(path), formatting_info=False)
    sheets = []
    for sh in book.sheets():
        rows = [[_xls_value(c, book.datemode) for c in sh.row(r)] for r in range(sh.nrows)]
        sheets.append(RawSheet(path, sh.name, _grid(rows)))
    return sheets


def _xls_value(cell, datemode: int):
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if cell.ctype == xlrd.XL_CELL_DATE:
        return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
    if cell.ctype == xlrd.XL_CELL_NUMBER and float(cell.value).is_integer():
        return int(cell.value)
    return cell.value


def _read_html(path: Path) -> list[RawSheet]:
    text = _decode(path.read_bytes())[0]
    try:
        tables = pd.read_html(io.StringIO(text), header=None, flavor="lxml")
    except ValueError as exc:
        raise UnreadableFile(f"tệp HTML không có bảng nào ({exc})") from None
    sheets = []
    for i, table in enumerate(tables, start=1):
        rows = _html_header_rows(table.columns)
        rows += table.astype(object).where(table.notna(), None).values.tolist()
        sheets.append(RawSheet(path, f"Bảng {i}", _grid(rows), encoding="html"))
    return sheets


def _html_header_rows(columns: pd.Index) -> list[list]:
    """A <thead> that pandas turned into column labels, back as grid rows."""
    if isinstance(columns, pd.MultiIndex):
        levels = [list(columns.get_level_values(i)) for i in range(columns.nlevels)]
    elif all(isinstance(c, int) for c in columns):
        return []
    else:
        levels = [list(columns)]
    return [[None if str(v).startswith("Unnamed:") else v for v in level] for level in levels]


def _decode(data: bytes) -> tuple[str, str]:
    """Bytes of a text file -> (NFC text, encoding name). BOMs, UTF-8, then cp1258."""
    text, encoding = _decode_raw(data)
    return unicodedata.normalize("NFC", text), encoding


def _decode_raw(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "UTF-8 (BOM)"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    if len(data) > 3 and data[1:4:2] == b"\x00\x00":  # UTF-16 LE without BOM
        return data.decode("utf-16-le"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    # A Windows codepage. cp1258 (Vietnamese) vs cp1252 (legacy fonts read as Latin-1):
    # take the one that reads better; legacy fonts are converted later, per column.
    vn = unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
    latin = data.decode("cp1252", errors="replace")
    legacy = detect_legacy_encoding([latin])
    as_legacy = from_legacy(latin, legacy) if legacy else latin
    if vietnamese_score(vn) >= vietnamese_score(as_legacy):
        return vn, "Windows-1258"
    return latin, "Windows-1252"  # TCVN3/VNI bytes: converted per column after reading


def _read_csv(path: Path) -> RawSheet:
    text, encoding = _decode(path.read_bytes())
    sample = "\n".join(text.splitlines()[:30])
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    rows = [[c if c.strip() else None for c in r] for r in rows]
    return RawSheet(path, "", _grid(rows), encoding=encoding)


def _read_parquet(path: Path) -> RawSheet:
    frame = pd.read_parquet(path)
    header = pd.DataFrame([list(frame.columns)], dtype=object)
    body = frame.astype(object).where(frame.notna(), None)
    body.columns = range(frame.shape[1])
    header.columns = range(frame.shape[1])
    grid = pd.concat([header, body], ignore_index=True)
    grid.index = pd.RangeIndex(1, len(grid) + 1)
    return RawSheet(path, "", grid)
