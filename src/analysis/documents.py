"""Briefing content: Vietnamese tables and sentences computed from the run's tables.

Every number shown here comes from the tables the run computed; the sentences
are generated from them, never typed by hand. Numbers use the Vietnamese format
(1.234,5; dates dd/mm/yyyy).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from pandas.io.formats.style import Styler

from analysis.config import Config
from analysis.vietnamese import format_number

SYNTHETIC_NOTE = "Dữ liệu mô phỏng, không phải số liệu thật của huyện."


def pct(fraction: float, decimals: int = 2) -> str:
    """0.05123 -> '5,12 %'."""
    if fraction is None or pd.isna(fraction):
        return "–"
    return f"{format_number(100 * fraction, decimals)} %"


def pp(delta_fraction: float, decimals: int = 2) -> str:
    """A change in a rate, in percentage points with a sign: -0.0071 -> '−0,71 điểm %'."""
    if delta_fraction is None or pd.isna(delta_fraction):
        return "–"
    sign = "+" if delta_fraction > 0 else ("−" if delta_fraction < 0 else "")
    return f"{sign}{format_number(abs(100 * delta_fraction), decimals)} điểm %"


def count(n: float) -> str:
    return "–" if n is None or pd.isna(n) else format_number(n, 0)


def briefing_header(config: Config, year: int, today: date | None = None) -> str:
    d = config.district
    lines = [
        f"**{d.type} {d.name}, tỉnh {d.province}** · Kết quả rà soát năm {year}",
        f"Lập ngày {(today or date.today()):%d/%m/%Y} · Chương trình MTQG giảm nghèo bền vững "
        f"{config.periods.baseline_year + 1}–{config.periods.target_year} · Chuẩn nghèo đa chiều theo Nghị định 07/2021/NĐ-CP",
    ]
    if config.data.synthetic:
        lines.append(
            f"> **{SYNTHETIC_NOTE}** Bộ số liệu mẫu dùng để minh họa cách dùng bộ công cụ."
        )
    return "\n\n".join(lines)


def _row(district: pd.DataFrame, year: int) -> pd.Series | None:
    rows = district[district["year"] == year]
    return None if rows.empty else rows.iloc[0]


def briefing_key_figures(district: pd.DataFrame, year: int) -> str:
    """The headline paragraph: this year's rates, the change on last year and since the baseline."""
    now = _row(district, year)
    if now is None:
        return f"Chưa có kết quả rà soát năm {year}."
    text = (
        f"Năm {year}, toàn huyện có **{count(now['n_poor'])} hộ nghèo**, tỷ lệ hộ nghèo **{pct(now['poor_rate'])}**, "
        f"và **{count(now['n_near_poor'])} hộ cận nghèo** ({pct(now['near_poor_rate'])}) trên tổng số "
        f"{count(now['n_households'])} hộ; tỷ lệ nghèo đa chiều (nghèo và cận nghèo) là {pct(now['multidim_rate'])}."
    )
    before = _row(district, year - 1)
    if before is not None:
        text += f" So với năm {year - 1}, tỷ lệ hộ nghèo thay đổi {pp(now['poor_rate'] - before['poor_rate'])}."
    first_year = int(district["year"].min())
    if first_year < year - 1:
        base = _row(district, first_year)
        years = year - first_year
        text += (
            f" So với đầu kỳ ({first_year}), số hộ nghèo còn {pct(now['n_poor'] / base['n_poor'], 1)} "
            f"và tỷ lệ hộ nghèo giảm bình quân {format_number(100 * (base['poor_rate'] - now['poor_rate']) / years, 2)} điểm % mỗi năm."
        )
    return text


def _styled(df: pd.DataFrame, formats: dict, caption: str | None = None) -> Styler:
    styler = df.style.format(formats, na_rep="–").hide(axis="index")
    if caption:
        styler = styler.set_caption(caption)
    return styler.set_table_attributes('class="vn-table"')


