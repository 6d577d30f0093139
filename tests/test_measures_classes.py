import pandas as pd

from analysis.measures import describe_classes, living_standard_classes
from analysis.schema import DEPRIVATION_COLUMNS


def _household(income, n_deprived, members=4):
    flags = {c: i < n_deprived for i, c in enumerate(DEPRIVATION_COLUMNS)}
    return {"is_urban": False, "n_members": members, "income_pc_vnd": float(income), **flags}


def test_living_standard_classes__four_classes_and_low_income_rural():
    households = pd.DataFrame(
        [
            _household(1_400_000, 4),  # poor
            _household(1_500_000, 1),  # near-poor: at the line, < 3 deprivations
            _household(2_000_000, 0, members=3),  # average living; low income (<= 2.25 M)
            _household(2_250_000, 5),  # average living at its upper line; low income
            _household(3_000_000, 0),  # other
        ]
    )
    out = living_standard_classes(households, "vn-2022-2025").set_index("class")
    assert out["n_households"].to_dict() == {
        "poor": 1,
        "near_poor": 1,
        "avg_living": 2,
        "not_poor": 1,
    }
    assert out.loc["avg_living", "n_persons"] == 7
    assert out["n_low_income"].sum() == 2
    text = describe_classes(out.reset_index(), 2025, whole_population=True)
    assert "1 hộ nghèo, 1 hộ cận nghèo, 2 hộ có mức sống trung bình; 2 hộ có thu nhập thấp" in text
    assert "24/02/2025" in text


def test_low_income__only_for_reviews_the_decree_applies_to():
    from analysis.measures import classes_table

    classes = pd.DataFrame(
        {"class": ["poor", "near_poor", "avg_living", "not_poor"], "class_vi": list("abcd"),
         "n_households": [1, 1, 2, 1], "n_persons": [3, 3, 7, 2], "n_low_income": [0, 0, 2, 0]}
    )  # fmt: skip
    text = describe_classes(classes, 2024, whole_population=True)
    assert "2 hộ có thu nhập thấp" not in text and "từ kỳ rà soát năm 2025" in text
    assert "n_low_income" not in classes_table(classes, 2024).columns
    assert "n_low_income" in classes_table(classes, 2025).columns
