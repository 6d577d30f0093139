"""A commune's list is missing: the run stops by default, and with --allow-incomplete the
commune is "thiếu số liệu" (never 0 %) in the briefing, the commune table and the maps.

Two CLI runs on a small synthetic district (≈ 3,000 households) share one sample.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys

import docx
import openpyxl
import pytest
from tests.districts import sample_config, write_config

from analysis.config import PROJECT_ROOT

pytestmark = pytest.mark.e2e

CODE, NAME = "18136", "Tây Sơn"  # the commune whose 2024 list is deleted


def _run(config_path, out_root, *extra):
    return subprocess.run(
        [sys.executable, "-m", "analysis", "run", "--config", str(config_path), "--year", "2024",
         "--out", str(out_root), *extra],
        capture_output=True, text=True, cwd=PROJECT_ROOT,
    )  # fmt: skip


@pytest.fixture(scope="module")
def incomplete(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("incomplete")
    config_path = write_config(sample_config(root, households=3000), root / "district.yaml")
    (listed,) = (root / "sample" / "lists" / "2024").glob(f"{CODE}_*.xlsx")
    listed.unlink()
    stopped = _run(config_path, root / "out_stopped")
    allowed = _run(config_path, root / "out", "--allow-incomplete")
    return {"root": root, "stopped": stopped, "allowed": allowed}


def _text(path) -> str:
    body = path.read_text(encoding="utf-8").split("</style>")[-1]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def test_run_without_flag__stops_naming_the_commune_and_writes_nothing(incomplete):
    out = incomplete["stopped"]
    assert out.returncode == 2, out.stderr[-2000:]
    assert "Traceback" not in out.stderr
    assert f"xã {CODE} ({NAME}) có tổng số hộ nhưng không có danh sách hộ" in out.stderr
    assert "--allow-incomplete" in out.stderr and "bổ sung danh sách hộ" in out.stderr
    out_root = incomplete["root"] / "out_stopped"
    assert not [p for p in out_root.rglob("*") if p.is_file()], "a stopped run left outputs"


def test_run_with_flag__briefing_and_commune_table_say_missing_data(incomplete):
    out = incomplete["allowed"]
    assert out.returncode == 0, out.stderr[-3000:]
    final = incomplete["root"] / "out" / "huong-son" / "2024"
    text = _text(final / "briefing.html")
    assert f"Tổng huyện chưa gồm 1 xã thiếu số liệu: {NAME}" in text
    assert f"chưa tính 1 xã thiếu số liệu ({NAME})" in text  # targets, forecast, proposals
    assert f"Chưa phân bổ cho 1 xã thiếu số liệu ({NAME})" in text  # allocation
    row = re.search(rf"{CODE} {NAME} ((?:thiếu số liệu ?)+)", text)
    assert row and row.group(1).count("thiếu số liệu") == 6, "commune table row"
    assert not re.search(rf"{CODE} {NAME} [\d–]", text), "a number or dash shown for it"
    word = docx.Document(final / "briefing.docx")
    cells = [
        [c.text for c in r.cells] for t in word.tables for r in t.rows if r.cells[0].text == CODE
    ]
    assert cells and all(v == "thiếu số liệu" for v in cells[0][2:]), cells
    manifest = json.loads((final / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["allow_incomplete"] is True
    assert manifest["communes_missing_data"] == [
        {"year": 2024, "commune_code": CODE, "commune_name": NAME}
    ]


def test_run_with_flag__summary_workbook_and_map_legend(incomplete):
    final = incomplete["root"] / "out" / "huong-son" / "2024"
    ws = openpyxl.load_workbook(final / "bieu_tong_hop_2024.xlsx")["Kết quả"]
    row = next(r for r in ws.iter_rows(values_only=True) if r[0] == CODE)
    assert set(v for v in row[2:] if v is not None) == {"thiếu số liệu"}
    svg = (final / "maps" / "2024_poor_rate.svg").read_text(encoding="utf-8")
    assert "Thiếu số liệu" in svg  # the hatched class in the legend
