import unicodedata
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

from analysis.config import Boundaries as BoundaryConfig
from analysis.config import load_config
from analysis.errors import UserError
from analysis.geography import (
    METRIC_CRS,
    boundaries_for,
    dissolve_to,
    load_boundaries,
    match_units,
    reaggregate,
    reaggregate_allocation,
    reaggregate_deprivation,
    schematic_boundaries,
)
from analysis.geography.names import code_key, cp1258_form, loose_key, strict_key
from analysis.registry import Registry, registry_for

CONFIG = load_config("config/huong_son.yaml")
REGISTRY = registry_for(CONFIG)


def with_boundaries(path: Path, **kw) -> object:
    return CONFIG.model_copy(update={"boundaries": BoundaryConfig(path=path, **kw)})


def indicators_2024(year: int = 2024) -> pd.DataFrame:
    units = REGISTRY.vintage(2024)
    n = len(units)
    df = pd.DataFrame(
        {
            "year": year,
            "unit_vintage": 2024,
            "commune_code": units["code"],
            "commune_name": units["name"],
            "n_households": [1000 + 100 * i for i in range(n)],
            "n_poor": [10 + 3 * i for i in range(n)],
            "n_near_poor": [20 + i for i in range(n)],
        }
    )
    df["poor_rate"] = df["n_poor"] / df["n_households"]
    df["near_poor_rate"] = df["n_near_poor"] / df["n_households"]
    df["multidim_rate"] = (df["n_poor"] + df["n_near_poor"]) / df["n_households"]
    return df


# --- names -----------------------------------------------------------------------------


def test_strict_key__old_and_new_tone_placement_agree():
    assert strict_key("An Hoà Thịnh") == strict_key("an hòa thịnh")


def test_strict_key__drops_prefix_and_keeps_vowel_marks():
    assert strict_key("Xã Sơn Hồng") == strict_key("Sơn Hồng")
    assert strict_key("Sơn Hồng") != strict_key("Son Hong")


def test_loose_key__ignores_diacritics_and_d_bar():
    assert loose_key("Thị trấn Phố Châu") == "pho chau"
    assert loose_key("Đức Thọ") == "duc tho"


def test_code_key__normalises_numbers_and_floats():
    assert code_key(18133) == code_key("18133.0") == code_key(" 18133 ") == "18133"
    assert code_key(float("nan")) is None


@given(st.sampled_from(REGISTRY.units["name"].tolist()))
def test_cp1258_form__encodes_and_round_trips(name):
    raw = cp1258_form(name).encode("cp1258")
    assert unicodedata.normalize("NFC", raw.decode("cp1258")) == name


# --- schematic -------------------------------------------------------------------------


def test_schematic__one_valid_cell_per_2024_unit_containing_its_centroid():
    cells = schematic_boundaries(REGISTRY, 2024)
    units = REGISTRY.vintage(2024)
    assert cells["code"].tolist() == units["code"].tolist()
    assert cells.is_valid.all() and (cells.area > 0).all()
    points = gpd.GeoSeries(gpd.points_from_xy(units["lon"], units["lat"]), crs=4326).to_crs(
        METRIC_CRS
    )
    assert all(c.contains(p) for c, p in zip(cells.geometry, points, strict=True))


def test_schematic__cells_tile_the_outline_without_overlap():
    cells = schematic_boundaries(REGISTRY, 2024)
    union = shapely.union_all(cells.geometry)
    assert cells.area.sum() == pytest.approx(union.area, rel=1e-9)


def test_schematic_2025__dissolves_2024_cells_into_nine_communes():
    cells = schematic_boundaries(REGISTRY, 2024)
    merged = schematic_boundaries(REGISTRY, 2025)
    assert len(merged) == 9
    assert set(merged["code"]) == set(REGISTRY.codes(2025))
    assert merged.area.sum() == pytest.approx(cells.area.sum(), rel=1e-9)
    assert merged.loc[merged["code"] == "18133", "name"].item() == "Hương Sơn"


def test_dissolve_to__2025_polygons_cannot_become_2024():
    with pytest.raises(UserError, match="không chia ngược"):
        dissolve_to(schematic_boundaries(REGISTRY, 2025), REGISTRY, 2024)


# --- crosswalk -------------------------------------------------------------------------


def test_reaggregate__sums_counts_and_recomputes_rates():
    df = indicators_2024()
    out = reaggregate(df, REGISTRY, 2025)
    assert len(out) == 9 and (out["unit_vintage"] == 2025).all()
    assert out["n_poor"].sum() == df["n_poor"].sum()
    huong_son = out[out["commune_code"] == "18133"].iloc[0]
    parts = df[df["commune_code"].isin(["18133", "18217", "18190", "18175", "18187"])]
    assert huong_son["n_households"] == parts["n_households"].sum()
    assert huong_son["poor_rate"] == pytest.approx(
        parts["n_poor"].sum() / parts["n_households"].sum()
    )
    assert huong_son["poor_rate"] != pytest.approx(parts["poor_rate"].mean())
    assert huong_son["commune_name"] == "Hương Sơn"


