"""Poverty measures: rates, deprivation headcounts, Alkire–Foster, flows between reviews.

The public functions, re-exported here so callers write `measures.commune_indicators(…)`.
"""

from analysis.measures._frame import DISTRICT_LABEL_VI
from analysis.measures.audit import audit_status
from analysis.measures.flows import check_flows, list_flows
from analysis.measures.rates import add_rates, commune_indicators, district_indicators

__all__ = [
    "DISTRICT_LABEL_VI",
    "add_rates",
    "audit_status",
    "check_flows",
    "commune_indicators",
    "district_indicators",
    "list_flows",
]
