"""Faults around a run: the lock, the atomic switch and its recovery, clean-up, file-system
errors, early checks. The notebooks are replaced by a fast fake step (`_execute`), except
where a test says otherwise; kills are real SIGKILLs of a child process."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import papermill as pm
import pytest
import yaml
from tests.districts import write_config

from analysis import pipeline, run_folders
from analysis.config import PROJECT_ROOT, load_config
from analysis.errors import FileSystemError, UserError
from analysis.pipeline import RunFailed, StepFailure, run_cycle
from analysis.run_folders import RunLocked

FAKE_NOTEBOOKS = ("01_fake", "02_fake")
REAL_EXECUTE = pipeline._execute


def _raw() -> dict:
    return yaml.safe_load((PROJECT_ROOT / "config" / "huong_son.yaml").read_text("utf-8"))


@pytest.fixture
def district(tmp_path, monkeypatch) -> dict:
    """A config whose data checks are skipped, and a fake step writing the run's label."""
    raw = _raw()
    raw["data"].update(synthetic=False, household_lists=str(tmp_path / "lists"))
    raw["data"]["household_totals"] = None
    config_path = write_config(raw, tmp_path / "district.yaml")
    monkeypatch.setattr(pipeline.preflight, "require_ok", lambda config, year=None: [])
    state = {"label": "run1"}

    def fake_execute(name, work, params, final):
        (work / "briefing.html").write_text(state["label"], encoding="utf-8")
        (work / f"{name}.txt").write_text(name, encoding="utf-8")

    monkeypatch.setattr(pipeline, "_execute", fake_execute)
    out = tmp_path / "outputs"

    def run(label: str, **kw) -> Path:
        state["label"] = label
        return run_cycle(config_path, 2024, out_root=out, notebooks=FAKE_NOTEBOOKS,
                         progress=False, **kw)  # fmt: skip

    return {"config_path": config_path, "out": out, "final": out / "huong-son" / "2024",
            "run": run, "state": state}  # fmt: skip


def _briefing(final: Path) -> str:
    return (final / "briefing.html").read_text(encoding="utf-8")


def _leftovers(parent: Path) -> list[str]:
    """Everything under the district folder that is not the results or kept failures."""
    out = [p.name for p in parent.iterdir() if p.name not in ("2024", "2024.runs")]
    out = [n for n in out if not n.startswith("failed-")]
    runs = parent / "2024.runs"
    current = Path(os.readlink(parent / "2024")).name if (parent / "2024").is_symlink() else None
    out += [f"2024.runs/{p.name}" for p in runs.iterdir() if p.name != current]
    return out


# ------------------------------------------------------------------ the switch
def test_run__results_behind_a_symlink_replaced_by_each_run(district):
    final = district["run"]("run1")
    assert final == district["final"] and final.is_symlink()
    assert _briefing(final) == "run1" and (final / "manifest.json").is_file()
    first = final.resolve()
    district["run"]("run2")
    assert _briefing(final) == "run2"
    assert not first.exists(), "the replaced results were not removed"
    assert _leftovers(final.parent) == []  # no lock, no temporary link, no other run folder


def test_run__exception_inside_the_switch_keeps_the_previous_results(district, monkeypatch):
    final = district["run"]("run1")
    real = os.replace

    def broken(src, dst):
        if Path(dst) == final:
            raise KeyboardInterrupt  # stopped exactly between building and switching
        real(src, dst)

    monkeypatch.setattr(run_folders.os, "replace", broken)
    with pytest.raises(KeyboardInterrupt):
        district["run"]("run2")
    assert _briefing(final) == "run1"
    assert not run_folders.lock_path(final).exists(), "the lock outlived the interrupted run"
    monkeypatch.setattr(run_folders.os, "replace", real)
    district["run"]("run3")
    assert _briefing(final) == "run3" and _leftovers(final.parent) == []


