"""Run the annual cycle: execute the notebooks in order with papermill.

A run builds everything in a folder of its own and switches it in only when every step
succeeded, so a failed or killed run leaves the previous results intact and says which
notebook and cell failed. Every run leaves a manifest: config, input hashes (the boundary
file's included), package version, git commit, parameters.

Output scheme (details in `analysis.run_folders`): `outputs/<slug>/<year>` is a symlink to
`outputs/<slug>/<year>.runs/<run-id>/`; a run holds the lock `outputs/<slug>/.<year>.lock`
(one run per district and year; a dead run's lock is taken over with a warning), recovers
an interrupted switch and removes dead runs' partial folders and replaced results at start,
builds into a new run folder and replaces the symlink in one atomic step (temporary symlink
+ `os.replace`). A failed run is kept as `outputs/<slug>/failed-<year>-<time>/` with
ERROR.txt (the last 3); on a full disk its partial folder is removed. File-system errors
(permission, read-only, disk full) become a `FileSystemError` naming the path.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import nbformat
import papermill as pm
from nbconvert import HTMLExporter

import analysis
from analysis import i18n, preflight, reproducible, run_folders
from analysis.config import PROJECT_ROOT, Config, load_config
from analysis.documents import document_title
from analysis.documents.html import html_document
from analysis.documents.pdf import html_to_pdf
from analysis.errors import FileSystemError, UserError, fs_error, parse_os_error_text
from analysis.progress import bar as progress_bar
from analysis.progress import quiet_children
from analysis.workbench import kernel, review_cache
from analysis.workbench import steps as workbench_steps

MISSING_LISTS_FLAG = "--allow-incomplete"  # in the ingest's message for communes without a list

NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"
# Execution order = name order: 01 ingest, 02 profile, 03 targets and forecast, 04 budget,
# 05 maps (the target-status and budget maps need 03 and 04), 06 briefing; then the factsheets.
NOTEBOOKS = workbench_steps.CYCLE
BRIEFING_NOTEBOOK = workbench_steps.BRIEFING
BUDGET_NOTEBOOK = workbench_steps.BUDGET


# The stages after the notebooks, as the run's timing record names them.
PREFLIGHT_STEP = "preflight"  # the config checked against its data (reads the inputs)
HTML_STEP = "html"  # the notebooks and the briefing as HTML
PDF_STEP = "briefing_pdf"  # the briefing as PDF
FACTSHEETS_STEP = "factsheets"  # one PDF + DOCX per commune (worker processes)


class StepTimings:
    """When each step of a run started (seconds from the run's start), its wall seconds and its
    CPU seconds, for the manifest's `timings` record. A step's CPU time includes its child
    processes (notebook kernels); the factsheets, which run alongside the last notebooks,
    report their workers' own CPU time."""

    def __init__(self) -> None:
        self.origin = time.perf_counter()
        self.steps: list[dict] = []

    @staticmethod
    def _cpu() -> float:
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system

    def now(self) -> float:
        return time.perf_counter() - self.origin

    def add(self, name: str, start: float, seconds: float, cpu_seconds: float) -> None:
        self.steps.append(
            {
                "step": name,
                "start": round(start, 3),
                "seconds": round(seconds, 3),
                "cpu_seconds": round(cpu_seconds, 3),
            }
        )

    @contextlib.contextmanager
    def step(self, name: str):
        start, cpu = self.now(), self._cpu()
        try:
            yield
        finally:
            self.add(name, start, self.now() - start, self._cpu() - cpu)

    def record(self) -> list[dict]:
        return [dict(s) for s in self.steps]


@dataclass(frozen=True)
class StepFailure:
    notebook: str
    cell: int | None
    error: str


class RunFailed(UserError):
    def __init__(self, failure: StepFailure, kept: Path | None, note: str = ""):
        where = i18n.t(", ô mã số {cell}", cell=failure.cell) if failure.cell is not None else ""
        if kept is not None:
            tail = i18n.t(
                "Sổ tay đã chạy dở lưu tại: {path} (lỗi ghi trong {error_file})",
                path=kept,
                error_file=kept / "ERROR.txt",
            )
        else:
            tail = note
        super().__init__(
            i18n.t(
                "Bước {step} thất bại{where}: {error}\nKết quả lần chạy trước được giữ nguyên. {tail}",
                step=failure.notebook,
                where=where,
                error=failure.error,
                tail=tail,
            )
        )
        self.failure = failure
        self.kept = kept


class IncompleteInputs(UserError):
    """The run stopped before writing anything: communes have a total but no list."""

    def __init__(self, message: str):
        super().__init__(
            message
            + "\n"
            + i18n.t("Chưa ghi kết quả nào; kết quả lần chạy trước (nếu có) được giữ nguyên.")
        )


class _StepError(Exception):
    """A notebook failed (internal: turned into RunFailed once the run folder is handled)."""

    def __init__(self, failure: StepFailure, disk_full: bool = False):
        super().__init__(failure.error)
        self.failure = failure
        self.disk_full = disk_full


# The names of OSError and its subclasses, as a notebook kernel reports them (ename).
OS_ERROR_NAMES = frozenset(
    name
    for name, obj in vars(builtins).items()
    if isinstance(obj, type) and issubclass(obj, OSError)
)


def output_dir(config: Config, year: int, root: Path | None = None) -> Path:
    return (root or PROJECT_ROOT / "outputs") / config.district.slug / str(year)


def ensure_sample(config: Config, households: int | None = None) -> Path | None:
    """Create the synthetic sample when the config uses it and it is missing."""
    lists = config.resolve(config.data.household_lists)
    if not config.data.synthetic or lists is None or lists.exists():
        return None
    from analysis.synthetic import write_sample

    print(
        i18n.t("Chưa có dữ liệu mẫu: đang tạo dữ liệu mô phỏng tại {path} ...", path=lists.parent),
        file=sys.stderr,
    )
    return write_sample(config, lists.parent, households=households)


def run_cycle(
    config_path: str | Path,
    year: int,
    out_root: Path | None = None,
    notebooks: tuple[str, ...] = NOTEBOOKS,
    progress: bool = True,
    on_step: Callable[[str], None] | None = None,
    allow_incomplete: bool = False,
    run_date: date | None = None,
    budget: dict | None = None,
    language: str | None = None,
) -> Path:
    """Execute the notebooks for `year`; return the final output folder.

    A commune with a resident total but no list stops the run (IncompleteInputs, no
    output written) unless `allow_incomplete`: then it is marked "thiếu số liệu".

    Every date written into the outputs is the run's date: `run_date`, else
    SOURCE_DATE_EPOCH from the environment, else today (see analysis.reproducible); so
    the same inputs, config and seed on the same run date give the same files.

    `budget`: notebook 04's parameters (budget_year, envelope_file, scenario), passed through.

    `language` ("vi", "en"): overrides the config's for this run; the notebook kernels and
    the factsheet workers inherit it through the ANALYSIS_LANGUAGE environment variable, so
    every step's `load_config` activates it (analysis.i18n).
    """
    with language_environment(language):
        return _run_cycle(
            config_path, year, out_root, notebooks, progress, on_step, allow_incomplete,
            run_date, budget,
        )  # fmt: skip


@contextlib.contextmanager
def language_environment(language: str | None):
    """ANALYSIS_LANGUAGE set to `language` for the run (restored afterwards); none: unchanged."""
    if language is None:
        yield
        return
    i18n.check_language(language)
    saved = os.environ.get(i18n.LANGUAGE_ENV)
    os.environ[i18n.LANGUAGE_ENV] = language
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(i18n.LANGUAGE_ENV, None)
        else:
            os.environ[i18n.LANGUAGE_ENV] = saved


def _run_cycle(
    config_path: str | Path,
    year: int,
    out_root: Path | None,
    notebooks: tuple[str, ...],
    progress: bool,
    on_step: Callable[[str], None] | None,
    allow_incomplete: bool,
    run_date: date | None,
    budget: dict | None,
) -> Path:
    config_path = Path(config_path).resolve()
    config = load_config(config_path)
    ensure_sample(config)
    final = output_dir(config, year, out_root)
    what = i18n.t(
        "{Unit} {name} năm {year}",
        Unit=i18n.t(config.district.type.lower()).capitalize(),
        name=config.district.name,
        year=year,
    )
    try:
        lock = run_folders.acquire_lock(final, what)
    except OSError as exc:
        raise fs_error(exc, final.parent, "tạo tệp khóa của lần chạy") from None
    timings = StepTimings()
    try:
        with run_folders.sigterm_as_exit():
            try:
                for line in run_folders.recover(final) + run_folders.clean(final):
                    print(line, file=sys.stderr)
            except OSError as exc:
                raise fs_error(exc, final.parent, "dọn thư mục kết quả") from None
            # the config against its data and the run year: fatal problems stop before 01
            with timings.step(PREFLIGHT_STEP), preflight.keeping_review() as kept:
                warnings = preflight.require_ok(config, year)
            for warning in warnings:
                print(i18n.t("Cảnh báo: {message}", message=warning), file=sys.stderr)
            try:
                work = run_folders.new_run_dir(final)
            except OSError as exc:
                raise fs_error(exc, final.parent, "tạo thư mục của lần chạy") from None
            # the inputs the preflight read, for notebook 01 (not read a second time)
            review_cache.save(kept.get("review"), config, work)
            _run_steps(config, config_path, year, work, final, notebooks, progress, on_step,
                       allow_incomplete, run_date, budget, timings)  # fmt: skip
    finally:
        with contextlib.suppress(OSError):
            run_folders.runs_dir(final).rmdir()  # only when empty (a run stopped early)
        lock.release()
    return final


def _run_steps(
    config: Config,
    config_path: Path,
    year: int,
    work: Path,
    final: Path,
    notebooks: tuple[str, ...],
    progress: bool,
    on_step: Callable[[str], None] | None,
    allow_incomplete: bool,
    run_date: date | None = None,
    budget: dict | None = None,
    timings: StepTimings | None = None,
) -> None:
    """The notebooks, exports and manifest into `work`, then the switch; on any failure the
    run folder is kept as failed (ERROR.txt) or, on a full disk or an interrupt, removed."""
    params = {
        "config_path": str(config_path),
        "year": int(year),
        "run_dir": str(work),
        "allow_incomplete": bool(allow_incomplete),
    }
    budget = {k: v for k, v in (budget or {}).items() if v is not None}
    started = datetime.now()
    timings = timings or StepTimings()
    try:
        (work / "notebooks").mkdir()
        bar = progress_bar(
            None, desc=i18n.t("Chu trình năm"), total=len(notebooks), unit=i18n.t("bước"),
            enabled=progress, delay=0,
        )  # fmt: skip
        with reproducible.run_environment(run_date) as day, quiet_children():
            # the factsheets read only the tables of the notebooks before the maps: their
            # worker processes start once those ran and make them while the rest runs
            factsheets = _Factsheets(config_path, year, work, notebooks, timings)
            try:
                groups = step_groups(notebooks)
                for i, group in enumerate(groups):
                    bar.set_postfix_str(" + ".join(group))
                    if on_step:
                        for name in group:
                            on_step(name)
                    # the kernels of the next notebooks start while these run
                    _warm(work, (*group, *(groups[i + 1] if i + 1 < len(groups) else ())))

                    def one(name: str) -> None:
                        _execute(
                            name,
                            work,
                            {**params, **budget} if name == BUDGET_NOTEBOOK else params,
                            final,
                        )
                        # no execution times; the folder the results are read from, not the run's
                        executed = work / "notebooks" / f"{name}.ipynb"
                        if executed.exists():  # a step may write no notebook (tests' fake steps)
                            reproducible.pin_notebook(executed, {str(work): str(final)})

                    _run_group(group, one, work, timings)
                    for name in group:
                        factsheets.ran(name)
                        bar.update(1)
                _export_briefing(work, config, year, timings)
                factsheets.finish()
            finally:
                review_cache.discard(work)  # never among the results (01 removes it on use)
                bar.close()
                factsheets.stop()
                _unwarm(work)
            _write_manifest(work, config, config_path, {**params, **budget}, started, notebooks,
                            day, timings)  # fmt: skip
        run_folders.switch(final, work)
    except IncompleteInputs:
        run_folders.remove(work)
        raise
    except _StepError as exc:
        if exc.disk_full:
            run_folders.remove(work)
            raise RunFailed(exc.failure, None, _removed(work, disk_full=True)) from None
        kept = _keep(work, final, exc.failure.error)
        raise RunFailed(exc.failure, kept, _removed(work)) from None
    except OSError as exc:
        error = fs_error(exc, work, "ghi kết quả")
        if run_folders.is_disk_full(exc):
            run_folders.remove(work)
            tail = _removed(work, disk_full=True)
        else:
            kept = _keep(work, final, str(error))
            tail = i18n.t("Thư mục chạy dở lưu tại: {path}.", path=kept) if kept else _removed(work)
        raise FileSystemError(
            f"{error}\n" + i18n.t("Kết quả lần chạy trước được giữ nguyên. {tail}", tail=tail),
            exc.errno,
            error.path,
        ) from None
    except (KeyboardInterrupt, SystemExit):
        run_folders.remove(work)  # interrupted: nothing worth keeping, the previous stays
        raise
    except BaseException as exc:  # a bug: keep what ran for the report, then re-raise
        with contextlib.suppress(OSError):
            _keep(work, final, f"{type(exc).__name__}: {exc}")
        raise


def _removed(work: Path, disk_full: bool = False) -> str:
    if disk_full:
        return i18n.t("Ổ đĩa đầy: thư mục chạy dở {path} đã được xóa để giải phóng chỗ.", path=work)
    return i18n.t("Không lưu được thư mục chạy dở {path}: đã xóa.", path=work)


def _keep(work: Path, final: Path, error: str) -> Path | None:
    """The failed run folder kept with its error; None when even that fails (then removed)."""
    try:
        return run_folders.keep_failed(work, final, error)
    except OSError:
        run_folders.remove(work)
        return None


def step_groups(notebooks: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The notebooks in run order, in groups run at the same time: a notebook joins the one
    before it when it reads none of its results (`workbench.steps.STEPS` needs; 04 budget beside
    03 targets), at most two at a time (two CPUs). Notebooks the suite does not know run alone."""
    groups: list[tuple[str, ...]] = []
    for name in notebooks:
        last = groups[-1] if groups else ()
        info = workbench_steps.STEPS.get(name)
        if (
            len(last) == 1
            and info is not None
            and last[0] in workbench_steps.STEPS
            and last[0] not in info.needs
        ):
            groups[-1] = (*last, name)
        else:
            groups.append((name,))
    return groups


def _run_group(
    group: tuple[str, ...], run: Callable[[str], None], work: Path, timings: StepTimings
) -> None:
    """Run the notebooks of `group` (`run(name)`), the second in a thread beside the first;
    each timed. The first failure in run order is raised once both have finished."""
    if len(group) == 1:
        with timings.step(group[0]):
            run(group[0])
        return
    import threading

    # papermill changes the process's working folder around each execution (to the project
    # root, for both): set it once around the pair, so the two restores cannot leave it changed
    errors: dict[str, BaseException] = {}
    done: dict[str, tuple[float, float, float]] = {}  # name -> start, end, CPU at the end

    def timed(name: str) -> None:
        start = timings.now()
        try:
            run(name)
        except BaseException as exc:  # re-raised in the run's thread
            errors[name] = exc
        finally:
            done[name] = (start, timings.now(), StepTimings._cpu())

    cpu0 = StepTimings._cpu()
    with contextlib.chdir(PROJECT_ROOT):
        side = threading.Thread(target=timed, args=(group[1],), name=f"step-{group[1]}")
        side.start()
        try:
            timed(group[0])
        finally:
            side.join()
    # CPU: a kernel's time counts when it exits; the step that ended first gets the time
    # until its end, the other the rest of the pair's (every process of the run in both)
    first, second = sorted(group, key=lambda n: done[n][1])
    cpu_first = done[first][2] - cpu0
    cpu_all = max(done[second][2], StepTimings._cpu()) - cpu0
    for name, cpu in ((first, cpu_first), (second, cpu_all - cpu_first)):
        start, end, _ = done[name]
        timings.add(name, start, end - start, max(cpu, 0.0))
    timings.steps.sort(key=lambda s: s["start"])
    for name in group:
        if name in errors:
            raise errors[name]


# Kernels started ahead for the next notebooks of a run: (run folder, notebook) -> WarmKernel
_WARM: dict[tuple[Path, str], kernel.WarmKernel] = {}


def _warm(work: Path, names) -> None:
    """Start the kernels of `names` not started yet (notebooks of the suite only)."""
    for name in names:
        source = NOTEBOOK_DIR / f"{name}.ipynb"
        if (work, name) not in _WARM and source.is_file():
            _WARM[work, name] = kernel.WarmKernel(source, PROJECT_ROOT)


def _unwarm(work: Path) -> None:
    """Shut down the run's kernels started ahead and not used (a failed or shortened run)."""
    for key in [k for k in _WARM if k[0] == work]:
        _WARM.pop(key).shutdown()


def _execute(name: str, work: Path, params: dict, final: Path) -> None:
    out_nb = work / "notebooks" / f"{name}.ipynb"
    try:
        kernel.execute(NOTEBOOK_DIR / f"{name}.ipynb", out_nb, params, cwd=PROJECT_ROOT,
                       warm=_WARM.pop((work, name), None))  # fmt: skip
    except pm.PapermillExecutionError as exc:
        if exc.ename == "IngestError" and MISSING_LISTS_FLAG in (exc.evalue or ""):
            raise IncompleteInputs(
                i18n.t("Bước {step} dừng: {message}", step=name, message=_message(exc.evalue))
            ) from None
        if exc.ename in OS_ERROR_NAMES:  # a file-system failure inside the step: say where
            code, path = parse_os_error_text(exc.evalue or "")
            err = fs_error(
                OSError(code, _strerror(exc.evalue), path),
                work,
                i18n.t("chạy bước {step}", step=name),
            )
            failure = StepFailure(name, exc.exec_count, str(err))
            raise _StepError(
                failure, disk_full=run_folders.is_disk_full(OSError(code, ""))
            ) from None
        failure = StepFailure(name, exc.exec_count, f"{exc.ename}: {_message(exc.evalue)}")
        raise _StepError(failure) from None


def _strerror(evalue: str | None) -> str:
    """'No space left on device' of "[Errno 28] No space left on device: '/x'"."""
    text = (evalue or "").split("]", 1)[-1]
    return text.split(": '", 1)[0].strip() or (evalue or "")


def _message(text: str, max_lines: int = 25) -> str:
    """The error's message as raised (input errors list every problem), cut to a screenful."""
    lines = (text or "").strip().splitlines()
    more = (
        "\n" + i18n.t("  ... và {n} dòng nữa (xem sổ tay đã chạy dở)", n=len(lines) - max_lines)
        if len(lines) > max_lines
        else ""
    )
    return "\n".join(lines[:max_lines]) + more


def _export_briefing(
    work: Path, config: Config, year: int, timings: StepTimings | None = None
) -> None:
    """The briefing as HTML and PDF (its notebook's displayed sections in the administrative
    layout, titled, in Vietnamese), and every other notebook as HTML for reading."""
    timings = timings or StepTimings()
    briefing = None
    with timings.step(HTML_STEP):
        exporter = HTMLExporter(
            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
        )
        for nb_path in sorted((work / "notebooks").glob("*.ipynb")):
            nb = nbformat.read(nb_path, as_version=4)
            if nb_path.stem == BRIEFING_NOTEBOOK:
                briefing = html_document(_html_outputs(nb), document_title(config, year))
                (work / "briefing.html").write_text(briefing, encoding="utf-8")
            else:
                body, _ = exporter.from_notebook_node(nb)
                (work / "notebooks" / f"{nb_path.stem}.html").write_text(body, encoding="utf-8")
    if briefing is not None:
        with timings.step(PDF_STEP):
            html_to_pdf(briefing, work / "briefing.pdf")


# What the factsheets read: the tables of these steps (analysis.documents.factsheet)
FACTSHEET_INPUTS = (
    workbench_steps.INGEST, workbench_steps.PROFILE, workbench_steps.TARGETS, BUDGET_NOTEBOOK
)  # fmt: skip


def factsheet_workers(limit: int = 2) -> int:
    """Worker processes for the factsheets: the CPUs the notebooks still running beside them
    leave free (one on two CPUs, so the maps and the briefing keep a CPU), at least one."""
    return max(1, min(limit, (os.cpu_count() or 1) - 1))


class _Factsheets:
    """The run's factsheets (a full cycle's: with the briefing), started in worker processes as
    soon as the steps they read from have run (`ran`), so they are made while the maps and the
    briefing are; `finish` waits for them (a failure is the run's, naming the commune), `stop`
    ends workers left running by a failed or interrupted run."""

    def __init__(self, config_path: Path, year: int, work: Path, notebooks, timings: StepTimings):
        self.config_path, self.year, self.work, self.timings = config_path, year, work, timings
        self.wanted = BRIEFING_NOTEBOOK in notebooks
        self.waiting = {n for n in FACTSHEET_INPUTS if n in notebooks}
        self.job = None
        self.started = 0.0
        self.released = False

    def _start(self, hold: bool) -> None:
        from analysis.documents.factsheet import start_factsheets

        self.job = start_factsheets(self.config_path, self.year, self.work,
                                    max_workers=factsheet_workers(), hold=hold)  # fmt: skip

    def ran(self, name: str) -> None:
        """`name` has run: once the first step ran, the workers start and import their
        libraries (while a single notebook runs, a CPU is mostly free); once every step
        they read from ran, they make the factsheets."""
        self.waiting.discard(name)
        if not self.wanted or self.released:
            return
        if not self.waiting:
            self.started = self.timings.now()
            if self.job is None:
                self._start(hold=False)
            else:
                self.job.release()
            self.released = True
        elif self.job is None and name:
            self._start(hold=True)

    def finish(self) -> None:
        if not self.wanted:
            return
        self.waiting.clear()
        self.ran("")  # no step they read from ran in this run: start them now
        from analysis.documents.factsheet import FACTSHEET_STEP, FactsheetError

        try:
            self.job.wait()
        except FactsheetError as exc:
            raise _StepError(StepFailure(FACTSHEET_STEP, None, str(exc))) from None
        finally:
            self.timings.add(FACTSHEETS_STEP, self.started, self.timings.now() - self.started,
                             self.job.cpu_seconds)  # fmt: skip

    def stop(self) -> None:
        if self.job is not None:
            self.job.stop()


def _run_factsheets(config_path: Path, year: int, work: Path) -> None:
    """One factsheet per commune into <run>/factsheets/ (analysis.documents.factsheet, in parallel
    processes); a commune that fails fails the run, named."""
    from analysis.documents.factsheet import FACTSHEET_STEP, FactsheetError, run_factsheets

    try:
        run_factsheets(config_path, year, work)
    except FactsheetError as exc:
        raise _StepError(StepFailure(FACTSHEET_STEP, None, str(exc))) from None


def _html_outputs(nb) -> str:
    """The HTML the notebook displayed, in order (the briefing's sections)."""
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            html = output.get("data", {}).get("text/html")
            if html:
                parts.append(html if isinstance(html, str) else "".join(html))
    return "\n".join(parts)


def _boundary_files(config: Config) -> list[Path]:
    """The configured boundary file with its shapefile companions (.dbf, .shx, .prj, .cpg)."""
    from analysis.geography.boundaries import resolve_boundary_path

    try:
        path = resolve_boundary_path(config)
    except UserError:
        return []
    if path is None or not path.is_file():
        return []
    if path.suffix.lower() != ".shp":
        return [path]
    return sorted(
        p for p in path.parent.glob(f"{path.stem}.*")
        if p.suffix.lower() in SHAPEFILE_PARTS and p.is_file()
    )  # fmt: skip


SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def _input_files(config: Config) -> list[Path]:
    files: list[Path] = []
    for p in (
        config.data.household_lists,
        config.data.household_totals,
        config.data.summary_tables,
    ):
        path = config.resolve(p)
        if path is None or not path.exists():
            continue
        files.extend(sorted(f for f in path.rglob("*") if f.is_file()) if path.is_dir() else [path])
    return files + _boundary_files(config)


def _boundary_record(config: Config) -> dict | None:
    """The boundary file in the manifest: path, vintage, fields, sha256 of each part."""
    files = _boundary_files(config)
    if not files:
        return None
    main = next((f for f in files if f.suffix.lower() == ".shp"), files[0])
    return {
        "path": _rel(main),
        "sha256": reproducible.file_sha256(main),
        "vintage": config.boundaries.vintage,
        "code_field": config.boundaries.code_field,
        "name_field": config.boundaries.name_field,
        "files": [{"path": _rel(f), "sha256": reproducible.file_sha256(f)} for f in files],
    }


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
    run_date: date,
    timings: StepTimings | None = None,
) -> None:
    manifest = {
        "district": config.district.slug,
        "year": params["year"],
        "run_date": run_date.isoformat(),  # the date inside every output file
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now().isoformat(timespec="seconds"),
        "package_version": analysis.__version__,
        "git_commit": _git_commit(),
        "python": sys.version.split()[0],
        "config_file": _rel(config_path),
        "config_sha256": reproducible.file_sha256(config_path),
        "config": json.loads(config.model_dump_json(exclude={"source_path"})),
        "parameters": {
            "config_path": _rel(config_path),
            "year": params["year"],
            "allow_incomplete": params["allow_incomplete"],
            "language": config.language,
            **{k: params[k] for k in ("budget_year", "envelope_file", "scenario") if k in params},
        },
        "communes_missing_data": _missing_lists(work),
        "notebooks": list(notebooks),
        "inputs": [
            {"path": _rel(f), "sha256": reproducible.file_sha256(f), "bytes": f.stat().st_size}
            for f in _input_files(config)
        ],
        "boundaries": _boundary_record(config),
        "pseudonym_key_from_env": bool(os.environ.get(config.data.pseudonym_key_env)),
        # identifies the key (never the key): the next runs warn when theirs differs
        "pseudonym_key_fingerprint": _key_fingerprint(work),
        "synthetic_data": config.data.synthetic,
        # wall and CPU seconds of each step so far (the manifest's own step is not in it)
        "timings": timings.record() if timings is not None else [],
    }
    # written last and atomically: a run folder with a manifest is complete
    run_folders.write_atomic(
        work / run_folders.MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2)
    )


def _key_fingerprint(work: Path) -> str | None:
    """Fingerprint of the pseudonym key step 01 read the lists with; None without lists."""
    from analysis import store

    table = store.load_optional_table(work, "key_years")
    if table is None:
        return None
    found = sorted(set(table["fingerprint"].astype(str)))
    return found[0] if len(found) == 1 else None


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
