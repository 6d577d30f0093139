"""The "Tính bền vững của kết quả giảm nghèo" part of the briefing and of the commune
factsheets, and the annex workbook of fragile exits for the commune officers.

The analysis (analysis.sustainability) runs in the poverty-profile step, which saves its
tables, charts, relapse map and annex with `save_sustainability_outputs`; the briefing and
the factsheets read them back here (`sustainability_section`, `factsheet_section`), so
they show exactly what the step computed. Households appear by their code only.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from analysis import documents as doc
from analysis import store
from analysis.config import Config
from analysis.i18n import t
from analysis.reproducible import save_figure
from analysis.sustainability.cohorts import DISTRICT
from analysis.sustainability.run import TABLES, Assessment
from analysis.sustainability.text import tr
from analysis.vietnamese import format_number, format_pct

CHARTS = {
    "cohorts": "sustainability_cohorts.png",
    "relapse": "sustainability_relapse.png",
}
TOP_COMMUNES = 3


def _pct(x: float, decimals: int = 1) -> str:
    return format_pct(x, decimals)


# ---------------------------------------------------------------- the step's outputs
def save_sustainability_outputs(
    run_dir: str | Path,
    result: Assessment,
    config: Config,
    registry=None,
    crosswalk: Mapping[str, str] | None = None,
) -> list[Path]:
    """Save the assessment's tables, the cohort charts, the relapse map and the annex workbook
    of review `result.year` into the run folder; return the files written."""
    from analysis.sustainability.charts import (
        plot_cohort_states,
        plot_relapse_rates,
        relapse_map,
        save_relapse_map,
    )

    run_dir = Path(run_dir)
    for name, table in result.tables().items():
        store.save_table(run_dir, name, table)
    paths = []
    charts = run_dir / "charts"
    charts.mkdir(parents=True, exist_ok=True)
    for key, fig in (
        ("cohorts", plot_cohort_states(result.cohorts)),
        ("relapse", plot_relapse_rates(result.cohorts)),
    ):
        if fig is not None:
            paths.append(save_figure(fig, charts / CHARTS[key], dpi=150, bbox_inches="tight"))
    if registry is not None and len(result.relapse):
        fig = relapse_map(result.relapse, config, registry, result.year, crosswalk)
        if fig is not None:
            paths += save_relapse_map(fig, run_dir / "maps", result.year)
            plt.close(fig)
    names = _names(result)
    paths.append(
        write_fragile_annex(run_dir / tr("annex_file", year=result.year), result, names, config)
    )
    return paths


def _names(result: Assessment) -> dict[str, str]:
    pairs = result.fragile_summary[["commune_code", "commune_name"]]
    names = dict(zip(pairs["commune_code"], pairs["commune_name"], strict=False))
    table = result.signals.table
    names.update(zip(table.get("commune_code", []), table.get("commune_name", []), strict=False))
    rel = result.relapse
    names.update(zip(rel.get("commune_code", []), rel.get("commune_name", []), strict=False))
    return names


# ---------------------------------------------------------------- annex workbook
def _reasons(row, margin: float, k: int) -> str:
    parts = []
    if row.near_line:
        over = (
            f" (+{format_number(100 * (row.income_ratio - 1), 1)} %)"
            if pd.notna(row.income_ratio)
            else ""
        )
        parts.append(tr("reason_near_line") + over)
    if row.not_fallen:
        parts.append(tr("reason_not_fallen"))
    if row.still_deprived:
        parts.append(tr("reason_still_deprived", k=k))
    return "; ".join(parts)


def fragile_annex_frames(
    result: Assessment, names: Mapping[str, str], config: Config
) -> dict[str, pd.DataFrame]:
    """The annex sheets as tables with Vietnamese headers (codes only, no names)."""
    s = config.sustainability
    f = result.fragile[result.fragile["is_fragile"].astype(bool)]
    fragile = pd.DataFrame(
        {
            "Mã xã": f["commune_code"],
            "Tên xã": f["commune_code"].map(names).fillna(f["commune_code"]),
            "Mã hộ": f["household_id"],
            "Diện": f["exit_from"].map(lambda v: tr(f"exit_from_{v}")),
            "Thu nhập bình quân (đồng/người/tháng)": f["income_pc_vnd"],
            "Số chỉ số thiếu hụt năm trước": f["n_deprivations_before"].astype("Float64"),
            "Số chỉ số thiếu hụt năm nay": f["n_deprivations_after"].astype("Float64"),
            "Dấu hiệu dễ tái nghèo": [
                _reasons(r, s.fragile_income_margin, s.fragile_min_deprivations)
                for r in f.itertuples()
            ],
        }
    )
    e = result.newly_escaped
    escaped = pd.DataFrame(
        {
            "Mã xã": e["commune_code"],
            "Tên xã": e["commune_code"].map(names).fillna(e["commune_code"]),
            "Mã hộ": e["household_id"],
            "Năm thoát nghèo": e["exit_year"].astype(int),
        }
    )
    fired = result.signals.fired
    signals = pd.DataFrame(
        {
            "Xã": fired["commune_name"],
            "Tín hiệu cần kiểm tra lại": fired["label"],
            "Mức": fired["strength_text"],
            "Quy tắc": fired["rule"],
            "So sánh": fired["comparison"],
        }
    )
    hh = result.signals.households
    behind = pd.DataFrame(
        {
            "Xã": hh["commune_code"].map(names).fillna(hh["commune_code"]),
            "Tín hiệu": hh["signal"].map(lambda v: tr(f"signal_{v}")),
            "Mã hộ": hh["household_id"],
            "Chi tiết": hh["detail"],
        }
    )
    return {
        "Hộ dễ tái nghèo": fragile,
        "Hộ mới thoát nghèo": escaped,
        "Tín hiệu cần kiểm tra lại": signals,
        "Hộ liên quan đến tín hiệu": behind,
    }


def write_fragile_annex(
    path: str | Path, result: Assessment, names: Mapping[str, str], config: Config
) -> Path:
    """The annex workbook: fragile exits, newly escaped households, signals and their
    households, one sheet each, by commune and household code."""
    from openpyxl import Workbook

    from analysis.documents.safe_xlsx import neutralise_workbook
    from analysis.documents.xlsx_style import format_table, title_cell, write_frame
    from analysis.reproducible import save_workbook

    s = config.sustainability
    year = result.year
    titles = {
        "Hộ dễ tái nghèo": tr("annex_title", year=year),
        "Hộ mới thoát nghèo": tr(
            "annex_escaped_title", first=year - s.newly_escaped_years, year=year
        ),
        "Tín hiệu cần kiểm tra lại": tr("caption_signals", year=year),
        "Hộ liên quan đến tín hiệu": tr("caption_signals", year=year),
    }
    note = tr("annex_note")
    fragile_note = tr(
        "annex_fragile_note",
        margin=format_number(100 * s.fragile_income_margin),
        k=s.fragile_min_deprivations,
    )
    synthetic = " " + t(doc.SYNTHETIC_NOTE) if config.data.synthetic else ""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet, frame in fragile_annex_frames(result, names, config).items():
        ws = wb.create_sheet(t(sheet))
        # the definition of a fragile exit only where its households are listed
        ws["A1"] = titles[sheet]
        ws["A2"] = note + (" " + fragile_note if sheet == "Hộ dễ tái nghèo" else "") + synthetic
        title_cell(ws["A1"])
        frame = frame.reset_index(drop=True)
        frame.insert(0, "STT", range(1, len(frame) + 1))
        last = write_frame(ws, frame, 4)
        format_table(ws, 4, last_row=max(last, 4), last_col=len(frame.columns), freeze_col=3)
    neutralise_workbook(wb)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return save_workbook(wb, path)


# ---------------------------------------------------------------- the briefing's section
def _load(run_dir: Path, key: str) -> pd.DataFrame | None:
    return store.load_optional_table(run_dir, TABLES[key])


def cohort_texts(cohorts: pd.DataFrame, relapse: pd.DataFrame | None, year: int) -> list[str]:
    """The sentences about the exit cohorts: pooled one-year relapse with the communes of
    highest rate, the latest cohort followed longest, the newly poor."""
    exit_poor = cohorts[(cohorts["cohort"] == "exit_poor") & (cohorts["commune_code"] == DISTRICT)]
    followed = exit_poor[exit_poor["horizon"] >= 1]
    if exit_poor.empty:
        return [tr("no_cohort")]
    if followed.empty:
        return [tr("no_follow_up", year=int(exit_poor["cohort_year"].min()))]
    texts = []
    years = sorted(int(y) for y in followed["cohort_year"].unique())
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    one = followed[followed["horizon"] == 1]
    k, n = int(one["n_returned"].sum()), int(one["n"].sum())
    from analysis.sustainability.intervals import jeffreys

    lo, hi = jeffreys(k, n)
    values = dict(years=span, rate=_pct(k / n), k=format_number(k), n=format_number(n),
                  lo=_pct(float(lo)), hi=_pct(float(hi)))  # fmt: skip
    communes = _top_communes(relapse)
    texts.append(
        tr("pooled_sentence", **values, communes=communes)
        if communes
        else tr("pooled_sentence_no_communes", **values)
    )
    first = followed.sort_values(["horizon", "cohort_year"]).iloc[-1]
    texts.append(
        tr("cohort_sentence", n=format_number(first["n"]), cohort_year=int(first["cohort_year"]),
           horizon=int(first["horizon"]), n_poor=format_number(first["n_poor"]),
           rate=_pct(first["rate"]), lo=_pct(first["rate_lo"]), hi=_pct(first["rate_hi"]),
           n_near_poor=format_number(first["n_near_poor"]),
           n_gone=format_number(first["n_out"] + first["n_absent"]))
    )  # fmt: skip
    new = cohorts[
        (cohorts["cohort"] == "new_poor")
        & (cohorts["commune_code"] == DISTRICT)
        & (cohorts["horizon"] >= 1)
    ]
    if len(new):
        row = new.sort_values(["horizon", "cohort_year"]).iloc[-1]
        texts.append(
            tr("new_poor_sentence", n=format_number(row["n"]), cohort_year=int(row["cohort_year"]),
               horizon=int(row["horizon"]), n_poor=format_number(row["n_poor"]),
               rate=_pct(row["rate"]))
        )  # fmt: skip
    texts.append(tr("absent_note"))
    return texts


def _top_communes(relapse: pd.DataFrame | None) -> str:
    """The communes with the highest pooled one-year relapse (at least 10 exits followed)."""
    if relapse is None or relapse.empty:
        return ""
    rows = relapse[(relapse["commune_code"] != DISTRICT) & (relapse["n"] >= 10)]
    rows = rows.sort_values(["rate", "n"], ascending=[False, False]).head(TOP_COMMUNES)
    return ", ".join(
        tr("commune_rate", name=r.commune_name, rate=_pct(r.rate), k=format_number(r.n_returned),
           n=format_number(r.n))
        for r in rows.itertuples()
    )  # fmt: skip


def cohort_table_block(cohorts: pd.DataFrame, source: str) -> doc.Table | None:
    """Exit cohorts of the district: one row per exit year, poor again after 1, 2, 3 reviews."""
    rows = cohorts[(cohorts["cohort"] == "exit_poor") & (cohorts["commune_code"] == DISTRICT)]
    if rows.empty:
        return None
    horizons = sorted(int(h) for h in rows["horizon"].unique() if h >= 1)
    out = []
    for year, group in rows.groupby("cohort_year"):
        by = group.set_index("horizon")
        line = {"Năm thoát nghèo": str(int(year)), "Số hộ": format_number(by.loc[0, "n"])}
        for h in horizons:
            line[t("Nghèo trở lại sau {h} năm", h=h)] = (
                f"{format_number(by.loc[h, 'n_poor'])} ({_pct(by.loc[h, 'rate'])})"
                if h in by.index
                else "–"
            )
        out.append(line)
    return doc.Table(pd.DataFrame(out), tr("caption_cohorts"), source)


def fragile_blocks(summary: pd.DataFrame | None, year: int, config: Config) -> list:
    if summary is None or summary.empty:
        return [doc.Paragraph(tr("fragile_unavailable", year=year))]
    d = summary[summary["commune_code"] == DISTRICT]
    if d.empty or int(d["n_exits"].iloc[0]) == 0:
        return [doc.Paragraph(tr("fragile_sentence_none", year=year))]
    r = d.iloc[0]
    s = config.sustainability
    blocks: list = [
        doc.Paragraph(
            tr("fragile_sentence", n=format_number(r["n_exits"]), year=year,
               k=format_number(r["n_fragile"]), share=_pct(r["share"]),
               n_near_line=format_number(r["n_near_line"]),
               margin=format_number(100 * s.fragile_income_margin),
               n_not_fallen=format_number(r["n_not_fallen"]),
               n_still=format_number(r["n_still_deprived"]), k_dep=s.fragile_min_deprivations,
               annex=tr("annex_title", year=year))
        )
    ]  # fmt: skip
    c = summary[summary["commune_code"] != DISTRICT].sort_values("commune_name")
    table = pd.DataFrame(
        {
            "Xã": c["commune_name"].astype(str),
            "Hộ thoát": c["n_exits"].map(format_number),
            "Hộ dễ tái nghèo": c["n_fragile"].map(format_number),
            "Tỷ lệ": c["share"].map(lambda v: _pct(v, 0)),
            "Thu nhập sát chuẩn": c["n_near_line"].map(format_number),
            "Thiếu hụt không giảm": c["n_not_fallen"].map(format_number),
            t("Còn từ {k} thiếu hụt", k=s.fragile_min_deprivations): c["n_still_deprived"].map(
                format_number
            ),
        }
    )
    blocks.append(doc.Table(table, tr("caption_fragile", year=year)))
    return blocks


def signal_blocks(signals: pd.DataFrame | None, year: int) -> list:
    if signals is None or signals.empty:
        return [doc.Paragraph(tr("signals_unavailable", year=year))]
    fired = signals[signals["fired"].astype(bool)]
    n_communes = signals["commune_code"].nunique()
    partial = (
        [doc.Paragraph(tr("signals_partial"))]
        if not {"bunching", "no_deprivation_change"} & set(signals["signal"])
        else []
    )
    if fired.empty:
        return [
            doc.Paragraph(
                tr("signals_none", year=year, n_tests=format_number(len(signals)),
                   n_communes=format_number(n_communes))
            ),
            *partial,
        ]  # fmt: skip
    communes = ", ".join(dict.fromkeys(fired["commune_name"].astype(str)))
    blocks: list = [
        doc.Paragraph(tr("signals_some", n=format_number(len(fired)), year=year, communes=communes))
    ]
    for _, group in fired.groupby("signal", sort=False):
        blocks.append(doc.Paragraph(f"**{group['label'].iloc[0]}.** {group['rule'].iloc[0]}"))
    table = pd.DataFrame(
        {
            "Xã": fired["commune_name"].astype(str),
            "Tín hiệu": fired["label"],
            "Mức": fired["strength_text"],
            "Phép so sánh và số liệu": fired["comparison"],
        }
    )
    blocks.append(doc.Table(table, tr("caption_signals", year=year)))
    return blocks + partial


def sustainability_section(run_dir: str | Path, year: int, config: Config) -> doc.Section | None:
    """The briefing's section "Tính bền vững của kết quả giảm nghèo" from the run's tables;
    None when the step did not produce them."""
    run_dir = Path(run_dir)
    cohorts = _load(run_dir, "cohorts")
    signals = _load(run_dir, "signals")
    if cohorts is None and signals is None:
        return None
    years = sorted(int(y) for y in cohorts["cohort_year"].unique()) if cohorts is not None else []
    span = f"{years[0] - 1}–{year}" if years else str(year)
    source = tr("source_review", years=span)
    blocks: list = [doc.Paragraph(tr("intro"))]
    if cohorts is not None:
        blocks += [doc.Paragraph(x) for x in cohort_texts(cohorts, _load(run_dir, "relapse"), year)]
        table = cohort_table_block(cohorts, source)
        if table is not None:
            blocks.append(table)
        chart = run_dir / "charts" / CHARTS["cohorts"]
        if chart.exists():
            blocks.append(doc.Figure(chart, tr("caption_cohorts")))
    escaped = _load(run_dir, "newly_escaped")
    if escaped is not None and len(escaped):
        n_years = config.sustainability.newly_escaped_years
        blocks.append(
            doc.Paragraph(
                tr("newly_escaped_sentence", n=format_number(len(escaped)), years=n_years,
                   first=year - n_years, year=year)
            )
        )  # fmt: skip
    blocks += fragile_blocks(_load(run_dir, "fragile_summary"), year, config)
    link = _load(run_dir, "link")
    if link is not None:
        blocks.append(
            doc.Paragraph(
                link["text"].iloc[0] if len(link) else tr("forecast_unavailable", year=year)
            )
        )
    blocks += signal_blocks(signals, year)
    relapse_map = run_dir / "maps" / f"{year}_relapse_rate.png"
    if relapse_map.exists():
        blocks.append(doc.Figure(relapse_map, tr("caption_map")))
    return doc.Section(tr("section_title"), blocks)


# ---------------------------------------------------------------- the factsheet's section
def factsheet_section(run_dir: str | Path, code: str, year: int) -> doc.Section | None:
    """A commune's few sentences: its exits' relapse against the district's, its fragile and
    newly escaped households, and its signals (or that there are none)."""
    run_dir = Path(run_dir)
    relapse, summary = _load(run_dir, "relapse"), _load(run_dir, "fragile_summary")
    signals, escaped = _load(run_dir, "signals"), _load(run_dir, "newly_escaped")
    if relapse is None and summary is None and signals is None:
        return None
    blocks: list = []
    if relapse is not None and len(relapse):
        mine = relapse[relapse["commune_code"].astype(str) == code]
        district = relapse[relapse["commune_code"] == DISTRICT]
        if len(mine) and len(district):
            r = mine.iloc[0]
            years = _load(run_dir, "cohorts")
            followed = years[(years["cohort"] == "exit_poor") & (years["horizon"] == 1)]
            span = sorted(int(y) for y in followed["cohort_year"].unique())
            blocks.append(
                doc.Paragraph(
                    tr("factsheet_cohort",
                       years=f"{span[0]}–{span[-1]}" if len(span) > 1 else str(span[0]),
                       k=format_number(r["n_returned"]), n=format_number(r["n"]),
                       rate=_pct(r["rate"]), rate_district=_pct(district["rate"].iloc[0]))
                )
            )  # fmt: skip
    if summary is not None and len(summary):
        mine = summary[summary["commune_code"].astype(str) == code]
        n_escaped = (
            int((escaped["commune_code"].astype(str) == code).sum()) if escaped is not None else 0
        )
        if len(mine):
            r = mine.iloc[0]
            blocks.append(
                doc.Paragraph(
                    tr("factsheet_fragile", year=year, n=format_number(r["n_exits"]),
                       k=format_number(r["n_fragile"]), share=_pct(r["share"], 0),
                       n_escaped=format_number(n_escaped))
                )
            )  # fmt: skip
    if signals is not None and len(signals):
        mine = signals[(signals["commune_code"].astype(str) == code) & signals["fired"]]
        if mine.empty:
            blocks.append(doc.Paragraph(tr("factsheet_no_signal", year=year)))
        for r in mine.itertuples():
            blocks.append(
                doc.Paragraph(tr("factsheet_signal", label=r.label, comparison=r.comparison))
            )
    return doc.Section(tr("section_title"), blocks) if blocks else None


# ---------------------------------------------------------------- tables for the notebook
def relapse_table(relapse: pd.DataFrame) -> doc.Table:
    """The one-year relapse of poor exits per commune (pooled over the years), with intervals."""
    rows = relapse.sort_values(["commune_code"], key=lambda s: s.eq(DISTRICT))
    data = pd.DataFrame(
        {
            "Xã": rows["commune_name"].astype(str),
            "Hộ thoát nghèo được theo dõi": rows["n"].map(format_number),
            "Nghèo trở lại sau một năm": rows["n_returned"].map(format_number),
            "Tỷ lệ tái nghèo": rows["rate"].map(_pct),
            "Khoảng tin cậy 95 %": [
                f"{_pct(a)}–{_pct(b)}"
                for a, b in zip(rows["rate_lo"], rows["rate_hi"], strict=True)
            ],
        }
    )
    return doc.Table(data, tr("caption_map"))


def comparisons_table(signals: pd.DataFrame, year: int) -> doc.Table:
    """Every comparison the signals made, fired or not: observed, expected, strength."""
    rows = signals.sort_values(["signal", "z"], ascending=[True, False])
    data = pd.DataFrame(
        {
            "Xã": rows["commune_name"].astype(str),
            "Phép so sánh": rows["label"],
            "Quan sát": rows["observed"].map(format_number),
            "Kỳ vọng": rows["expected"].map(format_number),
            "Độ lệch (lần sai số)": rows["z"].map(lambda v: format_number(v, 1)),
            "Tín hiệu": rows["strength"].where(rows["fired"].astype(bool), "").replace("", "–"),
        }
    )
    return doc.Table(data, tr("caption_signals", year=year))
