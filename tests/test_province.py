"""Many districts in one command: a province config with two tiny synthetic districts (one
by its own config, one named in the province config), run in two worker processes, each
into its own folder, then the province roll-up. The notebooks are the three the roll-up
reads (ingest, profile, targets), to keep the test short."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest
import yaml
from tests.districts import sample_config, write_config

from analysis.config import PROJECT_ROOT
from analysis.errors import UserError
from analysis.scale.province import load_run_set, run_province

NOTEBOOKS = ("01_ingest_validate", "02_poverty_profile", "03_targets_forecast")


def _province(tmp_path, households: int = 400, sample: bool = True) -> tuple[dict, object]:
    if sample:
        raw = sample_config(tmp_path, households=households)
    else:
        raw = yaml.safe_load((PROJECT_ROOT / "config" / "huong_son.yaml").read_text("utf-8"))
    template = write_config(raw, tmp_path / "huong_son.yaml")
    province = {
        "province": {"slug": "ha-tinh", "name": "Hà Tĩnh", "code": "42"},
        "template": str(template),
        "data_root": str(tmp_path / "data"),
        "households": households,
        "districts": [
            str(template),
            {"slug": "vu-quang", "name": "Vũ Quang", "district_code": "441",
             "legacy_district_name": "Huyện Vũ Quang"},
        ],
    }  # fmt: skip
    return province, write_config(province, tmp_path / "ha_tinh.yaml")


@pytest.mark.e2e
def test_province__two_districts_in_one_command_each_in_its_folder_then_the_roll_up(tmp_path):
    _, path = _province(tmp_path)
    runs, final = run_province([path], 2024, workers=2, out_root=tmp_path / "out",
                               progress=False, notebooks=NOTEBOOKS)  # fmt: skip
    assert [r.slug for r in runs] == ["huong-son", "vu-quang"] and not any(r.error for r in runs)
    for r in runs:
        assert r.final == tmp_path / "out" / r.slug / "2024" and r.final.is_symlink()
        assert (r.final / "data" / "indicators.parquet").is_file()
    assert final == tmp_path / "out" / "ha-tinh" / "2024" and final.is_symlink()
    districts = pd.read_parquet(final / "data" / "districts.parquet")
    province = pd.read_parquet(final / "data" / "province.parquet")
    communes = pd.read_parquet(final / "data" / "communes.parquet")
    this = districts[districts["year"] == 2024]
    total = province.set_index("year").loc[2024]
    assert set(this["district_name"]) == {"Huyện Hương Sơn", "Huyện Vũ Quang"}
    assert total["n_poor"] == this["n_poor"].sum() > 0
    assert total["n_households"] == this["n_households"].sum()
    assert total["poor_rate"] == pytest.approx(total["n_poor"] / total["n_households"])
    these = communes[communes["year"] == 2024]
    assert these["n_poor"].sum() == total["n_poor"] and len(these) == 22 + 10
    book = openpyxl.load_workbook(final / "bang_tong_hop_tinh_2024.xlsx")
    rows = [r for r in book["Huyện"].iter_rows(min_row=4, values_only=True)]
    assert [r[0] for r in rows] == ["Huyện Hương Sơn", "Huyện Vũ Quang", "Tỉnh Hà Tĩnh"]
    assert rows[-1][2] == total["n_poor"]
    card = openpyxl.load_workbook(final / "bang_theo_doi_chi_tieu_tinh_2024.xlsx")["Chỉ tiêu"]
    header = [c.value for c in card[3]]
    assert header[2:] == ["Huyện Hương Sơn", "Huyện Vũ Quang"] and card.cell(4, 1).value == "T1"
    assert (final / "maps" / "ban_do_ty_le_ho_ngheo_2024.png").stat().st_size > 50_000
    manifest = json.loads((final / "manifest.json").read_text(encoding="utf-8"))
    assert [d["slug"] for d in manifest["districts"]] == ["huong-son", "vu-quang"]
    assert manifest["synthetic_data"] is True


def test_province__named_districts_get_their_own_config_and_sample(tmp_path):
    spec, path = _province(tmp_path, households=300, sample=False)
    run_set = load_run_set([path])
    assert run_set.province.slug == "ha-tinh" and len(run_set.configs) == 2
    derived = run_set.configs[1]
    assert derived == tmp_path / "data" / "province_ha-tinh" / "vu-quang.yaml"
    from analysis.config import load_config

    config = load_config(derived)
    assert config.district.name == "Vũ Quang" and config.sample.households == 300
    assert (
        config.data.household_lists == tmp_path / "data" / "province_ha-tinh" / "vu-quang" / "lists"
    )
    assert all(not t.verified and "Mục tiêu mẫu" in t.source for t in config.targets)
    assert config.allocation.remote_communes == []
    before = derived.stat().st_mtime_ns
    load_run_set([path])
    assert derived.stat().st_mtime_ns == before  # unchanged: not rewritten
    spec["districts"][1]["template_typo"] = 1
    with pytest.raises(UserError, match="cấu hình tỉnh không hợp lệ"):
        load_run_set([write_config(spec, tmp_path / "bad.yaml")])
    with pytest.raises(UserError, match="chạy một mình"):
        load_run_set([path, run_set.configs[0]])


def test_cli__several_configs_go_to_the_province_run_one_keeps_the_district_run(
    monkeypatch, tmp_path
):
    from typer.testing import CliRunner

    import analysis.pipeline
    import analysis.scale.province
    from analysis.cli import app

    seen = {}

    def fake_province(configs, year, **kwargs):
        seen["province"] = (list(map(str, configs)), year, kwargs["workers"])
        return [], tmp_path / "ha-tinh" / "2024"

    def fake_cycle(config, year, **kwargs):
        seen["district"] = (str(config), year)
        return tmp_path / "huong-son" / "2024"

    monkeypatch.setattr(analysis.scale.province, "run_province", fake_province)
    monkeypatch.setattr(analysis.pipeline, "run_cycle", fake_cycle)
    runner = CliRunner()
    out = runner.invoke(app, ["run", "-c", "config/huong_son.yaml", "-c", "config/meo_vac.yaml",
                              "--year", "2024", "--workers", "2"])  # fmt: skip
    assert out.exit_code == 0, out.output
    assert seen["province"] == (["config/huong_son.yaml", "config/meo_vac.yaml"], 2024, 2)
    assert "district" not in seen
    out = runner.invoke(app, ["run", "-c", "config/huong_son.yaml", "--year", "2024"])
    assert out.exit_code == 0 and seen["district"] == ("config/huong_son.yaml", 2024)


def test_province__districts_on_a_dask_scheduler_report_their_errors(tmp_path, monkeypatch):
    """The Dask path of `run --scheduler`: each district is a task on the cluster; a district
    whose lists are missing comes back with its error, named, and no roll-up is built."""
    from dask.distributed import LocalCluster

    from analysis import progress

    monkeypatch.setenv(progress.ENV, "1")  # restored after the in-process worker sets it
    raw = yaml.safe_load((PROJECT_ROOT / "config" / "huong_son.yaml").read_text("utf-8"))
    raw["data"].update(synthetic=False, household_lists=str(tmp_path / "none"))
    config = write_config(raw, tmp_path / "huong_son.yaml")
    failed = r"1/1 huyện chạy không thành công:\n  - huong-son: "
    with (
        LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster,
        pytest.raises(UserError, match=failed),
    ):
        run_province([config], 2024, scheduler=cluster.scheduler_address,
                     out_root=tmp_path / "out", progress=False)  # fmt: skip
    assert not (tmp_path / "out" / "ha-tinh").exists()


def test_province__a_named_district_overrides_some_template_settings(tmp_path):
    from analysis.config import load_config
    from analysis.scale.province import merge

    spec, _ = _province(tmp_path, households=300, sample=False)
    spec["districts"][1]["overrides"] = {
        "targets": {"T1": {"low": 0.2, "high": 0.4}},
        "allocation": {"envelope_file": None, "total_million_vnd": 900,
                       "criteria": [{"name": "n_poor", "weight": 1.0}]},
    }  # fmt: skip
    config = load_config(load_run_set([write_config(spec, tmp_path / "p.yaml")]).configs[1])
    t1, t2 = config.target("T1"), config.target("T2")
    assert (t1.low, t1.high, t2.high) == (0.2, 0.4, 0.5) and not t1.verified
    assert config.allocation.envelope_file is None and config.allocation.total_million_vnd == 900
    assert config.allocation.sources  # the rest of the template's section is kept
    with pytest.raises(UserError, match="không có chỉ tiêu T99"):
        merge([{"id": "T1"}], {"T99": {"low": 1}})


def test_province__quang_ninh_lists_its_13_districts_each_unit_once(tmp_path):
    """config/quang_ninh.yaml: the province's 13 district-level units (171 communes in the
    registry), the province's region on each, the small districts' own allocation."""
    from analysis.config import load_config
    from analysis.registry import registry_for

    raw = yaml.safe_load((PROJECT_ROOT / "config" / "quang_ninh.yaml").read_text("utf-8"))
    raw.update(template=str(PROJECT_ROOT / raw["template"]), data_root=str(tmp_path / "data"))
    run_set = load_run_set([write_config(raw, tmp_path / "quang_ninh.yaml")])
    assert run_set.province.name == "Quảng Ninh" and len(run_set.configs) == 13
    configs = [load_config(c) for c in run_set.configs]
    assert {c.district.province for c in configs} == {"Quảng Ninh"}
    assert {c.district.region for c in configs} == {"red_river_delta"}
    assert len({c.data.household_lists for c in configs}) == 13
    assert all(c.sample.pressure == [] for c in configs)  # the template's communes only
    codes = [code for c in configs for code in registry_for(c).codes(2024)]
    assert len(codes) == len(set(codes)) == 171
    small = {c.district.slug for c in configs if c.allocation.envelope_file is None}
    assert small == {"binh-lieu", "ba-che", "co-to"}


def test_province__a_wrong_region_is_the_district_config_error(tmp_path):
    spec, _ = _province(tmp_path, households=300, sample=False)
    spec["province"]["region"] = "north_central_coast"
    with pytest.raises(UserError, match="region"):
        load_run_set([write_config(spec, tmp_path / "p.yaml")])
