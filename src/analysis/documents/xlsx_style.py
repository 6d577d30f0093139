"""One look for every workbook the suite writes: number formats, headers, widths, printing.

Number format codes in an XLSX file are locale-independent: "#,##0" means "thousands
separated, no decimals" and "0.0%" "percent with one decimal"; Excel and LibreOffice show
them with the reader's separators, so a Vietnamese locale displays 12.345 and 32,9 %
(the "#.##0" and "0,0 %" of the issue). Numbers are always stored as numbers (never text),
rates as fractions with a percent format, ordinals (STT) as integers.

`format_table` gives a sheet its table look: bold wrapped centred headers with borders,
bordered body, number formats on numeric cells still "General", column widths fitted to
the content (capped), header rows frozen and repeated on each printed page, print area,
A4 fitted to one page wide (any number of pages tall), landscape when the table is wide.

`save_workbook_cached`: a workbook whose own formulas carry their computed values, so a
reader that does not recalculate (a previewer, pandas) still sees the numbers.

Language: `write_frame` writes headers and text cells that are whole catalog entries in the
run's language (analysis.i18n), so a frame built with Vietnamese labels reads in English in
an English run; format codes are locale-independent, so numbers need nothing.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from analysis.i18n import t
from analysis.reproducible import pin_zip_bytes, run_stamp

# Format codes (locale-independent, see the module docstring).
INTEGER = "#,##0"  # shown 12.345 under a Vietnamese locale
DECIMAL = "#,##0.0"  # 12.345,6
DECIMAL2 = "#,##0.00"  # 1,25 (percentage points, scores)
PERCENT = "0.0%"  # 32,9 % (value stored as the fraction 0.329)
PERCENT2 = "0.00%"
GENERAL = "General"

YEAR_HEADERS = ("Năm", "Năm rà soát", "Kỳ đơn vị", "Kỳ đơn vị hành chính", "STT", "Dòng")
YEAR_PREFIXES = ("Năm ", "Year ")
MIN_WIDTH = 6
MAX_WIDTH = 45
HEADER_WIDTH = 22  # a wrapped header line is at most about this wide
PORTRAIT_WIDTH = 100  # total column width (characters) that still fits A4 portrait
FONT_NAME = "Times New Roman"

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def number_format_for(value: object, header: object = None) -> str:
    """The default display format of a number: a year (column "Năm", or any "Năm …"/"Year …"
    column holding a year: "Năm thoát nghèo") and ordinals as is, integer-valued -> #,##0,
    else #,##0.0."""
    if isinstance(value, int) and (header in YEAR_HEADERS or header in map(t, YEAR_HEADERS)):
        return "0"
    if isinstance(value, int) and 1900 <= value <= 2100 and str(header).startswith(YEAR_PREFIXES):
        return "0"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return INTEGER
    return DECIMAL


def plain(value: object) -> object:
    """A cell value: numpy scalars as Python numbers, missing values (NaN, NA) as empty."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def write_frame(ws: Worksheet, frame: pd.DataFrame, row: int,
                formats: Mapping[str, str] | None = None) -> int:  # fmt: skip
    """`frame` with its header at `row` (columns as text) and its values below: strings as
    text (never formulas), numbers as numbers with `formats[column]` when given. Returns
    the last row written. Headers and text cells that are catalog entries are written in the
    run's language."""
    from analysis.documents.safe_xlsx import set_text

    formats = formats or {}
    for j, col in enumerate(frame.columns, start=1):
        set_text(ws.cell(row, j), t(str(col)))
    for i, rec in enumerate(frame.itertuples(index=False), start=row + 1):
        for j, (col, value) in enumerate(zip(frame.columns, rec, strict=True), start=1):
            cell = set_text(ws.cell(i, j), t(plain(value)))
            if is_number(cell.value) and col in formats:
                cell.number_format = formats[col]
    return row + len(frame)


def style_header(cell) -> None:
    cell.font = Font(name=cell.font.name or FONT_NAME, bold=True, size=cell.font.size or 11)
    cell.alignment = HEADER_ALIGNMENT
    cell.border = BORDER


def format_table(
    ws: Worksheet,
    header_rows: int | tuple[int, int],
    *,
    last_row: int | None = None,
    last_col: int | None = None,
    formats: Mapping[int, str] | None = None,
    freeze_col: int = 1,
    landscape: bool | None = None,
    widths: Mapping[int, float] | None = None,
) -> None:
    """Give `ws` its printable table look; the table's header is `header_rows` (one row or
    (first, last)), its body runs to `last_row` (default: the last row with a value in
    the table's columns) and its columns to `last_col` (default: the sheet's).

    `formats`: {column number: format} for the numeric cells of that column; other
    numeric cells whose format is still General get `number_format_for`. `freeze_col`:
    the first column that scrolls (2 keeps column A visible). `landscape`: None chooses
    by the total width. `widths`: fixed widths for some columns (others are fitted)."""
    first_head, last_head = (
        (header_rows, header_rows) if isinstance(header_rows, int) else header_rows
    )
    last_col = last_col or ws.max_column
    if last_row is None:
        last_row = last_head
        for r in range(last_head + 1, ws.max_row + 1):
            if any(ws.cell(r, c).value not in (None, "") for c in range(1, last_col + 1)):
                last_row = r
            else:
                break
    formats = formats or {}
    for r in range(first_head, last_head + 1):
        for c in range(1, last_col + 1):
            style_header(ws.cell(r, c))
    for r in range(last_head + 1, last_row + 1):
        for c in range(1, last_col + 1):
            cell = ws.cell(r, c)
            cell.border = BORDER
            if is_number(cell.value) and cell.number_format == GENERAL:
                header = ws.cell(last_head, c).value
                cell.number_format = formats.get(c) or number_format_for(cell.value, header)
    total = fit_widths(ws, last_head, last_row, last_col, widths or {})
    ws.freeze_panes = ws.cell(last_head + 1, freeze_col)
    print_setup(ws, (first_head, last_head), last_row=max(last_row, ws.max_row),
                last_col=last_col, landscape=total > PORTRAIT_WIDTH if landscape is None else landscape)  # fmt: skip


