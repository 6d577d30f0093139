"""The map set of one year: every map type, exported as PNG (300 dpi), SVG and PDF,
plus a map-pack PDF with one page per map."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.image import imread

from analysis import reproducible
from analysis.errors import UserError
from analysis.geography import Boundaries, boundaries_for, check_direction, reaggregate
from analysis.geography.crosswalk import reaggregate_allocation, reaggregate_deprivation
from analysis.maps.draw import (
    draw_budget_map,
    draw_change_map,
    draw_deprivation_maps,
    draw_rate_map,
    draw_status_map,
)
from analysis.maps.interactive import write_interactive_map
from analysis.maps.layout import PAGE_IN, map_context, reaggregation_notes
from analysis.maps.text import tr

FORMATS = ("png", "svg", "pdf")
DPI = 300
# zlib level of the PNG files: 1 instead of Pillow's 6 encodes a 300 dpi A4 map about a third
# faster for files about a tenth larger (same pixels; the same level gives the same bytes)
PNG_COMPRESS_LEVEL = 1
RATE_MAPS = ("poor_rate", "near_poor_rate", "multidim_rate")


@dataclass
class MapSet:
    """Files written for one year, the map pack, and maps skipped (with the reason)."""

    paths: list[Path] = field(default_factory=list)
    pack: Path | None = None
    skipped: list[str] = field(default_factory=list)
    boundaries: Boundaries | None = None
    figures: dict[str, Figure] = field(default_factory=dict)  # map key -> figure, for display

    def pages_of(self, key: str) -> list[Figure]:
        """The pages of a map drawn on several pages (`key`, `key`_2, ...), in order."""
        first = [self.figures[key]] if key in self.figures else []
        return first + [f for k, f in self.figures.items() if k.startswith(f"{key}_")]


def save_figure(fig: Figure, out_dir: Path, stem: str, formats=FORMATS) -> list[Path]:
    """Write `fig` as out_dir/stem.<fmt> for each format (PNG at 300 dpi); fixed metadata."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        path = out_dir / f"{stem}.{fmt}"
        png = {"pil_kwargs": {"compress_level": PNG_COMPRESS_LEVEL}} if fmt == "png" else {}
        paths.append(reproducible.save_figure(fig, path, dpi=DPI, **png))
    return paths


def _page_of_image(path: Path) -> Figure:
    fig = Figure(figsize=PAGE_IN)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.imshow(imread(path))
    ax.set_axis_off()
    return fig


def write_map_pack(items: Iterable[Figure | Path], pdf_path: Path, title: str = "") -> Path:
    """One PDF with a page per map: Figures as vectors, PNG paths as images."""
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    metadata = {"Title": title, **reproducible.figure_metadata("pdf")}
    with reproducible.pinned_clock(), PdfPages(pdf_path, metadata=metadata) as pdf:
        for item in items:
            pdf.savefig(item if isinstance(item, Figure) else _page_of_image(Path(item)))
    return pdf_path


def _year_rows(indicators: pd.DataFrame, year: int, registry, vintage: int) -> pd.DataFrame:
    rows = indicators[indicators["year"] == year]
    return reaggregate(rows, registry, vintage) if not rows.empty else rows


def _table_vintage(table: pd.DataFrame, default: int) -> int:
    """The unit vintage of a table's rows (the earliest when they mix vintages)."""
    if "unit_vintage" in table.columns and table["unit_vintage"].notna().any():
        return int(table["unit_vintage"].dropna().astype(int).min())
    return default


