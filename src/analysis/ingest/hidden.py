"""Hidden sheets, rows and columns of a workbook: what the officer does not see is not read.

Offices hide struck-out households and superseded columns ("Thu nhập (cũ)") instead of
deleting them. A reader that takes every cell would count the hidden household or read
the old column; the suite ignores them and reports each one.

xlsx: read straight from the sheet XML (`<row hidden="1">`, `<col hidden="1">`, the
sheet's `state`), streaming, so a large sheet costs little. xls: xlrd's formatting
records. Other formats have nothing hidden.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass
class Hidden:
    """Hidden parts of one sheet; rows are 1-based (as the user sees them), columns 0-based."""

    sheet_hidden: bool = False
    rows: set[int] = field(default_factory=set)
    columns: set[int] = field(default_factory=set)


def hidden_parts(path: Path) -> dict[str, Hidden]:
    """{sheet name: Hidden} for an xlsx/xlsm or xls file; {} when nothing can be learnt."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm") or zipfile.is_zipfile(path):
            return _xlsx(path)
        if suffix == ".xls":
            return _xls(path)
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, OSError, ValueError):
        return {}
    return {}


def _xlsx(path: Path) -> dict[str, Hidden]:
    out: dict[str, Hidden] = {}
    with zipfile.ZipFile(path) as zf:
        book = etree.fromstring(zf.read("xl/workbook.xml"), _PARSER)
        rels = etree.fromstring(zf.read("xl/_rels/workbook.xml.rels"), _PARSER)
        targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{_PKG_REL}Relationship")}
        names = set(zf.namelist())
        for sheet in book.iter(f"{_MAIN}sheet"):
            target = targets.get(sheet.get(f"{_REL}id"), "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            hidden = Hidden(sheet_hidden=sheet.get("state") in ("hidden", "veryHidden"))
            if part in names and _may_hide(zf, part):
                with zf.open(part) as f:
                    _scan_sheet(f, hidden)
            out[sheet.get("name")] = hidden
    return out


def _may_hide(zf: zipfile.ZipFile, part: str, chunk: int = 1 << 22) -> bool:
    """Whether a worksheet part can hold a hidden row or column: only one whose XML has the
    word 'hidden' (an attribute name is never written as a character reference) is parsed.
    A part not in a byte-based encoding (UTF-16: NUL bytes) is always parsed."""
    tail = b""
    with zf.open(part) as f:
        first = True
        while data := f.read(chunk):
            if first and b"\x00" in data[:64]:
                return True
            first = False
            if b"hidden" in tail + data[:5] or b"hidden" in data:
                return True
            tail = data[-5:]
    return False


def _scan_sheet(stream, hidden: Hidden) -> None:
    """Hidden rows and columns from a worksheet part, without building its tree."""
    for _, el in etree.iterparse(stream, events=("end",), tag=(f"{_MAIN}row", f"{_MAIN}col"),
                                 resolve_entities=False, no_network=True):  # fmt: skip
        if el.get("hidden") in ("1", "true"):
            if el.tag == f"{_MAIN}row" and el.get("r"):
                hidden.rows.add(int(el.get("r")))
            elif el.tag == f"{_MAIN}col":
                lo, hi = int(el.get("min", "1")), int(el.get("max", "1"))
                hidden.columns.update(range(lo - 1, min(hi, 16384)))
        el.clear()


def _xls(path: Path) -> dict[str, Hidden]:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except Exception:  # xlrd refuses some files calamine reads; then nothing is known
        return {}
    out = {}
    for i, name in enumerate(book.sheet_names()):
        sh = book.sheet_by_index(i)
        out[name] = Hidden(
            sheet_hidden=bool(getattr(sh, "visibility", 0)),
            rows={r + 1 for r, info in sh.rowinfo_map.items() if info.hidden},
            columns={c for c, info in sh.colinfo_map.items() if info.hidden},
        )
    return out
