"""A run reads its inputs once (the preflight's review handed to notebook 01) and runs the
notebooks that read none of each other's results side by side."""

import os
import threading
import time

import pandas as pd
import pytest

from analysis import pipeline
from analysis.config import PROJECT_ROOT, load_config
from analysis.workbench import review_cache
from analysis.workbench import steps as S

CONFIG = PROJECT_ROOT / "config" / "huong_son.yaml"


def test_step_groups__budget_beside_targets_only():
    assert pipeline.step_groups(S.CYCLE) == [
        (S.INGEST,), (S.PROFILE,), (S.TARGETS, S.BUDGET), (S.MAPS,), (S.BRIEFING,)
    ]  # fmt: skip
    # unknown steps (tests' fakes) and a step reading the one before run alone
    assert pipeline.step_groups(("01_fake", "02_fake")) == [("01_fake",), ("02_fake",)]
    assert pipeline.step_groups((S.PROFILE, S.TARGETS)) == [(S.PROFILE,), (S.TARGETS,)]


def test_run_group__side_by_side_timed_and_first_failure_raised(tmp_path):
    timings = pipeline.StepTimings()
    running, overlap = set(), []
    cwd = os.getcwd()

    def run(name: str) -> None:
        running.add(name)
        time.sleep(0.3)
        overlap.append(set(running))
        running.discard(name)
        if name == "b":
            raise ValueError("b failed")

    with pytest.raises(ValueError, match="b failed"):
        pipeline._run_group(("a", "b"), run, tmp_path, timings)
    assert {"a", "b"} in overlap  # they ran at the same time
    assert sorted(s["step"] for s in timings.record()) == ["a", "b"]
    assert all(s["seconds"] >= 0.25 and s["cpu_seconds"] >= 0 for s in timings.record())
    assert os.getcwd() == cwd
    assert not [t for t in threading.enumerate() if t.name.startswith("step-")]  # joined


def _lists_config(tmp_path):
    lists = tmp_path / "lists"
    lists.mkdir()
    pd.DataFrame({"a": [1]}).to_csv(lists / "xa_a.csv", index=False)
    config = load_config(CONFIG)
    data = config.data.model_copy(
        update={"household_lists": lists, "household_totals": None, "summary_tables": None}
    )
    return config.model_copy(update={"data": data}), lists


def test_review_cache__taken_once_when_unchanged(tmp_path, monkeypatch):
    monkeypatch.setenv("POVERTY_PSEUDONYM_KEY", "k" * 40)
    config, _ = _lists_config(tmp_path)
    run = tmp_path / "run"
    run.mkdir()
    review = {"households": pd.DataFrame({"x": [1, 2]})}
    assert review_cache.save(review, config, run) == run / review_cache.CACHE_FILE
    taken = review_cache.take(config, run)
    assert taken["households"].equals(review["households"])
    assert not (run / review_cache.CACHE_FILE).exists()  # removed once taken
    assert review_cache.take(config, run) is None


@pytest.mark.parametrize("change", ["input", "key"])
def test_review_cache__not_taken_after_a_change(tmp_path, monkeypatch, change):
    monkeypatch.setenv("POVERTY_PSEUDONYM_KEY", "k" * 40)
    config, lists = _lists_config(tmp_path)
    run = tmp_path / "run"
    run.mkdir()
    review_cache.save({"x": 1}, config, run)
    if change == "input":
        (lists / "xa_a.csv").write_text("a\n2\n", encoding="utf-8")
    else:
        monkeypatch.setenv("POVERTY_PSEUDONYM_KEY", "j" * 40)
    assert review_cache.take(config, run) is None
    assert not (run / review_cache.CACHE_FILE).exists()
