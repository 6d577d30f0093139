"""Same inputs, config, seed and run date give the same bytes (issue 10, point 7).

Fast tests pin each writer (two writes, identical bytes, dated the run's date); one
end-to-end test runs the whole cycle twice and compares every output file byte for byte.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import time
import zipfile
import zlib
from datetime import UTC, date, datetime
from pathlib import Path

import matplotlib
import nbformat
import pandas as pd
import pytest
from matplotlib.figure import Figure
from openpyxl import Workbook

from analysis import reproducible
from analysis.errors import UserError

RUN_DAY = date(2025, 1, 15)


@pytest.fixture
def run_day(monkeypatch) -> date:
    monkeypatch.setenv(reproducible.RUN_DATE_ENV, str(reproducible.epoch_of(RUN_DAY)))
    return RUN_DAY


def _zip_dates(path: Path) -> set[tuple]:
    with zipfile.ZipFile(path) as z:
        return {i.date_time for i in z.infolist()}


def _core(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("docProps/core.xml").decode()


def _pdf_objects(data: bytes) -> bytes:
    """The PDF with its compressed streams (object streams hold the document info) inflated."""
    parts = [data]
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompress(m.group(1)))
    return b"\n".join(parts)


def _two_writes(write, tmp_path: Path, suffix: str) -> tuple[bytes, bytes]:
    """Write twice, a zip-timestamp tick (2 s) apart, so an unpinned clock would show."""
    first = write(tmp_path / f"a{suffix}")
    time.sleep(2.1)
    second = write(tmp_path / f"b{suffix}")
    return Path(first).read_bytes(), Path(second).read_bytes()


# ---------------------------------------------------------------- the run's date
def test_run_stamp__from_source_date_epoch_else_today(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1736899200")
    assert reproducible.run_stamp() == datetime(2025, 1, 15)
    assert reproducible.run_date() == date(2025, 1, 15)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert reproducible.run_date() == date.today()


def test_run_stamp__invalid_value_is_a_user_error_naming_the_variable(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "15/01/2025")
    with pytest.raises(UserError, match="SOURCE_DATE_EPOCH"):
        reproducible.run_date()


def test_parse_run_date__vietnamese_and_iso_forms():
    assert reproducible.parse_run_date("15/01/2025") == date(2025, 1, 15)
    assert reproducible.parse_run_date("2025-01-15") == date(2025, 1, 15)
    with pytest.raises(UserError, match="15/01/2025"):
        reproducible.parse_run_date("31/02/2025")


def test_run_environment__sets_date_and_hash_seed_then_restores(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.delenv("PYTHONHASHSEED", raising=False)
    with reproducible.run_environment(RUN_DAY) as day:
        assert day == RUN_DAY
        assert os.environ["SOURCE_DATE_EPOCH"] == str(reproducible.epoch_of(RUN_DAY))
        assert os.environ["PYTHONHASHSEED"] == reproducible.HASH_SEED
    assert "SOURCE_DATE_EPOCH" not in os.environ and "PYTHONHASHSEED" not in os.environ


def test_run_environment__keeps_a_given_epoch_and_hash_seed(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704067200")  # 01/01/2024
    monkeypatch.setenv("PYTHONHASHSEED", "7")
    with reproducible.run_environment() as day:
        assert day == date(2024, 1, 1) and os.environ["PYTHONHASHSEED"] == "7"
    assert os.environ["SOURCE_DATE_EPOCH"] == "1704067200"


# ---------------------------------------------------------------- writers
def test_save_workbook__two_saves_identical_and_dated_the_run_date(run_day, tmp_path):
    def write(path):
        wb = Workbook()
        wb.active["A1"] = "Xã Sơn Kim 1"
        return reproducible.save_workbook(wb, path)

    a, b = _two_writes(write, tmp_path, ".xlsx")
    assert a == b
    assert _zip_dates(tmp_path / "a.xlsx") == {(2025, 1, 15, 0, 0, 0)}
    assert "2025-01-15T00:00:00Z</dcterms:created>" in _core(tmp_path / "a.xlsx")
    assert "2025-01-15T00:00:00Z</dcterms:modified>" in _core(tmp_path / "a.xlsx")


def test_pin_zip__pandas_excel_writer_output(run_day, tmp_path):
    def write(path):
        with pd.ExcelWriter(path, engine="openpyxl") as xw:
            pd.DataFrame({"Xã": ["Sơn Kim 1"], "Hộ nghèo": [12]}).to_excel(xw, index=False)
        return reproducible.pin_zip(path)

    a, b = _two_writes(write, tmp_path, ".xlsx")
    assert a == b and _zip_dates(tmp_path / "b.xlsx") == {(2025, 1, 15, 0, 0, 0)}
    assert pd.read_excel(tmp_path / "b.xlsx", engine="openpyxl")["Hộ nghèo"].tolist() == [
        12
    ]  # still a workbook


def test_write_docx__two_writes_identical_with_pinned_core_properties(run_day, tmp_path):
    from docx import Document

    from analysis.documents import Paragraph, Section
    from analysis.documents.word import write_docx

    sections = [Section("Báo cáo", [Paragraph("Tỷ lệ hộ nghèo **5,12%**.")])]
    a, b = _two_writes(lambda p: write_docx(sections, p), tmp_path, ".docx")
    assert a == b and _zip_dates(tmp_path / "a.docx") == {(2025, 1, 15, 0, 0, 0)}
    props = Document(str(tmp_path / "a.docx")).core_properties
    assert props.created == props.modified == datetime(2025, 1, 15, tzinfo=UTC)
    assert props.revision == 1


def _figure() -> Figure:
    fig = Figure(figsize=(3, 2))
    ax = fig.add_subplot()
    ax.fill([0, 1, 1], [0, 0, 1], color="#fd7435")  # clipped patches: SVG clip-path ids
    ax.set_title("Tỷ lệ hộ nghèo")
    return fig


@pytest.mark.parametrize("fmt", ["svg", "pdf", "png"])
def test_save_figure__two_figures_give_identical_files(run_day, tmp_path, fmt):
    a = reproducible.save_figure(_figure(), tmp_path / f"a.{fmt}").read_bytes()
    b = reproducible.save_figure(_figure(), tmp_path / f"b.{fmt}").read_bytes()
    assert a == b
    if fmt == "svg":
        assert b"<dc:date>2025-01-15</dc:date>" in a
        assert re.search(rb'clip-path="url\(#p[0-9a-f]+\)"', a)
    if fmt == "pdf":
        assert b"/CreationDate (D:20250115000000Z)" in a
    assert matplotlib.rcParams["svg.hashsalt"] is None  # the salt is set only while saving


def test_map_pack__dated_the_run_date(run_day, tmp_path):
    from analysis.maps.mapset import write_map_pack

    a = write_map_pack([_figure()], tmp_path / "a.pdf", "Bản đồ").read_bytes()
    b = write_map_pack([_figure()], tmp_path / "b.pdf", "Bản đồ").read_bytes()
    assert a == b and b"/CreationDate (D:20250115000000Z)" in a


def test_html_to_pdf__two_renders_identical_and_dated_the_run_date(monkeypatch, tmp_path):
    """Without SOURCE_DATE_EPOCH in the environment (the run date is today) too."""
    from analysis.documents.pdf import html_to_pdf

    monkeypatch.delenv(reproducible.RUN_DATE_ENV, raising=False)
    html = "<h1>Báo cáo tóm tắt</h1><p>Tỷ lệ hộ nghèo 5,12% · Hương Sơn</p>"
    a, b = _two_writes(lambda p: html_to_pdf(html, p), tmp_path, ".pdf")
    assert a == b  # the embedded font subsets carry a date too (fontTools)
    text, day = _pdf_objects(a), f"D:{date.today():%Y%m%d}000000".encode()
    assert b"/CreationDate (" + day in text and b"/ModDate (" + day in text
    assert reproducible.RUN_DATE_ENV not in os.environ  # set only while writing


def test_write_interactive_map__two_writes_identical(run_day, tmp_path):
    from analysis.config import load_config
    from analysis.geography import boundaries_for
    from analysis.maps.interactive import write_interactive_map
    from analysis.maps.layout import map_context
    from analysis.registry import registry_for

    config = load_config("config/huong_son.yaml")
    registry = registry_for(config)
    bounds = boundaries_for(config, registry, 2024)
    units = registry.vintage(2024)
    rows = pd.DataFrame(
        {"year": 2024, "commune_code": units["code"], "commune_name": units["name"]}
    ).assign(poor_rate=[0.01 * (i + 1) for i in range(len(units))])
    pages = []
    for name in ("a.html", "b.html"):
        ctx = map_context(config, 2024, bounds, 2024)
        path = write_interactive_map(rows, bounds, ctx, "poor_rate", config.maps, tmp_path / name)
        pages.append(path.read_text(encoding="utf-8"))
    assert pages[0] == pages[1]
    assert "15/01/2025" in pages[0]  # "Lập ngày" is the run date


def test_pin_notebook__strips_times_fixes_ids_and_names_the_final_folder(tmp_path):
    work, final = tmp_path / ".2024.tmp-1a2b3c4d", tmp_path / "2024"
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(f'run_dir = "{work}"\n')
    params.metadata = {
        "tags": ["injected-parameters"],
        "papermill": {"start_time": "2025-01-15T08:00:00", "duration": 0.1, "status": "completed"},
        "execution": {"iopub.status.busy": "2025-01-15T08:00:00Z"},
    }
    nb.cells = [params, nbformat.v4.new_code_cell("1 + 1")]
    nb.metadata["papermill"] = {
        "start_time": "2025-01-15T08:00:00",
        "end_time": "2025-01-15T08:00:09",
        "duration": 9.0,
        "parameters": {"run_dir": str(work)},
    }
    path = tmp_path / "01.ipynb"
    nbformat.write(nb, path)
    reproducible.pin_notebook(path, {str(work): str(final)})
    text = path.read_text(encoding="utf-8")
    pinned = nbformat.read(path, as_version=4)
    nbformat.validate(pinned)
    assert str(work) not in text and str(final) in text
    assert not re.search(r"start_time|end_time|duration|iopub", text)
    assert pinned.cells[0].id == "injected-parameters"
    assert pinned.cells[0].metadata.papermill == {"status": "completed"}
    assert pinned.metadata.papermill["parameters"] == {"run_dir": str(final)}


def test_document_dates_are_the_run_date(run_day):
    from analysis.config import load_config
    from analysis.documents import header_section
    from analysis.proposals import source_note

    config = load_config("config/huong_son.yaml")
    letterhead = header_section(config, 2024).blocks[0]  # the report's place and date
    assert letterhead.place_date.endswith("ngày 15 tháng 01 năm 2025")
    assert "lập ngày 15/01/2025" in source_note(config)


# ---------------------------------------------------------------- the whole cycle, twice
REPRO_HOUSEHOLDS = 3000


def _differing(first: Path, second: Path) -> list[str]:
    names = {p.relative_to(first) for p in first.rglob("*") if p.is_file()}
    names |= {p.relative_to(second) for p in second.rglob("*") if p.is_file()}
    return sorted(
        str(rel)
        for rel in names
        if rel.name != "manifest.json"  # its start and finish times are the run's own
        and not (
            (first / rel).is_file()
            and (second / rel).is_file()
            and (first / rel).read_bytes() == (second / rel).read_bytes()
        )
    )


@pytest.mark.e2e
def test_cycle_twice__same_run_date_gives_byte_identical_outputs(tmp_path, monkeypatch):
    """Two runs, same inputs, config, seed and run date, different PYTHONHASHSEED (so an
    output depending on set or dict order of strings would show): every file identical."""
    from tests.districts import sample_config, write_config

    from analysis.pipeline import run_cycle

    config_path = write_config(sample_config(tmp_path, REPRO_HOUSEHOLDS), tmp_path / "d.yaml")
    out_root, kept = tmp_path / "outputs", tmp_path / "first"
    manifests = []
    for hash_seed in ("1", "2"):
        monkeypatch.setenv("PYTHONHASHSEED", hash_seed)
        final = run_cycle(config_path, 2024, out_root=out_root, progress=False, run_date=RUN_DAY)
        manifests.append(json.loads((final / "manifest.json").read_text(encoding="utf-8")))
        if not kept.exists():
            shutil.copytree(final, kept)
    files = [p for p in final.rglob("*") if p.is_file()]
    assert len(files) > 40 and {p.suffix for p in files} >= {
        ".parquet", ".xlsx", ".docx", ".pdf", ".svg", ".png", ".html", ".ipynb", ".md",
    }  # fmt: skip
    differing = _differing(kept, final)
    assert not differing, "outputs differ between two identical runs:\n" + "\n".join(differing)
    assert all(m["run_date"] == "2025-01-15" for m in manifests)
    assert "ngày 15 tháng 01 năm 2025" in (final / "briefing.html").read_text(encoding="utf-8")
    assert "2025-01-15T00:00:00Z" in _core(final / "kiem_tra_du_lieu.xlsx")
    notebook = (final / "notebooks" / "01_ingest_validate.ipynb").read_text(encoding="utf-8")
    assert ".tmp-" not in notebook and str(final) in notebook
