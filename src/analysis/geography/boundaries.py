"""Official boundaries: read a user's file, repair it, match its features to registry units.

Formats: ESRI shapefile (.shp with a .dbf in UTF-8 or Windows-1258, with or without
a .cpg), GeoPackage, GeoJSON; any CRS (the file must declare it). Shapefile text is
read byte-for-byte (latin-1) and decoded here with the .cpg's codec, or UTF-8 falling
back to Windows-1258 when there is no .cpg: GDAL's own CP1258 recoding drops the
last character of every value.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from analysis.errors import UserError
from analysis.geography.names import code_key, loose_key, strict_key
from analysis.geography.schematic import (
    BOUNDARY_COLUMNS,
    METRIC_CRS,
    dissolve_to,
    schematic_boundaries,
)
from analysis.registry import Registry

SUFFIXES = (".shp", ".gpkg", ".geojson", ".json")
CODE_FIELDS = ("ma_xa", "maxa", "ma_dvhc", "madvhc", "code", "ma", "wardcode", "commune_code")
NAME_FIELDS = ("ten_xa", "tenxa", "ten_dvhc", "tendvhc", "name", "ten", "ward", "commune_name")
SCHEMATIC_NOTE = "Sơ đồ minh họa, không phải ranh giới chính thức"


@dataclass(frozen=True)
class MatchReport:
    """How the features of a boundary file matched the registry units of its vintage."""

    path: Path
    vintage: int
    matched_by: str  # "code" or "name"
    matched: dict[str, list[str]]  # registry code -> labels of the features matched to it
    unmatched_features: list[str] = field(default_factory=list)  # in the file, not in registry
    missing_units: list[str] = field(default_factory=list)  # in registry, not in the file
    ambiguous: list[str] = field(default_factory=list)  # a feature fitting several units

    @property
    def ok(self) -> bool:
        """Every unit has a polygon and no feature was ambiguous. Unmatched features alone
        are fine: a province-wide file holds other districts' communes too."""
        return not (self.missing_units or self.ambiguous)

    def to_frame(self) -> pd.DataFrame:
        """One row per problem, in Vietnamese, for display."""
        rows = [("Không khớp đơn vị nào", f) for f in self.unmatched_features]
        rows += [("Thiếu ranh giới", u) for u in self.missing_units]
        rows += [("Khớp nhiều đơn vị", a) for a in self.ambiguous]
        rows += [
            ("Gộp nhiều vùng", f"{code}: {', '.join(feats)}")
            for code, feats in self.matched.items()
            if len(feats) > 1
        ]
        return pd.DataFrame(rows, columns=["Vấn đề", "Đối tượng"])

    def summary(self) -> str:
        return (
            f"{self.path.name}: {len(self.matched)} đơn vị khớp theo "
            f"{'mã' if self.matched_by == 'code' else 'tên'}; "
            f"{len(self.unmatched_features)} vùng không khớp, "
            f"{len(self.missing_units)} đơn vị thiếu ranh giới, {len(self.ambiguous)} vùng mơ hồ."
        )


def resolve_boundary_path(config) -> Path | None:
    """The configured boundary file, absolute; a bare file name is looked up in shapefiles/."""
    raw = config.boundaries.path
    if raw is None:
        return None
    path = config.resolve(Path(raw))
    if not path.exists() and not Path(raw).is_absolute():
        path = config.resolve(Path("shapefiles") / raw)
    if not path.exists():
        raise UserError(f"Không tìm thấy tệp ranh giới '{raw}' (khóa boundaries.path).")
    return path


def _decode(value: object, encoding: str | None) -> object:
    if not isinstance(value, str):
        return value
    raw = value.encode("latin-1")
    if encoding is None:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1258")
    else:
        text = raw.decode(encoding)
    return unicodedata.normalize("NFC", text)


