"""`read_review`: every input of a district's review, read, checked and pseudonymised."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from analysis.errors import UserError
from analysis.ingest.collect import collect_tables
from analysis.ingest.communes import CommuneMatcher
from analysis.ingest.headers import KINDS
from analysis.ingest.households import (
    build_households,
    empty_households,
    file_commune,
    file_year,
)
from analysis.ingest.privacy import (
    MACHINE_KEY_FILE,
    describe_key_change,
    key_changes,
    key_history,
    key_years_table,
    load_key,
)
from analysis.ingest.problems import SEVERITY_LABELS_VI, ProblemLog
from analysis.ingest.report import MAPPING_COLUMNS, ValidationReport
from analysis.ingest.summary import (
    build_summary,
    check_summary_against_lists,
    empty_summary,
    fill_households_from_totals,
    warn_missing_households,
)
from analysis.ingest.totals import build_totals, empty_totals
from analysis.registry import registry_for
from analysis.vietnamese import format_number

REJECT_KEYS = ["table", "file", "sheet", "row", "reason"]
GROUP_KINDS = {
    "households": ("households",),
    "totals": ("totals",),
    "summary": ("results", "dynamics_poor", "dynamics_near_poor"),
}
GROUP_OF_KIND = {kind: group for group, kinds in GROUP_KINDS.items() for kind in kinds}
GROUP_WHAT = {
    "households": "thư mục danh sách hộ",
    "totals": "tệp tổng số hộ",
    "summary": "thư mục biểu tổng hợp",
}
FILE_COLUMNS = ["file", "sheet", "table", "n_read", "n_accepted", "n_rejected"]
STAT_COLUMNS = ["year", "commune_code", "n_households", "n_persons", "n_poor", "n_near_poor"]
MISSING_LIST_COLUMNS = ["year", "commune_code", "commune_name"]
MISSING_LISTS_HINT = (
    "Các xã trên có tổng số hộ nhưng không có danh sách hộ nghèo, cận nghèo năm đó: tỷ lệ của "
    "các xã này không tính được (không phải 0%). Cách xử lý: bổ sung danh sách hộ của các xã này "
    "(xã không có hộ nghèo, cận nghèo thì nộp một danh sách rỗng, chỉ có dòng tiêu đề), hoặc chạy "
    "lại với --allow-incomplete (make run ALLOW_INCOMPLETE=1) để đánh dấu các xã này "
    "'thiếu số liệu' trong mọi bảng, bản đồ và tài liệu."
)


@dataclass
class Review:
    """What a review's inputs hold, after validation. No column names a person."""

    households: pd.DataFrame  # canonical household table + head_key
    totals: pd.DataFrame  # schema.TOTALS_COLUMNS
    summary: pd.DataFrame  # commune x year counts from summary tables, source="summary"
    rejects: pd.DataFrame  # rejected rows: table, file, sheet, row, reason + non-personal values
    problems: pd.DataFrame  # every problem (problems.PROBLEM_COLUMNS)
    files: pd.DataFrame  # FILE_COLUMNS: read = accepted + rejected per file and sheet
    fuzzy_matches: pd.DataFrame  # commune names matched approximately
    years_available: list[int] = field(default_factory=list)
    mappings: pd.DataFrame = field(default_factory=pd.DataFrame)  # header -> column decisions
    summary_rows: pd.DataFrame = field(default_factory=pd.DataFrame)  # summary tables per commune
    # communes with a resident total but no list (not even an empty one) in a year with lists
    missing_lists: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=MISSING_LIST_COLUMNS)
    )
    # year, fingerprint: the pseudonym key each year's households were read with (this run)
    key_years: pd.DataFrame = field(default_factory=lambda: key_years_table([], None))
    # year, fingerprint: the district's earlier outputs made with another key (see read_review)
    key_changes: pd.DataFrame = field(default_factory=lambda: key_years_table([], None))

    @property
    def key_fingerprint(self) -> str | None:
        """Fingerprint of the key the lists were pseudonymised with; None without lists."""
        found = self.key_years["fingerprint"].unique()
        return str(found[0]) if len(found) == 1 else None

    @property
    def ok(self) -> bool:
        return not (self.problems["severity"] == "fatal").any()


