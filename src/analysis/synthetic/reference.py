"""Reference facts of the synthetic sample district, read from data/reference/sample_*.csv.

The facts are data, not code: 2025 populations of the merged communes (DOMAIN.md §4),
how each merged commune splits among its 2024 units, and each unit's propensities
(urban share, remoteness, income and deprivation effects, income growth, ethnic
minority share, pace of progress relative to the district). Codes are checked against the unit registry.

sample_communes.csv describes one district (the project's sample). Any other district is
built from the unit registry: every 2024 unit, urban when it is a town or ward, with
propensities drawn around its region's profile (sample_regions.csv) from the config's seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.config import PROJECT_ROOT
from analysis.errors import UserError
from analysis.registry import LEGACY_VINTAGE, MERGED_VINTAGE, Registry

REFERENCE_DIR = PROJECT_ROOT / "data" / "reference"
PERSONS_PER_HOUSEHOLD = 3.6

UNIT_FIELDS = {
    "code": "string",
    "name": "string",
    "weight": "float64",
    "urban_share": "float64",
    "remote": "bool",
    "income_effect": "float64",
    "deprivation_effect": "float64",
    "ethnic_minority_rate": "float64",
    "progress": "float64",
}


@dataclass(frozen=True)
class Reference:
    units: pd.DataFrame  # one row per 2024 unit: UNIT_FIELDS + merged_code, n_households
    deprivations: pd.DataFrame  # column, prevalence, annual_shift (official order)
    names: dict[str, tuple[np.ndarray, np.ndarray]]  # kind -> (values, probabilities)
    id_prefix: str = "HS"  # household ids: prefix + serial
    province_id_prefix: str = "042"  # first three digits of the heads' ID numbers


def read_csv(name: str, directory: Path = REFERENCE_DIR) -> pd.DataFrame:
    path = directory / name
    if not path.exists():
        raise UserError(f"Thiếu tệp dữ liệu tham chiếu của mẫu mô phỏng: {path}")
    return pd.read_csv(path, dtype=str, encoding="utf-8").apply(lambda s: s.str.strip())


def _require(df: pd.DataFrame, columns, name: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise UserError(f"{name}: thiếu cột {', '.join(missing)}")


def _check_codes(df: pd.DataFrame, registry: Registry, vintage: int, name: str) -> None:
    expected = registry.names(vintage)
    got = dict(zip(df["code"], df["name"], strict=True))
    if set(got) != set(expected):
        diff = sorted(set(got) ^ set(expected))
        raise UserError(f"{name}: mã xã không khớp sổ đơn vị hành chính kỳ {vintage}: {diff}")
    wrong = [f"{c} ({got[c]} ≠ {expected[c]})" for c in sorted(got) if got[c] != expected[c]]
    if wrong:
        raise UserError(f"{name}: tên xã không khớp sổ đơn vị hành chính: {', '.join(wrong)}")


def _numbers(df: pd.DataFrame, columns: list[str], name: str) -> pd.DataFrame:
    """Parse `columns` as numbers; a bad cell is a UserError naming file, row and column."""
    out = df.copy()
    for col in columns:
        parsed = pd.to_numeric(out[col], errors="coerce")
        if parsed.isna().any():
            row = int(parsed.isna().to_numpy().argmax()) + 2
            raise UserError(
                f"{name}, dòng {row}, cột '{col}': không phải số ({out[col].iloc[row - 2]!r})"
            )
        out[col] = parsed.astype(float)
    return out


def load_units(
    registry: Registry, households: int, directory: Path = REFERENCE_DIR
) -> pd.DataFrame:
    """2024 units with their merged commune and baseline household count (summing to `households`)."""
    units = read_csv("sample_communes.csv", directory)
    _require(units, UNIT_FIELDS, "sample_communes.csv")
    units = _numbers(units[list(UNIT_FIELDS)], list(UNIT_FIELDS)[2:], "sample_communes.csv")
    units["remote"] = units["remote"].astype(bool)
    bad = units[(units["weight"] <= 0) | ~units["urban_share"].between(0, 1)]
    if not bad.empty:
        raise UserError(
            f"sample_communes.csv: 'weight' phải dương và 'urban_share' trong [0, 1] (mã {', '.join(bad['code'])})"
        )
    _check_codes(units, registry, LEGACY_VINTAGE, "sample_communes.csv")
    merged = read_csv("sample_communes_2025.csv", directory)
    _require(merged, ("code", "name", "population_2025"), "sample_communes_2025.csv")
    _check_codes(merged, registry, MERGED_VINTAGE, "sample_communes_2025.csv")
    merged = _numbers(merged, ["population_2025"], "sample_communes_2025.csv")
    population = dict(zip(merged["code"], merged["population_2025"], strict=True))

    units["merged_code"] = units["code"].map(registry.to_merged())
    group_weight = units.groupby("merged_code")["weight"].transform("sum")
    units["population"] = units["merged_code"].map(population) * units["weight"] / group_weight
    units["n_households"] = apportion(units["population"].to_numpy(), households)
    return units.sort_values("code", ignore_index=True)


def apportion(weights: np.ndarray, total: int) -> np.ndarray:
    """Integer shares of `total` proportional to `weights` (largest remainder, ties by position)."""
    exact = np.asarray(weights, dtype=float) / np.sum(weights) * total
    out = np.floor(exact).astype(np.int64)
    order = np.argsort(-(exact - out), kind="stable")
    out[order[: total - out.sum()]] += 1
    return out


def load_deprivations(directory: Path = REFERENCE_DIR) -> pd.DataFrame:
    from analysis.schema import DEPRIVATION_COLUMNS

    dep = read_csv("sample_deprivations.csv", directory)
    _require(dep, ("column", "prevalence", "annual_shift"), "sample_deprivations.csv")
    if sorted(dep["column"]) != sorted(DEPRIVATION_COLUMNS):
        raise UserError(
            "sample_deprivations.csv: cột 'column' phải liệt kê đúng 12 chỉ số thiếu hụt"
        )
    dep = dep.set_index("column").loc[list(DEPRIVATION_COLUMNS)].reset_index()
    dep = _numbers(dep, ["prevalence", "annual_shift"], "sample_deprivations.csv")
    if not dep["prevalence"].between(0, 1, inclusive="neither").all():
        raise UserError("sample_deprivations.csv: 'prevalence' phải nằm trong (0, 1)")
    return dep


def load_names(directory: Path = REFERENCE_DIR) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    names = read_csv("sample_names.csv", directory)
    _require(names, ("kind", "value", "weight"), "sample_names.csv")
    out = {}
    for kind, group in names.groupby("kind", sort=True):
        w = _numbers(group, ["weight"], "sample_names.csv")["weight"].to_numpy()
        out[kind] = (group["value"].to_numpy(dtype=object), w / w.sum())
    return out


URBAN_UNIT_TYPES = ("Thị trấn", "Phường")


def describes(registry: Registry, directory: Path = REFERENCE_DIR) -> bool:
    """Whether sample_communes.csv lists units of this district (codes are unique per vintage)."""
    codes = set(read_csv("sample_communes.csv", directory)["code"])
    return bool(codes & set(registry.codes(LEGACY_VINTAGE)))


def region_profile(region: str, directory: Path = REFERENCE_DIR) -> pd.Series:
    profiles = read_csv("sample_regions.csv", directory)
    fields = ["income_effect", "deprivation_effect", "ethnic_minority_rate",
              "town_ethnic_minority_rate"]  # fmt: skip
    _require(profiles, ["region", *fields], "sample_regions.csv")
    row = profiles[profiles["region"] == region]
    if row.empty:
        raise UserError(
            f"sample_regions.csv: không có vùng '{region}' (có: {', '.join(profiles['region'])})"
        )
    return _numbers(row[fields], fields, "sample_regions.csv").iloc[0]


def generated_units(
    registry: Registry,
    households: int,
    region: str,
    seed: int,
    remote: frozenset[str] = frozenset(),
    directory: Path = REFERENCE_DIR,
) -> pd.DataFrame:
    """2024 units of any district from the registry, with propensities around the region's."""
    profile = region_profile(region, directory)
    rng = np.random.default_rng([seed, LEGACY_VINTAGE])
    units = registry.vintage(LEGACY_VINTAGE)[["code", "name", "unit_type"]].copy()
    units = units.sort_values("code", ignore_index=True)
    n = len(units)
    town = units["unit_type"].isin(URBAN_UNIT_TYPES).to_numpy()
    is_remote = units["code"].isin(remote).to_numpy()
    out = pd.DataFrame(
        {
            "code": units["code"].astype("string"),
            "name": units["name"].astype("string"),
            "weight": np.where(town, 1.3, 1.0) * rng.lognormal(0.0, 0.3, n),
            "urban_share": np.where(town, 0.85, 0.0),
            "remote": is_remote,
            "income_effect": profile["income_effect"]
            + np.where(town, 0.45, 0.0)
            - np.where(is_remote, 0.15, 0.0)
            + rng.normal(0.0, 0.12, n),
            "deprivation_effect": profile["deprivation_effect"]
            - np.where(town, 0.6, 0.0)
            + np.where(is_remote, 0.15, 0.0)
            + rng.normal(0.0, 0.12, n),
            "ethnic_minority_rate": np.where(
                town, profile["town_ethnic_minority_rate"], profile["ethnic_minority_rate"]
            ),
            "progress": rng.uniform(0.6, 1.3, n),
        }
    )
    out["merged_code"] = out["code"].map(registry.to_merged())
    out["population"] = out["weight"]
    out["n_households"] = apportion(out["weight"].to_numpy(), households)
    return out


def load_reference(registry: Registry, households: int, config=None) -> Reference:
    """The sample's facts: the reference tables for their own district, else generated units."""
    if config is None or describes(registry):
        units = load_units(registry, households)
    else:
        remote = config.allocation.remote_communes if config.allocation else []
        units = generated_units(
            registry, households, config.district.region, config.sample.seed, frozenset(remote)
        )
    prefixes = {}
    if config is not None:
        initials = "".join(w[0] for w in config.district.slug.split("-") if w)[:3].upper()
        prefixes = dict(
            id_prefix=initials or "HH",
            province_id_prefix=f"{int(config.district.province_code):03d}",
        )
    return Reference(units=units, deprivations=load_deprivations(), names=load_names(), **prefixes)
