"""Maps for leadership: print layouts, map types, exports, map pack, interactive HTML."""

from analysis.maps.classify import Classes, classify, classify_diverging, classify_status
from analysis.maps.draw import (
    draw_budget_map,
    draw_change_map,
    draw_deprivation_maps,
    draw_rate_map,
    draw_status_map,
)
from analysis.maps.interactive import write_interactive_map
from analysis.maps.layout import MapContext, map_context
from analysis.maps.mapset import (
    STATUS_MAP_METRICS,
    MapSet,
    make_map_set,
    make_run_maps,
    save_figure,
    write_map_pack,
)

__all__ = [
    "STATUS_MAP_METRICS",
    "Classes",
    "MapContext",
    "MapSet",
    "classify",
    "classify_diverging",
    "classify_status",
    "draw_budget_map",
    "draw_change_map",
    "draw_deprivation_maps",
    "draw_rate_map",
    "draw_status_map",
    "make_map_set",
    "make_run_maps",
    "map_context",
    "save_figure",
    "write_interactive_map",
    "write_map_pack",
]