class IngestError(UserError):
    """Fatal input problems; `.review` holds everything read so far, for the report."""

    def __init__(self, message: str, review: Review):
        super().__init__(message)
        self.review = review


def read_review(
    config,
    years: list[int] | None = None,
    report_dir: str | Path | None = None,
    *,
    for_run: bool = False,
    allow_incomplete: bool = False,
    key_history_dir: str | Path | None = None,
    collected: Review | None = None,
) -> Review:
    """Read the lists, the totals and the summary tables named in the config.

    Raises IngestError (a UserError) naming every fatal problem (unreadable file,
    missing required column, unknown year...) after reading everything, so one run
    shows them all. With `report_dir`, the validation report (XLSX, HTML, markdown) is
    written there first, also when the run stops.

    `for_run`: the review feeds a run. Then a commune with a resident total but no
    list in a year with lists (`Review.missing_lists`) is fatal, unless
    `allow_incomplete`, where it stays a warning and the run marks the commune
    "thiếu số liệu". Outside a run it is always a warning.

    `key_history_dir`: the district's output folder (`outputs/<slug>`). Earlier outputs
    whose manifest records another pseudonym key are listed in `Review.key_changes` and
    warned about loudly (their household codes do not link with this run's).

    `collected`: what `collect_review(config, years)` gave for these same inputs (the run's
    preflight read them: `analysis.workbench.review_cache`), used instead of reading again.
    """
    review = collected if collected is not None else collect_review(config, years)
    found = boundary_problems(config)  # the configured boundary file, checked with the inputs
    if not found.empty:
        review.problems = pd.concat([review.problems, found], ignore_index=True)
    if key_history_dir is not None:
        review = _check_key_history(review, Path(key_history_dir))
    if for_run and not allow_incomplete:
        review = _missing_lists_fatal(review)
    if report_dir is not None:
        note = "Dữ liệu mô phỏng – không phải số liệu thật." if config.data.synthetic else ""
        write_validation_report(review, report_dir, note)
    if not review.ok:
        raise IngestError(fatal_message(review.problems), review)
    return review


def _check_key_history(review: Review, outputs_dir: Path) -> Review:
    """The review with the earlier outputs made with another key, and the warning."""
    fingerprint = review.key_fingerprint
    if fingerprint is None:
        return review
    changes = key_changes(key_history(outputs_dir), fingerprint)
    if changes.empty:
        return review
    log = ProblemLog()
    log.add("warning", describe_key_change(changes, fingerprint))  # first: the loudest
    log.add_frame(review.problems)
    return replace(review, problems=log.frame(), key_changes=changes)


def describe_key_check(review: Review) -> str:
    """The pseudonym key of the review against the district's earlier outputs, in Vietnamese."""
    fingerprint = review.key_fingerprint
    if fingerprint is None:
        return "Không có danh sách hộ nào được đọc: không dùng khóa ẩn danh."
    if not review.key_changes.empty:
        return describe_key_change(review.key_changes, fingerprint)
    return (
        f"Khóa ẩn danh có dấu vân tay {fingerprint} (không phải khóa): trùng với khóa của mọi kết "
        "quả đã xuất của huyện, hoặc huyện chưa có kết quả nào trước đây."
    )


def _missing_lists_fatal(review: Review) -> Review:
    """The review with its missing-list warnings raised to fatal problems."""
    if review.missing_lists.empty:
        return review
    problems = review.problems.copy()
    problems.loc[problems["message"].str.contains(MISSING_LIST_MARK, regex=False), "severity"] = (
        "fatal"
    )
    return replace(review, problems=problems)


