"""The map types: one function per map, each returning a finished matplotlib Figure.

Inputs are tables already at the vintage of the boundaries (see maps.mapset for the
re-aggregation); values are joined to polygons by commune_code.
"""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd
from matplotlib.figure import Figure

from analysis.geography import Boundaries
from analysis.maps.classify import Classes, classify, classify_diverging, classify_status
from analysis.maps.labels import place_labels
from analysis.maps.layout import (
    MAP_RECT,
    PANEL_X,
    MapContext,
    add_footer,
    add_legend,
    add_north_arrow,
    add_scalebar,
    corner_obstacles,
    draw_polygons,
    fit_extent,
    legend_handles,
    map_axes,
    new_page,
)
from analysis.maps.text import fmt_number, tr
from analysis.schema import DEPRIVATIONS

RATE_PALETTES = {"poor_rate": "YlOrRd", "near_poor_rate": "YlOrBr", "multidim_rate": "RdPu"}
DEPRIVATION_LABELS = {col: label for col, _, label in DEPRIVATIONS}


def values_by_polygon(gdf: gpd.GeoDataFrame, table: pd.DataFrame, column: str) -> pd.Series:
    """`column` of `table` for each polygon of `gdf` (NaN where the commune has no row)."""
    by_code = table.drop_duplicates("commune_code").set_index("commune_code")[column]
    return gdf["code"].map(by_code).reset_index(drop=True)


def _choropleth(
    boundaries: Boundaries,
    classes: Classes,
    value_texts: list[str],
    ctx: MapContext,
    title: str,
    legend_title: str,
    subtitle: str | None = None,
) -> Figure:
    gdf = boundaries.gdf.reset_index(drop=True)
    fig = new_page(title, ctx, subtitle)
    ax = map_axes(fig)
    draw_polygons(ax, gdf, classes)
    fit_extent(ax, gdf)
    add_scalebar(ax)
    add_north_arrow(ax, ctx.lang)
    points = gdf.geometry.representative_point()
    texts = [f"{n}\n{v}" if v else n for n, v in zip(gdf["name"], value_texts, strict=True)]
    order = list(gdf.area.sort_values().index)
    place_labels(ax, list(zip(points.x, points.y, strict=True)), texts, order, corner_obstacles(ax))
    has_missing = bool((classes.codes < 0).any())
    add_legend(fig, legend_handles(classes, has_missing, ctx.lang), legend_title)
    add_footer(fig, ctx)
    return fig


def draw_rate_map(
    indicators: pd.DataFrame, boundaries: Boundaries, ctx: MapContext, measure: str, maps_config
) -> Figure:
    """Poor, near-poor or multidimensional poverty rate (`measure`) of one year, in %."""
    values = values_by_polygon(boundaries.gdf, indicators, measure) * 100
    classes = classify(
        values,
        maps_config.scheme,
        maps_config.k,
        maps_config.bins,
        RATE_PALETTES.get(measure, "YlOrRd"),
        tr("pct", ctx.lang),
        ctx.lang,
    )
    texts = [f"{fmt_number(v, 1, ctx.lang)} %" if pd.notna(v) else "" for v in values]
    if "is_missing_list" in indicators:  # communes without a list say so on the map
        gap = values_by_polygon(boundaries.gdf, indicators, "is_missing_list")
        no_list = tr("no_data", ctx.lang).lower()
        texts = [no_list if g is True or g == 1 else t for t, g in zip(texts, gap, strict=True)]
    title = f"{tr(measure, ctx.lang)} {tr('by_commune', ctx.lang)}"
    return _choropleth(boundaries, classes, texts, ctx, title, tr(measure, ctx.lang) + " (%)")


def draw_change_map(
    current: pd.DataFrame,
    baseline: pd.DataFrame,
    boundaries: Boundaries,
    ctx: MapContext,
    baseline_year: int,
    measure: str = "poor_rate",
) -> Figure:
    """Change of `measure` since the baseline year, in percentage points, centred on 0."""
    now = values_by_polygon(boundaries.gdf, current, measure)
    then = values_by_polygon(boundaries.gdf, baseline, measure)
    change = (now - then) * 100
    classes = classify_diverging(change, unit=tr("pp", ctx.lang), lang=ctx.lang)
    texts = [fmt_number(v, 1, ctx.lang, signed=True) if pd.notna(v) else "" for v in change]
    title = tr("change", ctx.lang, baseline=baseline_year)
    subtitle = (
        f"{ctx.area} – {baseline_year}–{ctx.year}. {ctx.source}"
        if ctx.lang != "vi"
        else f"{ctx.area} – từ năm {baseline_year} đến năm {ctx.year}. {ctx.source}"
    )
    return _choropleth(
        boundaries, classes, texts, ctx, title, tr("legend_change", ctx.lang), subtitle
    )


def draw_status_map(
    status: pd.DataFrame, boundaries: Boundaries, ctx: MapContext, target_label: str | None = None
) -> Figure:
    """Target status per commune: met / on track / at risk / off track; else no data."""
    final = "mode" in status.columns and bool((status["mode"] == "final").any())
    values = values_by_polygon(boundaries.gdf, status, "status")
    classes = classify_status(values, ctx.lang, final)
    title = tr("status", ctx.lang) + (f": {target_label}" if target_label else "")
    texts = [""] * len(boundaries.gdf)
    return _choropleth(boundaries, classes, texts, ctx, title, tr("legend_status", ctx.lang))


