"""Find the input files, read their sheets and cut out the tables of the kinds wanted."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from analysis import schema
from analysis.config import Limits
from analysis.ingest.headers import HEADER_SCAN_ROWS, Header, find_header, header_index
from analysis.ingest.hidden import hidden_parts
from analysis.ingest.limits import InputTooLarge
from analysis.ingest.problems import ProblemLog
from analysis.ingest.readers import SUFFIXES, RawSheet, UnreadableFile, read_sheets
from analysis.ingest.tables import Extracted, extract_table
from analysis.progress import bar as progress_bar
from analysis.vietnamese import ENCODING_LABELS


@dataclass
class SheetTable:
    path: Path
    file: str  # as shown to the user: relative to the input folder
    sheet: str
    header: Header
    table: Extracted


def list_files(root: Path) -> list[Path]:
    """Input files under `root` (or `root` itself), sorted; Office lock files skipped.

    In a folder, .txt files (notes, READMEs) are not taken for tables; name one
    explicitly to read it as delimited text.
    """
    if root.is_file():
        return [root]
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUFFIXES - {".txt"}
        and not p.name.startswith(("~$", "."))
    )


def display_name(path: Path, root: Path) -> str:
    if root.is_file():
        return path.name
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def collect_tables(
    root: Path, kinds: tuple[str, ...], log: ProblemLog, what: str, limits: Limits | None = None
) -> list[SheetTable]:
    """Every table of the given kinds under `root`; unusable files, and files over one of
    `limits` (config `data.limits`), become fatal problems and the others are still read."""
    if not root.exists():
        log.add("fatal", f"không tìm thấy {what}: {root}", file=root.name)
        return []
    files = list_files(root)
    if not files:
        log.add("fatal", f"thư mục {what} không có tệp xlsx/xls/csv/parquet nào", file=root.name)
    jobs = [(path, display_name(path, root), kinds, limits) for path in files]
    out: list[SheetTable] = []
    read = _read_in_workers(jobs) if _use_workers(jobs) else map(_read_file, jobs)
    for found, problems in progress_bar(read, total=len(jobs), desc=f"Đọc {what}", unit="tệp"):
        log.rows += problems  # in file order, as a sequential read logs them
        out += found
    return out


# Files are read in a bounded pool of processes (forked: nothing is imported again) when a
# folder holds enough of them to pay for it; each file's tables and problems come back in
# the files' order, so the result is the sequential one.
WORKERS = 2
MIN_FILES_FOR_WORKERS = 8


def _read_file(job: tuple) -> tuple[list[SheetTable], list[dict]]:
    """One file's tables and its problems (rows of a ProblemLog)."""
    path, name, kinds, limits = job
    log = ProblemLog()
    found = _collect_file(path, name, kinds, log, limits)
    return found, log.rows


def _use_workers(jobs: list) -> bool:
    import multiprocessing

    return (
        WORKERS > 1
        and len(jobs) >= MIN_FILES_FOR_WORKERS
        and (os.cpu_count() or 1) > 1
        and sys.platform == "linux"  # fork: elsewhere a worker would import everything again
        and not multiprocessing.current_process().daemon  # a daemon cannot have children
    )


