"""Print layout of a map page (A4 landscape): title, subtitle, map, legend, scale bar,
north arrow, boundary and data source, date, schematic and synthetic stamps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.path import Path as MplPath
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox
from matplotlib_scalebar.scalebar import ScaleBar

from analysis.geography import SCHEMATIC_NOTE
from analysis.i18n import t
from analysis.maps.classify import Classes
from analysis.maps.text import class_rule, fmt_date, fmt_years, tr
from analysis.registry import LEGACY_VINTAGE
from analysis.reproducible import run_date

PAGE_IN = (11.69, 8.27)
MAP_RECT = (0.02, 0.10, 0.65, 0.77)  # left, bottom, width, height (figure fraction)
PANEL_X = 0.69
FONT = "DejaVu Sans"  # matplotlib's default family; covers Vietnamese
# Font sizes in points on the A4 page (the figure is A4, so matplotlib points are print
# points): nothing a reader needs is smaller than MIN_PT.
MIN_PT = 6.0
LABEL_PT = 7.5  # commune name and value on a one-map page
PANEL_LABEL_PT = 6.5  # commune name and value on a small-multiple panel
NOTE_PT = 9.0  # the re-aggregation note
NO_DATA_HATCH = "////"
NO_DATA_FACE = "0.85"  # "Thiếu số liệu": hatched light grey, never a colour of the scale


@dataclass(frozen=True)
class MapContext:
    """What every map of a run says about itself."""

    area: str  # "Huyện Hương Sơn, tỉnh Hà Tĩnh"
    year: int
    source: str
    boundary_source: str
    is_schematic: bool
    synthetic: bool
    made_on: date = field(default_factory=run_date)
    lang: str = "vi"
    notes: tuple[str, ...] = ()


def map_context(config, year: int, boundaries, data_vintage: int, made_on: date | None = None):
    """The MapContext of `year` drawn on `boundaries` (analysis.geography.Boundaries)."""
    d, lang = config.district, config.language
    key = "area_2024" if boundaries.vintage == LEGACY_VINTAGE else "area_2025"
    unit = d.type.lower() if lang == "vi" else t(d.type.lower(), lang=lang)  # "huyện"/"district"
    area = tr(key, lang, type=unit.capitalize() if lang == "vi" else unit, type_lower=unit,
              name=d.name, province=d.province)  # fmt: skip
    notes = reaggregation_notes({year: data_vintage}, boundaries.vintage, lang)
    return MapContext(
        area=area,
        year=year,
        source=tr("source", lang, year=year),
        boundary_source=t(SCHEMATIC_NOTE, lang=lang)
        if boundaries.is_schematic
        else boundaries.source,
        is_schematic=boundaries.is_schematic,
        synthetic=config.data.synthetic,
        made_on=made_on or run_date(),
        lang=lang,
        notes=notes,
    )


def reaggregation_notes(vintages: dict[int, int], map_vintage: int, lang: str) -> tuple[str, ...]:
    """The note a map carries when data of earlier unit vintages ({data year: vintage})
    were summed into its communes; none when every table is already at `map_vintage`."""
    years = [y for y, v in vintages.items() if v is not None and int(v) != int(map_vintage)]
    return (tr("reaggregated", lang, years=fmt_years(years, lang)),) if years else ()


TITLE_CHARS = 66


def new_page(title: str, ctx: MapContext, subtitle: str | None = None) -> Figure:
    """An empty A4 landscape page with title and subtitle (year and data source)."""
    fig = Figure(figsize=PAGE_IN)
    FigureCanvasAgg(fig)
    # long titles (a target's full wording) shrink to stay clear of the "synthetic" mark
    size = 16 if len(title) <= TITLE_CHARS else max(10.0, 16 * TITLE_CHARS / len(title))
    fig.text(0.02, 0.955, title, fontsize=size, weight="bold", va="center")
    line = subtitle or f"{ctx.area} – {tr('year', ctx.lang, year=ctx.year)}. {ctx.source}"
    fig.text(0.02, 0.935, _wrap(line, 130), fontsize=10.5, va="top", color="0.15")
    if ctx.synthetic:
        fig.text(
            0.98, 0.955, tr("synthetic", ctx.lang), fontsize=11, weight="bold", color="#B2182B",
            ha="right", va="center",
            bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": "#B2182B", "lw": 1.2},
        )  # fmt: skip
    return fig


def map_axes(fig: Figure, rect=MAP_RECT) -> Axes:
    ax = fig.add_axes(rect)
    ax.set_axis_off()
    return ax


def polygon_path(geom) -> MplPath:
    """A matplotlib Path of a (Multi)Polygon or the polygons of a GeometryCollection."""
    polys = [
        g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")
    ]
    rings = [
        ring
        for poly in polys
        for part in getattr(poly, "geoms", [poly])
        for ring in (part.exterior, *part.interiors)
    ]
    verts = [np.asarray(r.coords)[:, :2] for r in rings]
    codes = [
        [MplPath.MOVETO] + [MplPath.LINETO] * (len(v) - 2) + [MplPath.CLOSEPOLY] for v in verts
    ]
    return MplPath(np.concatenate(verts), np.concatenate(codes).astype(MplPath.code_type))


def _add(ax: Axes, geoms, **style) -> None:
    ax.add_collection(PathCollection([polygon_path(g) for g in geoms], **style))


def draw_polygons(ax: Axes, gdf: gpd.GeoDataFrame, classes: Classes, edge: float = 0.6) -> None:
    """Fill each polygon with its class colour; no data hatched; outline the district."""
    colors = classes.color_of()
    filled = [(g, c) for g, c in zip(gdf.geometry, colors, strict=True) if c is not None]
    missing = [g for g, c in zip(gdf.geometry, colors, strict=True) if c is None]
    if filled:
        _add(ax, [g for g, _ in filled], facecolors=[c for _, c in filled], edgecolors="none")
    if missing:
        _add(ax, missing, facecolors=NO_DATA_FACE, edgecolors="0.4", hatch=NO_DATA_HATCH, lw=0)
    _add(ax, gdf.geometry, facecolors="none", edgecolors="0.3", linewidths=edge)
    _add(ax, [gdf.union_all()], facecolors="none", edgecolors="0.05", linewidths=1.4)


def fit_extent(ax: Axes, gdf: gpd.GeoDataFrame, margin: float = 0.06) -> None:
    """Centre the polygons in the axes at equal scale, filling the axes' box."""
    x0, y0, x1, y1 = gdf.total_bounds
    w, h = (x1 - x0) * (1 + 2 * margin), (y1 - y0) * (1 + 2 * margin)
    box = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    ratio = (box.height * fig_h) / (box.width * fig_w)
    w, h = (h / ratio, h) if h / w > ratio else (w, w * ratio)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    ax.set_xlim(cx - w / 2, cx + w / 2)
    ax.set_ylim(cy - h / 2, cy + h / 2)
    ax.set_aspect("equal")


