"""One verdict per target and year: every output that prints a verdict prints the same one."""

import re

import pandas as pd
import pytest

from analysis import store
from analysis.documents import Table, briefing
from analysis.forecast.text import (
    count_verdicts,
    describe_final,
    describe_scorecard,
    describe_target_status,
)
from analysis.maps.classify import classify_status
from analysis.maps.mapset import RUN_TABLES
from analysis.maps.text import tr
from analysis.targets import VERDICT_LABELS_VI, build_scorecard, verdicts
from analysis.targets.reports import final_evaluation, scorecard_html, write_scorecard_xlsx
from test_targets import CONFIG, _Registry, _with_2025

KEY = ["target_id", "population", "commune_code", "year"]


@pytest.fixture(scope="module")
def run():
    """A 2025 run (target year) on two communes merged into one, near-poor target missed."""
    indicators = _with_2025(60)
    registry = _Registry()
    scorecard = build_scorecard(indicators, CONFIG, mapping=registry.to_merged())
    final = final_evaluation(indicators, CONFIG, registry)
    return scorecard, final, verdicts(scorecard, CONFIG, final=final)


def test_verdicts__one_row_per_target_group_unit_and_year(run):
    _, _, table = run
    assert not table.duplicated(KEY).any()
    final = table[table["year"] == 2025]
    assert set(final["verdict_vi"]) <= {"Đạt", "Không đạt", "Không có số liệu"}
    assert set(final["mode"]) == {"final"}
    before = table[table["year"] < 2025]
    assert set(before["verdict"]) <= {"met", "on_track", "at_risk", "off_track", "no_data"}
    # the yearly-pace target is judged once in the target year, on the period average
    t1 = final[(final["target_id"] == "T1") & (final["level"] == "district")]
    assert len(t1) == 1 and t1["basis"].item().startswith("bình quân")


def test_verdicts__target_year_rows_are_the_final_evaluation(run):
    _, final, table = run
    rows = table[table["year"] == 2025].set_index(KEY)["verdict_vi"].sort_index()
    assert rows.equals(final.set_index(KEY)["verdict_vi"].sort_index())


def _xlsx_cells(path):
    """(detail sheet as a frame, district summary rows): headers in row 4 (row 3 groups the
    summary's value and verdict columns by year), data from row 5."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    detail = list(wb["Chi tiết"].iter_rows(min_row=4, values_only=True))
    head, rows = detail[0], detail[1:]
    summary = list(wb["Tổng hợp huyện"].iter_rows(min_row=3, values_only=True))
    return pd.DataFrame(rows, columns=head), summary


def test_every_output_prints_the_same_verdict(run, tmp_path):
    from analysis.targets.scorecard import POPULATION_LABELS_VI

    scorecard, final, table = run
    district = table[table["level"] == "district"]

    # scorecard XLSX: detail (long) and district summary (wide) sheets
    detail, summary = _xlsx_cells(
        write_scorecard_xlsx(scorecard, tmp_path / "sc.xlsx", CONFIG, verdict_table=table)
    )
    assert detail["Đánh giá"].tolist() == table["verdict_vi"].tolist()
    years = [int(str(y).removeprefix("Năm ")) for y in summary[0][6::2]]
    for r in district.itertuples():
        line = next(
            s for s in summary[2:]
            if s[2] == r.target_label and s[4] == r.unit
            and s[3] == POPULATION_LABELS_VI.get(r.population, r.population)
        )  # fmt: skip
        assert line[6 + 2 * years.index(r.year) + 1] == r.verdict_vi

    # the HTML scorecard
    page = scorecard_html(scorecard, CONFIG, verdict_table=table)
    for r in district.itertuples():
        assert f"– {r.verdict_vi}<" in page or f">{r.verdict_vi}<" in page

    # sentences: one target, the year's counts, the final evaluation
    for r in district.drop_duplicates(["target_id", "year"]).itertuples():
        text = describe_target_status(table, r.target_id, r.year)
        assert f", {r.verdict_vi.lower()}" in text or "không có số liệu" in text, text
    counts = count_verdicts(table, 2025)
    assert counts in describe_scorecard(table, 2025) and counts in describe_final(final)
    for label in ("Đúng tiến độ", "Có nguy cơ", "Chậm tiến độ"):
        assert label.lower() not in describe_final(final)

    # the briefing reads the saved table
    store.save_table(tmp_path, "verdicts", table)
    section = briefing._final_section(tmp_path, CONFIG)
    shown = next(b for b in section.blocks if isinstance(b, Table)).data
    expected = district[district["year"] == 2025]
    assert sorted(shown["Kết quả"]) == sorted(expected["verdict_vi"])
    targets = briefing._targets_section(tmp_path, 2025, CONFIG)
    wide = next(b for b in targets.blocks if isinstance(b, Table)).data
    cells = {str(c).rsplit(" – ", 1)[-1] for c in wide[2025]}
    assert cells == set(expected["verdict_vi"])

    # the status map reads the same table with the same labels
    assert RUN_TABLES["status"] == "verdicts"
    for code, label in VERDICT_LABELS_VI.items():
        if code != "no_data":
            assert tr(code) == label
    assert classify_status(pd.Series(["met", "not_met"]), final=True).labels == [
        "Đạt",
        "Không đạt",
    ]


def test_final_mode_t1_verdict_rule_on_the_average_not_the_last_year():
    # falls of 1,00 / 0,75 then a rise: each year below 0,6 in the last, average above
    sc = build_scorecard(_with_2025(60), CONFIG, mapping=_Registry().to_merged())
    table = verdicts(sc, CONFIG, 2025)
    t1 = table[(table["target_id"] == "T1") & (table["level"] == "district")].iloc[0]
    assert t1["verdict_vi"] == ("Đạt" if t1["value"] >= 0.6 else "Không đạt")
    assert re.search(r"2022 giảm 1,00 điểm %, 2023 giảm 0,75 điểm %", t1["basis"])
