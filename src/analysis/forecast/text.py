"""One-paragraph readings generated from the numbers (notebook 03, briefing), in the run's
language (analysis.i18n: Vietnamese templates, English catalog)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.forecast.attainment import probabilities, required_reductions
from analysis.forecast.result import ForecastResult
from analysis.i18n import is_english
from analysis.i18n import t as tr
from analysis.targets import POPULATION_LABELS_VI, VERDICT_LABELS_VI
from analysis.vietnamese import format_number as num
from analysis.vietnamese import format_pct

_COUNT = {"poor": "n_poor", "near_poor": "n_near_poor", "poor_or_near_poor": "n_poor_or_near_poor"}


def _interval(paths: np.ndarray, scale: float, digits: int, unit: str) -> str:
    lo, mid, hi = np.quantile(paths, [0.1, 0.5, 0.9]) * scale
    return tr(
        "{mid}{unit} (khoảng 80%: {low}–{high}{unit})",
        mid=num(mid, digits),
        low=num(lo, digits),
        high=num(hi, digits),
        unit=unit,
    )


def _cells(table: pd.DataFrame, year: int) -> pd.DataFrame:
    """District verdicts of `year`, one per target and household group."""
    if "verdict_vi" not in table.columns:
        raise TypeError("expected a verdict table (analysis.targets.verdicts)")
    d = table[(table["level"] == "district") & (table["year"] == year)]
    return d.drop_duplicates(["target_id", "population"])


def count_verdicts(table: pd.DataFrame, year: int) -> str:
    """'3 đạt, 2 có nguy cơ, ...' over the district verdicts of `year` (one per target and
    household group); the same counting in the scorecard and the final evaluation."""
    d = _cells(table, year)
    counts = d["verdict"].value_counts()
    parts = [
        f"{counts[k]} {tr(VERDICT_LABELS_VI[k]).lower()}" for k in VERDICT_LABELS_VI if k in counts
    ]
    return tr(
        "trên {n} chỉ tiêu (tính riêng từng nhóm hộ) của toàn huyện: {counts}",
        n=len(d),
        counts=", ".join(parts),
    )


def describe_scorecard(table: pd.DataFrame, year: int) -> str:
    """The year's verdicts counted; `table` is the verdict table (targets.verdicts)."""
    d = _cells(table, year)
    if d.empty:
        return tr("Năm {year} chưa có chỉ tiêu nào được đánh giá.", year=year)
    if (d["mode"] == "final").all():
        return tr("Năm {year}, đánh giá cuối kỳ {counts}.", year=year,
                  counts=count_verdicts(table, year))  # fmt: skip
    return tr("Năm {year}, đánh giá theo tiến độ {counts}.", year=year,
              counts=count_verdicts(table, year))  # fmt: skip


def _target(config, metric: str, target=None):
    return target if target is not None else config.targets_with(metric)[0]


def describe_t1(result: ForecastResult, config, probs: pd.DataFrame, target=None) -> str:
    """A yearly fall of the poor rate (metric poor_rate_annual_fall_pp)."""
    t = _target(config, "poor_rate_annual_fall_pp", target)
    p = probs[probs["target_id"] == t.id]
    now = result.observed("poor_rate", result.run_year)
    y = int(result.years[0])
    d = p[(p["level"] == "district") & (p["year"] == y)]["probability"]
    c = p[(p["level"] == "commune") & (p["year"] == y)]["probability"]
    text = tr(
        "Tỷ lệ hộ nghèo toàn huyện năm {year} là {rate}%; dự báo năm {next_year} là {forecast}.",
        year=result.run_year,
        rate=num(100 * now, 2),
        next_year=y,
        forecast=_interval(result.paths("poor_rate")[:, 0], 100, 2, "%"),
    )
    if len(d):
        text += " " + tr(
            "Xác suất tỷ lệ giảm ít nhất {low} điểm % trong năm {year} là {probability}; "
            "{n_likely}/{n} xã có xác suất từ 50% trở lên.",
            low=num(t.low, 1),
            year=y,
            probability=format_pct(d.item(), 0),
            n_likely=int((c >= 0.5).sum()),
            n=len(c),
        )
    return text


