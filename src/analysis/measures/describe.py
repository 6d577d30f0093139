"""One-sentence readings of the measures, generated from the numbers, in the run's language
(analysis.i18n: Vietnamese templates, English catalog).

Each function takes a table produced by this package and returns a sentence for the
notebook or the briefing; no number in a sentence is typed by hand.
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from analysis.i18n import t
from analysis.schema import STATUS_LABELS_VI
from analysis.vietnamese import format_number, format_pct


def _row(table: pd.DataFrame, year: int) -> pd.Series:
    rows = table.loc[table["year"] == year]
    if rows.empty:
        raise ValueError(f"no row for year {year}")
    return rows.iloc[0]


def describe_district(district: pd.DataFrame, year: int) -> str:
    """Counts and rates of one year, with the change from the previous year when known."""
    r = _row(district, year)
    text = t(
        "Năm {year}, toàn huyện có {n_poor} hộ nghèo ({poor_rate}) và {n_near_poor} hộ cận nghèo "
        "({near_poor_rate}) trên {n_households} hộ dân cư; tỷ lệ nghèo đa chiều (hộ nghèo và cận "
        "nghèo trên tổng số hộ dân cư) {multidim_rate}",
        year=year,
        n_poor=format_number(r["n_poor"]),
        poor_rate=format_pct(r["poor_rate"], 2),
        n_near_poor=format_number(r["n_near_poor"]),
        near_poor_rate=format_pct(r["near_poor_rate"], 2),
        n_households=format_number(r["n_households"]),
        multidim_rate=format_pct(r["multidim_rate"], 2),
    )
    if (district["year"] == year - 1).any():
        change = r["poor_rate"] - _row(district, year - 1)["poor_rate"]
        template = (
            ", tỷ lệ hộ nghèo giảm {points} điểm phần trăm so với năm {year}"
            if change < 0
            else ", tỷ lệ hộ nghèo tăng {points} điểm phần trăm so với năm {year}"
        )
        text += t(template, points=format_number(100 * abs(change), 2), year=year - 1)
    return text + "."


def describe_communes(indicators: pd.DataFrame, year: int, threshold: float = 0.10) -> str:
    """Highest and lowest commune multidimensional rate and how many exceed `threshold`."""
    rows = indicators.loc[indicators["year"] == year].sort_values("multidim_rate")
    rows = rows[rows["multidim_rate"].notna()]  # communes "thiếu số liệu" are not ranked
    low, high = rows.iloc[0], rows.iloc[-1]
    above = int((rows["multidim_rate"] > threshold).sum())
    return t(
        "Năm {year}, tỷ lệ nghèo đa chiều cao nhất ở {highest} ({high_rate}), thấp nhất ở "
        "{lowest} ({low_rate}); {above}/{n} xã trên {threshold}.",
        year=year,
        highest=high["commune_name"],
        high_rate=format_pct(high["multidim_rate"], 2),
        lowest=low["commune_name"],
        low_rate=format_pct(low["multidim_rate"], 2),
        above=above,
        n=len(rows),
        threshold=format_pct(threshold, 0),
    )


def describe_flows(district: pd.DataFrame, year: int, broken_years: Collection[int] = ()) -> str:
    """Exits from and entries into the poor list during the year.

    `broken_years`: years whose households cannot be linked to the previous review's
    (`ingest.key_breaks`); their flows are said to be not computable, and why.
    """
    if year in {int(y) for y in broken_years}:
        return flows_not_linkable(year)
    r = _row(district, year)
    if pd.isna(r["n_poor_start"]):
        return t(
            "Năm {year} là kỳ rà soát đầu tiên trong dữ liệu: chưa có biến động so với năm trước.",
            year=year,
        )
    n = {k: int(r[k]) if pd.notna(r[k]) else 0 for k in FLOW_COLUMNS}
    out = n["n_poor_out_above"] + n["n_poor_out_near_poor"] + n["n_poor_out_other"]
    new_in = n["n_poor_in_new"] + n["n_poor_in_relapsed"] + n["n_poor_in_from_near_poor"]
    new_in += n["n_poor_in_other"]
    start, end = int(r["n_poor_start"]), int(r["n_poor_end"])
    f = format_number
    text = t(
        "Trong năm {year}, danh sách hộ nghèo giảm {out} hộ ({out_above} thoát nghèo, "
        "{out_near_poor} chuyển sang cận nghèo, {out_other} giảm khác) và tăng {into} hộ "
        "({in_new} phát sinh mới, {in_relapsed} tái nghèo, {in_near_poor} từ cận nghèo, "
        "{in_other} tăng khác): {start} − {out} + {into} = {end} hộ nghèo",
        year=year,
        out=f(out),
        out_above=f(n["n_poor_out_above"]),
        out_near_poor=f(n["n_poor_out_near_poor"]),
        out_other=f(n["n_poor_out_other"]),
        into=f(new_in),
        in_new=f(n["n_poor_in_new"]),
        in_relapsed=f(n["n_poor_in_relapsed"]),
        in_near_poor=f(n["n_poor_in_from_near_poor"]),
        in_other=f(n["n_poor_in_other"]),
        start=f(start),
        end=f(start - out + new_in),
    )
    if start - out + new_in != end:
        text += t(
            ", lệch {gap} hộ so với {end} hộ cuối kỳ",
            gap=f(abs(start - out + new_in - end)),
            end=f(end),
        )
    return text + "."


FLOW_COLUMNS = (
    "n_poor_out_above", "n_poor_out_near_poor", "n_poor_out_other",
    "n_poor_in_new", "n_poor_in_relapsed", "n_poor_in_from_near_poor", "n_poor_in_other",
)  # fmt: skip


def flows_not_linkable(year: int) -> str:
    """Why the flows into `year` are not computed when the pseudonym key changed."""
    return t(
        "Biến động hộ nghèo, cận nghèo năm {year} không tính được: danh sách hộ năm {previous} "
        "và năm {year} được ẩn danh bằng hai khóa khác nhau, nên không nối được từng hộ giữa "
        "hai năm (nếu tính, mọi hộ sẽ hiện như vừa ra khỏi danh sách và vừa mới vào). Chạy "
        "lại với cùng một khóa ẩn danh cho cả hai năm để có biến động.",
        year=year,
        previous=year - 1,
    )


def describe_flow_check(breaks: pd.DataFrame) -> str:
    if breaks.empty:
        return t("Biến động khớp ở mọi xã và mọi năm: đầu kỳ − giảm + tăng = cuối kỳ.")
    first = breaks.iloc[0]
    return t(
        "Có {n} dòng biến động không khớp (đầu kỳ − giảm + tăng ≠ cuối kỳ), ví dụ xã {code} năm "
        "{year}, lệch {gap} hộ.",
        n=len(breaks),
        code=first["commune_code"],
        year=first["year"],
        gap=format_number(first["gap"]),
    )


def describe_deprivation(headcounts: pd.DataFrame, population: str = "poor") -> str:
    """The two indicators in which most households of `population` are deprived."""
    sub = headcounts[
        (headcounts["population"] == population) & (headcounts["level"] == "indicator")
    ]
    top = sub.groupby("label_vi", sort=False)[["n_deprived", "n_units"]].sum()
    top = (top["n_deprived"] / top["n_units"]).sort_values(ascending=False)
    who = {"poor_near_poor": "Hộ nghèo và cận nghèo"}.get(
        population, STATUS_LABELS_VI.get(population, "Các hộ")
    )
    return t(
        "{who} thiếu hụt nhiều nhất ở chỉ số {first} ({first_rate}), tiếp theo là {second} "
        "({second_rate}).",
        who=t(who),
        first=t(top.index[0]).lower(),
        first_rate=format_pct(top.iloc[0], 2),
        second=t(top.index[1]).lower(),
        second_rate=format_pct(top.iloc[1], 2),
    )


AF_NAME_VI = "chỉ số nghèo đa chiều Alkire–Foster (M0) của các hộ trong danh sách rà soát"
AF_TREND_CAVEAT_VI = (
    "Đây không phải tỷ lệ nghèo đa chiều chính thức (hộ nghèo và cận nghèo trên tổng số hộ dân "
    "cư): chỉ số chỉ tính trên các hộ có trong danh sách rà soát, danh sách này thu hẹp dần khi "
    "hộ thoát nghèo ra khỏi danh sách, nên xu hướng của chỉ số qua các năm không phải là xu "
    "hướng nghèo."
)


def describe_alkire_foster(summary: pd.DataFrame, year: int, population_vi: str) -> str:
    """The Alkire–Foster results named as such, with their population and why their trend
    is not a poverty trend (for the analysts' annex)."""
    r = _row(summary, year)
    return t(
        "Năm {year}, {name} ({n} {population}): với ngưỡng k = {k} thiếu hụt, {H} số hộ này "
        "thiếu hụt từ k chỉ số trở lên (H); mỗi hộ đó thiếu hụt trung bình {A} tổng trọng số "
        "(A); M0 = H × A = {M0}. {caveat}",
        year=year,
        name=t(AF_NAME_VI),
        n=format_number(int(r["n"])),
        population=t(population_vi),
        k=int(r["k"]),
        H=format_pct(r["H"], 2),
        A=format_pct(r["A"], 2),
        M0=format_number(r["M0"], 4),
        caveat=t(AF_TREND_CAVEAT_VI),
    )


def describe_contributions(dimensions: pd.DataFrame, year: int, labels: dict[str, str]) -> str:
    rows = dimensions.loc[dimensions["year"] == year].sort_values(
        "contribution_pct", ascending=False
    )
    first, second = rows.iloc[0], rows.iloc[1]
    return t(
        "Chiều {first} đóng góp nhiều nhất vào M0 ({first_share}), tiếp theo là {second} "
        "({second_share}).",
        first=t(labels.get(first["dimension"], first["dimension"])).lower(),
        first_share=format_pct(first["contribution_pct"], 2),
        second=t(labels.get(second["dimension"], second["dimension"])).lower(),
        second_share=format_pct(second["contribution_pct"], 2),
    )


def describe_decomposition(parts: pd.DataFrame, year: int, names: dict[str, str]) -> str:
    rows = parts.loc[parts["year"] == year].sort_values("contribution_pct", ascending=False)
    top = rows.iloc[0]
    name = names.get(top["commune_code"], top["commune_code"])
    return t(
        "{commune} đóng góp nhiều nhất vào M0 toàn huyện ({share}) trong khi chiếm "
        "{population_share} số hộ.",
        commune=name,
        share=format_pct(top["contribution_pct"], 2),
        population_share=format_pct(top["population_share"], 2),
    )


def describe_robustness(table: pd.DataFrame, year: int) -> str:
    rows = table.loc[table["year"] == year].sort_values("k")
    lo, hi = rows.iloc[0], rows.iloc[-1]
    return t(
        "Khi ngưỡng k tăng từ {k_low} lên {k_high} thiếu hụt, tỷ lệ H giảm từ {H_low} xuống "
        "{H_high} và M0 từ {M0_low} xuống {M0_high}.",
        k_low=int(lo["k"]),
        k_high=int(hi["k"]),
        H_low=format_pct(lo["H"], 2),
        H_high=format_pct(hi["H"], 2),
        M0_low=format_number(lo["M0"], 4),
        M0_high=format_number(hi["M0"], 4),
    )


def describe_change(
    change: pd.DataFrame, measure: str, label_vi: str, as_percent: bool = False
) -> str:
    """A measure's change between two years (table of `change_over_time`)."""
    r = change.loc[change["measure"] == measure].iloc[0]
    value = (lambda v: format_pct(v, 2)) if as_percent else (lambda v: format_number(v, 4))
    template = (
        "Từ năm {year_from} đến năm {year_to}, {measure} giảm từ {value_from} xuống {value_to} "
        "({change}; bình quân {annual} mỗi năm)."
        if r["abs_change"] < 0
        else "Từ năm {year_from} đến năm {year_to}, {measure} tăng từ {value_from} lên {value_to} "
        "({change}; bình quân {annual} mỗi năm)."
    )
    return t(
        template,
        year_from=r["year_from"],
        year_to=r["year_to"],
        measure=t(label_vi),
        value_from=value(r["value_from"]),
        value_to=value(r["value_to"]),
        change=format_pct(r["rel_change"], 2),
        annual=format_pct(r["annual_rel_change"], 2),
    )


def describe_groups(groups: pd.DataFrame, year: int) -> str:
    rows = groups.loc[(groups["year"] == year) & groups["value"].astype(bool)]
    top = rows.sort_values("share_of_poor", ascending=False).iloc[0]
    return t(
        "Năm {year}, trong các nhóm đối tượng, {group} chiếm tỷ trọng lớn nhất trong hộ nghèo "
        "({share} số hộ nghèo).",
        year=year,
        group=t(top["group_label_vi"]).lower(),
        share=format_pct(top["share_of_poor"], 2),
    )


def describe_audit(audit: pd.DataFrame, n_reviewed: int, year: int) -> str:
    if audit.empty:
        return t(
            "Năm {year}, phân loại của mọi hộ trong danh sách khớp với kết quả tính theo chuẩn.",
            year=year,
        )
    pairs = audit.groupby(["reported_status", "computed_status"]).size().sort_values()
    (rep, comp), n = pairs.index[-1], pairs.iloc[-1]
    return t(
        "Năm {year}, {n} hộ ({share} số hộ rà soát) có phân loại khác kết quả tính theo chuẩn; "
        "nhiều nhất là {n_pair} hộ được ghi là {reported} nhưng theo chuẩn là {computed}.",
        year=year,
        n=format_number(len(audit)),
        share=format_pct(len(audit) / n_reviewed, 2),
        n_pair=format_number(n),
        reported=t(STATUS_LABELS_VI.get(rep, rep)).lower(),
        computed=t(STATUS_LABELS_VI.get(comp, comp)).lower(),
    )
