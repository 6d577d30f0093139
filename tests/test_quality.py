import pandas as pd

from analysis.measures import district_indicators
from analysis.quality import describe_quality, quality_checks


def _indicators(poor_2023=10):
    return pd.DataFrame(
        {
            "year": [2022, 2023, 2022, 2023], "unit_vintage": [2024] * 4,
            "commune_code": ["1", "1", "2", "2"], "commune_name": ["A", "A", "B", "B"],
            "n_households": [100, 100, 200, 200], "n_poor": [10, poor_2023, 20, 18],
            "n_near_poor": [5, 5, 10, 10],
        }
    ).assign(
        poor_rate=lambda d: d["n_poor"] / d["n_households"],
        near_poor_rate=lambda d: d["n_near_poor"] / d["n_households"],
        multidim_rate=lambda d: (d["n_poor"] + d["n_near_poor"]) / d["n_households"],
    )  # fmt: skip


def test_quality_checks__clean_table_passes_every_check_that_can_run():
    ind = _indicators()
    qa = quality_checks(ind, district_indicators(ind))
    assert qa["n_failed"].sum() == 0
    assert describe_quality(qa).startswith("Cả 3 phép kiểm tra")


def test_quality_checks__flags_a_jump_and_names_the_commune():
    ind = _indicators(poor_2023=2)  # A: 10 % -> 2 %, an 8-point fall in a year
    qa = quality_checks(ind, district_indicators(ind)).set_index("check")
    jump = qa.loc[qa.index.str.startswith("Tỷ lệ hộ nghèo của xã")].iloc[0]
    assert jump["n_failed"] == 1 and "A -8,0 điểm % (2023)" in jump["detail"]


def test_quality_checks__district_that_is_not_the_sum_of_communes_is_flagged():
    ind = _indicators()
    district = district_indicators(ind)
    district.loc[district["year"] == 2023, "n_poor"] += 1
    qa = quality_checks(ind, district).set_index("check")
    assert qa.loc["Số toàn huyện bằng tổng các xã", "n_failed"] == 1
    assert qa.loc["Số toàn huyện bằng tổng các xã", "detail"] == "2023"


def test_quality_checks__impossible_counts_are_flagged():
    ind = _indicators()
    ind.loc[0, "n_poor"] = 99  # 99 poor + 5 near-poor > 100 households
    qa = quality_checks(ind, district_indicators(ind))
    assert qa.iloc[0]["n_failed"] == 1
