"""One factsheet per commune (PDF and DOCX, one or two A4 pages) from a run's stored tables.

Each factsheet shows one commune of the run year's units (the 22 units of 2024, or the
merged communes from 1 July 2025 with the former units each absorbed): its counts and
rates over the years (earlier years summed onto the year's units), the flows of the
year, the poor households' deprivations, its target verdicts (read from the stored
verdict table), its forecast, a locator map and its budget. Every number is read from the
run's tables; nothing is recomputed differently from the briefing.

The run renders the factsheets directly from this module in up to two worker processes
(`run_factsheets`), into `<run dir>/factsheets/<code>_<slug>/`; notebook
07_commune_factsheet renders one commune by hand with the same functions.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import documents as doc
from analysis import store
from analysis.config import Config, load_config
from analysis.documents.sustainability import factsheet_section
from analysis.errors import UserError
from analysis.i18n import html_language, t, unit_name
from analysis.registry import LEGACY_VINTAGE, Registry, registry_for
from analysis.reproducible import run_date
from analysis.schema import DEPRIVATIONS, DYNAMICS_LABELS_VI, POOR_DYNAMICS
from analysis.vietnamese import ascii_key, format_number

FACTSHEET_DIR = "factsheets"
FACTSHEET_STEP = "07_commune_factsheet"  # the step name a failed run reports
MAP_DPI = 150

QUANTITY_LABELS_VI = {
    "poor_rate": "Tỷ lệ hộ nghèo",
    "near_poor_rate": "Tỷ lệ hộ cận nghèo",
    "multidim_rate": "Tỷ lệ nghèo đa chiều",
    "n_poor": "Số hộ nghèo",
    "n_near_poor": "Số hộ cận nghèo",
    "n_poor_or_near_poor": "Số hộ nghèo và cận nghèo",
}


class FactsheetError(UserError):
    """A commune's factsheet could not be made; names the commune."""

    def __init__(self, code: str, name: str, error: str):
        super().__init__(
            t("Phiếu thông tin xã {name} (mã {code}) không lập được: {error}",
              name=name, code=code, error=error)
        )  # fmt: skip
        self.code, self.name, self.error = code, name, error

    def __reduce__(self):  # raised in a worker process, re-raised in the run's
        return (type(self), (self.code, self.name, self.error))


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    full_name: str
    vintage: int


# ---------------------------------------------------------------- data
def communes(config: Config, year: int, registry: Registry | None = None) -> list[Commune]:
    """The units of `year`'s vintage, in code order (22 units for 2024, 9 for 2025)."""
    registry = registry or registry_for(config)
    vintage = config.vintage_for(year)
    units = registry.vintage(vintage).sort_values("code")
    return [
        Commune(str(u.code), str(u.name), unit_name(str(u.full_name)), vintage)
        for u in units.itertuples(index=False)
    ]


def slug(name: str) -> str:
    """'Sơn Kim 1' -> 'son-kim-1' (folder names)."""
    return ascii_key(name).replace(" ", "-") or "xa"


def folder_name(commune: Commune) -> str:
    return f"{commune.code}_{slug(commune.name)}"


def absorbed_units(registry: Registry) -> pd.DataFrame:
    """Every merged commune with the former units it absorbed: to_code, to_name, from_code,
    from_name, in code order."""
    old = registry.names(LEGACY_VINTAGE)
    new = registry.names(registry.crosswalk["to_vintage"].iloc[0])
    cw = registry.crosswalk
    out = pd.DataFrame(
        {
            "to_code": cw["to_code"].astype(str),
            "to_name": cw["to_code"].map(new).astype(str),
            "from_code": cw["from_code"].astype(str),
            "from_name": cw["from_code"].map(old).astype(str),
        }
    )
    return out.sort_values(["to_code", "from_code"], ignore_index=True)


def commune_years(indicators: pd.DataFrame, registry: Registry, commune: Commune) -> pd.DataFrame:
    """The commune's indicator rows over the years, earlier vintages summed onto its unit
    (rows of a later vintage, which cannot be split back, are left out)."""
    from analysis.geography import reaggregate

    indicators = indicators[indicators["unit_vintage"].astype(int) <= commune.vintage]
    table = reaggregate(indicators, registry, commune.vintage)
    rows = table[table["commune_code"].astype(str) == commune.code]
    return rows.sort_values("year", ignore_index=True)