_KILLER = """
import os, signal, sys
from pathlib import Path
from analysis import pipeline, run_folders
pipeline.preflight.require_ok = lambda config, year=None: []
def fake(name, work, params, final):
    (work / "briefing.html").write_text("killed-run", encoding="utf-8")
pipeline._execute = fake
final = Path(sys.argv[2]) / "huong-son" / "2024"
real_replace, real_exchange = os.replace, run_folders._exchange
def kill_at(dst):
    if Path(dst) == final:
        os.kill(os.getpid(), signal.SIGKILL)
def replace(src, dst):
    if sys.argv[3] == "switch":
        kill_at(dst)
    return real_replace(src, dst)
def exchange(a, b):
    if sys.argv[3] == "migrate":
        kill_at(b)
    return real_exchange(a, b)
run_folders.os.replace = replace
run_folders._exchange = exchange
pipeline.run_cycle(sys.argv[1], 2024, out_root=Path(sys.argv[2]), notebooks=("01_fake",),
                   progress=False)
"""


def _killed_run(district, where: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PROJECT_ROOT / "src"), *sys.path])}
    script = district["out"].parent / "killer.py"
    script.write_text(textwrap.dedent(_KILLER), encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(script), str(district["config_path"]), str(district["out"]), where],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip


def test_run__sigkill_during_the_switch_keeps_previous_results_and_next_run_cleans_up(
    district, capsys
):
    final = district["run"]("run1")
    killed = _killed_run(district, "switch")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert _briefing(final) == "run1"  # readers still see complete results
    assert run_folders.lock_path(final).exists()  # the dead run's lock, left behind
    assert _leftovers(final.parent)  # its temporary link and unswitched run folder
    district["run"]("run3")
    assert "được thay bằng khóa của lần chạy này" in capsys.readouterr().err
    assert _briefing(final) == "run3" and _leftovers(final.parent) == []


def test_run__folder_of_the_earlier_layout_is_migrated_without_a_gap(district):
    final = district["final"]
    final.mkdir(parents=True)
    (final / "briefing.html").write_text("legacy", encoding="utf-8")
    (final / "manifest.json").write_text("{}", encoding="utf-8")
    killed = _killed_run(district, "migrate")  # killed at the swap of folder and symlink
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert final.is_dir() and not final.is_symlink() and _briefing(final) == "legacy"
    district["run"]("run2")
    assert final.is_symlink() and _briefing(final) == "run2" and _leftovers(final.parent) == []


def test_run__interrupted_switch_is_recovered_at_the_next_start(district, capsys, monkeypatch):
    final = district["run"]("run1")
    complete = final.resolve()
    final.unlink()  # killed after the old link went and before the new one came (two renames)
    district["state"]["label"] = "run2"
    monkeypatch.setattr(pipeline, "_execute", _failing("ValueError: hỏng"))
    with pytest.raises(RunFailed):
        district["run"]("run2")
    assert "đã khôi phục" in capsys.readouterr().err
    assert final.resolve() == complete and _briefing(final) == "run1"


def test_run__results_left_by_the_earlier_two_rename_scheme_are_recovered(district, capsys):
    parent = district["final"].parent
    old = parent / ".2024.old-1a2b3c4d"  # the earlier version killed between its renames
    old.mkdir(parents=True)
    (old / "briefing.html").write_text("before", encoding="utf-8")
    (old / "manifest.json").write_text("{}", encoding="utf-8")
    partial = parent / ".2024.tmp-5e6f7a8b"
    partial.mkdir()
    run_folders.recover(district["final"])
    assert _briefing(district["final"]) == "before"
    assert "Đã xóa 1 thư mục chạy dở" in " ".join(run_folders.clean(district["final"]))
    assert not partial.exists() and not old.exists() and _leftovers(parent) == []