def collect_review(config, years: list[int] | None = None) -> Review:
    """As `read_review`, but fatal problems are returned in `.problems`, not raised."""
    sources = {
        "households": config.resolve(config.data.household_lists),
        "totals": config.resolve(config.data.household_totals),
        "summary": config.resolve(config.data.summary_tables),
    }
    return ingest({k: v for k, v in sources.items() if v is not None}, config, years)


BOUNDARY_SEVERITY = {"error": "fatal", "warning": "warning", "info": "info"}


def boundary_problems(config) -> pd.DataFrame:
    """The configured boundary file's findings as input problems (PROBLEM_COLUMNS), the match
    summary ("9/9 đơn vị khớp") first; a boundary error is fatal. Empty without a file."""
    from analysis.geography import boundary_problems as find

    log = ProblemLog()
    if config.boundaries.path is None:
        return log.frame()
    file = Path(str(config.boundaries.path)).name
    summary, found = find(config, registry_for(config))
    log.add("info", f"Ranh giới: {summary}", file)
    for p in found:
        log.add(BOUNDARY_SEVERITY[p.severity], p.message, file, column="Đơn vị", value=p.unit)
    return log.frame()


def validate_path(path: str | Path, config) -> ValidationReport:
    """Check one file or a folder of any input kind; never raises for bad input."""
    path = Path(path)
    log = ProblemLog()
    matcher = CommuneMatcher(registry_for(config))
    tables = collect_tables(path, KINDS, log, "tệp hoặc thư mục", config.data.limits)
    by_group: dict[str, list] = {}
    for t in tables:
        by_group.setdefault(GROUP_OF_KIND[t.header.kind], []).append(t)
    review = _build(by_group, {g: path for g in by_group}, config, matcher, log, None)
    if path.is_dir() and not review.households.empty:
        check_lists_complete(review, config, matcher, log)
        review.problems = log.frame()
    return validation_report(review)


def check_lists_complete(review: Review, config, matcher: CommuneMatcher, log: ProblemLog) -> None:
    """In a folder of lists, every commune expected in a year that has lists has one: the
    communes of the resident totals (the folder's, else the config's), else every unit of the
    district in that year's vintage. A missing list would read as 0 % poor: fatal."""
    totals = review.totals
    if totals.empty and config.data.household_totals is not None:
        path = config.resolve(config.data.household_totals)
        if path.exists():
            quiet = ProblemLog()
            tables = collect_tables(
                path, ("totals",), quiet, GROUP_WHAT["totals"], config.data.limits
            )
            totals, *_ = build_totals(tables, path, config, matcher, quiet, None)
    households = review.households
    for year in sorted(households["year"].astype(int).unique()):
        listed = set(households.loc[households["year"] == year, "commune_code"].astype(str))
        vintage = config.vintage_for(int(year))
        names = matcher.names(vintage)
        if not totals.empty and (totals["year"] == year).any():
            expected, source = set(totals.loc[totals["year"] == year, "commune_code"]), "tổng số hộ"
        else:
            expected, source = set(names), "danh mục đơn vị hành chính"
        for code in sorted(expected - listed):
            log.add("fatal", f"năm {year}: xã {names.get(code, code)} ({code}) có trong {source} "
                    "nhưng không có danh sách hộ: thêm danh sách của xã (nếu xã không có hộ nghèo, "
                    "cận nghèo, nộp danh sách trống có tiêu đề)", column="Mã xã", value=code)  # fmt: skip


def ingest(sources: dict[str, Path], config, years: list[int] | None) -> Review:
    log = ProblemLog()
    matcher = CommuneMatcher(registry_for(config))
    tables = {
        group: collect_tables(root, GROUP_KINDS[group], log, GROUP_WHAT[group], config.data.limits)
        for group, root in sources.items()
    }
    return _build(tables, sources, config, matcher, log, years)


