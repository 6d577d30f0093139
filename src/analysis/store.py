"""Tables handed from one notebook of a run to the next, as parquet in <run dir>/data/."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def table_path(run_dir: str | Path, name: str) -> Path:
    return Path(run_dir) / "data" / f"{name}.parquet"


def save_table(run_dir: str | Path, name: str, df: pd.DataFrame) -> Path:
    path = table_path(run_dir, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_parquet(path, index=False)
    return path


def load_table(run_dir: str | Path, name: str) -> pd.DataFrame:
    path = table_path(run_dir, name)
    if not path.exists():
        raise FileNotFoundError(f"{path}: bảng '{name}' chưa được tạo bởi bước trước của lượt chạy")
    return pd.read_parquet(path)


def load_optional_table(run_dir: str | Path, name: str) -> pd.DataFrame | None:
    """A table an earlier step may legitimately not have produced (e.g. on summary-table input)."""
    path = table_path(run_dir, name)
    return pd.read_parquet(path) if path.exists() else None
