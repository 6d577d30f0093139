"""Unit registry across vintages, built from the `vietnamadminunits` package.

A unit is (vintage, code), never a code alone: from July 2025 the merged
communes reuse old GSO codes for different areas (18133 is town Phố Châu in the
2024 vintage and commune Hương Sơn in the 2025 vintage).

Vintage 2024 = the legacy (63-province) units; vintage 2025 = the units in force
from 1 July 2025. The crosswalk maps each 2024 unit to the 2025 commune that
absorbed it, from the package's conversion table.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import pandas as pd

from analysis.errors import UserError

LEGACY_VINTAGE = 2024
MERGED_VINTAGE = 2025

UNIT_COLUMNS = [
    "vintage", "code", "name", "full_name", "unit_type",
    "lat", "lon", "min_lat", "min_lon", "max_lat", "max_lon", "area_km2",
]  # fmt: skip


@dataclass(frozen=True)
class Registry:
    """Units of one district across vintages, and the crosswalk between them."""

    units: pd.DataFrame  # UNIT_COLUMNS, one row per (vintage, code)
    crosswalk: pd.DataFrame  # from_vintage, from_code, to_vintage, to_code

    def vintage(self, vintage: int) -> pd.DataFrame:
        out = self.units[self.units["vintage"] == vintage]
        if out.empty:
            raise UserError(f"Sổ đơn vị hành chính không có kỳ {vintage}.")
        return out.reset_index(drop=True)

    def names(self, vintage: int) -> dict[str, str]:
        """code -> short name for one vintage."""
        v = self.vintage(vintage)
        return dict(zip(v["code"], v["name"], strict=True))

    def names_by_vintage(self) -> dict[int, dict[str, str]]:
        """{vintage: {code: short name}}: codes are only unique within a vintage."""
        return {int(v): self.names(int(v)) for v in sorted(self.units["vintage"].unique())}

    def codes(self, vintage: int) -> list[str]:
        return self.vintage(vintage)["code"].tolist()

    def to_merged(self) -> dict[str, str]:
        """2024 code -> 2025 code."""
        cw = self.crosswalk
        return dict(zip(cw["from_code"], cw["to_code"], strict=True))


def _package_data(name: str) -> Path:
    """A data file of the vietnamadminunits package, found without importing the package
    (its import loads its address parser: half a second in every process)."""
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        return Path(str(files("vietnamadminunits") / "data" / name))
    return Path(next(iter(spec.submodule_search_locations))) / "data" / name


def _db() -> sqlite3.Connection:
    path = _package_data("dataset.db")
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _bounds(text: str | None) -> tuple[float, float, float, float]:
    """'lat1,lon1 – lat2,lon2' -> (min_lat, min_lon, max_lat, max_lon)."""
    if not text:
        return (float("nan"),) * 4
    a, b = (p.strip() for p in text.replace("–", "-", 1).split(" - ", 1))
    (la1, lo1), (la2, lo2) = (tuple(map(float, x.split(","))) for x in (a, b))
    return min(la1, la2), min(lo1, lo2), max(la1, la2), max(lo1, lo2)


DISTRICT_PREFIXES = ("huyện", "thị xã", "thành phố", "quận", "tỉnh", "tp.", "tx.", "h.", "q.")


def district_key(name: object) -> str:
    """A district name for matching: NFC, case-folded, unit-type word dropped ("Huyện",
    "Thị xã", "Thành phố", "Quận"), tone marks placement-independent (hoá = hóa)."""
    from analysis.geography.names import _tone_last

    text = unicodedata.normalize("NFC", str(name)).casefold().strip()
    text = re.sub(r"\s+", " ", text)
    for prefix in DISTRICT_PREFIXES:
        if text.startswith(prefix + " ") or (prefix.endswith(".") and text.startswith(prefix)):
            text = text[len(prefix) :].strip()
            break
    return " ".join(_tone_last(w) for w in text.split(" "))


def resolve_district(conn: sqlite3.Connection, province: str, name: str) -> tuple[str, str]:
    """The registry's spelling of (province, district `name`); UserError with the closest
    names when there is none. Both match with or without their unit type and with either
    tone placement."""
    provinces = sorted(
        {r[0] for r in conn.execute("SELECT DISTINCT province FROM admin_units_legacy")}
    )
    found = [p for p in provinces if district_key(p) == district_key(province)]
    if not found:
        raise UserError(
            f"Không tìm thấy tỉnh '{province}' trong sổ đơn vị hành chính (kỳ {LEGACY_VINTAGE})."
            + _suggest(province, provinces)
        )
    province = found[0]
    rows = conn.execute(
        "SELECT DISTINCT district FROM admin_units_legacy WHERE province = ?", (province,)
    ).fetchall()
    districts = sorted(r[0] for r in rows)
    key = district_key(name)
    found = [d for d in districts if district_key(d) == key]
    exact = [d for d in found if _full_key(d) == _full_key(name)]
    if len(found) > 1 and len(exact) == 1:  # "Huyện Kỳ Anh" beside "Thị xã Kỳ Anh"
        return province, exact[0]
    if len(found) == 1:
        return province, found[0]
    if len(found) > 1:  # e.g. "Huyện X" and "Thị xã X" in one province: the type decides
        raise UserError(
            f"Tên huyện '{name}' khớp nhiều đơn vị của {province}: {', '.join(found)}; "
            "hãy ghi rõ loại đơn vị (Huyện, Thị xã, Thành phố)."
        )
    raise UserError(
        f"Không tìm thấy huyện '{name}' của {province} trong sổ đơn vị hành chính "
        f"(kỳ {LEGACY_VINTAGE})." + _suggest(name, districts)
    )


def _full_key(name: str) -> str:
    """A district name with its unit type, for telling "Huyện X" from "Thị xã X"."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(name)).casefold().strip())


