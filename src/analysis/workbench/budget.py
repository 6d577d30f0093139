"""Notebook 04's sections: the budget split across communes (analysis.budget).

When the envelope file has nothing for the budget year (an earlier year's run), every
section says so in one sentence; the step's status is kept in the run folder
(`budget_status`), so the maps and the briefing can say why there is no budget map.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import documents, store
from analysis.budget import display
from analysis.budget.run import budget_or_reason
from analysis.registry import registry_for
from analysis.workbench.display import Finding
from analysis.workbench.params import Step

STATUS_TABLE = "budget_status"


def budget_reason(run_dir: str | Path) -> str | None:
    """Why the run has no allocation ('' when it has one); None when step 04 has not run."""
    table = store.load_optional_table(run_dir, STATUS_TABLE)
    if table is None or table.empty:
        return None
    return "" if bool(table["available"].iloc[0]) else str(table["reason"].iloc[0])


class Budget:
    """The allocation of the budget year (default: the review year) for `step.year`."""

    def __init__(self, step: Step, budget_year=None, envelope_file=None, scenario=None):
        self.step, self.config, self.year = step, step.config, step.year
        self.registry = registry_for(self.config)
        # communes marked "thiếu số liệu" get no share until their list is in (said below)
        self.run, self.reason = budget_or_reason(
            self.config, step.run_dir, step.year, budget_year=budget_year,
            envelope_file=envelope_file or None, scenario=scenario or None, registry=self.registry,
        )  # fmt: skip
        status = pd.DataFrame({"available": [self.run is not None], "reason": [self.reason],
                               "budget_year": [int(budget_year or step.year)]})  # fmt: skip
        store.save_table(step.run_dir, STATUS_TABLE, status)

    def _blocks(self, blocks: list) -> Finding:
        if self.run is None:
            return Finding.unavailable(self.reason)
        return Finding(tables=blocks)

    def allocation(self) -> Finding:
        """Each commune's amount (all sources), its share and the amount per poor household."""
        if self.run is None:
            return Finding.unavailable(self.reason)
        b = self.run
        weights = store.load_optional_table(self.step.run_dir, "allocation_weights")
        return Finding(
            documents.allocation_text(b.allocation, self.config, b.missing, weights),
            [documents.allocation_table(b.allocation, b.missing)],
        )

    def rules(self) -> Finding:
        """By project, sub-project and source; each source's criteria and weights; the proof
        that every source's communes add up to the amount given."""
        return self._blocks(display.rules_tables(self.run) if self.run else [])

    def comparison(self) -> Finding:
        """The scenario against the base allocation (when `scenario` names one)."""
        return self._blocks(display.comparison_blocks(self.run) if self.run else [])

    def double_support(self) -> Finding:
        """Double support and wrong targets in the lists of supported households."""
        return self._blocks(display.double_support_blocks(self.run) if self.run else [])

    def disbursement(self) -> Finding:
        """Disbursement by commune, with its map (when a disbursement table is given)."""
        if self.run is None:
            return Finding.unavailable(self.reason)
        finding = Finding(tables=display.disbursement_blocks(self.run))
        fig = display.disbursement_figure(
            self.run, self.config, self.registry, self.year, self.step.run_dir
        )
        if fig is not None:
            finding.figures.append(Path(self.step.run_dir) / "maps" / "giai_ngan.png")
        return finding

    def files(self) -> Finding:
        """The printable workbook and the People's Council annex."""
        if self.run is None:
            return Finding.unavailable(self.reason)
        return Finding(display.files_text(self.run))
