"""Boundary file checks: repairs reported, area and outline checks, declared vintage,
gaps closed, the match summary, and `validate` on a boundary file.

Test files are built in code around the registry's real unit points (the schematic cells
are Voronoi cells of those points) and written to a temporary GeoPackage or GeoJSON."""

import geopandas as gpd
import pytest
import shapely
import yaml
from typer.testing import CliRunner

from analysis import preflight
from analysis.cli import app
from analysis.config import PROJECT_ROOT, load_config
from analysis.config import Boundaries as BoundaryConfig
from analysis.errors import UserError
from analysis.geography import (
    METRIC_CRS,
    boundaries_for,
    close_gaps,
    inspect_boundaries,
    load_boundaries,
    schematic_boundaries,
)
from analysis.geography.checks import unit_points
from analysis.ingest.review import boundary_problems
from analysis.registry import registry_for
from analysis.vietnamese import format_number

CONFIG = load_config("config/huong_son.yaml")
REGISTRY = registry_for(CONFIG)


def configured(path, vintage, **kw):
    return CONFIG.model_copy(
        update={"boundaries": BoundaryConfig(path=path, vintage=vintage, **kw)}
    )


def cells(vintage: int) -> gpd.GeoDataFrame:
    """One polygon per unit, holding the unit's registry point (columns ma_xa, ten_xa)."""
    gdf = schematic_boundaries(REGISTRY, vintage)
    return gdf.rename(columns={"code": "ma_xa", "name": "ten_xa"}).drop(columns="vintage")


def write(gdf: gpd.GeoDataFrame, path):
    gdf.to_file(path)
    return path


def point_of(code: str, vintage: int) -> shapely.Point:
    points = unit_points(REGISTRY, vintage).set_index("code")
    return points.loc[code].geometry


def kinds(report, severity=None) -> list[str]:
    return [p.kind for p in report.problems() if severity in (None, p.severity)]


# --- repairs ------------------------------------------------------------------------------


def bow_tie_around(point: shapely.Point, r: float) -> shapely.Polygon:
    """A self-intersecting ring (two unequal lobes crossing at `point`)."""
    x, y = point.x, point.y
    return shapely.Polygon([(x - r, y - r), (x + r, y + r), (x + r, y - r / 2), (x - r, y + r)])


def test_bow_tie__repaired_and_reported_with_the_unit_and_both_areas(tmp_path):
    gdf = cells(2025)
    row = gdf.index[gdf["ma_xa"] == "18202"][0]
    cell, point = gdf.geometry[row], point_of("18202", 2025)
    bow_tie = bow_tie_around(point, cell.exterior.distance(point) / 1.5)
    assert not bow_tie.is_valid
    gdf.loc[row, "geometry"] = bow_tie
    path = write(gdf, tmp_path / "xa.gpkg")

    out, report = load_boundaries(configured(path, 2025), REGISTRY)  # repaired, not refused
    [fix] = report.repairs
    before, after = abs(bow_tie.area) / 1e6, shapely.make_valid(bow_tie).area / 1e6
    assert fix.unit == "18202 Tứ Mỹ" and "vùng 8" in fix.feature
    assert fix.area_before_km2 == pytest.approx(before, rel=1e-6)
    assert fix.area_after_km2 == pytest.approx(after, rel=1e-6)
    assert after > before  # the lobes no longer cancel: the area really changed
    [message] = [p.message for p in report.problems() if p.kind == "Đã sửa vùng tự cắt"]
    assert "18202 Tứ Mỹ" in message
    assert f"{format_number(before, 2)} km² trước khi sửa" in message
    assert f"{format_number(after, 2)} km² sau khi sửa" in message
    assert out.is_valid.all()
    assert out.set_index("code").loc["18202"].geometry.area / 1e6 == pytest.approx(after, rel=1e-3)
    assert "đã sửa 1 vùng tự cắt" in report.summary()


def test_valid_file__nothing_reported_as_repaired(tmp_path):
    path = write(cells(2025), tmp_path / "xa.gpkg")
    _, report = load_boundaries(configured(path, 2025), REGISTRY)
    assert report.repairs == [] and "Đã sửa vùng tự cắt" not in kinds(report)


# --- areas and district outlines ----------------------------------------------------------


def outline_file(tmp_path, name: str):
    outline = shapely.union_all(cells(2025).geometry)
    gdf = gpd.GeoDataFrame({"ten_xa": [name]}, geometry=[outline], crs=METRIC_CRS)
    return write(gdf, tmp_path / "xa.geojson")


