"""Small sample districts for the end-to-end tests: a config copy pointing at a temporary sample."""

from __future__ import annotations

from pathlib import Path

import yaml

from analysis.config import PROJECT_ROOT, load_config
from analysis.synthetic import write_sample

HOUSEHOLDS = 4000


def sample_config(root: Path, households: int = HOUSEHOLDS) -> dict:
    """The sample config (as a dict) with its data in `root`/sample; the sample is written there."""
    raw = yaml.safe_load((PROJECT_ROOT / "config" / "huong_son.yaml").read_text(encoding="utf-8"))
    raw["data"]["household_lists"] = str(root / "sample" / "lists")
    raw["data"]["household_totals"] = str(root / "sample" / "tong_so_ho.xlsx")
    raw["sample"]["households"] = households
    path = write_config(raw, root / "sample.yaml")
    write_sample(load_config(path), root / "sample", households=households)
    return raw


def write_config(raw: dict, path: Path) -> Path:
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path