# ------------------------------------------------------------------ the lock
def test_lock__second_run_of_the_same_year_stops_naming_the_holder(district):
    final = district["run"]("run1")
    lock = run_folders.acquire_lock(final, "Huyện Hương Sơn năm 2024", command="analysis run X")
    try:
        with pytest.raises(RunLocked) as err:
            district["run"]("run2")
    finally:
        lock.release()
    message = str(err.value)
    assert f"tiến trình {os.getpid()}" in message and socket.gethostname() in message
    assert "analysis run X" in message and "Huyện Hương Sơn năm 2024" in message
    assert str(run_folders.lock_path(final)) in message
    assert _briefing(final) == "run1"
    assert not run_folders.lock_path(final).exists()


def test_lock__held_on_another_machine_is_not_taken_over(district):
    path = run_folders.lock_path(district["final"])
    path.parent.mkdir(parents=True)
    holder = {"pid": 1, "host": "may-khac", "started": "2026-01-01T08:00:00", "command": "x"}
    path.write_text(json.dumps(holder), encoding="utf-8")
    with pytest.raises(RunLocked, match="máy may-khac"):
        district["run"]("run1")
    assert json.loads(path.read_text(encoding="utf-8")) == holder


def test_lock__dead_process_lock_is_taken_over_with_a_warning(district, capsys):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    path = run_folders.lock_path(district["final"])
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"pid": dead.pid, "host": socket.gethostname(),
                                "started": "2026-01-01T08:00:00", "command": "cũ"}))  # fmt: skip
    final = district["run"]("run1")
    err = capsys.readouterr().err
    assert "Cảnh báo" in err and f"tiến trình {dead.pid}" in err
    assert _briefing(final) == "run1" and not path.exists()


def test_lock__empty_lock_file_of_a_crashed_start_is_taken_over_only_when_old(district):
    path = run_folders.lock_path(district["final"])
    path.parent.mkdir(parents=True)
    path.write_text("", encoding="utf-8")
    with pytest.raises(RunLocked):  # may be a run writing its lock right now
        district["run"]("run1")
    old = time.time() - 2 * run_folders.STALE_EMPTY_LOCK_SECONDS
    os.utime(path, (old, old))
    assert _briefing(district["run"]("run1")) == "run1"


def test_lock__released_on_keyboard_interrupt_and_partial_folder_removed(district, monkeypatch):
    final = district["run"]("run1")

    def interrupted(name, work, params, final):
        (work / "half.txt").write_text("x", encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "_execute", interrupted)
    with pytest.raises(KeyboardInterrupt):
        district["run"]("run2")
    assert not run_folders.lock_path(final).exists()
    assert _briefing(final) == "run1" and _leftovers(final.parent) == []


# ------------------------------------------------------------------ failed runs
def _failing(error: str):
    def fail(name, work, params, final):
        (work / "half.txt").write_text("x", encoding="utf-8")
        raise pipeline._StepError(StepFailure(name, 7, error))

    return fail


def test_failed_runs__kept_with_error_txt_and_pruned_to_the_last_three(district, monkeypatch):
    final = district["run"]("run1")
    for i in range(5):
        monkeypatch.setattr(pipeline, "_execute", _failing(f"ValueError: lỗi số {i}"))
        with pytest.raises(RunFailed) as err:
            district["run"](f"fail{i}")
        assert "01_fake" in str(err.value) and "ERROR.txt" in str(err.value)
    failed = sorted(final.parent.glob("failed-2024-*"))
    assert len(failed) == run_folders.KEEP_FAILED == 3
    errors = sorted((f / "ERROR.txt").read_text(encoding="utf-8") for f in failed)
    assert [e for e in errors if "lỗi số 2" in e] and [e for e in errors if "lỗi số 4" in e]
    assert not [e for e in errors if "lỗi số 0" in e or "lỗi số 1" in e]  # the oldest went
    assert all((f / "half.txt").exists() for f in failed)
    assert _briefing(final) == "run1" and _leftovers(final.parent) == []


