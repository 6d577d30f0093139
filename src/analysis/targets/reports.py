"""Scorecard outputs (XLSX, HTML) and the final evaluation on the target year's units."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import UserError
from analysis.i18n import t as tr
from analysis.reproducible import run_date
from analysis.targets.measures import reaggregate
from analysis.targets.scorecard import (
    POPULATION_LABELS_VI,
    build_scorecard,
)
from analysis.targets.verdicts import VERDICT_LABELS_VI, VERDICT_RULE_VI, verdicts
from analysis.vietnamese import format_number as num

HEADERS_VI = {
    "target_id": "Mã chỉ tiêu",
    "target_label": "Chỉ tiêu",
    "level": "Cấp",
    "vintage": "Kỳ đơn vị hành chính",
    "commune_code": "Mã xã",
    "commune_name": "Đơn vị",
    "year": "Năm",
    "population": "Nhóm hộ",
    "value": "Giá trị",
    "unit": "Đơn vị tính",
    "threshold": "Ngưỡng",
    "numerator": "Tử số",
    "denominator": "Mẫu số",
    "status": "Mã đánh giá",
    "status_vi": "Đánh giá",
    "result_vi": "Kết quả",
    "mode": "Kỳ đánh giá",
    "shown_value": "Giá trị (theo cách ghi chỉ tiêu)",
    "shown_unit": "Đơn vị",
    "shown_threshold": "Mức chỉ tiêu",
    "comparator": "So sánh",
    "basis": "Cách tính",
    "verdict_vi": "Đánh giá",
}
MODE_LABELS_VI = {"progress": "Theo tiến độ", "final": "Cuối kỳ"}
LEVEL_LABELS_VI = {"district": "Huyện", "commune": "Xã"}
STATUS_COLOURS = {
    "met": "C6EFCE",
    "on_track": "E2F0D9",
    "at_risk": "FFEB9C",
    "off_track": "FFC7CE",
    "not_met": "FFC7CE",
    "no_data": "EDEDED",
}


def vi_verdicts(table: pd.DataFrame) -> pd.DataFrame:
    """The verdict table with Vietnamese labels and headers (codes dropped)."""
    out = table.assign(
        level=table["level"].map(LEVEL_LABELS_VI),
        population=table["population"].map(POPULATION_LABELS_VI),
        mode=table["mode"].map(MODE_LABELS_VI),
    )
    drop = ["status", "status_vi", "verdict", "result_vi", "unit", "threshold", "vintage"]
    return out.drop(columns=drop, errors="ignore").rename(columns=HEADERS_VI)


def _check(table: pd.DataFrame) -> None:
    if "verdict_vi" not in table.columns:
        raise TypeError("expected a verdict table (analysis.targets.verdicts), not a scorecard")


def wide_scorecard(table: pd.DataFrame, level: str | None = "district") -> pd.DataFrame:
    """Rows = target x population x unit, columns = years, cells = 'value – verdict'.

    `table` is the verdict table (targets.verdicts); values are worded as the target is."""
    _check(table)
    sc = table if level is None else table[table["level"] == level]
    cell = [
        f"{num(v, _digits(u))} – {tr(s)}" if v == v else tr(s)
        for v, u, s in zip(sc["shown_value"], sc["shown_unit"], sc["verdict_vi"], strict=True)
    ]
    keys = ["target_id", "target_label", "population", "commune_name"]
    wide = sc.assign(cell=cell).pivot_table(
        index=keys, columns="year", values="cell", aggfunc="first", sort=False
    )
    wide = wide[sorted(wide.columns)].reset_index()
    wide.columns.name = None
    wide["population"] = wide["population"].map(POPULATION_LABELS_VI)
    return wide.drop(columns="target_id").rename(columns=HEADERS_VI)


def _digits(unit: str) -> int:
    if unit.startswith("điểm"):
        return 2
    return 0 if "xã" in unit and "%" not in unit else 1


def write_scorecard_xlsx(
    scorecard: pd.DataFrame,
    path: str | Path,
    config,
    missing_note: str = "",
    verdict_table: pd.DataFrame | None = None,
) -> Path:
    """Two sheets: the district summary (per year a value column and a verdict column,
    verdicts coloured) and every cell in long form with target labels and unit names.
    Values are numbers: percentages as fractions shown "0.0%", points and counts as numbers.

    Both read `verdict_table` (targets.verdicts; computed from `scorecard` when None).
    `missing_note`: the sentence naming communes left out for "thiếu số liệu"."""
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill

    from analysis.documents.safe_xlsx import neutralise_workbook
    from analysis.documents.xlsx_style import format_table, title_cell, write_frame
    from analysis.reproducible import save_workbook

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    table = verdicts(scorecard, config) if verdict_table is None else verdict_table
    note = " ".join(t for t in (source_note(config), missing_note) if t)
    title = tr(
        "Bảng theo dõi thực hiện chỉ tiêu giảm nghèo – {Unit} {name}",
        Unit=tr(config.district.type.lower()).capitalize(),
        name=config.district.name,
    )
    # cells are written in the run's language (write_frame): colour by the translated label
    fills = {
        tr(lab): PatternFill("solid", fgColor=STATUS_COLOURS[k])
        for k, lab in VERDICT_LABELS_VI.items()
    }
    # the one verdict table, in the scorecard's shape: its verdict is the status shown
    shown = table.assign(status_vi=table["verdict_vi"])
    wb = Workbook()
    wb.remove(wb.active)
    for name, (frame, formats, head) in (
        (tr("Tổng hợp huyện"), _xlsx_wide(shown)),
        (tr("Chi tiết"), _xlsx_long(shown)),
    ):
        ws = wb.create_sheet(name)
        ws["A1"], ws["A2"] = title, f"{note} {tr(VERDICT_RULE_VI)}".strip()
        title_cell(ws["A1"])
        last = write_frame(ws, frame, 4, {})
        for j, col in enumerate(frame.columns, start=1):  # per-row formats (units differ)
            for i in range(5, last + 1):
                if col in formats and ws.cell(i, j).value is not None:
                    ws.cell(i, j).number_format = formats[col][i - 5]
                if ws.cell(i, j).value in fills:
                    ws.cell(i, j).fill = fills[ws.cell(i, j).value]
        if any(head):  # a group row: the year over its value and verdict columns
            for j, group in enumerate(head, start=1):
                if group:
                    ws.cell(3, j, group)
                    ws.cell(4, j, tr(str(frame.columns[j - 1]).split(" – ")[-1]))
                else:
                    ws.cell(3, j, ws.cell(4, j).value)
                    ws.merge_cells(start_row=3, start_column=j, end_row=4, end_column=j)
            _merge_runs(ws, 3, head)
        rows = (3, 4) if any(head) else 4
        format_table(ws, rows, last_row=last, last_col=len(frame.columns), freeze_col=4)
    neutralise_workbook(wb)  # labels and names from the config: text, never formulas
    return save_workbook(wb, path)


def _xlsx_value(value, unit: str):
    """(number as stored, its format): percentages as fractions, points, counts."""
    from analysis.documents.xlsx_style import DECIMAL2, INTEGER, PERCENT

    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None, ""
    value = float(value)
    if unit.startswith("%"):
        return value / 100, PERCENT
    if unit.startswith("số"):
        return value, INTEGER
    return value, DECIMAL2


def _xlsx_long(scorecard: pd.DataFrame):
    """Every scorecard cell: Vietnamese labels, commune names, numbers with their formats."""
    from analysis.documents.xlsx_style import INTEGER

    sc = scorecard.reset_index(drop=True)
    values = [_xlsx_value(v, u) for v, u in zip(sc["value"], sc["unit"], strict=True)]
    limits = [_xlsx_value(v, u) for v, u in zip(sc["threshold"], sc["unit"], strict=True)]
    frame = pd.DataFrame({
        "STT": range(1, len(sc) + 1),
        HEADERS_VI["target_id"]: sc["target_id"],
        HEADERS_VI["target_label"]: sc["target_label"],
        HEADERS_VI["level"]: sc["level"].map(LEVEL_LABELS_VI),
        HEADERS_VI["commune_code"]: sc["commune_code"].where(sc["level"] != "district", ""),
        HEADERS_VI["commune_name"]: sc["commune_name"],
        HEADERS_VI["vintage"]: sc["vintage"],
        HEADERS_VI["year"]: sc["year"],
        HEADERS_VI["population"]: sc["population"].map(POPULATION_LABELS_VI),
        HEADERS_VI["value"]: [v for v, _ in values],
        HEADERS_VI["unit"]: sc["unit"],
        HEADERS_VI["threshold"]: [v for v, _ in limits],
        HEADERS_VI["numerator"]: sc["numerator"],
        HEADERS_VI["denominator"]: sc["denominator"],
        HEADERS_VI["status_vi"]: sc["status_vi"],
    })  # fmt: skip
    formats = {
        HEADERS_VI["value"]: [f for _, f in values],
        HEADERS_VI["threshold"]: [f for _, f in limits],
        **{HEADERS_VI[c]: [INTEGER] * len(sc) for c in ("numerator", "denominator")},
        **{HEADERS_VI[c]: ["0"] * len(sc) for c in ("year", "vintage")},
        "STT": ["0"] * len(sc),
    }
    return frame, formats, [""] * len(frame.columns)


def _xlsx_wide(scorecard: pd.DataFrame, level: str = "district"):
    """Target x population rows; per year a value and a verdict column (group row: the year)."""
    sc = scorecard[scorecard["level"] == level]
    years = sorted(sc["year"].unique())
    keys = ["target_id", "target_label", "population", "unit"]
    fixed = ["STT", "Mã chỉ tiêu", "Chỉ tiêu", "Nhóm hộ", "Đơn vị tính", "Ngưỡng"]
    rows, formats = [], {"STT": [], "Ngưỡng": []}
    for n, ((tid, label, pop, unit), g) in enumerate(sc.groupby(keys, sort=False), start=1):
        by_year = g.drop_duplicates("year").set_index("year")
        limit, fmt = _xlsx_value(g["threshold"].iloc[0], unit)
        row = [n, tid, label, POPULATION_LABELS_VI.get(pop, pop), unit, limit]
        formats["STT"].append("0")
        formats["Ngưỡng"].append(fmt)
        for y in years:
            v, f = _xlsx_value(by_year["value"].get(y), unit)
            row += [v, by_year["status_vi"].get(y)]
            formats.setdefault(f"{y} – Giá trị", []).append(f)
        rows.append(row)
    columns = fixed + [f"{y} – {k}" for y in years for k in ("Giá trị", "Đánh giá")]
    frame = pd.DataFrame(rows, columns=columns)
    head = [""] * len(fixed) + [tr("Năm {year}", year=y) for y in years for _ in range(2)]
    return frame, formats, head


def _merge_runs(ws, row: int, groups: list[str]) -> None:
    """Merge equal, non-empty neighbouring cells of a group header row."""
    start = 0
    for j in range(1, len(groups) + 1):
        if j == len(groups) or groups[j] != groups[start]:
            if groups[start] and j - start > 1:
                ws.merge_cells(start_row=row, start_column=start + 1, end_row=row, end_column=j)
            start = j


def scorecard_html(
    scorecard: pd.DataFrame,
    config,
    level: str | None = "district",
    verdict_table: pd.DataFrame | None = None,
) -> str:
    """A self-contained HTML table for the briefing, cells coloured by verdict."""
    table = verdicts(scorecard, config) if verdict_table is None else verdict_table
    wide = wide_scorecard(table, level)
    labels = {k: tr(lab) for k, lab in VERDICT_LABELS_VI.items()}
    colour = {
        lab: STATUS_COLOURS[k] for k, lab in sorted(labels.items(), key=lambda kv: -len(kv[1]))
    }
    head = "".join(f"<th>{html.escape(str(tr(str(c))))}</th>" for c in wide.columns)
    rows = []
    for _, r in wide.iterrows():
        cells = []
        for v in r:
            text = "" if pd.isna(v) else tr(str(v))
            bg = next((c for lab, c in colour.items() if text.endswith(lab)), None)
            style = f' style="background:#{bg}"' if bg else ""
            cells.append(f"<td{style}>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        '<table class="scorecard"><thead><tr>' + head + "</tr></thead><tbody>"
        + "".join(rows) + f"</tbody></table>\n<p class=\"source\">{html.escape(source_note(config))}</p>"
    )  # fmt: skip


def source_note(config) -> str:
    """The source line of the run's tables: the review, the run date, and the synthetic note."""
    text = tr(
        "Nguồn: kết quả rà soát hộ nghèo, hộ cận nghèo; lập ngày {date}.",
        date=f"{run_date():%d/%m/%Y}",
    )
    if config.data.synthetic:
        text += " " + tr("Dữ liệu mô phỏng – không phải số liệu thật.")
    return text


