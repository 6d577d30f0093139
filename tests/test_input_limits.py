"""Bounded inputs (issue 10, point 3): files over `data.limits` are refused before they are
parsed, naming the limit, the value and the config key; the other files are still read.
Hostile files are built small (a zip bomb here inflates to a few MB, not GBs)."""

import csv
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from analysis.config import Limits, load_config
from analysis.ingest import readers as readers_module
from analysis.ingest import validate_path
from analysis.ingest.limits import InputTooLarge, _zip_entry_count, check_zip
from analysis.ingest.readers import count_csv_rows, read_sheets
from corpus.builders import household, write_list, write_totals

CONFIG = load_config(Path(__file__).resolve().parents[1] / "config" / "huong_son.yaml")


def config_with(**limits):
    data = CONFIG.data.model_copy(update={"limits": Limits(**limits), "max_rejected_share": 1.0})
    return CONFIG.model_copy(update={"data": data})


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("POVERTY_PSEUDONYM_KEY", "test-key-" + "0" * 32)


def fatal(report) -> pd.DataFrame:
    return report.problems[report.problems["severity"] == "fatal"]


def _bomb(path: Path, pad_mb: int = 4) -> Path:
    """A real review list plus a member of `pad_mb` MB of zeros (ratio about 1000:1)."""
    write_list(path, [household(1), household(2)])
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf,
        zf.open("xl/media/pad.bin", "w") as f,
    ):
        for _ in range(pad_mb):
            f.write(b"\0" * (1 << 20))
    return path


def test_zip_bomb_refused_by_ratio_without_inflating_others_still_read(tmp_path, monkeypatch):
    lists = tmp_path / "lists" / "2024"
    bomb = _bomb(lists / "18196_son-kim-1.xlsx")
    assert bomb.stat().st_size < 100_000
    write_list(lists / "18199_son-kim-2.xlsx", [household(1, code="18199")], commune="SƠN KIM 2")
    opened = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(
        zipfile.ZipFile,
        "open",
        lambda self, name, *a, **k: opened.append(name) or real_open(self, name, *a, **k),
    )
    report = validate_path(tmp_path / "lists", CONFIG)
    bad = fatal(report)
    assert "2024/18199_son-kim-2.xlsx" not in set(bad["file"])
    (message,) = bad.loc[bad["file"] == "2024/18196_son-kim-1.xlsx", "message"]
    assert "data.limits.max_compression_ratio" in message and "xl/media/pad.bin" in message
    assert "vượt giới hạn 100" in message
    assert "xl/media/pad.bin" not in opened  # refused from the zip directory alone
    assert "2024/18199_son-kim-2.xlsx" in set(report.files["file"])  # the other file is read


def test_declared_uncompressed_size_over_limit(tmp_path):
    path = write_list(tmp_path / "a.xlsx", [household(1)])
    with pytest.raises(InputTooLarge, match=r"data\.limits\.max_uncompressed_mb"):
        check_zip(path, Limits(max_uncompressed_mb=0.001))
    check_zip(path, Limits())  # a normal workbook passes


def test_file_over_tiny_size_limit_refused_with_message(tmp_path):
    path = write_list(tmp_path / "lists" / "2024" / "18196_son-kim-1.xlsx", [household(1)])
    report = validate_path(path, config_with(max_file_mb=0.001))
    (message,) = fatal(report)["message"]
    assert "tệp nặng" in message and "vượt giới hạn 1,0 KB" in message
    assert "data.limits.max_file_mb" in message and "không đọc" in message


