"""Notebook 05's sections: the year's maps, shown inline from their saved PNG files.

A map that is not drawn says so and why: no baseline year (change map), no commune-level
target in the plan or units that cannot be merged (status map), no household lists
(deprivation maps), no allocation in this run (budget map, with the budget step's reason).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import documents, maps, store
from analysis.registry import registry_for
from analysis.vietnamese import format_pct
from analysis.workbench.budget import budget_reason
from analysis.workbench.display import Finding, interactive_map_output
from analysis.workbench.params import Step
from analysis.workbench.steps import BUDGET

RATE_NAMES_VI = {
    "poor_rate": "tỷ lệ hộ nghèo",
    "near_poor_rate": "tỷ lệ hộ cận nghèo",
    "multidim_rate": "tỷ lệ nghèo đa chiều",
}


class Maps:
    """Draw and export every map of `step.year` (analysis.maps.make_run_maps)."""

    def __init__(self, step: Step):
        self.step, self.config, self.year, self.run_dir = step, step.config, step.year, step.run_dir
        self.registry = registry_for(self.config)
        self.map_set = maps.make_run_maps(self.run_dir, self.year, self.config, self.registry)
        self.folder = Path(self.run_dir) / "maps"

    def png(self, key: str) -> Path:
        return self.folder / f"{self.year}_{key}.png"

    # ------------------------------------------------------------ why a map is missing
    def why_not(self, key: str) -> str:
        """The sentence saying why the map `key` was not drawn."""
        said = " ".join(self.map_set.skipped)
        if key == "change_poor_rate":
            return said or "Không vẽ bản đồ thay đổi: năm rà soát là năm đầu kỳ."
        if key == "target_status":
            if not self.config.targets_with(*maps.STATUS_MAP_METRICS):
                return (
                    "Kế hoạch trong cấu hình không có chỉ tiêu cấp xã về tỷ lệ nghèo đa chiều, nên "
                    "không có bản đồ tình hình thực hiện chỉ tiêu."
                )
            return (
                next((s for s in self.map_set.skipped if "mục tiêu" in s), "")
                or f"Không có đánh giá chỉ tiêu cấp xã cho năm {self.year}, nên không có bản đồ "
                "tình hình thực hiện chỉ tiêu."
            )
        if key == "deprivation":
            return (
                "Không vẽ bản đồ thiếu hụt theo chỉ số: "
                + documents.NO_MICRODATA[0].lower()
                + documents.NO_MICRODATA[1:]
            )
        if key == "budget_per_poor":
            reason = budget_reason(self.run_dir)
            if reason is None:
                return f"Không có bản đồ kinh phí: chưa chạy bước {BUDGET}."
            return f"Không có bản đồ kinh phí bình quân mỗi hộ nghèo. {reason}"
        if key == "relapse_rate":
            return (
                "Không có bản đồ tỷ lệ tái nghèo: cần danh sách hộ của ít nhất hai kỳ rà soát "
                "để biết hộ thoát nghèo có tái nghèo không (bước 02_poverty_profile)."
            )
        return f"Không vẽ được bản đồ {key}."

    # ------------------------------------------------------------ the sections
    def boundaries(self) -> Finding:
        """Where the polygons come from, and the boundary file against the unit list."""
        bounds = self.map_set.boundaries
        if bounds.report is None:  # the schematic: nothing to check
            return Finding(bounds.summary())
        table = bounds.report.to_frame()
        return Finding(bounds.summary(), [table] if not table.empty else [])

    def skipped(self) -> Finding:
        """Maps not drawn, each with its reason."""
        said = list(self.map_set.skipped)
        for key in ("target_status", "deprivation", "budget_per_poor"):
            if key not in self.map_set.figures:
                reason = self.why_not(key)
                if reason not in said:
                    said.append(reason)
        return Finding(said or "Mọi bản đồ của năm đều vẽ được.")

    def map(self, key: str) -> Finding:
        """One map (every page of a map drawn on several pages), or why it is missing."""
        pages = [k for k in self.map_set.figures if k == key or k.startswith(f"{key}_")]
        if not pages and self.png(key).exists():  # drawn by an earlier step (the relapse map)
            return Finding(self._reading(key), figures=[self.png(key)])
        if not pages:
            return Finding.unavailable(self.why_not(key))
        return Finding(self._reading(key), figures=[self.png(k) for k in pages])

    def _reading(self, key: str) -> str:
        if key not in RATE_NAMES_VI:
            return ""
        table = store.load_table(self.run_dir, "indicators")
        rows = table[(table["year"] == self.year) & table[key].notna()]
        if rows.empty:
            return ""
        rows = rows.sort_values(key)
        high, low = rows.iloc[-1], rows.iloc[0]
        return (
            f"Năm {self.year}, {RATE_NAMES_VI[key]} cao nhất ở {high['commune_name']} "
            f"({format_pct(high[key], 2)}), thấp nhất ở {low['commune_name']} "
            f"({format_pct(low[key], 2)})."
        )

    def interactive(self):
        """The offline HTML map of the poor-household rate (zoom, a commune's figures on
        hover), in the notebook."""
        page = self.folder / f"{self.year}_poor_rate.html"
        if not page.exists():
            return Finding.unavailable("Không có bản đồ tương tác của năm này.")
        return interactive_map_output(page)

    def files(self) -> Finding:
        """The files written: every map as PNG (300 dpi), SVG and PDF, and the map pack."""
        names = [p.name for p in self.map_set.paths]
        if self.map_set.pack is not None:
            names.append(self.map_set.pack.name)
        return Finding(
            f"Đã ghi {len(names)} tệp vào thư mục maps/ của lượt chạy: tập bản đồ "
            f"{self.map_set.pack.name if self.map_set.pack else '(không có)'} và từng bản đồ "
            "dạng PNG, SVG, PDF.",
            [pd.DataFrame({"Tệp": names})],
        )