def test_district_outline_as_commune_file__error_naming_the_units_it_covers(tmp_path):
    # "Hương Sơn" is also the name of the 2025 commune 18133: the outline matches it by name
    path = outline_file(tmp_path, "Hương Sơn")
    _, report = inspect_boundaries(configured(path, 2025), REGISTRY)
    assert {"Một vùng cho cả huyện", "Một vùng phủ nhiều đơn vị"} <= set(kinds(report, "error"))
    cover = next(p for p in report.errors if p.kind == "Một vùng phủ nhiều đơn vị")
    assert "chứa vị trí của 9 đơn vị" in cover.message and "18202 Tứ Mỹ" in cover.message
    assert not report.ok
    with pytest.raises(UserError, match="ranh giới huyện"):
        load_boundaries(configured(path, 2025), REGISTRY)
    with pytest.raises(UserError, match="ranh giới huyện"):
        boundaries_for(configured(path, 2025), REGISTRY, 2025)


def test_district_outline_named_as_the_district__error_says_why_nothing_matched(tmp_path):
    path = outline_file(tmp_path, "Huyện Hương Sơn")
    with pytest.raises(UserError, match="không vùng nào khớp.*ranh giới huyện"):
        load_boundaries(configured(path, 2025), REGISTRY)


def test_polygon_covering_three_communes_in_a_commune_file__error(tmp_path):
    gdf = cells(2025)
    merged = gdf["ma_xa"].isin(["18133", "18163", "18202"])
    big = shapely.union_all(gdf.geometry[merged])
    gdf = gdf[~gdf["ma_xa"].isin(["18163", "18202"])].copy()
    gdf.loc[gdf["ma_xa"] == "18133", "geometry"] = big
    path = write(gdf, tmp_path / "xa.gpkg")
    _, report = inspect_boundaries(configured(path, 2025), REGISTRY)
    [error] = report.errors
    assert error.unit == "18133 Hương Sơn" and "3 đơn vị" in error.message


def test_area_off_the_registry__warning_only_for_a_single_commune(tmp_path):
    gdf = cells(2025)
    known = REGISTRY.vintage(2025).set_index("code")["area_km2"]
    # 18133 as a disc of the registry's area around its point: within the tolerance
    disc = point_of("18133", 2025).buffer((known["18133"] * 1e6 / 3.14159) ** 0.5, 256)
    gdf.loc[gdf["ma_xa"] == "18133", "geometry"] = disc
    path = write(gdf, tmp_path / "xa.gpkg")
    _, report = load_boundaries(configured(path, 2025), REGISTRY)
    assert report.errors == []
    warned = {p.unit for p in report.problems() if p.kind == "Diện tích lệch"}
    assert "18133 Hương Sơn" not in warned  # within 15 %
    assert "18196 Sơn Kim 1" in warned  # schematic cell 395 km², registry 223 km²
    message = next(p.message for p in report.problems() if p.unit == "18196 Sơn Kim 1")
    assert "danh mục ghi 223,21 km²" in message and "vượt ngưỡng 15%" in message


# --- declared vintage ---------------------------------------------------------------------


@pytest.mark.parametrize("field", ["ma_xa", "ten_xa"])
def test_2025_file_declared_2024__error_naming_the_fix(tmp_path, field):
    path = write(cells(2025)[[field, "geometry"]], tmp_path / "xa_2025.gpkg")
    config = configured(path, 2024)
    _, report = inspect_boundaries(config, REGISTRY)
    [error] = report.errors
    assert error.kind == "Sai kỳ đơn vị"
    assert "kỳ 2025 khớp 9/9 đơn vị" in error.message
    assert "boundaries.vintage: 2025" in error.message
    with pytest.raises(UserError, match="boundaries.vintage: 2025"):
        boundaries_for(config, REGISTRY, 2025)
    _, right = load_boundaries(configured(path, 2025), REGISTRY)
    assert "Sai kỳ đơn vị" not in kinds(right)


def test_2024_file_declared_2025__error_naming_the_fix(tmp_path):
    path = write(cells(2024)[["ma_xa", "geometry"]], tmp_path / "xa_2024.gpkg")
    with pytest.raises(UserError, match="boundaries.vintage: 2024"):
        load_boundaries(configured(path, 2025), REGISTRY)
    _, right = load_boundaries(configured(path, 2024), REGISTRY)
    assert right.errors == []


# --- gaps ---------------------------------------------------------------------------------


