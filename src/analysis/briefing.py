"""Assemble the briefing of a run from the tables its notebooks saved."""

from __future__ import annotations

from pathlib import Path

from analysis import documents as doc
from analysis import store
from analysis.config import Config


def build_briefing(config: Config, year: int, run_dir: str | Path) -> list[doc.Section]:
    """The sections of the briefing, in reading order."""
    source = doc.review_source(config, year)
    district = store.load_table(run_dir, "district")
    indicators = store.load_table(run_dir, "indicators")
    sections = [
        doc.header_section(config, year),
        doc.Section(
            "Kết quả chung của huyện",
            [
                doc.Paragraph(doc.key_figures_text(district, year)),
                doc.district_trend_table(district, source),
            ],
        ),
        doc.Section("Kết quả theo xã", [doc.commune_table(indicators, year, source)]),
    ]
    if config.allocation is not None and store.table_path(run_dir, "allocation").exists():
        result = store.load_table(run_dir, "allocation")
        sections.append(
            doc.Section(
                "Phân bổ ngân sách",
                [doc.Paragraph(doc.allocation_text(result, config)), doc.allocation_table(result)],
            )
        )
    return sections
