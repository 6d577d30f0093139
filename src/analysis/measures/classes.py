"""The four classes of the standard (poor, near-poor, average living, other) and the low-income flag."""

from __future__ import annotations

import pandas as pd

from analysis.schema import STATUS_LABELS_VI
from analysis.standard import DEFAULT_STANDARD, Standard, classify_living_standard, low_income_flag
from analysis.vietnamese import format_number

CLASS_ORDER = ("poor", "near_poor", "avg_living", "not_poor")
CLASS_LABELS_VI = {**STATUS_LABELS_VI, "not_poor": "Hộ khác (trên mức sống trung bình)"}


def living_standard_classes(
    households: pd.DataFrame, standard: Standard | str = DEFAULT_STANDARD
) -> pd.DataFrame:
    """Households and persons per computed class, and how many are low-income (Decree 30/2025).

    On list inputs this covers the reviewed households only (poor, near-poor, leaving).
    """
    classes = classify_living_standard(households, standard)
    low = low_income_flag(households, standard).fillna(False).astype(bool)
    frame = pd.DataFrame(
        {"class": classes, "persons": households["n_members"].astype("int64"), "low_income": low}
    )
    out = (
        frame.groupby("class", observed=True)
        .agg(
            n_households=("persons", "size"),
            n_persons=("persons", "sum"),
            n_low_income=("low_income", "sum"),
        )
        .reindex(list(CLASS_ORDER), fill_value=0)
        .reset_index()
    )
    out["class_vi"] = out["class"].map(CLASS_LABELS_VI)
    return out[["class", "class_vi", "n_households", "n_persons", "n_low_income"]].astype(
        {"n_households": "int64", "n_persons": "int64", "n_low_income": "int64"}
    )


# Decree 30/2025/NĐ-CP (low-income workers) was signed on 24/02/2025 and applies from that
# date, so the first review it covers is the 2025 one (reviews are held at the year's end).
LOW_INCOME_FROM_YEAR = 2025
LOW_INCOME_NOTE_VI = (
    "Hộ có thu nhập thấp theo Nghị định 30/2025/NĐ-CP (áp dụng từ ngày 24/02/2025) chỉ được "
    f"tính từ kỳ rà soát năm {LOW_INCOME_FROM_YEAR}."
)


def low_income_applies(year: int) -> bool:
    """Whether Decree 30/2025's low-income count applies to the review of `year`."""
    return int(year) >= LOW_INCOME_FROM_YEAR


def classes_table(classes: pd.DataFrame, year: int) -> pd.DataFrame:
    """The classes for display: the low-income count only for years the decree applies to."""
    out = classes.drop(columns="class")
    return out if low_income_applies(year) else out.drop(columns="n_low_income")


def describe_classes(classes: pd.DataFrame, year: int, whole_population: bool) -> str:
    from analysis.i18n import t

    c = classes.set_index("class")
    scope = t("toàn bộ hộ dân cư") if whole_population else t("các hộ trong danh sách rà soát")
    text = t(
        "Năm {year}, tính theo chuẩn trên {scope}: {n_poor} hộ nghèo, {n_near_poor} hộ cận nghèo, "
        "{n_average} hộ có mức sống trung bình",
        year=year,
        scope=scope,
        n_poor=format_number(c.loc["poor", "n_households"]),
        n_near_poor=format_number(c.loc["near_poor", "n_households"]),
        n_average=format_number(c.loc["avg_living", "n_households"]),
    )
    if not low_income_applies(year):
        return f"{text}. {t(LOW_INCOME_NOTE_VI)}"
    low = format_number(int(c["n_low_income"].sum()))
    return text + t(
        "; {n} hộ có thu nhập thấp theo Nghị định 30/2025/NĐ-CP (áp dụng từ ngày 24/02/2025).",
        n=low,
    )
