import json
import multiprocessing
import os
import stat
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis.errors import UserError
from analysis.ingest.privacy import (
    MIN_KEY_CHARS,
    describe_key_change,
    key_breaks,
    key_changes,
    key_fingerprint,
    key_history,
    load_key,
    normalize_id,
    pseudonym,
    pseudonymize,
)

LONG_A = "a" * MIN_KEY_CHARS
LONG_B = "b" * MIN_KEY_CHARS


def test_load_key__env_variable_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("MY_KEY", "s" * 40)
    key = load_key("MY_KEY", tmp_path / "k")
    assert key.source == "env" and not key.warning and not (tmp_path / "k").exists()


def test_load_key__machine_key_created_once_and_warned(tmp_path, monkeypatch):
    monkeypatch.delenv("MY_KEY", raising=False)
    first = load_key("MY_KEY", tmp_path / "interim" / "pseudonym.key")
    second = load_key("MY_KEY", tmp_path / "interim" / "pseudonym.key")
    assert first.secret == second.secret and len(first.secret) == 64
    assert "Chưa đặt biến môi trường MY_KEY" in first.warning
    assert oct((tmp_path / "interim" / "pseudonym.key").stat().st_mode)[-3:] == "600"


def test_normalize_id__digits_only():
    assert normalize_id(" 042 074.626985 ") == "042074626985"
    assert normalize_id(42074626985.0) == normalize_id("042074626985") == "042074626985"
    assert normalize_id(None) is None and normalize_id("") is None


def test_pseudonymize__keyed_stable_and_drops_personal_columns(monkeypatch, tmp_path):
    monkeypatch.setenv("K", LONG_A)
    key_a = load_key("K", tmp_path / "x")
    monkeypatch.setenv("K", LONG_B)
    key_b = load_key("K", tmp_path / "x")
    frame = pd.DataFrame(
        {
            "household_id": ["1", "2", "3"],
            "head_name": ["A", "B", "C"],
            "head_id_number": ["042 1", "0421", None],
        }  # fmt: skip
    )
    out = pseudonymize(frame, key_a)
    assert list(out.columns) == ["household_id", "head_key"]
    assert out["head_key"][0] == out["head_key"][1] == pseudonym("0421", key_a)
    assert pd.isna(out["head_key"][2])
    assert pseudonym("0421", key_a) != pseudonym("0421", key_b)


def _race(path: str, env_name: str, start, out) -> None:
    os.environ.pop(env_name, None)
    start.wait()
    key = load_key(env_name, Path(path))
    out.put(key.secret.decode("ascii"))


def test_load_key__concurrent_creators_end_with_the_same_private_key(tmp_path, monkeypatch):
    monkeypatch.delenv("RACE_KEY", raising=False)
    old_umask = os.umask(0o000)  # the file must be 0600 whatever the umask
    try:
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        for attempt in range(3):
            path = tmp_path / f"r{attempt}" / "pseudonym.key"
            start, out = ctx.Event(), ctx.Queue()
            procs = [
                ctx.Process(target=_race, args=(str(path), "RACE_KEY", start, out))
                for _ in range(2)
            ]
            for p in procs:
                p.start()
            time.sleep(0.3)
            start.set()
            keys = [out.get(timeout=60) for _ in procs]
            for p in procs:
                p.join(timeout=60)
                assert p.exitcode == 0
            assert keys[0] == keys[1] and len(keys[0]) >= MIN_KEY_CHARS
            assert path.read_text(encoding="ascii").strip() == keys[0]
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
            assert [f.name for f in path.parent.iterdir()] == ["pseudonym.key"]  # no temp left
    finally:
        os.umask(old_umask)


def _aged(path, text: str):
    path.write_text(text, encoding="ascii")
    old = time.time() - 60
    os.utime(path, (old, old))
    return path


@pytest.mark.parametrize(("text", "says"), [("", "rỗng"), ("abc\n", r"quá ngắn \(3 ký tự")])
def test_load_key__empty_or_short_key_file_is_an_error_not_replaced(
    tmp_path, monkeypatch, text, says
):
    monkeypatch.delenv("MY_KEY", raising=False)
    path = _aged(tmp_path / "pseudonym.key", text)
    with pytest.raises(UserError, match=says) as err:
        load_key("MY_KEY", path)
    assert "Không tự tạo khóa mới" in str(err.value)
    assert path.read_text(encoding="ascii") == text  # left as found


def test_load_key__unreadable_key_file_is_an_error(tmp_path, monkeypatch):
    monkeypatch.delenv("MY_KEY", raising=False)
    path = tmp_path / "pseudonym.key"
    path.write_bytes(b"\xff" * 64)
    os.utime(path, (time.time() - 60, time.time() - 60))
    with pytest.raises(UserError, match="không phải một khóa"):
        load_key("MY_KEY", path)
    path.unlink()
    path.mkdir()  # a folder where the file should be: reading fails
    with pytest.raises(UserError, match="Không đọc được tệp khóa"):
        load_key("MY_KEY", path)


def test_load_key__wide_permissions_fixed_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.delenv("MY_KEY", raising=False)
    path = _aged(tmp_path / "pseudonym.key", "k" * 64)
    path.chmod(0o644)
    key = load_key("MY_KEY", path)
    assert "quyền 0644" in key.warning and "0600" in key.warning
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "quyền" not in load_key("MY_KEY", path).warning


def test_load_key__short_env_key_refused_with_how_to_make_one(monkeypatch, tmp_path):
    monkeypatch.setenv("MY_KEY", "x")
    with pytest.raises(UserError, match="quá ngắn") as err:
        load_key("MY_KEY", tmp_path / "k")
    assert "secrets.token_urlsafe(32)" in str(err.value) and "MY_KEY" in str(err.value)
    assert not (tmp_path / "k").exists()


def test_key_fingerprint__stable_short_and_not_the_key():
    fp = key_fingerprint(LONG_A.encode())
    assert fp == key_fingerprint(LONG_A.encode()) != key_fingerprint(LONG_B.encode())
    assert len(fp) == 16 and int(fp, 16) >= 0
    assert fp not in LONG_A.encode().hex() and fp not in LONG_A


def test_key_history__reads_manifests_and_names_changed_years(tmp_path):
    for year, fp in ((2022, "aaaa"), (2023, "bbbb")):
        (tmp_path / str(year)).mkdir()
        manifest = {"year": year, "pseudonym_key_fingerprint": fp}
        (tmp_path / str(year) / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / "failed-2024-x").mkdir()
    (tmp_path / "failed-2024-x" / "manifest.json").write_text("{}")
    (tmp_path / "2021").mkdir()
    (tmp_path / "2021" / "manifest.json").write_text("not json")
    history = key_history(tmp_path)
    assert history.to_dict("list") == {"year": [2022, 2023], "fingerprint": ["aaaa", "bbbb"]}
    changes = key_changes(history, "bbbb")
    assert changes["year"].tolist() == [2022]
    text = describe_key_change(changes, "bbbb")
    assert "năm 2022" in text and "không nối được" in text and "aaaa" in text
    assert describe_key_change(key_changes(history, "cccc").iloc[:0], "cccc") == ""
    assert key_history(tmp_path / "none").empty


def test_key_breaks__years_whose_previous_year_used_another_key():
    table = pd.DataFrame({"year": [2021, 2022, 2023, 2025], "fingerprint": list("aabb")})
    assert key_breaks(table) == [2023]
