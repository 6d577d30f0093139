"""`analysis inspect FILE`: what the reader understood of one file, for the officer.

For each sheet: the kind of table, where its header is, each column's mapping and why
(the step that matched it and its score), the columns left unread; then what was taken
from outside the table (year, commune, urban/rural, encodings), the rows skipped (totals,
groups, notes, hidden rows) and the counts. Enough to fix a file or add a spelling to
data/reference/header_aliases.csv in minutes.
"""

from __future__ import annotations

from pathlib import Path

from analysis.ingest.collect import SheetTable, collect_tables
from analysis.ingest.header_match import HOW_EXACT
from analysis.ingest.headers import KINDS, SKIP
from analysis.ingest.problems import SEVERITY_LABELS_VI, ProblemLog
from analysis.ingest.report import where
from analysis.ingest.review import validate_path
from analysis.schema import HOUSEHOLD_COLUMNS, INDICATOR_COLUMNS, TOTALS_COLUMNS
from analysis.vietnamese import format_number

KIND_VI = {
    "households": "danh sách hộ",
    "totals": "tổng số hộ theo xã",
    "results": "biểu tổng hợp: kết quả rà soát",
    "dynamics_poor": "biểu tổng hợp: biến động hộ nghèo",
    "dynamics_near_poor": "biểu tổng hợp: biến động hộ cận nghèo",
}
_LABELS = {c.name: c.label_vi for c in (*HOUSEHOLD_COLUMNS, *TOTALS_COLUMNS, *INDICATOR_COLUMNS)}


def column_letter(col: int) -> str:
    out, col = "", col + 1
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def inspect_file(path: str | Path, config) -> str:
    """The reader's understanding of one file (or folder), as Vietnamese text."""
    path = Path(path)
    tables = collect_tables(path, KINDS, ProblemLog(), "tệp hoặc thư mục", config.data.limits)
    report = validate_path(path, config)
    lines = [f"Tệp: {path.name}"]
    for t in tables:
        lines += _sheet_lines(t)
    if not tables:
        lines.append("  Không tìm thấy bảng nào nhận ra được (xem các lỗi dưới đây).")
    problems = report.problems
    inferred = problems[problems["severity"] == "info"]
    if not inferred.empty:
        lines.append("Suy ra và chuyển đổi:")
        lines += [f"  - {where(r)}{r.message}" for r in inferred.itertuples(index=False)]
    serious = problems[problems["severity"] != "info"]
    if not serious.empty:
        lines.append("Vấn đề:")
        lines += [
            f"  [{SEVERITY_LABELS_VI[r.severity]}] {where(r)}{r.message}"
            for r in serious.head(40).itertuples(index=False)
        ]
        if len(serious) > 40:
            lines.append(f"  ... và {format_number(len(serious) - 40)} vấn đề khác")
    lines.append(_counts(report))
    lines.append("Kết luận: " + ("ĐẠT" if report.ok else "KHÔNG ĐẠT (có lỗi nghiêm trọng)"))
    return "\n".join(lines)


def _sheet_lines(t: SheetTable) -> list[str]:
    h = t.header
    last = h.first_row + h.height - 1
    rows = f"dòng {h.first_row}" + (f"–{last}" if last > h.first_row else "")
    enc = f"; tiêu đề cột viết bằng bảng mã {h.encoding}" if h.encoding else ""
    out = [
        f"Trang tính '{t.sheet}': {KIND_VI.get(h.kind, h.kind)}; tiêu đề cột ở {rows}{enc}; "
        f"{format_number(len(t.table.data))} dòng dữ liệu",
    ]
    if t.table.title:
        out.append(f"  Tiêu đề của bảng: {t.table.title[:160]}")
    out.append("  Cột (vị trí | tiêu đề trong tệp → cột chuẩn | cách khớp, độ khớp):")
    for pos in sorted(h.columns):
        m = h.matches.get(pos)
        name = h.columns[pos]
        target = "bỏ qua (số thứ tự)" if name == SKIP else f"{name} ({_LABELS.get(name, name)})"
        how = f"{m.how}, {format_number(m.score, 0)}%" if m else HOW_EXACT
        if m and m.how != HOW_EXACT:
            how += f" qua '{m.key}'"
        out.append(f"    {column_letter(pos):>3} | {h.labels[pos]} → {target} | {how}")
    for label in h.unknown:
        out.append(f"      - | {label} → không nhận ra, bỏ qua")
    for first, second in h.duplicates:
        out.append(f"      ! | '{first}' và '{second}' cùng ý nghĩa")
    kinds = {}
    for _, _, why in t.table.skipped:
        kinds[why] = kinds.get(why, 0) + 1
    for why, n in kinds.items():
        out.append(f"  Bỏ qua {format_number(n)} {why}")
    if not t.table.totals.empty:
        rows = ", ".join(str(r) for r in t.table.totals.index)
        out.append(f"  Dòng tổng cộng / cộng nhóm (dùng để đối chiếu): dòng {rows}")
    return out


def _counts(report) -> str:
    c = report.counts()
    text = (
        f"Số dòng: đọc {format_number(c['read'])}, nhận {format_number(c['accepted'])}, "
        f"loại {format_number(c['rejected'])}."
    )
    lists = report.files[report.files["table"] == "households"] if not report.files.empty else None
    if lists is not None and not lists.empty:
        n = {k: format_number(lists[k].sum()) for k in ("n_households", "n_persons", "n_poor",
                                                         "n_near_poor")}  # fmt: skip
        text += (f" Hộ được nhận: {n['n_households']} ({n['n_persons']} nhân khẩu), trong đó "
                 f"{n['n_poor']} hộ nghèo, {n['n_near_poor']} hộ cận nghèo.")  # fmt: skip
    return text
