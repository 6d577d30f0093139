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


def test_parse_number__amounts_with_currency_words():
    from analysis.ingest.values import parse_number

    values, bad = parse_number(
        pd.Series(["1.250.000 đ", "1,250,000", "1.250.000đồng", "1250000 VNĐ", 1250000.0, "abc đ"])
    )
    assert values.iloc[:5].tolist() == [1_250_000.0] * 5 and bad.tolist() == [False] * 5 + [True]


def test_parse_bool__numeric_and_text_forms():
    from analysis.ingest.values import parse_bool

    values, bad = parse_bool(pd.Series(["x", "X", "Có", "Không", 1, 0, 1.0, 0.0, "✓", None, "1.0"]))
    assert values.tolist() == [True, True, True, False, True, False, True, False, True, False, True]
    assert not bad.any()


def test_parse_status__qualifiers_and_social_protection():
    from analysis.ingest.values import parse_status

    written = ["Hộ nghèo (BTXH)", "Hộ nghèo thuộc diện BTXH", "HN", "HCN", "Nghèo", "Cận nghèo",
               "Hộ cận nghèo (mới)", "Thoát nghèo", "Hộ khá"]  # fmt: skip
    values, bad, social = parse_status(pd.Series(written))
    assert values.iloc[:8].tolist() == ["poor", "poor", "poor", "near_poor", "poor", "near_poor",
                                        "near_poor", "not_poor"]  # fmt: skip
    assert bad.tolist() == [False] * 8 + [True]
    assert social.tolist() == [True, True] + [False] * 7


def test_parse_id_numbers__leading_zero_restored_and_exponent_text_lost():
    from analysis.ingest.values import parse_id_numbers

    values, lost, restored = parse_id_numbers(
        pd.Series([42012345678, "042012345678", "4,2012E+10", 12345678.0, None])
    )
    assert values.iloc[[0, 1, 3]].tolist() == ["042012345678", "042012345678", "012345678"]
    assert lost.tolist() == [False, False, True, False, False]
    assert restored.tolist() == [True, False, False, True, False]


def test_parse_ethnic_group__names_aliases_and_minority_flag():
    from analysis.ingest.ethnic import parse_ethnic_group

    names, minority, bad = parse_ethnic_group(
        pd.Series(["Kinh", "H'Mông", "thái", "Mường", "Khơ-me", "Tây Ban Nha", None])
    )
    assert names.iloc[:4].tolist() == ["Kinh", "Mông", "Thái", "Mường"]
    assert minority.iloc[:5].tolist() == [False, True, True, True, True]
    assert bad.tolist() == [False] * 5 + [True, False]
