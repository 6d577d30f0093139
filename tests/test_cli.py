import subprocess
import sys

from analysis.cli import full_dictionary_markdown
from analysis.config import PROJECT_ROOT


def test_data_dictionary_doc_is_generated_from_the_schema():
    doc = (PROJECT_ROOT / "docs" / "DATA_DICTIONARY.md").read_text(encoding="utf-8")
    assert doc == full_dictionary_markdown(), (
        "regenerate: python -m analysis dictionary > docs/DATA_DICTIONARY.md"
    )


def _cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args], capture_output=True, text=True, cwd=PROJECT_ROOT
    )


def test_cli__bad_config_is_a_message_not_a_traceback():
    out = _cli("run", "--config", "no/such.yaml", "--year", "2024")
    assert out.returncode == 2
    assert "Không tìm thấy tệp cấu hình" in out.stderr and "Traceback" not in out.stderr


def test_cli__missing_option_is_a_usage_message():
    out = _cli("run")
    assert out.returncode != 0 and "Traceback" not in out.stderr and "--year" in out.stderr


def _sample_config(tmp_path, **data):
    import yaml

    raw = yaml.safe_load((PROJECT_ROOT / "config" / "huong_son.yaml").read_text(encoding="utf-8"))
    raw["data"].update({k: str(v) if hasattr(v, "parts") else v for k, v in data.items()})
    path = tmp_path / "district.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_cli_sample__refuses_a_real_data_config(tmp_path):
    cfg = _sample_config(tmp_path, synthetic=False, household_lists=tmp_path / "s" / "lists")
    out = _cli("sample", "--config", str(cfg), "--force", "--households", "300")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "data.synthetic: false" in out.stderr and not (tmp_path / "s").exists()


def test_cli_sample__refuses_raw_data_folder(tmp_path):
    raw = PROJECT_ROOT / "data" / "raw"
    existed = raw.exists()
    before = sorted(raw.rglob("*")) if existed else None
    cfg = _sample_config(tmp_path, household_lists="data/raw/lists")
    out = _cli("sample", "--config", str(cfg), "--force", "--households", "300")
    assert out.returncode == 2 and "Không tạo dữ liệu mẫu" in out.stderr
    assert raw.exists() == existed and (sorted(raw.rglob("*")) if existed else None) == before


def test_cli_sample__refuses_a_folder_holding_other_files_and_regenerates_its_own(tmp_path):
    folder = tmp_path / "mau"
    (folder / "lists").mkdir(parents=True)
    (folder / "lists" / "xa_a.xlsx").write_bytes(b"real list")
    cfg = _sample_config(tmp_path, household_lists=folder / "lists")
    out = _cli("sample", "--config", str(cfg), "--force", "--households", "300")
    assert out.returncode == 2 and "lists/xa_a.xlsx" in out.stderr
    assert (folder / "lists" / "xa_a.xlsx").read_bytes() == b"real list"
    (folder / "lists" / "xa_a.xlsx").unlink()
    for _ in range(2):  # first generation, then regeneration over its own files
        out = _cli("sample", "--config", str(cfg), "--force", "--households", "300")
        assert out.returncode == 0, out.stderr
    assert (folder / "README.txt").exists() and (folder / "tong_so_ho.xlsx").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["district.yaml", "mau"]


def test_cli__run_passes_the_scenario_to_the_budget_notebook(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    import analysis.pipeline
    from analysis.cli import app

    seen = {}

    def fake_run_cycle(config, year, **kwargs):
        seen.update(kwargs, year=year)
        return tmp_path

    monkeypatch.setattr(analysis.pipeline, "run_cycle", fake_run_cycle)
    result = CliRunner().invoke(
        app, ["run", "--year", "2024", "--scenario", "theo-muc-do-thieu-hut"]
    )
    assert result.exit_code == 0, result.output
    assert seen["budget"] == {"scenario": "theo-muc-do-thieu-hut"} and seen["year"] == 2024
