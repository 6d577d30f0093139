"""Canonical columns, defined once.

Each column has its description, unit, dtype and allowed values here; the ingest
validation and the data dictionary (docs/DATA_DICTIONARY.md, `python -m analysis
dictionary`) are both generated from these definitions. Names carry meaning:
`_code`, `_name`, `_id`, `_vnd`, `_rate` (a fraction in [0, 1]), `is_…`, `n_…`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The 12 indicators of Decree 07/2021/NĐ-CP, in official order: (column, dimension, Vietnamese label).
DEPRIVATIONS: tuple[tuple[str, str, str], ...] = (
    ("dep_employment", "employment", "Việc làm"),
    ("dep_dependants", "employment", "Người phụ thuộc trong hộ gia đình"),
    ("dep_nutrition", "health", "Dinh dưỡng"),
    ("dep_health_insurance", "health", "Bảo hiểm y tế"),
    ("dep_adult_education", "education", "Trình độ giáo dục của người lớn"),
    ("dep_child_schooling", "education", "Tình trạng đi học của trẻ em"),
    ("dep_housing_quality", "housing", "Chất lượng nhà ở"),
    ("dep_housing_area", "housing", "Diện tích nhà ở bình quân đầu người"),
    ("dep_water", "water_sanitation", "Nguồn nước sinh hoạt"),
    ("dep_latrine", "water_sanitation", "Nhà tiêu hợp vệ sinh"),
    ("dep_telecom", "information", "Sử dụng dịch vụ viễn thông"),
    ("dep_information", "information", "Phương tiện phục vụ tiếp cận thông tin"),
)
DEPRIVATION_COLUMNS: tuple[str, ...] = tuple(c for c, _, _ in DEPRIVATIONS)

DIMENSION_LABELS_VI = {
    "employment": "Việc làm",
    "health": "Y tế",
    "education": "Giáo dục",
    "housing": "Nhà ở",
    "water_sanitation": "Nước sinh hoạt và vệ sinh",
    "information": "Thông tin",
}

# Household status in a review. `not_poor` = listed as leaving the poor/near-poor lists.
STATUSES = ("poor", "near_poor", "avg_living", "not_poor")
STATUS_LABELS_VI = {
    "poor": "Hộ nghèo",
    "near_poor": "Hộ cận nghèo",
    "avg_living": "Hộ có mức sống trung bình",
    "not_poor": "Hộ thoát nghèo, thoát cận nghèo",
}


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # pandas dtype name of the canonical table
    description: str
    label_vi: str  # the header offices use; the synthetic lists are written with it
    unit: str = ""
    required: bool = True
    allowed: tuple | None = None
    min: float | None = None
    max: float | None = None
    personal: bool = False  # a person's name or ID: pseudonymised at ingest, never output
    aliases: tuple[str, ...] = field(default_factory=tuple)


HOUSEHOLD_COLUMNS: tuple[Column, ...] = (
    Column(
        "year",
        "int16",
        "Review year (the review closing in December of that year)",
        "Năm rà soát",
        "year",
        min=2000,
        max=2100,
    ),
    Column(
        "household_id", "string", "Household code in the review list, stable across years", "Mã hộ"
    ),
    Column(
        "commune_code", "string", "GSO code of the commune (of the year's unit vintage)", "Mã xã"
    ),
    Column(
        "unit_vintage",
        "int16",
        "Vintage of the administrative units the code refers to",
        "Kỳ đơn vị hành chính",
        "year",
    ),
    Column(
        "village",
        "string",
        "Village or residential group (thôn, xóm, tổ dân phố)",
        "Thôn/Xóm",
        required=False,
    ),
    Column("is_urban", "bool", "Household lives in an urban area (thành thị)", "Khu vực"),
    Column(
        "n_members",
        "int16",
        "Number of household members",
        "Số nhân khẩu",
        "persons",
        min=1,
        max=40,
    ),
    Column(
        "income_pc_vnd",
        "float64",
        "Average income per person per month",
        "Thu nhập bình quân đầu người/tháng",
        "VND",
        required=False,
        min=0,
    ),
    Column(
        "income_score",
        "float64",
        "Income score A of the review form (Circular 07/2021)",
        "Điểm A (thu nhập)",
        "points",
        required=False,
        min=0,
    ),
    *(
        Column(col, "bool", f"Deprived in indicator {i}: {label} (dimension {dim})", label)
        for i, (col, dim, label) in enumerate(DEPRIVATIONS, start=1)
    ),
    Column(
        "n_deprivations",
        "Int8",
        "Number of indicators the household is deprived in: as the list gives it when it "
        "gives no per-indicator columns, else counted from them",
        "Số chỉ số thiếu hụt",
        "indicators",
        required=False,
        min=0,
        max=12,
        aliases=(
            "Tổng số chỉ số thiếu hụt",
            "Số chỉ số thiếu hụt dịch vụ xã hội cơ bản",
            "Số chỉ số thiếu hụt DVXHCB",
            "Số thiếu hụt",
        ),
    ),
    Column(
        "has_indicator_flags",
        "bool",
        "The list gives the 12 indicators one by one (False: only their number)",
        "Có ghi từng chỉ số thiếu hụt",
        required=False,
    ),
    Column(
        "reported_status",
        "string",
        "Status recorded by the review",
        "Phân loại hộ",
        allowed=STATUSES,
    ),
    Column(
        "is_social_protection",
        "bool",
        "Social-protection beneficiary household with no working capacity",
        "Hộ BTXH không có khả năng lao động",
        required=False,
    ),
    Column(
        "is_ethnic_minority",
        "bool",
        "Household head belongs to an ethnic minority",
        "Dân tộc thiểu số",
        required=False,
    ),
    Column(
        "ethnic_group",
        "string",
        "Ethnic group of the household head, official name (data/reference/ethnic_groups.csv)",
        "Dân tộc",
        required=False,
        aliases=("Dân tộc chủ hộ", "Thành phần dân tộc", "Tên dân tộc"),
    ),
    Column(
        "is_merit",
        "bool",
        "Household of a person of merit (người có công)",
        "Hộ người có công",
        required=False,
    ),
    Column("is_female_head", "bool", "Household head is a woman", "Chủ hộ là nữ", required=False),
    Column(
        "head_name",
        "string",
        "Name of the household head (dropped at ingest)",
        "Họ và tên chủ hộ",
        required=False,
        personal=True,
    ),
    Column(
        "head_id_number",
        "string",
        "ID number of the household head (dropped at ingest)",
        "Số CCCD/CMND",
        required=False,
        personal=True,
    ),
    Column(
        "head_key",
        "string",
        "Keyed pseudonym of the head's ID number, stable across years",
        "Mã ẩn danh chủ hộ",
        required=False,
    ),
)

# Resident households per commune and year: the denominators of every rate.
TOTALS_COLUMNS: tuple[Column, ...] = (
    Column("year", "int16", "Review year", "Năm"),
    Column("commune_code", "string", "GSO code of the commune", "Mã xã"),
    Column("commune_name", "string", "Commune name", "Tên xã", required=False),
    Column("n_households", "int64", "Resident households", "Tổng số hộ", "households", min=1),
    Column(
        "n_persons",
        "int64",
        "Resident persons",
        "Tổng số nhân khẩu",
        "persons",
        required=False,
        min=1,
    ),
)

# Commune x year indicator table: the hand-off from measures to maps, targets, allocation.
INDICATOR_COLUMNS: tuple[Column, ...] = (
    Column("year", "int16", "Review year", "Năm"),
    Column("unit_vintage", "int16", "Vintage of the unit codes", "Kỳ đơn vị hành chính"),
    Column("commune_code", "string", "GSO code of the commune", "Mã xã"),
    Column("commune_name", "string", "Commune name", "Tên xã"),
    Column("n_households", "int64", "Resident households", "Tổng số hộ", "households"),
    Column(
        "n_persons", "Int64", "Resident persons", "Tổng số nhân khẩu", "persons", required=False
    ),
    Column("n_poor", "int64", "Poor households", "Số hộ nghèo", "households"),
    Column("n_near_poor", "int64", "Near-poor households", "Số hộ cận nghèo", "households"),
    Column(
        "poor_rate",
        "float64",
        "Poor households / resident households",
        "Tỷ lệ hộ nghèo",
        "fraction",
        min=0,
        max=1,
    ),
    Column(
        "near_poor_rate",
        "float64",
        "Near-poor households / resident households",
        "Tỷ lệ hộ cận nghèo",
        "fraction",
        min=0,
        max=1,
    ),
    Column(
        "multidim_rate",
        "float64",
        "(Poor + near-poor) / resident households (MOLISA's 'tỷ lệ nghèo đa chiều')",
        "Tỷ lệ nghèo đa chiều",
        "fraction",
        min=0,
        max=1,
    ),
)


def columns_by_name(columns: tuple[Column, ...]) -> dict[str, Column]:
    return {c.name: c for c in columns}


PERSONAL_COLUMNS = tuple(c.name for c in HOUSEHOLD_COLUMNS if c.personal)


def data_dictionary_markdown() -> str:
    """The data dictionary, generated from the definitions above."""
    parts = [
        "# Data dictionary\n",
        "Generated from `src/analysis/schema.py`; do not edit by hand.\n",
    ]
    for title, cols in (
        ("Household table (one row per household per review year)", HOUSEHOLD_COLUMNS),
        ("Resident totals (one row per commune per year)", TOTALS_COLUMNS),
        ("Commune indicators (one row per commune per year)", INDICATOR_COLUMNS),
    ):
        parts.append(
            f"\n## {title}\n\n| column | type | unit | required | Vietnamese header | description | allowed |\n|---|---|---|---|---|---|---|"
        )
        for c in cols:
            allowed = ", ".join(map(str, c.allowed)) if c.allowed else ""
            if c.min is not None or c.max is not None:
                allowed = (
                    allowed + " " if allowed else ""
                ) + f"[{c.min if c.min is not None else ''}, {c.max if c.max is not None else ''}]"
            parts.append(
                f"| `{c.name}` | {c.dtype} | {c.unit} | {'yes' if c.required else 'no'} | {c.label_vi} | {c.description}{' (personal: never output)' if c.personal else ''} | {allowed} |"
            )
    return "\n".join(parts) + "\n"


# Dynamics of the poor and near-poor lists between two reviews (DOMAIN.md §3): the same
# columns whether they come from the household panel (measures) or from summary tables
# (ingest). Identity per commune: start - sum(out_*) + sum(in_*) = end.
def _dynamics(group: str, other: str) -> tuple[str, ...]:
    return (
        f"n_{group}_start",
        f"n_{group}_out_{other}",  # moved to the other list
        f"n_{group}_out_above",  # left both lists (above the near-poor line)
        f"n_{group}_out_other",  # died, moved away, merged households...
        f"n_{group}_in_from_{other}",
        f"n_{group}_in_relapsed",  # had left both lists earlier, back ("tái nghèo")
        f"n_{group}_in_new",  # never listed before ("phát sinh mới")
        f"n_{group}_in_other",
        f"n_{group}_end",
    )


POOR_DYNAMICS = _dynamics("poor", "near_poor")
NEAR_POOR_DYNAMICS = _dynamics("near_poor", "poor")
DYNAMICS_COLUMNS = POOR_DYNAMICS + NEAR_POOR_DYNAMICS


# Vietnamese headers of the dynamics columns, as in the district's summary tables
# ("Biến động hộ nghèo"/"Biến động hộ cận nghèo"): group header (row 1) and column header (row 2).
def _dynamics_labels(
    group: str, other: str, other_vi: str, self_vi: str
) -> dict[str, tuple[str, str]]:
    cols = _dynamics(group, other)
    labels = (
        ("", f"Số hộ {self_vi} đầu kỳ"),
        ("Giảm", f"Chuyển sang hộ {other_vi}"),
        ("Giảm", "Thoát khỏi chuẩn cận nghèo"),
        ("Giảm", "Giảm khác"),
        ("Tăng", f"Từ hộ {other_vi} chuyển sang"),
        ("Tăng", f"Tái {self_vi}"),
        ("Tăng", "Phát sinh mới"),
        ("Tăng", "Tăng khác"),
        ("", f"Số hộ {self_vi} cuối kỳ"),
    )
    return dict(zip(cols, labels, strict=True))


DYNAMICS_LABELS_VI = {
    **_dynamics_labels("poor", "near_poor", "cận nghèo", "nghèo"),
    **_dynamics_labels("near_poor", "poor", "nghèo", "cận nghèo"),
}


# Aggregate dynamics as many offices' result tables carry them, one column each beside the
# counts ("Số hộ thoát nghèo", "Số hộ tái nghèo", "Số hộ nghèo phát sinh mới", ...) instead
# of the full "Biến động" sheets: column -> (Vietnamese header, other spellings).
# analysis.ingest.summary.complete_dynamics turns them into DYNAMICS_COLUMNS.
SUMMARY_FLOW_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "n_poor_exits": ("Số hộ thoát nghèo", ("Thoát nghèo", "Hộ thoát nghèo", "Số hộ nghèo giảm")),
    "n_poor_relapsed": ("Số hộ tái nghèo", ("Tái nghèo", "Hộ tái nghèo")),
    "n_poor_new": (
        "Số hộ nghèo phát sinh mới",
        (
            "Số hộ nghèo phát sinh",
            "Hộ nghèo phát sinh mới",
            "Phát sinh nghèo",
            "Nghèo phát sinh mới",
        ),
    ),
    "n_poor_from_near_poor": (
        "Số hộ cận nghèo chuyển thành hộ nghèo",
        ("Cận nghèo rơi xuống nghèo", "Từ cận nghèo chuyển sang nghèo"),
    ),
    "n_near_poor_exits": ("Số hộ thoát cận nghèo", ("Thoát cận nghèo", "Hộ thoát cận nghèo")),
    "n_near_poor_relapsed": ("Số hộ tái cận nghèo", ("Tái cận nghèo", "Hộ tái cận nghèo")),
    "n_near_poor_new": (
        "Số hộ cận nghèo phát sinh mới",
        ("Số hộ cận nghèo phát sinh", "Hộ cận nghèo phát sinh mới", "Phát sinh cận nghèo"),
    ),
    "n_near_poor_from_poor": (
        "Số hộ nghèo chuyển thành hộ cận nghèo",
        ("Nghèo chuyển sang cận nghèo", "Từ nghèo chuyển sang cận nghèo"),
    ),
}
