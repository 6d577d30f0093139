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
from dataclasses import dataclass, field, replace
from pathlib import Path

import geopandas as gpd
import pandas as pd

from analysis.errors import UserError
from analysis.geography.checks import (
    ERROR,
    INFO,
    WARNING,
    Problem,
    area_problems,
    close_gaps,
    gap_problem,
    km2,
    outline_problems,
    repair,
    vintage_fit,
    vintage_problem,
)
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
class Repair:
    """An invalid polygon (self-intersection, bow-tie) repaired on load."""

    feature: str  # the feature's label in the file
    unit: str  # "code name" of the unit it was matched to, "" if none
    area_before_km2: float  # as the invalid ring computes it
    area_after_km2: float


@dataclass(frozen=True)
class MatchReport:
    """How the features of a boundary file matched the registry units of its vintage,
    and what the checks found and the clean-up changed."""

    path: Path
    vintage: int
    matched_by: str  # "code" or "name"
    matched: dict[str, list[str]]  # registry code -> labels of the features matched to it
    unmatched_features: list[str] = field(default_factory=list)  # in the file, not in registry
    missing_units: list[str] = field(default_factory=list)  # in registry, not in the file
    ambiguous: list[str] = field(default_factory=list)  # a feature fitting several units
    n_units: int = 0  # units of the vintage in the registry
    repairs: list[Repair] = field(default_factory=list)
    checks: list[Problem] = field(default_factory=list)  # area, outline, vintage, gaps
    gap_km2: float = 0.0  # gaps between neighbours closed by the clean-up
    overlap_km2: float = 0.0  # overlaps between neighbours removed by the clean-up

    @property
    def ok(self) -> bool:
        """Every unit has a polygon, no feature was ambiguous, no check failed. Unmatched
        features alone are fine: a province-wide file holds other districts' communes too."""
        return not (self.missing_units or self.ambiguous or self.errors)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems() if p.severity == ERROR]

    def problems(self) -> list[Problem]:
        """Every finding: repairs and missing units (warnings), checks, unmatched features."""
        out = [
            Problem(WARNING, "Đã sửa vùng tự cắt", f"Vùng {r.feature}"
                    f"{f' (đơn vị {r.unit})' if r.unit else ''} tự cắt hoặc sai hình học, đã sửa "
                    f"tự động: diện tích {km2(r.area_before_km2 * 1e6)} trước khi sửa, "
                    f"{km2(r.area_after_km2 * 1e6)} sau khi sửa.", r.unit)
            for r in self.repairs
        ]  # fmt: skip
        out += [Problem(WARNING, "Thiếu ranh giới", f"Đơn vị {u} không có vùng nào trong tệp "
                        "ranh giới: không có trên bản đồ.", u) for u in self.missing_units]  # fmt: skip
        out += [Problem(WARNING, "Khớp nhiều đơn vị", f"Vùng {a} khớp nhiều đơn vị: ghi rõ tên "
                        "hoặc dùng mã xã.") for a in self.ambiguous]  # fmt: skip
        out += [
            Problem(WARNING, "Gộp nhiều vùng", f"Đơn vị {code} gồm nhiều vùng trong tệp "
                    f"({', '.join(feats)}): đã gộp, kiểm tra chúng đúng là một xã.", code)
            for code, feats in self.matched.items() if len(feats) > 1
        ]  # fmt: skip
        out += self.checks
        if self.unmatched_features:
            out.append(Problem(INFO, "Không khớp đơn vị nào", f"{len(self.unmatched_features)} "
                               f"vùng không thuộc huyện, bỏ qua: {_listed(self.unmatched_features)}."))  # fmt: skip
        return sorted(out, key=lambda p: (ERROR, WARNING, INFO).index(p.severity))

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
        rows += [
            (p.kind, p.message)
            for p in self.problems()
            if p.kind not in {k for k, _ in rows} | {"Không khớp đơn vị nào"}
        ]
        return pd.DataFrame(rows, columns=["Vấn đề", "Đối tượng"])

    def summary(self) -> str:
        """One sentence: "xa.gpkg (kỳ 2025): 9/9 đơn vị khớp theo mã; ..."."""
        parts = [
            f"{self.path.name} (kỳ {self.vintage}): {len(self.matched)}/{self.n_units} đơn vị "
            f"khớp theo {'mã' if self.matched_by == 'code' else 'tên'}"
        ]
        if self.missing_units:
            parts.append(f"thiếu ranh giới: {_listed(self.missing_units, noun='đơn vị')}")
        if self.unmatched_features:
            parts.append(f"vùng không khớp: {_listed(self.unmatched_features)}")
        if self.ambiguous:
            parts.append(f"vùng khớp nhiều đơn vị: {_listed(self.ambiguous)}")
        if self.repairs:
            parts.append(f"đã sửa {len(self.repairs)} vùng tự cắt")
        if self.gap_km2 or self.overlap_km2:
            parts.append(f"đã khép khe hở {km2(self.gap_km2 * 1e6, 3)}")
        problems = self.problems()
        n_err = sum(p.severity == ERROR for p in problems)
        n_warn = sum(p.severity == WARNING for p in problems)
        parts.append(f"{n_err} lỗi, {n_warn} cảnh báo")
        return "; ".join(parts) + "."

    def error_message(self) -> str:
        lines = [f"Tệp ranh giới {self.path.name} không dùng được:"]
        return "\n".join(lines + [f"  - {p.message}" for p in self.errors])