def describe_t2(
    result: ForecastResult, config, probs: pd.DataFrame, required: pd.DataFrame, target=None
) -> str:
    """Counts relative to the baseline (metric count_ratio_to_baseline)."""
    t = _target(config, "count_ratio_to_baseline", target)
    base_year = t.baseline_year or config.periods.baseline_year
    target_year = t.target_year or config.periods.target_year
    sentences = []
    for pop in t.population:
        q = _COUNT[pop]
        base, now = result.observed(q, base_year), result.observed(q, result.run_year)
        text = tr(
            "Số {population} năm {year} bằng {ratio} đầu kỳ",
            population=tr(POPULATION_LABELS_VI[pop]),
            year=result.run_year,
            ratio=format_pct(now / base, 0),
        )
        p = probs[
            (probs["target_id"] == t.id)
            & (probs["population"] == pop)
            & (probs["level"] == "district")
        ]
        if len(p) and target_year in result.years:
            j = int(np.flatnonzero(result.years == target_year)[0])
            text += tr(
                "; dự báo năm {year}: {forecast}, xác suất còn không quá {limit} hộ là "
                "{probability}",
                year=target_year,
                forecast=_interval(result.paths(q)[:, j], 1, 0, tr(" hộ")),
                limit=num(t.high * base),
                probability=format_pct(p["probability"].item(), 0),
            )
        r = required[
            (required["target_id"] == t.id)
            & (required["population"] == pop)
            & (required["level"] == "district")
        ]
        if len(r):
            text += tr("; cần giảm {n} hộ mỗi năm", n=num(r["per_year_households"].item()))
        sentences.append(text + ".")
    return " ".join(sentences)


def describe_t3(result: ForecastResult, config, probs: pd.DataFrame, target=None) -> str:
    """Every commune's multidimensional rate (metric commune_multidim_rate_pct)."""
    t = _target(config, "commune_multidim_rate_pct", target)
    p = probs[probs["target_id"] == t.id]
    if p.empty:
        return tr(
            "Chưa dự báo được chỉ tiêu {target} (năm mục tiêu đã qua hoặc thiếu số liệu).",
            target=_lower_first(tr(t.label)),
        )
    d = p[p["level"] == "district"]["probability"].item()
    c = p[p["level"] == "commune"].sort_values("probability")
    text = tr(
        "Xác suất cả {n} xã đạt tỷ lệ nghèo đa chiều không quá {high}% vào năm {year} là "
        "{probability}; {n_likely} xã có xác suất từ 80% trở lên, {n_unlikely} xã dưới 20%",
        n=len(c),
        high=num(t.high, 1),
        year=int(c["year"].iloc[0]),
        probability=format_pct(d, 0),
        n_likely=int((c["probability"] >= 0.8).sum()),
        n_unlikely=int((c["probability"] < 0.2).sum()),
    )
    worst = c.head(3)
    if len(worst) and worst["probability"].iloc[0] < 0.5:
        text += tr(
            "; khó đạt nhất: {names}", names=", ".join(str(n) for n in worst["commune_name"])
        )
    return text + "."


def describe_target(target_id: str, result: ForecastResult, config) -> str:
    """The paragraph for one forecast target, chosen by its metric (not by its id)."""
    probs = probabilities(result, config)
    t = config.target(target_id)
    if t.metric == "poor_rate_annual_fall_pp":
        text = describe_t1(result, config, probs, t)
    elif t.metric == "count_ratio_to_baseline":
        text = describe_t2(result, config, probs, required_reductions(result, config), t)
    elif t.metric == "commune_multidim_rate_pct":
        text = describe_t3(result, config, probs, t)
    else:
        return tr(
            "Chỉ tiêu {target} không được dự báo; xem bảng theo dõi.",
            target=_lower_first(tr(t.label)),
        )
    return f"{tr(t.label).rstrip('.')}: {text}"


