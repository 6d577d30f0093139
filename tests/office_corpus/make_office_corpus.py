"""A corpus of household review lists laid out the way commune offices keep them.

Built by code, deterministically, from lists of household dicts; the truth of every file
(households, persons, poor, near-poor, rows to reject) is counted from the same dicts that
are written, never typed by hand. Written without looking at the project's reader, so it
tests the reader against office practice rather than against its own assumptions.

    build(out_dir) -> list of cases; also writes out_dir/truth.yaml

A case is a file or a folder. `expect: ok` cases carry `truth`, one entry per file (per
commune row for a summary table); `expect: fail` cases carry `fail`: what the error must
name (file, 1-based spreadsheet row or CSV line, header text of the column).
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

try:  # imported as tests.office_corpus.make_office_corpus or run as a script
    from .legacy import to_cp1258_bytes, to_tcvn3, to_vni
except ImportError:  # pragma: no cover
    from legacy import to_cp1258_bytes, to_tcvn3, to_vni

# 2024-vintage units of the district (GSO codes).
COMMUNES = {
    "Phố Châu": "18133",
    "Tây Sơn": "18136",
    "Sơn Hồng": "18139",
    "Sơn Tiến": "18142",
    "Sơn Lâm": "18145",
    "Sơn Lễ": "18148",
    "Sơn Giang": "18157",
    "Sơn Lĩnh": "18160",
    "An Hòa Thịnh": "18163",
    "Sơn Tây": "18172",
    "Sơn Ninh": "18175",
    "Châu Bình": "18178",
    "Tân Mỹ Hà": "18181",
    "Quang Diệm": "18184",
    "Sơn Trung": "18187",
    "Sơn Bằng": "18190",
    "Sơn Kim 1": "18196",
    "Sơn Kim 2": "18199",
    "Mỹ Long": "18202",
    "Kim Hoa": "18211",
    "Sơn Phú": "18217",
    "Hàm Trường": "18223",
}
TOWNS = {"Phố Châu", "Tây Sơn"}

# Decree 07/2021: income lines per person per month (rural, urban).
POOR_LINE = {False: 1_500_000, True: 2_000_000}

SURNAMES = "Nguyễn Trần Lê Phan Hồ Võ Đặng Bùi Đinh Dương Hoàng Lương Thái Đậu Chu Nguyễn Trần Lê"
MIDDLE_M = ("Văn", "Đình", "Xuân", "Hữu", "Quang", "Đức", "Khắc", "Sỹ")
MIDDLE_F = ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Hồng")
GIVEN_M = "Hùng Bình Hải Thắng Sơn Phúc Tuấn Lợi Dũng Cường Kỳ Quý Thành Khẳng Kỵ Tiến Lực Hưởng Quế Tường Nhẫn Thuận Lãm Điển Ẩn"
GIVEN_F = "Lan Tâm Hương Nga Hòa Thủy Hạnh Hằng Lý Mỹ Huyền Liễu Nguyệt Yến Oanh Vỹ Đào Cúc Nhị Dung Sửu Ẵm"
ETHNIC_MINOR = ("Thái", "Mường", "Lào", "H'Mông", "Tày", "Nùng", "Dao", "Chứt")

DEP_SHORT = (
    "Việc làm",
    "Người phụ thuộc",
    "Dinh dưỡng",
    "BHYT",
    "Trình độ GD của người lớn",
    "Tình trạng đi học của trẻ em",
    "Chất lượng nhà ở",
    "Diện tích nhà ở BQ đầu người",
    "Nguồn nước SH",
    "Nhà tiêu HVS",
    "Sử dụng DV viễn thông",
    "Phương tiện tiếp cận TT",
)
DIMENSIONS = (
    ("Việc làm", 2),
    ("Y tế", 2),
    ("Giáo dục", 2),
    ("Nhà ở", 2),
    ("Nước SH và VS", 2),
    ("Thông tin", 2),
)
DEP_PARENT = "Các chỉ số thiếu hụt dịch vụ xã hội cơ bản"


# ---------------------------------------------------------------------------------------------
# Households


def households(
    rng: random.Random,
    n: int,
    villages: list[str],
    *,
    urban: bool = False,
    mix: tuple[float, float, float] = (0.45, 0.4, 0.15),
    minority_share: float = 0.0,
) -> list[dict]:
    """n plausible households (poor / near-poor / escaped), sorted by village then STT."""
    line = POOR_LINE[urban]
    out = []
    for _ in range(n):
        status = rng.choices(("poor", "near_poor", "escaped"), weights=mix)[0]
        female = rng.random() < 0.3
        members = rng.choices(range(1, 9), weights=(8, 14, 16, 20, 16, 10, 5, 3))[0]
        if status == "poor":
            income = rng.randrange(line // 3, line - 50_000 + 1, 10_000)
            k = rng.randint(3, 7)
        elif status == "near_poor":
            income = rng.randrange(line * 2 // 3, line + 1, 10_000)
            k = rng.randint(0, 2)
        else:
            income = rng.randrange(line + 100_000, line * 2, 10_000)
            k = rng.randint(0, 2)
        deps = [False] * 12
        for j in rng.sample(range(12), k):
            deps[j] = True
        btxh = status == "poor" and rng.random() < 0.2
        if btxh:
            members = min(members, 3)
        birth = rng.randint(1938, 1995)
        gender_digit = (1 if female else 0) if birth < 2000 else (3 if female else 2)
        id_number = f"042{gender_digit}{birth % 100:02d}{rng.randrange(10**6):06d}"
        name = " ".join(
            (
                rng.choice(SURNAMES.split()),
                rng.choice(MIDDLE_F if female else MIDDLE_M),
                rng.choice((GIVEN_F if female else GIVEN_M).split()),
            )
        )
        out.append(
            {
                "name": name,
                "female": female,
                "birth": birth,
                "id": id_number,
                "village": rng.choice(villages),
                "members": members,
                "income": income,
                "deps": deps,
                "status": status,
                "btxh": btxh,
                "ethnic": rng.choice(ETHNIC_MINOR) if rng.random() < minority_share else "Kinh",
                "merit": rng.random() < 0.05,
                "hidden": False,
                "reject": False,
            }
        )
    order = {v: i for i, v in enumerate(villages)}
    out.sort(key=lambda h: order[h["village"]])
    for i, h in enumerate(out, start=1):
        h["stt"] = i
    return out


def counted(hhs: list[dict]) -> list[dict]:
    return [h for h in hhs if not h["hidden"] and not h["reject"]]


def truth_entry(file: str, commune: str, hhs: list[dict]) -> dict:
    real = counted(hhs)
    return {
        "file": file,
        "commune_code": COMMUNES[commune],
        "households": len(real),
        "persons": sum(h["members"] for h in real),
        "poor": sum(h["status"] == "poor" for h in real),
        "near_poor": sum(h["status"] == "near_poor" for h in real),
        "rows_rejected": sum(1 for h in hhs if h["reject"] and not h["hidden"]),
    }


# ---------------------------------------------------------------------------------------------
# Value styles


def amount_plain(v: int) -> Any:
    return v


def amount_dots(v: int) -> str:
    return f"{v:,}".replace(",", ".")


def amount_commas(v: int) -> str:
    return f"{v:,}"


AMOUNT_VARIANTS: tuple[Callable[[int], Any], ...] = (
    lambda v: v,
    lambda v: float(v),
    amount_dots,
    amount_commas,
    lambda v: amount_dots(v) + " đ",
    lambda v: amount_dots(v) + "đồng",
    lambda v: f"{v} VNĐ",
    lambda v: amount_commas(v) + "đ",
)


FLAG_VARIANTS: tuple[tuple[Any, Any], ...] = (
    ("x", None),
    ("X", None),
    ("Có", "Không"),
    (1, 0),
    (1.0, 0.0),
    ("✓", None),
    ("x", ""),
    ("1", "0"),
)


def status_label(h: dict, rng: random.Random | None = None, *, style: str = "full") -> str:
    s = h["status"]
    if style == "short":
        return {"poor": "HN", "near_poor": "HCN", "escaped": "Thoát nghèo"}[s]
    if style == "mixed" and rng is not None:
        if s == "poor":
            if h["btxh"]:
                return rng.choice(("Hộ nghèo (BTXH)", "Hộ nghèo thuộc diện BTXH", "HN (BTXH)"))
            return rng.choice(("Hộ nghèo", "HN", "Nghèo", "hộ nghèo"))
        if s == "near_poor":
            return rng.choice(("Hộ cận nghèo", "HCN", "Cận nghèo", "Hộ cận nghèo "))
        return rng.choice(("Thoát nghèo", "Thoát cận nghèo", "Hộ thoát nghèo"))
    if s == "poor":
        return "Hộ nghèo (BTXH)" if h["btxh"] else "Hộ nghèo"
    return {"near_poor": "Hộ cận nghèo", "escaped": "Thoát nghèo"}[s]


# ---------------------------------------------------------------------------------------------
# A sheet as a grid, rendered to xlsx or CSV


@dataclass
class Sheet:
    title: str
    cells: dict[tuple[int, int], Any] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    bold: set[tuple[int, int]] = field(default_factory=set)
    strike_rows: set[int] = field(default_factory=set)
    title_font_cells: set[tuple[int, int]] = field(default_factory=set)
    ncols: int = 0
    row: int = 0  # last written row

    def put(self, r: int, c: int, v: Any, *, bold: bool = False) -> None:
        if v is None or v == "":
            if v == "":
                self.cells[(r, c)] = ""
            return
        self.cells[(r, c)] = v
        self.ncols = max(self.ncols, c)
        if bold:
            self.bold.add((r, c))

    def merge(self, r1: int, c1: int, r2: int, c2: int) -> None:
        if (r1, c1) != (r2, c2):
            self.merges.append((r1, c1, r2, c2))

    def max_row(self) -> int:
        return max((r for r, _ in self.cells), default=0)

    def grid(self) -> list[list[Any]]:
        n = max(self.ncols, max((c for _, c in self.cells), default=0))
        return [
            [self.cells.get((r, c)) for c in range(1, n + 1)] for r in range(1, self.max_row() + 1)
        ]


def render_xlsx(
    sheets: list[Sheet],
    path: Path,
    *,
    encode: Callable[[str], str] | None = None,
    body_font: str = "Times New Roman",
    title_font: str | None = None,
) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    enc = encode or (lambda s: s)
    for sh in sheets:
        ws = wb.create_sheet(enc(sh.title))
        for (r, c), v in sh.cells.items():
            cell = ws.cell(row=r, column=c, value=enc(v) if isinstance(v, str) else v)
            is_title = (r, c) in sh.title_font_cells
            cell.font = Font(
                name=(title_font if is_title and title_font else body_font),
                bold=(r, c) in sh.bold,
                strike=r in sh.strike_rows,
                size=12 if is_title else 11,
            )
            if isinstance(v, str) and "\n" in v:
                cell.alignment = Alignment(wrap_text=True, vertical="center")
        for r1, c1, r2, c2 in sh.merges:
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
        for r in sh.hidden_rows:
            ws.row_dimensions[r].hidden = True
        for c in range(1, sh.ncols + 1):
            ws.column_dimensions[get_column_letter(c)].width = 6 if c == 1 else 14
        for c in sh.hidden_cols:
            ws.column_dimensions[get_column_letter(c)].hidden = True
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    # openpyxl stamps the current time; pin it so the bytes do not depend on the run time
    _pin_xlsx_times(path)


def _pin_xlsx_times(path: Path) -> None:
    import re
    import zipfile

    data = {}
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            data[info.filename] = z.read(info.filename)
    core = data.get("docProps/core.xml")
    if core is not None:
        data["docProps/core.xml"] = re.sub(
            rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2024-12-10T08:00:00Z", core
        )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, blob in data.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 12, 10, 8, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, blob)


def render_csv(sheet: Sheet, path: Path, *, sep: str, encoding: str, bom: bool = False) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    for row in sheet.grid():
        writer.writerow(["" if v is None else v for v in row])
    text = buf.getvalue()
    data = to_cp1258_bytes(text) if encoding == "cp1258" else text.encode("utf-8")
    if bom:
        data = b"\xef\xbb\xbf" + data
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


# ---------------------------------------------------------------------------------------------
# The list layout


@dataclass
class Col:
    path: tuple[str, ...]
    get: Callable[[dict], Any]
    key: str = ""
    hidden: bool = False


def write_title(sh: Sheet, lines: list[tuple[str, str]], width: int) -> None:
    """Title block. Each line: (kind, text); kind 'left', 'right', 'pair:<left>|<right>',
    'center' or 'blank'. Left cells span about a third of the width, right cells the rest."""
    left_w = max(3, width // 3)
    for kind, text in lines:
        sh.row += 1
        r = sh.row
        if kind == "blank":
            continue
        if kind == "pair":
            left, right = text.split("|")
            if left:
                sh.put(r, 1, left, bold=True)
                sh.merge(r, 1, r, left_w)
                sh.title_font_cells.add((r, 1))
            if right:
                sh.put(r, left_w + 1, right, bold=True)
                sh.merge(r, left_w + 1, r, width)
                sh.title_font_cells.add((r, left_w + 1))
        elif kind == "left":
            sh.put(r, 1, text, bold=True)
            sh.merge(r, 1, r, left_w)
            sh.title_font_cells.add((r, 1))
        else:
            sh.put(r, 1, text, bold=True)
            sh.merge(r, 1, r, width)
            sh.title_font_cells.add((r, 1))


def standard_title(unit: str, year: int, *, phrasing: str = "ubnd", decision: bool = True):
    """unit like 'XÃ SƠN KIM 1' (upper case) or None (commune not named in the title)."""
    lines = []
    if phrasing == "ubnd" and unit:
        lines.append(("pair", f"UBND {unit}|CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
        lines.append(("pair", "|Độc lập - Tự do - Hạnh phúc"))
    else:
        lines.append(("pair", "|CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
        lines.append(("pair", "|Độc lập - Tự do - Hạnh phúc"))
    lines.append(("blank", ""))
    lines.append(("center", f"DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {year}"))
    if phrasing == "of_commune" and unit:
        lines.append(("center", f"(Kết quả rà soát cuối năm {year} {unit})"))
    if decision:
        lines.append(
            (
                "center",
                f"(Kèm theo Quyết định số {year % 100 + 140}/QĐ-UBND ngày 20/12/{year} "
                "của Ủy ban nhân dân huyện)",
            )
        )
    lines.append(("blank", ""))
    return lines


def write_header(
    sh: Sheet, cols: list[Col], *, numbering: list[Any] | None = None, depth: int | None = None
) -> int:
    """Header rows from each column's path; parents merged across, leaves merged down."""
    depth = depth or max(len(c.path) for c in cols)
    top = sh.row + 1
    for level in range(depth):
        r = top + level
        c = 0
        while c < len(cols):
            path = cols[c].path
            if level >= len(path):
                c += 1
                continue
            if level == len(path) - 1:
                sh.put(r, c + 1, path[level], bold=True)
                sh.merge(r, c + 1, top + depth - 1, c + 1)
                c += 1
                continue
            end = c
            while (
                end + 1 < len(cols)
                and len(cols[end + 1].path) > level + 1
                and cols[end + 1].path[: level + 1] == path[: level + 1]
            ):
                end += 1
            sh.put(r, c + 1, path[level], bold=True)
            sh.merge(r, c + 1, r, end + 1)
            c = end + 1
    sh.row = top + depth - 1
    for i, col in enumerate(cols, start=1):
        if col.hidden:
            sh.hidden_cols.add(i)
    if numbering:
        sh.row += 1
        for i, v in enumerate(numbering, start=1):
            sh.put(sh.row, i, v)
    return top


