"""The files of the province roll-up: summary workbook, scorecard workbook, commune map."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
from openpyxl import Workbook

from analysis.config import Config
from analysis.documents.xlsx_style import (
    PERCENT,
    format_table,
    save_workbook_cached,
    title_cell,
    write_frame,
)
from analysis.geography.boundaries import SCHEMATIC_NOTE
from analysis.geography.schematic import schematic_boundaries
from analysis.maps.classify import classify
from analysis.maps.labels import place_labels
from analysis.maps.layout import (
    LABEL_PT,
    MIN_PT,
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
from analysis.maps.mapset import save_figure
from analysis.maps.text import tr
from analysis.registry import LEGACY_VINTAGE, Registry, registry_for
from analysis.scale.province import ProvinceInfo

SUMMARY_COLUMNS = {
    "n_households": "Tổng số hộ",
    "n_poor": "Số hộ nghèo",
    "poor_rate": "Tỷ lệ hộ nghèo",
    "n_near_poor": "Số hộ cận nghèo",
    "near_poor_rate": "Tỷ lệ hộ cận nghèo",
    "multidim_rate": "Tỷ lệ nghèo đa chiều",
}
RATES = ("poor_rate", "near_poor_rate", "multidim_rate")
MAP_STEM = "ban_do_ty_le_ho_ngheo_{year}"


def _sheet(wb: Workbook, title: str, heading: str, frame: pd.DataFrame) -> None:
    ws = wb.create_sheet(title)
    title_cell(ws.cell(1, 1, heading))
    formats = {SUMMARY_COLUMNS[c]: PERCENT for c in RATES}
    last = write_frame(ws, frame, 3, formats)
    format_table(ws, 3, last_row=last, last_col=len(frame.columns))


def write_summary(path: Path, province: ProvinceInfo, communes: pd.DataFrame,
                  districts: pd.DataFrame, total: pd.DataFrame, year: int) -> Path:  # fmt: skip
    """Districts of `year` with the province total, then every commune."""
    cols = list(SUMMARY_COLUMNS)
    rows = districts[districts["year"] == year][["district_name", *cols]]
    whole = total[total["year"] == year][["commune_name", *cols]]
    rows = pd.concat([rows, whole.rename(columns={"commune_name": "district_name"})])
    rows = rows.rename(columns={"district_name": "Huyện", **SUMMARY_COLUMNS})
    these = communes[communes["year"] == year]
    commune_rows = these[["district_name", "commune_code", "commune_name", *cols]].rename(
        columns={
            "district_name": "Huyện",
            "commune_code": "Mã xã",
            "commune_name": "Xã",
            **SUMMARY_COLUMNS,
        }  # fmt: skip
    )
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, "Huyện", f"Kết quả rà soát năm {year} theo huyện – tỉnh {province.name}", rows)
    _sheet(wb, "Xã", f"Kết quả rà soát năm {year} theo xã – tỉnh {province.name}", commune_rows)
    return save_workbook_cached(wb, path, {})


def write_scorecard(path: Path, province: ProvinceInfo, verdicts: pd.DataFrame, year: int) -> Path:
    """One row per target, one column per district: the district's verdict of `year`."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Chỉ tiêu"
    title_cell(
        ws.cell(1, 1, f"Đánh giá thực hiện chỉ tiêu năm {year} – các huyện tỉnh {province.name}")
    )
    if verdicts.empty:
        ws.cell(3, 1, "Các huyện chưa có bảng đánh giá chỉ tiêu cho năm này.")
        return save_workbook_cached(wb, path, {})
    rows = verdicts.drop_duplicates(["target_id", "district_name"])
    table = rows.pivot(index=["target_id", "target_label"], columns="district_name",
                       values="verdict_vi")  # fmt: skip
    order = list(dict.fromkeys(rows["district_name"]))
    targets = list(dict.fromkeys(zip(rows["target_id"], rows["target_label"], strict=True)))
    table = table.reindex(targets)[order].reset_index()  # targets in the config's order
    table = table.rename(columns={"target_id": "Mã", "target_label": "Chỉ tiêu"})
    last = write_frame(ws, table.fillna(""), 3)
    format_table(ws, 3, last_row=last, last_col=len(table.columns), freeze_col=3)
    detail = rows[["district_name", "target_id", "target_label", "shown_value", "shown_unit",
                   "comparator", "shown_threshold", "verdict_vi"]].rename(columns={
        "district_name": "Huyện", "target_id": "Mã", "target_label": "Chỉ tiêu",
        "shown_value": "Giá trị", "shown_unit": "Đơn vị", "comparator": "So sánh",
        "shown_threshold": "Mục tiêu", "verdict_vi": "Đánh giá"})  # fmt: skip
    ws2 = wb.create_sheet("Chi tiết")
    last = write_frame(ws2, detail, 1)
    format_table(ws2, 1, last_row=last, last_col=len(detail.columns))
    return save_workbook_cached(wb, path, {})