METRIC_TOPIC_VI = {
    "poor_rate_annual_fall_pp": "mức giảm tỷ lệ hộ nghèo hằng năm",
    "count_ratio_to_baseline": "số hộ nghèo, cận nghèo so với đầu kỳ",
    "commune_multidim_rate_pct": "tỷ lệ nghèo đa chiều của từng xã",
}


def no_target_text(metric: str) -> str:
    """The sentence for a forecast topic the plan has no target for."""
    return tr(
        "Kế hoạch trong cấu hình không có chỉ tiêu về {topic}, nên phần này được bỏ qua.",
        topic=tr(METRIC_TOPIC_VI.get(metric, "nội dung này")),
    )


def describe_metric(
    metric: str, result: ForecastResult | None, config, unavailable: str = ""
) -> str:
    """Readings of every target measured by `metric`; a sentence when there is none or no
    forecast (`unavailable` says why)."""
    targets = config.targets_with(metric)
    if not targets:
        return no_target_text(metric)
    if result is None:
        return unavailable
    return " ".join(describe_target(t.id, result, config) for t in targets)


def _lower_first(text: str) -> str:
    """A target's wording inside a Vietnamese sentence ("chỉ tiêu tỷ lệ …"); English quotes it
    as written."""
    text = str(text).rstrip(".")
    return text if is_english() else text[:1].lower() + text[1:]


def describe_target_status(
    table: pd.DataFrame, target_id: str, year: int, metric: str | None = None
) -> str:
    """The sentence for a target read from the verdict table (targets.verdicts), its value
    worded as the target is (coverage for a coverage target)."""
    rows = table[(table["target_id"] == target_id) & (table["year"] == year)]
    d = rows[rows["level"] == "district"]
    if d.empty:
        return tr("Không có số liệu năm {year} cho một chỉ tiêu của kế hoạch.", year=year)
    r = d.iloc[0]
    label = _lower_first(tr(r["target_label"]))
    if (d["verdict"] == "no_data").all():
        return tr("Chỉ tiêu {target}: không có số liệu năm {year}.", target=label, year=year)
    communes = rows[rows["level"] == "commune"]
    behind = communes[communes["verdict"].isin(["at_risk", "off_track", "not_met"])]
    unit = str(r["shown_unit"])
    digits = 0 if "xã" in unit and "%" not in unit else 1
    space = "" if unit.startswith("%") else " "
    shown_unit = tr(unit)
    value = f"{num(r['shown_value'], digits)}{space}{shown_unit}"
    goal = f"{r['comparator']} {num(r['shown_threshold'], digits)}{space}{shown_unit}"
    template = (
        "Chỉ tiêu {target}, năm {year}: toàn huyện đạt {value} (mục tiêu {goal}), {verdict}"
        if "%" in unit
        else "Chỉ tiêu {target}, năm {year}: toàn huyện {value} (mục tiêu {goal}), {verdict}"
    )
    text = tr(template, target=label, year=year, value=value, goal=goal,
              verdict=tr(r["verdict_vi"]).lower())  # fmt: skip
    if len(behind):
        if (behind["mode"] == "final").all():
            text += tr("; {n_behind}/{n} xã không đạt", n_behind=len(behind), n=len(communes))
        else:
            text += tr(
                "; {n_behind}/{n} xã có nguy cơ hoặc chậm tiến độ",
                n_behind=len(behind),
                n=len(communes),
            )
    return text + "."