def deprivation_profile(
    deprivations: pd.DataFrame | None, registry: Registry, commune: Commune, year: int
) -> pd.DataFrame:
    """The poor households' deprivations in `year`: indicator, n_deprived, n_households, rate."""
    columns = ["indicator", "n_deprived", "n_households", "rate"]
    if deprivations is None:
        return pd.DataFrame(columns=columns)
    rows = deprivations[(deprivations["year"] == year) & (deprivations["population"] == "poor")]
    codes = set(rows["commune_code"].astype(str))
    if commune.code not in codes and codes <= set(registry.codes(LEGACY_VINTAGE)):
        from analysis.geography.crosswalk import reaggregate_deprivation

        moved = reaggregate_deprivation(
            rows.rename(columns={"n_households": "n_base"}),
            registry,
            LEGACY_VINTAGE,
            commune.vintage,
        )
        rows = moved.rename(columns={"n_base": "n_households"})
    mine = rows[rows["commune_code"].astype(str) == commune.code]
    return mine[columns].sort_values("rate", ascending=False, ignore_index=True)


def _for_commune(table: pd.DataFrame | None, commune: Commune) -> pd.DataFrame | None:
    if table is None:
        return None
    rows = table[table["commune_code"].astype(str) == commune.code]
    if "level" in rows.columns:
        rows = rows[rows["level"] == "commune"]
    if "vintage" in rows.columns and rows["vintage"].notna().any():
        rows = rows[rows["vintage"].fillna(commune.vintage).astype(int) == commune.vintage]
    return rows


# ---------------------------------------------------------------- sections
def _counts_table(years: pd.DataFrame) -> doc.Table:
    data = pd.DataFrame(
        {
            "Năm": years["year"].astype(int).astype(str),
            "Tổng số hộ": years["n_households"].map(format_number),
            "Hộ nghèo": years["n_poor"].map(format_number),
            "Tỷ lệ hộ nghèo": years["poor_rate"].map(doc.pct),
            "Hộ cận nghèo": years["n_near_poor"].map(format_number),
            "Tỷ lệ hộ cận nghèo": years["near_poor_rate"].map(doc.pct),
            "Tỷ lệ nghèo đa chiều": years["multidim_rate"].map(doc.pct),
        }
    )
    return doc.Table(data, "Hộ nghèo, hộ cận nghèo qua các năm rà soát")


def flows_text(row: pd.Series, year: int) -> str:
    """The year's poor-list flows in words; every decrease and increase category named, so
    the figures add up (start − decreases + increases = end)."""
    start, *moves, end = POOR_DYNAMICS
    if pd.isna(row.get(start)) or pd.isna(row.get(end)):
        return t(
            "Năm {year} chưa có số liệu biến động hộ nghèo của xã (thiếu danh sách năm trước).",
            year=year,
        )
    out = [c for c in moves if "_out_" in c]
    inn = [c for c in moves if "_in_" in c]

    def part(cols: list[str]) -> str:
        return "; ".join(
            f"{t(DYNAMICS_LABELS_VI[c][1]).lower()} {format_number(row[c])}" for c in cols
        )

    down = sum(int(row[c]) for c in out)
    up = sum(int(row[c]) for c in inn)
    return t(
        "Trong năm {year}: đầu kỳ {start} hộ nghèo; giảm {down} hộ ({decreases}); tăng {up} hộ "
        "({increases}); cuối kỳ {end} hộ nghèo ({start} − {down} + {up}).",
        year=year,
        start=format_number(row[start]),
        down=format_number(down),
        decreases=part(out),
        up=format_number(up),
        increases=part(inn),
        end=format_number(row[end]),
    )


def _flows_table(row: pd.Series) -> doc.Table:
    data = pd.DataFrame(
        {
            "Nhóm": [DYNAMICS_LABELS_VI[c][0] or "–" for c in POOR_DYNAMICS],
            "Biến động hộ nghèo": [DYNAMICS_LABELS_VI[c][1] for c in POOR_DYNAMICS],
            "Số hộ": [format_number(row.get(c)) for c in POOR_DYNAMICS],
        }
    )
    return doc.Table(data, "Biến động hộ nghèo trong năm")


