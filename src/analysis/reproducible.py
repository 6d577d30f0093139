"""Files that are byte-identical for the same content: same inputs, config and seed, same outputs.

Every date a writer puts into a file (document properties, zip member times, PDF and SVG
dates, "Lập ngày" lines) is the run's date: one value per run, read from the standard
`SOURCE_DATE_EPOCH` environment variable (seconds since 1970, UTC). The pipeline sets it
for the whole run (`run_environment`), so the notebook kernels, matplotlib, fontTools (font
subsets in PDFs) and the writers below all see the same value; without it the run date is
today. Random element ids (SVG clip paths, folium map ids, notebook cell ids) are derived
from the content or numbered in order; execution times are stripped from executed notebooks.
The run's manifest keeps the real start and finish times.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import json
import os
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path

from analysis.errors import UserError

RUN_DATE_ENV = "SOURCE_DATE_EPOCH"
HASH_SEED_ENV = "PYTHONHASHSEED"
HASH_SEED = "0"  # for the notebook kernels; outputs must not depend on it (tested with others)
SVG_HASH_SALT = "analysis"  # matplotlib derives SVG element ids from this salt and the content
ZIP_FILE_MODE = 0o644 << 16  # member permissions, independent of the umask

_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


# ---------------------------------------------------------------- the run's date
def run_stamp() -> datetime:
    """The run's date and time (naive, UTC) from SOURCE_DATE_EPOCH; today at 00:00 without it."""
    value = os.environ.get(RUN_DATE_ENV, "").strip()
    if not value:
        return datetime.combine(date.today(), time())
    try:
        return datetime.fromtimestamp(int(value), UTC).replace(tzinfo=None)
    except (ValueError, OverflowError, OSError):
        raise UserError(
            f"Biến môi trường {RUN_DATE_ENV}={value!r} không hợp lệ: cần số giây kể từ "
            "01/01/1970 (UTC), ví dụ 1736899200 cho ngày 15/01/2025."
        ) from None


def run_date() -> date:
    """The run's date: what documents print as "Lập ngày"."""
    return run_stamp().date()


def parse_run_date(text: str) -> date:
    """'15/01/2025' or '2025-01-15' -> date(2025, 1, 15); anything else is a UserError."""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise UserError(f"Ngày lập '{text}' không hợp lệ: cần dạng ngày/tháng/năm, ví dụ 15/01/2025.")


def epoch_of(day: date) -> int:
    """SOURCE_DATE_EPOCH of `day` at 00:00 UTC."""
    return calendar.timegm(day.timetuple()[:3] + (0, 0, 0))


def iso_stamp(stamp: datetime | None = None) -> str:
    """'2025-01-15T00:00:00Z' (W3C date-time, as in document properties)."""
    return (stamp or run_stamp()).strftime("%Y-%m-%dT%H:%M:%SZ")


@contextmanager
def run_environment(day: date | None = None) -> Iterator[date]:
    """Set the run's date (and a fixed hash seed for the kernels) for the duration of a run.

    `day` given: that date. Otherwise a SOURCE_DATE_EPOCH already in the environment is
    kept (to reproduce an earlier run), else today. PYTHONHASHSEED is set only when absent.
    The previous environment is restored afterwards."""
    saved = {k: os.environ.get(k) for k in (RUN_DATE_ENV, HASH_SEED_ENV)}
    try:
        if day is not None:
            os.environ[RUN_DATE_ENV] = str(epoch_of(day))
        else:
            os.environ[RUN_DATE_ENV] = str(int(calendar.timegm(run_stamp().timetuple())))
        os.environ.setdefault(HASH_SEED_ENV, HASH_SEED)
        yield run_date()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextmanager
def pinned_clock() -> Iterator[datetime]:
    """SOURCE_DATE_EPOCH set (to the run's date) while a library that reads it writes a file."""
    stamp = run_stamp()
    saved = os.environ.get(RUN_DATE_ENV)
    os.environ[RUN_DATE_ENV] = str(calendar.timegm(stamp.timetuple()))
    try:
        yield stamp
    finally:
        if saved is None:
            os.environ.pop(RUN_DATE_ENV, None)
        else:
            os.environ[RUN_DATE_ENV] = saved


