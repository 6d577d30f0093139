from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.config import load_config
from analysis.errors import UserError
from analysis.targets import (
    build_scorecard,
    district_table,
    level_status,
    read_monitoring,
    reaggregate,
    validate_monitoring,
)

ROOT = Path(__file__).resolve().parents[1]
CONFIG = load_config(ROOT / "config" / "huong_son.yaml")


def _table(rows) -> pd.DataFrame:
    """rows: (year, vintage, code, n_households, n_poor, n_near_poor)."""
    df = pd.DataFrame(
        rows,
        columns=["year", "unit_vintage", "commune_code", "n_households", "n_poor", "n_near_poor"],
    )
    df["commune_name"] = "Xã " + df["commune_code"]
    n = df["n_households"]
    return df.assign(
        poor_rate=df["n_poor"] / n,
        near_poor_rate=df["n_near_poor"] / n,
        multidim_rate=(df["n_poor"] + df["n_near_poor"]) / n,
    )


TWO_COMMUNES = _table(
    [
        (2021, 2024, "A", 1000, 100, 80),
        (2021, 2024, "B", 1000, 40, 30),
        (2022, 2024, "A", 1000, 90, 70),
        (2022, 2024, "B", 1000, 30, 20),
        (2023, 2024, "A", 1000, 85, 60),
        (2023, 2024, "B", 1000, 20, 10),
    ]
)


def _cell(sc, target, code, year, population=None):
    rows = sc[(sc.target_id == target) & (sc.commune_code == code) & (sc.year == year)]
    if population:
        rows = rows[rows.population == population]
    assert len(rows) == 1
    return rows.iloc[0]


def test_build_scorecard__t1_fall_in_pp_and_status():
    sc = build_scorecard(TWO_COMMUNES, CONFIG)
    a22 = _cell(sc, "T1", "A", 2022)
    assert a22.value == pytest.approx(1.0) and a22.status == "met"
    a23 = _cell(sc, "T1", "A", 2023)
    assert a23.value == pytest.approx(0.5) and a23.status_vi == "Có nguy cơ"
    district = _cell(sc, "T1", "district", 2022)
    assert district.value == pytest.approx(1.0)  # (140 - 120) / 2000


def test_build_scorecard__t2_ratio_to_baseline_and_numbers_behind():
    sc = build_scorecard(TWO_COMMUNES, CONFIG)
    b = _cell(sc, "T2", "B", 2023, "poor")
    assert b.value == pytest.approx(50.0) and b.status == "met"
    assert (b.numerator, b.denominator) == (20, 40)
    a = _cell(sc, "T2", "A", 2023, "poor")
    # path 2021 -> 2025 from 100 % to 50 %: 75 % expected in 2023, 85 % is > one step (12.5) off
    assert a.value == pytest.approx(85.0) and a.status == "at_risk"


def test_build_scorecard__t3_district_share_of_communes_meeting():
    sc = build_scorecard(TWO_COMMUNES, CONFIG)
    d = _cell(sc, "T3", "district", 2023)
    assert (d.numerator, d.denominator) == (1, 2)  # B at 3 %, A at 14.5 %
    assert _cell(sc, "T3", "B", 2023).status == "met"


def test_build_scorecard__t4_lists_communes_above_bound():
    sc = build_scorecard(TWO_COMMUNES, CONFIG)
    assert _cell(sc, "T4", "A", 2021).status == "at_risk"
    assert _cell(sc, "T4", "district", 2021).numerator == 1


def test_build_scorecard__deprivation_targets_without_input_are_no_data():
    sc = build_scorecard(TWO_COMMUNES, CONFIG)
    assert set(sc.loc[sc.target_id == "T5", "status_vi"]) == {"Không có số liệu"}


def test_build_scorecard__deprivations_given_are_scored():
    dep = pd.DataFrame(
        {
            "year": [2023, 2023],
            "commune_code": ["A", "B"],
            "indicator": ["dep_housing_quality"] * 2,
            "population": ["poor"] * 2,
            "n_deprived": [3, 4],
            "n_households": [85, 20],
        }
    )
    sc = build_scorecard(TWO_COMMUNES, CONFIG, deprivations=dep)
    assert _cell(sc, "T7", "A", 2023).status == "met"  # 3.5 % <= 5 %
    assert _cell(sc, "T7", "B", 2023).value == pytest.approx(20.0)
    assert _cell(sc, "T7", "district", 2023).value == pytest.approx(700 / 105)


