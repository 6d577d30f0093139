"""A notebook's parameters, checked in its first cell.

Every notebook takes `config_path` and `year` (and optional overrides: `run_dir`,
`allow_incomplete`, a step's own). `start` checks them and returns the step's context:

- paths are resolved from the project root (`analysis.project`), wherever the kernel starts;
- `year` must be a year the config covers (its periods, standards and unit ranges);
- the run folder: the one given (`run_dir`, as the pipeline does), else the year's results
  `outputs/<district>/<year>`. A notebook run by hand reads and writes in that year's
  current run folder (the symlink resolved) and nowhere else; it refuses while a run of the
  same district and year is in progress (its lock is live), and when the year has no results
  yet (run the cycle for that year first: a hand run never creates a half-made year folder);
- a given run folder that belongs to another year (its manifest, or its name
  `<year>` / `<year>.runs/<id>`) is refused: a 2023 run never writes into 2024's folder;
- the steps it builds on have run in that folder (`steps.check_ready`);
- a hand run is noted in the run folder (`hand_runs.txt`: time, notebook, year, config), as
  its files no longer all come from the run `manifest.json` describes.

Every refusal is a UserError with a Vietnamese message naming the parameter.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from analysis import preflight, run_folders
from analysis.config import Config, load_config
from analysis.errors import UserError
from analysis.project import find_project_root, resolve
from analysis.workbench.steps import INGEST, STEPS, check_ready

OUTPUTS = "outputs"  # the results root, relative to the project root
_RUNS = re.compile(r"^(\d{4})\.runs$")
_FAILED = re.compile(r"^failed-(\d{4})-")


@dataclass(frozen=True)
class Step:
    """One notebook's checked parameters."""

    name: str
    config: Config
    config_path: Path
    year: int
    run_dir: Path  # where the step reads and writes (absolute)
    root: Path  # the project root
    by_hand: bool  # the run folder was derived from config and year (not given)

    @property
    def district_dir(self) -> Path:
        """`outputs/<district>`: the folder of the district's yearly results."""
        parent = self.run_dir.parent
        return parent.parent if _RUNS.match(parent.name) else parent

    def path(self, path: str | Path) -> Path:
        """A path parameter resolved from the project root (absolute paths kept)."""
        return resolve(path, self.root)

    def rel(self, path: str | Path) -> str:
        """`path` relative to the project root when inside it (for messages)."""
        return _rel(Path(path), self.root)


def check_year(value: object, config: Config) -> int:
    """The `year` parameter as an int inside the config's ranges; UserError otherwise."""
    year = None
    if isinstance(value, int) and not isinstance(value, bool):
        year = value
    elif isinstance(value, float) and value.is_integer():
        year = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        year = int(value.strip())
    if year is None:
        raise UserError(f"Tham số year = {value!r} không hợp lệ: cần một năm, ví dụ 2024.")
    problems = preflight.errors(preflight.check_year(config, year))
    if problems:
        raise UserError(
            f"Tham số year = {year} nằm ngoài các năm của cấu hình {config.source_path.name}:\n"
            # preflight's words are the command line's; here the parameter is `year`
            + "\n".join(f"  - {p['message'].replace(' (tham số --year)', '')}" for p in problems)
        )
    return year


def _check_flag(name: str, value: object) -> None:
    if not isinstance(value, bool):
        raise UserError(f"Tham số {name} = {value!r} không hợp lệ: chỉ nhận True hoặc False.")


def folder_year(path: Path) -> int | None:
    """The year a run folder belongs to: its manifest's, else its name's (`2024`,
    `2024.runs/<id>`, `failed-2024-<time>`); None when it says nothing."""
    manifest = path / run_folders.MANIFEST
    if manifest.is_file():
        try:
            year = json.loads(manifest.read_text(encoding="utf-8")).get("year")
            return int(year)
        except (OSError, ValueError, TypeError, AttributeError):
            pass
    if path.name.isdigit() and len(path.name) == 4:
        return int(path.name)
    for pattern, name in ((_RUNS, path.parent.name), (_FAILED, path.name)):
        if found := pattern.match(name):
            return int(found.group(1))
    return None


def _folder_district(path: Path) -> str | None:
    try:
        return json.loads((path / run_folders.MANIFEST).read_text(encoding="utf-8")).get("district")
    except (OSError, ValueError, AttributeError):
        return None


def year_folder(config: Config, year: int, root: Path) -> Path:
    """`outputs/<district>/<year>` under the project root (the symlink to the current run)."""
    return root / OUTPUTS / config.district.slug / str(year)


