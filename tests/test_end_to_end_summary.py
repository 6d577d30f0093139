"""The annual cycle from commune summary tables alone (no household lists)."""

from __future__ import annotations

import openpyxl
import pytest
from tests.districts import sample_config, write_config

from analysis.documents import NO_MICRODATA
from analysis.pipeline import run_cycle
from analysis.vietnamese import format_number

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def summary_run(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("summary_district")
    raw = sample_config(root)
    # the office kept only the summary tables
    raw["data"]["household_lists"] = None
    raw["data"]["household_totals"] = None
    raw["data"]["summary_tables"] = str(root / "sample" / "summary")
    # summary tables give counts, not households: the budget uses criteria they can give
    # (a household-based criterion stops the budget step with a message naming it)
    raw["allocation"] = {
        "total_million_vnd": 12000,
        "illustrative": True,
        "criteria": [{"name": "n_poor", "weight": 0.7}, {"name": "n_near_poor", "weight": 0.3}],
    }
    config_path = write_config(raw, root / "summary_only.yaml")
    final = run_cycle(config_path, 2024, out_root=root / "outputs", progress=False)
    return {"root": root, "final": final}


def _district_poor_rate_from_workbook(path) -> float:
    ws = openpyxl.load_workbook(path, read_only=True)["Kết quả"]
    rows = list(ws.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "Mã xã")
    total = next(r for r in rows if r and r[1] == "Toàn huyện")
    col = dict(zip(header, total, strict=False))
    return col["Số hộ nghèo"] / col["Tổng số hộ"]


def test_summary_only__briefing_rate_forecast_and_honest_gaps(summary_run):
    briefing = (summary_run["final"] / "briefing.html").read_text(encoding="utf-8")
    rate = _district_poor_rate_from_workbook(
        summary_run["root"] / "sample" / "summary" / "bieu_tong_hop_2024.xlsx"
    )
    assert f"{format_number(100 * rate, 2)}%" in briefing
    # the district forecast works from counts and dynamics
    assert "IV. DỰ BÁO" in briefing and "dự báo năm 2025" in briefing
    # the forecast section names its model and the backtest on published (real) figures
    assert "Dự báo dùng mô hình" in briefing and "số liệu công bố thật" in briefing
    assert NO_MICRODATA.split(":")[0] in briefing  # microdata analyses say so, no invented numbers
    assert (summary_run["final"] / "maps" / "2024_poor_rate.png").exists()
