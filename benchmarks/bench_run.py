"""Time the whole annual cycle on the embedded sample, as `make run` runs it (issue 15, point 5).

Runs `python -m analysis run --config config/huong_son.yaml --year 2024` in a child process
(the sample is generated first when absent, timed apart and not counted), then prints one
table: each step of the run (the preflight checks, each notebook, the HTML and PDF exports,
the factsheets; read from the run manifest's `timings`), when it started, its wall and CPU
seconds (the CPU of the step's kernels and workers included), the rest of the run (process
start-up, lock, manifest, switch), and the total wall time against the 60 s target. It also prints the process start-up
(import) time and a notebook kernel's start-up and shutdown (an empty notebook).

Run: PYTHONPATH=src python benchmarks/bench_run.py   (from the project root)
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = "config/huong_son.yaml"
YEAR = 2024
TARGET_SECONDS = 60.0


def _env() -> dict[str, str]:
    src = str(ROOT / "src")
    path = os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (the process and its waited-for descendants) of `command`."""
    cpu, start = _children_cpu(), time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=_env(), capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - start, _children_cpu() - cpu


def ensure_sample() -> float | None:
    """Seconds taken to generate the sample, None when it was there already."""
    from analysis.config import load_config

    config = load_config(ROOT / CONFIG)
    lists = config.resolve(config.data.household_lists)
    if lists is None or lists.exists():
        return None
    wall, _ = timed([sys.executable, "-m", "analysis", "sample", "--config", CONFIG, "--force"])
    return wall


def kernel_round_trip() -> float:
    """Seconds to start a notebook kernel, run one empty cell and shut it down (papermill)."""
    import nbformat

    from analysis.workbench import kernel

    with tempfile.TemporaryDirectory() as tmp:
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell("x = 1")]
        nb.metadata["kernelspec"] = {"name": kernel.KERNEL_NAME, "display_name": "Python 3"}
        nb.metadata["language_info"] = {"name": "python"}
        source = Path(tmp) / "empty.ipynb"
        nbformat.write(nb, source)
        start = time.perf_counter()
        kernel.execute(source, Path(tmp) / "out.ipynb", {}, cwd=tmp)
        return time.perf_counter() - start


def main() -> None:
    generated = ensure_sample()
    if generated is not None:
        print(f"sample generated in {generated:.1f} s (not counted)")
    print(f"load average before the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
          f" on {os.cpu_count()} CPUs")  # fmt: skip

    startup, _ = timed([sys.executable, "-c", "import analysis.cli, analysis.pipeline"])
    print(f"process start-up (python + import analysis.cli, analysis.pipeline): {startup:.2f} s")

    command = [sys.executable, "-m", "analysis", "run", "--config", CONFIG, "--year", str(YEAR)]
    total, cpu = timed(command)

    from analysis.config import load_config
    from analysis.pipeline import output_dir

    manifest = output_dir(load_config(ROOT / CONFIG), YEAR) / "manifest.json"
    steps = json.loads(manifest.read_text(encoding="utf-8")).get("timings", [])
    end = max((s["start"] + s["seconds"] for s in steps), default=0.0)
    rows = [(s["step"], f"{s['start']:6.1f}", s["seconds"], f"{s['cpu_seconds']:8.1f}")
            for s in steps]  # fmt: skip
    rows.append(("rest (start-up, lock, manifest, switch)", "     -", total - end, "       -"))
    width = max(len(r[0]) for r in rows) + 2
    print(f"\n`analysis run --config {CONFIG} --year {YEAR}` on the sample")
    print(f"{'step':<{width}}{'at s':>6}  {'seconds':>8}  {'CPU s':>8}  {'share':>6}")
    for name, at, seconds, cpu_text in rows:
        print(f"{name:<{width}}{at}  {seconds:8.1f}  {cpu_text}  {seconds / total:6.0%}")
    verdict = "met" if total <= TARGET_SECONDS else "NOT met"
    print(f"{'total wall time':<{width}}{'':>6}  {total:8.1f}  {cpu:8.1f}  "
          f"target ≤ {TARGET_SECONDS:.0f} s: {verdict}")  # fmt: skip
    print(
        "(steps overlap where `at s` + seconds passes the next step's start: the factsheets' "
        "workers run alongside the last notebooks; CPU s counts every process of the step)"
    )

    print(f"\nnotebook kernel start-up + shutdown (empty notebook): {kernel_round_trip():.2f} s")


if __name__ == "__main__":
    main()