def _listed(items: list[str], limit: int = 10, noun: str = "vùng") -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" và {len(items) - limit} {noun} khác" if len(items) > limit else "")


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
    return read_boundary_features(path)[0]


def read_boundary_features(path: Path) -> tuple[gpd.GeoDataFrame, dict[int, tuple[float, float]]]:
    """The features of a boundary file (NFC text, METRIC_CRS, geometries valid) and the
    repairs made: {feature position: (area before, area after) in km²}."""
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
    gdf = gdf.reset_index(drop=True)
    polygonal = gdf.geometry.geom_type.isin(["Polygon", "MultiPolygon", "GeometryCollection"])
    if not polygonal.all():
        raise UserError(f"{path}: tệp ranh giới phải chứa vùng (polygon), không phải điểm/đường.")
    repairs, geoms = {}, []
    for i, (geom, valid) in enumerate(zip(gdf.geometry, gdf.geometry.is_valid, strict=True)):
        geoms.append(repair(geom))
        if not valid:
            repairs[i] = (abs(geom.area) / 1e6, geoms[-1].area / 1e6)
    gdf["geometry"] = gpd.GeoSeries(geoms, index=gdf.index, crs=METRIC_CRS)
    return gdf, repairs


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
    repairs: dict[int, tuple[float, float]] | None = None,
) -> tuple[gpd.GeoDataFrame, MatchReport]:
    """Attach registry codes to the features; dissolve pieces of one unit; close the gaps
    between neighbours; check vintage and areas. Problems go to the report (`report.errors`
    for those that make the file unusable); raises only when nothing can be matched.
    `repairs`: {feature position: (area before, after) km²} from `read_boundary_features`."""
    gdf = gdf.reset_index(drop=True)
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
    names = registry.names(vintage)
    fixed = [
        Repair(labels.iloc[i], f"{codes.iloc[i]} {names[codes.iloc[i]]}"
               if isinstance(codes.iloc[i], str) else "", before, after)
        for i, (before, after) in sorted((repairs or {}).items())
    ]  # fmt: skip
    wrong_vintage = _vintage_check(gdf, registry, vintage, code_col, name_col, by, codes)
    checks = [wrong_vintage] if wrong_vintage else []
    # features of the right vintage fall outside the wrong one's units: not outlines then
    checks += outline_problems(
        gdf, labels.tolist(), codes, registry, vintage, unmatched=wrong_vintage is None
    )
    report = MatchReport(
        path, vintage, by, matched, unmatched, missing, ambiguous, len(units), fixed, checks
    )
    kept = gdf.assign(code=codes)[codes.map(lambda c: isinstance(c, str)).to_numpy()]
    if kept.empty:
        found = "".join(f" {p.message}" for p in report.errors)
        raise UserError(f"{path}: không vùng nào khớp với đơn vị hành chính kỳ {vintage}.{found}")
    out = kept[["code", "geometry"]].dissolve(by="code", as_index=False)
    out["geometry"] = [repair(g) for g in out.geometry]
    cleaned, gap_m2, overlap_m2 = close_gaps(list(out.geometry))
    out["geometry"] = gpd.GeoSeries(cleaned, index=out.index, crs=METRIC_CRS)
    out["vintage"] = vintage
    out["name"] = out["code"].map(names)
    out = out[BOUNDARY_COLUMNS].sort_values("code", ignore_index=True)
    gap = gap_problem(gap_m2, overlap_m2, out.area.sum())
    checks += [gap] if gap else []
    if wrong_vintage is None:  # areas of the wrong units would only mislead
        checks += area_problems(out, registry, vintage)
    report = replace(report, checks=checks, gap_km2=gap_m2 / 1e6, overlap_km2=overlap_m2 / 1e6)
    return out, report


