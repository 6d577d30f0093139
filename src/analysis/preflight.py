"""Check a district config against its data before any notebook runs.

    check_config(config, year=None) -> [{"severity": "error" | "warning", "message": "..."}]

Errors stop a run (`run_cycle`; input files the ingest cannot read are left to notebook 01,
which reports them file by file) and make `analysis validate --config` exit non-zero:
target metrics, indicators and populations the suite does not know, allocation criteria
it cannot compute, the baseline year missing from the data, a commune of the district
with no data in a year that has data, a boundary file missing, unreadable, without its
declared code/name field or failing its checks (analysis.geography.checks), a map scheme the
suite does not draw; with the run `year`: the year outside the config's periods, standards or
units ranges, or without any list or summary table. Messages are Vietnamese and name the
value, the config key and the file.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import get_args

import pandas as pd

from analysis.allocation import ALLOCATION_CRITERIA
from analysis.config import Config, Maps
from analysis.errors import UserError
from analysis.schema import DEPRIVATION_COLUMNS
from analysis.targets.scorecard import TARGET_METRICS

POPULATIONS = ("poor", "near_poor", "poor_or_near_poor")
ERROR, WARNING = "error", "warning"
INPUT = "input"  # kind of the problems the ingest step itself reports, file by file


MISSING_LIST = "missing_list"  # a commune with a resident total and no list that year

_kept: dict | None = None  # set by `keeping_review`: the review `check_data` read


@contextlib.contextmanager
def keeping_review() -> Iterator[dict]:
    """Inside, `check_data` keeps the review it read in the yielded dict ("review"), for the
    run to hand to notebook 01 (analysis.workbench.review_cache)."""
    global _kept
    saved, _kept = _kept, {}
    try:
        yield _kept
    finally:
        _kept = saved


def _item(severity: str, message: str) -> dict:
    return {"severity": severity, "message": message}


def _file(config: Config) -> str:
    """The config file, for messages."""
    return f"tệp cấu hình {config.source_path.name}" if config.source_path else "cấu hình"


MAP_SCHEMES = get_args(Maps.model_fields["scheme"].annotation)


def check_targets(config: Config) -> list[dict]:
    out = []
    for i, t in enumerate(config.targets):
        key = f"targets[{i}] ({t.id})"
        if t.metric not in TARGET_METRICS:
            out.append(_item(ERROR, f"{key}: phép đo '{t.metric}' không được hỗ trợ; các phép đo "
                                    f"hợp lệ: {', '.join(TARGET_METRICS)}."))  # fmt: skip
        bad = [p for p in t.population if p not in POPULATIONS]
        if bad:
            out.append(_item(ERROR, f"{key}: nhóm hộ {', '.join(bad)} không hợp lệ; các nhóm hợp "
                                    f"lệ: {', '.join(POPULATIONS)}."))  # fmt: skip
        if t.metric == "deprivation_share_pct_max" and t.indicator not in DEPRIVATION_COLUMNS:
            out.append(_item(ERROR, f"{key}: chỉ số thiếu hụt '{t.indicator}' không có; các chỉ "
                                    f"số hợp lệ: {', '.join(DEPRIVATION_COLUMNS)}."))  # fmt: skip
        if t.metric == "monitoring_share_pct_min" and not config.data.monitoring:
            out.append(_item(ERROR, f"{key}: chỉ tiêu đo bằng sổ theo dõi chương trình nhưng "
                                    "cấu hình không khai báo data.monitoring."))  # fmt: skip
        needs_low = t.metric in ("poor_rate_annual_fall_pp", "commune_multidim_rate_pct_above",
                                 "monitoring_share_pct_min")  # fmt: skip
        if t.metric in TARGET_METRICS and (t.low if needs_low else t.high) is None:
            bound = "low" if needs_low else "high"
            out.append(_item(ERROR, f"{key}: phép đo '{t.metric}' cần ngưỡng '{bound}'."))
    ids = [t.id for t in config.targets]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        out.append(_item(ERROR, f"targets: mã chỉ tiêu '{dup}' dùng cho nhiều chỉ tiêu."))
    return out


def check_allocation(config: Config) -> list[dict]:
    if config.allocation is None:
        return []
    out = []
    for i, c in enumerate(config.allocation.criteria):
        if c.name not in ALLOCATION_CRITERIA:
            out.append(_item(ERROR, f"allocation.criteria[{i}]: tiêu chí '{c.name}' không tính "
                                    f"được; các tiêu chí hợp lệ: {', '.join(ALLOCATION_CRITERIA)}."))  # fmt: skip
    if config.allocation.criteria and sum(c.weight for c in config.allocation.criteria) <= 0:
        out.append(_item(ERROR, "allocation.criteria: tổng trọng số phải dương."))
    return out + check_envelope_file(config)


def check_envelope_file(config: Config) -> list[dict]:
    """The envelope file opens, validates, and every budget year in it gives rules (sources
    known, support types declared, criteria computable and weighted)."""
    from analysis.budget.criteria import check_names
    from analysis.budget.rules import load_envelope_file, load_rules

    if config.allocation is None or config.allocation.envelope_file is None:
        return []
    try:
        path = config.resolve(config.allocation.envelope_file)
        data = load_envelope_file(path)
        for year in sorted({e.budget_year for e in data.envelopes}):
            rules = load_rules(config, year)
            for e in rules.envelopes:
                where = f"{path}: năm {year}, dự án {e.project}, nguồn {e.source_name}"
                check_names(list(e.criteria), where)
    except UserError as exc:
        return [_item(ERROR, str(exc))]
    return []


def check_boundaries(config: Config) -> list[dict]:
    """The boundary file exists, opens, has the declared code/name fields, and passes the
    geometry checks: matched, of the declared vintage, one polygon per unit (areas against
    the registry); repairs and mismatches as warnings."""
    raw = config.boundaries.path
    if raw is None:
        return []
    from analysis.geography import boundary_problems
    from analysis.geography.boundaries import read_boundary_file, resolve_boundary_path
    from analysis.registry import registry_for

    where = f"(khóa boundaries.path = {raw}, {_file(config)})"
    try:
        path = resolve_boundary_path(config)
    except UserError:
        return [_item(ERROR, f"boundaries.path: không tìm thấy tệp ranh giới {raw}, cả trong "
                             f"thư mục shapefiles/ {where}.")]  # fmt: skip
    if not path.is_file():
        return [_item(ERROR, f"boundaries.path: {path} không phải một tệp {where}.")]
    try:
        gdf = read_boundary_file(path)
    except UserError as exc:
        return [_item(ERROR, f"boundaries.path: {exc} {where}")]
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return [_item(ERROR, f"boundaries.path: không mở được tệp ranh giới {path.name} "
                             f"({reason}) {where}.")]  # fmt: skip
    except Exception as exc:  # any reader failure is the user's file, said plainly
        return [_item(ERROR, f"boundaries.path: không đọc được tệp ranh giới {path.name} "
                             f"({exc}) {where}.")]  # fmt: skip
    fields = [c for c in gdf.columns if c != "geometry"]
    out = []
    for key in ("code_field", "name_field"):
        given = getattr(config.boundaries, key)
        if given is not None and given not in fields:
            out.append(_item(ERROR, f"boundaries.{key}: tệp ranh giới {path.name} không có trường "
                                    f"'{given}' ({_file(config)}); các trường có: "
                                    f"{', '.join(fields) or '(không có)'}."))  # fmt: skip
    if out:
        return out
    try:
        _, found = boundary_problems(config, registry_for(config))
    except UserError as exc:
        return [_item(ERROR, f"boundaries.path: {exc} {where}")]
    except Exception as exc:  # any reader failure is the user's file, said plainly
        return [_item(ERROR, f"boundaries.path: không đọc được tệp ranh giới {path.name} "
                             f"({exc}) {where}.")]  # fmt: skip
    return [
        _item(p.severity, f"boundaries.path ({path.name}): {p.message}")
        for p in found
        if p.severity in (ERROR, WARNING)
    ]


def check_maps(config: Config) -> list[dict]:
    scheme = config.maps.scheme
    if scheme not in MAP_SCHEMES:
        return [_item(ERROR, f"maps.scheme: cách chia lớp bản đồ '{scheme}' không được hỗ trợ "
                             f"({_file(config)}); các giá trị hợp lệ: {', '.join(MAP_SCHEMES)}.")]  # fmt: skip
    return []


def check_year(config: Config, year: int) -> list[dict]:
    """The run year inside the config's periods, standards and units ranges."""
    out = []
    src = _file(config)
    for key, ranges in (("standards", config.standards), ("units", config.units)):
        if not any(r.covers(year) for r in ranges):
            span = ", ".join(f"{r.from_year}–{r.to_year}" for r in ranges) or "(trống)"
            out.append(_item(ERROR, f"{key}: năm chạy {year} (tham số --year) nằm ngoài các "
                                    f"khoảng năm của khóa '{key}' ({span}) trong {src}."))  # fmt: skip
    base, target = config.periods.baseline_year, config.periods.target_year
    if year < base:
        out.append(_item(ERROR, f"periods.baseline_year: năm chạy {year} (tham số --year) trước "
                                f"năm đầu kỳ {base} của {src}; các năm chạy được: từ {base}."))  # fmt: skip
    elif year > target:
        out.append(_item(WARNING, f"periods.target_year: năm chạy {year} sau năm cuối kỳ {target} "
                                  f"của {src}; chỉ tiêu được đánh giá theo kỳ kế hoạch đó."))  # fmt: skip
    return out