def numbering_digits(n: int) -> list[Any]:
    return list(range(1, n + 1))


ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def write_rows(
    sh: Sheet,
    hhs: list[dict],
    cols: list[Col],
    *,
    group: str | None = None,  # None | 'roman' ("I. Thôn X") | 'plain' ("Thôn X")
    subtotal: bool = False,
    stt_restart: bool = False,
    wrong_subtotal: str | None = None,
    merge_village: bool = False,
) -> dict[int, int]:
    """Household rows (optionally grouped by village); returns id(hh) -> row."""
    rows: dict[int, int] = {}
    key_col = {c.key: i for i, c in enumerate(cols, start=1) if c.key}
    name_col = key_col.get("name", 2)
    villages: list[str] = []
    for h in hhs:
        if h["village"] not in villages:
            villages.append(h["village"])
    for gi, v in enumerate(villages):
        members = [h for h in hhs if h["village"] == v]
        if group:
            sh.row += 1
            label = f"{ROMAN[gi]}. {v}" if group == "roman" else v
            if group == "roman":
                sh.put(sh.row, 1, ROMAN[gi], bold=True)
                sh.put(sh.row, name_col, v, bold=True)
            else:
                sh.put(sh.row, 1, label, bold=True)
                sh.merge(sh.row, 1, sh.row, max(name_col, 2))
        first = sh.row + 1
        for k, h in enumerate(members, start=1):
            sh.row += 1
            rows[id(h)] = sh.row
            for i, col in enumerate(cols, start=1):
                val = col.get(h)
                if col.key == "stt" and stt_restart:
                    val = k
                if col.key == "village" and merge_village and k > 1:
                    continue
                sh.put(sh.row, i, val)
            if h["hidden"]:
                sh.hidden_rows.add(sh.row)
                sh.strike_rows.add(sh.row)
        if merge_village and "village" in key_col:
            vc = key_col["village"]
            sh.merge(first, vc, sh.row, vc)
        if subtotal:
            sh.row += 1
            visible = [h for h in members if not h["hidden"]]
            sh.put(sh.row, name_col, f"Cộng {v[0].lower()}{v[1:]}", bold=True)
            total_members = sum(h["members"] for h in visible)
            if wrong_subtotal == v:
                total_members += 2
            if "members" in key_col:
                sh.put(sh.row, key_col["members"], total_members, bold=True)
            if "stt" in key_col:
                sh.put(sh.row, key_col["stt"], f"{len(visible)} hộ")
    return rows


