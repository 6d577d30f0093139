"""The sustainability analysis of one run year, from the run's households and indicators."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import pandas as pd

from analysis.sustainability.cohorts import (
    cohort_members,
    cohort_table,
    newly_escaped,
    pooled_rates,
)
from analysis.sustainability.forecast_link import RelapseLink, relapse_link
from analysis.sustainability.fragile import fragile_exits, fragile_summary
from analysis.sustainability.panel import Panel, build_panel
from analysis.sustainability.signals import Signals, integrity_signals

# Tables of a run (analysis.store names) the documents read back.
TABLES = {
    "cohorts": "sustainability_cohorts",
    "relapse": "sustainability_relapse",
    "newly_escaped": "sustainability_newly_escaped",
    "fragile": "sustainability_fragile",
    "fragile_summary": "sustainability_fragile_summary",
    "signals": "sustainability_signals",
    "signal_households": "sustainability_signal_households",
    "link": "sustainability_link",
    "flow_rates": "sustainability_flow_rates",
}


@dataclass(frozen=True)
class Assessment:
    """Everything the documents show, for review `year` on its units."""

    year: int
    members: pd.DataFrame  # cohorts.MEMBER_COLUMNS
    cohorts: pd.DataFrame  # cohorts.TABLE_COLUMNS
    relapse: pd.DataFrame  # one-year relapse of poor exits pooled over the years, per commune
    newly_escaped: pd.DataFrame
    fragile: pd.DataFrame
    fragile_summary: pd.DataFrame
    signals: Signals
    panel: Panel | None = None
    link: RelapseLink | None = None  # the forecast link (None: the flow model cannot run)

    def link_table(self) -> pd.DataFrame:
        """One row: the forecast link's figures and its sentence (empty without a link)."""
        columns = ["year", "target_year", "relapse_rate", "new_rate", "pool_now", "fall",
                   "fall_stressed", "factor", "share_at_risk", "text"]  # fmt: skip
        if self.link is None:
            return pd.DataFrame(columns=columns)
        k = self.link
        return pd.DataFrame(
            [[k.year, k.target_year, k.relapse_rate, k.new_rate, k.pool_now, k.fall,
              k.fall_stressed, k.factor, k.share_at_risk, k.sentence()]],
            columns=columns,
        )  # fmt: skip

    def tables(self) -> dict[str, pd.DataFrame]:
        """The run tables to save (analysis.store), by store name."""
        rates = self.link.rates if self.link is not None else pd.DataFrame()
        return {
            TABLES["link"]: self.link_table(),
            TABLES["flow_rates"]: rates,
            TABLES["cohorts"]: self.cohorts,
            TABLES["relapse"]: self.relapse,
            TABLES["newly_escaped"]: self.newly_escaped,
            TABLES["fragile"]: self.fragile,
            TABLES["fragile_summary"]: self.fragile_summary,
            TABLES["signals"]: self.signals.table,
            TABLES["signal_households"]: self.signals.households,
        }


def commune_table_on(indicators: pd.DataFrame, year: int, crosswalk: Mapping[str, str] | None):
    """The commune x year table up to `year` on `year`'s units (earlier vintages summed)."""
    from analysis.targets import reaggregate

    rows = indicators[indicators["year"] <= year]
    if not (rows["year"] == year).any():
        return rows.iloc[0:0]
    vintage = int(rows.loc[rows["year"] == year, "unit_vintage"].iloc[0])
    if (rows["unit_vintage"] != vintage).any() and crosswalk:
        rows = reaggregate(rows, crosswalk, vintage)
    rows = rows[rows["unit_vintage"] == vintage]
    counts = [c for c in rows.columns if c.startswith("n_")]
    return rows.assign(**{c: pd.to_numeric(rows[c], errors="coerce").astype(float) for c in counts})


def assess(
    households: pd.DataFrame | None,
    indicators: pd.DataFrame,
    config,
    year: int,
    *,
    crosswalk: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
    broken_years: Collection[int] = (),
    forecast: bool = True,
) -> Assessment:
    """Cohorts, fragile exits and integrity signals of review `year`, and (`forecast`) the
    relapse rates as the flow model's parameters. `households`: the run's household panel
    (None on summary-table input: only the commune-level signals)."""
    from analysis.measures import exclude_missing

    s = config.sustainability
    # communes marked "thiếu số liệu" in any year are left out of every comparison across
    # years (as the targets and the forecast leave them out); `names` keeps them all
    complete, _ = exclude_missing(indicators, crosswalk)
    table = commune_table_on(complete, year, crosswalk)
    if names is None:
        now = indicators[indicators["year"] == year]
        names = dict(zip(now["commune_code"].astype(str), now["commune_name"], strict=False))
    label = f"Toàn {config.district.type.lower()}"
    has_households = households is not None and bool((households["year"] == year).any())
    if has_households:
        hh = households[households["year"] <= year]
        panel = build_panel(hh, year, crosswalk=crosswalk, broken_years=broken_years)
        members = cohort_members(panel, s.horizons)
        escaped = newly_escaped(panel, year, s.newly_escaped_years)
        fragile = fragile_exits(
            hh, year, config.standard_for(year), margin=s.fragile_income_margin,
            min_deprivations=s.fragile_min_deprivations, broken_years=broken_years,
        )  # fmt: skip
    else:
        hh, panel, members = None, None, cohort_members_empty()
        escaped = pd.DataFrame(columns=["household_id", "commune_code", "exit_year", "listed_now"])
        fragile = fragile_exits(pd.DataFrame({"year": []}), year, config.standard_for(year))
    cohorts = cohort_table(members, names, label)
    relapse = pooled_rates(cohorts, "exit_poor", 1) if len(cohorts) else pooled_rates(cohorts)
    years = set(households["year"]) if households is not None else set()
    linked = has_households and year - 1 in years and year not in set(broken_years)
    summary = fragile_summary(fragile, names, label)
    if not linked:  # exits are not known: no row, never "0 exits"
        summary = summary.iloc[0:0]
    signals = integrity_signals(
        hh, table, year, config.standard_for(year), window=s.bunching_window, names=names,
        broken_years=broken_years,
    )  # fmt: skip
    link = relapse_link(panel, complete, config, year, crosswalk) if forecast else None
    return Assessment(
        year, members, cohorts, relapse, escaped, fragile,
        summary, signals, panel, link,
    )  # fmt: skip


def cohort_members_empty() -> pd.DataFrame:
    from analysis.sustainability.cohorts import MEMBER_COLUMNS

    return pd.DataFrame({c: pd.Series(dtype=object) for c in MEMBER_COLUMNS})