def data_years(households: pd.DataFrame, summary: pd.DataFrame) -> dict[int, set[str]]:
    """Year -> commune codes with a list or a summary-table row that year."""
    out: dict[int, set[str]] = {}
    for table in (households, summary):
        if table is None or table.empty:
            continue
        for year, codes in table.groupby("year")["commune_code"]:
            out.setdefault(int(year), set()).update(codes.dropna().astype(str))
    return out


def _data_places(config: Config) -> str:
    parts = [f"data.{key} = {value}" for key in ("household_lists", "summary_tables")
             if (value := getattr(config.data, key)) is not None]  # fmt: skip
    return "; ".join(parts)


def check_data(config: Config, year: int | None = None) -> list[dict]:
    """Baseline year present; every commune present each year with data; the run `year`
    has data (reads the inputs)."""
    from analysis.ingest import collect_review
    from analysis.ingest.review import fatal_message
    from analysis.registry import registry_for

    if config.data.household_lists is None and config.data.summary_tables is None:
        return [_item(ERROR, "data: cấu hình không khai báo household_lists hay summary_tables.")]
    review = collect_review(config)
    if _kept is not None:
        _kept["review"] = review
    if not review.ok:  # unreadable inputs: the other data checks would only mislead
        return [dict(_item(ERROR, fatal_message(review.problems, limit=5)), kind=INPUT)]
    out = []
    years = data_years(review.households, review.summary)
    if not years:
        return out + [_item(ERROR, "Không có năm rà soát nào có danh sách hộ hoặc biểu tổng hợp.")]
    have = ", ".join(str(y) for y in sorted(years))
    if year is not None and year not in years:
        out.append(_item(ERROR, f"Năm chạy {year} (tham số --year) không có danh sách hộ hay biểu "
                                f"tổng hợp nào ({_data_places(config)}; {_file(config)}); các năm "
                                f"có số liệu: {have}."))  # fmt: skip
    base = config.periods.baseline_year
    if base not in years:
        out.append(_item(ERROR, f"periods.baseline_year: dữ liệu không có năm đầu kỳ {base} "
                                f"(danh sách hộ hoặc biểu tổng hợp); các năm có số liệu: {have}."))  # fmt: skip
    for t in config.targets:
        if t.baseline_year and t.baseline_year not in years:
            out.append(_item(ERROR, f"Chỉ tiêu {t.id}: dữ liệu không có năm đầu kỳ "
                                    f"{t.baseline_year}; các năm có số liệu: {have}."))  # fmt: skip
    registry = registry_for(config)
    for year in sorted(years):
        try:
            names = registry.names(config.vintage_for(year))
        except UserError as exc:
            out.append(_item(ERROR, str(exc)))
            continue
        missing = sorted(set(names) - years[year])
        counted = set(review.totals.loc[review.totals["year"] == year, "commune_code"].astype(str))
        for group, kind, hint in (
            ([c for c in missing if c in counted], MISSING_LIST,
             " Bổ sung danh sách (xã không có hộ nghèo, cận nghèo nộp danh sách trống có tiêu "
             "đề), hoặc chạy với --allow-incomplete để đánh dấu 'thiếu số liệu'."),
            ([c for c in missing if c not in counted], "", " Các xã này cũng không có tổng số hộ: "
             "bổ sung số liệu của xã."),
        ):  # fmt: skip
            if group:
                listed = ", ".join(f"{names[c]} ({c})" for c in group)
                text = (f"Năm {year}: {len(group)}/{len(names)} xã của huyện không có danh sách "
                        f"hộ hay biểu tổng hợp: {listed}.{hint}")  # fmt: skip
                out.append(dict(_item(ERROR, text), kind=kind))
    return out