def _build(tables, roots, config, matcher: CommuneMatcher, log: ProblemLog, years) -> Review:
    """Build the tables of each input group found, then check them against each other."""
    households, totals, summary = empty_households(), empty_totals(), empty_summary()
    summary_rows = None
    key = None
    parts: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = {}
    if "households" in tables:
        key = load_key(config.data.pseudonym_key_env, config.resolve(MACHINE_KEY_FILE))
        if key.warning:
            log.add("warning", key.warning)
        households, *parts["households"] = build_households(
            tables["households"], roots["households"], config, matcher, key, log, years
        )
    if "totals" in tables:
        totals, *parts["totals"] = build_totals(
            tables["totals"], roots["totals"], config, matcher, log, years
        )
    if "summary" in tables:
        summary, *parts["summary"], summary_rows = build_summary(
            tables["summary"], roots["summary"], config, matcher, log, years
        )
    present = empty_lists(tables.get("households", []), roots.get("households"), config, matcher)
    summary, missing = cross_check(households, totals, summary, log, present)
    report_fuzzy_matches(matcher, log)
    files = file_table(parts)
    check_losses(files, config.data.max_rejected_share, log)
    check_commune_sizes(files, households, totals, config.data.limits, log)
    found = [r for r, _ in parts.values() if not r.empty]
    rejects = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=REJECT_KEYS)
    years_found = set(households["year"].astype(int)) | set(summary["year"].astype(int))
    return Review(
        households=households,
        totals=totals,
        summary=summary,
        rejects=rejects,
        problems=log.frame(),
        files=files,
        fuzzy_matches=matcher.fuzzy_frame(),
        years_available=sorted(years_found),
        mappings=mapping_table([t for group in tables.values() for t in group]),
        summary_rows=summary_rows if summary_rows is not None else pd.DataFrame(),
        missing_lists=missing,
        key_years=key_years_table(households["year"].astype(int), key),
    )


def mapping_table(tables: list) -> pd.DataFrame:
    """Every header decision: file, sheet, header as written, canonical column, score, how."""
    rows = [
        {"file": t.file, "sheet": t.sheet, "header": t.header.labels[pos], "column": m.column,
         "score": m.score, "how": m.how}
        for t in tables
        for pos, m in sorted(t.header.matches.items())
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=MAPPING_COLUMNS)


