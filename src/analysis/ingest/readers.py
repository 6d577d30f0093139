"""Read any office file into raw sheets: cell grids indexed by the row number the user sees.

xlsx/xlsm (every sheet; merged cells filled from their top-left value), xls (xlrd,
or an HTML table saved under an .xls name as web systems export it), csv/txt
(UTF-8, UTF-8 with BOM, UTF-16, Windows-1258, or legacy-font bytes read as
Windows-1252; delimiter sniffed, title rows above the header allowed) and parquet.
Sheet names typed in a legacy font (TCVN3, VNI, VPS) are decoded for reports; the
name as stored stays in `RawSheet.original_sheet`. Nothing else is interpreted
here: headers, titles and footers are found in `headers.py`.

Every file is measured against `data.limits` before it is parsed, and its rows and cells
are counted before they become Python objects (`limits.py`): a file over a limit raises
`InputTooLarge` and is not read.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import pandas as pd

from analysis.config import Limits
from analysis.ingest.limits import (
    Budget,
    InputTooLarge,
    check_file_size,
    check_parquet,
    check_sheet_extents,
    check_zip,
    too_many_rows,
)
from analysis.vietnamese import (
    CANDIDATES,
    detect_legacy_encoding,
    from_legacy,
    vietnamese_score,
)

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
SUFFIXES = EXCEL_SUFFIXES | {".xls", ".csv", ".txt", ".parquet", ".htm", ".html"}


@dataclass
class RawSheet:
    """One sheet as a grid of cell values; index = row number as the user sees it (1-based)."""

    file: Path
    sheet: str  # name for reports: decoded to Unicode when typed in a legacy font
    grid: pd.DataFrame  # object values, columns 0..n-1
    encoding: str = ""  # text encoding of a csv, for the report
    original_sheet: str = ""  # the name as stored in the workbook (to open the sheet again)
    sheet_encoding: str = ""  # legacy encoding the name was decoded from, if any

    def __post_init__(self) -> None:
        if not self.original_sheet:
            self.original_sheet = self.sheet


class UnreadableFile(Exception):
    """The file cannot be opened as its type says; the message is Vietnamese."""


def read_sheets(path: Path, limits: Limits | None = None) -> list[RawSheet]:
    """Every sheet of `path`. Raises UnreadableFile, or InputTooLarge for a file over one of
    `limits` (default: `Limits()`), checked before the file is parsed."""
    limits = limits or Limits()
    suffix = path.suffix.lower()
    try:
        check_file_size(path, limits)
        if suffix in EXCEL_SUFFIXES:
            return _read_xlsx(path, limits)
        if suffix == ".xls":
            return _read_xls(path, limits)
        if suffix in (".htm", ".html"):
            return _read_html(path, limits)
        if suffix in (".csv", ".txt"):
            return [_read_csv(path, limits)]
        if suffix == ".parquet":
            check_parquet(path, limits)
            return [_read_parquet(path)]
    except (UnreadableFile, InputTooLarge):
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


def _read_xlsx(path: Path, limits: Limits) -> list[RawSheet]:
    """xlsx/xlsm/xls through calamine (fast, Rust); merged cells take their top-left value.

    A zip-based file is measured from its zip directory first; each sheet's rows and cells
    (merged areas filled included) are counted before it becomes Python lists."""
    from python_calamine import CalamineWorkbook

    if zipfile.is_zipfile(path):
        check_zip(path, limits)
        check_sheet_extents(path, limits)
    book = CalamineWorkbook.from_path(str(path))
    sheets, budget = [], Budget(limits)
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        end = sheet.end  # to_python(skip_empty_area=False) starts at A1 and ends here
        height, width = (end[0] + 1, end[1] + 1) if end else (0, 0)
        merged = sheet.merged_cell_ranges or []
        budget.take(height, height * width + _merged_cells(merged, height, width))
        rows = sheet.to_python(skip_empty_area=False)
        _fill_merged(rows, merged)
        sheets.append(RawSheet(path, name, _grid(rows)))
    return _decode_sheet_names(sheets)


def _merged_cells(ranges: list, height: int, width: int) -> int:
    """Cells `_fill_merged` adds beyond the sheet's width (a merge reaching column XFD)."""
    extra = 0
    for (r0, _c0), (r1, c1) in ranges:
        if r0 < height and c1 >= width:
            extra += (min(r1, height - 1) - r0 + 1) * (c1 + 1 - width)
    return extra


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