def display_length(cell) -> int:
    """About how many characters `cell` shows (thousands separators and % included)."""
    value = cell.value
    if value is None:
        return 0
    if is_number(value):
        fmt = cell.number_format or GENERAL
        if "%" in fmt:
            return len(f"{value * 100:,.{fmt.count('0') - 1}f}") + 2
        decimals = fmt.split(".")[1].count("0") if "." in fmt else (0 if fmt != GENERAL else 2)
        return len(f"{value:,.{decimals}f}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def fit_widths(
    ws, header_row: int, last_row: int, last_col: int, fixed: Mapping[int, float]
) -> float:
    """Column widths from the header (wrapped) and the body (one line), capped; returns the sum."""
    total = 0.0
    for c in range(1, last_col + 1):
        if c in fixed:
            width = fixed[c]
        else:
            head = str(ws.cell(header_row, c).value or "")
            words = max((len(w) for w in head.split()), default=0)
            head_need = max(words, min(len(head), HEADER_WIDTH))
            body = max((display_length(ws.cell(r, c)) for r in range(header_row + 1, last_row + 1)),
                       default=0)  # fmt: skip
            width = min(MAX_WIDTH, max(MIN_WIDTH, head_need, body) + 2)
        ws.column_dimensions[get_column_letter(c)].width = width
        total += width
    return total


def print_setup(
    ws: Worksheet,
    title_rows: tuple[int, int] | None,
    *,
    last_row: int | None = None,
    last_col: int | None = None,
    landscape: bool = False,
) -> None:
    """A4, one page wide (as many tall as needed), header rows repeated, print area set."""
    last_row, last_col = last_row or ws.max_row, last_col or ws.max_column
    ws.print_area = f"A1:{get_column_letter(max(last_col, 1))}{max(last_row, 1)}"
    if title_rows:
        ws.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6


def title_cell(cell, size: int = 13) -> None:
    """A sheet title: bold, not wrapped (it runs over the empty cells to its right)."""
    cell.font = Font(name=FONT_NAME, bold=True, size=size)
    cell.alignment = Alignment(wrap_text=False)


def signature_block(ws: Worksheet, row: int, left: tuple[str, ...], right: tuple[str, ...],
                    last_col: int) -> int:  # fmt: skip
    """Two signature columns under a table (left: the preparer, right: the approving body),
    each a bold title line then italic lines; returns the last row written."""
    right_col = max(3, last_col - 2)
    for texts, col in ((left, 2), (right, right_col)):
        for k, text in enumerate(texts):
            cell = ws.cell(row + k, col, text)
            cell.font = Font(name=FONT_NAME, bold=k == 0, italic=k > 0)
            cell.alignment = Alignment(horizontal="center", wrap_text=False)
    return row + max(len(left), len(right)) - 1


def wrap_note(ws: Worksheet, row: int, last_col: int) -> None:
    """A long note in column A merged across the table's width, wrapped, row made taller."""
    cell = ws.cell(row, 1)
    if not cell.value:
        return
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    width = sum(
        ws.column_dimensions[get_column_letter(c)].width or 9 for c in range(1, last_col + 1)
    )
    ws.row_dimensions[row].height = 15 * max(1, math.ceil(len(str(cell.value)) * 1.1 / width))


def snake_case_headers(ws: Worksheet, header_row: int) -> list[str]:
    """Header cells that look like code identifiers (n_poor, commune_code)."""
    return [
        str(c.value)
        for c in ws[header_row]
        if isinstance(c.value, str) and SNAKE_CASE.match(c.value)
    ]


# ------------------------------------------------------------------ formulas with values
_FORMULA_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?</c>', re.S)


def cache_formula_values(data: bytes, sheet_member: str, values: Mapping[str, float]) -> bytes:
    """The same xlsx package with the cached values of `sheet_member`'s formula cells
    (coordinate -> number) filled in; other members unchanged."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = src.read(info.filename)
            if info.filename == sheet_member:

                def fill(m: re.Match) -> bytes:
                    coord = m.group(1).decode()
                    if coord not in values or values[coord] is None:
                        return m.group(0)
                    number = float(values[coord])
                    value = escape(str(int(number)) if number.is_integer() else repr(number))
                    return (b'<c r="' + m.group(1) + b'"' + m.group(2) + b"><f>" + m.group(3)
                            + b"</f><v>" + value.encode() + b"</v></c>")  # fmt: skip

                member = _FORMULA_CELL.sub(fill, member)
            dst.writestr(info, member)
    return out.getvalue()


def save_workbook_cached(
    wb, path: str | Path, cached: Mapping[str, Mapping[str, float]], stamp: datetime | None = None
) -> Path:
    """`reproducible.save_workbook` with each formula's value cached: `cached` maps a sheet
    title to {coordinate: value}. Same content, same bytes."""
    stamp = stamp or run_stamp()
    wb.properties.created = wb.properties.modified = stamp
    buffer = io.BytesIO()
    wb.save(buffer)
    data = buffer.getvalue()
    for title, values in cached.items():
        index = wb.sheetnames.index(title) + 1
        data = cache_formula_values(data, f"xl/worksheets/sheet{index}.xml", values)
    path = Path(path)
    path.write_bytes(pin_zip_bytes(data, stamp))
    return path