def test_build_scorecard__monitoring_sheet_scores_t10():
    mon = pd.DataFrame(
        {
            "commune_code": ["A", "B"],
            "year": [2023, 2023],
            "indicator": ["officers_trained"] * 2,
            "numerator": [5, 3],
            "denominator": [5, 4],
        }
    )
    sc = build_scorecard(TWO_COMMUNES, CONFIG, monitoring=mon)
    assert _cell(sc, "T10e", "A", 2023).status == "met"
    assert _cell(sc, "T10e", "district", 2023).value == pytest.approx(800 / 9)


def test_build_scorecard__merged_vintage_gets_baseline_through_crosswalk():
    rows = TWO_COMMUNES.copy()
    merged = _table([(2024, 2025, "M", 2000, 50, 40)])
    table = pd.concat([rows, merged], ignore_index=True)
    sc = build_scorecard(table, CONFIG, mapping={"A": "M", "B": "M"})
    m = _cell(sc, "T2", "M", 2024, "poor")
    assert m.denominator == 140 and m.value == pytest.approx(100 * 50 / 140)
    assert _cell(sc, "T1", "M", 2024).value == pytest.approx(5.25 - 2.5)
    without = build_scorecard(table, CONFIG)
    assert _cell(without, "T2", "M", 2024, "poor").status == "no_data"


def test_reaggregate__sums_counts_and_recomputes_rates():
    out = district_table(reaggregate(TWO_COMMUNES, {"A": "M", "B": "M"}, to_vintage=2025))
    assert out.loc[out.year == 2021, "n_poor"].item() == 140
    assert out.loc[out.year == 2021, "poor_rate"].item() == pytest.approx(0.07)


def test_reaggregate__unknown_code_is_a_user_error():
    with pytest.raises(UserError, match="A"):
        reaggregate(TWO_COMMUNES, {"B": "M"}, to_vintage=2025)


def test_read_monitoring__template_parses(tmp_path):
    m = read_monitoring(ROOT / "data" / "reference" / "monitoring_template.csv")
    assert set(m["indicator"]) >= {"workers_trained", "officers_trained"}
    assert (m["numerator"] <= m["denominator"]).all()


def test_validate_monitoring__names_row_and_column():
    bad = pd.DataFrame(
        {
            "commune_code": ["A", "B"],
            "year": [2023, 2023],
            "indicator": ["x", "x"],
            "numerator": [1, "abc"],
            "denominator": [2, 2],
        }
    )
    with pytest.raises(UserError, match=r"dòng 3, cột 'numerator'"):
        validate_monitoring(bad)


@given(
    base=st.floats(5, 50),
    value=st.floats(0, 60),
    year=st.integers(2021, 2025),
)
def test_level_status__value_at_or_below_threshold_is_always_met(base, value, year):
    status = level_status([value], [base], 4.0, [year], 2021, 2025, True)[0]
    assert (status == "met") == (value <= 4.0)
    if year == 2025:
        assert status in ("met", "off_track")


def test_level_status__missing_value_is_no_data():
    assert level_status([np.nan], [10.0], 5.0, [2023], 2021, 2025, True)[0] == "no_data"


# ------------------------------------------------------------------ reports, final mode
class _Registry:
    """Two 2024 communes merged into one 2025 commune (stands in for analysis.registry)."""

    units = pd.DataFrame({"vintage": [2024, 2024, 2025], "code": ["A", "B", "M"]})

    def to_merged(self):
        return {"A": "M", "B": "M"}

    def names(self, vintage):
        return {"M": "Xã Gộp"}


def _with_2025(poor_2025: int) -> pd.DataFrame:
    merged = _table([(2025, 2025, "M", 2000, poor_2025, 60)]).drop(columns="commune_name")
    return pd.concat([TWO_COMMUNES, merged], ignore_index=True)