def _shapefile_encoding(path: Path) -> str | None:
    """Python codec named by the .cpg beside a shapefile; None = guess (UTF-8, else cp1258)."""
    cpg = path.with_suffix(".cpg")
    if not cpg.exists():
        return None
    label = cpg.read_text(encoding="ascii", errors="ignore").strip().lower().replace("-", "")
    label = label.removeprefix("windows").removeprefix("ansi").removeprefix("cp")
    codec = "utf-8" if label in {"utf8", "65001"} else (f"cp{label}" if label.isdigit() else label)
    try:
        return codecs.lookup(codec).name
    except LookupError:
        return None


def _read_shapefile(path: Path) -> gpd.GeoDataFrame:
    """Shapefile text decoded here: GDAL reads bytes as latin-1, one character per byte."""
    encoding = _shapefile_encoding(path)
    gdf = gpd.read_file(path, ENCODING="ISO-8859-1")
    gdf.columns = [c if c == "geometry" else _decode(c, encoding) for c in gdf.columns]
    for col in gdf.columns.drop("geometry"):
        if gdf[col].dtype == object or pd.api.types.is_string_dtype(gdf[col]):
            gdf[col] = gdf[col].map(lambda v: _decode(v, encoding))
    return gdf


def read_boundary_file(path: Path) -> gpd.GeoDataFrame:
    """Read a boundary file with text in NFC Unicode, geometries repaired, in METRIC_CRS."""
    if path.suffix.lower() not in SUFFIXES:
        raise UserError(f"{path}: định dạng ranh giới không hỗ trợ (cần .shp, .gpkg, .geojson).")
    try:
        is_shp = path.suffix.lower() == ".shp"
        gdf = _read_shapefile(path) if is_shp else gpd.read_file(path)
    except UserError:
        raise
    except Exception as exc:  # pyogrio/GDAL errors: name the file
        raise UserError(f"{path}: không đọc được tệp ranh giới ({exc}).") from None
    if gdf.empty:
        raise UserError(f"{path}: tệp ranh giới không có vùng nào.")
    if gdf.crs is None:
        raise UserError(f"{path}: tệp ranh giới không khai báo hệ tọa độ (thiếu .prj?).")
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty].to_crs(METRIC_CRS)
    gdf["geometry"] = gdf.geometry.make_valid()
    polygonal = gdf.geometry.geom_type.isin(["Polygon", "MultiPolygon", "GeometryCollection"])
    if not polygonal.all():
        raise UserError(f"{path}: tệp ranh giới phải chứa vùng (polygon), không phải điểm/đường.")
    return gdf.reset_index(drop=True)


def _pick_field(gdf: gpd.GeoDataFrame, given: str | None, candidates: tuple[str, ...], what: str):
    columns = [c for c in gdf.columns if c != "geometry"]
    if given is not None:
        if given not in columns:
            raise UserError(
                f"Tệp ranh giới không có trường '{given}' (khóa boundaries.{what}_field); "
                f"các trường có: {', '.join(columns)}."
            )
        return given
    by_key = {loose_key(c).replace(" ", "_"): c for c in columns}
    return next((by_key[c] for c in candidates if c in by_key), None)


def _match_codes(values: pd.Series, units: pd.DataFrame) -> tuple[pd.Series, list[str]]:
    known = set(units["code"])
    codes = values.map(code_key)
    return codes.where(codes.isin(known)), []


def _match_names(values: pd.Series, units: pd.DataFrame) -> tuple[pd.Series, list[str]]:
    """Registry code per feature by name: strict key first, loose key as fallback."""
    strict, loose = {}, {}
    for code, name, full in zip(units["code"], units["name"], units["full_name"], strict=True):
        for n in (name, full):
            strict.setdefault(strict_key(n), set()).add(code)
            loose.setdefault(loose_key(n), set()).add(code)
    codes, ambiguous = [], []
    for value in values:
        hits = strict.get(strict_key(value)) or loose.get(loose_key(value)) or set()
        if len(hits) > 1:
            ambiguous.append(f"{value} ({', '.join(sorted(hits))})")
        codes.append(next(iter(hits)) if len(hits) == 1 else None)
    return pd.Series(codes, index=values.index, dtype=object), ambiguous


