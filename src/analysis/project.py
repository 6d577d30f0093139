"""The project's root folder, wherever a process (a notebook kernel, a script) starts.

JupyterLab starts a notebook's kernel in the notebook's folder (`notebooks/`), papermill in
the folder it is given, a user's shell anywhere: relative paths such as
`config/huong_son.yaml` or `outputs/` are resolved from the root, never from the current
folder. The root is the nearest folder, from the current one upwards, holding the
`pyproject.toml` of this package; failing that, the one above the package's own source.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from analysis.errors import UserError

PACKAGE = "analysis"  # [project] name in pyproject.toml


def _is_root(folder: Path) -> bool:
    marker = folder / "pyproject.toml"
    if not marker.is_file():
        return False
    try:
        data = tomllib.loads(marker.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return data.get("project", {}).get("name") == PACKAGE


def _walk_up(start: Path) -> Path | None:
    start = start.resolve()
    for folder in (start, *start.parents):
        if _is_root(folder):
            return folder
    return None


def find_project_root(start: str | Path | None = None) -> Path:
    """The project root: from `start` (default: the current folder) upwards, else from this
    package's source upwards; UserError when neither is inside the project."""
    here = Path(start) if start is not None else Path.cwd()
    found = _walk_up(here) or _walk_up(Path(__file__).parent)
    if found is None:
        raise UserError(
            f"Không tìm thấy thư mục gốc của dự án (thư mục có tệp pyproject.toml của gói "
            f"'{PACKAGE}') từ {here} trở lên. Mở sổ tay từ trong thư mục dự án."
        )
    return found


def resolve(path: str | Path, root: Path) -> Path:
    """`path` made absolute against `root` (absolute paths are kept)."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else root / p