def _vintage_check(gdf, registry, vintage, code_col, name_col, by, codes) -> Problem | None:
    """The declared vintage against the other vintages, matched on the same field."""
    column = code_col if by == "code" else name_col
    matcher = _match_codes if by == "code" else _match_names

    def fit(v: int):
        units = registry.vintage(v)
        return vintage_fit(matcher(gdf[column], units)[0], v, len(units))

    declared = vintage_fit(codes, vintage, len(registry.vintage(vintage)))
    problem = vintage_problem(declared, fit, registry)
    if problem is None and by == "code" and name_col is not None:  # codes can be reused
        column, matcher = name_col, _match_names
        declared = fit(vintage)
        problem = vintage_problem(declared, fit, registry)
    return problem


def inspect_boundaries(config, registry: Registry) -> tuple[gpd.GeoDataFrame, MatchReport]:
    """As `load_boundaries`, but a file failing the checks is returned with its report
    (`report.errors`), not refused. Unreadable or unmatchable files raise UserError."""
    path = resolve_boundary_path(config)
    if path is None:
        raise UserError("Cấu hình chưa khai báo tệp ranh giới (khóa boundaries.path).")
    b = config.boundaries
    gdf, repairs = read_boundary_features(path)
    return match_units(gdf, registry, b.vintage, path, b.code_field, b.name_field, repairs)


def load_boundaries(config, registry: Registry) -> tuple[gpd.GeoDataFrame, MatchReport]:
    """Official boundaries named in the config, matched to the registry (metric CRS).
    A file failing a check (wrong vintage, a district outline...) is a UserError."""
    gdf, report = inspect_boundaries(config, registry)
    if report.errors:
        raise UserError(report.error_message())
    return gdf, report


def boundary_problems(config, registry: Registry) -> tuple[str, list[Problem]]:
    """(the match summary sentence, every finding) for the configured boundary file; never
    raises for a bad file: an unreadable one is one error. ("", []) without a file."""
    if config.boundaries.path is None:
        return "", []
    try:
        _, report = inspect_boundaries(config, registry)
    except UserError as exc:
        return f"Tệp ranh giới: {exc}", [Problem(ERROR, "Không dùng được", str(exc))]
    return report.summary(), report.problems()


@dataclass(frozen=True)
class Boundaries:
    """Polygons of one vintage for drawing, and where they came from."""

    gdf: gpd.GeoDataFrame  # vintage, code, name, geometry (METRIC_CRS)
    vintage: int
    is_schematic: bool
    source: str  # for map footers: the file name and vintage, or SCHEMATIC_NOTE
    report: MatchReport | None = None

    def summary(self) -> str:
        """One sentence on where the polygons come from and how the file matched."""
        if self.report is None:
            return "Dùng sơ đồ minh họa: chưa khai báo tệp ranh giới chính thức."
        return self.report.summary()


def boundaries_for(config, registry: Registry, vintage: int) -> Boundaries:
    """Official polygons if configured (dissolved to `vintage` when needed), else schematic."""
    if config.boundaries.path is None:
        return Boundaries(schematic_boundaries(registry, vintage), vintage, True, SCHEMATIC_NOTE)
    gdf, report = load_boundaries(config, registry)
    gdf = dissolve_to(gdf, registry, vintage)
    source = f"{report.path.name} (kỳ {config.boundaries.vintage})"
    return Boundaries(gdf, vintage, False, source, report)
