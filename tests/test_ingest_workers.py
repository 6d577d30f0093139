"""Reading a folder of lists in worker processes gives the sequential result, in order."""

import os

import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis.ingest import collect
from analysis.ingest.headers import KINDS
from analysis.ingest.problems import ProblemLog
from corpus.builders import household, write_list


def _folder(tmp_path):
    """Nine files: lists of several communes and years, one with a hidden row, one that is
    not a workbook, one without a table, one csv."""
    root = tmp_path / "lists"
    communes = [("18196", "SƠN KIM 1"), ("18199", "SƠN KIM 2"), ("18202", "SƠN TÂY")]
    for year in (2023, 2024):
        for code, name in communes:
            rows = [household(i, code=code) for i in range(1, 6)]
            write_list(root / str(year) / f"{code}_{year}.xlsx", rows, year=year, commune=name)
    hidden = root / "2024" / "18196_2024.xlsx"
    wb = load_workbook(hidden)
    wb.active.row_dimensions[7].hidden = True
    wb.save(hidden)
    (root / "2024" / "hong.xlsx").write_bytes(b"not a workbook" * 50)
    (root / "2024" / "ghi_chu.csv").write_text("Ghi chú\nkhông có bảng\n", encoding="utf-8")
    return root


def _read(root, workers, monkeypatch):
    monkeypatch.setattr(collect, "WORKERS", workers)
    monkeypatch.setattr(collect, "MIN_FILES_FOR_WORKERS", 2)
    log = ProblemLog()
    tables = collect.collect_tables(root, KINDS, log, "thư mục danh sách hộ")
    return tables, log.frame()


def _same(a, b):
    assert [(t.file, t.sheet, t.header.kind) for t in a[0]] == [
        (t.file, t.sheet, t.header.kind) for t in b[0]
    ]
    for x, y in zip(a[0], b[0], strict=True):
        pd.testing.assert_frame_equal(x.table.data, y.table.data)
        pd.testing.assert_frame_equal(x.table.totals, y.table.totals)
        assert (x.table.title, x.table.skipped) == (y.table.title, y.table.skipped)
    pd.testing.assert_frame_equal(a[1], b[1])


def test_collect_tables__workers_give_the_sequential_tables_and_problems(tmp_path, monkeypatch):
    root = _folder(tmp_path)
    sequential = _read(root, 1, monkeypatch)
    parallel = _read(root, 2, monkeypatch)
    _same(parallel, sequential)
    problems = sequential[1]
    assert (problems["file"] == "2024/hong.xlsx").any()  # each file keeps its own problems
    assert problems["message"].str.contains("bị ẩn").any()
    assert len(sequential[0]) == 6


def test_collect_tables__files_are_read_in_other_processes(tmp_path, monkeypatch):
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: files are read in this process")
    root = _folder(tmp_path)
    read = collect._collect_file

    def tagged(path, name, kinds, log, limits=None):
        log.add("info", f"pid {os.getpid()}", name)
        return read(path, name, kinds, log, limits)

    monkeypatch.setattr(collect, "_collect_file", tagged)
    _, problems = _read(root, 2, monkeypatch)
    pids = set(problems["message"][problems["message"].str.startswith("pid ")])
    assert pids and f"pid {os.getpid()}" not in pids


def test_collect_tables__a_broken_pool_reads_the_rest_here(tmp_path, monkeypatch):
    """A worker killed mid-way (out of memory): the files it did not return are read in
    this process, and the result is still the sequential one."""
    root = _folder(tmp_path)
    sequential = _read(root, 1, monkeypatch)
    parent = os.getpid()
    read = collect._collect_file

    def dies_in_a_worker(path, name, kinds, log, limits=None):
        if os.getpid() != parent and name.endswith("18199_2024.xlsx"):
            os._exit(1)
        return read(path, name, kinds, log, limits)

    monkeypatch.setattr(collect, "_collect_file", dies_in_a_worker)
    _same(_read(root, 2, monkeypatch), sequential)
