"""Spreadsheets and text the suite writes, safe from formula injection ("CSV injection").

A household list can hold text such as ``=HYPERLINK("http://…", "Bấm vào đây")`` in a
village name, a header cell or a rejected value. Written as is, Excel and LibreOffice
would run it as a formula when an officer opens the output. Every workbook and CSV the
suite writes goes through this module:

- XLSX: a string cell is always stored as text (``data_type 's'``), never a formula; a
  string beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return also gets
  the cell style's ``quotePrefix`` so Excel shows it as text and never evaluates it when
  the cell is edited. The value itself is kept unchanged. Numbers (negative ones too)
  stay numbers. Formulas the suite writes itself (the editable proposal workbook) are
  set with `formula_cell` after the data, or kept by `neutralise_sheet(keep=...)`.
- CSV: such a string is prefixed with a single quote ``'`` (OWASP "CSV injection").
- Markdown: input text escaped as HTML does (``&``, ``<``, ``>``), table pipes escaped
  and line breaks flattened, so a cell cannot open a tag or break the table.
"""

from __future__ import annotations

import csv
import html
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    """A string a spreadsheet program could take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def csv_text(value: object) -> object:
    """`value` for a CSV cell: a formula-like string gets a leading single quote."""
    return "'" + value if is_formula_like(value) else value


def csv_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells and column names are `csv_text`-neutralised."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(csv_text, na_action="ignore")
    out.columns = [csv_text(c) if isinstance(c, str) else c for c in out.columns]
    return out


def write_csv(frame: pd.DataFrame, path: str | Path, **kwargs) -> Path:
    """`frame.to_csv(path, ...)` with text neutralised (index off unless asked)."""
    path = Path(path)
    kwargs.setdefault("index", False)
    safe = csv_safe_frame(frame)
    if "quoting" not in kwargs and _has_line_break(safe):
        # the csv module quotes only the line terminator's own characters: a bare CR in a
        # value would end the row for the program that opens the file
        kwargs["quoting"] = csv.QUOTE_NONNUMERIC
    safe.to_csv(path, **kwargs)
    return path


def _has_line_break(frame: pd.DataFrame) -> bool:
    texts = [c for c in frame.columns if isinstance(c, str)]
    for col in frame.columns:
        if frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col]):
            texts += [v for v in frame[col].dropna() if isinstance(v, str)]
    return any("\r" in t or "\n" in t for t in texts)


def set_text(cell, value: object):
    """Write `value` into an openpyxl cell; a string is stored as text, never a formula."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if is_formula_like(value):
            cell.quotePrefix = True
    return cell


def formula_cell(cell, formula: str):
    """A formula the suite itself writes (never text taken from an input)."""
    cell.value = formula
    cell.data_type = "f"
    return cell


def neutralise_sheet(ws, keep: Iterable[str] = ()) -> int:
    """Every formula cell of `ws` (except the coordinates in `keep`) turned back into the
    text it came from, and every formula-like string marked quotePrefix. Returns how many
    cells were changed."""
    kept, changed = set(keep), 0
    for row in ws.iter_rows():
        for cell in row:
            if (
                cell.data_type == "f"
                and cell.coordinate not in kept
                and isinstance(cell.value, str)
            ):
                cell.data_type = "s"
                cell.quotePrefix = True
                changed += 1
            elif cell.data_type == "s" and is_formula_like(cell.value) and not cell.quotePrefix:
                cell.quotePrefix = True
                changed += 1
    return changed


def neutralise_workbook(wb) -> int:
    """`neutralise_sheet` on every worksheet of `wb` (no formula is kept)."""
    return sum(neutralise_sheet(ws) for ws in wb.worksheets)


@contextmanager
def excel_writer(path: str | Path) -> Iterator[pd.ExcelWriter]:
    """`pd.ExcelWriter(path, engine="openpyxl")` whose sheets are neutralised on closing:
    whatever `to_excel` wrote from inputs (values and header cells) is stored as text."""
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        yield xw
        neutralise_workbook(xw.book)


def md_text(value: object) -> str:
    """Text for a Markdown table cell or paragraph: HTML-escaped, pipes escaped, one line."""
    text = html.escape(str(value), quote=False)
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " ")
    return text.replace("|", "\\|")
