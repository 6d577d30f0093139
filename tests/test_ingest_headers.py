"""Header matching: tokens, qualifiers, abbreviations, fuzzy threshold, and invariance."""

import unicodedata

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.ingest.header_match import HOW_ABBREVIATION, HOW_FUZZY, HOW_QUALIFIER
from analysis.ingest.headers import find_header, header_index

# (header as an office writes it, canonical column)
OFFICE_HEADER = [
    ("TT", "_skip"),
    ("Họ và tên chủ hộ", "head_name"),
    ("Số CCCD", "head_id_number"),
    ("Thôn, xóm", "village"),
    ("Số NK", "n_members"),
    ("Thu nhập BQ (đồng/người/tháng)", "income_pc_vnd"),
    ("Việc làm", "dep_employment"),
    ("Người phụ thuộc", "dep_dependants"),
    ("Dinh dưỡng", "dep_nutrition"),
    ("BHYT", "dep_health_insurance"),
    ("Trình độ GD người lớn", "dep_adult_education"),
    ("Trẻ em đi học", "dep_child_schooling"),
    ("Chất lượng nhà ở", "dep_housing_quality"),
    ("DT nhà ở BQ/người", "dep_housing_area"),
    ("Nước SH", "dep_water"),
    ("Nhà tiêu HVS", "dep_latrine"),
    ("DV viễn thông", "dep_telecom"),
    ("Tiếp cận TT", "dep_information"),
    ("Phân loại hộ", "reported_status"),
    ("Hộ BTXH", "is_social_protection"),
    ("Dân tộc", "ethnic_group"),
]


def grid(rows: list[list]) -> pd.DataFrame:
    width = max(len(r) for r in rows)
    frame = pd.DataFrame([r + [None] * (width - len(r)) for r in rows], dtype=object)
    frame.index = pd.RangeIndex(1, len(rows) + 1)
    return frame


def mapping(labels: list[str]) -> dict[str, str]:
    """{header as written: canonical column} that find_header gives for a list sheet."""
    title = [["UBND XÃ SƠN KIM 1"], ["DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2024"], []]
    header = find_header(grid([*title, labels, [1, "Nguyễn Văn A"]]), ("households",))
    assert header is not None and header.first_row == 4
    return {header.labels[pos]: col for pos, col in header.columns.items()}


def test_office_header__every_column_mapped():
    got = mapping([h for h, _ in OFFICE_HEADER])
    assert got == dict(OFFICE_HEADER)


@pytest.mark.parametrize(
    ("text", "column", "how"),
    [
        ("Thu nhập bình quân đầu người (đồng/tháng)", "income_pc_vnd", HOW_QUALIFIER),
        ("Số nhân khẩu (người)", "n_members", HOW_QUALIFIER),
        ("3. Dinh dưỡng", "dep_nutrition", HOW_QUALIFIER),
        ("Nguồn nước SH", "dep_water", HOW_ABBREVIATION),
        ("Nhân khẩu số", "n_members", "cùng từ"),
        ("Phương tiện phục vụ tiếp cận thông tn", "dep_information", HOW_FUZZY),
    ],
)
def test_match__step_that_decides_is_reported(text, column, how):
    found = header_index("households").match(text)
    assert found is not None and (found.column, found.how) == (column, how)


@pytest.mark.parametrize("text", ["Năm sinh", "Ghi chú", "Số điện thoại", "Loại", "Nghề nghiệp"])
def test_match__unrelated_or_too_short_headers_are_not_guessed(text):
    assert header_index("households").match(text) is None


def _vary(text: str, case: str, space: str, form: str) -> str:
    text = {"upper": text.upper(), "lower": text.lower(), "title": text.title(), "keep": text}[case]
    text = text.replace(" ", space)
    return unicodedata.normalize(form, text)


@settings(max_examples=60)
@given(
    order=st.permutations(list(range(len(OFFICE_HEADER)))),
    case=st.sampled_from(["upper", "lower", "title", "keep"]),
    space=st.sampled_from([" ", "  ", "\u00a0", "\n", " \n "]),
    form=st.sampled_from(["NFC", "NFD"]),
)
def test_mapping__same_for_any_order_case_spacing_and_accent_form(order, case, space, form):
    written = [_vary(OFFICE_HEADER[i][0], case, space, form) for i in order]
    got = mapping(written)
    expected = {w: OFFICE_HEADER[i][1] for w, i in zip(written, order, strict=True)}
    # labels are shown as written (stripped); compare column by column
    assert sorted(got.values()) == sorted(expected.values())
    for label, col in got.items():
        i = next(i for i in order if _vary(OFFICE_HEADER[i][0], case, space, form).strip() == label)
        assert col == OFFICE_HEADER[i][1]


@pytest.mark.parametrize(("old", "new"), [("Hoà", "Hòa"), ("Thuỷ", "Thủy")])
def test_match__tone_placement_does_not_matter(old, new):
    index = header_index("households")
    assert index.match(f"Nhà tiêu hợp vệ sinh {old}") == index.match(f"Nhà tiêu hợp vệ sinh {new}")


def test_two_row_header__parent_and_child_combined():
    rows = [
        ["UBND XÃ SƠN KIM 1"],
        ["TT", "Số NK", "Các chỉ số thiếu hụt", "Các chỉ số thiếu hụt", "Kết quả rà soát",
         "Kết quả rà soát"],
        ["TT", "Số NK", "BHYT", "Nước SH", "Hộ nghèo", "Hộ cận nghèo"],
        [1, 3, "x", None, "x", None],
    ]  # fmt: skip
    header = find_header(grid(rows), ("households",))
    assert header.height == 2
    assert list(header.columns.values()) == ["_skip", "n_members", "dep_health_insurance",
                                             "dep_water", "_status_poor", "_status_near_poor"]  # fmt: skip


def test_two_columns_with_one_meaning_are_listed_as_duplicates():
    rows = [["TT", "Số nhân khẩu", "Số NK", "Phân loại hộ", "Việc làm"], [1, 3, 3, "HN", "x"]]
    header = find_header(grid(rows), ("households",))
    assert header.duplicates == [("Số nhân khẩu", "Số NK")]