def test_failed_step_with_a_file_system_error_names_the_path(district, monkeypatch):
    final = district["run"]("run1")

    def papermill_fails(*args, **kwargs):
        raise pm.PapermillExecutionError(
            cell_index=3, exec_count=4, source="", ename="PermissionError",
            evalue="[Errno 13] Permission denied: '/srv/du_lieu/tong_so_ho.xlsx'", traceback=[],
        )  # fmt: skip

    monkeypatch.setattr(pipeline, "_execute", REAL_EXECUTE)
    monkeypatch.setattr(pipeline.pm, "execute_notebook", papermill_fails)
    with pytest.raises(RunFailed) as err:
        district["run"]("run2")
    message = str(err.value)
    assert "/srv/du_lieu/tong_so_ho.xlsx" in message and "không có quyền" in message
    assert "01_fake" in message and "ô mã số 4" in message
    assert _briefing(final) == "run1"


def test_disk_full_inside_a_step_removes_the_partial_folder(district, monkeypatch):
    final = district["run"]("run1")

    def papermill_fails(*args, **kwargs):
        raise pm.PapermillExecutionError(
            cell_index=3, exec_count=4, source="", ename="OSError",
            evalue="[Errno 28] No space left on device", traceback=[],
        )  # fmt: skip

    monkeypatch.setattr(pipeline, "_execute", REAL_EXECUTE)
    monkeypatch.setattr(pipeline.pm, "execute_notebook", papermill_fails)
    with pytest.raises(RunFailed) as err:
        district["run"]("run2")
    assert "Ổ đĩa đầy" in str(err.value) and "đã được xóa" in str(err.value)
    assert not list(final.parent.glob("failed-*")) and _leftovers(final.parent) == []
    assert _briefing(final) == "run1"


# ------------------------------------------------------------------ file-system errors
def test_disk_full_while_writing_removes_the_partial_folder_and_names_it(district, monkeypatch):
    final = district["run"]("run1")

    def full(path, text):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(run_folders, "write_atomic", full)
    with pytest.raises(FileSystemError) as err:
        district["run"]("run2")
    message = str(err.value)
    assert "ổ đĩa đầy" in message and "2024.runs" in message and "đã được xóa" in message
    assert not list(final.parent.glob("failed-*")) and _leftovers(final.parent) == []
    assert _briefing(final) == "run1"