def test_reaggregate__2025_data_onto_2024_units_is_a_user_error_in_vietnamese():
    df = reaggregate(indicators_2024(), REGISTRY, 2025)
    with pytest.raises(UserError, match="không chia ngược được"):
        reaggregate(df, REGISTRY, 2024)


def test_reaggregate__mixed_years_keep_each_year_apart():
    df = pd.concat([indicators_2024(2021), indicators_2024(2024)], ignore_index=True)
    out = reaggregate(df, REGISTRY, 2025)
    assert out.groupby("year").size().to_dict() == {2021: 9, 2024: 9}


def test_reaggregate_deprivation__needs_counts_to_move_vintage():
    dep = pd.DataFrame({"commune_code": ["18133", "18217"], "indicator": "dep_water", "rate": 0.1})
    with pytest.raises(UserError, match="n_deprived"):
        reaggregate_deprivation(dep, REGISTRY, 2024, 2025)
    dep = dep.assign(n_deprived=[1, 3], n_base=[10, 10])
    out = reaggregate_deprivation(dep, REGISTRY, 2024, 2025)
    assert out[["commune_code", "rate"]].values.tolist() == [["18133", 0.2]]


def test_reaggregate_allocation__sums_amount_and_poor():
    alloc = pd.DataFrame(
        {"commune_code": ["18211", "18223"], "amount_million_vnd": [100, 50], "n_poor": [10, 5]}
    )
    out = reaggregate_allocation(alloc, REGISTRY, 2024, 2025)
    assert out.to_dict("records") == [
        {"commune_code": "18223", "amount_million_vnd": 150, "n_poor": 15}
    ]


# --- official files --------------------------------------------------------------------


def nine_commune_file(tmp_path: Path, suffix: str) -> Path:
    gdf = schematic_boundaries(REGISTRY, 2025).to_crs(4326)
    gdf = gdf.rename(columns={"code": "MA_XA", "name": "TEN_XA"}).drop(columns="vintage")
    path = tmp_path / f"xa_2025{suffix}"
    gdf.to_file(path)
    return path


@pytest.mark.parametrize("suffix", [".gpkg", ".shp", ".geojson"])
def test_load_boundaries__nine_commune_file_matches_by_code(tmp_path, suffix):
    path = nine_commune_file(tmp_path, suffix)
    gdf, report = load_boundaries(with_boundaries(path, vintage=2025), REGISTRY)
    assert report.ok and report.matched_by == "code"
    assert len(gdf) == 9 and gdf.crs == METRIC_CRS
    assert set(gdf["code"]) == set(REGISTRY.codes(2025))


def cp1258_shapefile(tmp_path: Path, keep_cpg: bool) -> Path:
    cells = schematic_boundaries(REGISTRY, 2024)
    names = ["Xã " + n if i % 2 else n.upper() for i, n in enumerate(cells["name"])]
    gdf = gpd.GeoDataFrame(
        {"TÊN": [cp1258_form(n) for n in names]}, geometry=cells.geometry, crs=METRIC_CRS
    ).to_crs(3405)  # VN-2000 / UTM zone 48N
    path = tmp_path / "ranh_gioi.shp"
    gdf.to_file(path, encoding="cp1258")
    if not keep_cpg:
        path.with_suffix(".cpg").unlink()
    return path


@pytest.mark.parametrize("keep_cpg", [True, False])
def test_load_boundaries__cp1258_shapefile_in_vn2000_matches_by_name(tmp_path, keep_cpg):
    path = cp1258_shapefile(tmp_path, keep_cpg)
    gdf, report = load_boundaries(with_boundaries(path, vintage=2024, name_field="TÊN"), REGISTRY)
    assert report.ok, report.to_frame()
    assert report.matched_by == "name" and len(gdf) == 22
    reference = schematic_boundaries(REGISTRY, 2024).set_index("code")
    sample = gdf.set_index("code").loc["18139"]
    assert sample["name"] == "Sơn Hồng"
    assert sample.geometry.area == pytest.approx(reference.loc["18139"].geometry.area, rel=1e-3)


