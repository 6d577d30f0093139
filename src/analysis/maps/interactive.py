"""Interactive HTML map (folium) that opens offline.

No tile layer by default (tiles=None), and Leaflet itself (vendored in static/) is
inlined into the page instead of being fetched from a CDN; jQuery/Bootstrap, which a
GeoJSON choropleth does not need, are left out.
"""

from __future__ import annotations

import html
import json
from importlib.resources import files
from pathlib import Path

import folium
import pandas as pd

from analysis.geography import WEB_CRS, Boundaries
from analysis.maps.classify import classify
from analysis.maps.draw import RATE_PALETTES, values_by_polygon
from analysis.maps.layout import MapContext
from analysis.maps.text import class_rule, fmt_date, tr
from analysis.reproducible import pin_element_ids

STATIC = files("analysis.maps") / "static"


def _legend_html(
    title: str, labels: list[str], colors: list[str], ctx: MapContext, missing: bool, decimals=1
):
    rows = "".join(
        f'<div><span style="background:{c}"></span>{html.escape(lab)}</div>'
        for c, lab in zip(colors, labels, strict=True)
    )
    if missing:
        rows += f'<div><span class="nodata"></span>{html.escape(tr("no_data", ctx.lang))}</div>'
    notes = [*ctx.notes, tr("boundary", ctx.lang, source=ctx.boundary_source), ctx.source]
    notes.append(class_rule(decimals, ctx.lang))
    if ctx.synthetic:
        notes.append(tr("synthetic_note", ctx.lang))
    notes.append(tr("made_on", ctx.lang, date=fmt_date(ctx.made_on, ctx.lang)))
    foot = "<br>".join(html.escape(n) for n in notes)
    return f"""
<style>
 .leaflet-container {{ background: #ffffff; font-family: "DejaVu Sans", sans-serif; }}
 .map-legend {{ position: fixed; z-index: 9999; bottom: 16px; right: 16px; background: white;
   padding: 8px 10px; border: 1px solid #888; font-size: 13px; max-width: 320px; }}
 .map-legend span {{ display: inline-block; width: 18px; height: 12px; margin-right: 6px;
   border: 1px solid #555; vertical-align: middle; }}
 .map-legend .nodata {{ background: repeating-linear-gradient(45deg, #d9d9d9 0 3px, #666 3px 4px); }}
 .map-legend .foot {{ margin-top: 6px; font-size: 11px; color: #333; }}
 .map-title {{ position: fixed; z-index: 9999; top: 10px; left: 60px; background: white;
   padding: 6px 10px; border: 1px solid #888; font-size: 16px; font-weight: bold; }}
</style>
<div class="map-legend"><b>{html.escape(title)}</b>{rows}<div class="foot">{foot}</div></div>
"""


def _inline_leaflet(m: folium.Map) -> None:
    m.default_js = []
    m.default_css = []
    css = (STATIC / "leaflet.css").read_text(encoding="utf-8")
    js = (STATIC / "leaflet.js").read_text(encoding="utf-8")
    m.get_root().header.add_child(folium.Element(f"<style>{css}</style>"), name="leaflet_css")
    m.get_root().header.add_child(folium.Element(f"<script>{js}</script>"), name="leaflet_js")


def write_interactive_map(
    indicators: pd.DataFrame,
    boundaries: Boundaries,
    ctx: MapContext,
    measure: str,
    maps_config,
    path: str | Path,
    tiles: str | None = None,
) -> Path:
    """An HTML choropleth of `measure` (same classes as the printed map) with tooltips."""
    gdf = boundaries.gdf.reset_index(drop=True)
    values = values_by_polygon(gdf, indicators, measure) * 100
    classes = classify(
        values, maps_config.scheme, maps_config.k, maps_config.bins,
        RATE_PALETTES.get(measure, "YlOrRd"), "%", ctx.lang,
    )  # fmt: skip
    web = gdf.to_crs(WEB_CRS).assign(
        value=[f"{classes.fmt(v, ctx.lang)} %" if pd.notna(v) else tr("no_data", ctx.lang)
               for v in values],
        color=[c or "#d9d9d9" for c in classes.color_of()],  # "Thiếu số liệu": grey
    )[["name", "value", "color", "geometry"]]  # fmt: skip
    x0, y0, x1, y1 = web.total_bounds
    m = folium.Map(location=[(y0 + y1) / 2, (x0 + x1) / 2], tiles=tiles, control_scale=True)
    if tiles is None:
        _inline_leaflet(m)
    folium.GeoJson(
        json.loads(web.to_json()),
        style_function=lambda f: {
            "fillColor": f["properties"]["color"], "color": "#333333", "weight": 1,
            "fillOpacity": 0.85,
        },
        tooltip=folium.GeoJsonTooltip(fields=["name", "value"], aliases=["", ""]),
    ).add_to(m)  # fmt: skip
    m.fit_bounds([[y0, x0], [y1, x1]])
    title = f"{tr(measure, ctx.lang)} – {tr('year', ctx.lang, year=ctx.year)}"
    root = m.get_root().html
    root.add_child(folium.Element(f'<div class="map-title">{html.escape(title)}</div>'))
    legend = _legend_html(
        tr(measure, ctx.lang) + " (%)", classes.labels, classes.colors, ctx,
        bool((classes.codes < 0).any()), classes.decimals,
    )  # fmt: skip
    root.add_child(folium.Element(legend))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pin_element_ids(m.get_root())  # folium's element ids are random
    m.save(str(path))
    return path
