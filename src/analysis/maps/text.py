"""Everything a map reader sees, by key, and number formats.

The texts are Vietnamese templates; other languages come from the suite's one catalog
(analysis.i18n, data/reference/translations_en.yaml), so a map and a document say the same
thing. Number and date formatting is a small local helper (Vietnamese: 1.234,5 and
dd/mm/yyyy; English 1,234.5); `analysis.vietnamese` owns the general version.
"""

from __future__ import annotations

import math
from datetime import date

TEXT = {
    "vi": {
        "poor_rate": "Tỷ lệ hộ nghèo",
        "near_poor_rate": "Tỷ lệ hộ cận nghèo",
        "multidim_rate": "Tỷ lệ nghèo đa chiều (hộ nghèo và cận nghèo)",
        "change": "Thay đổi tỷ lệ hộ nghèo so với đầu kỳ ({baseline})",
        "status": "Tình hình thực hiện mục tiêu",
        "deprivation": "Tỷ lệ hộ nghèo thiếu hụt theo 12 chỉ số",
        "budget": "Kinh phí bình quân mỗi hộ nghèo",
        "relapse_rate": "Tỷ lệ tái nghèo sau một năm của hộ thoát nghèo",
        "by_commune": "theo xã",
        "year": "năm {year}",
        "source": "Nguồn: kết quả rà soát hộ nghèo, hộ cận nghèo năm {year}",
        "budget_source": "Nguồn: phương án phân bổ kinh phí năm {year}",
        "area_2024": "{type} {name}, tỉnh {province}",
        "area_2025": "Các xã thuộc {type_lower} {name} cũ, tỉnh {province} (từ 01/07/2025)",
        "reaggregated": "Số liệu năm {years} của các đơn vị cũ được cộng dồn theo xã mới.",
        "and": "và",
        "page": "(trang {page}/{pages})",
        "class_rule": "Giá trị làm tròn {precision} như ghi trên bản đồ; mỗi lớp gồm cả hai số ở nhãn.",
        "precision_0": "đến hàng đơn vị",
        "precision_1": "đến 1 chữ số thập phân",
        "precision_2": "đến 2 chữ số thập phân",
        "no_data": "Thiếu số liệu",
        "made_on": "Ngày lập: {date}",
        "synthetic": "DỮ LIỆU MÔ PHỎNG",
        "synthetic_note": "Dữ liệu mô phỏng, không phải số liệu thực của địa phương.",
        "boundary": "Ranh giới: {source}",
        "north": "B",
        "pct": "%",
        "pp": "điểm %",
        "legend_change": "Thay đổi (điểm phần trăm)",
        "legend_budget": "Triệu đồng/hộ nghèo",
        "disbursement": "Tỷ lệ giải ngân vốn chương trình",
        "disbursement_source": "Nguồn: bảng giải ngân năm {year}",
        "legend_disbursement": "Đã giải ngân/được giao (%)",
        "legend_status": "Tình trạng",
        "legend_deprivation": "Tỷ lệ hộ nghèo thiếu hụt (%)",
        "no_polygon": "Không có ranh giới, không hiện trên bản đồ: {names}.",
        "skipped_change": "Không vẽ bản đồ thay đổi: thiếu số liệu năm đầu kỳ {baseline}.",
        "skipped_status": "Không vẽ bản đồ mục tiêu: tình trạng theo đơn vị kỳ {src} không gộp được sang kỳ {dst}.",
        # the verdict labels of analysis.targets.verdicts.VERDICT_LABELS_VI
        "met": "Đạt",
        "on_track": "Đúng tiến độ",
        "at_risk": "Có nguy cơ",
        "off_track": "Chậm tiến độ",
        "not_met": "Không đạt",
        "pack_title": "Bộ bản đồ năm {year}",
    },
}


def tr(key: str, lang: str = "vi", **values: object) -> str:
    """The text for `key` in `lang` (the catalog's translation of its Vietnamese template;
    Vietnamese when missing), formatted with `values`."""
    from analysis.i18n import LANGUAGES, t

    return t(TEXT["vi"][key], lang=lang if lang in LANGUAGES else "vi", **values)


def fmt_number(x: float, decimals: int = 1, lang: str = "vi", signed: bool = False) -> str:
    """1234.5 -> '1.234,5' (vi) or '1,234.5' (en); minus as U+2212; '+' when signed."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    x = rounded(x, decimals)
    text = f"{abs(x):,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    sign = "\u2212" if x < 0 else ("+" if signed and x > 0 else "")
    return sign + text


def rounded(x: float, decimals: int) -> float:
    """`x` as it is written with `decimals` decimals (the value a class is chosen by)."""
    return round(float(x), decimals) + 0.0  # + 0.0 drops the sign of -0.0


def fmt_years(years, lang: str = "vi") -> str:
    """[2021, 2024] -> '2021 và 2024'; [2024] -> '2024'."""
    ys = [str(y) for y in sorted(set(years))]
    return ys[0] if len(ys) == 1 else f"{', '.join(ys[:-1])} {tr('and', lang)} {ys[-1]}"


def class_rule(decimals: int, lang: str = "vi") -> str:
    """The sentence that says how a value falls into a class (legend note)."""
    return tr("class_rule", lang, precision=tr(f"precision_{min(decimals, 2)}", lang))


def fmt_range(lo: float, hi: float, unit: str = "", decimals: int = 1, lang: str = "vi") -> str:
    """'2,5 – 5,0 %' (both ends included); a class holding one value is shown as that
    value ('4,3 %')."""
    low, high = fmt_number(lo, decimals, lang), fmt_number(hi, decimals, lang)
    text = low if low == high else f"{low} – {high}"
    return f"{text} {unit}".rstrip()


def fmt_date(day: date, lang: str = "vi") -> str:
    return day.strftime("%d/%m/%Y")
