"""Commune factsheets on the stored tables of one small 2025 run (steps 01, 02, 03).

A 2025 run holds the 2021–2024 years on the 22 former units and 2025 on the 9 merged
communes, so it serves both the 2024 factsheets (22) and the 2025 ones (9).
"""

from __future__ import annotations

import pickle

import docx
import pandas as pd
import pytest
from tests.districts import sample_config, write_config

from analysis import pipeline, store
from analysis.config import load_config
from analysis.documents import factsheet as fs
from analysis.documents import pct
from analysis.pipeline import run_cycle
from analysis.registry import registry_for
from analysis.vietnamese import format_number

pytestmark = pytest.mark.e2e

STEPS = ("01_ingest_validate", "02_poverty_profile", "03_targets_forecast")


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("factsheet")
    config_path = write_config(sample_config(root, households=3000), root / "district.yaml")
    final = run_cycle(config_path, 2025, out_root=root / "outputs", notebooks=STEPS, progress=False)
    config = load_config(config_path)
    return {"config_path": config_path, "config": config, "run_dir": final.resolve(),
            "registry": registry_for(config), "root": root}  # fmt: skip


def _table(sections, caption_start: str) -> pd.DataFrame:
    for section in sections:
        for block in section.blocks:
            if isinstance(block, fs.doc.Table) and block.caption.startswith(caption_start):
                return block.data
    raise AssertionError(f"no table '{caption_start}'")


def test_communes__22_units_in_2024_and_9_merged_communes_in_2025(run):
    config = run["config"]
    assert len(fs.communes(config, 2024)) == 22
    merged = fs.communes(config, 2025)
    assert len(merged) == 9 and {c.vintage for c in merged} == {2025}
    assert fs.folder_name(merged[0]) == f"{merged[0].code}_{fs.slug(merged[0].name)}"
    assert fs.slug("Sơn Kim 1") == "son-kim-1"


def test_absorbed_units__every_former_unit_once_under_the_commune_the_crosswalk_names(run):
    registry = run["registry"]
    table = fs.absorbed_units(registry)
    assert len(table) == 22 and table["from_code"].is_unique
    assert table["to_code"].nunique() == 9
    crosswalk = registry.to_merged()
    for row in table.itertuples():
        assert crosswalk[row.from_code] == row.to_code
        assert row.from_name == registry.names(2024)[row.from_code]
        assert row.to_name == registry.names(2025)[row.to_code]
    # the town Phố Châu (18133, 2024) went into the commune Hương Sơn (18133, 2025)
    pho_chau = table[table["from_name"] == "Phố Châu"].iloc[0]
    assert pho_chau["to_name"] == "Hương Sơn"


def test_2024_factsheets__counts_and_rates_equal_the_indicator_table(run, tmp_path):
    config, run_dir = run["config"], run["run_dir"]
    indicators = store.load_table(run_dir, "indicators")
    scorecard = store.load_table(run_dir, "scorecard")
    for commune in fs.communes(config, 2024):
        sections = fs.build_factsheet(config, 2024, run_dir, commune, tmp_path, run["registry"])
        shown = _table(sections, "Hộ nghèo, hộ cận nghèo qua các năm")
        expected = indicators[
            (indicators["commune_code"] == commune.code) & (indicators["unit_vintage"] == 2024)
        ].sort_values("year")
        assert shown["Năm"].tolist() == [str(y) for y in expected["year"]], commune
        assert shown["Hộ nghèo"].tolist() == expected["n_poor"].map(format_number).tolist()
        assert shown["Tổng số hộ"].tolist() == expected["n_households"].map(format_number).tolist()
        assert shown["Tỷ lệ hộ nghèo"].tolist() == expected["poor_rate"].map(pct).tolist()
        assert shown["Tỷ lệ nghèo đa chiều"].tolist() == expected["multidim_rate"].map(pct).tolist()
        verdicts = _table(sections, "Đánh giá chỉ tiêu của xã")
        stored = scorecard[
            (scorecard["level"] == "commune")
            & (scorecard["commune_code"] == commune.code)
            & (scorecard["year"] == 2024)
            & (scorecard["vintage"] == 2024)
        ]
        assert verdicts["Đánh giá"].tolist() == stored["status_vi"].tolist()
        assert not (set(verdicts.columns) - {"Chỉ tiêu", "Nhóm hộ", "Giá trị", "Đơn vị",
                                             "Ngưỡng", "Đánh giá"})  # fmt: skip