# ------------------------------------------------------------------------ final mode
def final_evaluation(
    indicators: pd.DataFrame,
    config,
    registry,
    deprivations: pd.DataFrame | None = None,
    monitoring: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Achieved / not achieved for every target in the target year, on the target year's
    units (earlier years re-aggregated through registry.to_merged()) and for the former
    district as a whole: the verdict table (targets.verdicts) of the target year, where the
    yearly-pace target is judged on its average fall over the period."""
    target_year = config.periods.target_year
    if target_year not in set(indicators["year"]):
        raise UserError(
            tr("Chưa có kết quả rà soát năm {year}: chưa thể đánh giá cuối kỳ.", year=target_year)
        )
    base_year = config.periods.baseline_year
    if config.standard_for(base_year) != config.standard_for(target_year):
        raise UserError(
            tr(
                "Năm đầu kỳ {base_year} và năm mục tiêu {target_year} đo theo hai chuẩn nghèo khác "
                "nhau (khóa 'standards' của cấu hình): không đánh giá cuối kỳ qua thay đổi chuẩn "
                "nghèo.",
                base_year=base_year, target_year=target_year,
            )
        )  # fmt: skip
    # the period's own figures only: baseline to target year, under the target year's standard
    period = config.same_standard_years(indicators["year"].unique(), target_year)
    indicators = indicators[indicators["year"].isin([y for y in period if y <= target_year])]
    vintage = int(indicators.loc[indicators["year"] == target_year, "unit_vintage"].iloc[0])
    mapping = registry.to_merged()
    names = registry.names(vintage) if vintage in set(registry.units["vintage"]) else {}
    same = reaggregate(indicators, mapping, vintage, names=names)
    sc = build_scorecard(same, config, deprivations, monitoring, mapping=mapping)
    out = verdicts(sc, config, target_year)
    # kept for readers of earlier runs' tables: the same verdict under its older names
    out["status"], out["result_vi"] = out["verdict"], out["verdict_vi"]
    return out.reset_index(drop=True)
