"""The review the run's preflight read, handed to notebook 01 so the inputs are read once.

The preflight (`analysis.preflight`) reads every input to check the config against its data
(`analysis.ingest.collect_review`); notebook 01 then reads them again, the same way. A run
keeps the preflight's review in its run folder (`save`), with a fingerprint of everything the
reading depends on: the input files (path, size, SHA-256), the config file, the pseudonym key
(its environment variable, else the machine key file; hashed, never stored), the language.
Notebook 01 takes it (`take`) when the fingerprint still matches, else reads the inputs
itself; the file is removed once taken, and by the run after the notebooks, so it is never
among the results. The review is the same object the reading would give (pickled), so the
outputs are the same bytes either way.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from analysis.reproducible import file_sha256

CACHE_FILE = ".preflight_review.pickle"  # in the run folder, removed before the results switch


def fingerprint(config) -> str:
    """SHA-256 over what `collect_review(config)` reads besides the code."""
    from analysis import i18n
    from analysis.config import PROJECT_ROOT
    from analysis.ingest.privacy import MACHINE_KEY_FILE

    h = hashlib.sha256()

    def add(*parts: object) -> None:
        for part in parts:
            h.update(str(part).encode("utf-8") + b"\0")

    if config.source_path is not None and Path(config.source_path).is_file():
        add("config", file_sha256(Path(config.source_path)))
    add("model", config.model_dump_json(exclude={"source_path"}))
    add("language", os.environ.get(i18n.LANGUAGE_ENV, ""))
    for key in ("household_lists", "household_totals", "summary_tables"):
        path = config.resolve(getattr(config.data, key))
        add(key, path)
        if path is None or not path.exists():
            continue
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            add(f, f.stat().st_size, file_sha256(f))
    secret = os.environ.get(config.data.pseudonym_key_env, "")
    add("key-env", hashlib.sha256(secret.encode("utf-8")).hexdigest())
    machine = PROJECT_ROOT / MACHINE_KEY_FILE
    add("key-file", file_sha256(machine) if not secret and machine.is_file() else "")
    return h.hexdigest()


def save(review, config, run_dir: str | Path) -> Path | None:
    """Keep `review` (the preflight's) in the run folder with its fingerprint; None when there
    is nothing to keep. A failure to write is not the run's: 01 then reads the inputs."""
    if review is None:
        return None
    path = Path(run_dir) / CACHE_FILE
    try:
        # household rows (pseudonymised, but microdata): readable by the run's owner only
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as f:
            pickle.dump((fingerprint(config), review), f, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError:
        discard(run_dir)
        return None
    return path


def take(config, run_dir: str | Path):
    """The review kept by the run's preflight when the inputs, config and key are unchanged
    (the file is removed in any case); None otherwise."""
    path = Path(run_dir) / CACHE_FILE
    if not path.is_file():
        return None
    try:
        with path.open("rb") as f:
            kept, review = pickle.load(f)
    except Exception:  # a broken file: read the inputs
        return None
    finally:
        discard(run_dir)
    return review if kept == fingerprint(config) else None


def discard(run_dir: str | Path) -> None:
    Path(run_dir, CACHE_FILE).unlink(missing_ok=True)
