"""Texts and tables shared by the documents: the headline figures, trend and commune tables,
the allocation and its criteria, the source line."""

from __future__ import annotations

import pandas as pd

from analysis.config import Config
from analysis.documents.blocks import (
    MISSING_DATA_VI,
    Table,
    pct,
    pp,
)
from analysis.i18n import t
from analysis.vietnamese import format_number


def _row(district: pd.DataFrame, year: int) -> pd.Series | None:
    rows = district[district["year"] == year]
    return None if rows.empty else rows.iloc[0]


def key_figures_text(district: pd.DataFrame, year: int) -> str:
    """The headline paragraph: this year's rates, the change on last year and since the first year."""
    now = _row(district, year)
    if now is None:
        return t("Chưa có kết quả rà soát năm {year}.", year=year)
    text = t(
        "Năm {year}, toàn huyện có **{n_poor} hộ nghèo**, tỷ lệ hộ nghèo **{poor_rate}**, "
        "và **{n_near_poor} hộ cận nghèo** ({near_poor_rate}) trên tổng số {n_households} hộ; "
        "tỷ lệ nghèo đa chiều (nghèo và cận nghèo) là {multidim_rate}.",
        year=year,
        n_poor=format_number(now["n_poor"]),
        poor_rate=pct(now["poor_rate"]),
        n_near_poor=format_number(now["n_near_poor"]),
        near_poor_rate=pct(now["near_poor_rate"]),
        n_households=format_number(now["n_households"]),
        multidim_rate=pct(now["multidim_rate"]),
    )
    before = _row(district, year - 1)
    if before is not None:
        text += " " + t(
            "So với năm {year}, tỷ lệ hộ nghèo thay đổi {change}.",
            year=year - 1,
            change=pp(now["poor_rate"] - before["poor_rate"]),
        )
    first_year = int(district["year"].min())
    if first_year < year - 1:
        base = _row(district, first_year)
        years = year - first_year
        text += " " + t(
            "So với đầu kỳ ({first_year}), số hộ nghèo bằng {ratio} và tỷ lệ hộ nghèo giảm "
            "bình quân {fall} điểm % mỗi năm.",
            first_year=first_year,
            ratio=pct(now["n_poor"] / base["n_poor"], 1),
            fall=format_number(100 * (base["poor_rate"] - now["poor_rate"]) / years, 2),
        )
    return text


def district_trend_table(district: pd.DataFrame, source: str) -> Table:
    d = district.sort_values("year")
    data = pd.DataFrame(
        {
            "Năm": d["year"].astype(int).astype(str),
            "Tổng số hộ": d["n_households"].map(format_number),
            "Hộ nghèo": d["n_poor"].map(format_number),
            "Tỷ lệ hộ nghèo": d["poor_rate"].map(pct),
            "Thay đổi": d["poor_rate"].diff().map(pp),
            "Hộ cận nghèo": d["n_near_poor"].map(format_number),
            "Tỷ lệ hộ cận nghèo": d["near_poor_rate"].map(pct),
            "Tỷ lệ nghèo đa chiều": d["multidim_rate"].map(pct),
        }
    )
    return Table(data, t("Toàn huyện qua các năm rà soát"), source)


def commune_table(indicators: pd.DataFrame, year: int, source: str) -> Table:
    """This year's communes with the change on last year, compared unit by unit.

    A unit is (vintage, code): codes are reused across the 2025 merger, so last year is
    compared only when it is on the same vintage (re-aggregate it first, see
    `geography.reaggregate`); otherwise the change column stays empty.
    """
    now = indicators[indicators["year"] == year].set_index("commune_code")
    prev = indicators[indicators["year"] == year - 1]
    prev = prev[prev["unit_vintage"].isin(now["unit_vintage"].unique())].set_index("commune_code")
    change = now["poor_rate"] - prev["poor_rate"].reindex(now.index)
    # communes without a list ("thiếu số liệu") go last; their cells say so, never 0
    order = now["poor_rate"].sort_values(ascending=False, na_position="last").index
    data = pd.DataFrame(
        {
            "Mã xã": order,
            "Xã": now.loc[order, "commune_name"].to_numpy(),
            "Tổng số hộ": now.loc[order, "n_households"].map(format_number).to_numpy(),
            "Hộ nghèo": now.loc[order, "n_poor"].map(format_number).to_numpy(),
            "Tỷ lệ hộ nghèo": now.loc[order, "poor_rate"].map(pct).to_numpy(),
            "So với năm trước": change.loc[order].map(pp).to_numpy(),
            "Hộ cận nghèo": now.loc[order, "n_near_poor"].map(format_number).to_numpy(),
            "Tỷ lệ hộ cận nghèo": now.loc[order, "near_poor_rate"].map(pct).to_numpy(),
        }
    )
    if "is_missing_list" in now:
        gap = now.loc[order, "is_missing_list"].astype(bool).to_numpy()
        data.loc[gap, data.columns[2:]] = MISSING_DATA_VI
    return Table(data, t("Các xã năm {year}, xếp theo tỷ lệ hộ nghèo", year=year), source)