def test_2025_factsheets__earlier_years_are_the_sums_of_the_absorbed_units(run, tmp_path):
    config, run_dir, registry = run["config"], run["run_dir"], run["registry"]
    indicators = store.load_table(run_dir, "indicators")
    absorbed = fs.absorbed_units(registry)
    for commune in fs.communes(config, 2025):
        sections = fs.build_factsheet(config, 2025, run_dir, commune, tmp_path, registry)
        former = absorbed.loc[absorbed["to_code"] == commune.code, "from_code"]
        listed = _table(sections, "Các đơn vị hành chính cũ hợp thành")
        assert sorted(listed["Mã đơn vị cũ"]) == sorted(former)
        shown = _table(sections, "Hộ nghèo, hộ cận nghèo qua các năm").set_index("Năm")
        old = indicators[
            (indicators["unit_vintage"] == 2024) & indicators["commune_code"].isin(former)
        ]
        for year, rows in old.groupby("year"):
            assert shown.loc[str(year), "Hộ nghèo"] == format_number(rows["n_poor"].sum())
            rate = rows["n_poor"].sum() / rows["n_households"].sum()
            assert shown.loc[str(year), "Tỷ lệ hộ nghèo"] == pct(rate)
        now = indicators[(indicators["unit_vintage"] == 2025) & (indicators["year"] == 2025)]
        now = now[now["commune_code"] == commune.code].iloc[0]
        assert shown.loc["2025", "Hộ nghèo"] == format_number(now["n_poor"])


def test_run_factsheets__each_2025_commune_gets_a_pdf_and_a_docx_of_at_most_two_pages(run):
    from weasyprint import CSS, HTML

    from analysis.documents.html import PRINT_CSS

    config, run_dir = run["config"], run["run_dir"]
    paths = fs.run_factsheets(run["config_path"], 2025, run_dir)
    assert len(paths) == 2 * 9
    for commune in fs.communes(config, 2025):
        folder = run_dir / fs.FACTSHEET_DIR / fs.folder_name(commune)
        pdf, word = folder / "factsheet.pdf", folder / "factsheet.docx"
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000
        text = "\n".join(p.text for p in docx.Document(str(word)).paragraphs)
        assert commune.full_name in text and "Biến động trong năm" in text
    commune = fs.communes(config, 2025)[0]
    folder = run_dir / fs.FACTSHEET_DIR / fs.folder_name(commune)
    sections = fs.build_factsheet(config, 2025, run_dir, commune, folder)
    page_css = CSS(string=PRINT_CSS + fs.FACTSHEET_PAGE_CSS)  # as factsheet.pdf is rendered
    pages = HTML(string=fs.factsheet_html(sections)).render(stylesheets=[page_css])
    assert 1 <= len(pages.pages) <= 2
    # the DOCX carries the same counts as the indicator table
    table = docx.Document(str(folder / "factsheet.docx")).tables[0]
    shown = _table(sections, "Hộ nghèo, hộ cận nghèo qua các năm")
    assert [c.text for c in table.rows[-1].cells] == shown.iloc[-1].tolist()


