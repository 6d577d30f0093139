"""Targets of the plan as data (config `targets:`), the scorecard and the final evaluation.

Public API: build_scorecard, final_evaluation, read_monitoring, reaggregate,
district_table, write_scorecard_xlsx, scorecard_html, STATUS_LABELS_VI, and
verdicts (targets.verdicts): the one verdict per target, unit and year every output reads.
"""

from analysis.targets.measures import (
    DISTRICT_CODE,
    MONITORING_COLUMNS,
    add_rates,
    district_table,
    read_monitoring,
    reaggregate,
    validate_monitoring,
)
from analysis.targets.scorecard import (
    POPULATION_LABELS_VI,
    SCORECARD_COLUMNS,
    STATUS_LABELS_VI,
    STATUSES,
    annual_fall_status,
    build_scorecard,
    level_status,
)
from analysis.targets.verdicts import (
    VERDICT_COLUMNS,
    VERDICT_LABELS_VI,
    VERDICT_RULE_VI,
    verdict_of,
    verdicts,
)

__all__ = [
    "DISTRICT_CODE",
    "MONITORING_COLUMNS",
    "POPULATION_LABELS_VI",
    "SCORECARD_COLUMNS",
    "STATUSES",
    "STATUS_LABELS_VI",
    "VERDICT_COLUMNS",
    "VERDICT_LABELS_VI",
    "VERDICT_RULE_VI",
    "add_rates",
    "annual_fall_status",
    "build_scorecard",
    "district_table",
    "level_status",
    "read_monitoring",
    "reaggregate",
    "validate_monitoring",
    "verdict_of",
    "verdicts",
]