def _read_xls(path: Path, limits: Limits) -> list[RawSheet]:
    with path.open("rb") as f:
        head = f.read(2048).lstrip().lower()
    if head.startswith((b"<", b"\xef\xbb\xbf<")) or b"<table" in head or b"<html" in head:
        return _read_html(path, limits)
    try:
        return _read_xlsx(path, limits)
    except InputTooLarge:
        raise
    except Exception:  # calamine cannot read some old BIFF files; xlrd still can
        return _read_xls_xlrd(path, limits)


def _read_xls_xlrd(path: Path, limits: Limits) -> list[RawSheet]:
    import xlrd

    book = xlrd.open_workbook(str(path), formatting_info=False, on_demand=True)
    sheets, budget = [], Budget(limits)
    for i in range(book.nsheets):
        sh = book.sheet_by_index(i)
        budget.take(sh.nrows, sh.nrows * sh.ncols)
        rows = [[_xls_value(c, book.datemode) for c in sh.row(r)] for r in range(sh.nrows)]
        sheets.append(RawSheet(path, sh.name, _grid(rows)))
    return _decode_sheet_names(sheets)


# Characters of bytes 0x80-0xFF (as Latin-1 or cp1252 shows them) that Unicode Vietnamese
# never uses: the trace of a legacy font ('¬' in TCVN3 'S¬n', 'ø' in VNI 'Hoøa').
_LEGACY_TRACES = (
    (
        {bytes([b]).decode("latin-1") for b in range(0x80, 0x100)}
        | {bytes([b]).decode("cp1252", errors="ignore") for b in range(0x80, 0x100)}
    )
    - set("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý\xa0")
    - {""}
)


def _decode_sheet_names(sheets: list[RawSheet]) -> list[RawSheet]:
    """Sheet names typed in a legacy font ('S¬n Kim 1', 'Thoân 3') decoded to Unicode.

    The encoding comes from all the workbook's names read together, else from the
    sheet's own text cells (typed with the same keyboard driver). A name is decoded
    only when the result reads better as Vietnamese, or as well while the name holds
    a character Unicode Vietnamese never uses ('¬', 'ø'): a Unicode name such as
    'Danh sách' is never rewritten on the strength of its neighbours alone.
    """
    together = detect_legacy_encoding([s.sheet for s in sheets])
    for sheet in sheets:
        if not sheet.sheet or not any(ord(c) > 0x7F or c < " " for c in sheet.sheet):
            continue
        if not together and not any(_decodes(sheet.sheet, e) for e in CANDIDATES):
            continue  # no encoding would rewrite the name: its sheet's text is not read
        encoding = together or detect_legacy_encoding(_grid_texts(sheet.grid))
        if encoding and _decodes(sheet.sheet, encoding):
            sheet.sheet, sheet.sheet_encoding = from_legacy(sheet.sheet, encoding), encoding
    return sheets


def _decodes(name: str, encoding: str) -> bool:
    """Whether `name` read in `encoding` changes and reads better (or as well, while holding
    a character Unicode Vietnamese never uses)."""
    decoded = from_legacy(name, encoding)
    before, after = vietnamese_score(name), vietnamese_score(decoded)
    return decoded != name and (after > before or (after == before and _legacy_only(name)))


def _legacy_only(text: str) -> bool:
    """Holds a character of U+0080-U+00FF (or cp1252's) that Unicode Vietnamese never uses."""
    return any(c in _LEGACY_TRACES for c in text)


def _grid_texts(grid: pd.DataFrame, rows: int = 60) -> list[str]:
    return [v for v in grid.head(rows).to_numpy().ravel() if isinstance(v, str)]


def _xls_value(cell, datemode: int):
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if cell.ctype == xlrd.XL_CELL_DATE:
        return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
    if cell.ctype == xlrd.XL_CELL_NUMBER and float(cell.value).is_integer():
        return int(cell.value)
    return cell.value