def _deprivation_table(profile: pd.DataFrame) -> doc.Table:
    labels = {code: label for code, _, label in DEPRIVATIONS}
    data = pd.DataFrame(
        {
            "Chỉ số thiếu hụt": profile["indicator"].map(labels).fillna(profile["indicator"]),
            "Số hộ nghèo thiếu hụt": profile["n_deprived"].map(format_number),
            "Tỷ lệ": profile["rate"].map(lambda x: doc.pct(x, 1)),
        }
    )
    return doc.Table(data, "Thiếu hụt dịch vụ xã hội cơ bản của hộ nghèo")


def _value(value: float, unit: object) -> str:
    if pd.isna(value):
        return "–"
    return format_number(value, 0 if isinstance(unit, str) and "số xã" in unit else 2)


def targets_table(scorecard: pd.DataFrame, commune: Commune, year: int) -> pd.DataFrame:
    """The commune's verdicts of `year`, one row per target and household group, value, unit,
    threshold and verdict in separate columns (as stored in the scorecard)."""
    from analysis.targets import POPULATION_LABELS_VI

    rows = _for_commune(scorecard, commune)
    rows = rows[rows["year"] == year]
    verdict = "verdict_vi" if "verdict_vi" in rows.columns else "status_vi"
    return pd.DataFrame(
        {
            "Chỉ tiêu": rows["target_label"].astype(str),
            "Nhóm hộ": rows["population"].map(POPULATION_LABELS_VI).fillna("–"),
            "Giá trị": [_value(v, u) for v, u in zip(rows["value"], rows["unit"], strict=True)],
            "Đơn vị": rows["unit"].fillna("").astype(str),
            "Ngưỡng": rows["threshold"].map(lambda x: format_number(x, 2)),
            "Đánh giá": rows[verdict].fillna("–").astype(str),
        }
    ).reset_index(drop=True)


def _forecast_blocks(run_dir: Path, commune: Commune) -> list:
    projections = _for_commune(store.load_optional_table(run_dir, "projections"), commune)
    if projections is None or projections.empty:
        return [doc.Paragraph("Lượt chạy này không có dự báo cho xã (chuỗi số liệu quá ngắn).")]
    p = projections.sort_values(["quantity", "year"])
    rates = p["quantity"].str.endswith("_rate")

    def fmt(values: pd.Series) -> pd.Series:
        return pd.Series(
            [doc.pct(v) if r else format_number(v) for v, r in zip(values, rates, strict=True)],
            index=values.index,
        )

    data = pd.DataFrame(
        {
            "Chỉ số": p["quantity"].map(QUANTITY_LABELS_VI).fillna(p["quantity"]),
            "Năm": p["year"].astype(int).astype(str),
            "Dự báo (trung vị)": fmt(p["p50"]),
            "Khoảng 80% (thấp)": fmt(p["p10"]),
            "Khoảng 80% (cao)": fmt(p["p90"]),
        }
    )
    blocks: list = [doc.Table(data, "Dự báo của xã (khoảng tin cậy 80%)")]
    probs = _for_commune(store.load_optional_table(run_dir, "probabilities"), commune)
    scorecard = store.load_optional_table(run_dir, "scorecard")
    if probs is not None and not probs.empty and scorecard is not None:
        labels = dict(zip(scorecard["target_id"], scorecard["target_label"], strict=False))
        parts = [
            t(
                "{target} năm {year}: {probability}",
                target=t(labels.get(r.target_id, r.target_id)),
                year=int(r.year),
                probability=doc.pct(r.probability, 0),
            )
            for r in probs.itertuples()
        ]
        blocks.append(
            doc.Paragraph(t("Xác suất đạt chỉ tiêu theo dự báo: {parts}.", parts="; ".join(parts)))
        )
    return blocks