def province_registry(configs: list[Config]) -> tuple[Registry, dict[str, str]]:
    """The districts' registries as one (units of a merged commune shared by two districts
    once), and each 2024 unit's district name."""
    units, crosswalks, district_of = [], [], {}
    for config in configs:
        registry = registry_for(config)
        units.append(registry.units)
        crosswalks.append(registry.crosswalk)
        for code in registry.codes(LEGACY_VINTAGE):
            district_of[code] = f"{config.district.type} {config.district.name}"
    units_all = pd.concat(units, ignore_index=True).drop_duplicates(["vintage", "code"])
    crosswalk = pd.concat(crosswalks, ignore_index=True).drop_duplicates("from_code")
    return Registry(units=units_all.reset_index(drop=True), crosswalk=crosswalk), district_of


def write_map(work: Path, province: ProvinceInfo, configs: list[Config],
              communes: pd.DataFrame, year: int, day: date) -> list[Path]:  # fmt: skip
    """Poor rate of `year` by commune over the province, district outlines and names."""
    rows = communes[communes["year"] == year]
    vintage = int(rows["unit_vintage"].iloc[0])
    registry, district_of = province_registry(configs)
    gdf = schematic_boundaries(registry, vintage).reset_index(drop=True)
    cells = schematic_boundaries(registry, LEGACY_VINTAGE)
    outlines = gpd.GeoDataFrame(
        {"district": cells["code"].map(district_of)}, geometry=cells.geometry, crs=cells.crs
    ).dissolve(by="district", as_index=False)
    values = (
        gdf["code"].map(rows.drop_duplicates("commune_code").set_index("commune_code")["poor_rate"])
        * 100
    )
    config = configs[0]
    lang = config.language
    classes = classify(values, config.maps.scheme, config.maps.k, config.maps.bins, "YlOrRd",
                       tr("pct", lang), lang)  # fmt: skip
    ctx = MapContext(
        area=f"Tỉnh {province.name}", year=year, source=tr("source", lang, year=year),
        boundary_source=SCHEMATIC_NOTE, is_schematic=True,
        synthetic=any(c.data.synthetic for c in configs), made_on=day, lang=lang,
    )  # fmt: skip
    fig = new_page(f"{tr('poor_rate', lang)} {tr('by_commune', lang)}", ctx)
    ax = map_axes(fig)
    draw_polygons(ax, gdf, classes, edge=0.3)
    ax.add_collection(_outline_collection(outlines))
    fit_extent(ax, gdf)
    add_scalebar(ax)
    add_north_arrow(ax, lang)
    points = outlines.geometry.representative_point()
    anchors = list(zip(points.x, points.y, strict=True))
    place_labels(ax, anchors, list(outlines["district"]), None, corner_obstacles(ax),
                 LABEL_PT + 1.5, MIN_PT)  # fmt: skip
    has_missing = bool((classes.codes < 0).any())
    add_legend(fig, legend_handles(classes, has_missing, lang), tr("poor_rate", lang) + " (%)")
    add_footer(fig, ctx, classes.decimals)
    return save_figure(fig, work / "maps", MAP_STEM.format(year=year), formats=("png", "pdf"))


def _outline_collection(outlines: gpd.GeoDataFrame):
    from matplotlib.collections import PathCollection

    from analysis.maps.layout import polygon_path

    return PathCollection([polygon_path(g) for g in outlines.geometry], facecolors="none",
                          edgecolors="0.05", linewidths=1.2)  # fmt: skip