def test_final_evaluation__merged_commune_and_district_achieved_or_not():
    from analysis.targets.reports import final_evaluation

    fe = final_evaluation(_with_2025(60), CONFIG, _Registry())
    t2 = fe[(fe.target_id == "T2") & (fe.population == "poor")]
    assert set(t2.commune_code) == {"district", "M"}
    m = t2[t2.commune_code == "M"].iloc[0]
    assert m.commune_name == "Xã Gộp" and m.denominator == 140
    assert m.result_vi == "Đạt"  # 60 <= 70
    t3 = fe[(fe.target_id == "T3") & (fe.commune_code == "M")].iloc[0]
    assert t3.result_vi == "Đạt"  # (60 + 60) / 2000 = 6 % <= 6 %
    t1_avg = fe[(fe.target_id == "T1") & (fe.commune_code == "district")]
    assert t1_avg.value.item() == pytest.approx((7.0 - 3.0) / 4)
    assert t1_avg.basis.item().startswith("bình quân 2021–2025")
    assert "2022 giảm 1,00 điểm %" in t1_avg.basis.item() and t1_avg.verdict_vi.item() == "Đạt"
    # one row per target, household group and unit: one verdict each
    assert not fe.duplicated(["target_id", "population", "commune_code", "year"]).any()
    assert set(fe.loc[fe.target_id == "T5", "result_vi"]) == {"Không có số liệu"}
    assert "Không đạt" in set(
        fe.loc[fe.target_id == "T2", "result_vi"]
    )  # near-poor 60 > 50 % of 110


def test_final_evaluation__without_target_year_is_a_user_error():
    from analysis.targets.reports import final_evaluation

    with pytest.raises(UserError, match="2025"):
        final_evaluation(TWO_COMMUNES, CONFIG, _Registry())


def test_write_scorecard_xlsx_and_html__vietnamese_labels(tmp_path):
    from openpyxl import load_workbook

    from analysis.targets.reports import scorecard_html, write_scorecard_xlsx

    sc = build_scorecard(TWO_COMMUNES, CONFIG)
    wb = load_workbook(write_scorecard_xlsx(sc, tmp_path / "sc.xlsx", CONFIG))
    assert wb.sheetnames == ["Tổng hợp huyện", "Chi tiết"]
    detail = [c.value for c in wb["Chi tiết"][4]]
    assert "Đánh giá" in detail and "Tử số" in detail and "Đơn vị" in detail
    wide = wb["Tổng hợp huyện"]
    t1 = next(r for r in wide.iter_rows(min_row=5) if r[1].value == "T1")
    at_2022 = [c.value for c in wide[3]].index("Năm 2022")
    assert t1[at_2022].value == 1.0 and t1[at_2022 + 1].value == "Đạt"  # T1 district 2022
    page = scorecard_html(sc, CONFIG)
    assert "<table" in page and "Không có số liệu" in page and "Dữ liệu mô phỏng" in page


def test_final_evaluation__period_figures_only_never_across_a_standard_change():
    from analysis.targets.reports import final_evaluation

    base = final_evaluation(_with_2025(60), CONFIG, _Registry())
    # 2019-2020 under the 2016-2020 standard (far lower rates) and 2027 under the next one
    extra = _table([(2019, 2024, "A", 1000, 20, 10), (2020, 2024, "A", 1000, 15, 8),
                    (2019, 2024, "B", 1000, 5, 3), (2020, 2024, "B", 1000, 4, 2),
                    (2027, 2025, "M", 2000, 10, 10)])  # fmt: skip
    both = pd.concat([_with_2025(60), extra], ignore_index=True)
    fe = final_evaluation(both, CONFIG, _Registry())
    cols = ["target_id", "population", "commune_code", "value", "verdict"]
    pd.testing.assert_frame_equal(
        fe[cols].reset_index(drop=True), base[cols].reset_index(drop=True)
    )
    sc = build_scorecard(both, CONFIG)
    assert sc["year"].between(2021, 2026).all()
    odd = CONFIG.model_copy(
        update={"periods": CONFIG.periods.model_copy(update={"baseline_year": 2020})}
    )
    with pytest.raises(UserError, match="hai chuẩn nghèo"):
        final_evaluation(both, odd, _Registry())