def budget_blocks(run_dir: Path, commune: Commune) -> list:
    allocation = store.load_optional_table(run_dir, "allocation")
    if allocation is None:
        return [doc.Paragraph("Lượt chạy này không có phân bổ ngân sách.")]
    rows = allocation[allocation["commune_code"].astype(str) == commune.code]
    if rows.empty:
        return [
            doc.Paragraph(
                t("Chưa phân bổ ngân sách cho {commune} năm này.", commune=commune.full_name)
            )
        ]
    r = rows.iloc[0]
    total = allocation["amount_million_vnd"].sum()
    rank = int((allocation["amount_million_vnd"] > r["amount_million_vnd"]).sum()) + 1
    data = pd.DataFrame(
        {
            "Phân bổ (triệu đồng)": [format_number(r["amount_million_vnd"])],
            "Tỷ trọng trong tổng nguồn": [doc.pct(r["share"], 1)],
            "Hộ nghèo": [format_number(r["n_poor"])],
            "Triệu đồng/hộ nghèo": [format_number(r["million_vnd_per_poor_household"], 1)],
            "Tổng nguồn (triệu đồng)": [format_number(total)],
        }
    )
    text = t(
        "{commune} được phân bổ {amount} triệu đồng, xếp thứ {rank}/{n} đơn vị nhận phân bổ.",
        commune=commune.full_name,
        amount=format_number(r["amount_million_vnd"]),
        rank=rank,
        n=len(allocation),
    )
    return [doc.Paragraph(text), doc.Table(data, "Ngân sách phân bổ cho xã")]


def locator_map(config: Config, registry: Registry, commune: Commune, path: Path) -> Path:
    """A small map of the district's communes with this commune highlighted and named."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis.geography.boundaries import boundaries_for
    from analysis.reproducible import save_figure

    gdf = boundaries_for(config, registry, commune.vintage).gdf
    mine = gdf["code"].astype(str) == commune.code
    fig, ax = plt.subplots(figsize=(3.6, 3.6))
    gdf[~mine].plot(ax=ax, color="#e6e6e6", edgecolor="#777777", linewidth=0.4)
    if mine.any():
        gdf[mine].plot(ax=ax, color="#c0392b", edgecolor="#333333", linewidth=0.8)
        point = gdf[mine].geometry.iloc[0].representative_point()
        import matplotlib.patheffects as pe

        ax.annotate(
            commune.name, (point.x, point.y), fontsize=8, ha="center", va="center",
            fontweight="bold", path_effects=[pe.withStroke(linewidth=2.5, foreground="white")],
        )  # fmt: skip
    ax.set_axis_off()
    path.parent.mkdir(parents=True, exist_ok=True)
    save_figure(fig, path, dpi=MAP_DPI, bbox_inches="tight")
    plt.close(fig)
    return path


def build_factsheet(
    config: Config,
    year: int,
    run_dir: str | Path,
    commune: Commune,
    out_dir: Path,
    registry: Registry | None = None,
) -> list[doc.Section]:
    """The factsheet's sections, in reading order (the locator map is written to out_dir)."""
    run_dir = Path(run_dir)
    registry = registry or registry_for(config)
    indicators = store.load_table(run_dir, "indicators")
    years = commune_years(indicators[indicators["year"] <= year], registry, commune)
    if years.empty:
        raise UserError(
            t("bảng chỉ tiêu theo xã không có dòng nào của mã {code}", code=commune.code)
        )
    d = config.district
    unit = t(d.type.lower())
    where = (
        t("địa bàn {unit} {name} (cũ), tỉnh {province}", unit=unit, name=d.name,
          province=d.province)
        if commune.vintage != LEGACY_VINTAGE
        else t("{Unit} {name}, tỉnh {province}", Unit=unit.capitalize(), name=d.name,
               province=d.province)
    )  # fmt: skip
    head = [
        doc.Paragraph(
            t(
                "**{commune}** ({where}). Kết quả rà soát hộ nghèo, hộ cận nghèo năm {year}; "
                "lập ngày {date}.",
                commune=commune.full_name,
                where=where,
                year=year,
                date=f"{run_date():%d/%m/%Y}",
            )
        )
    ]
    if config.data.synthetic:
        head.append(doc.Paragraph(f"**{t(doc.SYNTHETIC_NOTE)}**"))
    now = years[years["year"] == year]
    counts: list = []
    if not now.empty and bool(now.iloc[0].get("is_missing_list", False)):
        counts.append(
            doc.Paragraph(t("Năm {year} xã thiếu số liệu (chưa có danh sách hộ).", year=year))
        )
    counts.append(_counts_table(years))
    if commune.vintage != LEGACY_VINTAGE:
        absorbed = absorbed_units(registry)
        absorbed = absorbed[absorbed["to_code"] == commune.code]
        counts.append(
            doc.Paragraph(
                t(
                    "Số liệu các năm trước {vintage} là tổng của {n} đơn vị cũ đã sáp nhập vào xã "
                    "(bảng dưới).",
                    vintage=commune.vintage,
                    n=len(absorbed),
                )
            )
        )
        counts.append(
            doc.Table(
                pd.DataFrame(
                    {"Mã đơn vị cũ": absorbed["from_code"], "Đơn vị cũ": absorbed["from_name"]}
                ),
                t("Các đơn vị hành chính cũ hợp thành {commune}", commune=commune.full_name),
            )
        )
    sections = [
        doc.Section(
            t("{commune}: thông tin giảm nghèo năm {year}", commune=commune.full_name, year=year),
            head,
        ),
        doc.Section("Hộ nghèo, hộ cận nghèo", counts),
    ]
    if not now.empty:
        row = now.iloc[0]
        sections.append(doc.Section("Biến động trong năm", [doc.Paragraph(flows_text(row, year))]))
    profile = deprivation_profile(
        store.load_optional_table(run_dir, "deprivations"), registry, commune, year
    )
    sections.append(
        doc.Section(
            "Thiếu hụt của hộ nghèo",
            [_deprivation_table(profile)] if len(profile) else [doc.Paragraph(doc.NO_MICRODATA)],
        )
    )
    # the one verdict table every output reads (targets.verdicts); older runs: the scorecard
    scorecard = store.load_optional_table(run_dir, "verdicts")
    if scorecard is None:
        scorecard = store.load_optional_table(run_dir, "scorecard")
    if scorecard is not None:
        table = targets_table(scorecard, commune, year)
        sections.append(
            doc.Section(
                "Thực hiện các chỉ tiêu",
                [
                    doc.Table(
                        table,
                        t("Đánh giá chỉ tiêu của xã năm {year}", year=year),
                        "Bảng theo dõi chỉ tiêu.",
                    )
                ]
                if len(table)
                else [doc.Paragraph("Bảng theo dõi chỉ tiêu không có dòng nào của xã năm này.")],
            )
        )
    sections.append(doc.Section("Dự báo", _forecast_blocks(run_dir, commune)))
    sections += [s for s in (factsheet_section(run_dir, commune.code, year),) if s is not None]
    map_path = locator_map(config, registry, commune, out_dir / "ban_do.png")
    sections.append(
        doc.Section(
            "Vị trí",
            [doc.Figure(map_path, t("Vị trí {commune}", commune=commune.full_name), width_cm=6.0)],
        )
    )
    sections.append(doc.Section("Ngân sách", budget_blocks(run_dir, commune)))
    return sections


