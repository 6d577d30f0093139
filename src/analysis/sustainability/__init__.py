"""Sustainability of poverty reduction: do exits last, and does a review look pushed?

- `cohorts`: households leaving (or entering) the poor list each year, followed over later
  reviews; relapse rates with small-count intervals; newly escaped households.
- `fragile`: this year's exits close to the line or still deprived.
- `signals`: integrity signals of a review, each with its rule, comparison, strength and the
  households or numbers behind it ("tín hiệu cần kiểm tra lại", never a conclusion).
- `forecast_link`: relapse rates as the flow model's parameters; how much of the projected
  fall depends on exits staying out.
- `run.assess`: all of it for one run year; `charts`: cohort charts and the relapse map.
The documents' section is `analysis.documents.sustainability`.
"""

from analysis.sustainability.charts import plot_cohort_states, plot_relapse_rates, relapse_map
from analysis.sustainability.cohorts import (
    COHORTS,
    DISTRICT,
    STATES,
    check_bookkeeping,
    cohort_members,
    cohort_table,
    newly_escaped,
    pooled_rates,
)
from analysis.sustainability.forecast_link import RelapseLink, relapse_link
from analysis.sustainability.fragile import fragile_exits, fragile_summary
from analysis.sustainability.panel import Panel, build_panel
from analysis.sustainability.run import TABLES, Assessment, assess
from analysis.sustainability.signals import SIGNALS, Signals, integrity_signals, rules

__all__ = [
    "COHORTS", "DISTRICT", "SIGNALS", "STATES", "TABLES", "Assessment", "Panel", "RelapseLink",
    "Signals", "assess", "build_panel", "check_bookkeeping", "cohort_members", "cohort_table",
    "fragile_exits", "fragile_summary", "integrity_signals", "newly_escaped",
    "plot_cohort_states", "plot_relapse_rates", "pooled_rates", "relapse_link", "relapse_map",
    "rules",
]  # fmt: skip