def test_load_boundaries__reports_unmatched_and_missing(tmp_path):
    cells = schematic_boundaries(REGISTRY, 2024).iloc[:3].to_crs(4326)
    gdf = gpd.GeoDataFrame(
        {"ten": ["Sơn Hồng", "Xã Không Có", "Sơn Kim"]}, geometry=cells.geometry, crs=4326
    )
    gdf.to_file(tmp_path / "x.geojson")
    config = with_boundaries(tmp_path / "x.geojson", vintage=2024)
    out, report = load_boundaries(config, REGISTRY)
    assert out["code"].tolist() == ["18139"]
    assert report.unmatched_features == ["Xã Không Có (vùng 2)", "Sơn Kim (vùng 3)"]
    assert len(report.missing_units) == 21
    assert not report.ok and "Thiếu ranh giới" in set(report.to_frame()["Vấn đề"])


def test_match_units__name_without_marks_fitting_two_units_is_ambiguous(tmp_path):
    units = REGISTRY.vintage(2024).iloc[:2].copy()
    units["name"] = ["Sơn Lâm", "Sơn Lầm"]
    units["full_name"] = "Xã " + units["name"]
    registry = Registry(units=units, crosswalk=REGISTRY.crosswalk.iloc[:0])
    cells = schematic_boundaries(REGISTRY, 2024).iloc[:3]
    gdf = gpd.GeoDataFrame(
        {"ten": ["SON LAM", "sơn lâm", "Sơn Lầm"]}, geometry=cells.geometry, crs=METRIC_CRS
    )
    out, report = match_units(gdf, registry, 2024, tmp_path / "x.gpkg")
    assert report.ambiguous == ["SON LAM (18133, 18136)"]
    assert report.unmatched_features == [] and report.missing_units == []
    assert out["name"].tolist() == ["Sơn Lâm", "Sơn Lầm"]


def test_load_boundaries__missing_field_names_the_key(tmp_path):
    path = nine_commune_file(tmp_path, ".gpkg")
    with pytest.raises(UserError, match="boundaries.code_field"):
        load_boundaries(with_boundaries(path, vintage=2025, code_field="MAXA"), REGISTRY)


def test_load_boundaries__file_without_crs_is_a_user_error(tmp_path):
    path = tmp_path / "x.shp"
    with pytest.warns(UserWarning):
        gpd.GeoDataFrame({"ma": ["18133"]}, geometry=[shapely.box(0, 0, 1, 1)]).to_file(path)
    with pytest.raises(UserError, match="hệ tọa độ"):
        load_boundaries(with_boundaries(path, vintage=2025), REGISTRY)


def test_boundaries_for__schematic_when_no_file_and_official_dissolved_when_2024(tmp_path):
    schematic = boundaries_for(CONFIG, REGISTRY, 2025)
    assert schematic.is_schematic and len(schematic.gdf) == 9
    path = cp1258_shapefile(tmp_path, keep_cpg=True)
    official = boundaries_for(with_boundaries(path, vintage=2024, name_field="TÊN"), REGISTRY, 2025)
    assert not official.is_schematic and len(official.gdf) == 9
    assert "ranh_gioi.shp" in official.source


def test_boundaries_for__2025_file_cannot_draw_2024_units(tmp_path):
    path = nine_commune_file(tmp_path, ".gpkg")
    with pytest.raises(UserError):
        boundaries_for(with_boundaries(path, vintage=2025), REGISTRY, 2024)


def test_match_units__codes_of_another_scheme_fall_back_to_names(tmp_path):
    cells = schematic_boundaries(REGISTRY, 2024)
    gdf = cells.assign(ma_xa=[f"99{i:03d}" for i in range(22)], ten_xa=cells["name"])
    out, report = match_units(gdf[["ma_xa", "ten_xa", "geometry"]], REGISTRY, 2024, tmp_path)
    assert report.matched_by == "name" and report.ok and len(out) == 22


def test_match_units__features_of_other_districts_do_not_spoil_the_match(tmp_path):
    cells = schematic_boundaries(REGISTRY, 2024)
    extra = cells.iloc[:2].assign(
        code=["18001", "18002"], geometry=cells.geometry.iloc[:2].translate(1e5)
    )
    gdf = pd.concat([cells, extra], ignore_index=True).rename(columns={"code": "ma_xa"})
    out, report = match_units(gdf, REGISTRY, 2024, tmp_path)
    assert report.ok and len(out) == 22
    assert report.unmatched_features == ["18001 (vùng 23)", "18002 (vùng 24)"]


def test_schematic__survives_missing_and_misplaced_bounding_boxes():
    units = REGISTRY.units.copy()
    first, second = units.index[:2]
    units.loc[first, ["min_lat", "max_lat"]] = float("nan")
    units.loc[second, ["min_lat", "max_lat", "min_lon", "max_lon"]] = [10.0, 10.1, 100.0, 100.1]
    cells = schematic_boundaries(Registry(units, REGISTRY.crosswalk), 2024)
    assert len(cells) == 22 and cells.is_valid.all() and (cells.area > 1e6).all()
