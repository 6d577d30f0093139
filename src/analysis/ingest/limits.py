"""Bounds on one input file, checked before it is parsed (config `data.limits`).

A 9 MB workbook can hold 2 GB of XML (a "zip bomb"), a tiny one a single cell at
XFD1048576 that a reader pads into billions of cells, and a CSV millions of rows: read
whole, any of them takes the process past its memory. Every file is measured first
(bytes on disk; for a zip-based workbook the members' declared sizes and compression
ratios from the zip directory, without inflating anything; for parquet its metadata),
and its rows and cells are counted as they are read, stopping at the limit. A file over
a limit raises `InputTooLarge`, which names the limit, the value and the config key; the
caller records a fatal problem for that file and goes on with the others.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from analysis.config import Limits
from analysis.vietnamese import format_number

MB = 1024 * 1024
ZIP_RATIO_GRACE = 1 * MB  # members smaller than this are not judged by their ratio
MAX_ZIP_MEMBERS = 10_000  # an xlsx has tens of parts; the zip directory itself is bounded
_EOCD_SEARCH = 65_557  # end-of-central-directory record + the longest zip comment


class InputTooLarge(Exception):
    """The file is over one of `data.limits`; the message is Vietnamese."""


def too_large(what: str, value: str, limit: str, key: str) -> InputTooLarge:
    return InputTooLarge(
        f"{what} {value}, vượt giới hạn {limit} (khóa cấu hình data.limits.{key}): tệp bị "
        "từ chối, không đọc. Nếu tệp đúng là dữ liệu thật, chia nhỏ tệp hoặc nâng giới hạn "
        "trong cấu hình"
    )


def _mb(n_bytes: float) -> str:
    if n_bytes < MB:
        return f"{format_number(n_bytes / 1024, 1)} KB"
    return f"{format_number(n_bytes / MB, 1)} MB"


def check_file_size(path: Path, limits: Limits) -> None:
    size = path.stat().st_size
    if size > limits.max_file_mb * MB:
        raise too_large("tệp nặng", _mb(size), _mb(limits.max_file_mb * MB), "max_file_mb")


def check_zip(path: Path, limits: Limits) -> None:
    """A zip-based workbook's members from its directory: count, each member's compression
    ratio (above `ZIP_RATIO_GRACE`) and their declared uncompressed sizes summed."""
    entries = _zip_entry_count(path)
    if entries is not None and entries > MAX_ZIP_MEMBERS:
        raise InputTooLarge(
            f"tệp nén có {format_number(entries)} thành phần (một tệp Excel chỉ có vài chục, "
            f"giới hạn {format_number(MAX_ZIP_MEMBERS)}): tệp bị từ chối, không đọc"
        )
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip after all: the reader reports it
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > ZIP_RATIO_GRACE and ratio > limits.max_compression_ratio:
            raise too_large(
                f"thành phần '{info.filename[:80]}' của tệp nén bung ra {_mb(info.file_size)} từ "
                f"{_mb(info.compress_size)}: tỷ lệ nén",
                format_number(ratio, 0),
                format_number(limits.max_compression_ratio, 0),
                "max_compression_ratio",
            )
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed_mb * MB:
        raise too_large(
            "nội dung giải nén của tệp (khai báo trong tệp nén) nặng",
            _mb(total),
            _mb(limits.max_uncompressed_mb * MB),
            "max_uncompressed_mb",
        )


def _zip_entry_count(path: Path) -> int | None:
    """Entries declared by the end-of-central-directory record (zip64 too), read from the
    file's tail before the directory is parsed; None when no record is found."""
    size = path.stat().st_size
    with path.open("rb") as f:
        f.seek(max(0, size - _EOCD_SEARCH))
        tail = f.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) < at + 22:
            return None
        count = int.from_bytes(tail[at + 10 : at + 12], "little")
        if count != 0xFFFF:
            return count
        z64 = tail.rfind(b"PK\x06\x06", 0, at)
        if z64 < 0 or len(tail) < z64 + 40:
            return None
        return int.from_bytes(tail[z64 + 32 : z64 + 40], "little")


