"""One-sentence Vietnamese readings of the measures, generated from the numbers.

Each function takes a table produced by this package and returns a sentence for the
notebook or the briefing; no number in a sentence is typed by hand.
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

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
    text = (
        f"Năm {year}, toàn huyện có {format_number(r['n_poor'])} hộ nghèo ({format_pct(r['poor_rate'], 2)}) "
        f"và {format_number(r['n_near_poor'])} hộ cận nghèo ({format_pct(r['near_poor_rate'], 2)}) trên "
        f"{format_number(r['n_households'])} hộ dân cư; tỷ lệ nghèo đa chiều (hộ nghèo và cận nghèo "
        f"trên tổng số hộ dân cư) {format_pct(r['multidim_rate'], 2)}"
    )
    if (district["year"] == year - 1).any():
        change = r["poor_rate"] - _row(district, year - 1)["poor_rate"]
        verb = "giảm" if change < 0 else "tăng"
        text += f", tỷ lệ hộ nghèo {verb} {format_number(100 * abs(change), 2)} điểm phần trăm so với năm {year - 1}"
    return text + "."


def describe_communes(indicators: pd.DataFrame, year: int, threshold: float = 0.10) -> str:
    """Highest and lowest commune multidimensional rate and how many exceed `threshold`."""
    rows = indicators.loc[indicators["year"] == year].sort_values("multidim_rate")
    rows = rows[rows["multidim_rate"].notna()]  # communes "thiếu số liệu" are not ranked
    low, high = rows.iloc[0], rows.iloc[-1]
    above = int((rows["multidim_rate"] > threshold).sum())
    return (
        f"Năm {year}, tỷ lệ nghèo đa chiều cao nhất ở {high['commune_name']} "
        f"({format_pct(high['multidim_rate'], 2)}), thấp nhất ở {low['commune_name']} "
        f"({format_pct(low['multidim_rate'], 2)}); {above}/{len(rows)} xã trên {format_pct(threshold, 0)}."
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
        return (
            f"Năm {year} là kỳ rà soát đầu tiên trong dữ liệu: chưa có biến động so với năm trước."
        )
    n = {k: int(r[k]) if pd.notna(r[k]) else 0 for k in FLOW_COLUMNS}
    out = n["n_poor_out_above"] + n["n_poor_out_near_poor"] + n["n_poor_out_other"]
    new_in = n["n_poor_in_new"] + n["n_poor_in_relapsed"] + n["n_poor_in_from_near_poor"]
    new_in += n["n_poor_in_other"]
    start, end = int(r["n_poor_start"]), int(r["n_poor_end"])
    f = format_number
    text = (
        f"Trong năm {year}, danh sách hộ nghèo giảm {f(out)} hộ ({f(n['n_poor_out_above'])} thoát "
        f"nghèo, {f(n['n_poor_out_near_poor'])} chuyển sang cận nghèo, {f(n['n_poor_out_other'])} "
        f"giảm khác) và tăng {f(new_in)} hộ ({f(n['n_poor_in_new'])} phát sinh mới, "
        f"{f(n['n_poor_in_relapsed'])} tái nghèo, {f(n['n_poor_in_from_near_poor'])} từ cận nghèo, "
        f"{f(n['n_poor_in_other'])} tăng khác): {f(start)} − {f(out)} + {f(new_in)} = "
        f"{f(start - out + new_in)} hộ nghèo"
    )
    if start - out + new_in != end:
        text += f", lệch {f(abs(start - out + new_in - end))} hộ so với {f(end)} hộ cuối kỳ"
    return text + "."


FLOW_COLUMNS = (
    "n_poor_out_above", "n_poor_out_near_poor", "n_poor_out_other",
    "n_poor_in_new", "n_poor_in_relapsed", "n_poor_in_from_near_poor", "n_poor_in_other",
)  # fmt: skip


def flows_not_linkable(year: int) -> str:
    """Why the flows into `year` are not computed when the pseudonym key changed."""
    return (
        f"Biến động hộ nghèo, cận nghèo năm {year} không tính được: danh sách hộ năm {year - 1} "
        f"và năm {year} được ẩn danh bằng hai khóa khác nhau, nên không nối được từng hộ giữa "
        "hai năm (nếu tính, mọi hộ sẽ hiện như vừa ra khỏi danh sách và vừa mới vào). Chạy "
        "lại với cùng một khóa ẩn danh cho cả hai năm để có biến động."
    )


def describe_flow_check(breaks: pd.DataFrame) -> str:
    if breaks.empty:
        return "Biến động khớp ở mọi xã và mọi năm: đầu kỳ − giảm + tăng = cuối kỳ."
    first = breaks.iloc[0]
    return (
        f"Có {len(breaks)} dòng biến động không khớp (đầu kỳ − giảm + tăng ≠ cuối kỳ), "
        f"ví dụ xã {first['commune_code']} năm {first['year']}, lệch {format_number(first['gap'])} hộ."
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
    return (
        f"{who} thiếu hụt nhiều nhất ở chỉ số {top.index[0].lower()} ({format_pct(top.iloc[0], 2)}), "
        f"tiếp theo là {top.index[1].lower()} ({format_pct(top.iloc[1], 2)})."
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
    return (
        f"Năm {year}, {AF_NAME_VI} ({format_number(int(r['n']))} {population_vi}): với ngưỡng "
        f"k = {int(r['k'])} thiếu hụt, {format_pct(r['H'], 2)} số hộ này thiếu hụt từ k chỉ số "
        f"trở lên (H); mỗi hộ đó thiếu hụt trung bình {format_pct(r['A'], 2)} tổng trọng số (A); "
        f"M0 = H × A = {format_number(r['M0'], 4)}. " + AF_TREND_CAVEAT_VI
    )


def describe_contributions(dimensions: pd.DataFrame, year: int, labels: dict[str, str]) -> str:
    rows = dimensions.loc[dimensions["year"] == year].sort_values(
        "contribution_pct", ascending=False
    )
    first, second = rows.iloc[0], rows.iloc[1]
    return (
        f"Chiều {labels.get(first['dimension'], first['dimension']).lower()} đóng góp nhiều nhất "
        f"vào M0 ({format_pct(first['contribution_pct'], 2)}), tiếp theo là "
        f"{labels.get(second['dimension'], second['dimension']).lower()} "
        f"({format_pct(second['contribution_pct'], 2)})."
    )


def describe_decomposition(parts: pd.DataFrame, year: int, names: dict[str, str]) -> str:
    rows = parts.loc[parts["year"] == year].sort_values("contribution_pct", ascending=False)
    top = rows.iloc[0]
    name = names.get(top["commune_code"], top["commune_code"])
    return (
        f"{name} đóng góp nhiều nhất vào M0 toàn huyện ({format_pct(top['contribution_pct'], 2)}) "
        f"trong khi chiếm {format_pct(top['population_share'], 2)} số hộ."
    )


def describe_robustness(table: pd.DataFrame, year: int) -> str:
    rows = table.loc[table["year"] == year].sort_values("k")
    lo, hi = rows.iloc[0], rows.iloc[-1]
    return (
        f"Khi ngưỡng k tăng từ {int(lo['k'])} lên {int(hi['k'])} thiếu hụt, tỷ lệ H giảm từ "
        f"{format_pct(lo['H'], 2)} xuống {format_pct(hi['H'], 2)} và M0 từ {format_number(lo['M0'], 4)} "
        f"xuống {format_number(hi['M0'], 4)}."
    )


def describe_change(
    change: pd.DataFrame, measure: str, label_vi: str, as_percent: bool = False
) -> str:
    """A measure's change between two years (table of `change_over_time`)."""
    r = change.loc[change["measure"] == measure].iloc[0]
    verb, to = ("giảm", "xuống") if r["abs_change"] < 0 else ("tăng", "lên")
    value = (lambda v: format_pct(v, 2)) if as_percent else (lambda v: format_number(v, 4))
    return (
        f"Từ năm {r['year_from']} đến năm {r['year_to']}, {label_vi} {verb} từ "
        f"{value(r['value_from'])} {to} {value(r['value_to'])} "
        f"({format_pct(r['rel_change'], 2)}; bình quân {format_pct(r['annual_rel_change'], 2)} mỗi năm)."
    )