def write_total(sh: Sheet, hhs: list[dict], cols: list[Col], *, style: str = "merged") -> None:
    key_col = {c.key: i for i, c in enumerate(cols, start=1) if c.key}
    visible = [h for h in hhs if not h["hidden"]]
    sh.row += 1
    r = sh.row
    if style == "merged":
        sh.put(r, 1, "Tổng cộng", bold=True)
        sh.merge(r, 1, r, max(2, key_col.get("name", 2)))
    elif style == "inline":
        sh.put(r, key_col.get("name", 2), f"Tổng cộng: {len(visible)} hộ", bold=True)
    else:
        sh.put(r, key_col.get("name", 2), "TỔNG CỘNG", bold=True)
    if "members" in key_col:
        sh.put(r, key_col["members"], sum(h["members"] for h in visible), bold=True)


def write_signatures(sh: Sheet, width: int, unit: str = "XÃ") -> None:
    sh.row += 2
    left_w = max(3, width // 3)
    sh.put(sh.row, 1, "Người lập biểu", bold=True)
    sh.merge(sh.row, 1, sh.row, left_w)
    sh.put(sh.row, width - 3, f"TM. UBND {unit}", bold=True)
    sh.row += 1
    sh.put(sh.row, width - 3, "CHỦ TỊCH", bold=True)
    sh.row += 4
    sh.put(sh.row, 1, "Nguyễn Văn Lập")
    sh.put(sh.row, width - 3, "Trần Quang Chủ")


# Column sets -------------------------------------------------------------------------------


def c_stt(label: str = "TT") -> Col:
    return Col((label,), lambda h: h["stt"], "stt")


def c_name(label: str = "Họ và tên chủ hộ") -> Col:
    return Col((label,), lambda h: h["name"], "name")


def c_id(label: str = "Số CCCD", as_number: bool = False) -> Col:
    return Col((label,), (lambda h: int(h["id"])) if as_number else (lambda h: h["id"]), "id")


def c_birth(label: str = "Năm sinh") -> Col:
    return Col((label,), lambda h: h["birth"], "birth")


def c_village(label: str = "Thôn") -> Col:
    return Col((label,), lambda h: h["village"], "village")


def c_members(label: str = "Số nhân khẩu") -> Col:
    return Col((label,), lambda h: h["members"], "members")


def c_income(path: tuple[str, ...] = ("Thu nhập BQ (đồng/người/tháng)",), fmt=amount_plain) -> Col:
    return Col(path, lambda h: fmt(h["income"]), "income")


def c_deps(
    flag: tuple[Any, Any] = ("x", None),
    *,
    parent: tuple[str, ...] = (DEP_PARENT,),
    dims: bool = False,
    labels: tuple[str, ...] = DEP_SHORT,
    rng: random.Random | None = None,
) -> list[Col]:
    cols = []
    dim_of = [d for d, n in DIMENSIONS for _ in range(n)]
    for j, label in enumerate(labels):
        path = (*parent, dim_of[j], label) if dims else (*parent, label)

        def get(h, j=j):
            if rng is not None:  # mixed flag spellings within the column
                yes, no = rng.choice(FLAG_VARIANTS)
                return yes if h["deps"][j] else no
            return flag[0] if h["deps"][j] else flag[1]

        cols.append(Col(path, get, f"dep{j}"))
    return cols


def c_status(label: str = "Phân loại hộ", style: str = "full", rng=None) -> Col:
    return Col((label,), lambda h: status_label(h, rng, style=style), "status")


def c_ethnic(label: str = "Dân tộc") -> Col:
    return Col((label,), lambda h: h["ethnic"], "ethnic")


def c_btxh(label: str = "Hộ BTXH", flag=("x", None)) -> Col:
    return Col((label,), lambda h: flag[0] if h["btxh"] else flag[1], "btxh")


def c_notes(label: str = "Ghi chú") -> Col:
    def note(h):
        if h["status"] == "escaped":
            return "Thu nhập tăng, thoát nghèo bền vững"
        if h["btxh"]:
            return "Hộ neo đơn, không có khả năng lao động"
        return None

    return Col((label,), note, "notes")


def list_sheet(
    title: str,
    hhs: list[dict],
    cols: list[Col],
    title_lines: list[tuple[str, str]] | None,
    *,
    numbering: list[Any] | None | str = "digits",
    total: str | None = "merged",
    signatures: bool = True,
    **row_kw,
) -> tuple[Sheet, dict[int, int]]:
    sh = Sheet(title)
    width = len(cols)
    if title_lines:
        write_title(sh, title_lines, width)
    if numbering == "digits":
        numbering = numbering_digits(width)
    write_header(sh, cols, numbering=numbering or None)
    rows = write_rows(sh, hhs, cols, **row_kw)
    if total:
        write_total(sh, hhs, cols, style=total)
    if signatures:
        write_signatures(sh, width)
    return sh, rows


def standard_cols(
    rng: random.Random, *, id_number: bool = False, flag=("x", None), **kw
) -> list[Col]:
    return [
        c_stt(),
        c_name(),
        c_birth(),
        *([c_id("Số CCCD", as_number=id_number)] if kw.get("with_id", True) else []),
        c_village(),
        c_ethnic(),
        c_members(kw.get("members_label", "Số NK")),
        c_income(kw.get("income_path", ("Thu nhập BQ (đồng/người/tháng)",))),
        *c_deps(flag, dims=kw.get("dims", False)),
        c_status(kw.get("status_label", "Phân loại hộ")),
        c_notes(),
    ]


# ---------------------------------------------------------------------------------------------
# Cases

CASES: list[tuple[str, Callable[[Path], dict]]] = []


def case(fn: Callable[[Path], dict]) -> Callable[[Path], dict]:
    CASES.append((fn.__name__.removeprefix("case_"), fn))
    return fn


CASE_IDS: list[str] = []  # filled below, after the case functions are registered


def ok(file: str, desc: str, year: int, truth: list[dict]) -> dict:
    return {"file": file, "description": desc, "year": year, "expect": "ok", "truth": truth}


def fail(path: str, desc: str, year: int, **what) -> dict:
    spec = {"file": True, "row": None, "column": None}
    spec.update(what)
    return {"file": path, "description": desc, "year": year, "expect": "fail", "fail": spec}


def rng_for(name: str) -> random.Random:
    return random.Random(sum(ord(c) * (i + 1) for i, c in enumerate(name)))


KIM1_VILLAGES = ["Thôn Kim Lĩnh", "Thôn Khe Máng", "Thôn Trường Sơn", "Thôn Đồng Tâm"]


@case
def case_title_block_two_row_header(out: Path) -> dict:
    rng = rng_for("t1")
    hhs = households(rng, 24, KIM1_VILLAGES, minority_share=0.2)
    cols = standard_cols(rng)
    sh, _ = list_sheet("Danh sách", hhs, cols, standard_title("XÃ SƠN KIM 1", 2024))
    f = "son_kim_1_2024_danh_sach.xlsx"
    render_xlsx([sh], out / f)
    return ok(
        f,
        "Full title block (UBND XÃ SƠN KIM 1 / quốc hiệu / tiêu ngữ / DANH SÁCH ... NĂM 2024 / "
        "Kèm theo Quyết định), two-row merged header with the deprivation parent over 12 "
        "abbreviated children, numbering row 1..N, no commune-code or urban column, Dân tộc "
        "names, Tổng cộng and signature rows.",
        2024,
        [truth_entry(f, "Sơn Kim 1", hhs)],
    )


@case
def case_three_row_header_of_commune(out: Path) -> dict:
    rng = rng_for("t2")
    villages = ["Thôn Hồng Thịnh", "Thôn Hồng Sơn", "Thôn Hồng Tiến"]
    hhs = households(rng, 18, villages)
    cols = [
        c_stt("Số TT"),
        c_name("Họ và tên chủ HGĐ"),
        c_village("Thôn/Xóm"),
        Col(("Nhân khẩu", "Số NK trong hộ"), lambda h: h["members"], "members"),
        Col(("Nhân khẩu", "Trong đó: LĐ"), lambda h: max(0, h["members"] - 2), "workers"),
        c_income(("Thu nhập", "Thu nhập BQ (đồng/người/tháng)")),
        *c_deps(("x", None), dims=True),
        Col(("Tổng số chỉ số thiếu hụt",), lambda h: sum(h["deps"]), "ndep"),
        c_status("Kết quả phân loại hộ"),
    ]
    numbering = ["A", "B", "C", 1, 2, 3, *range(4, 16), "16=Σ(4:15)", 17]
    title = standard_title("xã Sơn Hồng", 2024, phrasing="of_commune")
    sh, _ = list_sheet("Sheet1", hhs, cols, title, numbering=numbering, total="upper")
    f = "Danh sach ho ngheo can ngheo 2024.xlsx"
    render_xlsx([sh], out / "son_hong" / f)
    return ok(
        f"son_hong/{f}",
        "Commune only in '(Kết quả rà soát cuối năm 2024 xã Sơn Hồng)'; three-row header "
        "(parent / dimension / indicator, with dimension 'Việc làm' over indicator 'Việc làm'), "
        "'Thu nhập' over 'Thu nhập BQ (đồng/người/tháng)', 'Nhân khẩu' over 'Số NK trong hộ' and "
        "'Trong đó: LĐ'; numbering row A, B, C, 1.. '16=Σ(4:15)'; sheet 'Sheet1'.",
        2024,
        [truth_entry(f"son_hong/{f}", "Sơn Hồng", hhs)],
    )


@case
def case_commune_in_file_name_digit(out: Path) -> dict:
    rng = rng_for("t3")
    villages = ["Thôn Tân Hương", "Thôn Vĩnh Sơn", "Thôn Kim Bình"]
    hhs = households(rng, 15, villages, minority_share=0.1)
    cols = standard_cols(rng)
    title = standard_title(None, 2024, phrasing="none")
    sh, _ = list_sheet("DS", hhs, cols, title)
    f = "SonKim2_2024.xlsx"
    render_xlsx([sh], out / f)
    return ok(
        f,
        "Commune only in the file name 'SonKim2_2024.xlsx' (no diacritics, no space, a digit "
        "that must not be read as Sơn Kim 1); title without the commune.",
        2024,
        [truth_entry(f, "Sơn Kim 2", hhs)],
    )


@case
def case_file_name_son_tay_not_tay_son(out: Path) -> dict:
    rng = rng_for("t4")
    villages = ["Thôn Tây Thịnh", "Thôn Tây Lộc", "Thôn Khe Dăm"]
    hhs = households(rng, 20, villages, minority_share=0.05)
    cols = standard_cols(rng, members_label="Số khẩu")
    title = standard_title(None, 2024, phrasing="none", decision=False)
    sh, _ = list_sheet("Sheet1", hhs, cols, title)
    f = "DS ho ngheo Son Tay 2024.xlsx"
    render_xlsx([sh], out / f)
    return ok(
        f,
        "Commune only in the file name 'DS ho ngheo Son Tay 2024.xlsx': xã Sơn Tây (18172), not "
        "thị trấn Tây Sơn (18136), whose name has the same words in the other order.",
        2024,
        [truth_entry(f, "Sơn Tây", hhs)],
    )


@case
def case_commune_in_sheet_name(out: Path) -> dict:
    rng = rng_for("t5")
    villages = ["Thôn Ninh Thái", "Thôn Ninh Xá", "Thôn Ninh Phú"]
    hhs = households(rng, 16, villages)
    cols = standard_cols(rng)
    title = [("center", "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2024"), ("blank", "")]
    sh, _ = list_sheet("Xã Sơn Ninh", hhs, cols, title, signatures=False)
    f = "rasoat_2024.xlsx"
    render_xlsx([sh], out / "sheet_name" / f)
    return ok(
        f"sheet_name/{f}",
        "Commune only in the sheet name 'Xã Sơn Ninh'; file name and title name none.",
        2024,
        [truth_entry(f"sheet_name/{f}", "Sơn Ninh", hhs)],
    )


@case
def case_amount_and_flag_spellings(out: Path) -> dict:
    rng = rng_for("t6")
    villages = ["Thôn Trung Lâm", "Thôn Mai Lâm", "Thôn Tân Lâm"]
    hhs = households(rng, 32, villages)
    for i, h in enumerate(hhs):
        h["income_fmt"] = AMOUNT_VARIANTS[i % len(AMOUNT_VARIANTS)]
    cols = [
        c_stt(),
        c_name(),
        c_village(),
        c_members(),
        Col(("Thu nhập BQ đầu người/tháng (đồng)",), lambda h: h["income_fmt"](h["income"]), "inc"),
        *c_deps(rng=rng),
        c_status(),
        c_btxh("Hộ BTXH", ("Có", "Không")),
    ]
    sh, _ = list_sheet("Danh sách", hhs, cols, standard_title("XÃ SƠN LÂM", 2024))
    f = "son_lam_2024.xlsx"
    render_xlsx([sh], out / f)
    return ok(
        f,
        "Income as 1250000, 1250000.0, '1.250.000', '1,250,000', '1.250.000 đ', "
        "'1.250.000đồng', '1250000 VNĐ', '1,250,000đ'; indicator flags mixed within columns: "
        "x / X / Có-Không / 1-0 / 1.0-0.0 / ✓ / '1'-'0' / blank.",
        2024,
        [truth_entry(f, "Sơn Lâm", hhs)],
    )


@case
def case_status_spellings(out: Path) -> dict:
    rng = rng_for("t7")
    villages = ["Thôn Lễ Nghĩa", "Thôn Lễ Đồng", "Thôn Lễ Phú"]
    hhs = households(rng, 30, villages, mix=(0.45, 0.3, 0.25))
    cols = [
        c_stt(),
        c_name(),
        c_village(),
        c_members(),
        c_income(),
        *c_deps(),
        c_status("Phân loại hộ", style="mixed", rng=rng),
    ]
    sh, _ = list_sheet("Danh sách", hhs, cols, standard_title("XÃ SƠN LỄ", 2024))
    f = "son_le_2024.xlsx"
    render_xlsx([sh], out / f)
    return ok(
        f,
        "Statuses 'Hộ nghèo', 'hộ nghèo', 'HN', 'Nghèo', 'Hộ nghèo (BTXH)', 'Hộ nghèo thuộc "
        "diện BTXH', 'HN (BTXH)', 'Hộ cận nghèo', 'Hộ cận nghèo ' (trailing space), 'HCN', "
        "'Cận nghèo', 'Thoát nghèo', 'Thoát cận nghèo', 'Hộ thoát nghèo' (escaped: counted in "
        "households, neither poor nor near-poor).",
        2024,
        [truth_entry(f, "Sơn Lễ", hhs)],
    )


@case
def case_status_as_x_columns(out: Path) -> dict:
    rng = rng_for("t7b")
    villages = ["Xóm 1", "Xóm 2", "Xóm 3", "Xóm 4"]
    hhs = households(rng, 22, villages)
    cols = [
        c_stt(),
        c_name(),
        c_village("Xóm"),
        c_members("Số khẩu"),
        c_income(("Thu nhập BQ/người/tháng",)),
        *c_deps(),
        Col(("Kết quả rà soát", "Hộ nghèo"), lambda h: "x" if h["status"] == "poor" else None),
        Col(
            ("Kết quả rà soát", "Hộ cận nghèo"),
            lambda h: "x" if h["status"] == "near_poor" else None,
        ),
        Col(
            ("Kết quả rà soát", "Thoát nghèo"), lambda h: "x" if h["status"] == "escaped" else None
        ),
    ]
    sh, _ = list_sheet("Danh sách", hhs, cols, standard_title("XÃ SƠN TIẾN", 2024))
    f = "son_tien_2024.xlsx"
    render_xlsx([sh], out / f)
    return ok(
        f,
        "Status given as three x columns under 'Kết quả rà soát': 'Hộ nghèo' | 'Hộ cận nghèo' | "
        "'Thoát nghèo' (no status text column).",
        2024,
        [truth_entry(f, "Sơn Tiến", hhs)],
    )


@case
def case_cccd_numbers_leading_zero_lost(out: Path) -> dict:
    rng = rng_for("t8")
    villages = ["Thôn Giang Hà", "Thôn Giang Đông", "Thôn Giang Tây"]
    hhs = households(rng, 20, villages)
    cols = standard_cols(rng, id_number=True)
    sh, _ = list_sheet("Danh sách", hhs, cols, standard_title("XÃ SƠN GIANG", 2024))
    f = "son_giang_2024.xlsx"
    render_xlsx([sh], out / f)
    return ok(
        f,
        "CCCD numbers stored as numbers by Excel: 042065012345 became 42065012345 (11 digits, "
        "leading zero lost, restorable from the length).",
        2024,
        [truth_entry(f, "Sơn Giang", hhs)],
    )


@case
def case_cccd_scientific_text(out: Path) -> dict:
    rng = rng_for("t9")
    villages = ["Thôn Lĩnh Thịnh", "Thôn Lĩnh Đông"]
    hhs = households(rng, 14, villages)
    lost = {3, 7, 8}
    for i, h in enumerate(hhs):
        if i in lost:
            d = str(int(h["id"]))
            h["id_text"] = f"{d[0]},{d[1:5]}E+{len(d) - 1}"
        else:
            h["id_text"] = h["id"]
    cols = [
        c_stt(),
        c_name(),
        Col(("Số CCCD/CMND",), lambda h: h["id_text"], "id"),
        c_village(),
        c_members(),
        c_income(),
        *c_deps(),
        c_status(),
    ]
    sh, rows = list_sheet("Danh sách", hhs, cols, standard_title("XÃ SƠN LĨNH", 2024))
    f = "son_linh_2024.xlsx"
    render_xlsx([sh], out / f)
    first = min(rows[id(hhs[i])] for i in lost)
    return fail(
        f,
        "Three ID cells are text like '4,2065E+10' (Excel's scientific display pasted as text): "
        "the digits are lost; the error must name the rows and the column 'Số CCCD/CMND'. "
        f"Rows {sorted(rows[id(hhs[i])] for i in lost)}; the expected row is the first.",
        2024,
        row=first,
        column="Số CCCD",
        message_contains="E+",
    )


@case
def case_village_groups_and_subtotals(out: Path) -> dict:
    rng = rng_for("t10")
    villages = ["Thôn An Phú", "Thôn Hòa Lạc", "Thôn Thịnh Hòa", "Thôn Thịnh Thủy"]
    hhs = households(rng, 28, villages)
    cols = standard_cols(rng)
    sh, _ = list_sheet(
        "Danh sách",
        hhs,
        cols,
        standard_title("XÃ AN HÒA THỊNH", 2024),
        group="roman",
        subtotal=True,
        stt_restart=True,
    )
    f = "an_hoa_thinh_2024.xlsx"
    render_xlsx([sh], out / f)
    return ok(
        f,
        "Group rows 'I' + 'Thôn An Phú' above each village, STT restarting at 1 in each village, "
        "a 'Cộng thôn An Phú' subtotal row after each (members sum, 'n hộ'), Tổng cộng at the "
        "bottom. Subtotals are right.",
        2024,
        [truth_entry(f, "An Hòa Thịnh", hhs)],
    )


@case
def case_wrong_subtotal(out: Path) -> dict:
    rng = rng_for("t11")
    villages = ["Thôn 1", "Thôn 2", "Thôn 3", "Thôn 4", "Thôn 5"]
    hhs = households(rng, 26, villages)
    cols = standard_cols(rng)
    sh, _ = list_sheet(
        "Danh sách",
        hhs,
        cols,
        standard_title("XÃ SƠN NINH", 2024),
        group="plain",
        subtotal=True,
        wrong_subtotal="Thôn 3",
    )
    f = "son_ninh_2024.xlsx"
    render_xlsx([sh], out / f)
    return ok(
        f,
        "Plain group rows 'Thôn 1'.. and 'Cộng thôn 3' subtotals; the 'Cộng thôn 3' members "
        "subtotal is 2 too high. Counts come from the household rows; a warning naming the "
        "subtotal row is expected (not checked here).",
        2024,
        [truth_entry(f, "Sơn Ninh", hhs)],
    )


@case
def case_one_sheet_per_village(out: Path) -> dict:
    rng = rng_for("t12")
    villages = ["Thôn 1", "Thôn 2", "Thôn 3", "Thôn 4"]
    hhs = households(rng, 30, villages)
    sheets = []
    for v in villages:
        part = [h for h in hhs if h["village"] == v]
        for i, h in enumerate(part, start=1):
            h["stt"] = i
        cols = [c_stt(), c_name(), c_birth(), c_members(), c_income(), *c_deps(), c_status()]
        title = [
            ("left", "UBND XÃ CHÂU BÌNH"),
            ("center", f"DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2024 - {v.upper()}"),
            ("blank", ""),
        ]
        sh, _ = list_sheet(v, part, cols, title, signatures=False)
        sheets.append(sh)
    f = "chau_binh_2024.xlsx"
    render_xlsx(sheets, out / f)
    return ok(
        f,
        "One sheet per village ('Thôn 1'..'Thôn 4'), each with its own title and header and no "
        "village column; one file entry for Châu Bình.",
        2024,
        [truth_entry(f, "Châu Bình", hhs)],
    )


@case
def case_village_sheet_named_like_other_commune(out: Path) -> dict:
    rng = rng_for("t13")
    villages = ["Thôn Kim Lĩnh", "Sơn Tây", "Tây Sơn", "Kim Hoa"]
    hhs = households(rng, 26, villages, minority_share=0.15)
    sheets = []
    for v in villages:
        part = [h for h in hhs if h["village"] == v]
        for i, h in enumerate(part, start=1):
            h["stt"] = i
        cols = [c_stt(), c_name(), c_ethnic(), c_members(), c_income(), *c_deps(), c_status()]
        title = [
            ("left", "UBND XÃ SƠN KIM 1"),
            ("center", f"DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2024 - THÔN {v.upper()}"),
            ("blank", ""),
        ]
        sh, _ = list_sheet(v, part, cols, title, signatures=False)
        sheets.append(sh)
    f = "SonKim1_2024_theo_thon.xlsx"
    render_xlsx(sheets, out / f)
    return ok(
        f,
        "Sơn Kim 1 workbook with village sheets 'Thôn Kim Lĩnh', 'Sơn Tây', 'Tây Sơn', 'Kim Hoa' "
        "(the last three are names of other communes of the district): every household stays "
        "in Sơn Kim 1.",
        2024,
        [truth_entry(f, "Sơn Kim 1", hhs)],
    )


@case
def case_hidden_struck_rows(out: Path) -> dict:
    rng = rng_for("t14")
    villages = ["Thôn Tân Hà", "Thôn Mỹ Hà", "Thôn Trung Hà"]
    hhs = households(rng, 24, villages)
    for i in (4, 11, 17):
        hhs[i]["hidden"] = True
    cols = standard_cols(rng)
    sh, _ = list_sheet("Danh sách", hhs, cols, standard_title("XÃ TÂN MỸ HÀ", 2024))
    f = "tan_my_ha_2024.xlsx"
    render_xlsx([sh], out / f)
    return ok(
        f,
        "Three old households struck through and hidden (row hidden): ignored, not counted, not "
        "rejected (they are reported). Total row counts only visible ones.",
        2024,
        [truth_entry(f, "Tân Mỹ Hà", hhs)],
    )


@case
def case_hidden_old_columns(out: Path) -> dict:
    rng = rng_for("t15")
    villages = ["Thôn Trường Thủy", "Thôn Trung Thủy", "Thôn Bắc Mỹ"]
    hhs = households(rng, 20, villages)
    old_rng = random.Random(15)
    cols = [
        c_stt(),
        c_name(),
        c_village(),
        Col(("Số NK (cũ)",), lambda h: h["members"] + old_rng.randint(1, 2), "old_members", True),
        c_members("Số NK"),
        Col(("Thu nhập BQ (cũ)",), lambda h: h["income"] - 300_000, "old_income", hidden=True),
        c_income(("Thu nhập BQ",)),
        *c_deps(),
        Col(
            ("Phân loại hộ (2023)",),
            lambda h: "Hộ nghèo" if h["status"] != "near_poor" else "Hộ cận nghèo",
            "old_status",
            hidden=True,
        ),
        c_status("Phân loại hộ (2024)"),
    ]
    sh, _ = list_sheet("Danh sách", hhs, cols, standard_title("XÃ QUANG DIỆM", 2024))
    f = "quang_diem_2024.xlsx"
    render_xlsx([sh], out / f)
    return ok(
        f,
        "Hidden old columns 'Số NK (cũ)', 'Thu nhập BQ (cũ)', 'Phân loại hộ (2023)' next to the "
        "visible 'Số NK', 'Thu nhập BQ', 'Phân loại hộ (2024)': the visible ones are read (the "
        "hidden ones give other persons and statuses).",
        2024,
        [truth_entry(f, "Quang Diệm", hhs)],
    )


def csv_sheet(commune_title: str, hhs, cols, year: int, *, two_rows: bool = False) -> Sheet:
    if not two_rows:  # a one-row header: the leaf labels only
        cols = [Col((c.path[-1],), c.get, c.key, c.hidden) for c in cols]
    sh = Sheet("csv")
    sh.put(1, 1, commune_title)
    sh.put(2, 1, f"DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {year}")
    sh.row = 3
    write_header(sh, cols, numbering=None, depth=2 if two_rows else 1)
    write_rows(sh, hhs, cols)
    write_total(sh, hhs, cols, style="inline")
    return sh


@case
def case_csv_utf8_comma(out: Path) -> dict:
    rng = rng_for("t16")
    villages = ["Thôn Long Thành", "Thôn Long Trung", "Thôn Mỹ Thịnh"]
    hhs = households(rng, 18, villages)
    cols = [
        c_stt("STT"),
        c_name(),
        c_village(),
        c_members(),
        c_income(("Thu nhập BQ (đồng/người/tháng)",), amount_commas),
        *c_deps(),
        c_status(),
    ]
    sh = csv_sheet("UBND XÃ MỸ LONG", hhs, cols, 2024)
    f = "my_long_2024.csv"
    render_csv(sh, out / f, sep=",", encoding="utf-8")
    return ok(
        f,
        "CSV, UTF-8 without BOM, comma-separated, two title rows, amounts '1,250,000' quoted, "
        "'Tổng cộng: n hộ' row last.",
        2024,
        [truth_entry(f, "Mỹ Long", hhs)],
    )


@case
def case_csv_utf8_bom_semicolon_two_row_header(out: Path) -> dict:
    rng = rng_for("t17")
    villages = ["Thôn Kim Cương", "Thôn Hoa Thủy", "Thôn Kim Thành"]
    hhs = households(rng, 17, villages)
    cols = [
        c_stt("STT"),
        c_name(),
        c_id(),
        c_village(),
        c_members(),
        c_income(("Thu nhập", "BQ đồng/người/tháng"), amount_dots),
        *c_deps(),
        c_status(),
    ]
    sh = csv_sheet("UBND XÃ KIM HOA", hhs, cols, 2024, two_rows=True)
    f = "kim_hoa_2024.csv"
    render_csv(sh, out / f, sep=";", encoding="utf-8", bom=True)
    return ok(
        f,
        "CSV, UTF-8 with BOM, semicolon-separated, two-row header exported from merged cells "
        "(parent text in the first cell of its span, blanks after), amounts '1.250.000', CCCD "
        "as text with the leading zero.",
        2024,
        [truth_entry(f, "Kim Hoa", hhs)],
    )


@case
def case_csv_cp1258_tab(out: Path) -> dict:
    rng = rng_for("t18")
    villages = ["Thôn Phú Thọ", "Thôn Phú Lễ", "Thôn Phú Mỹ"]
    hhs = households(rng, 16, villages)
    cols = [
        c_stt(),
        c_name(),
        c_village(),
        c_members("Số nhân khẩu"),
        c_income(("Thu nhập BQ/tháng",)),
        *c_deps(("1", "0")),
        c_status(style="short"),
    ]
    sh = csv_sheet("ỦY BAN NHÂN DÂN XÃ SƠN PHÚ", hhs, cols, 2024)
    f = "son_phu_2024.txt"
    render_csv(sh, out / f, sep="\t", encoding="cp1258")
    return ok(
        f,
        "Tab-separated text in Windows-1258 (tones as combining marks after the base letter, as "
        "Windows writes it), title 'ỦY BAN NHÂN DÂN XÃ SƠN PHÚ', statuses HN/HCN, flags 1/0.",
        2024,
        [truth_entry(f, "Sơn Phú", hhs)],
    )


@case
def case_csv_cp1258_semicolon_2023(out: Path) -> dict:
    rng = rng_for("t19")
    villages = ["Thôn Hàm Anh", "Thôn Trường Yên", "Thôn Hàm Hương"]
    hhs = households(rng, 19, villages)
    cols = [
        c_stt(),
        c_name(),
        c_village(),
        c_members(),
        c_income(("Thu nhập BQ (đồng/người/tháng)",), amount_dots),
        *c_deps(),
        c_status(),
    ]
    sh = csv_sheet("UBND XÃ HÀM TRƯỜNG", hhs, cols, 2023)
    f = "ham_truong_2023.csv"
    render_csv(sh, out / f, sep=";", encoding="cp1258")
    return ok(
        f,
        "CSV in Windows-1258, semicolon-separated, year 2023, amounts with dot separators.",
        2023,
        [truth_entry(f, "Hàm Trường", hhs)],
    )


@case
def case_tcvn3_workbook(out: Path) -> dict:
    rng = rng_for("t20")
    villages = ["Thôn Trung Thành", "Thôn Trung Hòa", "Thôn Yên Trung"]
    hhs = households(rng, 22, villages)
    cols = standard_cols(rng, with_id=False)
    sh, _ = list_sheet(
        "DS hộ nghèo 2024",
        hhs,
        cols,
        standard_title("XÃ SƠN TRUNG", 2024),
        group="plain",
        subtotal=True,
    )
    f = "son_trung_2024_tcvn3.xlsx"
    render_xlsx([sh], out / f, encode=to_tcvn3, body_font=".VnTime", title_font=".VnTimeH")
    return ok(
        f,
        "Every text cell and the sheet name ('DS hé nghÌo 2024') in TCVN3 (ABC) font bytes, "
        "title in .VnTimeH (capitals stored as lower-case codes); group, 'Cộng thôn' and "
        "'Tổng cộng' rows also in TCVN3.",
        2024,
        [truth_entry(f, "Sơn Trung", hhs)],
    )


@case
def case_vni_workbook(out: Path) -> dict:
    rng = rng_for("t21")
    villages = ["Thôn Bằng Phúc", "Thôn Bằng Châu", "Thôn Yên Thịnh"]
    hhs = households(rng, 21, villages)
    cols = standard_cols(rng)
    sh, _ = list_sheet("Danh sách", hhs, cols, standard_title("XÃ SƠN BẰNG", 2024))
    f = "son_bang_2024_vni.xlsx"
    render_xlsx([sh], out / f, encode=to_vni, body_font="VNI-Times", title_font="VNI-Times")
    return ok(
        f,
        "Every text cell and the sheet name in VNI Windows font bytes (base letter + mark byte; "
        "ơ as 'ô', đ as 'ñ'); names include ẳ and ỵ.",
        2024,
        [truth_entry(f, "Sơn Bằng", hhs)],
    )


@case
def case_tcvn3_village_sheets(out: Path) -> dict:
    rng = rng_for("t21b")
    villages = ["Thôn Hà Trai", "Thôn Tiền Phong", "Thôn Thượng Kim"]
    hhs = households(rng, 18, villages, minority_share=0.3)
    sheets = []
    for v in villages:
        part = [h for h in hhs if h["village"] == v]
        for i, h in enumerate(part, start=1):
            h["stt"] = i
        cols = [c_stt(), c_name(), c_ethnic(), c_members(), c_income(), *c_deps(), c_status()]
        title = [("left", "UBND XÃ SƠN KIM 2"), ("center", "DANH SÁCH HỘ NGHÈO NĂM 2023")]
        sh, _ = list_sheet(v, part, cols, title, signatures=False, total="inline")
        sheets.append(sh)
    f = "son_kim_2_2023.xlsx"
    render_xlsx(sheets, out / "2023" / f, encode=to_tcvn3, body_font=".VnTime")
    return ok(
        f"2023/{f}",
        "2023 Sơn Kim 2 workbook, one sheet per village, sheet names in TCVN3 ('Th«n Hµ Trai'), "
        "Dân tộc names (Thái, Lào, H'Mông, Chứt...) in TCVN3.",
        2023,
        [truth_entry(f"2023/{f}", "Sơn Kim 2", hhs)],
    )


@case
def case_every_row_rejected(out: Path) -> dict:
    rng = rng_for("t22")
    villages = ["Thôn Tiến Thành", "Thôn Tiến Hòa"]
    hhs = households(rng, 12, villages)
    words = {1: "Một", 2: "Hai", 3: "Ba", 4: "Bốn", 5: "Năm", 6: "Sáu", 7: "Bảy", 8: "Tám"}
    cols = [
        c_stt(),
        c_name(),
        c_village(),
        Col(("Số nhân khẩu",), lambda h: words[h["members"]] + " khẩu", "members"),
        c_income(),
        *c_deps(),
        c_status(),
    ]
    sh, _ = list_sheet("Danh sách", hhs, cols, standard_title("XÃ SƠN TIẾN", 2024))
    f = "son_tien_2024_chu.xlsx"
    render_xlsx([sh], out / "rejected" / f)
    return fail(
        f"rejected/{f}",
        "The members column is written in words ('Bốn khẩu'): every row is rejected, the file "
        "yields no household; must fail, not report 'ĐẠT'.",
        2024,
        column="Số nhân khẩu",
    )


@case
def case_commune_outside_district(out: Path) -> dict:
    rng = rng_for("t23")
    hhs = households(rng, 15, ["Thôn Trung Thịnh", "Thôn Văn Giang"])
    cols = standard_cols(rng)
    sh, _ = list_sheet("Danh sách", hhs, cols, standard_title("XÃ CẨM LẠC", 2024))
    f = "cam_lac_2024.xlsx"
    render_xlsx([sh], out / f)
    return fail(
        f,
        "A list of xã Cẩm Lạc (Cẩm Xuyên district), not a commune of Hương Sơn: must fail "
        "naming the commune.",
        2024,
        message_contains="Cẩm Lạc",
    )


@case
def case_two_members_columns(out: Path) -> dict:
    rng = rng_for("t24")
    villages = ["Thôn Hồng Thịnh", "Thôn Hồng Sơn"]
    hhs = households(rng, 14, villages)
    cols = [
        c_stt(),
        c_name(),
        c_village(),
        c_members("Số nhân khẩu"),
        c_income(),
        Col(("Số NK",), lambda h: h["members"] + (1 if h["stt"] % 4 == 0 else 0), "members2"),
        *c_deps(),
        c_status(),
    ]
    sh, _ = list_sheet("Danh sách", hhs, cols, standard_title("XÃ SƠN HỒNG", 2024))
    f = "son_hong_2024_hai_cot.xlsx"
    render_xlsx([sh], out / "dup" / f)
    return fail(
        f"dup/{f}",
        "Two visible columns with the same meaning, 'Số nhân khẩu' and 'Số NK' (values differ "
        "in some rows): must fail naming both columns.",
        2024,
        column="Số nhân khẩu",
        names=["Số nhân khẩu", "Số NK"],
    )


@case
def case_deprivation_count_only(out: Path) -> dict:
    rng = rng_for("t25")
    villages = ["Thôn Khe Dăm", "Thôn Tây Sơn", "Thôn Tây Lộc"]
    hhs = households(rng, 20, villages, minority_share=0.1)
    cols = [
        c_stt(),
        c_name(),
        c_village(),
        c_ethnic(),
        c_members(),
        c_income(("Thu nhập BQ đầu người (đồng/tháng)",), amount_dots),
        Col(("Số chỉ số thiếu hụt",), lambda h: sum(h["deps"]), "ndep"),
        c_status(),
        c_notes(),
    ]
    sh, _ = list_sheet("DS", hhs, cols, standard_title("XÃ SƠN TÂY", 2024))
    f = "son_tay_2024_chi_so.xlsx"
    render_xlsx([sh], out / f)
    return ok(
        f,
        "Only 'Số chỉ số thiếu hụt' (the number of deprivations), no per-indicator columns; a "
        "village named 'Thôn Tây Sơn' inside xã Sơn Tây.",
        2024,
        [truth_entry(f, "Sơn Tây", hhs)],
    )


@case
def case_town_tay_son_urban(out: Path) -> dict:
    rng = rng_for("t26")
    villages = ["TDP 1", "TDP 2", "TDP 3", "TDP Hà Chua"]
    hhs = households(rng, 18, villages, urban=True)
    cols = [
        c_stt(),
        c_name(),
        c_village("Tổ dân phố"),
        c_members(),
        c_income(("Thu nhập BQ (đồng/người/tháng)",)),
        *c_deps(),
        c_status(),
    ]
    title = standard_title("THỊ TRẤN TÂY SƠN", 2024)
    sh, _ = list_sheet("Danh sách", hhs, cols, title)
    f = "tay_son_2024.xlsx"
    render_xlsx([sh], out / f)
    return ok(
        f,
        "Thị trấn Tây Sơn (urban): 'UBND THỊ TRẤN TÂY SƠN', 'Tổ dân phố' column, incomes under "
        "the urban lines (poor ≤ 2,000,000).",
        2024,
        [truth_entry(f, "Tây Sơn", hhs)],
    )


@case
def case_town_pho_chau_2023_groups(out: Path) -> dict:
    rng = rng_for("t27")
    villages = ["Tổ dân phố 3", "Tổ dân phố 5", "Tổ dân phố 8", "Tổ dân phố 11"]
    hhs = households(rng, 20, villages, urban=True)
    cols = [
        c_stt("TT"),
        c_name(),
        c_birth(),
        c_id(as_number=True),
        c_members("Số NK"),
        c_income(("Thu nhập BQ/người/tháng (đồng)",)),
        *c_deps(("X", None)),
        c_status(),
    ]
    sh, _ = list_sheet(
        "TT Phố Châu",
        hhs,
        cols,
        standard_title("THỊ TRẤN PHỐ CHÂU", 2023),
        group="plain",
        subtotal=True,
        total="upper",
    )
    f = "pho_chau_2023.xlsx"
    render_xlsx([sh], out / "2023" / f)
    return ok(
        f"2023/{f}",
        "Thị trấn Phố Châu 2023, no village column: plain group rows 'Tổ dân phố 3' and 'Cộng "
        "tổ dân phố 3' subtotals, 'TỔNG CỘNG', IDs as numbers.",
        2023,
        [truth_entry(f"2023/{f}", "Phố Châu", hhs)],
    )


@case
def case_odd_header_spellings(out: Path) -> dict:
    rng = rng_for("t28")
    villages = ["Thôn Giang Hà", "Thôn Giang Đông", "Thôn Giang Tây", "Thôn Giang Thủy"]
    hhs = households(rng, 25, villages)
    nb = "\u00a0"
    cols = [
        c_stt("TT"),
        c_name("Họ và tên\nchủ hộ"),
        c_id("Số CCCD/\nCMND"),
        c_village(f"Thôn,{nb}xóm"),
        c_members("SỐ NHÂN KHẨU"),
        c_income((f"Thu nhập{nb}BQ\n(đồng/người/tháng)",)),
        *c_deps(
            ("x", None),
            parent=("CÁC CHỈ SỐ THIẾU HỤT\nDỊCH VỤ XÃ HỘI CƠ BẢN",),
            labels=(
                "Việc\nlàm",
                "Người phụ\nthuộc",
                "Dinh\ndưỡng",
                f"BHYT{nb}",
                "Trình độ GD\nngười lớn",
                "Trẻ em\nđi học",
                "Chất lượng\nnhà ở",
                "DT nhà ở\nBQ/người",
                "Nước\nSH",
                "Nhà tiêu\nHVS",
                "Dịch vụ\nviễn thông",
                "P.tiện tiếp\ncận TT",
            ),
        ),
        c_status("Phân loại\n(HN/HCN)"),
        c_btxh("Hộ BTXH\n(không có khả năng LĐ)"),
    ]
    sh, _ = list_sheet("Danh sách", hhs, cols, standard_title("XÃ SƠN GIANG", 2023))
    f = "son_giang_2023.xlsx"
    render_xlsx([sh], out / "2023" / f)
    return ok(
        f"2023/{f}",
        "Header cells with line breaks and non-breaking spaces, upper case 'SỐ NHÂN KHẨU' and "
        "an upper-case parent, abbreviations (DT, BQ, P.tiện, SH, HVS, TT, GD, LĐ), qualifiers "
        "in parentheses and after a slash; year 2023.",
        2023,
        [truth_entry(f"2023/{f}", "Sơn Giang", hhs)],
    )


@case
def case_merged_village_cells(out: Path) -> dict:
    rng = rng_for("t29")
    villages = ["Thôn Kim Lộc", "Thôn Kim Tiến", "Thôn Kim Thanh"]
    hhs = households(rng, 21, villages)
    cols = standard_cols(rng)
    sh, _ = list_sheet(
        "Danh sách", hhs, cols, standard_title("XÃ KIM HOA", 2024), merge_village=True
    )
    f = "kim_hoa_2024_thon_gop.xlsx"
    render_xlsx([sh], out / "merged" / f)
    return ok(
        f"merged/{f}",
        "The village cell is merged vertically over each village's households (value only in "
        "the first row): every household belongs to the merged cell's village.",
        2024,
        [truth_entry(f"merged/{f}", "Kim Hoa", hhs)],
    )


@case
def case_one_row_rejected(out: Path) -> dict:
    rng = rng_for("t30")
    villages = ["Thôn Đông Hà", "Thôn Tây Hà", "Thôn Nam Hà", "Thôn Bắc Hà"]
    hhs = households(rng, 30, villages)
    hhs[9]["reject"] = True
    cols = [
        c_stt(),
        c_name(),
        c_village(),
        Col(("Số nhân khẩu",), lambda h: "?" if h["reject"] else h["members"], "members"),
        c_income(),
        *c_deps(),
        c_status(),
    ]
    sh, rows = list_sheet("Danh sách", hhs, cols, standard_title("XÃ MỸ LONG", 2023))
    f = "my_long_2023.xlsx"
    render_xlsx([sh], out / "2023" / f)
    return ok(
        f"2023/{f}",
        f"One household (row {rows[id(hhs[9])]}) has '?' as members: that row is rejected "
        "(1 of 30 = 3.3 %, under the 5 % limit), the other 29 counted; exit 0.",
        2023,
        [truth_entry(f"2023/{f}", "Mỹ Long", hhs)],
    )


# Summary tables ------------------------------------------------------------------------------


def summary_rows(rng: random.Random) -> list[dict]:
    rows = []
    for name, code in COMMUNES.items():
        hh = rng.randint(900, 4200)
        persons = int(hh * rng.uniform(3.3, 3.9))
        rate = rng.uniform(0.005, 0.02) if name in TOWNS else rng.uniform(0.015, 0.11)
        poor = max(1, round(hh * rate))
        near = max(1, round(hh * rng.uniform(0.02, 0.08)))
        rows.append(
            {"name": name, "code": code, "hh": hh, "persons": persons, "poor": poor, "near": near}
        )
    return rows


def pct(a: int, b: int) -> float:
    return round(100 * a / b, 2)


@case
def case_summary_table_2024(out: Path) -> dict:
    rng = rng_for("s1")
    data = summary_rows(rng)
    sh = Sheet("Biểu 01")
    lines = [
        ("pair", "UBND HUYỆN HƯƠNG SƠN|CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        ("pair", "PHÒNG LĐ-TB&XH|Độc lập - Tự do - Hạnh phúc"),
        ("blank", ""),
        ("center", "BIỂU TỔNG HỢP KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2024"),
        ("center", "(Kèm theo Quyết định số 2150/QĐ-UBND ngày 25/12/2024 của UBND huyện)"),
        ("blank", ""),
    ]
    cols = [
        Col(("TT",), None),
        Col(("Đơn vị (xã, thị trấn)",), None),
        Col(("Tổng số hộ dân cư", "Số hộ"), None),
        Col(("Tổng số hộ dân cư", "Số NK"), None),
        Col(("Hộ nghèo", "Số hộ"), None),
        Col(("Hộ nghèo", "Tỷ lệ (%)"), None),
        Col(("Hộ cận nghèo", "Số hộ"), None),
        Col(("Hộ cận nghèo", "Tỷ lệ (%)"), None),
        Col(("Ghi chú",), None),
    ]
    write_title(sh, lines, len(cols))
    write_header(sh, cols, numbering=["A", "B", 1, 2, 3, "4=3/1", 5, "6=5/1", "C"])
    groups = [
        ("I", "Các xã", [r for r in data if r["name"] not in TOWNS]),
        ("II", "Thị trấn", [r for r in data if r["name"] in TOWNS]),
    ]
    for roman, label, members in groups:
        sh.row += 1
        sh.put(sh.row, 1, roman, bold=True)
        sh.put(sh.row, 2, label, bold=True)
        for k, r in enumerate(members, start=1):
            sh.row += 1
            unit = f"TT {r['name']}" if r["name"] in TOWNS else f"Xã {r['name']}"
            vals = [k, unit, r["hh"], r["persons"], r["poor"], pct(r["poor"], r["hh"])]
            vals += [r["near"], pct(r["near"], r["hh"]), None]
            for i, v in enumerate(vals, start=1):
                sh.put(sh.row, i, v)
    sh.row += 1
    tot = {k: sum(r[k] for r in data) for k in ("hh", "persons", "poor", "near")}
    vals = [None, "Toàn huyện", tot["hh"], tot["persons"], tot["poor"]]
    vals += [pct(tot["poor"], tot["hh"]), tot["near"], pct(tot["near"], tot["hh"])]
    for i, v in enumerate(vals, start=1):
        sh.put(sh.row, i, v, bold=True)
    write_signatures(sh, len(cols), unit="HUYỆN")
    f = "bieu_tong_hop_2024.xlsx"
    render_xlsx([sh], out / "summary" / f)
    truth = [
        {
            "file": f"summary/{f}",
            "commune_code": r["code"],
            "households": r["hh"],
            "persons": r["persons"],
            "poor": r["poor"],
            "near_poor": r["near"],
            "rows_rejected": 0,
        }
        for r in data
    ]
    return ok(
        f"summary/{f}",
        "District summary table (biểu tổng hợp): two-row merged headers, numbering row A, B, 1, "
        "2, 3, '4=3/1', group rows 'I. Các xã' / 'II. Thị trấn', names only ('Xã Sơn Tây', "
        "'TT Tây Sơn'), '%' columns in percent (5.23 = 5.23 %), total row 'Toàn huyện'.",
        2024,
        truth,
    )


@case
def case_summary_table_2023_three_rows(out: Path) -> dict:
    rng = rng_for("s2")
    data = summary_rows(rng)
    sh = Sheet("TH 2023")
    lines = [
        ("left", "UBND HUYỆN HƯƠNG SƠN"),
        ("center", "TỔNG HỢP KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO CUỐI NĂM 2023"),
        ("center", "(Theo chuẩn nghèo giai đoạn 2022-2025)"),
        ("blank", ""),
    ]
    cols = [
        Col(("TT",), None),
        Col(("Mã xã",), None),
        Col(("Tên đơn vị",), None),
        Col(("Tổng số", "Hộ"), None),
        Col(("Tổng số", "Khẩu"), None),
        Col(("Kết quả rà soát", "Hộ nghèo", "Số hộ"), None),
        Col(("Kết quả rà soát", "Hộ nghèo", "%"), None),
        Col(("Kết quả rà soát", "Hộ cận nghèo", "Số hộ"), None),
        Col(("Kết quả rà soát", "Hộ cận nghèo", "%"), None),
    ]
    write_title(sh, lines, len(cols))
    write_header(sh, cols, numbering=numbering_digits(len(cols)))
    sh.row += 1
    sh.put(sh.row, 1, "Tổng cộng", bold=True)
    tot = {k: sum(r[k] for r in data) for k in ("hh", "persons", "poor", "near")}
    vals = [tot["hh"], tot["persons"], tot["poor"], pct(tot["poor"], tot["hh"])]
    vals += [tot["near"], pct(tot["near"], tot["hh"])]
    for i, v in enumerate(vals, start=4):
        sh.put(sh.row, i, v, bold=True)
    for k, r in enumerate(data, start=1):
        sh.row += 1
        unit = f"Thị trấn {r['name']}" if r["name"] in TOWNS else r["name"]
        vals = [k, r["code"], unit, r["hh"], r["persons"], r["poor"]]
        vals += [f"{pct(r['poor'], r['hh']):.2f}".replace(".", ","), r["near"]]
        vals += [f"{pct(r['near'], r['hh']):.2f}".replace(".", ",")]
        for i, v in enumerate(vals, start=1):
            sh.put(sh.row, i, v)
    f = "TH ket qua ra soat 2023.xlsx"
    render_xlsx([sh], out / "summary" / f)
    truth = [
        {
            "file": f"summary/{f}",
            "commune_code": r["code"],
            "households": r["hh"],
            "persons": r["persons"],
            "poor": r["poor"],
            "near_poor": r["near"],
            "rows_rejected": 0,
        }
        for r in data
    ]
    return ok(
        f"summary/{f}",
        "2023 summary with a three-row header (Kết quả rà soát / Hộ nghèo / Số hộ, %), codes as "
        "text in 'Mã xã', the total row 'Tổng cộng' ABOVE the communes, '%' as text with a "
        "decimal comma ('5,23').",
        2023,
        truth,
    )


# Folders -----------------------------------------------------------------------------------


def _district_folder(out: Path, folder: str, year: int, skip: set[str]) -> list[dict]:
    truth = []
    for k, (name, _code) in enumerate(COMMUNES.items()):
        if name in skip:
            continue
        rng = rng_for(f"{folder}{name}")
        urban = name in TOWNS
        villages = ["TDP 1", "TDP 2"] if urban else ["Thôn 1", "Thôn 2", "Thôn 3"]
        hhs = households(rng, rng.randint(5, 9), villages, urban=urban)
        unit = f"{'THỊ TRẤN' if urban else 'XÃ'} {name.upper()}"
        style = k % 3
        cols = standard_cols(rng) if style == 0 else [
            c_stt(), c_name(), c_village(), c_members(), c_income(), *c_deps(), c_status()
        ]  # fmt: skip
        if style == 2:
            title = standard_title(None, year, phrasing="none", decision=False)
            slug = "".join(w.capitalize() for w in _ascii(name).split())
            f = f"{folder}/DS_{slug}_{year}.xlsx"
        else:
            title = standard_title(unit, year)
            f = f"{folder}/{_ascii(name).replace(' ', '_').lower()}.xlsx"
        sh, _ = list_sheet("Danh sách", hhs, cols, title, group="plain" if style == 1 else None)
        render_xlsx([sh], out / f)
        truth.append(truth_entry(f, name, hhs))
    return truth


def _ascii(s: str) -> str:
    import unicodedata

    s = s.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


@case
def case_district_folder_2023(out: Path) -> dict:
    truth = _district_folder(out, "huyen_2023", 2023, set())
    return ok(
        "huyen_2023",
        "A folder with one small list per commune for all 22 units of 2023, three layouts "
        "(commune in the title, group rows, commune only in the file name, e.g. 'DS_SonKim2_2023.xlsx')."
        " Validating a folder also checks completeness: all communes present.",
        2023,
        truth,
    )


@case
def case_district_folder_missing_commune(out: Path) -> dict:
    _district_folder(out, "huyen_2024_thieu", 2024, {"Sơn Phú"})
    return fail(
        "huyen_2024_thieu",
        "The same folder for 2024 without Sơn Phú's list: validating the folder must fail "
        "naming the missing commune (not show it as 0 % poor). Relies on the district's "
        "commune list (registry or resident totals).",
        2024,
        file=False,
        message_contains="Sơn Phú",
    )


CASE_IDS.extend(name for name, _ in CASES)


def build(out_dir: Path) -> list[dict]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    cases = []
    for name, fn in CASES:
        spec = fn(out_dir)
        cases.append({"id": name, **spec})
    (out_dir / "truth.yaml").write_text(
        yaml.safe_dump(cases, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8"
    )
    return cases


if __name__ == "__main__":  # pragma: no cover
    import sys

    built = build(Path(sys.argv[1] if len(sys.argv) > 1 else "office_corpus_out"))
    print(f"{len(built)} cases")
