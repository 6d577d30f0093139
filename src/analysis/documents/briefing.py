"""Assemble the briefing of a run from what its notebooks saved.

Each step saves its tables (and, for the forecast, its generated readings and
charts) in the run folder; the briefing reads them back, so it shows exactly the
numbers the steps computed. A section whose inputs a run did not produce (e.g.
microdata-only analyses on summary-table input) says so instead of showing numbers.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from analysis import documents as doc
from analysis import store
from analysis.config import Config
from analysis.documents.blocks import text
from analysis.documents.labels import vi_table
from analysis.documents.sustainability import sustainability_section
from analysis.i18n import t
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
    for x in forecast_targets(config):
        on = merged if x.metric == "commune_multidim_rate_pct" else result
        readings.append((x.id, describe_target(x.id, on, config)))
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
    blocks: list = [doc.Paragraph(x) for x in readings["text"]]
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
    """The run's one verdict table (targets.verdicts, saved by notebook 03); for runs
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
    others = [x for x in config.targets if x.id not in projected]
    readings = [
        doc.Paragraph(describe_target_status(scorecard, x.id, year, x.metric)) for x in others
    ]
    monitored = [x.id for x in config.targets if x.data_source == "monitoring"]
    source = t("Kết quả rà soát.")
    if monitored and config.data.synthetic:
        source = t(
            "Kết quả rà soát; sổ theo dõi chương trình ({n} chỉ tiêu, minh họa).", n=len(monitored)
        )
    elif monitored:
        source = t("Kết quả rà soát; sổ theo dõi chương trình ({n} chỉ tiêu).", n=len(monitored))
    return doc.Section(
        "Thực hiện các chỉ tiêu của kế hoạch",
        [
            doc.Paragraph(describe_scorecard(scorecard, year)),
            doc.Paragraph(VERDICT_RULE_VI),
            doc.Table(
                wide,
                "Bảng theo dõi chỉ tiêu toàn huyện (giá trị – đánh giá)",
                source,
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
    order = {x.id: i for i, x in enumerate(config.targets)}
    last = district[district["year"] == district["year"].max()]
    last = last.sort_values("target_id", key=lambda ids: ids.map(order), kind="stable")

    def value_text(value: float, unit: object) -> str:
        if pd.isna(value):
            return "–"
        unit = unit if isinstance(unit, str) else ""
        digits = 0 if "xã" in unit and "%" not in unit else 2
        return f"{format_number(value, digits)} {t(unit)}".strip()

    table = pd.DataFrame(
        {
            "Chỉ tiêu": last["target_label"].map(t),
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
        t(
            "Đánh giá cuối kỳ {first}–{last}",
            first=config.periods.baseline_year + 1,
            last=config.periods.target_year,
        ),
        [
            doc.Paragraph(describe_final(final)),
            doc.Table(
                table,
                "Kết quả cuối kỳ, toàn huyện (cũ)",
                t(
                    "Kết quả rà soát; các xã sau sắp xếp {vintage} được cộng dồn về địa giới "
                    "huyện cũ.",
                    vintage=MERGED_VINTAGE,
                ),
            ),
            *_final_commune_tables(final, config),
        ],
    )


def _final_commune_tables(final: pd.DataFrame, config: Config) -> list[doc.Table]:
    """Per merged commune, the count and commune-rate targets in the target year."""
    communes = final[(final["level"] == "commune") & (final["year"] == final["year"].max())]
    targets = config.targets_with("count_ratio_to_baseline", "commune_multidim_rate_pct")
    ids = [x.id for x in targets]
    communes = communes[communes["target_id"].isin(ids)]
    short = {target.id: t("Chỉ tiêu {n}", n=i) for i, target in enumerate(config.targets, 1)}
    if communes.empty:
        return []
    cells = communes.assign(
        column=communes["target_id"].map(short)
        + " "
        + communes["population"].fillna("").map(_short_population),
        cell=[
            f"{format_number(v, 2)} – {t(r)}"
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
    caption = (
        t(
            "Kết quả cuối kỳ theo các xã kỳ {vintage} (giá trị – kết quả)",
            vintage=int(vintage.iloc[0]),
        )
        if len(vintage)
        else t("Kết quả cuối kỳ theo các xã (giá trị – kết quả)")
    )
    return [doc.Table(wide, caption, "Số liệu đầu kỳ của các đơn vị cũ được cộng dồn theo xã mới.")]


def _short_population(population: str) -> str:
    return t(
        {
            "poor": "(nghèo)",
            "near_poor": "(cận nghèo)",
            "poor_or_near_poor": "(nghèo + cận nghèo)",
        }.get(population, "")
    )


def _forecast_section(run_dir: Path, config: Config) -> doc.Section | None:
    readings = store.load_optional_table(run_dir, "forecast_readings")
    if readings is None:
        return None
    blocks: list = [doc.Paragraph(x) for x in readings["text"]]
    for quantity, caption in FAN_CHARTS:
        path = run_dir / CHART_DIR / f"fan_{quantity}.png"
        if path.exists():
            blocks.append(doc.Figure(path, caption))
    projections = store.load_optional_table(run_dir, "projections")
    if projections is None or projections.empty:
        return doc.Section("Dự báo", blocks)
    return doc.Section(t("Dự báo đến năm {year}", year=int(projections["year"].max())), blocks)


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
    if any(x is None for x in tables.values()):
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
                report.summary_sentence()
                + " "
                + t("Chi tiết từng dòng: {file}.", file="kiem_tra_du_lieu.xlsx")
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


def _sub(title: str) -> doc.Paragraph:
    """A numbered sub-heading inside a part of the report (bold paragraph)."""
    return doc.Paragraph(f"**{title}**")


def _merge(title: str, parts: list[tuple[str, doc.Section | None]]) -> doc.Section | None:
    """One part of the report from the existing sections, each under a numbered sub-heading."""
    present = [(sub, s) for sub, s in parts if s is not None and s.blocks]
    if not present:
        return None
    blocks: list = []
    for i, (sub, section) in enumerate(present, start=1):
        if len(present) > 1:
            blocks.append(_sub(f"{i}. {text(sub or section.title)}"))
        blocks.extend(section.blocks)
    return doc.Section(title, blocks)


# ---------------------------------------------------------------- III. causes and shortcomings
CAUSE_PLACEHOLDERS = (
    "nguyên nhân khách quan (thiên tai, dịch bệnh, giá cả, việc làm) theo tình hình thực tế",
    "nguyên nhân chủ quan (chỉ đạo, điều hành, phối hợp, nguồn lực) và trách nhiệm",
    "bài học kinh nghiệm",
)
TOP_COMMUNES = 3


def _names(rows: pd.DataFrame, fmt) -> str:
    return ", ".join(fmt(r) for r in rows.itertuples())


NOT_A_MISS = ("met", "on_track", "no_data")  # statuses that need no explanation
# what a commune's value is, by the target's metric: "Sơn Kim 2 (tỷ lệ thiếu hụt 31,43 %)"
COMMUNE_VALUE_VI = {
    "commune_multidim_rate_pct": "tỷ lệ nghèo đa chiều",
    "commune_multidim_rate_pct_above": "tỷ lệ nghèo đa chiều",
    "deprivation_share_pct_max": "tỷ lệ hộ còn thiếu hụt",
    "monitoring_share_pct_min": "đạt",
    "count_ratio_to_baseline": "so với đầu kỳ",
}


def missed_targets_findings(
    scorecard: pd.DataFrame, year: int, config: Config | None = None
) -> list[str]:
    """For each district target missed or behind in `year`: its verdict and the communes
    furthest from the requirement (a commune's own value and unit)."""
    from analysis.targets import POPULATION_LABELS_VI

    this = scorecard[scorecard["year"] == year]
    district = this[(this["level"] == "district") & ~this["status"].isin(NOT_A_MISS)]
    several = this.groupby("target_id")["population"].nunique()
    out = []
    for r in district.itertuples():
        label = t(r.target_label)
        if several.get(r.target_id, 1) > 1:
            label += f" ({t(str(POPULATION_LABELS_VI.get(r.population, r.population))).lower()})"
        same = this[
            (this["level"] == "commune")
            & (this["target_id"] == r.target_id)
            & (this["population"] == r.population)
            & (this["status"] != "no_data")
        ]
        behind = same[~same["status"].isin(NOT_A_MISS)].dropna(subset=["value", "threshold"])
        status = t(str(r.status_vi)).lower()
        if len(behind):
            # a ceiling is missed from above, a floor from below: the furthest first
            ceiling = bool((behind["value"] > behind["threshold"]).mean() >= 0.5)
            worst = behind.sort_values("value", ascending=not ceiling).head(TOP_COMMUNES)
            what = _commune_value_words(config, r.target_id)
            names = ", ".join(
                f"{c.commune_name} ({what}{format_number(c.value, 2)} {t(_unit(c.unit))}".rstrip()
                + ")"
                for c in worst.itertuples()
            )
            out.append(
                t(
                    "{target}: {status} trên toàn địa bàn; {n_behind}/{n_communes} xã chưa đạt "
                    "yêu cầu, xa nhất: {names}.",
                    target=label,
                    status=status,
                    n_behind=len(behind),
                    n_communes=len(same),
                    names=names,
                )
            )
        else:
            out.append(t("{target}: {status} trên toàn địa bàn.", target=label, status=status))
    return out


def _commune_value_words(config: Config | None, target_id: str) -> str:
    if config is None:
        return ""
    try:
        words = COMMUNE_VALUE_VI.get(config.target(target_id).metric, "")
    except KeyError:
        return ""
    return f"{t(words)} " if words and words != "so với đầu kỳ" else ""


def _unit(unit: object) -> str:
    return unit if isinstance(unit, str) else ""


def deprivation_findings(deprivations: pd.DataFrame | None, year: int) -> str:
    """The indicators most poor households are deprived in, district-wide, this year."""
    if deprivations is None:
        return ""
    from analysis.schema import DEPRIVATIONS

    labels = {c: label for c, _, label in DEPRIVATIONS}
    poor = deprivations[(deprivations["year"] == year) & (deprivations["population"] == "poor")]
    if poor.empty:
        return ""
    sums = poor.groupby("indicator")[["n_deprived", "n_households"]].sum()
    sums = sums[sums["n_households"] > 0]
    rate = (sums["n_deprived"] / sums["n_households"]).sort_values(ascending=False).head(3)
    parts = ", ".join(
        t(
            "{indicator} ({n} hộ, {rate})",
            indicator=t(labels.get(i, i)).lower(),
            n=format_number(sums.loc[i, "n_deprived"]),
            rate=doc.pct(v),
        )
        for i, v in rate.items()
    )
    return t(
        "Các chỉ số hộ nghèo thiếu hụt nhiều nhất năm {year}: {parts}.", year=year, parts=parts
    )


def inflow_findings(district: pd.DataFrame, indicators: pd.DataFrame, year: int) -> str:
    """Relapses and newly poor this year, with the communes that had most of them."""
    now = district[district["year"] == year]
    if now.empty or pd.isna(now["n_poor_in_new"].iloc[0]):
        return ""
    row = now.iloc[0]
    relapsed, new = int(row["n_poor_in_relapsed"]), int(row["n_poor_in_new"])
    values = {
        "year": year,
        "relapsed": format_number(relapsed),
        "new": format_number(new),
        "start": format_number(int(row["n_poor_start"])),
    }
    com = indicators[indicators["year"] == year].dropna(subset=["n_poor_in_new"])
    com = com.assign(inflow=com["n_poor_in_relapsed"] + com["n_poor_in_new"])
    com = com[com["inflow"] > 0].sort_values(["inflow", "commune_name"], ascending=[False, True])
    if len(com):
        names = _names(
            com.head(TOP_COMMUNES),
            lambda c: t(
                "{commune} ({relapsed} tái nghèo, {new} phát sinh mới)",
                commune=c.commune_name,
                relapsed=format_number(int(c.n_poor_in_relapsed)),
                new=format_number(int(c.n_poor_in_new)),
            ),
        )
        return t(
            "Năm {year} có {relapsed} hộ tái nghèo và {new} hộ nghèo phát sinh mới (trên {start} "
            "hộ nghèo đầu năm); nhiều nhất ở {names}.",
            names=names,
            **values,
        )
    return t(
        "Năm {year} có {relapsed} hộ tái nghèo và {new} hộ nghèo phát sinh mới (trên {start} "
        "hộ nghèo đầu năm).",
        **values,
    )


def rising_communes_findings(indicators: pd.DataFrame, year: int) -> str:
    """Communes whose poor rate rose on last year (same unit vintage)."""
    now = indicators[indicators["year"] == year].set_index("commune_code")
    prev = indicators[indicators["year"] == year - 1]
    prev = prev[prev["unit_vintage"].isin(now["unit_vintage"].unique())].set_index("commune_code")
    change = (now["poor_rate"] - prev["poor_rate"].reindex(now.index)).dropna()
    up = change[change > 0].sort_values(ascending=False)
    if up.empty:
        return ""
    names = ", ".join(
        f"{now.loc[c, 'commune_name']} ({doc.pp(v)})" for c, v in up.head(TOP_COMMUNES).items()
    )
    return t(
        "{n} xã có tỷ lệ hộ nghèo tăng so với năm {year}, tăng nhiều nhất: {names}.",
        n=len(up),
        year=year - 1,
        names=names,
    )


def _causes_section(
    run_dir: Path, district: pd.DataFrame, indicators: pd.DataFrame, year: int, config: Config
) -> doc.Section:
    blocks: list = []
    scorecard = store.load_optional_table(run_dir, "scorecard")
    texts = missed_targets_findings(scorecard, year, config) if scorecard is not None else []
    texts += [
        deprivation_findings(store.load_optional_table(run_dir, "deprivations"), year),
        inflow_findings(district, indicators, year),
        rising_communes_findings(indicators, year),
    ]
    texts = [x for x in texts if x]
    if texts:
        blocks.append(_sub("1. " + t("Những tồn tại thể hiện qua số liệu")))
        blocks += [doc.Paragraph(x) for x in texts]
    blocks.append(_sub(f"{2 if texts else 1}. " + t("Nguyên nhân và bài học kinh nghiệm")))
    blocks += [doc.Placeholder(w) for w in CAUSE_PLACEHOLDERS]
    return doc.Section("III. NGUYÊN NHÂN, TỒN TẠI, HẠN CHẾ", blocks)


# ---------------------------------------------------------------- sources, method, annexes
def _method_section(config: Config, year: int, source: str) -> doc.Section:
    unverified = [
        f"{t(x.label)} ({t(x.source)})" for x in config.targets if not getattr(x, "verified", True)
    ]
    blocks = [
        doc.Paragraph(t("Nguồn số liệu: {source}", source=source)),
        doc.Paragraph(
            "Phương pháp: số hộ, tỷ lệ và biến động được tính từ danh sách rà soát của các xã "
            "và tổng số hộ dân cư; đánh giá chỉ tiêu theo quy tắc của kế hoạch; dự báo theo mô "
            "hình nêu ở mục IV. Số liệu chính thức là kết quả rà soát đã được phê duyệt; phân "
            "loại tính lại theo chuẩn chỉ dùng để kiểm tra (Phụ lục 1)."
        ),
    ]
    if unverified:
        blocks.append(
            doc.Paragraph(t("Giả định chưa được kiểm chứng: {what}.", what="; ".join(unverified)))
        )
    if config.allocation is not None and config.allocation.illustrative:
        blocks.append(
            doc.Paragraph(
                "Giả định chưa được kiểm chứng: nguồn vốn, tiêu chí và trọng số phân bổ ngân "
                "sách chỉ mang tính minh họa."
            )
        )
    return doc.Section("NGUỒN SỐ LIỆU, PHƯƠNG PHÁP VÀ GIẢ ĐỊNH", blocks)


def _audit_annex(run_dir: Path, indicators: pd.DataFrame, year: int) -> doc.Section | None:
    audit = store.load_optional_table(run_dir, "audit")
    if audit is None:
        return None
    from analysis.measures import describe_audit
    from analysis.schema import STATUS_LABELS_VI

    households = store.load_optional_table(run_dir, "households")
    n_reviewed = (
        int((households["year"] == year).sum())
        if households is not None and "year" in households
        else int(indicators.loc[indicators["year"] == year, "n_households"].sum())
    )
    blocks: list = [
        doc.Paragraph(
            "Phụ lục này so sánh phân loại ghi trong danh sách rà soát với phân loại tính lại "
            "theo chuẩn nghèo từ thu nhập và số chỉ số thiếu hụt của từng hộ. Đây là kết quả "
            "kiểm tra, không thay thế kết quả rà soát đã được phê duyệt."
        ),
        doc.Paragraph(describe_audit(audit, n_reviewed, year)),
    ]
    if len(audit):
        names = indicators.drop_duplicates("commune_code").set_index("commune_code")
        table = (
            audit.assign(
                commune=audit["commune_code"]
                .map(names["commune_name"])
                .fillna(audit["commune_code"])
            )
            .groupby(["commune", "reported_status", "computed_status"])
            .size()
            .reset_index(name="n")
            .sort_values(["commune", "reported_status"])
        )
        blocks.append(
            doc.Table(
                pd.DataFrame(
                    {
                        "Xã": table["commune"].astype(str),
                        "Phân loại trong danh sách": table["reported_status"].map(STATUS_LABELS_VI),
                        "Phân loại tính lại theo chuẩn": table["computed_status"].map(
                            STATUS_LABELS_VI
                        ),
                        "Số hộ": table["n"].map(format_number),
                    }
                ),
                t("Số hộ có phân loại khác kết quả tính lại theo chuẩn, năm {year}", year=year),
                "Danh sách rà soát; tính lại theo chuẩn nghèo đa chiều.",
            )
        )
    return doc.Section("PHỤ LỤC 1. KIỂM TRA PHÂN LOẠI HỘ TÍNH LẠI THEO CHUẨN", blocks)


def _budget_section(run_dir: Path, config: Config) -> doc.Section | None:
    if config.allocation is None:
        return None
    if not store.table_path(run_dir, "allocation").exists():
        # step 04 ran and allocated nothing (no envelopes for the budget year): said so
        status = store.load_optional_table(run_dir, "budget_status")
        if status is None or status.empty or bool(status["available"].iloc[0]):
            return None
        year = status["budget_year"].iloc[0] if "budget_year" in status.columns else None
        sentence = (
            t("Chưa phân bổ ngân sách cho các xã: tệp nguồn vốn chưa có nguồn vốn nào của năm "
              "ngân sách {year}.", year=int(year)) if year is not None
            else t("Chưa phân bổ ngân sách cho các xã: tệp nguồn vốn chưa có nguồn vốn nào của "
                   "năm ngân sách này.")
        )  # fmt: skip
        return doc.Section("Phân bổ ngân sách", [doc.Paragraph(sentence)])
    result = store.load_table(run_dir, "allocation")
    missing = store.load_optional_table(run_dir, "allocation_missing")
    weights = store.load_optional_table(run_dir, "allocation_weights")
    return doc.Section(
        "Phân bổ ngân sách",
        [
            doc.Paragraph(doc.allocation_text(result, config, missing, weights)),
            doc.allocation_table(result, missing),
        ],
    )


def _proposals_part(run_dir: Path, year: int) -> doc.Section:
    proposals = _proposals_section(run_dir, year)
    blocks: list = []
    if proposals is not None:
        blocks.append(_sub(f"1. {text(proposals.title)}"))
        blocks += proposals.blocks
    n = 2 if proposals is not None else 1
    blocks.append(_sub(f"{n}. " + t("Nhiệm vụ, giải pháp và kiến nghị")))
    blocks += [
        doc.Placeholder(t("nhiệm vụ, giải pháp trọng tâm năm {year}", year=year + 1)),
        doc.Placeholder("kiến nghị, đề xuất với cấp trên"),
    ]
    return doc.Section("VII. ĐỀ XUẤT, KIẾN NGHỊ", blocks)


def build_briefing(
    config: Config, year: int, run_dir: str | Path, day: date | None = None
) -> list[doc.Section]:
    """The sections of the briefing in the order of a district report (Decree 30/2020 layout):
    letterhead; I. results of the review; II. targets; III. causes and shortcomings; IV.
    forecast; V. maps; VI. budget; VII. proposals; sources and method; the closing
    (recipients, signature); annexes (status audit, data checks). `day`: the document's date
    (default: the run's date)."""
    run_dir = Path(run_dir)
    source = doc.review_source(config, year)
    district = store.load_table(run_dir, "district")
    indicators = store.load_table(run_dir, "indicators")
    results = doc.Section(
        "Kết quả chung",
        [
            doc.Paragraph(doc.key_figures_text(district, year)),
            *[doc.Paragraph(x) for x in _missing_texts(indicators, year, config) if x],
            *[doc.Paragraph(x) for x in (key_change_text(run_dir),) if x],
            doc.district_trend_table(district, source),
        ],
    )
    communes = doc.Section(
        "Kết quả theo xã",
        [doc.commune_table(_on_year_vintage(indicators, year, config), year, source)],
    )
    parts = [
        _merge(
            t("I. KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {year}", year=year),
            [
                ("", results),
                ("", communes),
                ("", _profile_section(run_dir)),
                ("", sustainability_section(run_dir, year, config)),
            ],  # fmt: skip
        ),
        _merge(
            "II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
            [("", _final_section(run_dir, config)), ("", _targets_section(run_dir, year, config))],
        ),
        _causes_section(run_dir, district, indicators, year, config),
        _merge(
            "IV. DỰ BÁO VÀ TỐC ĐỘ GIẢM NGHÈO CẦN THIẾT", [("", _forecast_section(run_dir, config))]
        ),
        _merge("V. BẢN ĐỒ", [("", _maps_section(run_dir, year))]),
        _merge("VI. NGÂN SÁCH", [("", _budget_section(run_dir, config))]),
        _proposals_part(run_dir, year),
        _method_section(config, year, source),
    ]
    annexes = [
        _audit_annex(run_dir, indicators, year),
        _merge(
            "PHỤ LỤC 2. KIỂM TRA SỐ LIỆU VÀ DỮ LIỆU ĐẦU VÀO",
            [("", _quality_section(run_dir)), ("", _input_check_section(run_dir))],
        ),
    ]
    annexes = [a for a in annexes if a]
    for annex in annexes:
        annex.new_page = True
    closing = doc.Section("", [doc.closing(config, year)])
    return [doc.header_section(config, year, day), *[p for p in parts if p], closing, *annexes]