FACTSHEET_CSS = """
<style>
@page { @bottom-right { font-family: "DejaVu Sans", sans-serif; } }
body { font-size: 8pt; line-height: 1.25; } h1 { font-size: 13pt; margin: 0 0 3pt 0; }
h2 { font-size: 9.5pt; margin: 6pt 0 1pt 0; } p { margin: 1pt 0; }
table { font-size: 7pt; margin: 1pt 0 3pt 0; } th, td { padding: 0.5pt 3pt; }
caption { padding-bottom: 1pt; } p.source { font-size: 6.5pt; color: #555; }
figure { margin: 0; text-align: center; } figure img { width: 6cm; } figcaption { font-size: 7pt; }
</style>
"""


# A factsheet is one or two pages: narrower margins and smaller type than the report's.
FACTSHEET_PAGE_CSS = """
@page { size: A4; margin: 12mm 12mm 14mm 14mm; }
html { font-size: 8pt; line-height: 1.25; }
h1 { font-size: 13pt; margin: 0 0 3pt 0; } h2 { font-size: 9.5pt; margin: 6pt 0 1pt 0; }
table, table.vn-table { font-size: 7pt !important; width: 100%; table-layout: auto !important;
  margin: 0 0 3pt 0; }
table.vn-table th, table.vn-table td, th, td { padding: 0.5pt 2pt; }
caption { font-size: 8pt; padding-bottom: 1pt; }
figure { margin: 2pt 0; } figure img { width: 5cm; }
col { width: auto !important; }
p.source, figcaption { font-size: 6.5pt; }
"""


def factsheet_html(sections: list[doc.Section]) -> str:
    body = "".join(doc.section_html(s, 1 if i == 0 else 2) for i, s in enumerate(sections))
    title = sections[0].title if sections else ""
    return (
        f'<!DOCTYPE html><html lang="{html_language()}"><head><meta charset="utf-8">'
        f"<title>{title}</title>"
        f"{FACTSHEET_CSS}</head><body>{body}</body></html>"
    )