def test_permission_error_on_the_lock_is_a_message_naming_the_path(district, monkeypatch):
    lock = run_folders.lock_path(district["final"])

    def denied(path, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(run_folders.os, "open", denied)
    with pytest.raises(FileSystemError) as err:
        district["run"]("run1")
    assert str(lock) in str(err.value) and "không có quyền" in str(err.value)


@pytest.mark.parametrize(
    ("exc", "words"),
    [
        (PermissionError(errno.EACCES, "Permission denied", "/srv/ds/xa.xlsx"), "không có quyền"),
        (OSError(errno.EROFS, "Read-only file system", "/srv/ds/xa.xlsx"), "chỉ cho đọc"),
        (OSError(errno.ENOSPC, "No space left on device", "/srv/ds/xa.xlsx"), "ổ đĩa đầy"),
        (OSError(errno.EIO, "Input/output error", "/srv/ds/xa.xlsx"), "lỗi đọc/ghi"),
    ],
)
def test_cli__file_system_errors_are_messages_with_the_path(monkeypatch, capsys, exc, words):
    from analysis import cli
    from analysis.ingest import review

    def fails(path, config):
        raise exc

    monkeypatch.setattr(review, "validate_path", fails)
    monkeypatch.setattr("analysis.ingest.validate_path", fails)
    monkeypatch.setattr(sys, "argv", ["analysis", "validate", "/srv/ds"])
    with pytest.raises(SystemExit) as code:
        cli.main()
    err = capsys.readouterr().err
    assert code.value.code == 2 and "/srv/ds/xa.xlsx" in err and words in err
    assert "Traceback" not in err


def test_cli__os_error_without_a_path_names_the_given_argument(monkeypatch, capsys):
    from analysis import cli

    def fails(path, config):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("analysis.ingest.inspect.inspect_file", fails)
    monkeypatch.setattr(sys, "argv", ["analysis", "inspect", "/srv/ds/xa.csv"])
    with pytest.raises(SystemExit) as code:
        cli.main()
    err = capsys.readouterr().err
    assert code.value.code == 2 and "/srv/ds/xa.csv" in err and "ổ đĩa đầy" in err


# ------------------------------------------------------------------ early checks
@pytest.fixture(scope="module")
def two_years(tmp_path_factory) -> dict:
    """A tiny real sample with lists for 2021 and 2022 only."""
    from analysis.synthetic import write_sample

    root = tmp_path_factory.mktemp("two_years")
    raw = _raw()
    raw["data"]["household_lists"] = str(root / "sample" / "lists")
    raw["data"]["household_totals"] = str(root / "sample" / "tong_so_ho.xlsx")
    raw["sample"].update(households=300, last_year=2022)
    path = write_config(raw, root / "hai_nam.yaml")
    write_sample(load_config(path), root / "sample", households=300)
    return {"root": root, "raw": raw, "path": path}


def test_preflight__run_year_without_data_stops_before_the_first_notebook(two_years, tmp_path,
                                                                          monkeypatch):  # fmt: skip
    def never(*args):
        raise AssertionError("a notebook ran")

    monkeypatch.setattr(pipeline, "_execute", never)
    with pytest.raises(UserError) as err:
        run_cycle(two_years["path"], 2023, out_root=tmp_path, progress=False)
    message = str(err.value)
    assert "Năm chạy 2023" in message and "--year" in message and "hai_nam.yaml" in message
    assert "data.household_lists" in message and "2021, 2022" in message
    assert not (tmp_path / "huong-son").exists()  # nothing left behind: no lock, no folder


def test_preflight__year_outside_the_configured_ranges_names_the_keys(two_years):
    from analysis.preflight import check_year, errors

    config = load_config(two_years["path"])
    found = " ".join(p["message"] for p in errors(check_year(config, 2015)))
    assert "'standards'" in found and "'units'" in found and "2016–2020" in found
    assert "periods.baseline_year" in found and "2015" in found and "hai_nam.yaml" in found
    assert not errors(check_year(config, 2022))


def test_config__unknown_map_scheme_names_value_key_and_file(tmp_path):
    raw = _raw()
    raw["maps"]["scheme"] = "jenks"
    with pytest.raises(UserError) as err:
        load_config(write_config(raw, tmp_path / "ban_do.yaml"))
    message = str(err.value)
    assert "ban_do.yaml" in message and "maps.scheme" in message and "'jenks'" in message
    assert "natural_breaks" in message and "Input should" not in message


def _boundary_file(tmp_path: Path) -> Path:
    from analysis.geography import schematic_boundaries
    from analysis.registry import registry_for

    config = load_config(PROJECT_ROOT / "config" / "huong_son.yaml")
    gdf = schematic_boundaries(registry_for(config), 2025).rename(columns={"code": "MA_XA"})
    path = tmp_path / "xa_2025.geojson"
    gdf[["MA_XA", "geometry"]].to_file(path, driver="GeoJSON")
    return path


def test_preflight__boundary_field_missing_and_file_missing_name_value_key_and_file(tmp_path):
    from analysis.preflight import check_boundaries, errors

    raw = _raw()
    raw["boundaries"].update(path=str(_boundary_file(tmp_path)), code_field="MA_DVHC")
    found = errors(check_boundaries(load_config(write_config(raw, tmp_path / "rg.yaml"))))
    assert len(found) == 1 and "boundaries.code_field" in found[0]["message"]
    assert "MA_DVHC" in found[0]["message"] and "MA_XA" in found[0]["message"]
    assert "xa_2025.geojson" in found[0]["message"] and "rg.yaml" in found[0]["message"]
    raw["boundaries"].update(path="khong_co.shp", code_field=None)
    found = errors(check_boundaries(load_config(write_config(raw, tmp_path / "rg.yaml"))))
    assert len(found) == 1 and "khong_co.shp" in found[0]["message"]
    assert "boundaries.path" in found[0]["message"] and "rg.yaml" in found[0]["message"]
    raw["boundaries"]["path"] = str(tmp_path)  # a folder, not a file
    found = errors(check_boundaries(load_config(write_config(raw, tmp_path / "rg.yaml"))))
    assert len(found) == 1 and "boundaries.path" in found[0]["message"]


def test_manifest__records_the_boundary_file_sha256(district, tmp_path):
    shp = _boundary_file(tmp_path)
    raw = yaml.safe_load(district["config_path"].read_text(encoding="utf-8"))
    raw["boundaries"].update(path=str(shp), code_field="MA_XA")
    write_config(raw, district["config_path"])
    final = district["run"]("run1")
    manifest = json.loads((final / "manifest.json").read_text(encoding="utf-8"))
    digest = hashlib.sha256(shp.read_bytes()).hexdigest()
    assert manifest["boundaries"]["sha256"] == digest and manifest["boundaries"]["vintage"] == 2025
    assert {"path": shp.name, "sha256": digest, "bytes": shp.stat().st_size} in manifest["inputs"]


def test_validate_cli__year_option_checks_the_run_year(two_years):
    from typer.testing import CliRunner

    from analysis.cli import app

    args = ["validate", "--config", str(two_years["path"])]
    ok = CliRunner().invoke(app, [*args, "--year", "2022"])
    assert "Năm chạy" not in ok.output and "Traceback" not in ok.output, ok.output
    bad = CliRunner().invoke(app, [*args, "--year", "2024"])
    assert bad.exit_code == 1 and "Năm chạy 2024" in bad.output and "2021, 2022" in bad.output


_TERMINATED = """
import sys, time
from pathlib import Path
from analysis import pipeline
pipeline.preflight.require_ok = lambda config, year=None: []
def slow(name, work, params, final):
    (work / "half.txt").write_text("x", encoding="utf-8")
    Path(sys.argv[3]).write_text("started", encoding="utf-8")
    time.sleep(60)
pipeline._execute = slow
pipeline.run_cycle(sys.argv[1], 2024, out_root=Path(sys.argv[2]), notebooks=("01_fake",),
                   progress=False)
"""


def test_run__sigterm_releases_the_lock_and_removes_the_partial_folder(district):
    final = district["run"]("run1")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PROJECT_ROOT / "src"), *sys.path])}
    script = district["out"].parent / "terminated.py"
    script.write_text(textwrap.dedent(_TERMINATED), encoding="utf-8")
    started = district["out"].parent / "started"
    child = subprocess.Popen(
        [sys.executable, str(script), str(district["config_path"]), str(district["out"]),
         str(started)], stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    deadline = time.time() + 60
    while not started.exists() and time.time() < deadline and child.poll() is None:
        time.sleep(0.1)
    assert started.exists(), child.stderr.read() if child.poll() is not None else "no start"
    assert run_folders.lock_path(final).exists()
    child.send_signal(signal.SIGTERM)
    assert child.wait(timeout=30) == 128 + signal.SIGTERM
    assert not run_folders.lock_path(final).exists()
    assert _briefing(final) == "run1" and _leftovers(final.parent) == []


# ------------------------------------------------------------------ the timing record
def test_manifest__times_each_step_in_run_order(district):
    final = district["run"]("run1")
    timings = json.loads((final / "manifest.json").read_text(encoding="utf-8"))["timings"]
    steps = [t["step"] for t in timings]
    assert steps == ["preflight", *FAKE_NOTEBOOKS, "html"]  # no briefing: no PDF, no factsheets
    starts = [t["start"] for t in timings]
    assert starts == sorted(starts)
    assert all(t["seconds"] >= 0 and t["cpu_seconds"] >= 0 for t in timings)