def _read_in_workers(jobs: list):
    """`map(_read_file, jobs)` over a pool of `WORKERS` forked processes, in order. A pool that
    breaks (a worker killed) reads the files it has not returned in this process."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    for kind in {k for job in jobs for k in job[2]}:
        header_index(kind)  # built once here, inherited by the workers
    done = 0
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(min(WORKERS, len(jobs)), mp_context=context) as pool:
            chunk = max(1, min(8, len(jobs) // (4 * WORKERS)))
            for result in pool.map(_read_file, jobs, chunksize=chunk):
                yield result
                done += 1
    except BrokenProcessPool:
        yield from map(_read_file, jobs[done:])


def _collect_file(
    path: Path, name: str, kinds: tuple[str, ...], log: ProblemLog, limits: Limits | None = None
) -> list[SheetTable]:
    try:
        sheets = read_sheets(path, limits)
    except UnreadableFile as exc:
        log.add("fatal", f"tệp không đọc được: {exc}", file=name)
        return []
    except InputTooLarge as exc:
        log.add("fatal", str(exc), file=name)
        return []
    found: list[SheetTable] = []
    sheets = drop_hidden(path, name, sheets, log)
    headers = [(sheet, find_header(sheet.grid, kinds)) for sheet in sheets]
    # In a workbook with a complete table, sheets that only look like one (deprivation
    # or group tables beside the results) are other tables, not broken inputs.
    any_complete = any(h is not None and h.complete for _, h in headers)
    for sheet, header in headers:
        if header is None or (any_complete and not header.complete):
            if sheet.grid.size:
                log.add("info", "trang tính không có bảng nhận ra được, bỏ qua", name, sheet.sheet)
            continue
        table = extract_table(sheet, header)
        _report_sheet(name, sheet.sheet, sheet.encoding, header, table, log)
        found.append(SheetTable(path, name, sheet.sheet, header, table))
    if not found:
        log.add(
            "fatal",
            "không tìm thấy dòng tiêu đề cột (ví dụ 'Mã hộ', 'Mã xã', 'Số nhân khẩu') "
            "trong 30 dòng đầu của tệp; xem data/reference/header_aliases.csv",
            file=name,
        )
    return found


def drop_hidden(path: Path, name: str, sheets: list[RawSheet], log: ProblemLog) -> list[RawSheet]:
    """Sheets without their hidden rows and columns; hidden sheets left out. Each reported."""
    hidden = hidden_parts(path)
    out = []
    for sheet in sheets:
        h = hidden.get(sheet.original_sheet or sheet.sheet)
        if h is None:
            out.append(sheet)
            continue
        if h.sheet_hidden:
            if sheet.grid.notna().any().any():
                log.add("warning", "trang tính bị ẩn: không đọc (bỏ ẩn nếu cần dùng)", name,
                        sheet.sheet)  # fmt: skip
            continue
        grid = sheet.grid
        rows = sorted(r for r in h.rows if r in grid.index and grid.loc[r].notna().any())
        cols = sorted(c for c in h.columns if c in grid.columns and grid[c].notna().any())
        if rows:
            grid = grid.drop(index=rows)
            log.add("warning", f"{len(rows)} dòng bị ẩn, không đọc: dòng {_ranges(rows)}", name,
                    sheet.sheet, rows[0])  # fmt: skip
        if cols:
            grid = grid.copy()
            for c in cols:
                label = next((str(v) for v in grid[c].head(HEADER_SCAN_ROWS) if v is not None), "")
                log.add("warning", f"cột {_letter(c)} bị ẩn, không đọc", name, sheet.sheet,
                        column=label[:60])  # fmt: skip
                grid[c] = None
        out.append(replace(sheet, grid=grid))
    return out


def _ranges(rows: list[int]) -> str:
    """[3, 4, 5, 9] -> '3–5, 9'."""
    parts, start, prev = [], rows[0], rows[0]
    for r in [*rows[1:], None]:
        if r is not None and r == prev + 1:
            prev = r
            continue
        parts.append(f"{start}–{prev}" if prev > start else str(start))
        if r is not None:
            start = prev = r
    return ", ".join(parts)


def _letter(col: int) -> str:
    """0 -> 'A', 27 -> 'AB'."""
    out = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _report_sheet(name, sheet, text_encoding, header: Header, table: Extracted, log: ProblemLog):
    if text_encoding and text_encoding not in ("UTF-8", "html"):
        log.add("info", f"tệp văn bản mã hóa {text_encoding}", name, sheet)
    if header.encoding:
        label = ENCODING_LABELS.get(header.encoding, header.encoding)
        log.add(
            "info", f"tiêu đề bảng viết bằng bảng mã {label}, đã chuyển sang Unicode", name, sheet
        )
    for col, enc in table.encodings.items():
        label = ENCODING_LABELS.get(enc, enc)
        log.add(
            "info", f"cột viết bằng bảng mã {label}, đã chuyển sang Unicode", name, sheet,
            column=table.labels.get(col, col),
        )  # fmt: skip
    for label in header.unknown:
        log.add("info", "cột không nhận ra, bỏ qua", name, sheet, header.first_row, label)
    for first, second in header.duplicates:
        log.add("fatal", f"hai cột cùng ý nghĩa: '{first}' và '{second}' (xóa hoặc đổi tên một "
                "cột)", name, sheet, header.first_row, first)  # fmt: skip
    for row, text, why in table.skipped:
        log.add("info", why, name, sheet, row, value=text)


def missing_required(
    present: set[str], columns: tuple[schema.Column, ...], provided: set[str]
) -> list[schema.Column]:
    """Required columns neither in the table nor provided otherwise (file name, title...)."""
    return [c for c in columns if c.required and c.name not in present | provided]
