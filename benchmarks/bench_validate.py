"""`analysis validate` on a district's lists as offices keep them (target: <= 5 s).

    PYTHONPATH=src python benchmarks/bench_validate.py [files=110] [rows=27]

Writes `files` workbooks of `rows` households each in the common office layout (title
block "UBND XÃ …", a two-row merged header with abbreviations, a numbering row, no commune
or household code column, a total row and signatures), 22 communes x several years, then
prints the wall time of `validate_path` on the folder and of the `validate` command.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[1]

from analysis.config import load_config  # noqa: E402
from analysis.ingest import validate_path  # noqa: E402
from analysis.registry import registry_for  # noqa: E402

INDICATORS = ("Việc làm", "Người phụ thuộc", "Dinh dưỡng", "BHYT", "Trình độ GD người lớn",
              "Trẻ em đi học", "Chất lượng nhà ở", "DT nhà ở BQ/người", "Nước SH", "Nhà tiêu HVS",
              "DV viễn thông", "P.tiện tiếp cận TT")  # fmt: skip
STATUSES = ("Hộ nghèo", "Hộ cận nghèo", "HN", "HCN", "Thoát nghèo")


def write_office_list(path: Path, commune: str, year: int, rows: int, seed: int) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws.append([f"UBND XÃ {commune.upper()}", None, None, None, None, None, None, None,
               "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])  # fmt: skip
    ws.append([None] * 8 + ["Độc lập - Tự do - Hạnh phúc"])
    ws.append([f"DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {year}"])
    ws.append([])
    head = ["TT", "Họ và tên chủ hộ", "Số CCCD", "Thôn", "Số NK", "Thu nhập BQ (đồng/người/tháng)"]
    ws.append([*head, "Các chỉ số thiếu hụt dịch vụ xã hội cơ bản", *[None] * 11, "Phân loại hộ"])
    ws.append([None] * len(head) + list(INDICATORS) + [None])
    for col in range(1, len(head) + 1):
        ws.merge_cells(start_row=5, start_column=col, end_row=6, end_column=col)
    ws.merge_cells(start_row=5, start_column=7, end_row=5, end_column=18)
    ws.merge_cells(start_row=5, start_column=19, end_row=6, end_column=19)
    ws.append(list(range(1, 20)))
    members = 0
    for k in range(rows):
        n = 1 + (seed + k) % 6
        members += n
        flags = ["x" if (seed + k * 7 + j) % 4 == 0 else None for j in range(12)]
        ws.append([k + 1, f"Nguyễn Văn {chr(65 + k % 26)}{k}", f"0420{seed:04d}{k:04d}",
                   f"Thôn {1 + k % 5}", n, f"{900_000 + 10_000 * (k % 50):,}".replace(",", "."),
                   *flags, STATUSES[k % len(STATUSES)]])  # fmt: skip
    ws.append(["Tổng cộng", None, None, None, members])
    ws.append([])
    ws.append(["Người lập biểu", None, None, None, None, None, None, None, "TM. UBND XÃ"])
    wb.save(path)


def main(n_files: int = 110, n_rows: int = 27) -> None:
    os.environ.setdefault("POVERTY_PSEUDONYM_KEY", "benchmark-key-" + "0" * 32)
    config = load_config(ROOT / "config" / "huong_son.yaml")
    names = registry_for(config).names(2024)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "lists"
        t0 = time.perf_counter()
        for i in range(n_files):
            code = list(names)[i % len(names)]
            year = 2020 + i // len(names)
            (folder / str(year)).mkdir(parents=True, exist_ok=True)
            write_office_list(folder / str(year) / f"ds_{i:03d}.xlsx", names[code], year, n_rows, i)
        print(f"files written: {n_files} x {n_rows} households in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        report = validate_path(folder, config)
        elapsed = time.perf_counter() - t0
        c = report.counts()
        print(f"validate_path: {elapsed:.2f} s (target <= 5 s); {c['read']} rows read, "
              f"{c['accepted']} accepted, {c['rejected']} rejected, {c['fatal']} fatal")  # fmt: skip
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "analysis", "validate", str(folder), "--config",
             str(ROOT / "config" / "huong_son.yaml"), "--json"],
            capture_output=True, check=False, cwd=ROOT,
        )  # fmt: skip
        print(f"validate command (with interpreter start): {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
