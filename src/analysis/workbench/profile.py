"""Notebook 02's sections: the district's poverty profile from the tables step 01 saved.

Years with household lists give every analysis; years with only commune summary tables give
the counts and rates, and each analysis that needs households says so in one sentence
(`documents.NO_MICRODATA`) instead of showing numbers: the notebook never branches on it.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pandas as pd

from analysis import documents, history, ingest, measures, quality, store
from analysis.documents import summary_tables
from analysis.documents.briefing import save_profile_outputs
from analysis.registry import registry_for
from analysis.schema import DIMENSION_LABELS_VI
from analysis.vietnamese import format_pct
from analysis.workbench.display import Finding
from analysis.workbench.params import Step

K = 3  # deprivations from which a household counts as multidimensionally poor (Alkire–Foster)


def _needs_households(method):
    """A section that needs household lists of the year: otherwise the sentence why not."""

    def wrapper(self, *args, **kwargs):
        if not self.has_microdata:
            return Finding.unavailable(documents.NO_MICRODATA)
        return method(self, *args, **kwargs)

    wrapper.__name__, wrapper.__doc__ = method.__name__, method.__doc__
    return wrapper


class Profile:
    """The profile of `step.year`; building it saves the indicator tables of the run."""

    def __init__(self, step: Step):
        self.step, self.config, self.year, self.run_dir = step, step.config, step.year, step.run_dir
        self.registry = registry_for(self.config)
        self.mapping = self.registry.to_merged()
        run_dir, year = self.run_dir, self.year
        households_all = store.load_table(run_dir, "households")
        missing_lists = store.load_optional_table(run_dir, "missing_lists")
        # years read with another pseudonym key than the year before are not linkable: their
        # flows are "không tính được"
        key_years = store.load_optional_table(run_dir, "key_years")
        self.broken_years = ingest.key_breaks(key_years) if key_years is not None else []
        self.totals = store.load_table(run_dir, "totals")
        self.indicators_all = measures.indicators_from_inputs(
            households_all, self.totals, store.load_table(run_dir, "summary"),
            self.registry.names_by_vintage(), crosswalk=self.mapping, missing=missing_lists,
            broken_years=self.broken_years,
        )  # fmt: skip
        self.indicators = self.indicators_all[self.indicators_all["year"] <= year].reset_index(
            drop=True
        )
        self.district = measures.district_indicators(self.indicators, self.config.district.name)
        self.households = households_all[households_all["year"] <= year]
        # households whose list gives only the number of deprivations are left out of every
        # per-indicator figure (never counted as "not deprived"); a sentence says how many
        self.flagged = measures.with_indicator_flags(self.households)
        self.indicator_note = measures.describe_indicator_gap(self.households, year)
        self.standard = self.config.standard_for(year)
        self.has_microdata = bool((self.households["year"] == year).any())
        self.source = documents.review_source(self.config, year)
        store.save_table(run_dir, "indicators_all", self.indicators_all)
        store.save_table(run_dir, "indicators", self.indicators)
        store.save_table(run_dir, "district", self.district)
        if self.has_microdata:
            store.save_table(
                run_dir, "deprivations", measures.commune_deprivations(self.flagged, self.standard)
            )

    # ------------------------------------------------------------ shared pieces (lazily)
    @cached_property
    def this_year(self) -> pd.DataFrame:
        return self.households[self.households["year"] == self.year]

    @cached_property
    def this_flagged(self) -> pd.DataFrame:
        return self.flagged[self.flagged["year"] == self.year]

    @cached_property
    def whole(self) -> bool:
        """The lists cover every resident household (population figures, not list figures)."""
        return measures.covers_population(self.households, self.totals)

    @cached_property
    def audit_table(self) -> pd.DataFrame | None:
        if not self.has_microdata:
            return None
        audit = measures.audit_status(self.this_flagged, self.standard)
        store.save_table(self.run_dir, "audit", audit)
        return audit

    @cached_property
    def classes_table(self) -> pd.DataFrame:
        return measures.living_standard_classes(self.this_flagged, self.standard)

    @cached_property
    def headcounts(self) -> pd.DataFrame:
        whole = self.whole and not self.indicator_note
        return measures.deprivation_headcounts(
            self.this_flagged, self.standard, by=("year",), whole_population=whole
        )

    @cached_property
    def _af(self):
        population, population_vi = measures.af_population(
            self.flagged, self.whole and not self.indicator_note
        )
        return (
            population,
            population_vi,
            measures.alkire_foster(population, self.standard, k=K, by=("year",)),
        )

    @cached_property
    def this_population(self) -> pd.DataFrame:
        population = self._af[0]
        return population[population["year"] == self.year]

    @cached_property
    def groups_table(self) -> pd.DataFrame:
        return measures.group_rates(self.this_year, whole_population=self.whole)

    # ------------------------------------------------------------ the sections
    def district_trend(self) -> Finding:
        """The district over the years: households, poor and near-poor rates, change."""
        text = [documents.key_figures_text(self.district, self.year)]
        if measures.missing_communes(self.indicators, self.year):
            text.append(measures.describe_missing(self.indicators, self.year))
        return Finding(text, [documents.district_trend_table(self.district, self.source)])

    def communes(self) -> Finding:
        """The communes of the year, highest poor-household rate first."""
        return Finding(
            measures.describe_communes(self.indicators, self.year),
            [documents.commune_table(self.indicators, self.year, self.source)],
        )

    @_needs_households
    def rate_variants(self) -> Finding:
        """Person rates and rates without social-protection households unable to work."""
        variants = measures.rate_variants(self.households, self.indicators)
        shown = ["commune_name", "poor_rate", "multidim_rate", "poor_rate_excl_sp",
                 "multidim_rate_excl_sp", "poor_rate_persons"]  # fmt: skip
        district = measures.rate_variants(self.households, self.district)
        row = district[district["year"] == self.year].iloc[0]
        text = (
            f"Toàn huyện năm {self.year}: tỷ lệ hộ nghèo {format_pct(row['poor_rate'], 2)} theo "
            f"hộ, {format_pct(row['poor_rate_persons'], 2)} theo nhân khẩu; không tính hộ bảo "
            f"trợ xã hội không có khả năng lao động, tỷ lệ hộ nghèo là "
            f"{format_pct(row['poor_rate_excl_sp'], 2)}."
        )
        return Finding(text, [variants.loc[variants["year"] == self.year, shown]])

    def flows(self) -> Finding:
        """Flows of the year and the balance check (start - out + in = end)."""
        text = [
            measures.describe_flows(self.district, self.year, self.broken_years),
            measures.describe_flow_check(measures.check_flows(self.indicators)),
            measures.describe_flow_check(measures.check_continuity(self.indicators, self.mapping)),
        ]
        if not self.has_microdata:
            return Finding([*text, documents.NO_MICRODATA], available=False)
        table = measures.district_flows(self.households, self.year, self.mapping, self.broken_years)
        return Finding(text, [table])

    @_needs_households
    def audit(self) -> Finding:
        """Households whose classification differs from the standard's, with the reason."""
        text = [self.indicator_note] if self.indicator_note else []
        text.append(measures.describe_audit(self.audit_table, len(self.this_year), self.year))
        return Finding(text, [self.audit_table.head(20)])

    @_needs_households
    def classes(self) -> Finding:
        """The four living-standard classes, and low-income households (Decree 30/2025)."""
        table = measures.classes_table(self.classes_table, self.year)
        return Finding(self.classes_text, [table.rename(columns={"class_vi": "Nhóm"})])

    @cached_property
    def classes_text(self) -> str:
        return measures.describe_classes(self.classes_table, self.year, self.whole)

    @_needs_households
    def deprivation(self) -> Finding:
        """The share of poor and near-poor households deprived in each indicator."""
        table = measures.deprivation_table_vi(self.headcounts).reset_index()
        text = [measures.describe_deprivation(self.headcounts, p) for p in ("poor", "near_poor")]
        return Finding(text, [table])

    @_needs_households
    def alkire_foster(self) -> Finding:
        """Alkire–Foster H, A, M0 over the years and each dimension's contribution."""
        _, population_vi, af = self._af
        return Finding(
            [
                measures.describe_alkire_foster(af.summary, self.year, population_vi),
                measures.describe_contributions(af.dimensions, self.year, DIMENSION_LABELS_VI),
            ],
            [af.summary],
        )

    @_needs_households
    def decomposition(self) -> Finding:
        """Each commune's contribution to the district's M0."""
        parts = measures.decompose(
            measures.alkire_foster(
                self.this_population, self.standard, K, by=("year", "commune_code")
            )
        )
        names = self.registry.names(self.config.vintage_for(self.year))
        return Finding(measures.describe_decomposition(parts, self.year, names), [parts])

    @_needs_households
    def robustness(self) -> Finding:
        """The multidimensional headcount for thresholds k = 1…6."""
        robust = measures.robustness(self.this_population, self.standard)
        return Finding(measures.describe_robustness(robust, self.year), [robust])

    def change(self) -> Finding:
        """From the baseline year to the review year."""
        first = int(self.district["year"].min())
        if first >= self.year:
            return Finding.unavailable(
                history.needs_more_years(
                    "Thay đổi qua các năm",
                    history.review_years(self.district, self.year),
                    history.MIN_CHANGE_YEARS,
                )
            )
        rate = measures.change_over_time(
            self.district, first, self.year, ["poor_rate", "multidim_rate"]
        )
        text = [measures.describe_change(rate, "poor_rate", "tỷ lệ hộ nghèo", as_percent=True)]
        if self.has_microdata and first in set(self._af[2].summary["year"]):
            m0 = measures.change_over_time(self._af[2].summary, first, self.year, ["M0"])
            text.append(measures.describe_change(m0, "M0", "chỉ số M0"))
        return Finding(text)

    @_needs_households
    def groups(self) -> Finding:
        """Poor and near-poor households by target group."""
        return Finding(measures.describe_groups(self.groups_table, self.year), [self.groups_table])

    def quality(self) -> Finding:
        """Checks before use: valid rates, district = sum of communes, jumps, flows, audit."""
        qa = quality.quality_checks(
            self.indicators, self.district, self.mapping, self.audit_table, len(self.this_year)
        )
        store.save_table(self.run_dir, "quality", qa)
        return Finding(quality.describe_quality(qa), [qa])

    def save_readings(self) -> pd.DataFrame:
        """Keep the profile's readings (and the Alkire–Foster series) for the briefing."""
        if not self.has_microdata:
            return save_profile_outputs(
                self.run_dir, self.district, self.year, broken_years=self.broken_years
            )
        _, population_vi, af = self._af
        return save_profile_outputs(
            self.run_dir, self.district, self.year, self.headcounts, af.summary, af.dimensions,
            population_vi, self.groups_table, self.classes_text, broken_years=self.broken_years,
        )  # fmt: skip

    def summary_workbook(self) -> Finding:
        """The review's standard summary tables (Excel), written into the run folder."""
        config = self.config
        xlsx = summary_tables.write_summary_tables(
            Path(self.run_dir) / f"bieu_tong_hop_{self.year}.xlsx",
            self.indicators,
            self.year,
            district_title=(
                f"{config.district.type} {config.district.name}, tỉnh {config.district.province}"
            ),
            synthetic=config.data.synthetic,
            households=self.households,
            standard=self.standard,
        )
        return Finding(f"Biểu tổng hợp kết quả rà soát: {xlsx.name} (trong thư mục kết quả).")

    def sustainability(self) -> Finding:
        """Whether exits last: cohorts followed over later reviews, fragile exits, newly escaped
        households, the relapse rate in the forecast and the review's integrity signals; saves
        their tables, charts, relapse map and annex workbook for the briefing and factsheets."""
        from analysis import sustainability
        from analysis.documents import sustainability as doc_sustainability

        assessment = sustainability.assess(
            self.households if self.has_microdata else None, self.indicators_all, self.config,
            self.year, crosswalk=self.mapping, broken_years=self.broken_years,
        )  # fmt: skip
        paths = doc_sustainability.save_sustainability_outputs(
            self.run_dir, assessment, self.config, self.registry, self.mapping
        )
        section = doc_sustainability.sustainability_section(self.run_dir, self.year, self.config)
        blocks = list(section.blocks) if section is not None else []
        shown = {Path(b.path).resolve() for b in blocks if isinstance(b, documents.Figure)}
        if len(assessment.relapse):
            blocks.append(doc_sustainability.relapse_table(assessment.relapse))
        if len(assessment.signals.table):
            blocks.append(doc_sustainability.comparisons_table(assessment.signals.table, self.year))
        figures = [p for p in paths if p.suffix == ".png" and Path(p).resolve() not in shown]
        return Finding("", blocks, figures)