def _best_match(gdf, units, code_col, name_col):
    """Match by code and/or name; when both fields exist keep the one matching more
    distinct units, codes on a tie (a file may carry codes of another scheme or vintage;
    names can repeat across the districts of a province-wide file)."""
    tries = []
    if code_col is not None:
        tries.append(("code", gdf[code_col], *_match_codes(gdf[code_col], units)))
    if name_col is not None:
        tries.append(("name", gdf[name_col], *_match_names(gdf[name_col], units)))
    return max(tries, key=lambda t: t[2].dropna().nunique())


def match_units(
    gdf: gpd.GeoDataFrame,
    registry: Registry,
    vintage: int,
    path: Path,
    code_field: str | None = None,
    name_field: str | None = None,
) -> tuple[gpd.GeoDataFrame, MatchReport]:
    """Attach registry codes to the features; dissolve pieces of one unit; report the rest."""
    units = registry.vintage(vintage)
    code_col = _pick_field(gdf, code_field, CODE_FIELDS, "code")
    name_col = _pick_field(gdf, name_field, NAME_FIELDS, "name")
    if code_col is None and name_col is None:
        raise UserError(
            f"{path}: không tìm thấy trường mã hoặc tên xã; đặt boundaries.code_field hoặc "
            f"boundaries.name_field (các trường có: {', '.join(gdf.columns.drop('geometry'))})."
        )
    by, values, codes, ambiguous = _best_match(gdf, units, code_col, name_col)
    labels = values.astype(str) + [f" (vùng {i + 1})" for i in range(len(gdf))]
    matched: dict[str, list[str]] = {}
    for code, label in zip(codes, labels, strict=True):
        if isinstance(code, str):
            matched.setdefault(code, []).append(label)
    ambiguous_set = {a.split(" (")[0] for a in ambiguous}
    unmatched = [
        lab
        for code, lab, v in zip(codes, labels, values.astype(str), strict=True)
        if not isinstance(code, str) and v not in ambiguous_set
    ]
    missing = [
        f"{c} {n}" for c, n in zip(units["code"], units["name"], strict=True) if c not in matched
    ]
    report = MatchReport(path, vintage, by, matched, unmatched, missing, ambiguous)
    kept = gdf.assign(code=codes)[codes.map(lambda c: isinstance(c, str)).to_numpy()]
    if kept.empty:
        raise UserError(f"{path}: không vùng nào khớp với đơn vị hành chính kỳ {vintage}.")
    out = kept[["code", "geometry"]].dissolve(by="code", as_index=False)
    out["geometry"] = out.geometry.make_valid()
    out["vintage"] = vintage
    out["name"] = out["code"].map(registry.names(vintage))
    return out[BOUNDARY_COLUMNS].sort_values("code", ignore_index=True), report


def load_boundaries(config, registry: Registry) -> tuple[gpd.GeoDataFrame, MatchReport]:
    """Official boundaries named in the config, matched to the registry (metric CRS)."""
    path = resolve_boundary_path(config)
    if path is None:
        raise UserError("Cấu hình chưa khai báo tệp ranh giới (khóa boundaries.path).")
    b = config.boundaries
    gdf = read_boundary_file(path)
    return match_units(gdf, registry, b.vintage, path, b.code_field, b.name_field)


@dataclass(frozen=True)
class Boundaries:
    """Polygons of one vintage for drawing, and where they came from."""

    gdf: gpd.GeoDataFrame  # vintage, code, name, geometry (METRIC_CRS)
    vintage: int
    is_schematic: bool
    source: str  # for map footers: the file name and vintage, or SCHEMATIC_NOTE
    report: MatchReport | None = None


def boundaries_for(config, registry: Registry, vintage: int) -> Boundaries:
    """Official polygons if configured (dissolved to `vintage` when needed), else schematic."""
    if config.boundaries.path is None:
        return Boundaries(schematic_boundaries(registry, vintage), vintage, True, SCHEMATIC_NOTE)
    gdf, report = load_boundaries(config, registry)
    gdf = dissolve_to(gdf, registry, vintage)
    source = f"{report.path.name} (kỳ {config.boundaries.vintage})"
    return Boundaries(gdf, vintage, False, source, report)
