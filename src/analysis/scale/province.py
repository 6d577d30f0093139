"""Many districts in one command, and a province config listing them.

    python -m analysis run --config config/a.yaml --config config/b.yaml --year 2024 --workers 2
    python -m analysis run --config config/ha_tinh.yaml --year 2024 --workers 2

Each district runs the whole annual cycle (`pipeline.run_cycle`) into its own folder
(`outputs/<district>/<year>`, with its own lock and atomic switch) in at most `workers`
processes at once, or on a Dask cluster (`scheduler`); then `scale.rollup` builds the
province's tables, commune map and scorecard from the district results.

A province config (a YAML with `province:` and `districts:`) lists district configs by
path, or by name with a `template` district config whose settings they share: such a
district gets a config written under `data_root` (its own synthetic sample beside it, a
seed of its own, the template's targets marked as sample targets).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from analysis.config import PROJECT_ROOT, load_config
from analysis.errors import UserError
from analysis.progress import bar as progress_bar


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ProvinceInfo(_Frozen):
    slug: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str
    code: str
    # socio-economic region of the named districts (config `district.region`); the
    # template's when absent
    region: str | None = None


class NamedDistrict(_Frozen):
    """A district of the province built from the template config."""

    slug: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str
    type: str = "Huyện"
    district_code: str
    legacy_district_name: str
    households: int | None = Field(None, ge=100)
    # settings of this district that differ from the template's, merged into them; a
    # `targets` mapping (target id -> fields) changes those targets only
    overrides: dict = Field(default_factory=dict)


class ProvinceConfig(_Frozen):
    province: ProvinceInfo
    template: Path | None = None
    data_root: Path = Path("data/interim")
    households: int | None = Field(None, ge=100)  # sample size of the named districts
    districts: list[NamedDistrict | Path] = Field(min_length=1)


@dataclass(frozen=True)
class RunSet:
    """The district configs of one command and the province they roll up into."""

    province: ProvinceInfo
    configs: tuple[Path, ...]


@dataclass(frozen=True)
class DistrictRun:
    config: Path
    slug: str
    final: Path | None
    error: str | None


def _resolve(path: Path) -> Path:
    path = Path(path)
    return path if path.is_absolute() or path.exists() else PROJECT_ROOT / path


def _raw(path: Path) -> dict:
    try:
        raw = yaml.safe_load(_resolve(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(f"Không đọc được tệp cấu hình {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise UserError(f"{path}: YAML không hợp lệ ({exc})") from None
    if not isinstance(raw, dict):
        raise UserError(f"{path}: tệp cấu hình phải là một bảng khóa: giá trị")
    return raw


def is_province_config(path: Path) -> bool:
    return "districts" in _raw(path)


def load_run_set(paths: Sequence[Path]) -> RunSet:
    """The district configs named by `paths` (district configs, or one province config)."""
    paths = [Path(p) for p in paths]
    provinces = [p for p in paths if is_province_config(p)]
    if provinces:
        if len(paths) > 1:
            raise UserError(
                f"{provinces[0]}: tệp cấu hình tỉnh phải được chạy một mình (không kèm --config khác)"
            )
        return expand_province(provinces[0])
    configs = [load_config(p) for p in paths]
    codes = {c.district.province_code for c in configs}
    if len(codes) > 1:
        raise UserError(
            "Các huyện thuộc nhiều tỉnh (mã tỉnh " + ", ".join(sorted(codes)) + "): chạy mỗi "
            "tỉnh một lệnh để có bảng tổng hợp của tỉnh"
        )
    slugs = [c.district.slug for c in configs]
    if len(set(slugs)) < len(slugs):
        raise UserError(f"Cấu hình trùng huyện: {', '.join(sorted(set(slugs)))}")
    first = configs[0].district
    province = ProvinceInfo(slug=slug_of(first.province), name=first.province,
                            code=first.province_code)  # fmt: skip
    return RunSet(province, tuple(_resolve(p).resolve() for p in paths))


def slug_of(name: str) -> str:
    from analysis.vietnamese import ascii_key

    return ascii_key(name).replace(" ", "-")


def expand_province(path: Path) -> RunSet:
    """The district configs of a province config; named districts get theirs written."""
    raw = _raw(path)
    # top-level keys starting with "x-" hold YAML anchors reused below (docker-compose style)
    raw = {k: v for k, v in raw.items() if not str(k).startswith("x-")}
    try:
        spec = ProvinceConfig.model_validate(raw)
    except ValidationError as exc:
        lines = [f"  - khóa '{'.'.join(map(str, e['loc']))}': {e['msg']}" for e in exc.errors()]
        raise UserError(f"{path}: cấu hình tỉnh không hợp lệ\n" + "\n".join(lines)) from None
    named = [d for d in spec.districts if isinstance(d, NamedDistrict)]
    if named and spec.template is None:
        raise UserError(f"{path}: các huyện ghi theo tên cần khóa 'template' (cấu hình mẫu)")
    template = _raw(spec.template) if named else {}
    configs = []
    for i, entry in enumerate(spec.districts):
        if isinstance(entry, NamedDistrict):
            configs.append(_derived(spec, template, entry, i))
        else:
            configs.append(_resolve(entry).resolve())
    for config in configs:
        load_config(config)  # every district config is valid before anything runs
    return RunSet(spec.province, tuple(configs))


def _derived(spec: ProvinceConfig, template: dict, entry: NamedDistrict, index: int) -> Path:
    """The config of a district named in the province config (written when it changed)."""
    folder = _resolve(spec.data_root) / f"province_{spec.province.slug}"
    raw = yaml.safe_load(yaml.safe_dump(template))  # a deep copy
    raw["district"].update(
        slug=entry.slug, name=entry.name, type=entry.type, district_code=entry.district_code,
        legacy_district_name=entry.legacy_district_name, province=spec.province.name,
        province_code=spec.province.code,
    )  # fmt: skip
    if spec.province.region:
        raw["district"]["region"] = spec.province.region
    if raw.get("data", {}).get("synthetic"):
        raw["data"]["household_lists"] = str(folder / entry.slug / "lists")
        raw["data"]["household_totals"] = str(folder / entry.slug / "tong_so_ho.xlsx")
        sample = raw.setdefault("sample", {})
        sample["seed"] = int(sample.get("seed", 0)) + 1000 * (index + 1)
        households = entry.households or spec.households
        if households:
            sample["households"] = households
    template_name = f"{template['district'].get('type', 'Huyện')} {template['district']['name']}"
    for target in raw.get("targets", []):
        target["source"] = f"Mục tiêu mẫu theo {template_name}: {target.get('source', '')}"
        target["verified"] = False
    if raw.get("allocation"):
        raw["allocation"]["remote_communes"] = []  # the template's own communes
    raw.get("sample", {}).pop("pressure", None)  # patterns planted in the template's communes
    raw.pop("documents", None)  # the issuers default from the district's own names
    raw = merge(raw, entry.overrides)
    text = "# Written by `analysis run` from the province config; edits are overwritten.\n"
    text += yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)
    path = folder / f"{entry.slug}.yaml"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return path


def merge(base, override):
    """`override` merged into `base`: mappings key by key, a list of targets by their id
    (from a mapping id -> fields), anything else replaced."""
    if isinstance(base, dict) and isinstance(override, dict):
        return {**base, **{k: merge(base.get(k), v) for k, v in override.items()}}
    if isinstance(base, list) and isinstance(override, dict):
        ids = {item.get("id") for item in base if isinstance(item, dict)}
        unknown = sorted(set(override) - ids)
        if unknown:
            raise UserError(
                f"overrides: không có chỉ tiêu {', '.join(map(str, unknown))} trong mẫu"
            )
        return [merge(item, override.get(item.get("id"), {})) for item in base]
    return override


def _run_one(
    config: str, year: int, out_root: str | None, kwargs: dict
) -> tuple[str | None, str | None]:
    """One district's cycle in a worker: (final folder, None) or (None, the error message)."""
    import os

    from analysis.pipeline import run_cycle
    from analysis.progress import ENV

    os.environ[ENV] = "0"  # this process is one district of the province's bar
    try:
        final = run_cycle(config, year, out_root=Path(out_root) if out_root else None,
                          progress=False, **kwargs)  # fmt: skip
        return str(final), None
    except UserError as exc:
        return None, str(exc)
    except Exception as exc:  # one district's bug must not stop the others: reported
        return None, f"{type(exc).__name__}: {exc}"


