import pandas as pd

from analysis.measures import (
    alkire_foster,
    change_over_time,
    describe_alkire_foster,
    describe_audit,
    describe_change,
    describe_communes,
    describe_district,
    describe_flow_check,
    describe_flows,
)
from analysis.schema import DEPRIVATION_COLUMNS, DYNAMICS_COLUMNS
from analysis.vietnamese import format_number, format_pct


def _district() -> pd.DataFrame:
    base = {c: pd.NA for c in DYNAMICS_COLUMNS}
    later = dict.fromkeys(DYNAMICS_COLUMNS, 0) | {
        "n_poor_start": 500,
        "n_poor_out_above": 120,
        "n_poor_out_near_poor": 30,
        "n_poor_out_other": 10,
        "n_poor_in_new": 40,
        "n_poor_in_other": 10,
        "n_poor_end": 390,
    }
    rows = [
        {"year": 2023, "n_households": 10000, "n_poor": 500, "n_near_poor": 700, **base},
        {"year": 2024, "n_households": 10000, "n_poor": 390, "n_near_poor": 650, **later},
    ]
    df = pd.DataFrame(rows)
    df["poor_rate"] = df["n_poor"] / df["n_households"]
    df["near_poor_rate"] = df["n_near_poor"] / df["n_households"]
    df["multidim_rate"] = df["poor_rate"] + df["near_poor_rate"]
    return df


def test_format__vietnamese_separators():
    assert format_number(1234567) == "1.234.567"
    assert format_number(1234.5, 2) == "1.234,50"
    assert format_pct(0.0345, 2) == "3,45%"


def test_describe_district__numbers_from_table():
    text = describe_district(_district(), 2024)
    assert "390 hộ nghèo (3,90%)" in text
    assert "10.000 hộ dân cư" in text
    assert "giảm 1,10 điểm phần trăm so với năm 2023" in text


def test_describe_flows__first_year_and_later_year():
    assert "đầu tiên" in describe_flows(_district(), 2023)
    text = describe_flows(_district(), 2024)
    assert "giảm 160 hộ (120 thoát nghèo, 30 chuyển sang cận nghèo, 10 giảm khác)" in text
    assert "tăng 50 hộ (40 phát sinh mới, 0 tái nghèo, 0 từ cận nghèo, 10 tăng khác)" in text
    assert text.endswith("500 − 160 + 50 = 390 hộ nghèo.")


def test_describe_flows__every_category_adds_up_or_the_gap_is_named():
    import re

    district = _district()
    district.loc[1, "n_poor_end"] = 395
    text = describe_flows(district, 2024)
    assert "lệch 5 hộ so với 395 hộ cuối kỳ" in text
    numbers = [
        int(x.replace(".", ""))
        for x in re.findall(
            r"(\d[\d.]*) (?:thoát|chuyển|giảm khác|phát|tái|từ cận|tăng khác)", text
        )
    ]
    assert sum(numbers[:3]) == 160 and sum(numbers[3:]) == 50


def test_describe_communes__extremes_and_threshold():
    table = pd.DataFrame(
        {"year": 2024, "commune_name": ["A", "B", "C"], "multidim_rate": [0.05, 0.2, 0.12]}
    )
    text = describe_communes(table, 2024)
    assert "cao nhất ở B (20,00%)" in text
    assert "thấp nhất ở A (5,00%)" in text
    assert "2/3 xã trên 10%" in text


def test_describe_flow_check__break_is_named():
    breaks = pd.DataFrame({"year": [2024], "commune_code": ["18133"], "list": ["poor"], "gap": [2]})
    assert "18133" in describe_flow_check(breaks)
    assert "khớp ở mọi xã" in describe_flow_check(breaks.iloc[0:0])


def test_describe_alkire_foster__h_a_m0():
    hh = pd.DataFrame([{c: i < 6 for i, c in enumerate(DEPRIVATION_COLUMNS)}] * 2)
    hh.loc[1, list(DEPRIVATION_COLUMNS)] = False
    summary = alkire_foster(hh.assign(year=2024)).summary
    text = describe_alkire_foster(summary, 2024, "hộ nghèo và cận nghèo")
    assert "chỉ số nghèo đa chiều Alkire–Foster (M0) của các hộ trong danh sách rà soát" in text
    assert "(2 hộ nghèo và cận nghèo)" in text and "50,00% số hộ này" in text
    assert "M0 = H × A = 0,2500" in text
    assert "không phải là xu hướng nghèo" in text and "tỷ lệ nghèo đa chiều chính thức" in text


def test_describe_change__direction_and_percent():
    change = change_over_time(_district(), 2023, 2024, ["poor_rate"])
    text = describe_change(change, "poor_rate", "tỷ lệ hộ nghèo", as_percent=True)
    assert "giảm từ 5,00% xuống 3,90%" in text


def test_describe_audit__most_common_mismatch():
    audit = pd.DataFrame(
        {
            "reported_status": ["poor", "poor", "near_poor"],
            "computed_status": ["near_poor"] * 2 + ["poor"],
        }
    )
    text = describe_audit(audit, 300, 2024)
    assert "3 hộ (1,00% số hộ rà soát)" in text
    assert "2 hộ được ghi là hộ nghèo nhưng theo chuẩn là hộ cận nghèo" in text