def make_map_set(
    indicators: pd.DataFrame,
    year: int,
    config,
    registry,
    out_dir: str | Path,
    status: pd.DataFrame | None = None,
    deprivation: pd.DataFrame | None = None,
    allocation: pd.DataFrame | None = None,
    target_label: str | None = None,
    made_on: date | None = None,
    formats=FORMATS,
    vintage: int | None = None,
    interactive: bool = True,
    extra_pages: Iterable[Path] = (),
) -> MapSet:
    """Draw and export every map of `year`; tables without a `unit_vintage` column are
    taken to be in the year's vintage. Returns the files written and the map pack;
    with `interactive`, also an offline HTML map of the poor-household rate.

    The map's unit vintage is `vintage` if given, else the later of the data's and the
    boundary file's: 2024 data are summed into 2025 communes and 2024 polygons
    dissolved into them; asking for 2025 data on 2024 units is a UserError."""
    out_dir = Path(out_dir)
    rows = indicators[indicators["year"] == year]
    if rows.empty:
        raise UserError(f"Bảng chỉ tiêu theo xã không có số liệu năm {year}.")
    data_vintage = _table_vintage(rows, config.vintage_for(year))
    file_vintage = config.boundaries.vintage if config.boundaries.path else data_vintage
    vintage = vintage or max(data_vintage, file_vintage)
    check_direction(data_vintage, vintage, registry)
    bounds = boundaries_for(config, registry, vintage)
    ctx = map_context(config, year, bounds, data_vintage, made_on)
    result = MapSet(boundaries=bounds)
    figures: list[tuple[str, Figure]] = []

    current = _year_rows(indicators, year, registry, vintage)
    placed = current["commune_code"].isin(set(bounds.gdf["code"]))
    unplaced = sorted(set(current.loc[~placed, "commune_name"].astype(str)))
    if unplaced:
        result.skipped.append(tr("no_polygon", ctx.lang, names=", ".join(unplaced)))
    for measure in RATE_MAPS:
        figures.append((measure, draw_rate_map(current, bounds, ctx, measure, config.maps)))
    baseline_year = config.periods.baseline_year
    baseline = _year_rows(indicators, baseline_year, registry, vintage)
    if baseline.empty or baseline_year == year:
        result.skipped.append(tr("skipped_change", ctx.lang, baseline=baseline_year))
    else:
        then = indicators[indicators["year"] == baseline_year]
        then_vintage = _table_vintage(then, config.vintage_for(baseline_year))
        sources = {year: data_vintage, baseline_year: then_vintage}
        change_ctx = replace(ctx, notes=reaggregation_notes(sources, vintage, ctx.lang))
        fig = draw_change_map(current, baseline, bounds, change_ctx, baseline_year)
        figures.append(("change_poor_rate", fig))
    if status is not None:
        src = _table_vintage(status, data_vintage)
        if src != vintage:
            result.skipped.append(tr("skipped_status", ctx.lang, src=src, dst=vintage))
        else:
            figures.append(("target_status", draw_status_map(status, bounds, ctx, target_label)))
    if deprivation is not None:
        src = _table_vintage(deprivation, data_vintage)
        dep = reaggregate_deprivation(deprivation, registry, src, vintage)
        dep_ctx = replace(ctx, notes=reaggregation_notes({year: src}, vintage, ctx.lang))
        pages = draw_deprivation_maps(dep, bounds, dep_ctx, config.maps)
        figures += [
            ("deprivation" if n == 1 else f"deprivation_{n}", page)
            for n, page in enumerate(pages, start=1)
        ]
    if allocation is not None:
        src = _table_vintage(allocation, data_vintage)
        alloc = reaggregate_allocation(allocation, registry, src, vintage)
        alloc_ctx = replace(ctx, notes=reaggregation_notes({year: src}, vintage, ctx.lang))
        figures.append(("budget_per_poor", draw_budget_map(alloc, bounds, alloc_ctx, config.maps)))

    for stem, fig in figures:
        result.paths += save_figure(fig, out_dir, f"{year}_{stem}", formats)
        result.figures[stem] = fig
    if interactive:
        html = out_dir / f"{year}_poor_rate.html"
        result.paths.append(
            write_interactive_map(current, bounds, ctx, "poor_rate", config.maps, html)
        )
    pack = out_dir / f"{year}_map_pack.pdf"
    result.pack = write_map_pack(  # maps drawn by other steps (e.g. relapse rates) as images
        [*(f for _, f in figures), *extra_pages], pack, tr("pack_title", ctx.lang, year=year)
    )
    return result


# Metrics of the commune-level targets a status map can show, in order of preference.
STATUS_MAP_METRICS = ("commune_multidim_rate_pct", "commune_multidim_rate_pct_above")

# Tables of a run (analysis.store names) that the map notebook reads, when present.
RUN_TABLES = {
    "indicators": "indicators",
    "status": "verdicts",  # analysis.targets.verdicts, saved by notebook 03
    "deprivation": "deprivations",
    "allocation": "allocation",
}


def make_run_maps(
    run_dir: str | Path, year: int, config, registry=None, target_id: str | None = None, **kw
) -> MapSet:
    """The map set of `year` from the tables of a run, written to <run_dir>/maps/.

    The indicator table is required; target status, deprivation and allocation maps are
    drawn when their tables exist. A status table with a `target_id` column is narrowed
    to `target_id` (default: the plan's first commune-level target, by metric); without
    such a target there is no status map."""
    from analysis.registry import registry_for
    from analysis.store import load_table, table_path

    tables = {
        key: load_table(run_dir, name)
        for key, name in RUN_TABLES.items()
        if key == "indicators" or table_path(run_dir, name).exists()
    }
    status, label = tables.get("status"), None
    if status is not None and "verdict" in status.columns:  # one verdict table for all outputs
        status = status.drop(columns=["status"], errors="ignore").rename(
            columns={"verdict": "status"}
        )
    if target_id is None:
        commune_level = config.targets_with(*STATUS_MAP_METRICS)
        target_id = commune_level[0].id if commune_level else None
    if status is not None and "target_id" in status.columns and target_id is None:
        status = None
    if status is not None and "target_id" in status.columns:
        status = status[(status["target_id"] == target_id) & (status["level"] == "commune")]
        label = next((t.label for t in config.targets if t.id == target_id), target_id)
    if (dep := tables.get("deprivation")) is not None and "population" in dep.columns:
        # the small multiples show the poor households' deprivations
        dep = dep[dep["population"] == "poor"].rename(columns={"n_households": "n_base"})
        tables["deprivation"] = dep
    for key in ("status", "deprivation", "allocation"):
        table = status if key == "status" else tables.get(key)
        if table is not None and "year" in table.columns:
            table = table[table["year"] == year]
        tables[key] = table
    # maps another step already drew into the folder join the pack (the profile's relapse map)
    extra = [p for p in [Path(run_dir) / "maps" / f"{year}_relapse_rate.png"] if p.exists()]
    return make_map_set(
        tables["indicators"], year, config, registry or registry_for(config),
        Path(run_dir) / "maps", tables["status"], tables["deprivation"], tables["allocation"],
        target_label=label, extra_pages=extra, **kw,
    )  # fmt: skip
