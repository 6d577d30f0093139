from pathlib import Path

import pytest

from analysis.config import load_config
from analysis.errors import UserError

CONFIG = Path(__file__).resolve().parents[1] / "config" / "huong_son.yaml"


def test_load_config__sample_district_parses():
    cfg = load_config(CONFIG)
    assert cfg.district.slug == "huong-son"
    assert cfg.periods.baseline_year == 2021
    assert cfg.standard_for(2026) == "vn-2022-2025"
    assert cfg.vintage_for(2024) == 2024 and cfg.vintage_for(2025) == 2025
    assert {t.id for t in cfg.targets} >= {"T1", "T2", "T3", "T4"}


def test_load_config__unknown_key_names_key_and_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        CONFIG.read_text(encoding="utf-8").replace(
            "slug: huong-son", "slug: huong-son\n  colour: red"
        ),
        encoding="utf-8",
    )
    with pytest.raises(UserError) as err:
        load_config(bad)
    assert "district.colour" in str(err.value) and str(bad) in str(err.value)


def test_load_config__missing_key_is_named(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        CONFIG.read_text(encoding="utf-8").replace("  baseline_year: 2021", ""), encoding="utf-8"
    )
    with pytest.raises(UserError, match=r"periods\.baseline_year"):
        load_config(bad)


def test_load_config__invalid_yaml_names_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("district: [unclosed\n", encoding="utf-8")
    with pytest.raises(UserError, match="dòng"):
        load_config(bad)


def test_load_config__missing_file():
    with pytest.raises(UserError, match="Không tìm thấy"):
        load_config("no/such/file.yaml")
