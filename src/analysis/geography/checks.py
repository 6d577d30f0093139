"""Checks and clean-up of an official boundary file, after its features are matched.

Every step reports what it found or changed; nothing is changed silently:

- `close_gaps`: snaps the polygons to a 1 m grid, removes overlaps and gives each gap
  narrower than 2 x GAP_WIDTH_M between neighbours (and each sliver notch of the
  district outline) to the neighbour sharing the longest border, so communes share
  their borders and the outline drawn over them has no slivers. Returns the areas
  closed and removed.
- `area_problems`: each unit's area against the registry's (2025 units have one; 2024
  units are compared, summed, with the 2025 commune they formed). A polygon holding
  the registry points of several units (a district outline given as a commune file)
  is an error; any other mismatch beyond AREA_TOLERANCE a warning.
- `vintage_problem`: the declared vintage against the file's codes or names.

Areas are in km² in METRIC_CRS (UTM zone 48N, the zone of most of Vietnam's interior).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely

from analysis.geography.schematic import METRIC_CRS, WEB_CRS
from analysis.registry import LEGACY_VINTAGE, MERGED_VINTAGE, Registry
from analysis.vietnamese import format_number

AREA_TOLERANCE = 0.15  # relative difference from the registry's area before it is reported
SNAP_GRID_M = 1.0  # coordinates are snapped to this grid (metres)
GAP_WIDTH_M = 10.0  # gaps and notches narrower than twice this are closed (metres)
ERROR, WARNING, INFO = "error", "warning", "info"


@dataclass(frozen=True)
class Problem:
    """One finding about a boundary file. `kind` is a short Vietnamese label."""

    severity: str  # ERROR | WARNING | INFO
    kind: str
    message: str
    unit: str = ""  # "code name" of the registry unit concerned, if any


def km2(area_m2: float, decimals: int = 2) -> str:
    return f"{format_number(area_m2 / 1e6, decimals)} km²"


def repair(geometry: shapely.Geometry) -> shapely.Geometry:
    """A valid (multi)polygon: shapely's make_valid, lines and points of the result dropped."""
    fixed = shapely.make_valid(geometry)
    parts = [p for p in shapely.get_parts(fixed) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def unit_points(registry: Registry, vintage: int) -> gpd.GeoDataFrame:
    """The registry's point of each unit of `vintage`, in METRIC_CRS (units without one left out)."""
    units = registry.vintage(vintage)
    units = units[units["lat"].notna() & units["lon"].notna()]
    return gpd.GeoDataFrame(
        units[["code", "name", "area_km2"]],
        geometry=gpd.points_from_xy(units["lon"], units["lat"]),
        crs=WEB_CRS,
    ).to_crs(METRIC_CRS)


def units_inside(geometry: shapely.Geometry, points: gpd.GeoDataFrame) -> pd.DataFrame:
    """Rows of `points` whose point lies in `geometry`."""
    return points[points.within(geometry)]


# --- gaps and overlaps --------------------------------------------------------------------


def close_gaps(
    geometries: list[shapely.Geometry], width: float = GAP_WIDTH_M
) -> tuple[list[shapely.Geometry], float, float]:
    """(cleaned polygons in the same order, gap area closed m², overlap area removed m²).

    Gaps and notches narrower than 2 x `width` are filled; wider holes (a lake, an
    enclave of another district) are kept."""
    grid = SNAP_GRID_M  # every overlay on one fixed grid: robust, and borders stay shared
    snapped = [repair(shapely.set_precision(g, grid)) for g in geometries]
    out, taken, overlap = [], shapely.Polygon(), 0.0
    for g in snapped:  # an area claimed twice stays with the first polygon
        part = repair(shapely.difference(g, taken, grid_size=grid)) if not taken.is_empty else g
        overlap += g.area - part.area
        out.append(part)
        taken = shapely.union(taken, part, grid_size=grid)
    union = shapely.union_all(out, grid_size=grid)
    closed = union.buffer(width, join_style="mitre").buffer(-width, join_style="mitre")
    remaining = repair(shapely.difference(closed, union, grid_size=grid))
    closed_area = remaining.area
    # the gaps form one network along every border: neighbours grow into it step by step,
    # so each strip is shared out near its middle, never given whole to one commune
    for step in (width / 2, width, 1.5 * width, 2 * width + grid):
        for i, g in enumerate(out):
            if remaining.is_empty:
                break
            take = repair(shapely.intersection(remaining, g.buffer(step), grid_size=grid))
            if take.is_empty:
                continue
            out[i] = repair(shapely.union(g, take, grid_size=grid))
            remaining = repair(shapely.difference(remaining, take, grid_size=grid))
    closed_area -= remaining.area
    for i in range(1, len(out)):  # rounding to the grid can leave hair-thin overlaps
        out[i] = repair(
            shapely.difference(out[i], shapely.union_all(out[:i], grid_size=grid), grid_size=grid)
        )
    return out, closed_area, overlap


def gap_problem(closed_m2: float, overlap_m2: float, total_m2: float) -> Problem | None:
    if closed_m2 <= 0 and overlap_m2 <= 0:
        return None
    share = (closed_m2 + overlap_m2) / total_m2 if total_m2 else 0.0
    message = (
        f"Đã khép các khe hở giữa các vùng liền kề (tổng {km2(closed_m2, 3)}) và bỏ phần "
        f"chồng lấn (tổng {km2(overlap_m2, 3)}) để các xã dùng chung đường ranh giới"
    )
    if share > 0.01:
        message += f"; phần sửa chiếm {format_number(100 * share, 1)}% diện tích: kiểm tra lại tệp"
        return Problem(WARNING, "Khép khe hở", message + ".")
    return Problem(INFO, "Khép khe hở", message + ".")


# --- areas --------------------------------------------------------------------------------


def _ratio_text(area_m2: float, registry_km2: float) -> str:
    return (
        f"{km2(area_m2)}, danh mục ghi {format_number(registry_km2, 2)} km² "
        f"(lệch {format_number(100 * (area_m2 / 1e6 / registry_km2 - 1), 0)}%)"
    )


def _cover_problem(label: str, area_m2: float, known: float, covered: pd.DataFrame) -> Problem:
    listed = ", ".join(f"{c} {n}" for c, n in zip(covered["code"], covered["name"], strict=True))
    total = covered["area_km2"].sum(min_count=len(covered))
    text = f"Vùng {label} rộng {km2(area_m2)}"
    if pd.notna(known):
        text += f", gấp {format_number(area_m2 / 1e6 / known, 1)} lần diện tích trong danh mục,"
    text += f" và chứa vị trí của {len(covered)} đơn vị ({listed})"
    if pd.notna(total):
        text += f", có tổng diện tích {format_number(total, 2)} km²"
    return Problem(
        ERROR,
        "Một vùng phủ nhiều đơn vị",
        text + ": đây có vẻ là ranh giới huyện (hoặc nhiều xã gộp lại), không phải "
        "ranh giới từng xã. Dùng tệp có một vùng cho mỗi xã.",
        label,
    )


def area_problems(
    gdf: gpd.GeoDataFrame, registry: Registry, vintage: int, tolerance: float = AREA_TOLERANCE
) -> list[Problem]:
    """Each matched unit (columns code, name, geometry; METRIC_CRS) against the registry."""
    points = unit_points(registry, vintage)
    known = registry.vintage(vintage).set_index("code")["area_km2"]
    out = []
    for code, name, geom in zip(gdf["code"], gdf["name"], gdf.geometry, strict=True):
        label, area = f"{code} {name}", geom.area
        reg = known.get(code, float("nan"))
        inside = units_inside(geom, points)
        others = inside[inside["code"] != code]
        off = pd.notna(reg) and reg > 0 and abs(area / 1e6 / reg - 1) > tolerance
        total = inside["area_km2"].sum(min_count=len(inside)) if len(inside) else float("nan")
        fits_sum = pd.notna(total) and abs(area / 1e6 / total - 1) <= tolerance
        if len(others) >= 2 or (len(others) == 1 and off and fits_sum):
            out.append(_cover_problem(label, area, reg, inside))
        elif len(others) == 1:
            other = f"{others['code'].iloc[0]} {others['name'].iloc[0]}"
            out.append(Problem(WARNING, "Vùng chứa vị trí đơn vị khác", f"Vùng {label} chứa vị "
                               f"trí của đơn vị {other}: kiểm tra ranh giới hai đơn vị này.", label))  # fmt: skip
        elif off:
            out.append(Problem(WARNING, "Diện tích lệch", f"Diện tích vùng {label}: "
                               f"{_ratio_text(area, reg)}, vượt ngưỡng "
                               f"{format_number(100 * tolerance, 0)}%.", label))  # fmt: skip
    if vintage == LEGACY_VINTAGE and MERGED_VINTAGE in set(registry.units["vintage"]):
        out += _merged_area_problems(gdf, registry, tolerance)
    return out


def _merged_area_problems(gdf, registry: Registry, tolerance: float) -> list[Problem]:
    """2024 units have no area in the registry: each complete group of them is compared,
    summed, with the 2025 commune it formed."""
    to_code = registry.to_merged()
    merged = registry.vintage(MERGED_VINTAGE).set_index("code")
    present = set(gdf["code"])
    out = []
    for new_code, group in pd.Series(to_code).groupby(lambda k: to_code[k]):
        if new_code not in merged.index or not set(group.index) <= present:
            continue
        reg = merged.loc[new_code, "area_km2"]
        area = gdf.loc[gdf["code"].isin(group.index)].area.sum()
        if pd.notna(reg) and reg > 0 and abs(area / 1e6 / reg - 1) > tolerance:
            label = f"{new_code} {merged.loc[new_code, 'name']} (kỳ {MERGED_VINTAGE})"
            out.append(Problem(WARNING, "Diện tích lệch", f"Các vùng {', '.join(group.index)} "
                               f"gộp thành xã {label}: {_ratio_text(area, reg)}, vượt ngưỡng "
                               f"{format_number(100 * tolerance, 0)}%.", label))  # fmt: skip
    return out


def outline_problems(
    gdf: gpd.GeoDataFrame,
    labels: list[str],
    matched: pd.Series,
    registry: Registry,
    vintage: int,
    unmatched: bool = True,
) -> list[Problem]:
    """File-level: a file with one polygon for a district of several units, and (with
    `unmatched`) unmatched features holding the registry points of several units (e.g. a
    feature named "Huyện Hương Sơn")."""
    n_units = len(registry.vintage(vintage))
    out = []
    if len(gdf) == 1 and n_units > 1:
        out.append(Problem(ERROR, "Một vùng cho cả huyện", f"Tệp ranh giới chỉ có một vùng "
                           f"({labels[0]}) trong khi huyện có {n_units} đơn vị kỳ {vintage}: "
                           "đây có vẻ là ranh giới huyện, không phải ranh giới từng xã. Dùng tệp "
                           "có một vùng cho mỗi xã."))  # fmt: skip
    if not unmatched:
        return out
    points = unit_points(registry, vintage)
    for label, geom, code in zip(labels, gdf.geometry, matched, strict=True):
        if isinstance(code, str):
            continue  # matched features are checked per unit, after joining their parts
        inside = units_inside(geom, points)
        if len(inside) >= 2:
            out.append(_cover_problem(label, geom.area, float("nan"), inside))
    return out


# --- vintage ------------------------------------------------------------------------------


@dataclass(frozen=True)
class VintageFit:
    vintage: int
    features: int  # features matched to a unit
    units: int  # distinct units matched
    total: int  # units of the vintage

    @property
    def coverage(self) -> float:
        return self.units / self.total if self.total else 0.0


def vintage_fit(codes: pd.Series, vintage: int, total: int) -> VintageFit:
    hits = codes[codes.map(lambda c: isinstance(c, str))]
    return VintageFit(vintage, len(hits), hits.nunique(), total)


def vintage_problem(
    declared: VintageFit, match: Callable[[int], VintageFit], registry: Registry
) -> Problem | None:
    """An error naming the fix when the file's codes or names fit another vintage better:
    it covers more of that vintage's units (at least half of them) matching at least as
    many features, or as many units with more features."""
    for other in sorted(set(registry.units["vintage"].astype(int)) - {declared.vintage}):
        fit = match(other)
        better = (fit.features >= declared.features and fit.coverage > declared.coverage) or (
            fit.features > declared.features and fit.coverage >= declared.coverage
        )
        if better and fit.coverage >= 0.5:
            return Problem(
                ERROR,
                "Sai kỳ đơn vị",
                f"Tệp ranh giới được khai báo là kỳ {declared.vintage} nhưng mã/tên trong tệp "
                f"khớp với các đơn vị kỳ {other} hơn: kỳ {other} khớp {fit.units}/{fit.total} "
                f"đơn vị ({fit.features} vùng), kỳ {declared.vintage} chỉ khớp "
                f"{declared.units}/{declared.total} đơn vị ({declared.features} vùng). Sửa "
                f"cấu hình: boundaries.vintage: {other}.",
            )
    return None