def run_districts(
    run_set: RunSet,
    year: int,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    out_root: Path | None = None,
    progress: bool = True,
    **kwargs,
) -> list[DistrictRun]:
    """Every district's cycle, at most `workers` at once (or on the Dask scheduler)."""
    jobs = [(str(c), int(year), str(out_root) if out_root else None, kwargs)
            for c in run_set.configs]  # fmt: skip
    slugs = {str(c): load_config(c).district.slug for c in run_set.configs}
    results: dict[str, tuple[str | None, str | None]] = {}
    bar = progress_bar(total=len(jobs), desc="Các huyện", unit="huyện", enabled=progress,
                       delay=0)  # fmt: skip
    with bar, _executor(workers, scheduler) as pool:
        futures: dict[Future, str] = {pool.submit(_run_one, *job): job[0] for job in jobs}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            bar.set_postfix_str(slugs[futures[future]])
            bar.update()
    return [
        DistrictRun(
            Path(c), slugs[c], Path(results[c][0]) if results[c][0] else None, results[c][1]
        )  # fmt: skip
        for c, *_ in jobs
    ]


def _executor(workers: int, scheduler: str | None):
    """A concurrent.futures executor: processes (spawned: no state shared with this one)
    or, with `scheduler`, the Dask cluster's (its workers need the project at the same path)."""
    if scheduler:
        from analysis.scale.distributed import client_executor

        return client_executor(scheduler)
    return ProcessPoolExecutor(max_workers=max(1, workers),
                               mp_context=multiprocessing.get_context("spawn"))  # fmt: skip


def run_province(
    paths: Sequence[Path],
    year: int,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    out_root: Path | None = None,
    progress: bool = True,
    run_date: date | None = None,
    **kwargs,
) -> tuple[list[DistrictRun], Path]:
    """The districts' cycles, then the province roll-up; (district runs, province folder).

    A district that fails is named with its error; the roll-up is then not built (a
    province total without a district would be wrong), the other districts' results stay."""
    from analysis.scale.rollup import build_rollup

    run_set = load_run_set(paths)
    runs = run_districts(run_set, year, workers=workers, scheduler=scheduler, out_root=out_root,
                         progress=progress, run_date=run_date, **kwargs)  # fmt: skip
    failed = [r for r in runs if r.error]
    if failed:
        lines = "\n".join(f"  - {r.slug}: {r.error}" for r in failed)
        done = ", ".join(r.slug for r in runs if not r.error) or "không có"
        raise UserError(
            f"{len(failed)}/{len(runs)} huyện chạy không thành công:\n{lines}\n"
            f"Kết quả các huyện đã xong ({done}) vẫn được lưu; chưa lập bảng tổng hợp tỉnh "
            f"{run_set.province.name}."
        )
    final = build_rollup(run_set.province, [(r.config, r.final) for r in runs], year,
                         out_root=out_root, run_date=run_date)  # fmt: skip
    return runs, final