def hand_run_dir(config: Config, year: int, root: Path, config_path: Path | None = None) -> Path:
    """The current run folder of `year` (the symlink resolved); UserError while a run of that
    year is in progress or when the year has no results yet."""
    final = year_folder(config, year, root)
    what = f"{config.district.type} {config.district.name} năm {year}"
    holder = run_folders.running(final)
    if holder is not None:
        raise UserError(
            f"{what} đang được chạy bởi {holder}. Chờ lần chạy đó xong rồi chạy lại sổ tay "
            f"(sổ tay chạy tay ghi vào thư mục kết quả của năm, không ghi cùng lúc với một lần "
            f"chạy)."
        )
    if final.is_dir():  # the symlink to the current run, or a folder of the earlier layout
        return final.resolve()
    cfg = _rel(config_path or config.source_path, root)
    raise UserError(
        f"Chưa có kết quả {what} ({_rel(final, root)}): sổ tay chạy tay chỉ ghi vào thư mục kết "
        f"quả đã có của năm đó. Chạy cả chu trình cho năm {year} trước: python -m analysis run "
        f"--config {cfg} --year {year} (hoặc make run CONFIG={cfg} YEAR={year}), rồi chạy lại sổ "
        f"tay; hoặc đặt tham số run_dir là một thư mục mới."
    )


def _rel(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def _given_run_dir(value: str | Path, config: Config, year: int, root: Path, step: str) -> Path:
    path = resolve(value, root)
    if path.exists() and not path.is_dir():
        raise UserError(f"Tham số run_dir = {value}: {path} là một tệp, không phải thư mục.")
    found = folder_year(path.resolve()) if path.exists() else folder_year(path)
    if found is None and path.is_symlink():
        found = folder_year(path)
    if found is not None and found != year:
        raise UserError(
            f"Tham số run_dir = {value} là thư mục kết quả năm {found}, không phải năm {year} "
            f"(tham số year): một năm không ghi vào thư mục của năm khác. Bỏ trống run_dir để "
            f"dùng thư mục kết quả năm {year}, hoặc chọn thư mục của đúng năm."
        )
    district = _folder_district(path) if path.is_dir() else None
    if district is not None and district != config.district.slug:
        raise UserError(
            f"Tham số run_dir = {value} là thư mục kết quả của {district}, không phải của "
            f"{config.district.slug} (cấu hình {config.source_path.name})."
        )
    if not path.exists():
        if step != INGEST:  # the steps after 01 say which step to run first (check_ready)
            return path
        path.mkdir(parents=True)
    return path.resolve()


def start(
    step: str,
    config_path: str | Path,
    year: object,
    run_dir: str | Path | None = "",
    allow_incomplete: object = False,
    root: Path | None = None,
    announce: bool = True,
) -> Step:
    """Check a notebook's parameters (first cell); see the module's docstring. In a notebook,
    a user's mistake (UserError) from here on shows as its message, without a traceback.
    `announce`: say when the data are synthetic and where a hand run writes (not in the
    briefing, whose every output is the document)."""
    if step not in STEPS:
        raise ValueError(step)
    _short_user_errors()
    root = root or find_project_root()
    if not config_path:
        raise UserError("Tham số config_path trống: cần tệp cấu hình của huyện, ví dụ "
                        "config/huong_son.yaml.")  # fmt: skip
    path = resolve(config_path, root)
    if not path.is_file():
        raise UserError(
            f"Tham số config_path = {config_path}: không tìm thấy tệp cấu hình {path} "
            f"(đường dẫn tính từ thư mục gốc của dự án {root})."
        )
    config = load_config(path)
    year = check_year(year, config)
    _check_flag("allow_incomplete", allow_incomplete)
    by_hand = not run_dir
    folder = (
        hand_run_dir(config, year, root, path)
        if by_hand
        else _given_run_dir(run_dir, config, year, root, step)
    )
    check_ready(step, folder, year)
    found = Step(step, config, path, year, folder, root, by_hand)
    if by_hand:
        _log_hand_run(found)
    if announce:
        _announce(found)
    return found


HAND_RUNS = "hand_runs.txt"  # in a run folder: the notebooks run by hand on it, for auditors


def _log_hand_run(step: Step) -> None:
    """Note in the run folder that a notebook changed it after its run (manifest.json
    describes the run, not what was redone by hand since)."""
    from datetime import datetime

    line = (
        f"{datetime.now():%Y-%m-%d %H:%M:%S}\t{step.name}\tnăm {step.year}\t"
        f"{step.rel(step.config_path)}\n"
    )
    with open(step.run_dir / HAND_RUNS, "a", encoding="utf-8") as f:
        f.write(line)


def _announce(step: Step) -> None:
    """Say, at the top of the notebook, when its data are synthetic and where a hand run
    reads and writes."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return
    if get_ipython() is None:
        return
    from analysis.documents import show_data_note
    from analysis.workbench.display import show_text

    show_data_note(step.config)
    if step.by_hand:
        show_text(
            f"Chạy tay cho năm {step.year}: đọc và ghi trong thư mục kết quả "
            f"{step.rel(year_folder(step.config, step.year, step.root))} (lượt chạy "
            f"{step.run_dir.name}), không ghi nơi nào khác."
        )


def _short_user_errors() -> None:
    """In an IPython kernel, show a UserError as its message only (the cell still fails, with
    the error's name and message, as papermill and the pipeline read them)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return
    shell = get_ipython()
    if shell is None or UserError in (shell.custom_exceptions or ()):
        return

    def handler(shell, etype, value, tb, tb_offset=None):
        stb = [f"{etype.__name__}: {value}"]
        shell._showtraceback(etype, value, stb)
        return stb

    shell.set_custom_exc((UserError,), handler)
