"""`read_review`: every input of a district's review, read, checked and pseudonymised."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analysis.errors import UserError
from analysis.ingest.collect import collect_tables
from analysis.ingest.communes import CommuneMatcher
from analysis.ingest.households import build_households, empty_households
from analysis.ingest.privacy import MACHINE_KEY_FILE, load_key
from analysis.ingest.problems import SEVERITY_LABELS_VI, ProblemLog
from analysis.ingest.summary import build_summary, empty_summary
from analysis.ingest.totals import build_totals, empty_totals
from analysis.registry import registry_for

REJECT_KEYS = ["table", "file", "sheet", "row", "reason"]
FILE_COLUMNS = ["file", "sheet", "table", "n_read", "n_accepted", "n_rejected"]


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

    @property
    def ok(self) -> bool:
        return not (self.problems["severity"] == "fatal").any()


class IngestError(UserError):
    """Fatal input problems; `.review` holds everything read so far, for the report."""

    def __init__(self, message: str, review: Review):
        super().__init__(message)
        self.review = review


def read_review(config, years: list[int] | None = None) -> Review:
    """Read the lists, the totals and the summary tables named in the config.

    Raises IngestError (a UserError) naming every fatal problem (unreadable file,
    missing required column, unknown year...) after reading everything, so one run
    shows them all.
    """
    review = collect_review(config, years)
    if not review.ok:
        raise IngestError(fatal_message(review.problems), review)
    return review


def collect_review(config, years: list[int] | None = None) -> Review:
    """As `read_review`, but fatal problems are returned in `.problems`, not raised."""
    log = ProblemLog()
    matcher = CommuneMatcher(registry_for(config))
    key = load_key(config.data.pseudonym_key_env, config.resolve(MACHINE_KEY_FILE))
    if key.warning:
        log.add("warning", key.warning)
    parts = {}
    households, totals, summary = empty_households(), empty_totals(), empty_summary()
    if (root := config.resolve(config.data.household_lists)) is not None:
        tables = collect_tables(root, ("households",), log, "thư mục danh sách hộ")
        households, rej, counts = build_households(tables, root, config, matcher, key, log, years)
        parts["households"] = (rej, counts)
    if (path := config.resolve(config.data.household_totals)) is not None:
        tables = collect_tables(path, ("totals",), log, "tệp tổng số hộ")
        totals, rej, counts = build_totals(tables, path, config, matcher, log, years)
        parts["totals"] = (rej, counts)
    if (root := config.resolve(config.data.summary_tables)) is not None:
        kinds = ("results", "dynamics_poor", "dynamics_near_poor")
        tables = collect_tables(root, kinds, log, "thư mục biểu tổng hợp")
        summary, rej, counts = build_summary(tables, root, config, matcher, log, years)
        parts["summary"] = (rej, counts)
    if not households.empty and not totals.empty:
        check_coverage(households, totals, log)
    found = [r for r, _ in parts.values() if not r.empty]
    rejects = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=REJECT_KEYS)
    return Review(
        households=households,
        totals=totals,
        summary=summary,
        rejects=rejects,
        problems=log.frame(),
        files=file_table(parts),
        fuzzy_matches=matcher.fuzzy_frame(),
        years_available=sorted(
            set(households["year"].astype(int)) | set(summary["year"].astype(int))
        ),
    )


def file_table(parts: dict[str, tuple[pd.DataFrame, pd.DataFrame]]) -> pd.DataFrame:
    frames = []
    for table, (_, counts) in parts.items():
        if counts.empty:
            continue
        c = counts.copy()
        c["table"] = table
        c["n_accepted"] = c["n_read"] - c["n_rejected"]
        frames.append(c[FILE_COLUMNS])
    if not frames:
        return pd.DataFrame(columns=FILE_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    for col in ("n_read", "n_accepted", "n_rejected"):
        out[col] = out[col].astype("int64")
    return out


def check_coverage(households: pd.DataFrame, totals: pd.DataFrame, log: ProblemLog) -> None:
    """A commune with a list but no total, or a total but no list, in a year with lists."""
    listed = set(zip(households["year"].astype(int), households["commune_code"], strict=True))
    years = {y for y, _ in listed}
    counted = {
        (int(y), c)
        for y, c in zip(totals["year"], totals["commune_code"], strict=True)
        if int(y) in years
    }
    for year, code in sorted(listed - counted):
        log.add("warning", f"năm {year}: xã {code} có danh sách hộ nhưng không có tổng số hộ",
                column="Mã xã", value=code)  # fmt: skip
    for year, code in sorted(counted - listed):
        log.add("warning", f"năm {year}: xã {code} có tổng số hộ nhưng không có danh sách hộ",
                column="Mã xã", value=code)  # fmt: skip


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
    return "\n".join(lines)
