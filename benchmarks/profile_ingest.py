"""Profile reading office lists (issue 15): the bench_scale `ingest` stage under cProfile.

    PYTHONPATH=src python benchmarks/profile_ingest.py [--households 20000] [--top 40]
        [--no-profile] [--pickle FILE] [--compare FILE]

Builds (once) the synthetic district of bench_scale.stage_ingest under data/bench/
(git-ignored), then times `collect_review` on it, with or without cProfile. `--pickle`
saves households / rejects / problems; `--compare` checks them against a saved run.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pickle
import pstats
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))


def district(households: int) -> Path:
    from tests.districts import sample_config, write_config

    folder = ROOT / "data" / "bench" / f"office-lists-{households}"
    config_path = folder / "district.yaml"
    if not config_path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        write_config(sample_config(folder, households=households), config_path)
    return config_path


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the reading workers)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--pickle", type=Path)
    parser.add_argument("--compare", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("POVERTY_PSEUDONYM_KEY", "benchmark-key-" + "0" * 32)
    from analysis.config import load_config
    from analysis.ingest import collect_review
    from analysis.registry import registry_for

    config = load_config(district(args.households))
    registry_for(config)
    review = None
    for _ in range(args.repeats):
        profiler = None if args.no_profile else cProfile.Profile()
        start, cpu = time.perf_counter(), _cpu()
        if profiler:
            profiler.enable()
        review = collect_review(config)
        if profiler:
            profiler.disable()
        seconds, cpu = time.perf_counter() - start, _cpu() - cpu
        n = len(review.households) + len(review.rejects)
        print(f"{n:,} households in {seconds:.2f} s, CPU {cpu:.2f} s (this process and its "
              f"workers): {n / seconds:,.0f} households/s, {n / cpu:,.0f} per CPU second"
              f"{' (under cProfile)' if profiler else ''}")  # fmt: skip
    if profiler:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
    parts = {"households": review.households, "rejects": review.rejects,
             "problems": review.problems, "files": review.files}  # fmt: skip
    if args.pickle:
        args.pickle.write_bytes(pickle.dumps(parts))
    if args.compare:
        import pandas as pd

        old = pickle.loads(args.compare.read_bytes())
        for name, frame in parts.items():
            if name not in old:
                continue
            pd.testing.assert_frame_equal(frame, old[name])
            print(f"{name}: identical ({len(frame):,} rows)")


if __name__ == "__main__":
    main()