def draw_budget_map(
    allocation: pd.DataFrame, boundaries: Boundaries, ctx: MapContext, maps_config
) -> Figure:
    """Allocated amount per poor household (million VND); communes without poor: no data."""
    per_poor = allocation["amount_million_vnd"] / allocation["n_poor"].where(
        allocation["n_poor"] > 0
    )
    values = values_by_polygon(boundaries.gdf, allocation.assign(per_poor=per_poor), "per_poor")
    scheme = "natural_breaks" if maps_config.scheme == "fixed" else maps_config.scheme
    classes = classify(values, scheme, maps_config.k, None, "YlGnBu", "", ctx.lang)
    texts = [fmt_number(v, 1, ctx.lang) if pd.notna(v) else "" for v in values]
    title = f"{tr('budget', ctx.lang)} {tr('by_commune', ctx.lang)}"
    subtitle = f"{ctx.area} – {tr('year', ctx.lang, year=ctx.year)}. " + tr(
        "budget_source", ctx.lang, year=ctx.year
    )
    return _choropleth(
        boundaries, classes, texts, ctx, title, tr("legend_budget", ctx.lang), subtitle
    )


def draw_disbursement_map(
    disbursement: pd.DataFrame, boundaries: Boundaries, ctx: MapContext, maps_config
) -> Figure:
    """Disbursed / allocated per commune (%); communes allocated nothing: no data."""
    rate = disbursement["disbursed_million_vnd"] / disbursement["amount_million_vnd"].where(
        disbursement["amount_million_vnd"] > 0
    )
    values = values_by_polygon(boundaries.gdf, disbursement.assign(rate=rate * 100), "rate")
    scheme = "natural_breaks" if maps_config.scheme == "fixed" else maps_config.scheme
    classes = classify(values, scheme, maps_config.k, None, "RdYlGn", "%", ctx.lang)
    texts = [fmt_number(v, 1, ctx.lang) + "%" if pd.notna(v) else "" for v in values]
    title = f"{tr('disbursement', ctx.lang)} {tr('by_commune', ctx.lang)}"
    subtitle = f"{ctx.area} – {tr('year', ctx.lang, year=ctx.year)}. " + tr(
        "disbursement_source", ctx.lang, year=ctx.year
    )
    return _choropleth(
        boundaries, classes, texts, ctx, title, tr("legend_disbursement", ctx.lang), subtitle
    )


def draw_deprivation_maps(
    deprivation: pd.DataFrame, boundaries: Boundaries, ctx: MapContext, maps_config
) -> Figure:
    """Small multiples: one panel per deprivation indicator, one shared classification (%)."""
    known = [c for c, _, _ in DEPRIVATIONS if c in set(deprivation["indicator"])]
    others = sorted(set(deprivation["indicator"]) - set(known))
    indicators = known + others
    gdf = boundaries.gdf.reset_index(drop=True)
    panels = {
        ind: values_by_polygon(gdf, deprivation[deprivation["indicator"] == ind], "rate") * 100
        for ind in indicators
    }
    scheme = "natural_breaks" if maps_config.scheme == "fixed" else maps_config.scheme
    pooled = pd.concat(panels.values(), ignore_index=True)
    shared = classify(pooled, scheme, maps_config.k, None, "cividis_r", "%", ctx.lang)
    fig = new_page(tr("deprivation", ctx.lang), ctx)
    cols = 4 if len(indicators) > 6 else 3
    rows = max(1, math.ceil(len(indicators) / cols))
    left, bottom, width, height = MAP_RECT
    cell_w, cell_h = width / cols, height / rows
    for i, ind in enumerate(indicators):
        r, c = divmod(i, cols)
        rect = (left + c * cell_w, bottom + (rows - 1 - r) * cell_h, cell_w * 0.96, cell_h * 0.84)
        ax = map_axes(fig, rect)
        codes = shared.codes[i * len(gdf) : (i + 1) * len(gdf)]
        draw_polygons(ax, gdf, Classes(shared.labels, shared.colors, codes), edge=0.3)
        fit_extent(ax, gdf, margin=0.02)
        ax.set_title(_short(DEPRIVATION_LABELS.get(ind, ind)), fontsize=8.5, pad=2)
    # Scale bar and north arrow beside the panels, on an empty axes at the panels' scale.
    key = map_axes(fig, (PANEL_X, 0.33, cell_w * 0.96, cell_h * 0.84))
    fit_extent(key, gdf, margin=0.02)
    add_scalebar(key, size=8)
    add_north_arrow(key, ctx.lang, x=0.85, y=(0.3, 0.6))
    has_missing = bool((shared.codes < 0).any())
    add_legend(
        fig, legend_handles(shared, has_missing, ctx.lang), tr("legend_deprivation", ctx.lang)
    )
    add_footer(fig, ctx)
    return fig


def _short(label: str, width: int = 30) -> str:
    """Break a long panel title on two lines."""
    if len(label) <= width:
        return label
    cut = label.rfind(" ", 0, width)
    return label[:cut] + "\n" + label[cut + 1 :]
