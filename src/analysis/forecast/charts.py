"""Fan charts and probability charts (matplotlib, Vietnamese labels, source and date)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from analysis.forecast.result import MODEL_LABELS_VI, QUANTITY_LABELS_VI, ForecastResult
from analysis.i18n import t
from analysis.reproducible import run_date
from analysis.targets import DISTRICT_CODE
from analysis.vietnamese import format_number as num


def quantity_label(quantity: str) -> str:
    """Axis and title label: 'Tỷ lệ hộ nghèo (%)', 'Số hộ nghèo'."""
    text = t(QUANTITY_LABELS_VI[quantity])
    return text[0].upper() + text[1:] + (" (%)" if _is_rate(quantity) else "")


COLOUR = "#1f5fa8"
FONT = "DejaVu Sans"


def _is_rate(quantity: str) -> bool:
    return quantity.endswith("_rate")


def _footer(fig: Figure, config, result: ForecastResult) -> None:
    text = t(
        "Nguồn: kết quả rà soát hộ nghèo, hộ cận nghèo đến năm {year}; dự báo bằng {model}, "
        "{n_paths} mô phỏng. Lập ngày {date}.",
        year=result.run_year,
        model=t(MODEL_LABELS_VI[result.model]),
        n_paths=num(result.n_paths, 0),
        date=f"{run_date():%d/%m/%Y}",
    )
    if config.data.synthetic:
        text += " " + t("Dữ liệu mô phỏng – không phải số liệu thật.")
    fig.text(0.01, 0.01, text, fontsize=7, color="#555555", family=FONT, wrap=True)


def target_line(result: ForecastResult, quantity: str, config, code: str = DISTRICT_CODE):
    """(years, values, label) of the plan's requirement for this quantity, or None."""
    for target in config.targets:
        base_year = target.baseline_year or config.periods.baseline_year
        target_year = target.target_year or config.periods.target_year
        if target.metric == "poor_rate_annual_fall_pp" and quantity == "poor_rate":
            start = result.observed("poor_rate", result.run_year, code)
            years = np.arange(result.run_year, target_year + 1)
            values = np.maximum(start - target.low / 100 * (years - result.run_year), 0)
            return years, values, t("Mục tiêu: giảm {low} điểm %/năm", low=num(target.low, 1))
        if target.metric == "count_ratio_to_baseline" and quantity.startswith("n_"):
            base = result.observed(quantity, base_year, code)
            return (
                np.array([base_year, target_year]),
                np.array([base, target.high * base]) * [1, 1],
                t(
                    "Mục tiêu: {share}% số đầu kỳ năm {year}",
                    share=num(100 * target.high, 0),
                    year=target_year,
                ),  # fmt: skip
            )
        if target.metric == "commune_multidim_rate_pct" and quantity == "multidim_rate":
            years = np.array([base_year, target_year])
            return (
                years,
                np.full(2, target.high / 100),
                t("Mục tiêu: không quá {high}%", high=num(target.high, 1)),
            )
    return None


def plot_fan_chart(
    result: ForecastResult, quantity: str, config, code: str = DISTRICT_CODE
) -> Figure:
    """Observed history, median projection, 80 % and 95 % intervals, and the target."""
    paths = result.paths(quantity, code)
    scale = 100.0 if _is_rate(quantity) else 1.0
    q = np.quantile(paths, [0.025, 0.1, 0.5, 0.9, 0.975], axis=0) * scale
    hist = result.district_history if code == DISTRICT_CODE else result.history
    hist = hist[hist["commune_code"] == code].sort_values("year")
    obs = np.array([result.observed(quantity, int(y), code) for y in hist["year"]]) * scale
    fig = Figure(figsize=(8, 4.8), dpi=110)
    ax = fig.add_subplot(111)
    x = np.concatenate([[result.run_year], result.years])
    last = obs[-1] if len(obs) else np.nan
    band = lambda i: np.concatenate([[last], q[i]])  # noqa: E731
    ax.fill_between(x, band(0), band(4), color=COLOUR, alpha=0.15, label=t("Khoảng 95%"))
    ax.fill_between(x, band(1), band(3), color=COLOUR, alpha=0.3, label=t("Khoảng 80%"))
    ax.plot(x, band(2), color=COLOUR, ls="--", lw=1.8, label=t("Dự báo (trung vị)"))
    ax.plot(hist["year"], obs, color="black", marker="o", lw=2, label=t("Thực tế"))
    line = target_line(result, quantity, config, code)
    if line is not None:
        ax.plot(line[0], scale * line[1], color="#c0392b", lw=1.4, ls=":", label=line[2])
    name = (
        t("Toàn huyện") if code == DISTRICT_CODE else result.names[list(result.codes).index(code)]
    )
    ax.set_title(
        t("{quantity} – {name}: thực tế và dự báo", quantity=quantity_label(quantity), name=name),
        family=FONT,
    )
    ax.set_xlabel(t("Năm"), family=FONT)
    ax.set_ylabel(quantity_label(quantity), family=FONT)
    ax.set_xticks(np.arange(int(hist["year"].min()), int(x.max()) + 1))
    digits = 1 if _is_rate(quantity) else 0
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: num(v, digits)))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, prop={"family": FONT, "size": 8}, loc="best")
    fig.subplots_adjust(bottom=0.2)
    _footer(fig, config, result)
    return fig


def plot_probabilities(
    probs: pd.DataFrame,
    result: ForecastResult,
    config,
    target_id: str,
    population: str | None = None,
) -> Figure:
    """Horizontal bars: probability of meeting one target in its year, per commune."""
    p = probs[(probs["target_id"] == target_id) & (probs["level"] == "commune")]
    if population:
        p = p[p["population"] == population]
    p = p[p["year"] == p["year"].max()].sort_values("probability")
    fig = Figure(figsize=(8, 0.3 * len(p) + 1.8), dpi=110)
    ax = fig.add_subplot(111)
    colours = np.where(
        p["probability"] >= 0.8, "#2e8b57", np.where(p["probability"] >= 0.5, "#e6a817", "#c0392b")
    )
    bars = ax.barh(p["commune_name"].astype(str), 100 * p["probability"], color=colours)
    ax.bar_label(
        bars, labels=[num(100 * v, 0) + "%" for v in p["probability"]], fontsize=7, padding=2
    )
    ax.set_xlim(0, 100)
    ax.set_xlabel(t("Xác suất đạt (%)"), family=FONT)
    label = next((t(x.label) for x in config.targets if x.id == target_id), target_id)
    year = int(p["year"].max()) if len(p) else ""
    ax.set_title(
        t("Xác suất đạt chỉ tiêu năm {year}\n{target}", year=year, target=label),
        family=FONT,
        fontsize=10,
    )
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: num(v, 0)))
    ax.grid(axis="x", alpha=0.3)
    fig.subplots_adjust(left=0.22, bottom=0.12 + 0.5 / max(len(p), 1))
    _footer(fig, config, result)
    return fig
