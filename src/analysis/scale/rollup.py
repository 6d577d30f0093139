"""The province roll-up of district runs: tables, a commune map and the targets scorecard.

Read from each district's results (`outputs/<district>/<year>/data/`): the commune table
(`indicators`), the district's yearly totals (`district`) and its verdicts. Written into
`outputs/<province>/<year>/` as a run folder of its own (lock, atomic switch, manifest:
`analysis.run_folders`):

    data/communes.parquet, districts.parquet, province.parquet, verdicts.parquet
    bang_tong_hop_tinh_<year>.xlsx        districts and communes of the year, province total
    bang_theo_doi_chi_tieu_tinh_<year>.xlsx  every district's verdict per target
    ban_do_ty_le_ho_ngheo_<year>.png/.pdf poor rate by commune over the province

From 2025 a merged commune may absorb units of two former districts: each district's run
counts its own households in it, and the roll-up sums them into one row per commune.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import pandas as pd

import analysis
from analysis import reproducible, run_folders, store
from analysis.config import PROJECT_ROOT, Config, load_config
from analysis.errors import fs_error
from analysis.measures.rates import MISSING_FLAG, district_indicators
from analysis.scale.province import ProvinceInfo

DISTRICT_COLUMNS = ["district_slug", "district_name", "district_code"]


def province_dir(province: ProvinceInfo, year: int, root: Path | None = None) -> Path:
    return (root or PROJECT_ROOT / "outputs") / province.slug / str(year)


def read_districts(runs: Sequence[tuple[Path, Path]]) -> dict[str, pd.DataFrame]:
    """The district results stacked: communes, districts and verdicts, with district columns."""
    parts: dict[str, list[pd.DataFrame]] = {"communes": [], "districts": [], "verdicts": []}
    for config_path, final in runs:
        d = load_config(config_path).district
        ids = {
            "district_slug": d.slug,
            "district_name": f"{d.type} {d.name}",
            "district_code": d.district_code,
        }  # "Huyện Kỳ Anh" and "Thị xã Kỳ Anh" apart
        for name, table in (("communes", "indicators"), ("districts", "district"),
                            ("verdicts", "verdicts")):  # fmt: skip
            frame = store.load_optional_table(final, table)
            if frame is not None:
                parts[name].append(frame.assign(**ids))
    return {k: pd.concat(v, ignore_index=True) if v else pd.DataFrame() for k, v in parts.items()}


def combine_communes(communes: pd.DataFrame) -> pd.DataFrame:
    """One row per (year, commune): a merged commune shared by two districts is summed
    (rates recomputed); a commune without a list stays marked "thiếu số liệu"."""
    names = communes.drop_duplicates(["year", "commune_code"])[["year", "commune_code",
                                                                "commune_name", "unit_vintage"]]  # fmt: skip
    districts = (
        communes.groupby(["year", "commune_code"])["district_name"]
        .agg(lambda s: ", ".join(dict.fromkeys(s)))
        .rename("district_name")
        .reset_index()
    )
    flag = communes[MISSING_FLAG].astype(bool) if MISSING_FLAG in communes else False
    missing = communes.loc[flag, ["year", "commune_code"]].drop_duplicates()
    with_data = communes.loc[~flag] if MISSING_FLAG in communes else communes
    summed = district_indicators(with_data.rename(columns={"commune_code": "unit"}), "",
                                 by=["unit"]).rename(columns={"unit": "code"})  # fmt: skip
    summed = summed.drop(columns=["commune_code", "commune_name", "n_communes_missing"])
    summed = summed.rename(columns={"code": "commune_code"})
    keys = pd.concat([names[["year", "commune_code"]], missing]).drop_duplicates()
    out = keys.merge(summed.drop(columns="unit_vintage"), on=["year", "commune_code"], how="left")
    out = out.merge(names, on=["year", "commune_code"]).merge(
        districts, on=["year", "commune_code"]
    )
    out[MISSING_FLAG] = out["n_households"].isna()
    first = ["year", "unit_vintage", "district_name", "commune_code", "commune_name"]
    out = out[[*first, *(c for c in out.columns if c not in first)]]
    return out.sort_values(["year", "district_name", "commune_code"], ignore_index=True)


def build_rollup(
    province: ProvinceInfo,
    runs: Sequence[tuple[Path, Path]],
    year: int,
    *,
    out_root: Path | None = None,
    run_date: date | None = None,
) -> Path:
    """The province folder for `year` from the district runs (config, final folder)."""
    final = province_dir(province, year, out_root)
    lock = run_folders.acquire_lock(final, f"tỉnh {province.name} năm {year}")
    try:
        for line in run_folders.recover(final) + run_folders.clean(final):
            print(line, file=sys.stderr)
        work = run_folders.new_run_dir(final)
        try:
            with reproducible.run_environment(run_date) as day:
                _write(work, province, runs, year, day)
            run_folders.switch(final, work)
        except OSError as exc:
            run_folders.remove(work)
            raise fs_error(exc, work, "ghi bảng tổng hợp tỉnh") from None
        except BaseException:
            run_folders.remove(work)
            raise
    finally:
        lock.release()
    return final


def _write(work: Path, province: ProvinceInfo, runs, year: int, day: date) -> None:
    started = datetime.now()
    tables = read_districts(runs)
    communes = combine_communes(tables["communes"])
    total = district_indicators(communes, f"Tỉnh {province.name}")
    verdicts = tables["verdicts"]
    if not verdicts.empty:
        verdicts = verdicts[(verdicts["level"] == "district") & (verdicts["year"] == year)]
    for name, frame in (("communes", communes), ("districts", tables["districts"]),
                        ("province", total), ("verdicts", verdicts)):  # fmt: skip
        store.save_table(work, name, frame)
    configs = [load_config(c) for c, _ in runs]
    from analysis.scale.rollup_outputs import write_map, write_scorecard, write_summary

    write_summary(work / f"bang_tong_hop_tinh_{year}.xlsx", province, communes,
                  tables["districts"], total, year)  # fmt: skip
    write_scorecard(work / f"bang_theo_doi_chi_tieu_tinh_{year}.xlsx", province, verdicts, year)
    write_map(work, province, configs, communes, year, day)
    _manifest(work, province, runs, configs, year, started, day)


def _manifest(work: Path, province: ProvinceInfo, runs, configs: list[Config], year: int,
              started: datetime, day: date) -> None:  # fmt: skip
    manifest = {
        "province": province.slug,
        "province_name": province.name,
        "year": int(year),
        "run_date": day.isoformat(),
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now().isoformat(timespec="seconds"),
        "package_version": analysis.__version__,
        "synthetic_data": any(c.data.synthetic for c in configs),
        "districts": [
            {
                "slug": c.district.slug,
                "name": c.district.name,
                "config_file": _rel(path),
                "config_sha256": reproducible.file_sha256(path),
                "run": Path(final).resolve().name,
            }
            for c, (path, final) in zip(configs, runs, strict=True)
        ],
    }
    run_folders.write_atomic(
        work / run_folders.MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2)
    )


def _rel(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return Path(path).name
