"""Progress bars: silent in tests and in the notebooks a run executes, shown otherwise once a
step has taken a few seconds."""

from __future__ import annotations

import io
import os

from analysis import progress


def test_progress__silent_under_pytest_and_in_a_run_s_notebooks(monkeypatch):
    assert "PYTEST_CURRENT_TEST" in os.environ and not progress.enabled_here()
    assert progress.bar(range(3)).disable
    monkeypatch.delenv("PYTEST_CURRENT_TEST")
    assert progress.enabled_here() and not progress.bar(range(3)).disable
    with progress.quiet_children():
        assert os.environ[progress.ENV] == "0" and not progress.enabled_here()
    assert progress.ENV not in os.environ and progress.enabled_here()
    assert progress.bar(range(3), enabled=False).disable


def test_progress__a_bar_appears_only_after_its_delay(monkeypatch):
    monkeypatch.delenv("PYTEST_CURRENT_TEST")
    out = io.StringIO()
    with progress.bar(total=2, desc="Đọc", delay=0, file=out) as shown:
        shown.update(2)
    assert "Đọc" in out.getvalue()
    quiet = io.StringIO()
    with progress.bar(total=2, desc="Nhanh", file=quiet) as quick:
        quick.update(2)
    assert quiet.getvalue() == ""  # done before the 2-second delay: nothing shown
