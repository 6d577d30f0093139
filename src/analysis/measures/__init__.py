"""Poverty measures: rates, deprivation headcounts, Alkire–Foster, flows between reviews.

The public functions, re-exported here so callers write `measures.commune_indicators(…)`.
"""

from analysis.measures._frame import DISTRICT_LABEL_VI
from analysis.measures.alkire_foster import (
    AFResult,
    aggregate,
    alkire_foster,
    decompose,
    deprivation_scores,
    robustness,
)
from analysis.measures.audit import audit_status
from analysis.measures.change import change_over_time
from analysis.measures.deprivation import (
    POPULATION_LABELS_VI,
    deprivation_headcounts,
    headcounts_wide,
)
from analysis.measures.flows import check_flows, list_flows
from analysis.measures.groups import GROUP_FLAGS, group_rates, rate_variants
from analysis.measures.rates import add_rates, commune_indicators, district_indicators

__all__ = [
    "DISTRICT_LABEL_VI",
    "GROUP_FLAGS",
    "POPULATION_LABELS_VI",
    "AFResult",
    "add_rates",
    "aggregate",
    "alkire_foster",
    "audit_status",
    "change_over_time",
    "check_flows",
    "commune_indicators",
    "decompose",
    "deprivation_headcounts",
    "deprivation_scores",
    "district_indicators",
    "group_rates",
    "headcounts_wide",
    "list_flows",
    "rate_variants",
    "robustness",
]
