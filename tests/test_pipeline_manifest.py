"""The run manifest records the pseudonym key's fingerprint, never the key."""

import json
from datetime import date, datetime

from analysis.config import PROJECT_ROOT, load_config
from analysis.ingest.privacy import key_fingerprint, key_history, key_years_table, load_key
from analysis.pipeline import _write_manifest
from analysis.store import save_table

CONFIG = PROJECT_ROOT / "config" / "huong_son.yaml"


def test_manifest__key_fingerprint_not_the_key(tmp_path, monkeypatch):
    secret = "manifest-test-key-" + "7" * 32
    monkeypatch.setenv("POVERTY_PSEUDONYM_KEY", secret)
    config = load_config(CONFIG)
    config = config.model_copy(
        update={
            "data": config.data.model_copy(
                update={"household_lists": None, "household_totals": None, "summary_tables": None}
            ),
            "boundaries": config.boundaries.model_copy(update={"path": None}),
        }
    )
    key = load_key("POVERTY_PSEUDONYM_KEY", tmp_path / "unused.key")
    work = tmp_path / "huong-son" / "2024"
    save_table(work, "key_years", key_years_table([2023, 2024], key))
    params = {"year": 2024, "allow_incomplete": False, "config_path": str(CONFIG)}
    _write_manifest(
        work, config, CONFIG, params, datetime.now(), ("01_ingest_validate",), date.today()
    )

    text = (work / "manifest.json").read_text(encoding="utf-8")
    manifest = json.loads(text)
    assert (
        manifest["pseudonym_key_fingerprint"] == key_fingerprint(secret.encode()) == key.fingerprint
    )
    assert manifest["pseudonym_key_from_env"] is True
    assert secret not in text and secret.encode().hex() not in text
    # the next run reads it back as the key of the district's 2024 outputs
    assert key_history(tmp_path / "huong-son").to_dict("list") == {
        "year": [2024],
        "fingerprint": [key.fingerprint],
    }
