from pathlib import Path

import numpy as np
import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from analysis.config import load_config
from analysis.errors import UserError
from analysis.forecast.core import run_model
from analysis.forecast.example import example_indicators
from analysis.proposals import (
    district_target,
    propose_targets,
    split_total,
    title,
    write_proposals_docx,
    write_proposals_xlsx,
)

CONFIG = load_config(Path(__file__).resolve().parents[1] / "config" / "huong_son.yaml")
TABLE = example_indicators(n_communes=10, seed=2)
RESULT = run_model("flow", TABLE, CONFIG, 2024, 1000, 0)


def test_split_total__largest_remainder_sums_exactly():
    out = split_total(10, [1, 1, 1], [0, 0, 0], [10, 10, 10])
    assert out.sum() == 10 and sorted(out) == [3, 3, 4]


def test_split_total__respects_bounds_and_gives_more_to_heavier():
    out = split_total(20, [10, 1, 1], [0, 2, 2], [12, 10, 10])
    assert out.tolist() == [12, 4, 4]


def test_split_total__infeasible_is_a_user_error():
    with pytest.raises(UserError):
        split_total(50, [1, 1], [0, 0], [10, 10])


@settings(max_examples=60, deadline=None)
@given(
    data=st.lists(
        st.tuples(st.integers(0, 300), st.integers(0, 40), st.integers(0, 60)),
        min_size=1,
        max_size=25,
    ),
    share=st.floats(0, 1),
)
def test_split_total__sum_and_bounds_invariant(data, share):
    w = np.array([d[0] for d in data], float)
    lo = np.array([d[1] for d in data], float)
    hi = lo + np.array([d[2] for d in data], float)
    total = int(round(lo.sum() + share * (hi.sum() - lo.sum())))
    out = split_total(total, w, lo, hi)
    assert out.sum() == total and (out >= lo).all() and (out <= hi).all()


def test_district_target__max_of_t1_and_t2_need():
    d = TABLE.groupby("year")[["n_poor", "n_households"]].sum()
    t1 = 0.006 * d.loc[2024, "n_households"]
    t2 = max(d.loc[2024, "n_poor"] - 0.5 * d.loc[2021, "n_poor"], 0)
    assert district_target(RESULT, CONFIG) == int(np.ceil(max(t1, t2)))


def test_propose_targets__communes_sum_to_district_and_stay_in_range():
    t = propose_targets(RESULT, TABLE, CONFIG)
    assert t["target_households"].sum() == t.attrs["total"] == district_target(RESULT, CONFIG)
    if not t.attrs["widened"]:
        assert (t.target_households >= t.feasible_low).all()
        assert (t.target_households <= t.feasible_high).all()
    assert (t.target_households <= t.n_poor).all()
    assert t.attrs["year"] == 2025


def test_propose_targets__planner_total_is_kept_and_range_widened_when_needed():
    t = propose_targets(
        RESULT, TABLE, CONFIG, total=int(TABLE[TABLE.year == 2024].n_poor.sum() * 0.9)
    )
    assert t.attrs["widened"] and t["target_households"].sum() == t.attrs["total"]
    with pytest.raises(UserError, match="vượt"):
        propose_targets(RESULT, TABLE, CONFIG, total=10**7)


def test_write_proposals__xlsx_has_title_formulas_and_docx_vietnamese_numbers(tmp_path):
    t = propose_targets(RESULT, TABLE, CONFIG)
    xlsx = write_proposals_xlsx(t, tmp_path / "p.xlsx", CONFIG)
    ws = load_workbook(xlsx).active
    assert ws["A1"].value == title(2025) == "Chỉ tiêu giảm nghèo năm 2025 giao cho các xã"
    assert "Dữ liệu mô phỏng" in ws["A3"].value
    assert str(ws.cell(ws.max_row, 9).value).startswith("=SUM(")
    doc = Document(write_proposals_docx(t, tmp_path / "p.docx", CONFIG))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "CHỈ TIÊU GIẢM NGHÈO NĂM 2025" in text and "Dữ liệu mô phỏng" in text
    total_row = [c.text for c in doc.tables[0].rows[-1].cells]
    assert total_row[2] == "Toàn huyện"
    n = int(t.n_households.sum())
    assert total_row[3] == f"{n:,}".replace(",", ".")
    assert "," in total_row[5]  # decimal comma


def test_propose_targets__a_pace_above_the_poor_left_proposes_all_of_them_and_says_so():
    from analysis.proposals import method_note

    steep = CONFIG.model_copy(
        update={
            "targets": [
                t.model_copy(update={"low": 60.0}) if t.metric == "poor_rate_annual_fall_pp" else t
                for t in CONFIG.targets
            ]
        }
    )
    poor_left = int(TABLE[TABLE.year == 2024].n_poor.sum())
    assert district_target(RESULT, steep) > poor_left  # a town with few poor households
    t = propose_targets(RESULT, TABLE, steep)
    assert t.attrs["total"] == t["target_households"].sum() == poor_left
    assert (t.target_households == t.n_poor).all()
    note = method_note(t, steep)
    assert f"toàn bộ {poor_left:,} hộ nghèo".replace(",", ".") in note