def cross_check(
    households, totals, summary, log: ProblemLog, empty: set[tuple[int, str]] = frozenset()
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Lists against totals, summary tables against totals and lists.

    Returns (summary, missing lists: MISSING_LIST_COLUMNS)."""
    missing = pd.DataFrame(columns=MISSING_LIST_COLUMNS)
    if not totals.empty and (not households.empty or empty):
        missing = check_coverage(households, totals, log, empty)
    if not summary.empty and not totals.empty:
        summary = fill_households_from_totals(summary, totals, log)
    warn_missing_households(summary, log)
    if not summary.empty and not households.empty:
        check_summary_against_lists(summary, households, log)
    return summary, missing


def report_fuzzy_matches(matcher: CommuneMatcher, log: ProblemLog) -> None:
    for m in matcher.matches:
        log.add("warning", f"tên xã '{m['written']}' không khớp chính xác; đã dùng '{m['name']}' "
                f"(mã {m['code']}, độ giống {format_number(m['score'], 1)}%)", m["file"],
                column="Xã", value=m["written"])  # fmt: skip


def validation_report(review: Review) -> ValidationReport:
    """The report of a review: `.to_text()`, `.to_markdown()`, `.to_html()`, `.write(dir)`."""
    return ValidationReport(
        review.problems,
        review.files,
        review.rejects,
        review.fuzzy_matches,
        review.mappings,
        review.summary_rows,
    )


def write_validation_report(review: Review, out_dir: str | Path, note: str = "") -> dict[str, Path]:
    """XLSX of problems + per-file reconciliation, HTML fragment and markdown, in `out_dir`."""
    return validation_report(review).write(out_dir, note)


def file_table(parts: dict[str, tuple[pd.DataFrame, pd.DataFrame]]) -> pd.DataFrame:
    """Per file and sheet: read = accepted + rejected; for lists also the year, commune,
    households, persons, poor and near-poor accepted."""
    frames = []
    for table, (_, counts) in parts.items():
        if counts.empty:
            continue
        c = counts.copy()
        c["table"] = table
        c["n_accepted"] = c["n_read"] - c["n_rejected"]
        frames.append(c.reindex(columns=FILE_COLUMNS + STAT_COLUMNS))
    if not frames:
        return pd.DataFrame(columns=FILE_COLUMNS + STAT_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    for col in ("n_read", "n_accepted", "n_rejected"):
        out[col] = out[col].astype("int64")
    listed = out["table"] == "households"
    for col in ("n_households", "n_persons", "n_poor", "n_near_poor"):
        out[col] = pd.to_numeric(out[col]).astype("Int64")
        out.loc[listed, col] = out.loc[listed, col].fillna(0)
    return out


def check_losses(files: pd.DataFrame, max_share: float, log: ProblemLog) -> None:
    """A file that yields nothing, or loses more than `max_share` of its rows, is fatal."""
    if files.empty:
        return
    per_file = files.groupby(["table", "file"], sort=False)[["n_read", "n_rejected"]].sum()
    for (table, file), rec in per_file.iterrows():
        read, rejected = int(rec["n_read"]), int(rec["n_rejected"])
        what = "hộ" if table == "households" else "dòng"
        if read and rejected == read and table == "households":
            log.add("fatal", f"không nhận được {what} nào: cả {format_number(read)} dòng bị loại "
                    "(xem lý do ở các lỗi của tệp)", file)  # fmt: skip
        elif read and rejected / read > max_share:
            log.add("fatal", f"tệp mất {format_number(100 * rejected / read, 1)}% số dòng "
                    f"({format_number(rejected)}/{format_number(read)} dòng bị loại), vượt ngưỡng "
                    f"{format_number(100 * max_share, 1)}% (data.max_rejected_share): sửa các dòng "
                    "bị loại rồi kiểm tra lại", file)  # fmt: skip


def check_commune_sizes(files, households, totals, limits, log: ProblemLog) -> None:
    """Fatal: a commune and year whose lists hold more rows than
    `data.limits.max_rows_per_commune_year`, or more accepted households than the
    commune's resident households (every listed household, escaped ones included, is a
    resident household)."""
    lists = files[files["table"] == "households"] if not files.empty else files
    if not lists.empty:
        rows = lists.groupby(["year", "commune_code"], dropna=True)["n_read"].sum()
        for (year, code), n in rows.items():
            if n > limits.max_rows_per_commune_year:
                log.add("fatal", f"năm {year}: danh sách hộ của xã {code} có {format_number(n)} "
                        "dòng, vượt giới hạn "
                        f"{format_number(limits.max_rows_per_commune_year)} dòng (khóa cấu hình "
                        "data.limits.max_rows_per_commune_year)", column="Mã xã",
                        value=str(code))  # fmt: skip
    if households.empty or totals.empty:
        return
    listed = households.groupby([households["year"].astype(int), "commune_code"]).size()
    resident = totals.assign(year=totals["year"].astype(int)).set_index(["year", "commune_code"])
    resident = resident["n_households"]
    both = listed.to_frame("listed").join(resident.rename("resident"), how="inner")
    for (year, code), rec in both[both["listed"] > both["resident"]].iterrows():
        log.add("fatal", f"năm {year}: danh sách hộ của xã {code} có {format_number(rec.listed)} "
                f"hộ, nhiều hơn tổng số hộ của xã ({format_number(rec.resident)}, tệp tổng số "
                "hộ): kiểm tra dòng trùng trong danh sách hoặc số ghi ở tệp tổng số hộ",
                column="Mã xã", value=str(code))  # fmt: skip


MISSING_LIST_MARK = "có tổng số hộ nhưng không có danh sách hộ"


def empty_lists(tables, root, config, matcher: CommuneMatcher) -> set[tuple[int, str]]:
    """(year, commune code) of the list files that are present but hold no household.

    Only such an explicit empty list (the header, no rows) says "no poor, no near-poor
    household in this commune this year"; a list that is absent says nothing.
    """
    found, scratch = set(), ProblemLog()
    for t in tables:
        if not t.table.data.empty or t.header.kind != "households":
            continue
        year = file_year(t, root, scratch)
        if year is None:
            continue
        try:
            vintage = config.vintage_for(int(year))
        except UserError:
            continue
        siblings = [o for o in tables if o.file == t.file and o is not t]
        code = file_commune(t, siblings, vintage, matcher, scratch)
        if code:
            found.add((int(year), code))
    return found


def check_coverage(
    households: pd.DataFrame,
    totals: pd.DataFrame,
    log: ProblemLog,
    empty: set[tuple[int, str]] = frozenset(),
) -> pd.DataFrame:
    """A commune with a list but no total, or a total but no list, in a year with lists.

    `empty`: (year, code) of explicit empty lists, which count as present. Returns the
    communes with a total and no list (MISSING_LIST_COLUMNS), each also logged as a
    warning naming the commune (`read_review(for_run=True)` makes them fatal).
    """
    listed = set(zip(households["year"].astype(int), households["commune_code"], strict=True))
    listed |= set(empty)
    years = {y for y, _ in listed}
    counted = {
        (int(y), c)
        for y, c in zip(totals["year"], totals["commune_code"], strict=True)
        if int(y) in years
    }
    for year, code in sorted(listed - counted - set(empty)):
        log.add("warning", f"năm {year}: xã {code} có danh sách hộ nhưng không có tổng số hộ",
                column="Mã xã", value=code)  # fmt: skip
    names = {
        (int(y), c): n
        for y, c, n in zip(
            totals["year"],
            totals["commune_code"],
            totals.get("commune_name", pd.Series(pd.NA, index=totals.index)),
            strict=True,
        )
    }
    rows = []
    for year, code in sorted(counted - listed):
        name = names.get((year, code))
        name = code if pd.isna(name) else str(name)
        log.add("warning", f"năm {year}: xã {code} ({name}) {MISSING_LIST_MARK}",
                column="Mã xã", value=code)  # fmt: skip
        rows.append((year, code, name))
    out = pd.DataFrame(rows, columns=MISSING_LIST_COLUMNS)
    return out.astype({"year": "int64", "commune_code": "string", "commune_name": "string"})


def describe_missing_lists(missing: pd.DataFrame) -> str:
    """The communes without a list, by year, in one Vietnamese sentence per year."""
    if missing.empty:
        return "Mọi xã có tổng số hộ đều có danh sách hộ trong các năm có danh sách."
    parts = [
        f"năm {int(year)}: {len(g)} xã ({', '.join(g['commune_name'].astype(str))})"
        for year, g in missing.sort_values(["year", "commune_code"]).groupby("year")
    ]
    return (
        "Thiếu danh sách hộ, các xã được ghi 'thiếu số liệu' (không tính là 0%): "
        + "; ".join(parts)
        + "."
    )


def fatal_message(problems: pd.DataFrame, limit: int = 20) -> str:
    fatal = problems[problems["severity"] == "fatal"]
    lines = [f"Dữ liệu đầu vào có {len(fatal)} {SEVERITY_LABELS_VI['fatal'].lower()}:"]
    for rec in fatal.head(limit).itertuples(index=False):
        where = ", ".join(
            p for p in (rec.file, rec.sheet and f"trang '{rec.sheet}'",
                        pd.notna(rec.row) and f"dòng {rec.row}", rec.column and f"cột '{rec.column}'") if p
        )  # fmt: skip
        lines.append(f"  - {where + ': ' if where else ''}{rec.message}")
    if len(fatal) > limit:
        lines.append(f"  ... và {len(fatal) - limit} lỗi khác (xem báo cáo kiểm tra)")
    if fatal["message"].str.contains(MISSING_LIST_MARK, regex=False).any():
        lines.append(MISSING_LISTS_HINT)
    return "\n".join(lines)
