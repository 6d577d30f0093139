"""The measures of a partitioned dataset at every level: commune, district, province, country.

    result = measure("data/country", "vn-2022-2025")
    result.communes      # measures.commune_indicators columns + province_code, district_code
    result.districts     # one row per district and year (measures.district_indicators rules)
    result.provinces     # one row per province and year
    result.country       # one row per year
    result.af            # measures.AFResult per (year, commune); .af_at(level) coarser
    result.classes       # computed classes per year (measures.living_standard_classes)

The household-level work is the DuckDB scan (`Engine.profile`) and the flows join; the
rest runs on a few rows per commune with the pandas measures' own functions.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.measures.alkire_foster import AFResult, aggregate
from analysis.measures.rates import assemble_indicators, district_indicators
from analysis.scale.engine import Engine, Profile
from analysis.scale.flows import flows as flows_of
from analysis.schema import DYNAMICS_COLUMNS

LEVELS = {"commune": "commune_code", "district": "district_code", "province": "province_code"}
COUNTRY_LABEL_VI = "Toàn quốc"


@dataclass(frozen=True)
class ScaleResult:
    communes: pd.DataFrame
    districts: pd.DataFrame
    provinces: pd.DataFrame
    country: pd.DataFrame
    af: AFResult | None
    classes: pd.DataFrame
    profile: Profile

    def af_at(self, level: str) -> AFResult | None:
        """Alkire–Foster per (year, unit of `level`): commune, district, province or country."""
        if self.af is None:
            return None
        if level == "country":
            return aggregate(self.af, ("year",))
        return self.profile.alkire_foster(("year", LEVELS[level]))


FlowsOf = Callable[[dict[int, int]], pd.DataFrame]  # vintages -> `list_flows` table


def indicators(
    profile: Profile,
    flows: FlowsOf | None,
    totals: pd.DataFrame | None = None,
    names: Mapping | None = None,
    *,
    crosswalk: Mapping[str, str] | None = None,
    missing: pd.DataFrame | None = None,
    broken_years: Collection[int] = (),
) -> pd.DataFrame:
    """The commune indicator table (as `measures.commune_indicators`) with province and
    district codes. `flows`: computes the dynamics from the vintages (None: no flows).
    Without `totals` the rows are the whole population: resident households and persons
    are counted from them."""
    vintages = profile.vintages()

    def dynamics() -> pd.DataFrame:
        if flows is None:
            return pd.DataFrame(columns=["year", "commune_code", *DYNAMICS_COLUMNS])
        return flows(vintages)

    table = assemble_indicators(
        profile.counts(),
        vintages,
        dynamics,
        profile.totals() if totals is None else totals,
        names or {},
        crosswalk=crosswalk,
        missing=missing,
        broken_years=broken_years,
    )
    units = profile.units().astype({"year": "int16"})
    table = table.merge(units, on=["year", "commune_code"], how="left")
    first = ["province_code", "district_code"]
    return table[[*first, *(c for c in table.columns if c not in first)]]


def result(profile: Profile, communes: pd.DataFrame) -> ScaleResult:
    """Every level's table from the commune table and the profile's sums."""
    af = profile.alkire_foster() if len({s.id for s in profile.standards.values()}) == 1 else None
    return ScaleResult(
        communes=communes,
        districts=level_indicators(communes, "district"),
        provinces=level_indicators(communes, "province"),
        country=level_indicators(communes, "country"),
        af=af,
        classes=profile.classes(("year",)),
        profile=profile,
    )


def level_indicators(communes: pd.DataFrame, level: str) -> pd.DataFrame:
    """One row per unit of `level` ('district', 'province' or 'country') and year."""
    if level == "country":
        return district_indicators(communes, COUNTRY_LABEL_VI)
    keys = ["province_code"] if level == "province" else ["province_code", "district_code"]
    out = district_indicators(communes, "", by=keys)
    out["commune_name"] = out[keys[-1]].astype("string")
    return out


def measure(
    root: str | Path,
    standard_for: str | Mapping[int, str] | Callable[[int], str] = "vn-2022-2025",
    *,
    years: Iterable[int] | None = None,
    totals: pd.DataFrame | None = None,
    names: Mapping | None = None,
    crosswalk: Mapping[str, str] | None = None,
    broken_years: Collection[int] = (),
    with_flows: bool = True,
    k: int = 3,
    population: str = "all",
    engine: Engine | None = None,
    progress: bool = False,
) -> ScaleResult:
    """Every measure of the dataset at `root` (see the module docstring), in DuckDB."""
    engine = engine or Engine(root, progress=progress)
    profile = engine.profile(standard_for, years, k=k, population=population)

    def flows(vintages: dict[int, int]) -> pd.DataFrame:
        return flows_of(engine, vintages, crosswalk, broken_years=broken_years)

    communes = indicators(profile, flows if with_flows else None, totals, names,
                          crosswalk=crosswalk, broken_years=broken_years)  # fmt: skip
    return result(profile, communes)