def write_factsheet(
    config: Config,
    year: int,
    run_dir: str | Path,
    commune: Commune,
    out_dir: str | Path | None = None,
    registry: Registry | None = None,
) -> tuple[Path, Path]:
    """factsheet.pdf and factsheet.docx of one commune into `out_dir` (default
    <run dir>/factsheets/<code>_<slug>/); returns their paths."""
    from analysis.documents import word
    from analysis.documents.pdf import html_to_pdf

    run_dir = Path(run_dir)
    out = Path(out_dir) if out_dir else run_dir / FACTSHEET_DIR / folder_name(commune)
    out.mkdir(parents=True, exist_ok=True)
    sections = build_factsheet(config, year, run_dir, commune, out, registry)
    pdf = html_to_pdf(factsheet_html(sections), out / "factsheet.pdf", extra_css=FACTSHEET_PAGE_CSS)
    docx = word.write_docx(sections, out / "factsheet.docx")
    return pdf, docx


def find_commune(config: Config, year: int, code: str) -> Commune:
    for c in communes(config, year):
        if c.code == str(code):
            return c
    known = ", ".join(f"{c.code} {c.name}" for c in communes(config, year))
    raise UserError(
        t("Không có xã mã {code} trong các đơn vị năm {year}. Các mã: {known}.",
          code=code, year=year, known=known)
    )  # fmt: skip


# ---------------------------------------------------------------- the run's factsheets
def _one(config_path: str, year: int, run_dir: str, code: str) -> tuple[str, str]:
    """Worker: one commune's files (errors come back as FactsheetError naming the commune)."""
    config = load_config(config_path)
    commune = find_commune(config, year, code)
    try:
        pdf, docx = write_factsheet(config, year, run_dir, commune)
    except Exception as exc:  # any failure is reported with the commune named
        raise FactsheetError(
            commune.code, commune.full_name, f"{type(exc).__name__}: {exc}"
        ) from exc
    return str(pdf), str(docx)


def workers(limit: int = 2) -> int:
    return max(1, min(limit, os.cpu_count() or 1))


def run_factsheets(
    config_path: str | Path,
    year: int,
    run_dir: str | Path,
    codes: Iterable[str] | None = None,
    max_workers: int | None = None,
) -> list[Path]:
    """Every commune's factsheet of the run (pdf and docx paths, in commune order).

    The communes are split over at most min(2, CPUs) worker processes
    (`python -m analysis.documents.factsheet`, each importing the libraries once); a process pool
    would re-run the caller's main module in its workers (`python -m analysis run`).
    The first failure is raised as FactsheetError naming its commune."""
    config = load_config(config_path)
    chosen = _chosen(config, year, codes)
    n = min(max_workers or workers(), len(chosen)) or 1
    if n == 1:
        for commune in chosen:
            _one(str(config_path), int(year), str(run_dir), commune.code)
        return _paths(run_dir, chosen)
    return FactsheetJob(config_path, year, run_dir, chosen, n).wait()


def start_factsheets(
    config_path: str | Path,
    year: int,
    run_dir: str | Path,
    codes: Iterable[str] | None = None,
    max_workers: int | None = None,
    hold: bool = False,
) -> FactsheetJob:
    """The factsheets made in the background (always in worker processes) while the caller
    goes on; `wait()` returns what `run_factsheets` returns, `stop()` ends the workers.

    `hold`: the workers start and import their libraries, then wait for `release()` (the
    tables they read not written yet); `wait()` releases them if that was not done."""
    chosen = _chosen(load_config(config_path), year, codes)
    n = min(max_workers or workers(), len(chosen)) or 1
    return FactsheetJob(config_path, year, run_dir, chosen, n, hold=hold)


def _chosen(config: Config, year: int, codes: Iterable[str] | None) -> list[Commune]:
    if codes is None:
        return communes(config, year)
    return [find_commune(config, year, code) for code in codes]


def _paths(run_dir: str | Path, chosen: list[Commune]) -> list[Path]:
    folder = Path(run_dir) / FACTSHEET_DIR
    return [
        folder / folder_name(c) / name
        for c in chosen
        for name in ("factsheet.pdf", "factsheet.docx")
    ]