def _csv(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Mã xã", "Mã hộ", "Thôn", "Số nhân khẩu", "Phân loại hộ"])
        for i in range(n):
            w.writerow(["18196", f"18196-{i:06d}", "Thôn 1", 4, "Hộ nghèo"])
    return path


def test_csv_over_row_limit_refused_after_reading_about_that_many_rows(tmp_path, monkeypatch):
    path = _csv(tmp_path / "2024_18196.csv", 20_000)
    yielded = []
    real_reader = csv.reader

    def counting_reader(*args, **kwargs):
        for row in real_reader(*args, **kwargs):
            yielded.append(1)
            yield row

    monkeypatch.setattr(readers_module.csv, "reader", counting_reader)
    with pytest.raises(InputTooLarge, match=r"data\.limits\.max_rows_per_file") as exc:
        read_sheets(path, Limits(max_rows_per_file=100))
    assert "hơn 100 dòng" in str(exc.value)
    # the delimiter sniffer looks at 300 lines per candidate; the count stops at 101 rows
    assert len(yielded) <= 4 * 300 + 101 < 20_000


def test_csv_within_limits_read_as_before(tmp_path):
    path = _csv(tmp_path / "x.csv", 99)
    (sheet,) = read_sheets(path, Limits(max_rows_per_file=100))
    assert sheet.grid.shape == (100, 5) and sheet.grid.loc[2, 1] == "18196-000000"
    assert count_csv_rows(path.read_text(encoding="utf-8"), ",", 10) == 11


def test_csv_many_empty_cells_refused_by_cell_limit(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("a" + "," * 5000 + "\n" + "b\n" * 50, encoding="utf-8")
    with pytest.raises(InputTooLarge, match=r"data\.limits\.max_cells_per_file"):
        read_sheets(path, Limits(max_cells_per_file=100_000))


def test_tiny_workbook_with_a_far_cell_refused_before_padding(tmp_path):
    """One value at XFD1048576: 17 billion cells once padded, refused with default limits."""
    wb = Workbook()
    wb.active["A1"] = "Mã hộ"
    wb.active["XFD1048576"] = "x"
    path = tmp_path / "far.xlsx"
    wb.save(path)
    with pytest.raises(InputTooLarge, match=r"data\.limits\.max_rows_per_file"):
        read_sheets(path)
    with pytest.raises(InputTooLarge, match=r"data\.limits\.max_cells_per_file"):
        read_sheets(path, Limits(max_rows_per_file=2_000_000))


def test_parquet_rows_checked_from_metadata(tmp_path):
    path = tmp_path / "x.parquet"
    pd.DataFrame({"a": range(500), "b": "x"}).to_parquet(path)
    with pytest.raises(InputTooLarge, match=r"data\.limits\.max_rows_per_file"):
        read_sheets(path, Limits(max_rows_per_file=100))
    assert len(read_sheets(path, Limits(max_rows_per_file=1000))[0].grid) == 501


def test_zip_entry_count_from_the_directory_tail(tmp_path):
    path = tmp_path / "z.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(12):
            zf.writestr(f"m{i}.txt", "x")
    assert _zip_entry_count(path) == 12


def test_commune_year_over_row_limit_is_fatal(tmp_path):
    lists = tmp_path / "lists" / "2024"
    write_list(lists / "18196_son-kim-1.xlsx", [household(i) for i in range(1, 4)])
    report = validate_path(lists / "18196_son-kim-1.xlsx", config_with(max_rows_per_commune_year=2))
    (message,) = fatal(report)["message"]
    assert "data.limits.max_rows_per_commune_year" in message and "18196" in message
    assert "3 dòng" in message


def test_more_listed_households_than_resident_households_is_fatal(tmp_path):
    write_list(tmp_path / "in" / "2024" / "18196_son-kim-1.xlsx",
               [household(i) for i in range(1, 4)])  # fmt: skip
    write_totals(tmp_path / "in" / "tong_so_ho.xlsx", [(2024, "18196", "Sơn Kim 1", 2, 8)])
    report = validate_path(tmp_path / "in", config_with())
    messages = list(fatal(report)["message"])
    assert any("nhiều hơn tổng số hộ của xã (2" in m and "có 3 hộ" in m for m in messages)


def test_cells_without_references_counted_per_row(tmp_path):
    """Rows and cells may omit their references: a reader then places them one after the
    other, so one wide row among many rows still makes a huge dense grid."""
    from analysis.ingest.limits import check_sheet_extents

    path = write_list(tmp_path / "a.xlsx", [household(1)])
    with zipfile.ZipFile(path) as src:
        parts = {i.filename: src.read(i.filename) for i in src.infolist()}
    rows = b"<row><c><v>1</v></c></row>" * 2000 + b"<row>" + b"<c><v>1</v></c>" * 3000 + b"</row>"
    sheet = parts["xl/worksheets/sheet1.xml"]
    start, end = sheet.index(b"<sheetData>") + 11, sheet.index(b"</sheetData>")
    parts["xl/worksheets/sheet1.xml"] = sheet[:start] + rows + sheet[end:]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items():
            dst.writestr(name, data)
    with pytest.raises(InputTooLarge, match=r"6\.00\d\.000 ô"):
        check_sheet_extents(path, Limits(max_cells_per_file=1_000_000))
    check_sheet_extents(path, Limits())