def allocation_table(result: pd.DataFrame, missing: pd.DataFrame | None = None) -> Table:
    r = result.sort_values("amount_million_vnd", ascending=False)
    data = pd.DataFrame(
        {
            "Mã xã": r["commune_code"],
            "Xã": r["commune_name"],
            "Hộ nghèo": r["n_poor"].map(format_number),
            "Tỷ trọng": r["share"].map(lambda x: pct(x, 1)),
            "Phân bổ (triệu đồng)": r["amount_million_vnd"].map(format_number),
            "Triệu đồng/hộ nghèo": r["million_vnd_per_poor_household"].map(
                lambda x: format_number(x, 1)
            ),
        }
    )
    total = pd.DataFrame(
        [
            {
                "Mã xã": "",
                "Xã": "Tổng",
                "Hộ nghèo": format_number(result["n_poor"].sum()),
                "Tỷ trọng": pct(1.0, 1),
                "Phân bổ (triệu đồng)": format_number(result["amount_million_vnd"].sum()),
                "Triệu đồng/hộ nghèo": "",
            }
        ]
    )
    gaps = pd.DataFrame(
        {
            "Mã xã": missing["commune_code"].astype(str),
            "Xã": missing["commune_name"].astype(str),
            **{c: MISSING_DATA_VI for c in list(data.columns)[2:]},
        }
        if missing is not None and len(missing)
        else {c: [] for c in data.columns}
    )
    return Table(
        pd.concat([data, gaps, total], ignore_index=True),
        t("Phân bổ ngân sách theo xã (triệu đồng)"),
    )


def weights_text(weights: pd.DataFrame) -> str:
    """'Dự án 2 (Đa dạng hóa sinh kế): Số hộ nghèo 50%, ...; ...' from the stored criteria and
    weights (analysis.budget.allocate.criteria_weights); counterparts share their project's."""
    parts = []
    for (project, name), rows in weights.groupby(["project", "project_name"], sort=False):
        rows = rows.drop_duplicates("criterion")
        crit = ", ".join(f"{t(r.criterion_label)} {pct(r.weight, 0)}" for r in rows.itertuples())
        name = t(str(name))
        head = t("Dự án {project} ({name})", project=project, name=name) if project else name
        parts.append(f"{head}: {crit}")
    return "; ".join(parts)


def allocation_text(
    result: pd.DataFrame,
    config: Config,
    missing: pd.DataFrame | None = None,
    weights: pd.DataFrame | None = None,
) -> str:
    rules = config.allocation
    top = result.sort_values("amount_million_vnd", ascending=False).head(3)
    names = ", ".join(
        t("{commune} ({amount} triệu đồng)", commune=r.commune_name,
          amount=format_number(r.amount_million_vnd))
        for r in top.itertuples()
    )  # fmt: skip
    total = format_number(result["amount_million_vnd"].sum())
    if weights is not None and len(weights):
        n_env, n_src = weights["envelope"].nunique(), weights["source"].nunique()
        text = t(
            "Tổng nguồn {total} triệu đồng ({n_envelopes} nguồn theo dự án, tiểu dự án và "
            "{n_sources} nguồn vốn) được chia cho các xã theo tiêu chí và trọng số: {weights}. "
            "Ba xã nhận nhiều nhất: {names}. Tổng các xã của từng nguồn bằng đúng số được giao.",
            total=total,
            n_envelopes=n_env,
            n_sources=n_src,
            weights=weights_text(weights),
            names=names,
        )
    else:
        text = t(
            "Tổng nguồn {envelope} triệu đồng được chia theo {n_criteria} tiêu chí; ba xã nhận "
            "nhiều nhất: {names}. Tổng các xã bằng đúng tổng nguồn ({total} triệu đồng).",
            envelope=format_number(rules.total_million_vnd),
            n_criteria=len(rules.criteria),
            names=names,
            total=total,
        )
    empty = [
        c.name
        for c in rules.criteria
        if f"share_{c.name}" in result and result[f"share_{c.name}"].sum() == 0
    ]
    if empty:
        from analysis.allocation import CRITERION_LABELS_VI

        names = ", ".join(t(CRITERION_LABELS_VI.get(c, c)) for c in empty)
        text += " " + t(
            "Tiêu chí không có số liệu năm này ({names}): trọng số của nó được chia lại cho các "
            "tiêu chí còn lại.",
            names=names,
        )
    if missing is not None and len(missing):
        names = ", ".join(missing["commune_name"].astype(str))
        text += " " + t(
            "Chưa phân bổ cho {n} xã thiếu số liệu ({names}): tổng nguồn đang chia cho các xã có "
            "danh sách hộ; bổ sung danh sách của các xã này rồi chạy lại trước khi trình.",
            n=len(missing),
            names=names,
        )
    if rules.illustrative:
        text += " " + t(
            "Số liệu nguồn vốn, tiêu chí và trọng số chỉ mang tính minh họa, chưa theo hệ số "
            "của Quyết định 02/2022/QĐ-TTg."
        )
    return text


def review_source(config: Config, year: int) -> str:
    kind = (
        t("dữ liệu mô phỏng")
        if config.data.synthetic
        else t("danh sách rà soát và tổng số hộ của các xã")
    )
    return t(
        "Kết quả rà soát hộ nghèo, hộ cận nghèo {first}–{year} ({kind}).",
        first=config.periods.baseline_year,
        year=year,
        kind=kind,
    )
