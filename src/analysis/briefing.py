"""Assemble the briefing of a run from what its notebooks saved.

Each step saves its tables (and, for the forecast, its generated readings and
charts) in the run folder; the briefing reads them back, so it shows exactly the
numbers the steps computed. A section whose inputs a run did not produce (e.g.
microdata-only analyses on summary-table input) says so instead of showing numbers.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from analysis import documents as doc
from analysis import store
from analysis.config import Config
from analysis.labels import vi_table
from analysis.measures.describe import AF_TREND_CAVEAT_VI
from analysis.measures.rates import describe_missing, exclude_missing
from analysis.registry import MERGED_VINTAGE
from analysis.reproducible import save_figure
from analysis.vietnamese import format_number

CHART_DIR = "charts"
FAN_CHARTS = (
    ("poor_rate", "Tỷ lệ hộ nghèo toàn huyện: thực tế và dự báo"),
    ("n_poor_or_near_poor", "Số hộ nghèo và cận nghèo: thực tế và dự báo"),
)


def forecast_targets(config: Config) -> list:
    """The targets the forecast projects (by metric); the others are read from the scorecard."""
    from analysis.forecast.attainment import FORECAST_METRICS

    return config.targets_with(*FORECAST_METRICS)


def save_forecast_outputs(
    result, merged, config: Config, run_dir: str | Path, unavailable: str = ""
) -> list[Path]:
    """Keep the forecast's readings and fan charts for the briefing; return the chart paths.

    Without a forecast (`result` None: too short a history), the reading is `unavailable`."""
    from analysis.forecast.charts import plot_fan_chart
    from analysis.forecast.text import describe_target

    if result is None:
        readings = [("unavailable", unavailable)]
        store.save_table(
            run_dir, "forecast_readings", pd.DataFrame(readings, columns=["key", "text"])
        )
        return []
    readings = [("model", result.choice_reason)]
    for t in forecast_targets(config):
        on = merged if t.metric == "commune_multidim_rate_pct" else result
        readings.append((t.id, describe_target(t.id, on, config)))
    store.save_table(run_dir, "forecast_readings", pd.DataFrame(readings, columns=["key", "text"]))
    out = Path(run_dir) / CHART_DIR
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for quantity, _ in FAN_CHARTS:
        fig = plot_fan_chart(result, quantity, config)
        path = out / f"fan_{quantity}.png"
        save_figure(fig, path, dpi=150, bbox_inches="tight")
        plt.close(fig)
        paths.append(path)
    return paths


def save_profile_outputs(
    run_dir: str | Path,
    district: pd.DataFrame,
    year: int,
    headcounts: pd.DataFrame | None = None,
    af_summary: pd.DataFrame | None = None,
    af_dimensions: pd.DataFrame | None = None,
    population_vi: str = "",
    groups: pd.DataFrame | None = None,
    classes_text: str | None = None,
    broken_years: Collection[int] = (),
) -> pd.DataFrame:
    """Keep the poverty profile's readings (and the Alkire–Foster series) for the briefing.

    `broken_years`: years whose flows are not computable (`ingest.key_breaks`)."""
    from analysis import measures
    from analysis.schema import DIMENSION_LABELS_VI

    readings = [("flows", measures.describe_flows(district, year, broken_years))]
    if classes_text:
        readings.append(("classes", classes_text))
    if headcounts is not None:
        readings.append(("deprivation", measures.describe_deprivation(headcounts, "poor")))
    if af_summary is not None:
        readings.append(
            ("alkire_foster", measures.describe_alkire_foster(af_summary, year, population_vi))
        )
        store.save_table(run_dir, "alkire_foster", af_summary)
    if af_dimensions is not None:
        readings.append(
            (
                "contributions",
                measures.describe_contributions(af_dimensions, year, DIMENSION_LABELS_VI),
            )
        )
    if groups is not None:
        readings.append(("groups", measures.describe_groups(groups, year)))
    if headcounts is None:
        readings.append(("microdata", doc.NO_MICRODATA))
    table = pd.DataFrame(readings, columns=["key", "text"])
    store.save_table(run_dir, "profile_readings", table)
    return table


def _profile_section(run_dir: Path) -> doc.Section | None:
    readings = store.load_optional_table(run_dir, "profile_readings")
    if readings is None:
        return None
    blocks: list = [doc.Paragraph(t) for t in readings["text"]]
    af = store.load_optional_table(run_dir, "alkire_foster")
    if af is not None:
        table = pd.DataFrame(
            {
                "Năm": af["year"].astype(int).astype(str),
                "Số hộ được xét": af["n"].map(format_number),
                "Số hộ thiếu hụt từ k chỉ số (q)": af["q"].map(format_number),
                "H (tỷ lệ)": af["H"].map(doc.pct),
                "A (mức độ)": af["A"].map(doc.pct),
                "M0 = H × A": af["M0"].map(lambda x: format_number(x, 3)),
            }
        )
        blocks.append(
            doc.Table(
                table,
                "Chỉ số nghèo đa chiều Alkire–Foster (M0) của các hộ trong danh sách rà soát "
                "(k = 3 chỉ số, trọng số lồng nhau đều)",
                AF_TREND_CAVEAT_VI,
            )
        )
    return doc.Section("Biến động và thiếu hụt của hộ nghèo, hộ cận nghèo", blocks)


def _verdict_table(run_dir: Path, config: Config) -> pd.DataFrame | None:
    """The run's one verdict table (targets.verdicts, saved by notebook 04); for runs
    saved before it existed, computed from the scorecard and final evaluation."""
    table = store.load_optional_table(run_dir, "verdicts")
    if table is not None:
        return table
    scorecard = store.load_optional_table(run_dir, "scorecard")
    if scorecard is None:
        return None
    from analysis.targets import verdicts

    final = store.load_optional_table(run_dir, "final_evaluation")
    if final is not None and "verdict" not in final.columns:
        final = None
    return verdicts(scorecard, config, final=final)


def _targets_section(run_dir: Path, year: int, config: Config) -> doc.Section | None:
    scorecard = _verdict_table(run_dir, config)
    if scorecard is None:
        return None
    from analysis.forecast.text import describe_scorecard, describe_target_status
    from analysis.targets import VERDICT_RULE_VI
    from analysis.targets.reports import wide_scorecard

    wide = wide_scorecard(scorecard).fillna("–").astype(str)
    # forecast targets are read with their forecast below; the others one sentence each
    forecast = store.load_optional_table(run_dir, "forecast_readings")
    projected = set(forecast["key"]) if forecast is not None else set()
    others = [t for t in config.targets if t.id not in projected]
    readings = [
        doc.Paragraph(describe_target_status(scorecard, t.id, year, t.metric)) for t in others
    ]
    monitored = [t.id for t in config.targets if t.data_source == "monitoring"]
    source = "Kết quả rà soát"
    if monitored:
        note = ", minh họa" if config.data.synthetic else ""
        source += f"; sổ theo dõi chương trình ({len(monitored)} chỉ tiêu{note})"
    return doc.Section(
        "Thực hiện các chỉ tiêu của kế hoạch",
        [
            doc.Paragraph(describe_scorecard(scorecard, year)),
            doc.Paragraph(VERDICT_RULE_VI),
            doc.Table(
                wide,
                "Bảng theo dõi chỉ tiêu toàn huyện (giá trị – đánh giá)",
                source + ".",
            ),
            *readings,
        ],
    )


def _final_section(run_dir: Path, config: Config) -> doc.Section | None:
    table = _verdict_table(run_dir, config)
    if table is None or not (table["mode"] == "final").any():
        return None
    final = table[(table["mode"] == "final") & (table["year"] == table["year"].max())]
    from analysis.forecast.text import describe_final
    from analysis.targets import POPULATION_LABELS_VI

    district = final[final["level"] == "district"]
    order = {t.id: i for i, t in enumerate(config.targets)}
    last = district[district["year"] == district["year"].max()]
    last = last.sort_values("target_id", key=lambda ids: ids.map(order), kind="stable")

    def value_text(value: float, unit: object) -> str:
        if pd.isna(value):
            return "–"
        unit = unit if isinstance(unit, str) else ""
        digits = 0 if "xã" in unit and "%" not in unit else 2
        return f"{format_number(value, digits)} {unit}".strip()

    table = pd.DataFrame(
        {
            "Chỉ tiêu": last["target_label"],
            "Nhóm hộ": last["population"].map(POPULATION_LABELS_VI).fillna("–"),
            "Năm": last["year"].astype(int).astype(str),
            "Giá trị": [
                value_text(v, u)
                for v, u in zip(last["shown_value"], last["shown_unit"], strict=True)
            ],
            "Mức chỉ tiêu": [
                f"{c} {format_number(x, 2)}"
                for c, x in zip(last["comparator"], last["shown_threshold"], strict=True)
            ],
            "Cách tính": last["basis"].fillna("").astype(str),
            "Kết quả": last["verdict_vi"].fillna("–"),
        }
    )
    return doc.Section(
        f"Đánh giá cuối kỳ {config.periods.baseline_year + 1}–{config.periods.target_year}",
        [
            doc.Paragraph(describe_final(final)),
            doc.Table(
                table,
                "Kết quả cuối kỳ, toàn huyện (cũ)",
                f"Kết quả rà soát; các xã sau sắp xếp {MERGED_VINTAGE} được cộng dồn về địa giới "
                "huyện cũ.",
            ),
            *_final_commune_tables(final, config),
        ],
    )


def _final_commune_tables(final: pd.DataFrame, config: Config) -> list[doc.Table]:
    """Per merged commune, the count and commune-rate targets in the target year."""
    communes = final[(final["level"] == "commune") & (final["year"] == final["year"].max())]
    targets = config.targets_with("count_ratio_to_baseline", "commune_multidim_rate_pct")
    ids = [t.id for t in targets]
    communes = communes[communes["target_id"].isin(ids)]
    short = {t.id: f"Chỉ tiêu {i}" for i, t in enumerate(config.targets, 1)}
    if communes.empty:
        return []
    cells = communes.assign(
        column=communes["target_id"].map(short)
        + " "
        + communes["population"].fillna("").map(_short_population),
        cell=[
            f"{format_number(v, 2)} – {r}"
            for v, r in zip(
                communes["shown_value"], communes["verdict_vi"].fillna("–"), strict=True
            )
        ],
    )
    wide = cells.pivot_table(
        index="commune_name", columns="column", values="cell", aggfunc="last"
    ).reset_index()
    wide = wide.rename(columns={"commune_name": "Xã"}).fillna("–")
    wide.columns.name = None
    vintage = communes["vintage"].dropna()
    where = f"các xã kỳ {int(vintage.iloc[0])}" if len(vintage) else "các xã"
    return [
        doc.Table(
            wide,
            f"Kết quả cuối kỳ theo {where} (giá trị – kết quả)",
            "Số liệu đầu kỳ của các đơn vị cũ được cộng dồn theo xã mới.",
        )
    ]


def _short_population(population: str) -> str:
    return {
        "poor": "(nghèo)",
        "near_poor": "(cận nghèo)",
        "poor_or_near_poor": "(nghèo + cận nghèo)",
    }.get(population, "")


def _forecast_section(run_dir: Path, config: Config) -> doc.Section | None:
    readings = store.load_optional_table(run_dir, "forecast_readings")
    if readings is None:
        return None
    blocks: list = [doc.Paragraph(t) for t in readings["text"]]
    for quantity, caption in FAN_CHARTS:
        path = run_dir / CHART_DIR / f"fan_{quantity}.png"
        if path.exists():
            blocks.append(doc.Figure(path, caption))
    projections = store.load_optional_table(run_dir, "projections")
    if projections is None or projections.empty:
        return doc.Section("Dự báo", blocks)
    return doc.Section(f"Dự báo đến năm {int(projections['year'].max())}", blocks)


def _proposals_section(run_dir: Path, year: int) -> doc.Section | None:
    proposals = store.load_optional_table(run_dir, "proposals")
    if proposals is None:
        return None
    from analysis.forecast.text import describe_proposals
    from analysis.proposals import display_table, title

    return doc.Section(
        title(year + 1),
        [
            doc.Paragraph(describe_proposals(proposals)),
            doc.Table(
                vi_table(display_table(proposals)),
                title(year + 1),
                "Dự báo của bộ công cụ; bảng Excel, Word chỉnh sửa được đi kèm.",
            ),
        ],
    )


def _maps_section(run_dir: Path, year: int) -> doc.Section | None:
    shown = [
        ("poor_rate", "Tỷ lệ hộ nghèo theo xã"),
        ("change_poor_rate", "Thay đổi tỷ lệ hộ nghèo so với đầu kỳ"),
    ]
    figures = [
        doc.Figure(run_dir / "maps" / f"{year}_{stem}.png", caption)
        for stem, caption in shown
        if (run_dir / "maps" / f"{year}_{stem}.png").exists()
    ]
    if not figures:
        return None
    return doc.Section(
        "Bản đồ",
        [
            doc.Paragraph(
                "Toàn bộ bản đồ của năm (PNG 300 dpi, SVG, PDF) và tập bản đồ nằm trong thư mục maps/."
            ),
            *figures,
        ],
    )


def _quality_section(run_dir: Path) -> doc.Section | None:
    qa = store.load_optional_table(run_dir, "quality")
    if qa is None:
        return None
    from analysis.quality import describe_quality

    table = pd.DataFrame(
        {
            "Phép kiểm tra": qa["check"],
            "Số trường hợp cần xem": qa["n_failed"].map(format_number),
            "Số trường hợp đã xét": qa["n_checked"].map(format_number),
            "Chi tiết": qa["detail"].fillna(""),
        }
    )
    return doc.Section(
        "Kiểm tra số liệu",
        [
            doc.Paragraph(describe_quality(qa)),
            doc.Table(table, "Các phép kiểm tra số liệu của lượt chạy"),
        ],
    )


def _input_check_section(run_dir: Path) -> doc.Section | None:
    names = ("problems", "files", "rejects", "fuzzy_matches")
    tables = {n: store.load_optional_table(run_dir, n) for n in names}
    if any(t is None for t in tables.values()):
        return None
    from analysis.ingest import ValidationReport
    from analysis.ingest.report import problem_kinds

    report = ValidationReport(**tables)
    kinds = problem_kinds(report.problems)
    kinds = kinds.assign(**{c: kinds[c].map(format_number) for c in ("Số lần", "Số tệp")})
    return doc.Section(
        "Kiểm tra dữ liệu đầu vào",
        [
            doc.Paragraph(
                report.summary_sentence() + " Chi tiết từng dòng: kiem_tra_du_lieu.xlsx."
            ),
            doc.Table(kinds, "Các loại vấn đề được ghi nhận"),
        ],
    )


def key_change_text(run_dir: Path) -> str:
    """The changed-key warning of step 01 (earlier outputs made with another key), or ''."""
    from analysis.ingest import describe_key_change

    changes = store.load_optional_table(run_dir, "key_changes")
    key_years = store.load_optional_table(run_dir, "key_years")
    if changes is None or changes.empty or key_years is None or key_years.empty:
        return ""
    return describe_key_change(changes, str(key_years["fingerprint"].iloc[0]))


def _on_year_vintage(indicators: pd.DataFrame, year: int, config: Config) -> pd.DataFrame:
    """All years on the units of `year` (earlier vintages re-aggregated through the crosswalk)."""
    from analysis.geography import reaggregate
    from analysis.registry import registry_for

    return reaggregate(indicators, registry_for(config), config.vintage_for(year))


def _missing_texts(indicators: pd.DataFrame, year: int, config: Config) -> tuple[str, str]:
    """What the district totals leave out, and what the targets, forecast and proposals leave out."""
    from analysis.registry import registry_for

    _, excluded = exclude_missing(indicators, registry_for(config).to_merged())
    return describe_missing(indicators, year), excluded


def build_briefing(config: Config, year: int, run_dir: str | Path) -> list[doc.Section]:
    """The sections of the briefing, in reading order."""
    run_dir = Path(run_dir)
    source = doc.review_source(config, year)
    district = store.load_table(run_dir, "district")
    indicators = store.load_table(run_dir, "indicators")
    sections = [
        doc.header_section(config, year),
        doc.Section(
            "Kết quả chung của huyện",
            [
                doc.Paragraph(doc.key_figures_text(district, year)),
                *[doc.Paragraph(t) for t in _missing_texts(indicators, year, config) if t],
                *[doc.Paragraph(t) for t in (key_change_text(run_dir),) if t],
                doc.district_trend_table(district, source),
            ],
        ),
        doc.Section(
            "Kết quả theo xã",
            [doc.commune_table(_on_year_vintage(indicators, year, config), year, source)],
        ),
    ]
    sections += [
        s
        for s in (
            _profile_section(run_dir),
            _maps_section(run_dir, year),
            _final_section(run_dir, config),
            _targets_section(run_dir, year, config),
            _forecast_section(run_dir, config),
            _proposals_section(run_dir, year),
        )
        if s
    ]
    if config.allocation is not None and store.table_path(run_dir, "allocation").exists():
        result = store.load_table(run_dir, "allocation")
        missing = store.load_optional_table(run_dir, "allocation_missing")
        weights = store.load_optional_table(run_dir, "allocation_weights")
        sections.append(
            doc.Section(
                "Phân bổ ngân sách",
                [
                    doc.Paragraph(doc.allocation_text(result, config, missing, weights)),
                    doc.allocation_table(result, missing),
                ],
            )
        )
    sections += [s for s in (_quality_section(run_dir), _input_check_section(run_dir)) if s]
    return sections
