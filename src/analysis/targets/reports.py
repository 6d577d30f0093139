"""Scorecard outputs (XLSX, HTML) and the final evaluation on the target year's units."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from analysis.errors import UserError
from analysis.reproducible import pin_zip, run_date
from analysis.safe_xlsx import excel_writer
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
        f"{num(v, _digits(u))} – {s}" if v == v else s
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
    """Two sheets: the district summary (coloured by verdict) and every cell in long form.

    Both read `verdict_table` (targets.verdicts; computed from `scorecard` when None).
    `missing_note`: the sentence naming communes left out for "thiếu số liệu"."""
    from openpyxl.styles import Font, PatternFill

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    table = verdicts(scorecard, config) if verdict_table is None else verdict_table
    note = " ".join(t for t in (_source(config), missing_note) if t)
    with excel_writer(path) as xl:
        for name, frame in (
            ("Tổng hợp huyện", wide_scorecard(table)),
            ("Chi tiết", vi_verdicts(table)),
        ):
            frame.to_excel(xl, sheet_name=name, index=False, startrow=2)
            ws = xl.sheets[name]
            ws["A1"] = (
                f"Bảng theo dõi thực hiện chỉ tiêu giảm nghèo – {config.district.type} {config.district.name}"
            )
            ws["A2"] = note + " " + VERDICT_RULE_VI
            ws["A1"].font = Font(name="Times New Roman", bold=True, size=13)
        fills = {
            lab: PatternFill("solid", fgColor=STATUS_COLOURS[k])
            for k, lab in sorted(VERDICT_LABELS_VI.items(), key=lambda kv: -len(kv[1]))
        }
        for ws in xl.sheets.values():
            for row in ws.iter_rows(min_row=4):
                for cell in row:
                    text = str(cell.value or "")
                    hit = next((lab for lab in fills if text.endswith(lab)), None)
                    if hit:
                        cell.fill = fills[hit]
    return pin_zip(path)


def scorecard_html(
    scorecard: pd.DataFrame,
    config,
    level: str | None = "district",
    verdict_table: pd.DataFrame | None = None,
) -> str:
    """A self-contained HTML table for the briefing, cells coloured by verdict."""
    table = verdicts(scorecard, config) if verdict_table is None else verdict_table
    wide = wide_scorecard(table, level)
    colour = {
        lab: STATUS_COLOURS[k]
        for k, lab in sorted(VERDICT_LABELS_VI.items(), key=lambda kv: -len(kv[1]))
    }
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in wide.columns)
    rows = []
    for _, r in wide.iterrows():
        cells = []
        for v in r:
            text = "" if pd.isna(v) else str(v)
            bg = next((c for lab, c in colour.items() if text.endswith(lab)), None)
            style = f' style="background:#{bg}"' if bg else ""
            cells.append(f"<td{style}>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        '<table class="scorecard"><thead><tr>' + head + "</tr></thead><tbody>"
        + "".join(rows) + f"</tbody></table>\n<p class=\"source\">{html.escape(_source(config))}</p>"
    )  # fmt: skip


def _source(config) -> str:
    text = f"Nguồn: kết quả rà soát hộ nghèo, hộ cận nghèo; lập ngày {run_date():%d/%m/%Y}."
    return text + (" Dữ liệu mô phỏng – không phải số liệu thật." if config.data.synthetic else "")


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
        raise UserError(f"Chưa có kết quả rà soát năm {target_year}: chưa thể đánh giá cuối kỳ.")
    vintage = int(indicators.loc[indicators["year"] == target_year, "unit_vintage"].iloc[0])
    mapping = registry.to_merged()
    names = registry.names(vintage) if vintage in set(registry.units["vintage"]) else {}
    same = reaggregate(indicators, mapping, vintage, names=names)
    sc = build_scorecard(same, config, deprivations, monitoring, mapping=mapping)
    out = verdicts(sc, config, target_year)
    # kept for readers of earlier runs' tables: the same verdict under its older names
    out["status"], out["result_vi"] = out["verdict"], out["verdict_vi"]
    return out.reset_index(drop=True)