_ROW_REF = re.compile(rb"<row\b[^>]*?\sr=\"([0-9]{1,9})\"")
_CELL_COLUMN = re.compile(rb"<c\b[^>]*?\sr=\"([A-Z]{1,4})[0-9]")
_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
_CHUNK = 4 * MB
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def check_sheet_extents(path: Path, limits: Limits) -> None:
    """Rows and columns of every worksheet of a zip-based workbook, from the row numbers and
    cell references in its XML, streamed in chunks: a reader builds a dense grid up to the
    farthest cell, so one value at XFD1048576 in a tiny file means 17 billion cells."""
    budget = Budget(limits)
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if _SHEET_PART.match(info.filename):
                rows, cols = _extent(zf, info)
                budget.take(rows, rows * cols)


def _extent(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int]:
    """(rows, columns) of the dense grid a reader builds for one worksheet part."""
    max_row = n_rows = n_cells = n_refs = 0
    letters: set[bytes] = set()
    rest = b""
    with zf.open(info) as f:
        while chunk := f.read(_CHUNK):
            data = rest + chunk
            cut = data.rfind(b">") + 1  # whole tags only; the rest goes with the next chunk
            data, rest = data[:cut], data[cut:]
            found = _ROW_REF.findall(data)
            if found:
                max_row = max(max_row, max(map(int, found)))
            refs = _CELL_COLUMN.findall(data)
            n_refs += len(refs)
            letters.update(refs)
            n_rows += data.count(b"<row ") + data.count(b"<row>")
            n_cells += data.count(b"<c ") + data.count(b"<c>")
    width = max((_column_number(c) for c in letters), default=0)
    if n_cells > n_refs:  # cells without a reference follow one another: count them per row
        width = max(width, _widest_row(zf, info))
    return max(max_row, n_rows), width


def _widest_row(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """Most cells in one row, streamed (only for sheets whose cells lack references)."""
    from lxml import etree

    widest = 0
    with zf.open(info) as f:
        for _, row in etree.iterparse(f, events=("end",), tag=f"{_MAIN}row",
                                      resolve_entities=False, no_network=True):  # fmt: skip
            widest = max(widest, len(row))
            row.clear()
            while row.getprevious() is not None:
                del row.getparent()[0]
    return widest


def _column_number(letters: bytes) -> int:
    n = 0
    for c in letters:
        n = n * 26 + c - 64
    return n


class Budget:
    """Rows and cells of one file, counted sheet by sheet before each is turned into
    Python objects; `take` raises once a limit is passed."""

    def __init__(self, limits: Limits) -> None:
        self.limits, self.rows, self.cells = limits, 0, 0

    def take(self, rows: int, cells: int) -> None:
        self.rows += rows
        self.cells += cells
        if self.rows > self.limits.max_rows_per_file:
            raise too_many_rows(self.rows, self.limits, at_least=False)
        if self.cells > self.limits.max_cells_per_file:
            raise too_large(
                "tệp có",
                f"{format_number(self.cells)} ô (kể cả ô trống trong vùng dữ liệu)",
                f"{format_number(self.limits.max_cells_per_file)} ô",
                "max_cells_per_file",
            )


def too_many_rows(rows: int, limits: Limits, at_least: bool) -> InputTooLarge:
    value = f"{'hơn ' if at_least else ''}{format_number(rows)} dòng"
    return too_large(
        "tệp có", value, f"{format_number(limits.max_rows_per_file)} dòng", "max_rows_per_file"
    )


def check_parquet(path: Path, limits: Limits) -> None:
    """Rows, cells and uncompressed size from the parquet footer, before any data is read."""
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    Budget(limits).take(meta.num_rows, meta.num_rows * meta.num_columns)
    total = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if total > limits.max_uncompressed_mb * MB:
        raise too_large("dữ liệu giải nén của tệp parquet nặng", _mb(total),
                        _mb(limits.max_uncompressed_mb * MB), "max_uncompressed_mb")  # fmt: skip