def test_gaps_between_neighbours__closed_and_reported(tmp_path):
    gdf = cells(2024)
    gdf["geometry"] = gdf.buffer(-4, join_style="mitre")  # 8 m gaps along every border
    before = shapely.union_all(gdf.geometry)
    assert before.geom_type == "MultiPolygon" or len(before.interiors) > 0  # the gaps exist
    path = write(gdf.to_crs(4326), tmp_path / "xa.geojson")
    out, report = load_boundaries(configured(path, 2024), REGISTRY)

    union = shapely.union_all(out.geometry)
    assert union.geom_type == "Polygon" and len(union.interiors) == 0  # no slivers to draw
    assert out.area.sum() == pytest.approx(union.area, rel=1e-5)  # neighbours do not overlap
    # the gaps: every border (about 8 m wide); the outer edge stays where the file has it
    inner = (shapely.union_all(cells(2024).geometry).buffer(-4).area - gdf.area.sum()) / 1e6
    assert report.gap_km2 == pytest.approx(inner, rel=0.05)
    assert f"tổng {format_number(report.gap_km2, 3)} km²" in next(
        p.message for p in report.problems() if p.kind == "Khép khe hở"
    )
    grown = out.set_index("code").area - gdf.set_index("ma_xa").to_crs(METRIC_CRS).area
    assert (grown > 0).sum() >= 20  # shared out between neighbours, not given to one commune
    assert grown.max() < 0.25 * grown.sum()


def test_close_gaps__keeps_a_hole_wider_than_the_tolerance():
    ring = shapely.box(0, 0, 1000, 1000).difference(shapely.box(400, 400, 600, 600))
    out, closed, overlap = close_gaps([ring, shapely.box(1005, 0, 2000, 1000)])
    assert closed == pytest.approx(5 * 1000, rel=1e-6) and overlap == 0
    assert shapely.union_all(out).interiors[0].envelope.area == pytest.approx(200 * 200)


# --- match summary, input check, validate ---------------------------------------------------


def test_match_summary__counts_and_names_the_unmatched(tmp_path):
    path = write(cells(2025), tmp_path / "xa.gpkg")
    _, report = load_boundaries(configured(path, 2025), REGISTRY)
    assert report.summary().startswith("xa.gpkg (kỳ 2025): 9/9 đơn vị khớp theo mã; ")
    part = cells(2024).iloc[:3].assign(ten_xa=["Sơn Hồng", "Xã Không Có", "Sơn Kim"])
    path = write(part[["ten_xa", "geometry"]], tmp_path / "x.gpkg")
    _, report = inspect_boundaries(configured(path, 2024), REGISTRY)
    text = report.summary()
    assert "1/22 đơn vị khớp theo tên" in text
    assert "vùng không khớp: Xã Không Có (vùng 2), Sơn Kim (vùng 3)" in text
    assert "thiếu ranh giới: 18133 Phố Châu" in text and "và 11 đơn vị khác" in text
    schematic = boundaries_for(CONFIG, REGISTRY, 2025)
    assert "sơ đồ minh họa" in schematic.summary()


def test_input_check__summary_first_and_boundary_errors_fatal(tmp_path):
    good = boundary_problems(configured(write(cells(2025), tmp_path / "a.gpkg"), 2025))
    assert good["message"].iloc[0].startswith("Ranh giới: a.gpkg (kỳ 2025): 9/9 đơn vị khớp")
    assert set(good["severity"]) == {"info", "warning"}
    bad = boundary_problems(configured(outline_file(tmp_path, "Hương Sơn"), 2025))
    fatal = bad[bad["severity"] == "fatal"]
    assert len(fatal) == 2 and (fatal["file"] == "xa.geojson").all()
    assert boundary_problems(CONFIG).empty


def config_file(tmp_path, boundary_path, vintage=2025):
    raw = yaml.safe_load((PROJECT_ROOT / "config" / "huong_son.yaml").read_text(encoding="utf-8"))
    raw["boundaries"] = {"path": str(boundary_path), "vintage": vintage}
    path = tmp_path / "district.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_preflight__outline_file_is_an_error_good_file_only_warnings(tmp_path):
    bad = preflight.check_boundaries(configured(outline_file(tmp_path, "Hương Sơn"), 2025))
    assert preflight.errors(bad) and "ranh giới huyện" in bad[0]["message"]
    good = preflight.check_boundaries(configured(write(cells(2025), tmp_path / "a.gpkg"), 2025))
    assert good and not preflight.errors(good)


def test_validate__exits_non_zero_on_a_district_outline(tmp_path, monkeypatch):
    monkeypatch.setattr(
        preflight, "check_data", lambda config, *args, **kw: []
    )  # the data are not the point
    runner = CliRunner()
    outline = outline_file(tmp_path, "Hương Sơn")
    result = runner.invoke(app, ["validate", "--config", str(config_file(tmp_path, outline))])
    assert result.exit_code == 1 and "ranh giới huyện" in result.output
    result = runner.invoke(app, ["validate", str(outline), "--config", "config/huong_son.yaml"])
    assert result.exit_code == 1 and "KHÔNG ĐẠT" in result.output
    good = write(cells(2025), tmp_path / "a.gpkg")
    result = runner.invoke(app, ["validate", "--config", str(config_file(tmp_path, good))])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["validate", str(good), "--config", "config/huong_son.yaml"])
    assert result.exit_code == 0 and "9/9 đơn vị khớp" in result.output
