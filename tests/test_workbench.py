"""The notebooks' workbench: the project root, parameters that cannot hurt, the checks that
earlier steps ran, figures and tables for display (no kernel: fast)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from analysis import run_folders
from analysis.config import PROJECT_ROOT, load_config
from analysis.errors import UserError
from analysis.project import find_project_root
from analysis.workbench import display, params, steps

CONFIG = PROJECT_ROOT / "config" / "huong_son.yaml"


@pytest.fixture(scope="module")
def config():
    return load_config(CONFIG)


# ---------------------------------------------------------------- the project root
def test_root__found_from_the_notebooks_folder_and_from_deep_inside(tmp_path):
    assert find_project_root(PROJECT_ROOT / "notebooks") == PROJECT_ROOT
    assert find_project_root(PROJECT_ROOT / "src" / "analysis" / "workbench") == PROJECT_ROOT


def test_root__outside_the_project_falls_back_to_the_package_and_skips_other_projects(tmp_path):
    other = tmp_path / "other"
    (other / "sub").mkdir(parents=True)
    (other / "pyproject.toml").write_text('[project]\nname = "something-else"\n', encoding="utf-8")
    assert find_project_root(other / "sub") == PROJECT_ROOT


def test_root__the_current_folder_is_the_default(tmp_path, monkeypatch):
    project = tmp_path / "copy"
    (project / "notebooks").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[project]\nname = "analysis"\n', encoding="utf-8")
    monkeypatch.chdir(project / "notebooks")
    assert find_project_root() == project


# ---------------------------------------------------------------- the year
@pytest.mark.parametrize("value", [2024, "2024", " 2024 ", 2024.0])
def test_year__a_year_in_any_plain_spelling(value, config):
    assert params.check_year(value, config) == 2024


@pytest.mark.parametrize("value", [True, "năm 2024", 2024.5, None, ""])
def test_year__not_a_year_says_so_naming_the_parameter(value, config):
    with pytest.raises(UserError, match="Tham số year"):
        params.check_year(value, config)


def test_year__before_the_baseline_or_outside_the_units_is_refused(config):
    with pytest.raises(UserError, match=r"(?s)year = 2019 .*đầu kỳ 2021"):
        params.check_year(2019, config)
    with pytest.raises(UserError, match=r"(?s)year = 2031 .*units"):
        params.check_year(2031, config)


# ---------------------------------------------------------------- the run folder
def test_folder_year__manifest_first_then_the_folder_names(tmp_path):
    run = tmp_path / "2024.runs" / "20250101-000000-abc123"
    run.mkdir(parents=True)
    assert params.folder_year(run) == 2024
    (run / "manifest.json").write_text(json.dumps({"year": 2023}), encoding="utf-8")
    assert params.folder_year(run) == 2023  # what the run says it is
    assert params.folder_year(tmp_path / "2025") == 2025
    assert params.folder_year(tmp_path / "failed-2022-20250101-000000") == 2022
    assert params.folder_year(tmp_path / "scratch") is None


def _results(root: Path, config, year: int) -> Path:
    """A complete run of `year` behind the symlink outputs/<slug>/<year>, as the pipeline
    leaves it."""
    final = params.year_folder(config, year, root)
    run = run_folders.new_run_dir(final)
    (run / "data").mkdir()
    (run / "manifest.json").write_text(
        json.dumps({"year": year, "district": config.district.slug}), encoding="utf-8"
    )
    run_folders.switch(final, run)
    return run


def test_hand_run__writes_into_the_years_current_run_folder(tmp_path, config):
    run_2023 = _results(tmp_path, config, 2023)
    run_2024 = _results(tmp_path, config, 2024)
    assert params.hand_run_dir(config, 2023, tmp_path) == run_2023.resolve()
    assert params.hand_run_dir(config, 2024, tmp_path) == run_2024.resolve()


def test_hand_run__started_by_start_and_noted_in_the_run_folder(tmp_path, config):
    run = _results(tmp_path, config, 2024)
    for name in ("households", "indicators"):
        pd.DataFrame({"x": [1]}).to_parquet(run / "data" / f"{name}.parquet")
    step = params.start(steps.BUDGET, CONFIG, 2024, "", root=tmp_path, announce=False)
    assert step.by_hand and step.run_dir == run.resolve()
    note = (run / params.HAND_RUNS).read_text(encoding="utf-8")
    assert "04_budget_allocation\tnăm 2024" in note


def test_hand_run__a_year_without_results_is_refused_saying_what_to_run(tmp_path, config):
    _results(tmp_path, config, 2024)
    with pytest.raises(UserError) as err:
        params.hand_run_dir(config, 2023, tmp_path, CONFIG)
    message = str(err.value)
    assert "Chưa có kết quả" in message and "năm 2023" in message
    assert "--year 2023" in message and "config/huong_son.yaml" in message
    assert not params.year_folder(config, 2023, tmp_path).exists()  # nothing half-made


def test_hand_run__refused_while_a_run_of_that_year_holds_the_lock(tmp_path, config):
    _results(tmp_path, config, 2024)
    final = params.year_folder(config, 2024, tmp_path)
    lock = run_folders.acquire_lock(final, "test", command="analysis run --year 2024")
    try:
        with pytest.raises(UserError, match="đang được chạy bởi tiến trình"):
            params.hand_run_dir(config, 2024, tmp_path)
    finally:
        lock.release()
    assert params.hand_run_dir(config, 2024, tmp_path).is_dir()


def test_start__a_run_folder_of_another_year_is_refused(tmp_path, config):
    run_2024 = _results(tmp_path, config, 2024)
    for given in (run_2024, params.year_folder(config, 2024, tmp_path)):
        with pytest.raises(UserError, match="thư mục kết quả năm 2024, không phải năm 2023"):
            params.start(steps.PROFILE, CONFIG, 2023, given, root=tmp_path, announce=False)


def test_start__relative_paths_resolve_from_the_root_wherever_the_kernel_starts(
    tmp_path, monkeypatch, config
):
    monkeypatch.chdir(PROJECT_ROOT / "notebooks")  # where Lab starts a notebook's kernel
    step = params.start(steps.INGEST, "config/huong_son.yaml", 2024, str(tmp_path / "new"),
                        announce=False)  # fmt: skip
    assert step.config_path == CONFIG and step.root == PROJECT_ROOT
    assert step.run_dir == (tmp_path / "new").resolve() and step.run_dir.is_dir()  # 01 makes it
    assert step.district_dir == tmp_path.resolve()
    with pytest.raises(UserError, match="config_path = config/nowhere.yaml"):
        params.start(steps.INGEST, "config/nowhere.yaml", 2024, str(tmp_path / "x"))


def test_start__flags_must_be_true_or_false(tmp_path):
    with pytest.raises(UserError, match="allow_incomplete"):
        params.start(steps.INGEST, CONFIG, 2024, tmp_path / "x", allow_incomplete="yes")


def test_start__the_district_folder_of_a_pipeline_run_folder(tmp_path, config):
    run = _results(tmp_path, config, 2024)
    step = params.start(steps.INGEST, CONFIG, 2024, run, root=tmp_path, announce=False)
    assert step.district_dir == (tmp_path / "outputs" / config.district.slug).resolve()


# ---------------------------------------------------------------- earlier steps
def test_check_ready__names_the_first_missing_step_to_run(tmp_path):
    run = tmp_path / "run"
    (run / "data").mkdir(parents=True)
    with pytest.raises(UserError, match=r"Chạy sổ tay 01_ingest_validate\.ipynb cho năm 2024"):
        steps.check_ready(steps.MAPS, run, 2024)
    for name in ("households", "indicators"):
        pd.DataFrame({"x": [1]}).to_parquet(run / "data" / f"{name}.parquet")
    with pytest.raises(UserError, match="03_targets_forecast") as err:
        steps.check_ready(steps.MAPS, run, 2024)
    assert "bảng đánh giá chỉ tiêu" in str(err.value)
    steps.check_ready(steps.BUDGET, run, 2024)  # 01 and 02 are all the budget needs


def test_steps__the_cycle_runs_in_name_order_and_each_needs_only_earlier_steps():
    assert list(steps.CYCLE) == sorted(steps.CYCLE)
    for i, name in enumerate(steps.CYCLE):
        assert set(steps.STEPS[name].needs) <= set(steps.CYCLE[:i])
    notebooks = sorted(p.stem for p in (PROJECT_ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks == sorted(steps.STEPS)


# ---------------------------------------------------------------- display
def test_preview__scaled_to_a_screen_and_the_same_bytes_each_time(tmp_path):
    from matplotlib.figure import Figure
    from PIL import Image

    fig = Figure(figsize=(11.69, 8.27))
    fig.add_subplot(111).plot([0, 1], [1, 0])
    path = tmp_path / "map.png"
    fig.savefig(path, dpi=300)
    data = display.preview_png(path)
    assert data == display.preview_png(path)
    with Image.open(__import__("io").BytesIO(data)) as img:
        assert img.width == display.PREVIEW_PX and abs(img.height / img.width - 8.27 / 11.69) < 0.01
    image = display.figure_output(path.with_suffix(".svg"))  # the PNG sibling is shown
    assert image.format == "png" and image.width == display.SHOW_PX


def test_finding__a_documents_figure_block_is_shown_as_its_image_and_caption(tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    from analysis.documents import Figure as FigureBlock

    fig = Figure(figsize=(3, 2))
    fig.add_subplot(111).plot([0, 1], [1, 0])
    path = tmp_path / "chart.png"
    fig.savefig(path, dpi=50)
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *items, **kw: shown.extend(items))
    display.Finding("", [FigureBlock(path, "Hộ thoát nghèo theo năm")])._ipython_display_()
    kinds = [type(item).__name__ for item in shown]
    assert kinds == ["Image", "HTML"] and "Hộ thoát nghèo theo năm" in shown[1].data


def test_table__vietnamese_headers_and_number_formats():
    table = display.table_block(
        pd.DataFrame({"commune_name": ["Sơn Kim 1"], "n_poor": [1234], "poor_rate": [0.05123]})
    )
    assert list(table.data.columns) == ["Xã", "Số hộ nghèo", "Tỷ lệ hộ nghèo"]
    assert table.data.iloc[0].tolist() == ["Sơn Kim 1", "1.234", "5,12%"]


def test_table__repeated_headers_of_a_display_table_are_kept():
    df = pd.DataFrame([["Toàn huyện", 0.5, 1234.0]], columns=["Đơn vị", "Giá trị", "Giá trị"])
    table = display.table_block(df)
    assert list(table.data.columns) == ["Đơn vị", "Giá trị", "Giá trị"]
    assert table.data.iloc[0].tolist() == ["Toàn huyện", "0,50", "1.234,00"]


def test_finding__unavailable_is_one_sentence_and_nothing_else():
    finding = display.Finding.unavailable("Không lập được: thiếu danh sách hộ.")
    assert not finding.available and finding.sentences == ["Không lập được: thiếu danh sách hộ."]
    assert not finding.tables and not finding.figures


def test_interactive_map__embedded_whole_in_a_frame(tmp_path):
    page = tmp_path / "map.html"
    page.write_text('<html><body><div id="m">"Sơn Kim"</div></body></html>', encoding="utf-8")
    out = display.interactive_map_output(page).data
    assert out.startswith("<div") and "srcdoc=" in out and "&quot;Sơn Kim&quot;" in out


@pytest.mark.skipif(os.name != "posix", reason="POSIX run folders")
def test_running__no_holder_without_a_live_lock(tmp_path):
    assert run_folders.running(tmp_path / "2024") is None


def test_notebook_imports__top_level_modules_of_the_code_cells(tmp_path):
    import nbformat

    from analysis.workbench.kernel import notebook_imports

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("import khong_phai_ma"),
        nbformat.v4.new_code_cell("from analysis import workbench\nimport pandas as pd"),
        nbformat.v4.new_code_cell("%matplotlib inline"),  # not Python: skipped
        nbformat.v4.new_code_cell("def f():\n    import json\nfrom . import x"),
    ]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    assert notebook_imports(path) == ["analysis", "analysis.workbench", "pandas"]