def describe_predicted_vs_actual(pva: pd.DataFrame, model: str) -> str:
    d = pva[
        (pva["level"] == "district") & (pva["quantity"] == "poor_rate") & (pva["model"] == model)
    ]
    if d.empty:
        return tr("Chưa có năm nào sau năm dự báo để so sánh với thực tế.")
    parts = [
        tr(
            "năm {year} dự báo {p50}% (khoảng 80%: {p10}–{p90}%), thực tế {actual}%, sai số "
            "{error} điểm %",
            year=int(r.year),
            p50=num(100 * r.p50, 2),
            p10=num(100 * r.p10, 2),
            p90=num(100 * r.p90, 2),
            actual=num(100 * r.actual, 2),
            error=num(r.error_pp, 2),
        )
        for r in d.itertuples()
    ]
    c = pva[
        (pva["model"] == model) & (pva["quantity"] == "poor_rate") & (pva["level"] == "commune")
    ]
    tail = (
        tr(
            "; {share} số xã có giá trị thực tế trong khoảng 80%",
            share=format_pct(c["covered80"].mean(), 0),
        )
        if len(c)
        else ""
    )
    return (
        tr(
            "Tỷ lệ hộ nghèo toàn huyện, dự báo từ số liệu đến năm {year}: {parts}",
            year=int(d["run_year"].iloc[0]),
            parts="; ".join(parts),
        )
        + tail
        + "."
    )


def describe_proposals(table: pd.DataFrame) -> str:
    a = table.attrs
    top = table.sort_values("target_households", ascending=False).head(3)
    n = table["n_households"].sum()
    return tr(
        "Đề xuất chỉ tiêu năm {year}: toàn huyện giảm {total} hộ nghèo (tương đương {points} "
        "điểm %), chia cho {n} xã; giao nhiều nhất: {names}.",
        year=a["year"],
        total=num(a["total"]),
        points=num(100 * a["total"] / n, 2),
        n=len(table),
        names=", ".join(
            tr("{commune} {n} hộ", commune=r.commune_name, n=num(r.target_households))
            for r in top.itertuples()
        ),
    )


def describe_final(final: pd.DataFrame) -> str:
    """The final evaluation counted like the scorecard (targets.verdicts rows)."""
    year = int(final["year"].max())
    d = _cells(final, year)
    text = tr(
        "Đánh giá cuối kỳ năm {year}, {counts}", year=year, counts=count_verdicts(final, year)
    )
    failed = d[d["verdict"] == "not_met"]
    groups = d.groupby("target_id")["population"].nunique()
    if len(failed):
        text += ". " + tr(
            "Không đạt: {targets}",
            targets="; ".join(
                _lower_first(tr(r.target_label))
                + (
                    f" ({tr(POPULATION_LABELS_VI.get(r.population, ''))})"
                    if groups[r.target_id] > 1
                    else ""
                )
                for r in failed.itertuples()
            ),
        )
    # the yearly-pace target: judged on its average fall, the only rows with a basis
    t1 = d[d["basis"].fillna("").astype(str) != ""]
    for r in t1.itertuples():
        period, _, each = str(r.basis).partition("; ")
        text += ". " + tr(
            "Chỉ tiêu {target} được đánh giá theo mức giảm {period}: {value} điểm %/năm, "
            "{verdict} ({each})",
            target=_lower_first(tr(r.target_label)),
            period=period,
            value=num(r.value, 2),
            verdict=tr(r.verdict_vi).lower(),
            each=each,
        )
    return text + "."


def _ratio(k: float, n: float) -> str:
    if not n:
        return tr("không có trường hợp nào")
    return tr("{k}/{n} lần ({share})", k=int(k), n=int(n), share=format_pct(k / n, 0))