def test_start_factsheets__held_workers_write_nothing_until_released(run, tmp_path):
    import time

    run_dir = tmp_path / "run"
    job = fs.start_factsheets(run["config_path"], 2025, run_dir, codes=["18133", "18160"],
                              max_workers=2, hold=True)  # fmt: skip
    try:
        time.sleep(1.0)
        assert all(p.poll() is None for p in job.procs)  # importing, then waiting
        assert not (run_dir / fs.FACTSHEET_DIR).exists()
    finally:
        job.stop()
    assert not (run_dir / fs.FACTSHEET_DIR).exists()  # stopped before the release: nothing made
    # released: the same files as workers started at once
    held = fs.start_factsheets(run["config_path"], 2025, run["run_dir"], max_workers=2, hold=True)
    held.release()
    assert held.wait() == fs._paths(run["run_dir"], fs.communes(run["config"], 2025))


def test_run_factsheets__a_failing_commune_is_named(run, tmp_path):
    config = run["config"]
    with pytest.raises(fs.FactsheetError) as caught:
        fs.run_factsheets(run["config_path"], 2024, tmp_path, codes=["18139"], max_workers=1)
    assert "Xã Sơn Hồng" in str(caught.value) and "18139" in str(caught.value)
    with pytest.raises(fs.FactsheetError) as caught:  # from a worker process
        fs.run_factsheets(run["config_path"], 2024, tmp_path, codes=["18139", "18136"])
    assert "(mã 18139)" in str(caught.value) and "indicators" in str(caught.value)
    again = pickle.loads(pickle.dumps(caught.value))  # crosses the process pool intact
    assert str(again) == str(caught.value)
    assert fs.find_commune(config, 2024, "18139").name == "Sơn Hồng"


def test_pipeline__a_factsheet_failure_fails_the_step_with_the_commune(monkeypatch, run):
    def broken(*_args, **_kw):
        raise fs.FactsheetError("18139", "Xã Sơn Hồng", "hỏng")

    monkeypatch.setattr(fs, "run_factsheets", broken)
    with pytest.raises(pipeline._StepError) as caught:
        pipeline._run_factsheets(run["config_path"], 2024, run["run_dir"])
    assert caught.value.failure.notebook == fs.FACTSHEET_STEP
    assert "Xã Sơn Hồng" in caught.value.failure.error


def test_flows_text__names_every_category_and_adds_up():
    row = pd.Series(
        {"n_poor_start": 100, "n_poor_out_near_poor": 10, "n_poor_out_above": 20,
         "n_poor_out_other": 3, "n_poor_in_from_near_poor": 5, "n_poor_in_relapsed": 2,
         "n_poor_in_new": 4, "n_poor_in_other": 1, "n_poor_end": 79}
    )  # fmt: skip
    text = fs.flows_text(row, 2024)
    assert "giảm 33 hộ" in text and "tăng 12 hộ" in text and "cuối kỳ 79" in text
    assert "giảm khác 3" in text and "tăng khác 1" in text
    empty = fs.flows_text(pd.Series({"n_poor_start": pd.NA, "n_poor_end": pd.NA}), 2021)
    assert "chưa có số liệu biến động" in empty


def test_notebook_07__parameters_pairing_and_one_commune_by_hand(run, tmp_path):
    import json

    import jupytext
    import papermill as pm

    from analysis.config import PROJECT_ROOT
    from analysis.workbench import kernel

    path = PROJECT_ROOT / "notebooks" / f"{fs.FACTSHEET_STEP}.ipynb"
    params = pm.inspect_notebook(str(path))
    assert set(params) == {"config_path", "year", "run_dir", "commune_code", "out_dir"}
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert all(not c["outputs"] for c in nb["cells"] if c["cell_type"] == "code")
    script = jupytext.read(path.parent / "scripts" / f"{path.stem}.py")
    assert [c.source for c in jupytext.read(path).cells] == [c.source for c in script.cells]
    out = tmp_path / "by_hand"
    kernel.execute(
        path, tmp_path / "07.ipynb", cwd=PROJECT_ROOT,
        parameters={"config_path": str(run["config_path"]), "year": 2025,
                    "run_dir": str(run["run_dir"]), "commune_code": "18133", "out_dir": str(out)},
    )  # fmt: skip
    assert (out / "factsheet.pdf").exists() and (out / "factsheet.docx").exists()
