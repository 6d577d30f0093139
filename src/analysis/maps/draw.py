"""The map types: one function per map, each returning a finished matplotlib Figure.

Inputs are tables already at the vintage of the boundaries (see maps.mapset for the
re-aggregation); values are joined to polygons by commune_code.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from analysis.geography import Boundaries
from analysis.i18n import t
from analysis.maps.classify import Classes, classify, classify_diverging, classify_status
from analysis.maps.labels import overlapping_pairs, place_labels
from analysis.maps.layout import (
    LABEL_PT,
    MAP_RECT,
    MIN_PT,
    PAGE_IN,
    PANEL_LABEL_PT,
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
from analysis.maps.text import tr
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
    anchors = list(zip(points.x, points.y, strict=True))
    place_labels(ax, anchors, texts, order, corner_obstacles(ax), LABEL_PT, MIN_PT + 0.5)
    has_missing = bool((classes.codes < 0).any())
    add_legend(fig, legend_handles(classes, has_missing, ctx.lang), legend_title)
    add_footer(fig, ctx, classes.decimals)
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
    texts = [f"{classes.fmt(v, ctx.lang)} %" if pd.notna(v) else "" for v in values]
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
    texts = [classes.fmt(v, ctx.lang, signed=True) if pd.notna(v) else "" for v in change]
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
    label = t(target_label, lang=ctx.lang) if target_label else ""
    title = tr("status", ctx.lang) + (f": {label}" if label else "")
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
    texts = [classes.fmt(v, ctx.lang) if pd.notna(v) else "" for v in values]
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
    texts = [classes.fmt(v, ctx.lang) + " %" if pd.notna(v) else "" for v in values]
    title = f"{tr('disbursement', ctx.lang)} {tr('by_commune', ctx.lang)}"
    subtitle = f"{ctx.area} – {tr('year', ctx.lang, year=ctx.year)}. " + tr(
        "disbursement_source", ctx.lang, year=ctx.year
    )
    return _choropleth(
        boundaries, classes, texts, ctx, title, tr("legend_disbursement", ctx.lang), subtitle
    )


# Panels per page tried in turn: the first whose commune labels all fit without
# overlapping, with at most MAX_MOVED of them (or MIN_MOVED, for few communes) moved off
# their commune on a leader line, is used (12 indicators take 1, 2 or 3 pages); the last
# is used anyway. For each, the grid of (columns, rows) that draws the district largest.
PANELS_PER_PAGE = {12: ((4, 3), (3, 4)), 6: ((3, 2), (2, 3)), 4: ((2, 2),)}
MAX_MOVED = 0.4
MIN_MOVED = 4


def _grid(gdf: gpd.GeoDataFrame, grids) -> tuple[int, int]:
    """The grid whose panels hold the district at the largest scale."""
    x0, y0, x1, y1 = gdf.total_bounds
    page_w, page_h = MAP_RECT[2] * PAGE_IN[0], MAP_RECT[3] * PAGE_IN[1]

    def scale(grid):
        cols, rows = grid
        return min(page_w / cols / max(x1 - x0, 1e-9), page_h / rows / max(y1 - y0, 1e-9))

    return max(grids, key=scale)


def draw_deprivation_maps(
    deprivation: pd.DataFrame, boundaries: Boundaries, ctx: MapContext, maps_config
) -> list[Figure]:
    """Small multiples: one panel per deprivation indicator, one shared classification
    (whole percent), each commune's name and value on every panel. Returns the pages:
    one when the labels fit on a 4 x 3 grid, else as few pages of larger panels as fit."""
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
    shared = classify(pooled, scheme, maps_config.k, None, "cividis_r", "%", ctx.lang, decimals=0)
    options = list(PANELS_PER_PAGE.values())
    for n, grids in enumerate(options, start=1):
        last = n == len(options)
        pages = _deprivation_pages(indicators, panels, shared, gdf, ctx, _grid(gdf, grids), last)
        if pages:
            break
    return pages


def _deprivation_pages(
    indicators, panels, shared, gdf, ctx, grid, anyway: bool = False
) -> list[Figure]:
    """The pages of the small multiples on a `grid` (columns, rows); empty as soon as a
    panel's labels do not fit, unless `anyway`."""
    cols, rows = grid
    per_page = cols * rows
    chunks = [indicators[i : i + per_page] for i in range(0, len(indicators), per_page)]
    left, bottom, width, height = MAP_RECT
    cell_w, cell_h = width / cols, height / rows
    points = gdf.geometry.representative_point()
    anchors = list(zip(points.x, points.y, strict=True))
    order = list(gdf.area.sort_values().index)
    pages, fits = [], True
    for page_no, chunk in enumerate(chunks, start=1):
        title = tr("deprivation", ctx.lang)
        if len(chunks) > 1:
            title += " " + tr("page", ctx.lang, page=page_no, pages=len(chunks))
        fig = new_page(title, ctx)
        for i, ind in enumerate(chunk):
            r, c = divmod(i, cols)
            rect = (
                left + c * cell_w, bottom + (rows - 1 - r) * cell_h, cell_w * 0.96, cell_h * 0.86,
            )  # fmt: skip
            ax = map_axes(fig, rect)
            k = indicators.index(ind)
            codes = shared.codes[k * len(gdf) : (k + 1) * len(gdf)]
            draw_polygons(ax, gdf, Classes(shared.labels, shared.colors, codes), edge=0.3)
            fit_extent(ax, gdf, margin=0.02)
            label = t(DEPRIVATION_LABELS.get(ind, ind), lang=ctx.lang)
            ax.set_title(_short(label), fontsize=8.5, pad=2)
            values = panels[ind]
            texts = [
                f"{n}\n{shared.fmt(v, ctx.lang)}" if pd.notna(v) else n
                for n, v in zip(gdf["name"], values, strict=True)
            ]
            anns = place_labels(ax, anchors, texts, order, None, PANEL_LABEL_PT, MIN_PT)
            moved = sum(a.arrow_patch is not None for a in anns)
            fits = fits and moved <= max(MAX_MOVED * len(anns), MIN_MOVED)
            fits = fits and not overlapping_pairs(anns, fig.canvas.get_renderer())
            if not (fits or anyway):
                return []
        # Scale bar and north arrow beside the panels, on an empty axes at the panels' scale.
        key = map_axes(fig, (PANEL_X, 0.37, 0.22, 0.13))
        _same_scale(key, ax)
        add_scalebar(key, size=8)
        add_north_arrow(key, ctx.lang, x=0.85, y=(0.3, 0.6))
        has_missing = bool((shared.codes < 0).any())
        add_legend(
            fig, legend_handles(shared, has_missing, ctx.lang), tr("legend_deprivation", ctx.lang)
        )
        add_footer(fig, ctx, shared.decimals)
        pages.append(fig)
    return pages


def _same_scale(key: Axes, panel: Axes) -> None:
    """Give `key` the map scale of `panel` (data units per inch), so its scale bar holds."""
    fig_w, fig_h = panel.figure.get_size_inches()
    per_inch = (panel.get_xlim()[1] - panel.get_xlim()[0]) / (panel.get_position().width * fig_w)
    box = key.get_position()
    key.set_xlim(0, per_inch * box.width * fig_w)
    key.set_ylim(0, per_inch * box.height * fig_h)
    key.set_aspect("equal")


def _short(label: str, width: int = 30) -> str:
    """Break a long panel title on two lines."""
    if len(label) <= width:
        return label
    cut = label.rfind(" ", 0, width)
    return label[:cut] + "\n" + label[cut + 1 :]