def describe_reference_backtest(reference: pd.DataFrame, models) -> str:
    """The published-series backtest of `models` in one sentence (reference_summary rows)."""
    from analysis.forecast.result import MODEL_LABELS_VI

    ref = reference[reference["model"].isin(models)]
    if ref.empty:
        return ""
    items = [
        tr(
            "{model} sai số trung bình {error} điểm %, khoảng 80% chứa giá trị thực tế "
            "{covered80}, khoảng 95% {covered95}",
            model=tr(MODEL_LABELS_VI[r.model]),
            error=num(r.mae_pp, 2),
            covered80=_ratio(r.n_covered80, r.n_comparisons),
            covered95=_ratio(r.n_covered95, r.n_comparisons),
        )
        for r in ref.sort_values("mae_pp").itertuples()
    ]
    return tr(
        "Kiểm định ngược trên số liệu công bố thật (tỷ lệ hộ nghèo, cận nghèo, nghèo đa chiều "
        "của cả nước, các vùng, tỉnh, chuẩn nghèo 2022–2025; dự báo trước 1 năm, {n} trường "
        "hợp): {items}.",
        n=int(ref["n_comparisons"].max()),
        items="; ".join(items),
    )


def describe_model_choice(
    model: str, summary: pd.DataFrame, reference: pd.DataFrame | None, available
) -> str:
    """Which model the forecast uses, what it assumes, and the backtest figures behind
    the choice (on the published series and on the run's own history)."""
    from analysis.forecast.core import TREND_MODELS
    from analysis.forecast.result import MODEL_DESCRIPTIONS_VI, MODEL_LABELS_VI

    parts = [
        tr(
            "Dự báo dùng {model} ({why}).",
            model=tr(MODEL_LABELS_VI[model]),
            why=tr(MODEL_DESCRIPTIONS_VI[model]),
        )
    ]
    trends = [m for m in available if m in TREND_MODELS]
    if reference is not None and not reference.empty:
        parts.append(describe_reference_backtest(reference, trends))
        if model == "flow":
            parts.append(
                tr(
                    "Mô hình dòng chuyển không kiểm định được trên số liệu công bố (các số liệu "
                    "này không có biến động hộ nghèo nhiều năm), chỉ trên lịch sử của huyện."
                )
            )
    own = summary[summary["model"].isin(available)] if "model" in summary else summary.iloc[0:0]
    if len(own):
        items = []
        for r in own.sort_values("mae_pp").itertuples():
            values = dict(model=tr(MODEL_LABELS_VI[r.model]), coverage=format_pct(r.coverage80, 0),
                          error=num(r.mae_pp, 2))  # fmt: skip
            if "coverage95" in own and r.coverage95 == r.coverage95:
                items.append(
                    tr(
                        "{model}: khoảng 80% chứa {coverage} giá trị thực tế, khoảng 95% chứa "
                        "{coverage95}, sai số trung bình {error} điểm %",
                        **values,
                        coverage95=format_pct(r.coverage95, 0),
                    )
                )
            else:
                items.append(
                    tr(
                        "{model}: khoảng 80% chứa {coverage} giá trị thực tế, sai số trung bình "
                        "{error} điểm %",
                        **values,
                    )
                )
        n = int(own["n_comparisons"].max()) if "n_comparisons" in own else 0
        if n:
            parts.append(
                tr(
                    "Trên lịch sử của huyện ({n} so sánh mỗi mô hình): {items}.",
                    n=n,
                    items="; ".join(items),
                )
            )
        else:
            parts.append(tr("Trên lịch sử của huyện: {items}.", items="; ".join(items)))
    else:
        parts.append(tr("Lịch sử của huyện chưa đủ số năm để kiểm định ngược."))
    parts.append(
        tr(
            "Cách chọn: mô hình có khoảng 80% chứa gần 80% giá trị thực tế nhất, nếu ngang nhau "
            "thì mô hình có sai số nhỏ hơn; dạng xu thế (tuyến tính, logit, log) được chọn trên "
            "số liệu công bố, mô hình dòng chuyển được so với mô hình xu thế trên lịch sử của "
            "huyện."
        )
    )
    if "flow" not in available:
        parts.append(
            tr(
                "Không có số liệu biến động hộ nghèo (thoát nghèo, tái nghèo, phát sinh mới) nên "
                "không dùng được mô hình dòng chuyển."
            )
        )
    return " ".join(parts)
