"""The notebooks' side of the package: the analyst's workbench.

- `start(step, config_path, year, ...)`: the parameters checked in a notebook's first cell,
  paths resolved from the project root, the run folder derived from config and year, the
  earlier steps' results present (`params`, `steps`);
- `Finding`, `show_figures`, `show_table`: figures inline from their saved files, tables in
  Vietnamese number formats (`display`);
- one class per notebook holding its sections, each returning a `Finding` (its result, or
  one sentence saying what is unavailable and why): `Profile` (02), `Targets` (03),
  `Budget` (04), `Maps` (05).

Logic lives here, not in the notebooks: a notebook is a heading, what it shows, a few calls.
"""

from analysis.workbench.display import (
    Finding,
    figure_output,
    interactive_map_output,
    preview_png,
    show_figures,
    show_table,
    show_text,
    table_output,
)
from analysis.workbench.params import Step, check_year, folder_year, hand_run_dir, start
from analysis.workbench.steps import CYCLE, STEPS, check_ready

__all__ = [
    "CYCLE",
    "STEPS",
    "Finding",
    "Step",
    "check_ready",
    "check_year",
    "figure_output",
    "folder_year",
    "hand_run_dir",
    "interactive_map_output",
    "preview_png",
    "show_figures",
    "show_table",
    "show_text",
    "start",
    "table_output",
]