def _read_html(path: Path, limits: Limits) -> list[RawSheet]:
    text = _decode(path.read_bytes())[0]
    budget = Budget(limits)
    budget.take(text.count("<tr") + text.count("<TR"), 0)  # rows, before the tables are built
    try:
        tables = pd.read_html(io.StringIO(text), header=None, flavor="lxml")
    except ValueError as exc:
        raise UnreadableFile(f"tệp HTML không có bảng nào ({exc})") from None
    sheets = []
    for i, table in enumerate(tables, start=1):
        budget.take(0, table.size)
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
    """Bytes of a text file -> (NFC text, encoding name).

    BOMs first, then UTF-16 without BOM, strict UTF-8, and otherwise a Windows
    codepage: Windows-1258 (Vietnamese, tones as combining marks: NFC composes them)
    or Windows-1252 carrying a legacy font's bytes (TCVN3, VNI, VPS), whichever reads
    better. Legacy-font text is returned as cp1252 shows it and converted per column
    after reading, like legacy text in a workbook.
    """
    text, encoding = _decode_raw(data)
    return unicodedata.normalize("NFC", text), encoding


LEGACY_TEXT_ENCODING = "Windows-1252 (phông chữ cũ)"


def _decode_raw(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8 (BOM)"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    if len(data) > 3 and data[1:4:2] == b"\x00\x00" and data[0:3:2] != b"\x00\x00":
        return data.decode("utf-16-le", errors="replace"), "UTF-16"
    if len(data) > 3 and data[0:3:2] == b"\x00\x00" and data[1:4:2] != b"\x00\x00":
        return data.decode("utf-16-be", errors="replace"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    vn = unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
    latin = _cp1252(data)
    lines = latin.split("\n")
    legacy = detect_legacy_encoding(lines)
    as_legacy = "\n".join(from_legacy(line, legacy) for line in lines) if legacy else latin
    if legacy is None or vietnamese_score(vn) >= vietnamese_score(as_legacy):
        return vn, "Windows-1258"
    return latin, LEGACY_TEXT_ENCODING  # converted per column after reading


def _cp1252(data: bytes) -> str:
    """Windows-1252, keeping the five bytes it leaves undefined as their Latin-1 characters
    (VPS puts letters there: 0x81 Ả, 0x8D Ắ, 0x8F Ẳ, 0x90 Ế, 0x9D Ớ)."""
    return data.decode("cp1252", errors="surrogateescape").translate(_UNDEFINED_CP1252)


_UNDEFINED_CP1252 = {0xDC00 + b: b for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}

DELIMITERS = ",;\t|"


def sniff_delimiter(text: str, max_lines: int = 300) -> str:
    """The delimiter that explains the most cells in consistently wide rows.

    Title rows above the header ("UBND XÃ …", "DANH SÁCH …") usually hold no delimiter,
    and decimal commas or commas in titles and notes must not win over semicolons: for
    each candidate and each row width w > 1, the score is (rows of width w) × (w − 1)²,
    so that the table's many equally wide rows outweigh short rows split by chance; the
    best width's score decides, ties in the order comma, semicolon, tab, bar.
    Quoted fields are parsed as csv does. No candidate splitting any row: comma.
    """
    sample = "".join(islice(_lines(text), max_lines)).removesuffix("\n")
    best, best_score = ",", 0
    for delimiter in DELIMITERS:
        widths = Counter(
            len(row) for row in csv.reader(io.StringIO(sample), delimiter=delimiter) if len(row) > 1
        )
        score = max((n * (w - 1) ** 2 for w, n in widths.items()), default=0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _lines(text: str):
    """The lines of `text`, each with its "\\n", one at a time (as iterating a StringIO)."""
    start, end = 0, len(text)
    while start < end:
        stop = text.find("\n", start)
        stop = end if stop < 0 else stop + 1
        yield text[start:stop]
        start = stop


def count_csv_rows(text: str, delimiter: str, stop_after: int) -> int:
    """Rows csv reads from `text`, counted without keeping them; stops after `stop_after`."""
    n = 0
    for n, _ in enumerate(csv.reader(_lines(text), delimiter=delimiter), start=1):
        if n > stop_after:
            break
    return n


def _read_csv(path: Path, limits: Limits) -> RawSheet:
    text, encoding = _decode(path.read_bytes())
    delimiter = sniff_delimiter(text)
    limit = limits.max_rows_per_file
    # at most one row per line break: only a file with more lines than the limit is counted
    # row by row (without keeping the rows), stopping just past the limit
    if text.count("\n") >= limit and count_csv_rows(text, delimiter, limit) > limit:
        raise too_many_rows(limit, limits, at_least=True)
    budget, rows = Budget(limits), []
    for row in csv.reader(_lines(text), delimiter=delimiter):
        budget.take(1, len(row))
        rows.append([c if c.strip() else None for c in row])
    width = max((len(r) for r in rows), default=0)
    budget.take(0, len(rows) * width - budget.cells)  # the grid pads short rows
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
