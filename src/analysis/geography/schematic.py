"""Schematic default geometry, built from the registry when no official file is given.

The 2024 units become Voronoi cells of their centroids, clipped to an estimated
district outline (convex hull of the units' bounding boxes, widened a little).
Some registry boxes are degenerate (a few hundred metres wide): every box is
widened to at least `MIN_BOX_M` around its centroid, and a box that does not
contain its own centroid is ignored; units given one shared centroid are spread around it
(`spread_duplicates`). The 2025 schematic is the dissolve of the
2024 cells through the crosswalk. Every map drawn on it says so (SCHEMATIC_NOTE).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint

from analysis.errors import UserError
from analysis.registry import LEGACY_VINTAGE, Registry

METRIC_CRS = "EPSG:32648"  # WGS 84 / UTM zone 48N: metres, for areas and display
WEB_CRS = "EPSG:4326"
MIN_BOX_M = 2_000.0  # a degenerate registry bbox is widened to this size (metres)
OUTLINE_MARGIN_M = 1_000.0
SPREAD_M = 1_500.0  # units given one shared centroid are spread on a circle this wide
BOUNDARY_COLUMNS = ["vintage", "code", "name", "geometry"]


def _points(units: pd.DataFrame) -> gpd.GeoSeries:
    return gpd.GeoSeries(
        gpd.points_from_xy(units["lon"], units["lat"]), crs=WEB_CRS, index=units.index
    ).to_crs(METRIC_CRS)


def _boxes(units: pd.DataFrame, centroids: gpd.GeoSeries) -> list[shapely.Geometry]:
    """The units' bounding boxes in metres, each at least MIN_BOX_M wide around its centroid."""
    boxes = []
    for i, row in units.iterrows():
        point = centroids.loc[i]
        floor = point.buffer(MIN_BOX_M / 2, cap_style="square")
        corners = [row["min_lon"], row["min_lat"], row["max_lon"], row["max_lat"]]
        if any(pd.isna(c) for c in corners):
            boxes.append(floor)
            continue
        box = gpd.GeoSeries([shapely.box(*corners)], crs=WEB_CRS).to_crs(METRIC_CRS).iloc[0]
        boxes.append(box.union(floor) if box.buffer(1.0).contains(point) else floor)
    return boxes


def estimate_outline(units: pd.DataFrame) -> shapely.Geometry:
    """Estimated district outline (metres): hull of the units' widened bounding boxes."""
    centroids = _points(units)
    hull = shapely.union_all(_boxes(units, centroids)).convex_hull
    return hull.buffer(OUTLINE_MARGIN_M)


def voronoi_cells(points: gpd.GeoSeries, outline: shapely.Geometry) -> list[shapely.Geometry]:
    """One cell per point, in the order of `points`, clipped to `outline`."""
    if len(points) == 1:
        return [outline]
    coords = spread_duplicates(np.column_stack([points.x, points.y]))
    regions = shapely.voronoi_polygons(MultiPoint(coords), extend_to=outline.buffer(10_000))
    cells = list(regions.geoms)
    order = []
    for point in shapely.points(coords):
        order.append(next(c for c in cells if c.contains(point) or c.touches(point)))
    return [shapely.make_valid(c.intersection(outline)) for c in order]


def spread_duplicates(coords: np.ndarray, radius: float = SPREAD_M) -> np.ndarray:
    """Units sharing one centroid (the registry gives some units their former district's
    point and box, e.g. the communes of Lộc Hà within Thạch Hà) placed evenly on a small
    circle around it, in code order, so that each still gets a cell of the sketch."""
    out = np.asarray(coords, dtype=float).copy()
    _, inverse, counts = np.unique(out, axis=0, return_inverse=True, return_counts=True)
    for group in np.flatnonzero(counts > 1):
        idx = np.flatnonzero(inverse.ravel() == group)
        angles = 2 * np.pi * np.arange(len(idx)) / len(idx)
        out[idx] += radius * np.column_stack([np.cos(angles), np.sin(angles)])
    return out


def schematic_boundaries(registry: Registry, vintage: int) -> gpd.GeoDataFrame:
    """Schematic polygons of one vintage (metric CRS): Voronoi cells of the 2024 centroids."""
    units = registry.vintage(LEGACY_VINTAGE)
    points = _points(units)
    cells = gpd.GeoDataFrame(
        {"vintage": LEGACY_VINTAGE, "code": units["code"], "name": units["name"]},
        geometry=voronoi_cells(points, estimate_outline(units)),
        crs=METRIC_CRS,
    )[BOUNDARY_COLUMNS]
    if vintage == LEGACY_VINTAGE:
        return cells
    return dissolve_to(cells, registry, vintage)


def dissolve_to(boundaries: gpd.GeoDataFrame, registry: Registry, vintage: int) -> gpd.GeoDataFrame:
    """Dissolve polygons of the 2024 vintage into the units of `vintage` via the crosswalk."""
    from_vintage = int(boundaries["vintage"].iloc[0])
    if from_vintage == vintage:
        return boundaries
    if from_vintage != LEGACY_VINTAGE or vintage not in set(registry.crosswalk["to_vintage"]):
        raise UserError(
            f"Không thể chuyển ranh giới kỳ {from_vintage} sang kỳ {vintage}: chỉ gộp được "
            f"các đơn vị kỳ {LEGACY_VINTAGE} thành các xã sau sáp nhập, không chia ngược lại."
        )
    to_code = registry.to_merged()
    out = boundaries.assign(code=boundaries["code"].map(to_code))
    if out["code"].isna().any():
        missing = ", ".join(boundaries.loc[out["code"].isna(), "name"].astype(str))
        raise UserError(f"Các đơn vị sau không có trong bảng chuyển đổi sáp nhập: {missing}")
    out = out[["code", "geometry"]].dissolve(by="code", as_index=False)
    out["geometry"] = out.geometry.make_valid()
    names = registry.names(vintage)
    out["vintage"] = vintage
    out["name"] = out["code"].map(names)
    return out[BOUNDARY_COLUMNS].sort_values("code", ignore_index=True)