def _suggest(name: str, choices: list[str], limit: int = 3) -> str:
    from rapidfuzz import fuzz, process

    keys = {c: district_key(c) for c in choices}
    best = process.extract(district_key(name), keys, scorer=fuzz.WRatio, limit=limit)
    names = [choice for _, score, choice in best if score >= 50]
    return f" Tên gần nhất: {', '.join(names)}." if names else ""


@lru_cache(maxsize=8)
def build_registry(province: str, legacy_district: str) -> Registry:
    """Units of `legacy_district` (2024 vintage) and of the 2025 communes that replaced it.

    The district name matches with or without its unit type and with either tone placement."""
    with _db() as conn:
        province, legacy_district = resolve_district(conn, province, legacy_district)
        legacy = pd.read_sql_query(
            "SELECT provinceKey, districtKey, wardKey, ward, wardShort, wardType, wardCode, "
            "wardLat, wardLon, wardBounds FROM admin_units_legacy "
            "WHERE province = ? AND district = ? ORDER BY wardCode",
            conn,
            params=(province, legacy_district),
        )
        if legacy.empty:
            raise UserError(
                f"Không tìm thấy huyện '{legacy_district}' của tỉnh '{province}' trong sổ đơn vị hành chính."
            )
        new_province_key, mapping = _merger_mapping(legacy["provinceKey"].iloc[0])
        legacy["old_key"] = (
            legacy["provinceKey"] + "_" + legacy["districtKey"] + "_" + legacy["wardKey"]
        )
        legacy["new_key"] = legacy["old_key"].map(mapping)
        if legacy["new_key"].isna().any():
            missing = ", ".join(legacy.loc[legacy["new_key"].isna(), "ward"])
            raise UserError(f"Không có đơn vị sau sáp nhập 2025 cho: {missing}")
        keys = sorted(legacy["new_key"].unique())
        merged = pd.read_sql_query(
            f"SELECT wardKey, ward, wardShort, wardType, wardCode, wardLat, wardLon, wardAreaKm2 "
            f"FROM admin_units WHERE provinceKey = ? AND wardKey IN ({','.join('?' * len(keys))}) "
            f"ORDER BY wardCode",
            conn,
            params=(new_province_key, *keys),
        )

    bounds = pd.DataFrame(legacy["wardBounds"].map(_bounds).tolist(), columns=UNIT_COLUMNS[7:11])
    units_2024 = pd.DataFrame(
        {
            "vintage": LEGACY_VINTAGE,
            "code": legacy["wardCode"],
            "name": legacy["wardShort"],
            "full_name": legacy["ward"],
            "unit_type": legacy["wardType"],
            "lat": legacy["wardLat"],
            "lon": legacy["wardLon"],
        }
    ).join(bounds)
    units_2024["area_km2"] = float("nan")
    units_2025 = pd.DataFrame(
        {
            "vintage": MERGED_VINTAGE,
            "code": merged["wardCode"],
            "name": merged["wardShort"],
            "full_name": merged["ward"],
            "unit_type": merged["wardType"],
            "lat": merged["wardLat"],
            "lon": merged["wardLon"],
        }
    )
    for col in UNIT_COLUMNS[7:11]:
        units_2025[col] = float("nan")
    units_2025["area_km2"] = merged["wardAreaKm2"]
    units = pd.concat([units_2024, units_2025], ignore_index=True)[UNIT_COLUMNS]
    units["vintage"] = units["vintage"].astype("int16")

    code_of_new_key = dict(zip(merged["wardKey"], merged["wardCode"], strict=True))
    crosswalk = pd.DataFrame(
        {
            "from_vintage": LEGACY_VINTAGE,
            "from_code": legacy["wardCode"],
            "to_vintage": MERGED_VINTAGE,
            "to_code": legacy["new_key"].map(code_of_new_key),
        }
    )
    return Registry(units=units, crosswalk=crosswalk)


def _merger_mapping(old_province_key: str) -> tuple[str, dict[str, str]]:
    """(new province key, {old province_district_ward key: new ward key}) for one old province."""
    path = _package_data("converter_2025.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    new_province = next(k for k, olds in data["DICT_PROVINCE"].items() if old_province_key in olds)
    mapping = {
        old: new
        for new, olds in data["DICT_PROVINCE_WARD_NO_DIVIDED"][new_province].items()
        for old in olds
    }
    # Old units split across several new ones: the package names a default new unit.
    for old, options in data["DICT_PROVINCE_WARD_DIVIDED"].get(new_province, {}).items():
        default = next((o["newWardKey"] for o in options if o["isDefaultNewWard"]), None)
        if default:
            mapping.setdefault(old, default)
    return new_province, mapping


def registry_for(config) -> Registry:
    return build_registry(config.district.province, config.district.legacy_district_name)
