"""Notebook 03's sections: the plan's targets, the forecast, the proposals.

With too short a history (`history.enough_for_forecast`) every forecast section says why
there is no forecast in one sentence; the scorecard is always made. Charts are saved in
<run>/charts/ (PNG) and shown inline.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pandas as pd

from analysis import history, measures, store
from analysis.documents.briefing import CHART_DIR, forecast_targets, save_forecast_outputs
from analysis.forecast import (
    backtest,
    calibration,
    forecast,
    merge_units,
    predicted_vs_actual,
    probabilities,
    projections,
    required_reductions,
)
from analysis.forecast.charts import plot_fan_chart, plot_probabilities
from analysis.forecast.core import MIN_YEARS
from analysis.forecast.text import (
    describe_final,
    describe_metric,
    describe_predicted_vs_actual,
    describe_proposals,
    describe_scorecard,
    describe_target_status,
)
from analysis.proposals import (
    display_table,
    propose_targets,
    write_proposals_docx,
    write_proposals_xlsx,
)
from analysis.registry import MERGED_VINTAGE, registry_for
from analysis.reproducible import save_figure
from analysis.targets import VERDICT_RULE_VI, build_scorecard, read_monitoring, verdicts
from analysis.targets.reports import (
    final_evaluation,
    vi_verdicts,
    wide_scorecard,
    write_scorecard_xlsx,
)
from analysis.targets.scorecard import POPULATION_LABELS_VI
from analysis.vietnamese import format_number, format_pct
from analysis.workbench.display import Finding
from analysis.workbench.params import Step

COUNT_POPULATIONS = ("poor", "near_poor", "poor_or_near_poor")


def save_chart(fig, run_dir: str | Path, name: str) -> Path:
    """A chart as <run>/charts/<name>.png (150 dpi, the briefing's charts' settings)."""
    out = Path(run_dir) / CHART_DIR
    out.mkdir(parents=True, exist_ok=True)
    return save_figure(fig, out / f"{name}.png", dpi=150, bbox_inches="tight")


class Targets:
    """Targets and forecast of `step.year` from the indicator tables of step 02."""

    def __init__(self, step: Step):
        self.step, self.config, self.year, self.run_dir = step, step.config, step.year, step.run_dir
        self.out = Path(step.run_dir)
        self.registry = registry_for(self.config)
        self.mapping, self.names = self.registry.to_merged(), self.registry.names(MERGED_VINTAGE)
        # communes marked "thiếu số liệu" are left out of every year here, never counted as 0
        self.indicators, self.missing_note = measures.exclude_missing(
            store.load_table(self.run_dir, "indicators"), self.mapping
        )
        self.deprivations = store.load_optional_table(self.run_dir, "deprivations")
        monitoring = self.config.data.monitoring
        self.monitoring = read_monitoring(self.config.resolve(monitoring)) if monitoring else None
        self.years = history.review_years(self.indicators, self.year)
        self.can_forecast = history.enough_for_forecast(self.indicators, self.year, self.config)
        self.no_forecast = (
            ""
            if self.can_forecast
            else history.forecast_unavailable(self.indicators, self.year, self.config)
        )

    # ------------------------------------------------------------ shared pieces (lazily)
    @cached_property
    def final(self) -> pd.DataFrame | None:
        """The end-of-plan evaluation, from the target year on."""
        if self.year < self.config.periods.target_year:
            return None
        return final_evaluation(
            self.indicators, self.config, self.registry, self.deprivations, self.monitoring
        )

    @cached_property
    def result(self):
        if not self.can_forecast:
            return None
        return forecast(self.indicators, self.config, self.year, mapping=self.mapping,
                        names=self.names)  # fmt: skip

    @cached_property
    def merged(self):
        """The forecast on the units of the target year."""
        if self.result is None:
            return None
        vintage = self.config.vintage_for(self.config.periods.target_year)
        if self.result.vintage == vintage:
            return self.result
        return merge_units(self.result, self.mapping, self.names, vintage)

    def _no_forecast(self) -> Finding | None:
        return Finding.unavailable(self.no_forecast) if self.result is None else None

    # ------------------------------------------------------------ the sections
    def missing(self) -> Finding:
        """Communes left out for want of a list (run with --allow-incomplete), if any."""
        return Finding(self.missing_note or "Mọi xã đều có số liệu các năm được dùng ở đây.")

    def scorecard(self) -> Finding:
        """Every target, every year: the numbers and one verdict (the workbook's, the briefing's
        and the status map's)."""
        scorecard = build_scorecard(
            self.indicators[self.indicators["year"] <= self.year], self.config,
            self.deprivations, self.monitoring, mapping=self.mapping,
        )  # fmt: skip
        table = verdicts(scorecard, self.config, final=self.final)
        write_scorecard_xlsx(scorecard, self.out / f"bang_theo_doi_chi_tieu_{self.year}.xlsx",
                             self.config, self.missing_note, table)  # fmt: skip
        store.save_table(self.run_dir, "scorecard", scorecard)
        store.save_table(self.run_dir, "verdicts", table)
        self.verdict_table = table
        return Finding(
            [VERDICT_RULE_VI, describe_scorecard(table, self.year)],
            [wide_scorecard(table).fillna("–")],
        )

    def other_targets(self) -> Finding:
        """Targets not forecast (deprivations, programme records, communes to support)."""
        table = getattr(self, "verdict_table", None)
        if table is None:
            table = store.load_table(self.run_dir, "verdicts")
        projected = {t.id for t in forecast_targets(self.config)} if self.can_forecast else set()
        others = [t for t in self.config.targets if t.id not in projected]
        text = " ".join(describe_target_status(table, t.id, self.year, t.metric) for t in others)
        return Finding(
            text or "Kế hoạch trong cấu hình không có chỉ tiêu nào ngoài các chỉ tiêu được dự báo."
        )

    def model(self) -> Finding:
        """The forecast model, chosen by backtest."""
        if (none := self._no_forecast()) is not None:
            return none
        tables = [self.result.backtest] if self.result.backtest is not None else []
        return Finding(self.result.choice_reason, tables)

    def backtest(self) -> Finding:
        """Backtest by level and horizon: mean error and 80 % interval coverage per model."""
        rows = (
            backtest(self.indicators, self.config, self.mapping, self.names)
            if self.can_forecast
            else None
        )
        if rows is None or rows.empty:
            return Finding.unavailable(
                self.no_forecast
                or history.needs_more_years(
                    "Kiểm định ngược", self.years, history.MIN_FORECAST_YEARS
                )
            )
        table = calibration(rows)
        return Finding(_backtest_reading(table), [table])

    def predicted_vs_actual(self) -> Finding:
        """The forecast made from this year (or the year before) against the actual results."""
        indicators_all, _ = measures.exclude_missing(
            store.load_table(self.run_dir, "indicators_all"), self.mapping
        )
        check_year = self.year if indicators_all["year"].max() > self.year else self.year - 1
        check_years = history.review_years(indicators_all, check_year)
        if len(check_years) < MIN_YEARS:
            return Finding.unavailable(
                history.needs_more_years(
                    f"So sánh dự báo lập từ năm {check_year} với thực tế", check_years, MIN_YEARS
                )
            )
        pva = predicted_vs_actual(indicators_all, self.config, check_year, mapping=self.mapping,
                                  names=self.names)  # fmt: skip
        store.save_table(self.run_dir, "predicted_vs_actual", pva)
        model = self.result.model if self.result is not None else "trend"
        return Finding(describe_predicted_vs_actual(pva, model), [pva[pva["level"] == "district"]])

    def projections(self) -> Finding:
        """The district forecast with its 80 % and 95 % intervals."""
        if (none := self._no_forecast()) is not None:
            return none
        proj = projections(self.result)
        store.save_table(self.run_dir, "projections", proj)
        district = proj[proj["level"] == "district"]
        text = _projection_reading(district)
        return Finding(text, [district])

    def _fan(self, quantity: str) -> Path:
        return save_chart(plot_fan_chart(self.result, quantity, self.config), self.run_dir,
                          f"fan_{quantity}")  # fmt: skip

    def annual_fall(self) -> Finding:
        """The target on the yearly fall of the poor-household rate, with its fan chart."""
        text = describe_metric("poor_rate_annual_fall_pp", self.result, self.config,
                               self.no_forecast)  # fmt: skip
        show = self.result is not None and self.config.targets_with("poor_rate_annual_fall_pp")
        return Finding(text, figures=[self._fan("poor_rate")] if show else [])

    def counts(self) -> Finding:
        """The targets on poor and near-poor counts against the baseline, with fan charts."""
        text = describe_metric("count_ratio_to_baseline", self.result, self.config,
                               self.no_forecast)  # fmt: skip
        if self.result is None:
            return Finding(text)
        shown = {
            p for t in self.config.targets_with("count_ratio_to_baseline") for p in t.population
        }
        figures = [self._fan(f"n_{p}") for p in COUNT_POPULATIONS if p in shown]
        return Finding(text, figures=figures)

    def commune_multidim(self) -> Finding:
        """Each commune's multidimensional rate target, on the target year's units: the fan
        chart and the probability of meeting it per commune. Keeps the forecast's readings
        and charts for the briefing."""
        save_forecast_outputs(self.result, self.merged, self.config, self.run_dir,
                              self.no_forecast)  # fmt: skip
        text = describe_metric("commune_multidim_rate_pct", self.merged, self.config,
                               self.no_forecast)  # fmt: skip
        if self.merged is None:
            return Finding(text)
        figures = []
        probs = probabilities(self.merged, self.config)
        for t in self.config.targets_with("commune_multidim_rate_pct"):
            figures.append(self._fan("multidim_rate"))
            fig = plot_probabilities(probs, self.merged, self.config, t.id)
            figures.append(save_chart(fig, self.run_dir, f"probabilities_{t.id}"))
        return Finding(text, figures=list(dict.fromkeys(figures)))

    def required(self) -> Finding:
        """The probability of meeting each target and the fall still needed each year."""
        if (none := self._no_forecast()) is not None:
            return none
        probs = probabilities(self.result, self.config)
        required = required_reductions(self.result, self.config)
        store.save_table(self.run_dir, "probabilities", probs)
        store.save_table(self.run_dir, "required_reductions", required)
        return Finding(_probability_reading(probs), [required[required["level"] == "district"]])

    def proposals(self) -> Finding:
        """Next year's targets for the communes (editable workbook and Word file)."""
        if (none := self._no_forecast()) is not None:
            return none
        proposals = propose_targets(self.result, self.indicators, self.config)
        nxt = self.year + 1
        write_proposals_xlsx(proposals, self.out / f"chi_tieu_giam_ngheo_{nxt}.xlsx", self.config,
                             self.missing_note)  # fmt: skip
        write_proposals_docx(proposals, self.out / f"chi_tieu_giam_ngheo_{nxt}.docx", self.config,
                             self.missing_note)  # fmt: skip
        store.save_table(self.run_dir, "proposals", proposals)
        return Finding(describe_proposals(proposals), [display_table(proposals)])

    def final_evaluation(self) -> Finding:
        """The end-of-plan evaluation (from the target year's results on)."""
        if self.final is None:
            return Finding.unavailable(
                f"Chưa đến năm đánh giá cuối kỳ ({self.config.periods.target_year})."
            )
        store.save_table(self.run_dir, "final_evaluation", self.final)
        district = self.final[self.final["level"] == "district"]
        return Finding(describe_final(self.final), [vi_verdicts(district)])


def _backtest_reading(table: pd.DataFrame) -> str:
    """The smallest district error one year ahead, and its model's 80 % coverage."""
    from analysis.forecast.result import MODEL_LABELS_VI

    rows = table[table["level"] == "district"] if "level" in table else table
    rows = rows[rows["horizon"] == rows["horizon"].min()] if len(rows) else rows
    if rows.empty:
        return "Kiểm định ngược chưa có lần so sánh nào ở cấp huyện."
    best = rows.sort_values("mae_pp").iloc[0]
    return (
        f"Dự báo trước {int(best['horizon'])} năm cho toàn huyện: sai số trung bình nhỏ nhất là "
        f"{format_number(best['mae_pp'], 2)} điểm % ({MODEL_LABELS_VI.get(best['model'], best['model'])}"
        f"), khoảng 80% chứa {format_pct(best['coverage80'], 0)} giá trị thực tế."
    )


def _projection_reading(district: pd.DataFrame) -> str:
    """The poor-household rate forecast for the last projected year, with its 80 % interval."""
    rows = district[district["quantity"] == "poor_rate"]
    if rows.empty:
        return "Dự báo toàn huyện theo từng chỉ số, với khoảng tin cậy 80% và 95%."
    last = rows.sort_values("year").iloc[-1]
    return (
        f"Năm {int(last['year'])}, tỷ lệ hộ nghèo toàn huyện dự báo {format_pct(last['p50'], 2)} "
        f"(khoảng 80%: {format_pct(last['p10'], 2)} – {format_pct(last['p90'], 2)})."
    )


def _probability_reading(probs: pd.DataFrame) -> str:
    """The district's probability of meeting each forecast target in its year."""
    rows = probs[probs["level"] == "district"]
    if rows.empty:
        return "Không có chỉ tiêu toàn huyện nào được dự báo; mức giảm còn cần theo xã ở bảng dưới."
    last = rows.sort_values("year").groupby(["target_id", "population"], sort=False).tail(1)
    parts = [
        f"{r.target_id} ({POPULATION_LABELS_VI.get(r.population, r.population)}) năm "
        f"{int(r.year)}: {format_pct(r.probability, 0)}"
        for r in last.itertuples()
    ]
    return (
        "Xác suất đạt theo dự báo (toàn huyện): " + "; ".join(parts) + ". Bảng dưới: mức giảm "
        "còn cần mỗi năm để đạt từng chỉ tiêu."
    )