# ---------------------------------------------------------------- Office files (zip packages)
def pin_zip_bytes(data: bytes, stamp: datetime | None = None) -> bytes:
    """The same package with every member dated `stamp` and the core properties
    (docProps/core.xml created/modified) set to it; member order and content kept."""
    stamp = stamp or run_stamp()
    iso = iso_stamp(stamp).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            member = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                member = _STAMP.sub(rb"\g<1>" + iso + rb"\g<2>", member)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = ZIP_FILE_MODE
            dst.writestr(entry, member)
    return out.getvalue()


def pin_zip(path: str | Path, stamp: datetime | None = None) -> Path:
    """Rewrite the xlsx/docx at `path` in place with pinned dates (see `pin_zip_bytes`)."""
    path = Path(path)
    pinned = pin_zip_bytes(path.read_bytes(), stamp)
    tmp = path.with_name(f".{path.name}.pin")
    tmp.write_bytes(pinned)
    tmp.replace(path)
    return path


def save_workbook(wb, path: str | Path, stamp: datetime | None = None) -> Path:
    """Save an openpyxl workbook so that the same content gives the same bytes."""
    stamp = stamp or run_stamp()
    wb.properties.created = wb.properties.modified = stamp
    buffer = io.BytesIO()
    wb.save(buffer)
    path = Path(path)
    path.write_bytes(pin_zip_bytes(buffer.getvalue(), stamp))
    return path


def save_docx(document, path: str | Path, stamp: datetime | None = None) -> Path:
    """Save a python-docx Document with created/modified = `stamp`, revision 1, pinned zip."""
    stamp = stamp or run_stamp()
    props = document.core_properties
    props.created = props.modified = stamp
    props.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    path = Path(path)
    path.write_bytes(pin_zip_bytes(buffer.getvalue(), stamp))
    return path


# ---------------------------------------------------------------- matplotlib
def figure_metadata(fmt: str, stamp: datetime | None = None) -> dict | None:
    """`metadata=` for Figure.savefig: PDF and SVG dated the run's date (PNG has no date)."""
    stamp = stamp or run_stamp()
    fmt = fmt.lower().lstrip(".")
    if fmt == "pdf":
        return {"CreationDate": stamp.replace(tzinfo=UTC)}
    if fmt == "svg":
        return {"Date": stamp.date().isoformat()}
    return None


def save_figure(fig, path: str | Path, **kwargs) -> Path:
    """Figure.savefig with the run's date in the metadata and SVG ids derived from the content."""
    import matplotlib

    path = Path(path)
    metadata = {**(figure_metadata(path.suffix) or {}), **(kwargs.pop("metadata", None) or {})}
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASH_SALT}), pinned_clock():
        fig.savefig(path, metadata=metadata or None, **kwargs)
    return path


# ---------------------------------------------------------------- folium
def pin_element_ids(root) -> None:
    """Number the ids of a branca/folium element tree in order (they are random by default)."""
    stack, n = [root], 0
    while stack:
        element = stack.pop(0)
        element._id = f"{n:032x}"
        n += 1
        stack.extend(getattr(element, "_children", {}).values())


# ---------------------------------------------------------------- executed notebooks
TIMING_KEYS = ("start_time", "end_time", "duration")


def pin_notebook(path: str | Path, replace: dict[str, str] | None = None) -> Path:
    """Strip execution times from an executed notebook and give it stable cell ids.

    Papermill's start/end times and durations (notebook and cells) and the kernel's
    per-cell `execution` timestamps are removed (the manifest has the run's times); the
    injected-parameters cell gets a fixed id; each `replace` key (e.g. the temporary run
    folder) is replaced by its value everywhere in the notebook."""
    import nbformat

    path = Path(path)
    text = path.read_text(encoding="utf-8")
    for old, new in (replace or {}).items():
        text = text.replace(json.dumps(old)[1:-1], json.dumps(new)[1:-1])
    nb = nbformat.reads(text, as_version=4)
    _drop(nb.metadata.get("papermill", {}), TIMING_KEYS)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        _drop(cell.metadata.get("papermill", {}), TIMING_KEYS)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
    nbformat.write(nb, path)
    return path


def _drop(mapping: dict, keys) -> None:
    for key in keys:
        mapping.pop(key, None)


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes (read in 1 MiB chunks), as the manifests record it."""
    h = hashlib.sha256()
    with Path(path).open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