class FactsheetJob:
    """The worker processes of one set of factsheets, started at construction."""

    def __init__(
        self,
        config_path: str | Path,
        year: int,
        run_dir: str | Path,
        chosen: list[Commune],
        n: int,
        hold: bool = False,
    ):
        self.run_dir, self.chosen, self.held = run_dir, chosen, hold
        self.chunks = [[c.code for c in chosen[i::n]] for i in range(n)]
        self.cpu_seconds = 0.0  # the workers' own CPU time, once they are done
        src = str(Path(__file__).resolve().parents[1])
        path = os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH", "")) if p)
        env = {**os.environ, "PYTHONPATH": path}
        command = [sys.executable, "-m", "analysis.documents.factsheet",
                   *([HOLD_FLAG] if hold else []), str(config_path), str(int(year)),
                   str(run_dir)]  # fmt: skip
        self.procs: list[subprocess.Popen] = []
        try:
            for chunk in self.chunks:
                self.procs.append(
                    subprocess.Popen(command + chunk, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env,
                                     stdin=subprocess.PIPE if hold else None)
                )  # fmt: skip
        except BaseException:
            self.stop()
            raise

    def release(self) -> None:
        """Let held workers make their factsheets (the tables they read are written)."""
        if not self.held:
            return
        self.held = False
        for proc in self.procs:
            stdin, proc.stdin = proc.stdin, None  # closed here, not again by communicate()
            with contextlib.suppress(OSError):  # a worker that died is reported by `wait`
                stdin.write(GO + "\n")
            with contextlib.suppress(OSError):
                stdin.close()

    def wait(self) -> list[Path]:
        """The pdf and docx paths in commune order; the first failure as FactsheetError."""
        self.release()
        try:
            results = [proc.communicate() for proc in self.procs]
        finally:
            self.stop()
        for chunk, proc, (out, err) in zip(self.chunks, self.procs, results, strict=True):
            self.cpu_seconds += sum(
                float(line[len(CPU_PREFIX) :]) for line in out.splitlines()
                if line.startswith(CPU_PREFIX)
            )  # fmt: skip
            lines = [line for line in out.splitlines() if line.startswith(FAILED_PREFIX)]
            if lines:
                raise FactsheetError(*json.loads(lines[-1][len(FAILED_PREFIX) :]))
            if proc.returncode != 0:
                names = ", ".join(c.full_name for c in self.chosen if c.code in chunk)
                last = (err.strip().splitlines() or [t("tiến trình dừng bất thường")])[-1]
                raise FactsheetError(
                    ", ".join(chunk), t("một trong các xã {names}", names=names), last
                )
        return _paths(self.run_dir, self.chosen)

    def stop(self) -> None:
        """End the workers still running (a failed or interrupted run)."""
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


FAILED_PREFIX = "FACTSHEET-FAILED "
CPU_PREFIX = "FACTSHEET-CPU "  # a worker's own CPU seconds (the run's timing record)
HOLD_FLAG = "--hold"  # a worker that imports its libraries, then waits for GO on its input
GO = "go"


def _import_libraries() -> None:
    """What making a factsheet imports (the PDF, DOCX and map writers)."""
    import matplotlib

    matplotlib.use("Agg")
    import docx  # noqa: F401
    import geopandas  # noqa: F401
    import matplotlib.pyplot
    import weasyprint  # noqa: F401

    from analysis.documents import pdf, word  # noqa: F401
    from analysis.geography import boundaries  # noqa: F401


def main(argv: list[str] | None = None) -> int:
    """`python -m analysis.documents.factsheet [--hold] CONFIG YEAR RUN_DIR CODE...`: one
    worker's communes; with --hold, made once a line GO arrives on the input (none: exit)."""
    args = list(argv if argv is not None else sys.argv[1:])
    if args[:1] == [HOLD_FLAG]:
        args.pop(0)
        _import_libraries()
        if sys.stdin.readline().strip() != GO:  # the run stopped before the tables were made
            return 0
    config_path, year, run_dir, *codes = args
    try:
        for code in codes:
            _one(config_path, int(year), run_dir, code)
    except FactsheetError as exc:
        print(FAILED_PREFIX + json.dumps([exc.code, exc.name, exc.error], ensure_ascii=False))
        return 3
    print(f"{CPU_PREFIX}{time.process_time():.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