def add_scalebar(ax: Axes, size: float = 8) -> None:
    ax.add_artist(
        ScaleBar(
            1, "m", location="lower left", box_alpha=0.85, length_fraction=0.22,
            font_properties={"size": size, "family": FONT}, scale_loc="top",
        )
    )  # fmt: skip


def add_north_arrow(
    ax: Axes, lang: str = "vi", x: float = 0.955, y: tuple[float, float] = (0.86, 0.95)
) -> None:
    """A north arrow from y[0] to y[1] (axes fraction) at x, with "B" (Bắc) above it."""
    ax.annotate(
        "", xy=(x, y[1]), xytext=(x, y[0]), xycoords="axes fraction",
        arrowprops={"facecolor": "black", "edgecolor": "black", "width": 3, "headwidth": 10},
    )  # fmt: skip
    ax.annotate(tr("north", lang), (x, y[1]), xycoords="axes fraction", xytext=(0, 9),
                textcoords="offset points", ha="center", va="center", fontsize=12,
                weight="bold")  # fmt: skip


def corner_obstacles(ax: Axes) -> list[Bbox]:
    """Display boxes of the scale bar and north arrow corners, kept free of labels."""
    frame = ax.get_window_extent(ax.figure.canvas.get_renderer())

    def part(x0, y0, x1, y1):
        w, h = frame.width, frame.height
        return Bbox.from_extents(
            frame.x0 + x0 * w, frame.y0 + y0 * h, frame.x0 + x1 * w, frame.y0 + y1 * h
        )

    return [part(0, 0, 0.30, 0.11), part(0.91, 0.83, 1, 1)]


def legend_handles(classes: Classes, has_missing: bool, lang: str) -> list[Patch]:
    handles = [
        Patch(facecolor=c, edgecolor="0.35", lw=0.5, label=lab)
        for c, lab in zip(classes.colors, classes.labels, strict=True)
    ]
    if has_missing:
        handles.append(
            Patch(
                facecolor=NO_DATA_FACE,
                edgecolor="0.4",
                hatch=NO_DATA_HATCH,
                label=tr("no_data", lang),
            )
        )
    return handles


def add_legend(fig: Figure, handles: list[Patch], title: str, top: float = 0.86) -> None:
    fig.legend(
        handles=handles, title=_wrap(title, 34), loc="upper left", bbox_to_anchor=(PANEL_X, top),
        frameon=False, fontsize=10, title_fontsize=10.5, handlelength=2.2, handleheight=1.4,
        alignment="left",
    )  # fmt: skip


def add_footer(fig: Figure, ctx: MapContext, decimals: int | None = None) -> None:
    """Boundary source, class rule and date in the side panel, the re-aggregation note in
    bold above them; the schematic stamp under the map. `decimals`: of numeric classes."""
    lines = [tr("boundary", ctx.lang, source=ctx.boundary_source), ctx.source]
    if decimals is not None:
        lines.append(class_rule(decimals, ctx.lang))
    if ctx.synthetic:
        lines.append(tr("synthetic_note", ctx.lang))
    lines.append(tr("made_on", ctx.lang, date=fmt_date(ctx.made_on, ctx.lang)))
    foot = fig.text(PANEL_X, 0.10, "\n".join(_wrap(x, 48) for x in lines), fontsize=8.5,
                    va="bottom", color="0.2", linespacing=1.35)  # fmt: skip
    if ctx.notes:
        fig.add_artist(
            Annotation(
                "\n".join(_wrap(x, 44) for x in ctx.notes), (0, 1), xycoords=foot,
                xytext=(0, 8), textcoords="offset points", va="bottom", ha="left",
                fontsize=NOTE_PT, weight="bold", color="0.05", linespacing=1.3,
                bbox={"boxstyle": "round,pad=0.4", "fc": "#F0F0F0", "ec": "0.35", "lw": 0.8},
            )
        )  # fmt: skip
    if ctx.is_schematic:
        fig.text(
            MAP_RECT[0] + MAP_RECT[2] / 2, 0.05, t(SCHEMATIC_NOTE, lang=ctx.lang), ha="center", va="center",
            fontsize=11, weight="bold", color="0.1",
            bbox={"boxstyle": "round,pad=0.35", "fc": "#FFF7BC", "ec": "0.3", "lw": 0.8},
        )  # fmt: skip


def _wrap(text: str, width: int) -> str:
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    return "\n".join([*lines, line])
