"""Cohort charts and the map of relapse rates (drawn with the suite's map functions)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.sustainability.cohorts import DISTRICT, STATES
from analysis.sustainability.text import tr

STATE_COLOURS = {"poor": "#c0392b", "near_poor": "#f39c12", "out": "#7fb3d5", "absent": "#2e86c1"}


def plot_cohort_states(
    cohorts: pd.DataFrame,
    cohort: str = "exit_poor",
    commune: str = DISTRICT,
    lang: str | None = None,
) -> Figure | None:
    """One panel per cohort year: the cohort's households by state at each review after the
    move (stacked bars); None when there is no cohort."""
    rows = cohorts[(cohorts["cohort"] == cohort) & (cohorts["commune_code"] == commune)]
    years = sorted(int(y) for y in rows["cohort_year"].unique())
    if not years:
        return None
    fig = Figure(figsize=(2.2 * len(years) + 1.2, 3.4))
    axes = fig.subplots(1, len(years), sharey=True, squeeze=False)[0]
    for ax, year in zip(axes, years, strict=True):
        mine = rows[rows["cohort_year"] == year].sort_values("horizon")
        bottom = np.zeros(len(mine))
        for state in STATES:
            values = mine[f"n_{state}"].to_numpy(float)
            ax.bar(mine["horizon"], values, bottom=bottom, color=STATE_COLOURS[state],
                   label=tr(f"state_{state}", lang), width=0.7)  # fmt: skip
            bottom += values
        ax.set_title(str(year), fontsize=9)
        ax.set_xticks(range(int(mine["horizon"].max()) + 1))
        ax.set_xlabel(tr("chart_x", lang), fontsize=8)
        ax.tick_params(labelsize=8)
    axes[0].set_ylabel(tr("chart_y", lang), fontsize=8)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(STATES), fontsize=7, frameon=False)
    fig.suptitle(
        tr("chart_title", lang, cohort=tr(f"cohort_{cohort}", lang)),
        fontsize=10,
    )
    fig.subplots_adjust(bottom=0.3, top=0.82, wspace=0.08)
    return fig


def plot_relapse_rates(
    cohorts: pd.DataFrame, cohort: str = "exit_poor", lang: str | None = None
) -> Figure | None:
    """The district's rate one review after the move, by cohort year, with its 95 % interval."""
    rows = cohorts[
        (cohorts["cohort"] == cohort)
        & (cohorts["commune_code"] == DISTRICT)
        & (cohorts["horizon"] == 1)
    ].sort_values("cohort_year")
    if rows.empty:
        return None
    fig = Figure(figsize=(5.5, 3.2))
    ax = fig.subplots()
    x = rows["cohort_year"].astype(int).to_numpy()
    rate = 100 * rows["rate"].to_numpy(float)
    err = np.vstack([rate - 100 * rows["rate_lo"], 100 * rows["rate_hi"] - rate])
    ax.errorbar(x, rate, yerr=err, fmt="o-", color="#c0392b", capsize=4)
    ax.set_xticks(x)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(tr("chart_year", lang), fontsize=8)
    ax.set_ylabel("%", fontsize=8)
    ax.tick_params(labelsize=8)
    ax.set_title(tr("chart_rate_title", lang, rate_label=tr(f"rate_{cohort}", lang)), fontsize=9)
    fig.tight_layout()
    return fig


def relapse_map(
    relapse: pd.DataFrame,
    config,
    registry,
    year: int,
    crosswalk: Mapping[str, str] | None = None,
) -> Figure | None:
    """Choropleth of the one-year relapse rate of poor exits per commune (pooled over the
    cohort years), with the suite's rate-map layout; on the boundary file's units when they
    are later (counts summed through the crosswalk, rates recomputed)."""
    from analysis.geography import boundaries_for
    from analysis.maps import draw_rate_map, map_context

    rows = relapse[relapse["commune_code"] != DISTRICT]
    if rows.empty:
        return None
    data_vintage = config.vintage_for(year)
    vintage = max(data_vintage, config.boundaries.vintage if config.boundaries.path else 0)
    if vintage != data_vintage and crosswalk:
        rows = rows.assign(commune_code=rows["commune_code"].map(dict(crosswalk)))
        rows = rows.groupby("commune_code", as_index=False)[["n", "n_returned"]].sum()
        rows["rate"] = rows["n_returned"] / rows["n"].where(rows["n"] > 0)
    bounds = boundaries_for(config, registry, vintage)
    ctx = map_context(config, year, bounds, data_vintage)
    maps = config.maps
    if maps.scheme == "fixed":  # the fixed bins are for poverty rates, not relapse rates
        maps = maps.model_copy(update={"scheme": "natural_breaks", "bins": None})
    table = rows.assign(relapse_rate=rows["rate"].astype(float))
    return draw_rate_map(table, bounds, ctx, "relapse_rate", maps)


def save_relapse_map(fig: Figure, out_dir: str | Path, year: int) -> list[Path]:
    """The map as <out_dir>/<year>_relapse_rate.png/svg/pdf (as the other maps)."""
    from analysis.maps import save_figure

    return save_figure(fig, Path(out_dir), f"{year}_relapse_rate")
