"""Geography: boundary files, the schematic default, and moving data between unit vintages."""

from analysis.geography.boundaries import (
    SCHEMATIC_NOTE,
    Boundaries,
    MatchReport,
    Repair,
    boundaries_for,
    boundary_problems,
    inspect_boundaries,
    load_boundaries,
    match_units,
    read_boundary_features,
    read_boundary_file,
    resolve_boundary_path,
)
from analysis.geography.checks import AREA_TOLERANCE, GAP_WIDTH_M, Problem, close_gaps
from analysis.geography.crosswalk import (
    check_direction,
    reaggregate,
    reaggregate_allocation,
    reaggregate_deprivation,
)
from analysis.geography.schematic import (
    METRIC_CRS,
    WEB_CRS,
    dissolve_to,
    estimate_outline,
    schematic_boundaries,
)

__all__ = [
    "AREA_TOLERANCE",
    "GAP_WIDTH_M",
    "METRIC_CRS",
    "SCHEMATIC_NOTE",
    "WEB_CRS",
    "Boundaries",
    "MatchReport",
    "Problem",
    "Repair",
    "boundaries_for",
    "boundary_problems",
    "close_gaps",
    "check_direction",
    "dissolve_to",
    "estimate_outline",
    "inspect_boundaries",
    "load_boundaries",
    "match_units",
    "read_boundary_features",
    "read_boundary_file",
    "reaggregate",
    "reaggregate_allocation",
    "reaggregate_deprivation",
    "resolve_boundary_path",
    "schematic_boundaries",
]
