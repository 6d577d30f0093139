"""Run the annual cycle: execute the notebooks in order with papermill.

A run builds everything in a temporary folder next to its destination and moves
it into place only when every step succeeded, so a failed run leaves the
previous results intact and says which notebook and cell failed. Every run
leaves a manifest: config, input hashes, package version, git commit,
parameters.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import nbformat
import papermill as pm
from nbconvert import HTMLExporter
from tqdm import tqdm

import analysis
from analysis.config import PROJECT_ROOT, Config, load_config
from analysis.errors import UserError
from analysis.export import html_to_pdf

MISSING_LISTS_FLAG = "--allow-incomplete"  # in the ingest's message for communes without a list

NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"
# Execution order. The maps (03) draw the target-status and budget maps too, so they run
# after the targets (04) and the budget (05) that those maps show.
NOTEBOOKS = (
    "01_ingest_validate",
    "02_poverty_profile",
    "04_targets_forecast",
    "05_budget_allocation",
    "03_commune_maps",
    "06_briefing",
)
BRIEFING_NOTEBOOK = "06_briefing"
BUDGET_NOTEBOOK = "05_budget_allocation"


@dataclass(frozen=True)
class StepFailure:
    notebook: str
    cell: int | None
    error: str


class RunFailed(UserError):
    def __init__(self, failure: StepFailure, kept: Path):
        where = f", ô mã số {failure.cell}" if failure.cell is not None else ""
        super().__init__(
            f"Bước {failure.notebook} thất bại{where}: {failure.error}\n"
            f"Kết quả lần chạy trước được giữ nguyên. Sổ tay đã chạy dở lưu tại: {kept}"
        )
        self.failure = failure


class IncompleteInputs(UserError):
    """The run stopped before writing anything: communes have a total but no list."""

    def __init__(self, message: str):
        super().__init__(
            f"{message}\nChưa ghi kết quả nào; kết quả lần chạy trước (nếu có) được giữ nguyên."
        )


def output_dir(config: Config, year: int, root: Path | None = None) -> Path:
    return (root or PROJECT_ROOT / "outputs") / config.district.slug / str(year)


def ensure_sample(config: Config, households: int | None = None) -> Path | None:
    """Create the synthetic sample when the config uses it and it is missing."""
    lists = config.resolve(config.data.household_lists)
    if not config.data.synthetic or lists is None or lists.exists():
        return None
    from analysis.synthetic import write_sample

    print(f"Chưa có dữ liệu mẫu: đang tạo dữ liệu mô phỏng tại {lists.parent} ...", file=sys.stderr)
    return write_sample(config, lists.parent, households=households)


def run_cycle(
    config_path: str | Path,
    year: int,
    out_root: Path | None = None,
    notebooks: tuple[str, ...] = NOTEBOOKS,
    progress: bool = True,
    on_step: Callable[[str], None] | None = None,
    allow_incomplete: bool = False,
    budget: dict | None = None,
) -> Path:
    """Execute the notebooks for `year`; return the final output folder.

    A commune with a resident total but no list stops the run (IncompleteInputs, no
    output written) unless `allow_incomplete`: then it is marked "thiếu số liệu".
    `budget`: notebook 05's parameters (budget_year, envelope_file, scenario), passed through.
    """
    config_path = Path(config_path).resolve()
    config = load_config(config_path)
    ensure_sample(config)
    from analysis.preflight import require_ok

    require_ok(config)  # the config against its data: fatal problems stop before notebook 01
    final = output_dir(config, year, out_root)
    final.parent.mkdir(parents=True, exist_ok=True)
    work = final.parent / f".{year}.tmp-{uuid.uuid4().hex[:8]}"
    (work / "notebooks").mkdir(parents=True)
    params = {
        "config_path": str(config_path),
        "year": int(year),
        "run_dir": str(work),
        "allow_incomplete": bool(allow_incomplete),
    }
    budget = {k: v for k, v in (budget or {}).items() if v is not None}
    started = datetime.now()

    bar = tqdm(notebooks, desc="Chu trình năm", unit="bước", disable=not progress, file=sys.stderr)
    for name in bar:
        bar.set_postfix_str(name)
        if on_step:
            on_step(name)
        _execute(name, work, {**params, **budget} if name == BUDGET_NOTEBOOK else params, final)
    _export_briefing(work)
    _write_manifest(work, config, config_path, {**params, **budget}, started, notebooks)
    _swap_into_place(work, final)
    return final


def _execute(name: str, work: Path, params: dict, final: Path) -> None:
    out_nb = work / "notebooks" / f"{name}.ipynb"
    try:
        pm.execute_notebook(
            str(NOTEBOOK_DIR / f"{name}.ipynb"),
            str(out_nb),
            parameters=params,
            cwd=str(PROJECT_ROOT),
            progress_bar=False,
            kernel_name="python3",
            # the kernel's own start-up and shutdown chatter is not the user's business
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        )
    except pm.PapermillExecutionError as exc:
        if exc.ename == "IngestError" and MISSING_LISTS_FLAG in (exc.evalue or ""):
            shutil.rmtree(work, ignore_errors=True)
            if final.parent.exists() and not any(final.parent.iterdir()):
                final.parent.rmdir()
            raise IncompleteInputs(f"Bước {name} dừng: {_message(exc.evalue)}") from None
        failure = StepFailure(name, exc.exec_count, f"{exc.ename}: {_message(exc.evalue)}")
        raise RunFailed(failure, _keep_failed(work, final)) from None


def _message(text: str, max_lines: int = 25) -> str:
    """The error's message as raised (input errors list every problem), cut to a screenful."""
    lines = (text or "").strip().splitlines()
    more = (
        f"\n  ... và {len(lines) - max_lines} dòng nữa (xem sổ tay đã chạy dở)"
        if len(lines) > max_lines
        else ""
    )
    return "\n".join(lines[:max_lines]) + more