def describe_groups(groups: pd.DataFrame, year: int) -> str:
    rows = groups.loc[(groups["year"] == year) & groups["value"].astype(bool)]
    top = rows.sort_values("share_of_poor", ascending=False).iloc[0]
    return (
        f"Năm {year}, trong các nhóm đối tượng, {top['group_label_vi'].lower()} chiếm tỷ trọng lớn "
        f"nhất trong hộ nghèo ({format_pct(top['share_of_poor'], 2)} số hộ nghèo)."
    )


def describe_audit(audit: pd.DataFrame, n_reviewed: int, year: int) -> str:
    if audit.empty:
        return f"Năm {year}, phân loại của mọi hộ trong danh sách khớp với kết quả tính theo chuẩn."
    pairs = audit.groupby(["reported_status", "computed_status"]).size().sort_values()
    (rep, comp), n = pairs.index[-1], pairs.iloc[-1]
    return (
        f"Năm {year}, {format_number(len(audit))} hộ ({format_pct(len(audit) / n_reviewed, 2)} số hộ rà soát) "
        f"có phân loại khác kết quả tính theo chuẩn; nhiều nhất là {format_number(n)} hộ được ghi là "
        f"{STATUS_LABELS_VI.get(rep, rep).lower()} nhưng theo chuẩn là "
        f"{STATUS_LABELS_VI.get(comp, comp).lower()}."
    )
