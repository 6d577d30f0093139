"""A second district, written from scratch: Mèo Vạc (Hà Giang), Northern Midlands and Mountains.

Its config has its own target ids (MT1, MT2.a …), its own plan values and allocation
criteria, and a synthetic sample of only two review years built from the unit registry.
The preflight check (analysis.preflight) passes on it and fails clearly on broken variants;
the whole cycle runs on it and says what needs a longer history.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from tests.districts import sample_config, write_config

from analysis.config import PROJECT_ROOT, load_config
from analysis.errors import UserError
from analysis.ingest import read_review
from analysis.pipeline import run_cycle
from analysis.preflight import check_config, errors, require_ok
from analysis.registry import build_registry, registry_for
from analysis.synthetic import write_sample

CONFIG = PROJECT_ROOT / "config" / "meo_vac.yaml"
SHORT_HISTORY = "cần số liệu rà soát của ít nhất 3 năm"


def _raw() -> dict:
    return yaml.safe_load(CONFIG.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> dict:
    """The Mèo Vạc config pointing at its sample (two review years, 3,000 households)."""
    root = tmp_path_factory.mktemp("meo_vac")
    raw = _raw()
    raw["data"]["household_lists"] = str(root / "sample" / "lists")
    raw["data"]["household_totals"] = str(root / "sample" / "tong_so_ho.xlsx")
    path = write_config(raw, root / "meo_vac.yaml")
    config = load_config(path)
    write_sample(config, root / "sample")
    return {"root": root, "raw": raw, "path": path, "config": config}


def _variant(district: dict, name: str, change) -> object:
    raw = json.loads(json.dumps(district["raw"]))
    change(raw)
    return load_config(write_config(raw, district["root"] / f"{name}.yaml"))


# ------------------------------------------------------------------ config and registry
def test_config__loads_with_its_own_target_ids_region_and_units():
    config = load_config(CONFIG)
    assert config.district.region == "northern_midlands_mountains"
    ids = [t.id for t in config.targets]
    assert ids[:3] == ["MT1", "MT2.a", "MT2.b"] and not {"T1", "T2", "T3"} & set(ids)
    assert config.sample.last_year - config.sample.first_year == 1  # two review years
    registry = registry_for(config)
    assert len(registry.codes(2024)) == 18 and registry.names(2024)["00769"] == "Mèo Vạc"
    assert set(config.allocation.remote_communes) <= set(registry.codes(2024))


@pytest.mark.parametrize(
    ("province", "name"),
    [
        ("Hà Giang", "Mèo Vạc"),
        ("Tỉnh Hà Giang", "huyện mèo vạc"),
        ("Thanh Hoá", "Huyện Thiệu Hoá"),  # old tone placement, registry writes "Hóa"
        ("Thanh Hóa", "Thiệu Hóa"),
        ("Hoà Bình", "Thành phố Hòa Bình"),
    ],
)
def test_registry__district_names_match_without_unit_type_and_with_either_tone_placement(
    province, name
):
    assert len(build_registry(province, name).codes(2024)) > 0


def test_registry__unknown_district_is_a_user_error_with_the_closest_names():
    with pytest.raises(UserError, match=r"Tên gần nhất: Huyện Mèo Vạc"):
        build_registry("Hà Giang", "Mèo Vac")
    with pytest.raises(UserError, match=r"Huyện Kỳ Anh, Thị xã Kỳ Anh"):
        build_registry("Hà Tĩnh", "Kỳ Anh")  # ambiguous without the unit type


def test_config__unknown_region_lists_the_allowed_values_in_vietnamese(tmp_path):
    raw = _raw()
    raw["district"]["region"] = "northwest"
    with pytest.raises(UserError) as err:
        load_config(write_config(raw, tmp_path / "bad.yaml"))
    text = str(err.value)
    assert "district.region" in text and "northwest" in text
    assert "Trung du và miền núi phía Bắc" in text and "mekong_delta" in text


# ------------------------------------------------------------------ synthetic sample
def test_sample__built_from_the_registry_with_the_regions_profile(district):
    root, config = district["root"], district["config"]
    truth = pd.read_csv(root / "sample" / "truth.csv", dtype={"commune_code": str})
    assert sorted(truth["year"].unique()) == [2021, 2022]
    assert set(truth["commune_code"]) == set(registry_for(config).codes(2024))
    year = truth.groupby("year")[["n_poor", "n_households"]].sum()
    rate = year["n_poor"] / year["n_households"]
    assert ((rate > 0.25) & (rate < 0.6)).all(), rate  # a poor mountain district
    assert rate[2022] < rate[2021]
    readme = (root / "sample" / "README.txt").read_text(encoding="utf-8")
    assert "Mèo Vạc" in readme and "sample_regions.csv" in readme and "Hương Sơn" not in readme


# ------------------------------------------------------------------ preflight
def test_preflight__passes_on_its_sample(district):
    problems = check_config(district["config"])
    assert not errors(problems), problems


def test_preflight__unknown_metric_lists_the_known_ones(district):
    def change(raw):
        raw["targets"][0]["metric"] = "poor_rate_fall"

    found = errors(check_config(_variant(district, "metric", change), data=False))
    assert len(found) == 1
    assert "targets[0] (MT1)" in found[0]["message"] and "poor_rate_fall" in found[0]["message"]
    assert "count_ratio_to_baseline" in found[0]["message"]


def test_preflight__unknown_allocation_criterion_lists_the_known_ones(district):
    def change(raw):
        raw["allocation"]["criteria"][0]["name"] = "n_poor_children"

    found = errors(check_config(_variant(district, "criterion", change), data=False))
    assert len(found) == 1 and "n_poor_children" in found[0]["message"]
    assert "n_poor_ethnic_minority" in found[0]["message"]


def test_preflight__missing_baseline_year_names_it_and_the_years_present(district):
    def change(raw):
        raw["periods"]["baseline_year"] = 2020

    found = errors(check_config(_variant(district, "baseline", change)))
    assert any(
        "periods.baseline_year" in p["message"]
        and "2020" in p["message"]
        and "2021, 2022" in p["message"]
        for p in found
    ), found


def test_preflight__missing_commune_names_year_and_commune(district, tmp_path):
    lists = tmp_path / "lists"
    shutil.copytree(district["root"] / "sample" / "lists", lists)
    (dropped,) = (lists / "2022").glob("00793_*.xlsx")  # Sơn Vĩ
    dropped.unlink()

    def change(raw):
        raw["data"]["household_lists"] = str(lists)

    config = _variant(district, "commune", change)
    found = errors(check_config(config))
    assert any("Năm 2022" in p["message"] and "Sơn Vĩ (00793)" in p["message"] for p in found)
    assert any("--allow-incomplete" in p["message"] for p in found)
    require_ok(config)  # a commune with a total and no list is left to the ingest step, which
    with pytest.raises(UserError, match=r"00793 \(Sơn Vĩ\)"):  # stops unless allowed
        read_review(config, for_run=True)


def test_preflight__unreadable_boundary_file(district, tmp_path):
    bad = tmp_path / "ranh_gioi.geojson"
    bad.write_text("không phải geojson", encoding="utf-8")

    def change(raw):
        raw["boundaries"]["path"] = str(bad)

    found = errors(check_config(_variant(district, "boundary", change), data=False))
    assert len(found) == 1 and "ranh_gioi.geojson" in found[0]["message"]


def test_validate_cli__config_without_path_runs_the_preflight(district):
    from typer.testing import CliRunner

    from analysis.cli import app

    ok = CliRunner().invoke(app, ["validate", "--config", str(district["path"])])
    assert ok.exit_code == 0 and "ĐẠT" in ok.output, ok.output

    def change(raw):
        raw["targets"][1]["metric"] = "unknown_metric"

    broken = district["root"] / "broken.yaml"
    raw = json.loads(json.dumps(district["raw"]))
    change(raw)
    write_config(raw, broken)
    bad = CliRunner().invoke(app, ["validate", "--config", str(broken)])
    assert bad.exit_code == 1 and "KHÔNG ĐẠT" in bad.output and "unknown_metric" in bad.output


def test_run__preflight_errors_stop_before_the_first_notebook(district, tmp_path):
    def change(raw):
        raw["targets"][0]["metric"] = "poor_rate_fall"

    _variant(district, "stop", change)
    with pytest.raises(UserError, match="poor_rate_fall") as err:
        run_cycle(district["root"] / "stop.yaml", 2022, out_root=tmp_path, progress=False)
    assert "Bước" not in str(err.value)  # not a notebook failure
    assert not (tmp_path / "meo-vac").exists() or not any((tmp_path / "meo-vac").iterdir())


# ------------------------------------------------------------------ end to end
def _docx_text(path: Path) -> str:
    import html

    with zipfile.ZipFile(path) as z:
        return html.unescape(z.read("word/document.xml").decode("utf-8"))


def _outputs_text(notebook: Path) -> str:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            parts.append("".join(out.get("text", "")))
            parts += ["".join(v) for k, v in out.get("data", {}).items() if k.startswith("text/")]
    return "\n".join(parts)


@pytest.mark.e2e
def test_run__second_district_on_two_review_years(district, tmp_path):
    final = run_cycle(district["path"], 2022, out_root=tmp_path, progress=False)

    assert final == tmp_path / "meo-vac" / "2022"
    for name in ("briefing.docx", "briefing.pdf", "bang_theo_doi_chi_tieu_2022.xlsx"):
        assert (final / name).stat().st_size > 0, name
    briefing = _docx_text(final / "briefing.docx")
    assert SHORT_HISTORY in briefing and "2 năm (2021, 2022)" in briefing
    assert "Mèo Vạc" in briefing and "Hương Sơn" not in briefing
    # the targets without a forecast are read from the scorecard, by their own words (the
    # ids, internal codes, stay out of the text); nothing of Hương Sơn's targets
    assert "giảm bình quân 4–5 điểm phần trăm" in briefing and "Giảm 40% số hộ nghèo" in briefing
    assert not re.search(r"\bM?T\d", briefing)
    scorecard = pd.read_parquet(final / "data" / "scorecard.parquet")
    assert {"MT1", "MT2.a", "MT2.b", "MT3", "MT4", "MT5"} <= set(scorecard["target_id"])
    mt1 = scorecard[(scorecard["target_id"] == "MT1") & (scorecard["level"] == "district")]
    assert mt1["value"].notna().all() and len(mt1) == 1  # the 2022 fall from 2021
    nb03 = _outputs_text(final / "notebooks" / "03_targets_forecast.ipynb")
    assert SHORT_HISTORY in nb03 and "NaN" not in nb03
    assert "không có chỉ tiêu về tỷ lệ nghèo đa chiều của từng xã" in nb03  # metric omitted
    assert not (final / "chi_tieu_giam_ngheo_2023.xlsx").exists()  # proposals need a forecast


@pytest.mark.e2e
def test_run__huong_son_in_its_first_sample_year_finishes_and_says_what_is_missing(tmp_path):
    raw = sample_config(tmp_path)
    path = write_config(raw, tmp_path / "huong_son.yaml")
    first = raw["sample"]["first_year"]
    final = run_cycle(path, first, out_root=tmp_path / "out", progress=False)
    briefing = _docx_text(final / "briefing.docx")
    assert SHORT_HISTORY in briefing and f"1 năm ({first})" in briefing
    nb02 = _outputs_text(final / "notebooks" / "02_poverty_profile.ipynb")
    assert "Thay đổi qua các năm cần số liệu rà soát của ít nhất 2 năm" in nb02
    assert "kỳ rà soát đầu tiên" in nb02  # flows between reviews


def test_preflight__broken_envelope_file_is_an_error_naming_file_and_envelope(district, tmp_path):
    env = yaml.safe_load(
        (PROJECT_ROOT / "data/reference/allocation_envelopes_sample.yaml").read_text()
    )
    assert not errors(check_config(load_config(PROJECT_ROOT / "config/huong_son.yaml"), data=False))
    env["envelopes"][1]["criteria"] = [{"name": "so_ho_ngheo", "weight": 1}]
    path = tmp_path / "envelopes.yaml"
    path.write_text(yaml.safe_dump(env, allow_unicode=True), encoding="utf-8")
    raw = yaml.safe_load((PROJECT_ROOT / "config/huong_son.yaml").read_text(encoding="utf-8"))
    raw["allocation"]["envelope_file"] = str(path)
    cfg_path = tmp_path / "c.yaml"
    cfg_path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    found = errors(check_config(load_config(cfg_path), data=False))
    assert len(found) == 1
    message = found[0]["message"]
    assert str(path) in message and "so_ho_ngheo" in message and "dự án 3.1" in message
    path.write_text("envelopes: [\n", encoding="utf-8")
    found = errors(check_config(load_config(cfg_path), data=False))
    assert "YAML không hợp lệ" in found[0]["message"]