def _keep_failed(work: Path, final: Path) -> Path:
    kept = final.parent / f"failed-{final.name}-{datetime.now():%Y%m%d-%H%M%S}"
    work.rename(kept)
    return kept


def _export_briefing(work: Path) -> None:
    """The briefing as HTML and PDF without code cells, and every notebook as HTML for reading."""
    exporter = HTMLExporter(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    for nb_path in sorted((work / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        body, _ = exporter.from_notebook_node(nb)
        if nb_path.stem == BRIEFING_NOTEBOOK:
            (work / "briefing.html").write_text(body, encoding="utf-8")
            html_to_pdf(body, work / "briefing.pdf")
        else:
            (work / "notebooks" / f"{nb_path.stem}.html").write_text(body, encoding="utf-8")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _input_files(config: Config) -> list[Path]:
    files: list[Path] = []
    for p in (
        config.data.household_lists,
        config.data.household_totals,
        config.data.summary_tables,
        config.boundaries.path,
    ):
        path = config.resolve(p)
        if path is None or not path.exists():
            continue
        files.extend(sorted(f for f in path.rglob("*") if f.is_file()) if path.is_dir() else [path])
    return files


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src", "notebooks", "config"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        return out.stdout.strip() + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return None


def _write_manifest(
    work: Path,
    config: Config,
    config_path: Path,
    params: dict,
    started: datetime,
    notebooks: tuple[str, ...],
) -> None:
    manifest = {
        "district": config.district.slug,
        "year": params["year"],
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now().isoformat(timespec="seconds"),
        "package_version": analysis.__version__,
        "git_commit": _git_commit(),
        "python": sys.version.split()[0],
        "config_file": _rel(config_path),
        "config_sha256": _sha256(config_path),
        "config": json.loads(config.model_dump_json(exclude={"source_path"})),
        "parameters": {
            "config_path": _rel(config_path),
            "year": params["year"],
            "allow_incomplete": params["allow_incomplete"],
            **{k: params[k] for k in ("budget_year", "envelope_file", "scenario") if k in params},
        },
        "communes_missing_data": _missing_lists(work),
        "notebooks": list(notebooks),
        "inputs": [
            {"path": _rel(f), "sha256": _sha256(f), "bytes": f.stat().st_size}
            for f in _input_files(config)
        ],
        "pseudonym_key_from_env": bool(os.environ.get(config.data.pseudonym_key_env)),
        "synthetic_data": config.data.synthetic,
    }
    (work / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
    )


def _missing_lists(work: Path) -> list[dict]:
    """Communes marked "thiếu số liệu" in this run (year, code, name), from step 01."""
    from analysis import store

    table = store.load_optional_table(work, "missing_lists")
    if table is None:
        return []
    return [
        {"year": int(y), "commune_code": str(c), "commune_name": str(n)}
        for y, c, n in table[["year", "commune_code", "commune_name"]].itertuples(index=False)
    ]


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return path.name


def _swap_into_place(work: Path, final: Path) -> None:
    old = None
    if final.exists():
        old = final.parent / f".{final.name}.old-{uuid.uuid4().hex[:8]}"
        final.rename(old)
    work.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