def district_trend_table(district: pd.DataFrame) -> Styler:
    df = district[
        [
            "year",
            "n_households",
            "n_poor",
            "poor_rate",
            "n_near_poor",
            "near_poor_rate",
            "multidim_rate",
        ]
    ].copy()
    df["change"] = df["poor_rate"].diff()
    df.columns = [
        "Năm",
        "Tổng số hộ",
        "Hộ nghèo",
        "Tỷ lệ hộ nghèo",
        "Hộ cận nghèo",
        "Tỷ lệ hộ cận nghèo",
        "Tỷ lệ nghèo đa chiều",
        "Thay đổi tỷ lệ hộ nghèo",
    ]
    formats = {
        "Năm": str,
        "Tổng số hộ": count,
        "Hộ nghèo": count,
        "Hộ cận nghèo": count,
        "Tỷ lệ hộ nghèo": pct,
        "Tỷ lệ hộ cận nghèo": pct,
        "Tỷ lệ nghèo đa chiều": pct,
        "Thay đổi tỷ lệ hộ nghèo": pp,
    }
    return _styled(df, formats, "Toàn huyện qua các năm rà soát")


def commune_table(indicators: pd.DataFrame, year: int) -> Styler:
    now = indicators[indicators["year"] == year].set_index("commune_code")
    prev = indicators[indicators["year"] == year - 1].set_index("commune_code")
    df = pd.DataFrame(
        {
            "Mã xã": now.index,
            "Xã": now["commune_name"].to_numpy(),
            "Tổng số hộ": now["n_households"].to_numpy(),
            "Hộ nghèo": now["n_poor"].to_numpy(),
            "Tỷ lệ hộ nghèo": now["poor_rate"].to_numpy(),
            "Hộ cận nghèo": now["n_near_poor"].to_numpy(),
            "Tỷ lệ hộ cận nghèo": now["near_poor_rate"].to_numpy(),
            "Thay đổi so với năm trước": (
                now["poor_rate"] - prev["poor_rate"].reindex(now.index)
            ).to_numpy(),
        }
    ).sort_values("Tỷ lệ hộ nghèo", ascending=False)
    formats = {
        "Tổng số hộ": count,
        "Hộ nghèo": count,
        "Hộ cận nghèo": count,
        "Tỷ lệ hộ nghèo": pct,
        "Tỷ lệ hộ cận nghèo": pct,
        "Thay đổi so với năm trước": pp,
    }
    return _styled(df, formats, f"Các xã năm {year}, xếp theo tỷ lệ hộ nghèo")


def allocation_table_vi(result: pd.DataFrame) -> Styler:
    df = pd.DataFrame(
        {
            "Mã xã": result["commune_code"],
            "Xã": result["commune_name"],
            "Hộ nghèo": result["n_poor"],
            "Tỷ trọng": result["share"],
            "Phân bổ (triệu đồng)": result["amount_million_vnd"],
            "Triệu đồng/hộ nghèo": result["million_vnd_per_poor_household"],
        }
    ).sort_values("Phân bổ (triệu đồng)", ascending=False)
    formats = {
        "Hộ nghèo": count,
        "Tỷ trọng": lambda x: pct(x, 1),
        "Phân bổ (triệu đồng)": count,
        "Triệu đồng/hộ nghèo": lambda x: "–" if pd.isna(x) else format_number(x, 1),
    }
    return _styled(df, formats, "Phân bổ ngân sách theo xã (triệu đồng)")


def briefing_allocation(result: pd.DataFrame, config: Config) -> str:
    rules = config.allocation
    top = result.sort_values("amount_million_vnd", ascending=False).head(3)
    names = ", ".join(
        f"{r.commune_name} ({count(r.amount_million_vnd)} triệu đồng)" for r in top.itertuples()
    )
    text = (
        f"## Phân bổ ngân sách\n\nTổng nguồn {count(rules.total_million_vnd)} triệu đồng được chia theo "
        f"{len(rules.criteria)} tiêu chí; ba xã nhận nhiều nhất: {names}. Tổng các xã bằng đúng tổng nguồn "
        f"({count(result['amount_million_vnd'].sum())} triệu đồng)."
    )
    if rules.illustrative:
        text += " *Trọng số tiêu chí chỉ mang tính minh họa, chưa theo hệ số của Quyết định 02/2022/QĐ-TTg.*"
    return text