def check_config(config: Config, data: bool = True, year: int | None = None) -> list[dict]:
    """Every problem of the config against the suite and (with `data`) against its data;
    with `year`, the run year against the config's ranges and the data."""
    out = check_targets(config) + check_allocation(config) + check_maps(config)
    out += check_boundaries(config)
    if year is not None:
        out += check_year(config, year)
    if data:
        out += check_data(config, year)
    return out


def errors(problems: list[dict]) -> list[dict]:
    return [p for p in problems if p["severity"] == ERROR]


def to_text(problems: list[dict], config: Config) -> str:
    name = f"{config.district.type} {config.district.name}"
    if not problems:
        return f"Cấu hình {name}: ĐẠT (cấu hình khớp với dữ liệu)."
    label = {ERROR: "Lỗi", WARNING: "Cảnh báo"}
    head = f"Cấu hình {name}: {'KHÔNG ĐẠT' if errors(problems) else 'ĐẠT, có cảnh báo'}"
    return "\n".join(
        [head + ":", *(f"  - {label[p['severity']]}: {p['message']}" for p in problems)]
    )


def require_ok(config: Config, year: int | None = None) -> list[str]:
    """Raise a UserError listing every error; return the warnings' messages. Unreadable input
    files are left to the ingest step, which stops with its full report (file, row, column)."""
    # unreadable inputs and communes with a total but no list are the ingest step's: it
    # reports them in full and honours --allow-incomplete
    problems = check_config(config, year=year)
    found = [p for p in errors(problems) if p.get("kind") not in (INPUT, MISSING_LIST)]
    if found:
        raise UserError(
            "Kiểm tra cấu hình trước khi chạy không đạt:\n"
            + "\n".join(f"  - {p['message']}" for p in found)
        )
    return [p["message"] for p in problems if p["severity"] == WARNING]
