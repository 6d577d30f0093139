import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from analysis.ingest.values import parse_bool, parse_integer, parse_mapped, parse_number
from analysis.vietnamese import format_number


def test_parse_number__office_formats():
    values, bad = parse_number(pd.Series(["1.200.000", "1,5", " 4 ", 7, None, "bốn", "1,234,567"]))
    assert values.tolist()[:4] == [1_200_000, 1.5, 4, 7] and values[6] == 1_234_567
    assert bad.tolist() == [False, False, False, False, False, True, False]


def test_parse_integer__fraction_is_bad():
    _, bad = parse_integer(pd.Series([2.5, "3", 4.0]))
    assert bad.tolist() == [True, False, False]


def test_parse_bool__x_and_words():
    values, bad = parse_bool(pd.Series(["x", "X", None, "có", "không", "có lẽ", 1, True]))
    assert values.tolist() == [True, True, False, True, False, False, True, True]
    assert bad.tolist() == [False] * 5 + [True, False, False]


def test_parse_mapped__status_spellings():
    values, bad = parse_mapped(
        pd.Series(["Hộ nghèo", "HỘ CẬN NGHÈO", "Thoát nghèo", "hn", "khá"]), "reported_status"
    )
    assert values.tolist()[:4] == ["poor", "near_poor", "not_poor", "poor"]
    assert bad.tolist() == [False, False, False, False, True]


@given(st.integers(min_value=0, max_value=10**10), st.integers(min_value=0, max_value=2))
def test_parse_number__reads_back_vietnamese_format(n, decimals):
    x = n / 10**decimals
    values, bad = parse_number(pd.Series([format_number(x, decimals)]))
    assert not bad[0] and abs(values[0] - x) < 1e-6 * max(1, x)


def test_check_combinations__uses_the_income_lines_of_each_years_standard():
    import pandas as pd

    from analysis.ingest.validate import Checks, check_combinations

    # rural poor with 3.5 M VND: above 2 x 1.5 M (2022–2025 lines), below 2 x 2.2 M (2027–2030 lines)
    typed = pd.DataFrame(
        {"year": [2024, 2027], "is_urban": [False, False], "income_pc_vnd": [3_500_000.0] * 2,
         "reported_status": ["poor", "poor"]}
    )  # fmt: skip
    raw = typed.assign(_file="f.xlsx", _sheet="s", _row=[6, 7])
    checks = Checks(raw, lambda f, c: c)
    check_combinations(typed, checks, {2024: "vn-2022-2025", 2027: "vn-2027-2030"})
    flagged = checks.frame()
    assert flagged["row"].tolist() == [6]
    assert "1.500.000" in flagged["message"].iloc[0]
