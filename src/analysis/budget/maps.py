"""The disbursement map, on the same units and boundaries as the run's other maps."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.geography import boundaries_for, check_direction
from analysis.geography.crosswalk import sum_counts
from analysis.maps.draw import draw_disbursement_map
from analysis.maps.layout import map_context
from analysis.maps.mapset import save_figure

COUNTS = ["amount_million_vnd", "disbursed_million_vnd", "n_newly_escaped"]


def disbursement_map(config, registry, year: int, table: pd.DataFrame, out_dir: Path):
    """Draw and save (maps/giai_ngan.*) the disbursement-rate map; return the figure."""
    data_vintage = config.vintage_for(year)
    file_vintage = config.boundaries.vintage if config.boundaries.path else data_vintage
    vintage = max(data_vintage, file_vintage)
    check_direction(data_vintage, vintage, registry)
    bounds = boundaries_for(config, registry, vintage)
    if vintage != data_vintage:
        table = sum_counts(table, registry, data_vintage, vintage, [], COUNTS)
    ctx = map_context(config, year, bounds, data_vintage)
    fig = draw_disbursement_map(table, bounds, ctx, config.maps)
    save_figure(fig, Path(out_dir) / "maps", "giai_ngan")
    return fig
