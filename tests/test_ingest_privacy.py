import pandas as pd

from analysis.ingest.privacy import load_key, normalize_id, pseudonym, pseudonymize


def test_load_key__env_variable_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("MY_KEY", "secret")
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
    monkeypatch.setenv("K", "a")
    key_a = load_key("K", tmp_path / "x")
    monkeypatch.setenv("K", "b")
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
