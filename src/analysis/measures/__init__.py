"""Poverty measures: rates, deprivation headcounts, Alkire–Foster, flows between reviews.

The public functions, re-exported here so callers write `measures.commune_indicators(…)`.
"""

from analysis.measures._frame import (
    DISTRICT_LABEL_VI,
    covers_population,
    describe_indicator_gap,
    income_poor,
    with_indicator_flags,
)
from analysis.measures.alkire_foster import (
    AFResult,
    af_population,
    aggregate,
    alkire_foster,
    decompose,
    deprivation_scores,
    robustness,
)
from analysis.measures.audit import audit_status
from analysis.measures.change import change_over_time
from analysis.measures.classes import (
    classes_table,
    describe_classes,
    living_standard_classes,
    low_income_applies,
)
from analysis.measures.deprivation import (
    POPULATION_LABELS_VI,
    commune_deprivations,
    deprivation_headcounts,
    deprivation_table_vi,
    headcounts_wide,
)
from analysis.measures.describe import (
    describe_alkire_foster,
    describe_audit,
    describe_change,
    describe_communes,
    describe_contributions,
    describe_decomposition,
    describe_deprivation,
    describe_district,
    describe_flow_check,
    describe_flows,
    describe_groups,
    describe_robustness,
    flows_not_linkable,
)
from analysis.measures.flows import check_continuity, check_flows, district_flows, list_flows
from analysis.measures.groups import GROUP_FLAGS, group_rates, rate_variants
from analysis.measures.rates import (
    MISSING_FLAG,
    MISSING_VI,
    add_rates,
    commune_indicators,
    describe_missing,
    district_indicators,
    exclude_missing,
    missing_communes,
)
from analysis.measures.sources import indicators_from_inputs

__all__ = [
    "district_flows",
    "classes_table",
    "describe_classes",
    "low_income_applies",
    "living_standard_classes",
    "indicators_from_inputs",
    "DISTRICT_LABEL_VI",
    "GROUP_FLAGS",
    "POPULATION_LABELS_VI",
    "AFResult",
    "af_population",
    "add_rates",
    "aggregate",
    "alkire_foster",
    "audit_status",
    "describe_indicator_gap",
    "with_indicator_flags",
    "change_over_time",
    "check_continuity",
    "check_flows",
    "commune_indicators",
    "describe_missing",
    "exclude_missing",
    "missing_communes",
    "MISSING_FLAG",
    "MISSING_VI",
    "covers_population",
    "decompose",
    "commune_deprivations",
    "deprivation_headcounts",
    "describe_alkire_foster",
    "describe_audit",
    "describe_change",
    "describe_communes",
    "describe_contributions",
    "describe_decomposition",
    "describe_deprivation",
    "describe_district",
    "describe_flow_check",
    "describe_flows",
    "flows_not_linkable",
    "describe_groups",
    "describe_robustness",
    "deprivation_scores",
    "deprivation_table_vi",
    "district_indicators",
    "group_rates",
    "headcounts_wide",
    "income_poor",
    "list_flows",
    "rate_variants",
    "robustness",
]
