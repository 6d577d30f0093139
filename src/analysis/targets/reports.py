"""Scorecard outputs (XLSX, HTML) and the final evaluation on the target year's units."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import UserError
from analysis.reproducible import pin_zip, run_date
from analysis.safe_xlsx import excel_writer
from analysis.targets.measures import DISTRICT_CODE, reaggregate
from analysis.targets.scorecard import (
    POPULATION_LABELS_VI,
    SCORECARD_COLUMNS,
    STATUS_LABELS_VI,
    build_scorecard,
)
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
}
LEVEL_LABELS_VI = {"district": "Huyện", "commune": "Xã"}
STATUS_COLOURS = {
    "met": "C6EFCE",
    "on_track": "E2F0D9",
    "at_risk": "FFEB9C",
    "off_track": "FFC7CE",
    "no_data": "EDEDED",
}
RESULT_LABELS_VI = {True: "Đạt", False: "Không đạt"}


def _vi(scorecard: pd.DataFrame) -> pd.DataFrame:
    out = scorecard.assign(
        level=scorecard["level"].map(LEVEL_LABELS_VI),
        population=scorecard["population"].map(POPULATION_LABELS_VI),
    )
    return out.drop(columns=["status"], errors="ignore").rename(columns=HEADERS_VI)


def wide_scorecard(scorecard: pd.DataFrame, level: str | None = "district") -> pd.DataFrame:
    """Rows = target x population x unit, columns = years, cells = 'value – status'."""
    sc = scorecard if level is None else scorecard[scorecard["level"] == level]
    cell = [
        f"{num(v, _digits(u))} – {s}" if v == v else s
        for v, u, s in zip(sc["value"], sc["unit"], sc["status_vi"], strict=True)
    ]
    keys = ["target_id", "target_label", "population", "commune_name"]
    wide = sc.assign(cell=cell).pivot_table(
        index=keys, columns="year", values="cell", aggfunc="first", sort=False
    )
    wide = wide[sorted(wide.columns)].reset_index()
    wide.columns.name = None
    wide["population"] = wide["population"].map(POPULATION_LABELS_VI)
    return wide.rename(columns=HEADERS_VI)


def _digits(unit: str) -> int:
    return 0 if unit.startswith("số") else 2 if unit.startswith("điểm") else 1


def write_scorecard_xlsx(
    scorecard: pd.DataFrame, path: str | Path, config, missing_note: str = ""
) -> Path:
    """Two sheets: the district summary (coloured by status) and every cell in long form.

    `missing_note`: the sentence naming communes left out for "thiếu số liệu"."""
    from openpyxl.styles import Font, PatternFill

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    note = " ".join(t for t in (_source(config), missing_note) if t)
    with excel_writer(path) as xl:
        for name, frame in (
            ("Tổng hợp huyện", wide_scorecard(scorecard)),
            ("Chi tiết", _vi(scorecard)),
        ):
            frame.to_excel(xl, sheet_name=name, index=False, startrow=2)
            ws = xl.sheets[name]
            ws["A1"] = (
                f"Bảng theo dõi thực hiện chỉ tiêu giảm nghèo – {config.district.type} {config.district.name}"
            )
            ws["A2"] = note
            ws["A1"].font = Font(name="Times New Roman", bold=True, size=13)
        fills = {
            lab: PatternFill("solid", fgColor=STATUS_COLOURS[k])
            for k, lab in STATUS_LABELS_VI.items()
        }
        for ws in xl.sheets.values():
            for row in ws.iter_rows(min_row=4):
                for cell in row:
                    text = str(cell.value or "")
                    hit = next((lab for lab in fills if text.endswith(lab)), None)
                    if hit:
                        cell.fill = fills[hit]
    return pin_zip(path)


def scorecard_html(scorecard: pd.DataFrame, config, level: str | None = "district") -> str:
    """A self-contained HTML table for the briefing, cells coloured by status."""
    wide = wide_scorecard(scorecard, level)
    colour = {lab: STATUS_COLOURS[k] for k, lab in STATUS_LABELS_VI.items()}
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
    district as a whole; T1 adds every year of the period and the average annual fall."""
    target_year = config.periods.target_year
    if target_year not in set(indicators["year"]):
        raise UserError(f"Chưa có kết quả rà soát năm {target_year}: chưa thể đánh giá cuối kỳ.")
    vintage = int(indicators.loc[indicators["year"] == target_year, "unit_vintage"].iloc[0])
    mapping = registry.to_merged()
    names = registry.names(vintage) if vintage in set(registry.units["vintage"]) else {}
    same = reaggregate(indicators, mapping, vintage, names=names)
    sc = build_scorecard(same, config, deprivations, monitoring, mapping=mapping)
    keep = (sc["year"] == target_year) | (sc["target_id"].isin(_t1_ids(config)))
    out = pd.concat([sc[keep], _t1_average(same, config)], ignore_index=True)
    achieved = out["status"].map({"met": True, "no_data": pd.NA}).fillna(False)
    out["result_vi"] = [
        "Không có số liệu" if s == "no_data" else RESULT_LABELS_VI[bool(a)]
        for s, a in zip(out["status"], achieved, strict=True)
    ]
    return out[[*SCORECARD_COLUMNS, "result_vi"]].reset_index(drop=True)


def _t1_ids(config) -> list[str]:
    return [t.id for t in config.targets if t.metric == "poor_rate_annual_fall_pp"]


def _t1_average(same: pd.DataFrame, config) -> pd.DataFrame:
    """Average yearly fall of the poor rate over the period, per unit and for the district."""
    b, t = config.periods.baseline_year, config.periods.target_year
    rows = []
    units = same.groupby("commune_code")
    frames = [(code, g["commune_name"].iloc[0], "commune", g) for code, g in units]
    district = same.groupby("year", as_index=False)[["n_poor", "n_households"]].sum()
    frames.insert(0, (DISTRICT_CODE, "Toàn huyện", "district", district))
    for tgt in config.targets:
        if tgt.metric != "poor_rate_annual_fall_pp":
            continue
        for code, name, level, g in frames:
            rate = (g.set_index("year")["n_poor"] / g.set_index("year")["n_households"]).reindex(
                [b, t]
            )
            value = 100 * (rate[b] - rate[t]) / (t - b)
            status = (
                "no_data"
                if np.isnan(value)
                else ("met" if value >= tgt.low - 1e-9 else "off_track")
            )
            rows.append(dict(target_id=tgt.id, target_label=f"{tgt.label} (bình quân {b}–{t})",
                             level=level, vintage=pd.NA, commune_code=code, commune_name=name,
                             year=t, population="poor", value=value, unit="điểm %/năm",
                             threshold=tgt.low, numerator=np.nan, denominator=np.nan,
                             status=status, status_vi=STATUS_LABELS_VI[status]))  # fmt: skip
    return pd.DataFrame(rows)
